"""What a linked account may write: its areas as the server granted them, checked offline and at once.

The sync link stores the user's role and area ids as `/me` (and the sign-in)
said them (`remember_scope`, Meta `server.scope`). Every create or move of a
synced record goes through `changes.record_upsert`, which calls `check_area`:
a record placed outside the granted areas is refused there, with the words
the server would refuse it with (domain.errors.OUT_OF_SCOPE), instead of
looking saved until the next sync. An account never linked has no scope
stored and is not limited. Pickers offer only `writable_areas`.

The server's rule (server/sync/scope.py): admins write anywhere; dispatchers and
workers in their areas and everything below them; handlers only act on the
incidents assigned to them (events and photos of those, which follow the
incident's area), never place a record anywhere.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlmodel import Session, select

from ..domain.errors import OutOfScope
from ..domain.models import Area, Meta
from ..store.areas import areas_below

SCOPE = "server.scope"  # JSON {"role", "area_ids"}: the server user's grant at the last look
_CACHE = "gw.scope"  # Session.info key: (stored text, allowed area ids or None) for this transaction
UNPLACED = frozenset({"area", "user", "category", "holiday", "checklist"})  # server-managed, or the tree itself
FOLLOWERS = frozenset({"incident_event", "photo"})  # take their owner's area; a handler may add them
RESIDENT = "resident"  # a resident's web account: a grid worker also sees those of the community above their grid


def remember_scope(s: Session, role: str | None, area_ids: Iterable[str]) -> None:
    """Store the grant (called by the sync link at sign-in and on every look at /me)."""
    text = json.dumps({"role": role, "area_ids": sorted(area_ids)})
    row = s.get(Meta, SCOPE)
    if row is None:
        s.add(Meta(key=SCOPE, value=text))
    elif row.value != text:
        row.value = text
        s.add(row)
    s.info.pop(_CACHE, None)


def stored_scope(s: Session) -> dict | None:
    row = s.get(Meta, SCOPE)
    return json.loads(row.value) if row is not None and row.value else None


def stored_role(s: Session) -> str | None:
    """The role the server gave this account at the last look (None: never linked)."""
    scope = stored_scope(s)
    return scope.get("role") if scope else None


def writable_areas(s: Session) -> set[str] | None:
    """The area ids records may be placed in, or None when any will do (not linked, or an admin)."""
    # Read once per session (sessions are per transaction; remember_scope drops it): a bulk import
    # checks every record, and a Meta lookup each time could cost a SELECT and a flush per record.
    cached = s.info.get(_CACHE)
    if cached is not None:
        return cached[1]
    row = s.get(Meta, SCOPE)
    text = row.value if row is not None else None
    scope = json.loads(text) if text else None
    if scope is None or scope.get("role") == "admin":
        allowed = None
    elif scope.get("role") == "handler":
        allowed = set()
    else:
        allowed = areas_below(s, scope.get("area_ids") or [])
    s.info[_CACHE] = (text, allowed)
    return allowed


def in_scope(s: Session, q, model):
    """`q` narrowed to the records of `model` in the areas this account may see, as the server sends them
    (docs/sync-protocol.md §3.4: a grid worker their grids and below, a handler none); an account never
    linked, or an admin's, sees all it holds. For lists that must not show what a scope change left behind."""
    allowed = visible_areas(s, model.entity)
    return q if allowed is None else q.where(model.area_id.in_(sorted(allowed)))


def visible_areas(s: Session, entity: str) -> set[str] | None:
    """The area ids whose records of `entity` this account sees (None: all): its writable areas, and for resident
    accounts the communities above them too, as the server sends them (server/sync/scope.py `communities`)."""
    allowed = writable_areas(s)
    if allowed is None or entity != RESIDENT or not allowed:
        return allowed
    return allowed | communities_above(s, allowed)


def communities_above(s: Session, area_ids: Iterable[str]) -> set[str]:
    """The communities that hold any of these areas (themselves included)."""
    areas = {a.id: (a.parent_id, a.level) for a in s.exec(select(Area))}
    found: set[str] = set()
    for area in area_ids:
        seen: set[str] = set()
        while area is not None and area not in seen and area in areas:
            seen.add(area)
            parent, level = areas[area]
            if level == "community":
                found.add(area)
                break
            area = parent
    return found


def check_area(s: Session, entity: str, area_id: str | None) -> None:
    """Refuse placing a record of `entity` in `area_id` when the server would (OutOfScope)."""
    if entity in UNPLACED:
        return
    allowed = writable_areas(s)
    if allowed is None:
        return
    if entity in FOLLOWERS and not allowed:
        return  # a handler's event or photo: the server checks the incident is theirs
    if area_id not in allowed:
        raise OutOfScope()
