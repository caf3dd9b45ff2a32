"""Setting a server up: the first admin with the shipped tables, a data folder for the server alone (the demo: gridworker.demo.seed)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ... import resources_path
from ..core.schema import records, users
from . import operations as admin


def shipped_table(name: str) -> dict[str, Any]:
    text = resources_path(name).read_text(encoding="utf-8")
    return json.loads(text)


def is_initialised(conn: Connection) -> bool:
    return conn.execute(select(users.c.id).limit(1)).first() is not None


def initialise(conn: Connection, username: str, password: str) -> str:
    """The first admin, and the shipped category, holiday and points rules tables; refused once a user exists."""
    if is_initialised(conn):
        raise admin.AdminError("服务器已初始化（已有用户）", "The server is already initialised (it has users)")
    load_shipped_tables(conn)
    return admin.add_user(conn, username, "admin", [], password, "管理员")


def load_shipped_tables(conn: Connection) -> None:
    if conn.execute(select(records.c.id).where(records.c.entity == "category").limit(1)).first() is None:
        admin.import_categories(conn, shipped_table("categories.json"))
    if conn.execute(select(records.c.id).where(records.c.entity == "holiday").limit(1)).first() is None:
        admin.import_holidays(conn, shipped_table("holidays.json"))
    if conn.execute(select(records.c.id).where(records.c.entity == "point_rule").limit(1)).first() is None:
        admin.import_point_rules(conn, shipped_table("point_rules.json"))


def make_private(data_dir: Path) -> None:
    """The data folder 0700 and the SQLite files in it 0600: residents' data is for the server's account alone.

    POSIX only: on Windows the folder inherits the ACL of where it was made (chmod there only sets read-only).
    """
    if os.name == "nt":
        return
    data_dir.chmod(0o700)
    for name in ("server.db", "server.db-wal", "server.db-shm", "server.db-journal"):
        path = data_dir / name
        if path.exists():
            path.chmod(0o600)
