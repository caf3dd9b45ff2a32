"""Who may be given an incident of an area: the server's side of the dispatch picker.

The same rule as the client's picker (services.queries.people.known_people):
an enabled handler or worker whose assigned areas lie on the branch of the
incident's area — the area itself, an area above it or one below it — or a
handler with no area (serves anywhere). A random id, a worker of another
community, a dispatcher or the admin is refused.
"""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ..core.schema import users
from .scope import area_tree, closure

ASSIGNABLE_ROLES = ("handler", "worker")


def branch(conn: Connection, area_id: str | None) -> set[str]:
    """The area, the areas above it and the areas below it."""
    if not area_id:
        return set()
    children = area_tree(conn)
    parent_of = {child: parent for parent, kids in children.items() for child in kids}
    out = set(closure([area_id], children))
    up = parent_of.get(area_id)
    while up is not None and up not in out:
        out.add(up)
        up = parent_of.get(up)
    return out


def may_be_assigned(conn: Connection, user_id: str, area_id: str | None) -> bool:
    row = conn.execute(select(users.c.role, users.c.area_ids, users.c.disabled).where(users.c.id == user_id)).first()
    if row is None or row.disabled or row.role not in ASSIGNABLE_ROLES:
        return False
    areas = set(json.loads(row.area_ids))
    if row.role == "handler" and not areas:
        return True
    return bool(areas & branch(conn, area_id))

