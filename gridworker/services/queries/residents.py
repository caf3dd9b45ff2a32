"""Residents' web accounts on this computer (issue 17): those waiting to be verified, those verified, and the
people of the register who may be them (only people this computer's register already holds: the staff's own)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import select

from ...domain.models import Area, Household, Person
from ...domain.participation_records import Resident
from ...store import search
from ..scope import in_scope

VIEWS = ("waiting", "verified", "all")


@dataclass(frozen=True)
class ResidentRow:
    id: str
    name: str
    phone: str
    community: str
    registered_at: datetime | None
    verified: bool
    confirmed: bool  # by staff (else, if verified, the register matched what they entered)
    person_id: str | None
    undo_reason: str | None


def residents(store: Any, view: str = "waiting", text: str = "", *, also: str | None = None) -> list[ResidentRow]:
    """Residents of the view (waiting for verification, verified, all), the oldest registration first;
    `also`: the one being worked on, shown whatever the view."""
    q = select(Resident).where(Resident.deleted == False)  # noqa: E712
    if text.strip():
        like = f"%{text.strip()}%"
        q = q.where(Resident.name.like(like) | Resident.phone.like(like))
    with store.read() as s:
        names = dict(s.exec(select(Area.id, Area.name)).all())
        rows = list(s.exec(in_scope(s, q, Resident).order_by(Resident.registered_at, Resident.name)))
    keep = {"waiting": lambda r: not r.verified, "verified": lambda r: r.verified}.get(view, lambda r: True)
    return [
        ResidentRow(r.id, r.name, r.phone or "", names.get(r.area_id or "", ""), r.registered_at, r.verified, r.confirmed,
                    r.person_id, r.undo_reason)
        for r in rows if keep(r) or r.id == also
    ]


def counts(store: Any) -> dict[str, int]:
    with store.read() as s:
        flags = list(s.exec(in_scope(s, select(Resident.verified).where(Resident.deleted == False), Resident)))  # noqa: E712
    return {"waiting": flags.count(False), "verified": flags.count(True), "all": len(flags)}


def register_matches(store: Any, resident_id: str) -> list[tuple[str, str]]:
    """(person id, label) of living people of the resident's community on this computer who have the resident's
    name — to link when confirming. The label is the person's name, grid and address: what staff see in the register."""
    with store.read() as s:
        resident = s.get(Resident, resident_id)
        if resident is None:
            return []
        areas = list(s.exec(select(Area.id, Area.parent_id, Area.name).where(Area.deleted == False)))  # noqa: E712
        below: dict[str | None, list[str]] = {}
        for area_id, parent_id, _name in areas:
            below.setdefault(parent_id, []).append(area_id)
        seen, stack = set(), [resident.area_id]
        while stack:
            area = stack.pop()
            if area is not None and area not in seen:
                seen.add(area)
                stack.extend(below.get(area, ()))
        names = {a: n for a, _p, n in areas}
        named = search.people_named(s, resident.name.strip())  # the search index's names: person.name has no index
        people = list(s.exec(select(Person).where(Person.id.in_(named), Person.name == resident.name.strip(),
                                                  Person.deleted == False,  # noqa: E712
                                                  Person.status == "active", Person.area_id.in_(sorted(seen)))))
        homes = {p.household_id: s.get(Household, p.household_id) for p in people if p.household_id}
    # namesakes told apart by where they live (and, in one household, by the year of birth)
    labels = [" · ".join(x for x in (p.name, names.get(p.area_id or "", ""), getattr(homes.get(p.household_id), "address", None)) if x)
              for p in people]  # fmt: skip
    labels = [f"{label} · {p.birth_date.year}" if labels.count(label) > 1 and p.birth_date else label
              for label, p in zip(labels, people)]  # fmt: skip
    return [(p.id, label) for p, label in zip(people, labels)]


__all__ = ["ResidentRow", "VIEWS", "counts", "register_matches", "residents"]
