"""People known on this computer: the users to dispatch to or name, in the areas where they work."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from ...domain.enums import Role
from ...domain.fieldwork import IncidentEvent, Visit
from ...domain.models import Area, utcnow
from ...domain.users import User
from ...store.areas import areas_below


@dataclass(frozen=True)
class KnownPerson:
    id: str
    role: str | None  # None: only ever seen as an assignee
    display_name: str | None
    username: str | None = None  # None: not among the server's users this computer holds (seen in events only)


ROLE_ORDER = {Role.handler.value: 0, Role.worker.value: 1, Role.dispatcher.value: 2, Role.admin.value: 3}


ASSIGNABLE = (Role.handler.value, Role.worker.value)


def known_people(store: Any, me: Any = None, *, area_id: str | None = None) -> list[KnownPerson]:
    """People to choose from in the handler pickers: the server's active users, by name and role.

    With `area_id` (an incident's area): the handlers and workers whose areas
    lie on that area's branch (the area itself, above or below it), and
    handlers with no area (they serve anywhere). Ids seen acting or assigned
    in incidents, or logging visits, that are not among the stored users
    (an account that never synced) follow by id, as before users were kept.
    Handlers first, then workers, dispatchers, admins; within a role the named
    before those known by id only, the ones worked with lately first.
    """
    with store.read() as s:
        seen = _people_seen(s)
        users = list(s.exec(select(User)))
        branch = _branch(s, area_id) if area_id else None
    if me is not None:
        seen[me.id] = (me.role, utcnow())
    known = {u.id for u in users}  # a disabled user seen in events is not offered by id either
    users = [u for u in users if u.active]
    if branch is not None:
        users = [u for u in users if u.role in ASSIGNABLE and _works_on(u, branch)]
    people = [KnownPerson(u.id, u.role, u.display_name, u.username) for u in users] + [
        KnownPerson(pid, role, me.display_name if me is not None and pid == me.id else None)
        for pid, (role, _when) in seen.items()
        if pid not in known
    ]

    def order(p: KnownPerson) -> tuple:
        last_seen = seen[p.id][1].timestamp() if p.id in seen else 0.0  # the people worked with lately come first
        return (ROLE_ORDER.get(p.role or "", 4), p.username is None, -last_seen, p.display_name or "~", p.id)

    return sorted(people, key=order)


def _works_on(user: User, branch: set[str]) -> bool:
    return bool(branch & set(user.area_ids)) or (user.role == Role.handler.value and not user.area_ids)


def _people_seen(s: Session) -> dict[str, tuple[str | None, datetime]]:
    """Ids that acted or were assigned in incidents, or logged visits: id → (role if known, last seen)."""
    seen: dict[str, tuple[str | None, datetime]] = {}

    def note(person_id: str | None, role: str | None, when: datetime) -> None:
        if not person_id:
            return
        old_role, old_when = seen.get(person_id, (None, when))
        keep_new = role is not None and (old_role is None or when >= old_when)
        seen[person_id] = (role if keep_new else old_role, max(when, old_when))

    for pid, role, when in s.exec(
        select(IncidentEvent.actor_id, IncidentEvent.actor_role, func.max(IncidentEvent.at)).group_by(
            IncidentEvent.actor_id, IncidentEvent.actor_role
        )
    ):
        note(pid, role, when)
    for pid, when in s.exec(
        select(IncidentEvent.assignee_id, func.max(IncidentEvent.at))
        .where(IncidentEvent.assignee_id != None)  # noqa: E711
        .group_by(IncidentEvent.assignee_id)
    ):
        note(pid, None, when)
    for pid, when in s.exec(select(Visit.visitor_id, func.max(Visit.visited_at)).group_by(Visit.visitor_id)):
        note(pid, Role.worker.value if pid not in seen else None, when)
    return seen


def _branch(s: Session, area_id: str) -> set[str]:
    """The area, the areas above it and the areas below it: whoever works in one of them may take its work."""
    parent_of = dict(s.exec(select(Area.id, Area.parent_id).where(Area.deleted == False)).all())  # noqa: E712
    above: set[str] = set()
    current: str | None = area_id
    while current is not None and current not in above:
        above.add(current)
        current = parent_of.get(current)
    return above | areas_below(s, [area_id])


def people_names(store: Any, me: Any = None) -> dict[str, str]:
    """User id → display name, for every user this computer holds (disabled ones too: their past work stays named)."""
    with store.read() as s:
        names = dict(s.exec(select(User.id, User.display_name)).all())
    if me is not None and me.display_name:
        names[me.id] = me.display_name
    return names


def export_names(store: Any, me: Any = None) -> dict[str, str]:
    """Area and user ids → names, for the dashboard and its workbook (ids are UUIDs: one map holds both)."""
    with store.read() as s:
        names = dict(s.exec(select(Area.id, Area.name)).all())
    return names | people_names(store, me)
