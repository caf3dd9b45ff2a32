"""Which user records each role receives: only the people its pickers and event lists need.

- admin: every user;
- dispatcher, worker (`areas` scopes): themselves, and the users whose
  assigned areas lie on the branch of their own — an area of theirs, one
  below it or one above it (so a grid worker sees the grid's workers, the
  community's dispatchers and handlers; a dispatcher sees the handlers and
  workers of the community) — and handlers with no area (they serve anywhere);
- handler: themselves, and the dispatchers who may give them work — those
  whose areas lie on the branch of the handler's areas (every dispatcher for
  a handler with no area).

Members' and residents' user records (their usernames are phone numbers)
reach no device but an admin's: the desktop knows them by their `member`
and `resident` records.

Nobody else's username reaches a device, so a worker cannot learn whom to
lock out (and sign-in limits slow guessing down rather than lock: auth.py).
The rule is applied where pull sends records (pull.Puller).
"""

from __future__ import annotations

import json
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ..core.schema import users
from .scope import ALL, AREAS, WEB_ROLES, Scope, area_tree, closure


def _with_ancestors(conn: Connection, areas: set[str]) -> set[str]:
    children = area_tree(conn)
    parent_of = {child: parent for parent, kids in children.items() for child in kids}
    out = set(areas)
    for area in areas:
        up = parent_of.get(area)
        while up is not None and up not in out:
            out.add(up)
            up = parent_of.get(up)
    return out


def user_filter(conn: Connection, scope: Scope) -> Callable[[str, dict], bool]:
    """(user id, user record data) → whether `scope` receives that user record."""
    if scope.kind == ALL:
        return lambda _uid, _data: True
    me = scope.user_id
    if scope.kind == AREAS:
        branch = _with_ancestors(conn, set(scope.areas))

        def for_areas(uid: str, data: dict) -> bool:
            if data.get("role") in WEB_ROLES:
                return False
            areas = set(data.get("area_ids") or ())
            return uid == me or bool(areas & branch) or (data.get("role") == "handler" and not areas)

        return for_areas
    row = conn.execute(select(users.c.area_ids).where(users.c.id == me)).first()
    own = set(json.loads(row.area_ids)) if row else set()
    branch = _with_ancestors(conn, set(closure(own, area_tree(conn)))) if own else None

    def for_handler(uid: str, data: dict) -> bool:
        if uid == me:
            return True
        if data.get("role") != "dispatcher":
            return False
        return branch is None or bool(set(data.get("area_ids") or ()) & branch)

    return for_handler
