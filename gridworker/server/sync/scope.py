"""Who sees what: a user's scope, kept as immutable snapshots.

- admin: everything (`all`);
- dispatcher, worker: records whose area_id is one of their areas or below
  one (`areas`, with the closure of the assigned areas precomputed); and the
  residents' web accounts (`resident`, whose area is the community they
  registered in) of the communities above their areas (`communities`: a grid
  worker confirms the residents of their grid, server/sync/participation_confirm.py).
  The snapshot's JSON list holds those communities marked "^<id>";
- handler: incidents assigned to them, and those incidents' events and
  photos (`handler`) — never people, households or buildings;
- member, resident (issue 16): nothing (`none`). They never use /sync: their
  web pages read and write through the participation API, which applies its
  own rules (a member's own records, a resident's own), and /sync, /me,
  /conflicts and /blobs refuse them (state.scope_of).

Server-managed entities (areas, users, categories, holidays) are visible to
every signed-in user.

A scope is recomputed whenever users or the area tree change
(`refresh_scopes`); when it differs from the user's current one, a new
snapshot row is written. Pull cursors name the snapshot they were made
under, so the feed can tell what a client may be holding (pull.py).
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from ...domain.wire import SERVER_MANAGED
from ..core.schema import records, scopes, users

ALL, AREAS, HANDLER, NONE = "all", "areas", "handler", "none"
KIND_OF_ROLE = {"admin": ALL, "dispatcher": AREAS, "worker": AREAS, "handler": HANDLER, "member": NONE, "resident": NONE}
WEB_ROLES = frozenset({"member", "resident"})  # sign in through the participation API only
RESIDENT_ENTITY = "resident"
UP = "^"  # marks a community above the areas in a snapshot's JSON list


@dataclass(frozen=True)
class Scope:
    id: int
    user_id: str
    kind: str
    areas: frozenset[str]
    communities: frozenset[str] = frozenset()  # whose residents' accounts they also see (the module doc)

    def sees(self, entity: str, area_id: str | None) -> bool:
        """AREAS: the record's area is theirs, or it is a resident account of a community above their areas."""
        return area_id in self.areas or (entity == RESIDENT_ENTITY and area_id in self.communities)

    def sees_area(self, area_id: str | None) -> bool:
        return self.kind == ALL or (self.kind == AREAS and area_id in self.areas)


def area_tree(conn: Connection) -> dict[str | None, list[str]]:
    """parent id → child ids, of the live areas."""
    children: dict[str | None, list[str]] = defaultdict(list)
    rows = conn.execute(
        select(records.c.id, records.c.parent_id).where(records.c.entity == "area", records.c.deleted.is_(False))
    )
    for area_id, parent_id in rows:
        children[parent_id].append(area_id)
    return children


def closure(roots: Iterable[str], children: dict[str | None, list[str]]) -> frozenset[str]:
    """The roots and everything below them (the tree is checked acyclic on import; `seen` guards anyway)."""
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        area = stack.pop()
        if area in seen:
            continue
        seen.add(area)
        stack.extend(children.get(area, ()))
    return frozenset(seen)


def area_levels(conn: Connection) -> dict[str, str | None]:
    """area id → its level, of the live areas."""
    q = select(records.c.id, records.c.data).where(records.c.entity == "area", records.c.deleted.is_(False))
    return {area_id: json.loads(data).get("level") for area_id, data in conn.execute(q)}


def communities_above(area_ids: Iterable[str], children: dict[str | None, list[str]], levels: dict[str, str | None]) -> set[str]:
    """The communities that hold any of these areas (themselves included)."""
    parent = {child: p for p, kids in children.items() for child in kids}
    found = set()
    for area in area_ids:
        seen = set()
        while area is not None and area not in seen:
            seen.add(area)
            if levels.get(area) == "community":
                found.add(area)
                break
            area = parent.get(area)
    return found


def refresh_scopes(conn: Connection, user_ids: Iterable[str] | None = None) -> list[str]:
    """Write a new scope snapshot for each user whose scope changed; returns their ids."""
    children = area_tree(conn)
    q = select(users.c.id, users.c.role, users.c.area_ids, users.c.scope_id)
    if user_ids is not None:
        q = q.where(users.c.id.in_(list(user_ids)))
    changed = []
    levels: dict[str, str | None] | None = None
    for row in conn.execute(q).all():
        kind = KIND_OF_ROLE[row.role]
        assigned = json.loads(row.area_ids)
        areas = sorted(closure(assigned, children)) if kind == AREAS else []
        if kind == AREAS and assigned:
            levels = area_levels(conn) if levels is None else levels
            areas += sorted(UP + c for c in communities_above(assigned, children, levels) if c not in areas)
        if row.scope_id is not None:
            old = conn.execute(select(scopes.c.kind, scopes.c.areas).where(scopes.c.id == row.scope_id)).first()
            if old and old.kind == kind and json.loads(old.areas) == areas:
                continue
        new_id = conn.execute(
            insert(scopes).values(user_id=row.id, kind=kind, areas=json.dumps(areas), created_at=time.time())
        ).inserted_primary_key[0]
        conn.execute(update(users).where(users.c.id == row.id).values(scope_id=new_id))
        changed.append(row.id)
    return changed


class ScopeCache:
    """Scope snapshots never change once written, so each is read from the database once."""

    def __init__(self, size: int = 512):
        self._items: dict[int, Scope] = {}
        self._size = size
        self._lock = threading.Lock()

    def get(self, conn: Connection, scope_id: int) -> Scope | None:
        with self._lock:
            hit = self._items.get(scope_id)
        if hit is not None:
            return hit
        row = conn.execute(select(scopes).where(scopes.c.id == scope_id)).first()
        if row is None:
            return None
        listed = json.loads(row.areas)
        up = frozenset(a[len(UP):] for a in listed if a.startswith(UP))
        scope = Scope(row.id, row.user_id, row.kind, frozenset(a for a in listed if not a.startswith(UP)), up)
        with self._lock:
            if len(self._items) >= self._size:
                self._items.pop(next(iter(self._items)))
            self._items[scope_id] = scope
        return scope


def always_visible(entity: str) -> bool:
    return entity in SERVER_MANAGED
