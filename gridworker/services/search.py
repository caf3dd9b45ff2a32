"""Finding people and opening a household: what the search box and the CLI call.

"提户知人": name a household and know its people. `household_card` reads a
household, its building, its people living there (head first) and everyone
who ever lived there, in one read session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam
from sqlmodel import select

from ..domain.enums import PersonStatus, Relation
from ..domain.errors import NotFound
from ..domain.models import Building, Household, Membership, Person
from ..store import search
from ..store.database import Store
from ..store.search import SearchHit

__all__ = ["HistoryEntry", "HouseholdCard", "SearchHit", "find_people", "find_places", "household_card",
           "mask_id_number", "mask_phone", "rebuild_index"]


def find_people(
    store: Store, query: str, *, limit: int = 50, area_ids: list[str] | None = None, include_inactive: bool = False
) -> list[SearchHit]:
    """People matching `query`, best first: exact ID or phone, then name and pinyin, then the rest."""
    with store.read() as s:
        return search.search(s, query, limit=limit, area_ids=area_ids, include_inactive=include_inactive)


def find_places(store: Store, query: str, *, limit: int = 20, area_ids: list[str] | None = None) -> list:
    """Places (场所) matching `query` for the same search box: name, pinyin and initials, address, licence number,
    person in charge, phone digits (services.queries.places_register.search_places; PlaceListRow each)."""
    from .queries.places_register import search_places

    return search_places(store, query, limit=limit, area_ids=area_ids)


def rebuild_index(store: Store) -> int:
    """Re-index every person in one transaction; returns how many were indexed."""
    with store.write() as s:
        return search.rebuild(s)


@dataclass(frozen=True)
class HistoryEntry:
    """One stay of a person in the household."""

    membership_id: str
    person_id: str
    name: str  # "" when the person record is gone
    relation: str | None
    moved_in: date | None
    moved_out: date | None
    reason: str | None

    @property
    def latest(self) -> date:
        """The date of the last thing that happened in this stay, for ordering newest first."""
        return max(d for d in (self.moved_in, self.moved_out, date.min) if d is not None)


@dataclass(frozen=True)
class HouseholdCard:
    household: Household
    building: Building | None
    members: list[Person]  # living here now, head first
    history: list[HistoryEntry]  # every stay, newest first


_RELATION_ORDER = {r.value: i for i, r in enumerate(Relation)}


def _member_order(hh: Household):
    def key(p: Person):
        is_head = p.id == hh.head_person_id or (hh.head_person_id is None and p.relation == Relation.head.value)
        return (not is_head, _RELATION_ORDER.get(p.relation or "", len(_RELATION_ORDER)), p.birth_date or date.max, p.name)

    return key


# Built once: composing a statement costs more than running it on SQLite.
_MEMBERS = select(Person).where(
    Person.household_id == bindparam("household_id"),
    Person.deleted == False,  # noqa: E712
    Person.status == PersonStatus.active.value,
)
_STAYS = (
    select(Membership, Person.name)
    .join(Person, Person.id == Membership.person_id, isouter=True)
    .where(Membership.household_id == bindparam("household_id"), Membership.deleted == False)  # noqa: E712
)


def household_card(store: Store, household_id: str) -> HouseholdCard:
    with store.read() as s:
        hh = s.get(Household, household_id)
        if hh is None or hh.deleted:
            raise NotFound(f"找不到该住户（{household_id}）", f"No such household ({household_id})")
        building = s.get(Building, hh.building_id) if hh.building_id else None
        members = s.exec(_MEMBERS, params={"household_id": hh.id}).all()
        stays = s.exec(_STAYS, params={"household_id": hh.id}).all()
    history = [
        HistoryEntry(m.id, m.person_id, name or "", m.relation, m.moved_in, m.moved_out, m.reason) for m, name in stays
    ]
    history.sort(key=lambda e: (e.latest, e.moved_out is None), reverse=True)
    return HouseholdCard(hh, building, sorted(members, key=_member_order(hh)), history)


# -- masking: what a screen or a printout shows of an ID or phone number ------
def mask_id_number(number: str | None) -> str:
    """110105199001011247 → 110105********1247."""
    if not number:
        return ""
    if len(number) < 11:
        return number[:2] + "*" * max(len(number) - 2, 0)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_phone(phone: str | None) -> str:
    """13800138000 → 138****8000; a landline keeps its first 3 and last 4 characters too."""
    if not phone:
        return ""
    if len(phone) < 8:
        return phone[:1] + "*" * (len(phone) - 1)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
