"""Setting a server up: the first admin with the shipped tables, and the demo community."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ...domain.models import to_wire
from ...domain.wire import ENTITIES
from . import operations as admin
from ..core.schema import records, users
from ..sync.scope import refresh_scopes


def shipped_table(name: str) -> dict[str, Any]:
    text = resources.files("gridworker").joinpath(f"resources/{name}").read_text(encoding="utf-8")
    return json.loads(text)


def is_initialised(conn: Connection) -> bool:
    return conn.execute(select(users.c.id).limit(1)).first() is not None


def initialise(conn: Connection, username: str, password: str) -> str:
    """The first admin, and the shipped category and holiday tables; refused once a user exists."""
    if is_initialised(conn):
        raise admin.AdminError("服务器已初始化（已有用户）", "The server is already initialised (it has users)")
    load_shipped_tables(conn)
    return admin.add_user(conn, username, "admin", [], password, "管理员")


def load_shipped_tables(conn: Connection) -> None:
    if conn.execute(select(records.c.id).where(records.c.entity == "category").limit(1)).first() is None:
        admin.import_categories(conn, shipped_table("categories.json"))
    if conn.execute(select(records.c.id).where(records.c.entity == "holiday").limit(1)).first() is None:
        admin.import_holidays(conn, shipped_table("holidays.json"))


def demo_seed(conn: Connection, *, persons: int = 2000, seed: int = 1) -> dict[str, int]:
    """The demo community of gridworker.demodata and its demo accounts (password demodata.DEMO_PASSWORD)."""
    from ... import demodata  # the generator's name tables are not needed by a serving process

    if conn.execute(select(records.c.id).where(records.c.entity == "area").limit(1)).first() is not None:
        raise admin.AdminError("已有区域数据，演示数据只能装入空服务器", "The server already has areas: the demo loads into an empty server only")
    load_shipped_tables(conn)
    community = demodata.generate(persons=persons, seed=seed)
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
    w.flush()
    refresh_scopes(conn)
    codes = {a["code"] for a in community.areas}
    for user in demodata.DEMO_USERS:
        if conn.execute(select(users.c.id).where(users.c.username == user.username)).first() is None:
            admin.add_user(
                conn, user.username, user.role, [c for c in user.area_codes if c in codes], user.password, user.display_name
            )
    counts["user"] = len(demodata.DEMO_USERS)
    return counts

