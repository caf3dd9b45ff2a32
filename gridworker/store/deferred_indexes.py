"""Secondary indexes set aside during a bulk load and made again once, at its end or at the next opening.

A first sync writes every record of the user's areas in groups of a few
thousand, one transaction each. Every group touches most pages of each
index on a random key (names, phone and ID numbers, household ids), so each
commit writes and encrypts them all again: the indexes cost more than the
rows. Set aside for the load and built once at its end from sorted data,
they cost a fraction.

The indexes' SQL is kept in Meta (`KEY`), in the transaction that drops
them, so a load cut short anywhere — a SIGKILL, a power cut — leaves a
database that says what it lacks: the next opening of the store
(`restore_on_open`, before any migration runs) makes them again, and so
does the end of the load if nobody has yet. UNIQUE indexes are never set
aside: they are rules, not look-ups.
"""

from __future__ import annotations

import json
import re

from sqlalchemy.engine import Engine
from sqlmodel import Session

from ..domain.models import Meta
from .meta import get_meta, set_meta

KEY = "store.deferred_indexes"  # JSON list of the CREATE INDEX statements set aside
_CREATE = re.compile(r"^\s*CREATE\s+INDEX\s+(IF\s+NOT\s+EXISTS\s+)?", re.IGNORECASE)


def _driver(s: Session):
    return s.connection().connection.driver_connection


def set_aside(s: Session, tables: list[str]) -> int:
    """Drop the non-unique secondary indexes of `tables` in the caller's transaction; returns how many."""
    if not tables:
        return 0
    cur = _driver(s).cursor()
    marks = ", ".join("?" * len(tables))
    cur.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({marks}) "
        "ORDER BY name",
        tuple(tables),
    )
    indexes = [(name, sql) for name, sql in cur.fetchall() if _CREATE.match(sql)]  # not CREATE UNIQUE INDEX
    if not indexes:
        return 0
    kept = json.loads(get_meta(s, KEY) or "[]")
    set_meta(s, KEY, json.dumps(kept + [sql for _name, sql in indexes], ensure_ascii=False))
    s.flush()  # the list is saved with the drops, in the same transaction
    for name, _sql in indexes:
        cur.execute(f'DROP INDEX "{name}"')
    return len(indexes)


def restore(s: Session) -> int:
    """Make again every index set aside (those already there are left as they are); returns how many statements ran."""
    text = get_meta(s, KEY)
    if text is None:
        return 0
    statements = json.loads(text)
    cur = _driver(s).cursor()
    for sql in statements:
        cur.execute(_CREATE.sub("CREATE INDEX IF NOT EXISTS ", sql, count=1))
    s.delete(s.get_one(Meta, KEY))
    s.flush()
    return len(statements)


def restore_on_open(engine: Engine, write_engine: Engine) -> int:
    """At the store's opening: a bulk load cut short left indexes aside; make them again (a cheap look first)."""
    with engine.connect() as conn:
        has_meta = conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").first()
        if not has_meta or not conn.exec_driver_sql("SELECT 1 FROM meta WHERE key = ?", (KEY,)).first():
            return 0
    with Session(write_engine, expire_on_commit=False) as s, s.begin():
        return restore(s)
