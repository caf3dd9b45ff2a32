"""The grid's forces (网格“1+6+N”): a grid's roster, grids whose roster is incomplete, roster members to
dispatch to. Writes are in services.roster.

Dispatching: roster members are people, not necessarily users. Only a user
can be an incident's assignee (the server checks `assignee_id` against its
users: docs/sync-protocol.md §4.6). So `dispatch_contacts` returns every
member of the incident's grid, each marked `assignee_id` = their user id when
they are linked to a user who may be given the incident (an enabled handler
or worker on the area's branch — the same rule as the dispatch picker,
queries.people.known_people), else None: those are shown beside the
handlers as contacts (name, role, phone) to call, and a dispatcher who picks
one dispatches to a handler and names the contact in the note.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import select

from ...domain.models import Area
from ...domain.placework import RosterMember
from ...domain.roster import RosterRole, load_roles, missing_roles
from ...store.areas import areas_below
from ..scope import writable_areas
from .people import known_people


@dataclass(frozen=True)
class RosterEntry:
    id: str
    area_id: str | None
    role: str
    name: str
    phone: str | None
    skills: str | None
    notes: str | None
    person_id: str | None
    user_id: str | None


@dataclass(frozen=True)
class IncompleteGrid:
    area_id: str
    name: str
    missing: list[RosterRole]  # required roles nobody holds, in table order


@dataclass(frozen=True)
class DispatchContact:
    member_id: str
    name: str
    role: str
    phone: str | None
    skills: str | None
    assignee_id: str | None  # the user to dispatch to; None: a contact only (not a user who may take it)


_ORDER = {r.code: i for i, r in enumerate(load_roles())}


def _entry(m: RosterMember) -> RosterEntry:
    return RosterEntry(m.id, m.area_id, m.role, m.name, m.phone, m.skills, m.notes, m.person_id, m.user_id)


def _key(m: RosterMember) -> tuple:
    return (_ORDER.get(m.role, len(_ORDER)), m.name, m.id)


def grid_roster(store, area_id: str) -> list[RosterEntry]:
    """The members of one grid's team: the leader first, then the 6, then the N, by name within a role."""
    with store.read() as s:
        members = s.exec(select(RosterMember).where(RosterMember.area_id == area_id, RosterMember.deleted == False)).all()  # noqa: E712
    return [_entry(m) for m in sorted(members, key=_key)]


def rosters(store, area_ids: Iterable[str] | None = None) -> list[RosterEntry]:
    """Every member of the grids (default: those this account may write in), grid by grid (for the export)."""
    with store.read() as s:
        q = select(RosterMember).where(RosterMember.deleted == False)  # noqa: E712
        areas = areas_below(s, list(area_ids)) if area_ids is not None else writable_areas(s)
        if areas is not None:
            q = q.where(RosterMember.area_id.in_(sorted(areas)))
        members = s.exec(q).all()
    return [_entry(m) for m in sorted(members, key=lambda m: (m.area_id or "", *_key(m)))]


def incomplete_grids(store, area_ids: Iterable[str] | None = None) -> list[IncompleteGrid]:
    """Grids (areas of level grid) whose roster lacks a required role, by grid name (the dashboard's list)."""
    with store.read() as s:
        q = select(Area).where(Area.level == "grid", Area.deleted == False)  # noqa: E712
        areas = areas_below(s, list(area_ids)) if area_ids is not None else writable_areas(s)
        if areas is not None:
            q = q.where(Area.id.in_(sorted(areas)))
        grids = s.exec(q).all()
        held: dict[str, set[str]] = {}
        for area_id, role in s.exec(select(RosterMember.area_id, RosterMember.role).where(RosterMember.deleted == False)):  # noqa: E712
            held.setdefault(area_id, set()).add(role)
    out = []
    for g in sorted(grids, key=lambda a: (a.name, a.id)):
        missing = missing_roles(held.get(g.id, set()))
        if missing:
            out.append(IncompleteGrid(g.id, g.name, missing))
    return out


def grid_of(store, area_id: str) -> str | None:
    """The grid an area is, or lies in (a microgrid's parent grid); None above the grids."""
    with store.read() as s:
        area, seen = s.get(Area, area_id), set()
        while area is not None and area.level != "grid" and area.parent_id and area.id not in seen:
            seen.add(area.id)
            area = s.get(Area, area.parent_id)
        return area.id if area is not None and area.level == "grid" else None


def dispatch_contacts(store, area_id: str, me=None) -> list[DispatchContact]:
    """The roster of the incident's grid (the grid its microgrid lies in), for the dispatch picker (see the
    module docstring)."""
    grid_id = grid_of(store, area_id)
    if grid_id is None:
        return []
    assignable = {p.id for p in known_people(store, me, area_id=area_id) if p.username is not None}
    return [
        DispatchContact(m.id, m.name, m.role, m.phone, m.skills, m.user_id if m.user_id in assignable else None)
        for m in grid_roster(store, grid_id)
    ]
