"""The server's demo seed (`gridworker-server demo-seed`): the demo community and its demo accounts.

Written through the server's admin operations, into an empty server only. The command imports this
module when it runs, so a serving process never loads the generator or its name tables; it needs
gridworker.domain and gridworker.server only (no client store, services or sync).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ..domain.models import to_wire
from ..domain.wire import ENTITIES
from ..server.admin import bootstrap
from ..server.admin import operations as admin
from ..server.core.schema import records, users
from ..server.sync.scope import refresh_scopes
from .data import DEMO_USERS, DemoCommunity, generate
from .places_data import generate_places

# The server finds a place's inspections and hazards, and a hazard's events, by their parent (server/sync/places.py).
_PARENT = {"inspection": "place_id", "hazard": "place_id", "hazard_event": "hazard_id"}


def demo_seed(conn: Connection, *, persons: int = 2000, seed: int = 1) -> dict[str, int]:
    """The demo community of gridworker.demo.data and its demo accounts (password DEMO_PASSWORD)."""
    if conn.execute(select(records.c.id).where(records.c.entity == "area").limit(1)).first() is not None:
        raise admin.AdminError("已有区域数据，演示数据只能装入空服务器", "The server already has areas: the demo loads into an empty server only")
    bootstrap.load_shipped_tables(conn)
    community = generate(persons=persons, seed=seed)
    w = admin.ServerWrites(conn)
    counts: dict[str, int] = {}
    for entity, rows in community.records().items():
        names = list(ENTITIES[entity].fields)
        for row in rows:
            data = {k: to_wire(row[k]) for k in names if k in row}
            columns = {"area_id": row.get("area_id")}
            if entity == "area":
                columns["parent_id"] = row.get("parent_id")
            w.put(None, entity, row["id"], data, **columns)
        counts[entity] = len(rows)
    counts |= _seed_places(w, community)
    w.flush()
    refresh_scopes(conn)
    codes = {a["code"] for a in community.areas}
    for user in DEMO_USERS:
        if conn.execute(select(users.c.id).where(users.c.username == user.username)).first() is None:
            admin.add_user(
                conn, user.username, user.role, [c for c in user.area_codes if c in codes], user.password, user.display_name
            )
    counts["user"] = len(DEMO_USERS)
    return counts | demo_participation(conn)


def demo_participation(conn: Connection) -> dict[str, int]:
    """The phone accounts of the demo community and their work (demo.server_participation); nothing if the
    server has members already (a demo seeded with them, or a real server)."""
    from .server_participation import seed_participation

    if conn.execute(select(records.c.id).where(records.c.entity == "member").limit(1)).first() is not None:
        return {}
    dispatcher = next(u for u in DEMO_USERS if u.role == "dispatcher")
    return {f"participation {k}": n for k, n in seed_participation(conn, dispatcher.area_codes[0]).items()}


def _seed_places(w: admin.ServerWrites, community: DemoCommunity) -> dict[str, int]:
    """The demo's places, inspections, hazards (with their derived state) and rosters (demo.places_data)."""
    counts = {}
    for entity, rows in generate_places(community).records().items():
        names = list(ENTITIES[entity].fields)
        for row in rows:
            data = {k: to_wire(row[k]) for k in names if k in row}
            w.put(None, entity, row["id"], data, area_id=row.get("area_id"), parent_id=row.get(_PARENT.get(entity, "")))
        counts[entity] = len(rows)
    return counts
