"""The record store and the change feed: load records, save them, append one feed row per change.

Everything that changes a synced record — pushes, admin commands, the demo
seed — goes through `FeedWriter` inside `Database.write()`, so the record,
its new version and its feed row commit together, and feed positions are
handed out in commit order (db.py).
"""

from __future__ import annotations

import functools
import json
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from ...domain.wire import INCIDENT_CHILDREN
from ..core.schema import changes, records

SERVER_WRITER = "server"


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
# The C encoder behind json.dumps, made once: json.dumps builds it anew for every call, which for
# a record's small data and meta cost as much as the encoding itself (two per record a push writes).
# No circular-reference check: what is dumped here is parsed JSON and the server's own dicts.
_C_ENCODE = (
    json.encoder.c_make_encoder(None, _ENCODER.default, json.encoder.encode_basestring, None, ":", ",", False, False, True)
    if json.encoder.c_make_encoder is not None
    else None
)


_SCAN = json.decoder.JSONDecoder().scan_once  # the C scanner behind json.loads, without its wrapper's checks


def loads(text: str) -> Any:
    """json.loads(text), for the JSON this module writes: the C scanner called directly (json.loads
    wraps it in three Python calls and two regex matches, as much as decoding a record's small data).
    Text it does not take whole (whitespace around it, anything odd) is left to json.loads."""
    try:
        value, end = _SCAN(text, 0)
    except StopIteration:
        return json.loads(text)  # raises what json.loads raises
    return value if end == len(text) else json.loads(text)


def dumps(value: Any) -> str:
    """Compact JSON text, non-ASCII kept as is (what json.dumps(value, ensure_ascii=False, separators=(",", ":")) gives)."""
    if _C_ENCODE is None or isinstance(value, str):
        return _ENCODER.encode(value)
    return "".join(_C_ENCODE(value, 0))


@dataclass
class Rec:
    """One record as the server holds it.

    meta["f"]: field → [version, hlc, writer] of the field's last change (the merge needs it);
    meta["d"]: [version, hlc, writer] of the delete, when deleted;
    meta["lc"]: an incident's lifecycle state (incidents.py);
    meta["a"]: device → user, for each device that pushed to the record (who to tell when a value of
    theirs is overwritten: GET /conflicts/mine);
    meta["r"]: an incident event's receipt time (epoch seconds: the lifecycle's order rule uses it).
    """

    entity: str
    id: str
    area_id: str | None = None
    version: int = 0
    deleted: bool = False
    data: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=lambda: {"f": {}})
    assignee_id: str | None = None
    parent_id: str | None = None
    sha256: str | None = None
    seq: int = 0
    created_seq: int = 0
    stored: bool = False  # a row exists in the table
    updated_at: float | None = None  # the row's last write (server clock), None until stored
    loaded: tuple | None = None  # the indexed columns as read from the row (FeedWriter writes only those that change)

    @property
    def key(self) -> tuple[str, str]:
        return (self.entity, self.id)

    @property
    def exists(self) -> bool:
        return self.stored or self.version > 0

    def field_meta(self, name: str) -> list | None:
        return self.meta["f"].get(name)

    def set_fields(self, values: dict[str, Any], version: int, hlc: str, writer: str) -> None:
        for name, value in values.items():
            self.data[name] = value
            self.meta["f"][name] = [version, hlc, writer]
        if "area_id" in values:
            self.area_id = values["area_id"]


def rec_from_row(row) -> Rec:
    return Rec(
        entity=row.entity,
        id=row.id,
        area_id=row.area_id,
        version=row.version,
        deleted=bool(row.deleted),  # SQLite gives 0/1
        data=loads(row.data),
        meta=loads(row.meta),
        assignee_id=row.assignee_id,
        parent_id=row.parent_id,
        sha256=row.sha256,
        seq=row.seq,
        created_seq=row.created_seq,
        stored=True,
        updated_at=row.updated_at,
        loaded=(row.area_id, row.assignee_id, row.parent_id, row.sha256),
    )


def load(conn: Connection, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Rec]:
    """Records by (entity, id); missing keys are absent from the result.

    The rows are fetched as the driver's plain tuples (`_SELECT_LOAD`'s order), without SQLAlchemy's
    Row per record: a push of 500 edits reads 500 records here.
    """
    out: dict[tuple[str, str], Rec] = {}
    for entity, ids in by_entity(keys).items():
        for chunk, sql, params in by_ids(conn, _SELECT_LOAD + " WHERE entity = ? AND id", ids, (entity,)):
            result = conn.exec_driver_sql(sql, params)
            rows = result.cursor.fetchall()
            result.close()
            for r in rows:
                out[(r[0], r[1])] = Rec(
                    r[0], r[1], r[2], r[3], bool(r[4]), loads(r[5]), loads(r[6]), r[7], r[8], r[9], r[10], r[11],
                    stored=True, updated_at=r[12], loaded=(r[2], r[7], r[8], r[9]),
                )  # fmt: skip
    return out


# Rec's fields in its order, then updated_at: what load() reads by position.
_SELECT_LOAD = (
    "SELECT entity, id, area_id, version, deleted, data, meta, assignee_id, parent_id, sha256, seq, created_seq, "
    "updated_at FROM records"
)


def by_ids(conn: Connection, head: str, ids: list[str], before: tuple = (), size: int = 500):
    """(chunk, sql, params) for `head` + a membership test of each chunk of `ids`, as plain driver SQL.

    `head` ends with the column tested and uses `?` placeholders (for `before`). SQLAlchemy's
    expanding IN costs more per push than the look-up itself; PostgreSQL gets one array
    parameter (`= ANY`), so that psycopg parses one statement rather than one per chunk size.
    """
    pg = conn.dialect.name != "sqlite"
    if pg:
        head = head.replace("?", "%s")
    for start in range(0, len(ids), size):
        chunk = ids[start : start + size]
        if pg:
            yield chunk, head + " = ANY(%s)", (*before, list(chunk))
        else:
            yield chunk, f"{head} IN ({', '.join('?' * len(chunk))})", (*before, *chunk)


def by_entity(keys: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Record keys grouped by entity, so that lookups use the (entity, id) primary key."""
    grouped: dict[str, set[str]] = {}
    for entity, record_id in keys:
        grouped.setdefault(entity, set()).add(record_id)
    return {entity: sorted(ids) for entity, ids in grouped.items()}


def load_children(conn: Connection, incident_id: str) -> list[Rec]:
    """An incident's events and photos, in the order they were created."""
    rows = conn.execute(
        select(records)
        .where(records.c.parent_id == incident_id, records.c.entity.in_(sorted(INCIDENT_CHILDREN)))
        .order_by(records.c.created_seq)
    )
    return [rec_from_row(r) for r in rows]


@dataclass
class _Before:
    area_id: str | None
    assignee_id: str | None


class FeedWriter:
    """Collects the record changes of one write transaction and writes them, with their feed rows, in bulk."""

    def __init__(self, conn: Connection):
        self.conn = conn
        self._next_seq: int | None = None
        self._dirty: dict[tuple[str, str], Rec] = {}
        self._feed: list[tuple] = []

    def next_seq(self) -> int:
        if self._next_seq is None:
            # Safe only because writers take turns (Database.write): see db.py.
            self._next_seq = (self.conn.execute(select(func.max(changes.c.seq))).scalar() or 0) + 1
        seq = self._next_seq
        self._next_seq += 1
        return seq

    def before(self, rec: Rec) -> _Before:
        """Snapshot the scope-relevant columns before changing a record (pass it to `saved`)."""
        return _Before(rec.area_id if rec.exists else None, rec.assignee_id if rec.exists else None)

    def saved(self, rec: Rec, before: _Before) -> int:
        """Record that `rec` changed (its version already raised): a feed row and a pending write."""
        seq = self.next_seq()
        if not rec.exists or rec.created_seq == 0:
            rec.created_seq = seq
        rec.seq = seq
        self._dirty[rec.key] = rec
        self._feed.append(
            (seq, rec.entity, rec.id, rec.version, before.area_id, rec.area_id, before.assignee_id, rec.assignee_id,
             rec.parent_id, time.time())
        )  # fmt: skip
        return seq

    def flush(self) -> None:
        """Write every changed record and its feed rows (call before commit).

        An update sets only the indexed columns whose value changed: assigning a column, even
        to its own value, makes SQLite rewrite that index's entry. Rows are grouped by which
        of them changed, one executemany per group (nearly always the one with none).
        """
        if not self._dirty:
            return
        now = time.time()
        new_rows: list[tuple] = []
        old_rows: dict[tuple[str, ...], list[tuple]] = {}
        for rec in self._dirty.values():
            body = (rec.seq, rec.version, rec.deleted, dumps(rec.data), dumps(rec.meta), now)
            indexed = (rec.area_id, rec.assignee_id, rec.parent_id, rec.sha256)
            if rec.stored:
                was = rec.loaded
                moved = tuple(i for i in range(len(indexed)) if was is None or was[i] != indexed[i])
                names = tuple(_INDEXED[i] for i in moved)
                old_rows.setdefault(names, []).append(body + tuple(indexed[i] for i in moved) + (rec.entity, rec.id))
            else:
                new_rows.append((rec.entity, rec.id, rec.created_seq) + body + indexed)
                rec.stored = True
            rec.loaded = indexed
        bulk(self.conn, _INSERT_RECORD, new_rows)
        for names, rows in old_rows.items():
            bulk(self.conn, _update_record(names), rows)
        bulk(self.conn, _INSERT_CHANGE, self._feed)
        _GROWTH.inserted(self.conn, len(new_rows) + len(self._feed))
        self._dirty.clear()
        self._feed.clear()


class _Growth:
    """PostgreSQL: analyse the feed tables when this process has doubled them.

    Pushes look records up by key, hundreds at a time. Until PostgreSQL has
    statistics for a fast-growing table (the first upload of a district), it
    plans those lookups as if the table were tiny and reads every row of the
    entity for each push: a second per push at 30,000 records. Autovacuum
    analyses only after a minute; a bulk upload cannot wait, so the writer
    runs ANALYZE itself each time its own inserts double (a few times per
    process, never in steady state).
    """

    FIRST = 5_000

    def __init__(self):
        self._lock = threading.Lock()
        self._rows = 0
        self._next = self.FIRST

    def inserted(self, conn: Connection, rows: int) -> None:
        if conn.dialect.name != "postgresql":
            return
        with self._lock:
            self._rows += rows
            due = self._rows >= self._next
            if due:
                self._next = self._rows * 2
        if due:
            conn.exec_driver_sql("ANALYZE records, changes, mutations")


_GROWTH = _Growth()


_BODY = ("seq", "version", "deleted", "data", "meta", "updated_at")
_INDEXED = ("area_id", "assignee_id", "parent_id", "sha256")
_INSERT_RECORD = (
    f"INSERT INTO records (entity, id, created_seq, {', '.join(_BODY + _INDEXED)}) "
    f"VALUES ({', '.join('?' * (3 + len(_BODY) + len(_INDEXED)))})"
)


@functools.lru_cache(maxsize=32)
def _update_record(indexed: tuple[str, ...]) -> str:
    """UPDATE of the body columns and of the indexed columns named (those whose value changed)."""
    return "UPDATE records SET " + ", ".join(f"{c} = ?" for c in _BODY + indexed) + " WHERE entity = ? AND id = ?"


_INSERT_CHANGE = (
    "INSERT INTO changes (seq, entity, record_id, version, area_old, area_new, owner_old, owner_new, parent_id, at) "
    f"VALUES ({', '.join('?' * 10)})"
)


def bulk(conn: Connection, sql: str, rows: list[tuple]) -> None:
    """executemany with the driver itself: the hot path of a push, without SQLAlchemy's per-row work.

    `sql` is written with `?` placeholders (sqlite3) and turned into `%s` for psycopg.
    """
    if not rows:
        return
    if conn.dialect.name != "sqlite":
        sql = sql.replace("?", "%s")
    conn.exec_driver_sql(sql, rows)
