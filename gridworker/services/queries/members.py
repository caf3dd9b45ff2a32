"""Members (党员) on this computer: the check-in list by review status, one member's record, grids to place in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import select

from ...domain.models import Area
from ...domain.participation_records import Member
from ..scope import in_scope  # the lists follow the account's scope, as the register's records do
from .points import balances_in

VIEWS = ("submitted", "to_place", "approved", "returned", "all")


@dataclass(frozen=True)
class MemberRow:
    id: str
    name: str
    phone: str
    employer: str
    estate: str
    building: str
    grid_id: str | None
    grid_name: str
    skills: tuple[str, ...]
    posts: tuple[str, ...]
    team: str | None
    status: str
    return_reason: str | None
    submitted_at: datetime
    balance: int


def members(store: Any, view: str = "all", text: str = "", *, also: str | None = None) -> list[MemberRow]:
    """Members of the view (to review, to place by hand, approved, returned, all), newest check-ins first.

    `also`: a member shown whatever the view (the one being worked on, whose step took it out of the view),
    at the end of the list."""
    rows = _members(store, view, text)
    if also is not None and not any(r.id == also for r in rows):
        rows += [r for r in _members(store, "all", "", only=also)]
    return rows


def _members(store: Any, view: str, text: str, only: str | None = None) -> list[MemberRow]:
    q = select(Member).where(Member.deleted == False)  # noqa: E712
    if only is not None:
        q = q.where(Member.id == only)
    if view == "submitted":
        q = q.where(Member.status == "submitted")
    elif view == "to_place":
        q = q.where(Member.status == "submitted", Member.to_place == True)  # noqa: E712
    elif view in ("approved", "returned"):
        q = q.where(Member.status == view)
    if text.strip():
        like = f"%{text.strip()}%"
        q = q.where(Member.name.like(like) | Member.employer.like(like) | Member.phone.like(like))
    with store.read() as s:
        rows = list(s.exec(in_scope(s, q, Member).order_by(Member.submitted_at.desc())))
        names = dict(s.exec(select(Area.id, Area.name)).all())
        points = balances_in(s)
    return [
        MemberRow(m.id, m.name, m.phone or "", m.employer or "", m.estate or "", m.building or "",
                  None if m.to_place else m.area_id, "" if m.to_place else names.get(m.area_id, ""),
                  tuple(m.skills), tuple(m.posts), m.team, m.status, m.return_reason, m.submitted_at, points.get(m.id, 0))
        for m in rows
    ]


def counts(store: Any) -> dict[str, int]:
    with store.read() as s:
        rows = list(s.exec(in_scope(s, select(Member.status, Member.to_place).where(Member.deleted == False), Member)))  # noqa: E712
    out = {view: 0 for view in VIEWS}
    for status, to_place in rows:
        out["all"] += 1
        if status in out:
            out[status] += 1
        if status == "submitted" and to_place:
            out["to_place"] += 1
    return out


def member_names(store: Any) -> dict[str, str]:
    with store.read() as s:
        return dict(s.exec(select(Member.id, Member.name).where(Member.deleted == False)).all())  # noqa: E712


def teams(store: Any) -> list[str]:
    with store.read() as s:
        return sorted({t for t in s.exec(select(Member.team).where(Member.team != None)) if t})  # noqa: E711


def grids(store: Any) -> list[tuple[str, str]]:
    """(id, name) of the grids to place members in."""
    with store.read() as s:
        rows = s.exec(select(Area.id, Area.name).where(Area.level == "grid", Area.deleted == False))  # noqa: E712
        return sorted(rows, key=lambda r: r[1])


def communities(store: Any) -> list[tuple[str, str]]:
    """(id, name) of the communities on this computer (where shop items are offered)."""
    with store.read() as s:
        rows = s.exec(select(Area.id, Area.name).where(Area.level == "community", Area.deleted == False))  # noqa: E712
        return sorted(rows, key=lambda r: r[1])


__all__ = ["MemberRow", "VIEWS", "communities", "counts", "grids", "member_names", "members", "teams"]
