"""The bulk write path: rows held in the write session and inserted with one executemany per table.

The ORM's unit of work costs ~60-130 µs per INSERT (state tracking, one
parameter dict per row, the insertmanyvalues batches); a 50,000-person import
makes ~250,000 rows. `hold(s, obj)` keeps a new row of a table model in the
session instead; `flush(s)` writes every held row with one executemany per
table, its values converted by the column types' own bind processors (JSON,
dates; a plain date and a UTC datetime by a quicker formatting of the same
text), so the stored text is what the ORM would have written.

Held rows reach the database, in the same transaction, before anything could
read them: before any ORM statement of the session (a query, `s.get` that
misses the identity map) unless it runs under `no_autoflush` (where the ORM's
own pending changes are not written either), before the ORM's own flush,
before the commit, and when a caller about to use raw SQL asks (`flush`). A rolled-back
transaction drops them with the session. A held object may still be changed
until then (its current values are written).

The generic path is per table, from the model's own column list: any table
model can be held, including those added later.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timezone
from functools import cache
from typing import Any

from sqlalchemy import event
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import Session, SQLModel
from sqlmodel.sql.sqltypes import UTCDateTime

_KEY = "gw.bulk"  # s.info: {table model: [held objects]}, in first-held order
_COUNT = "gw.bulk.count"
_MAX_HELD = 20_000  # rows held before they are written anyway (memory stays bounded)


def hold(s: Session, obj: SQLModel, *, attach: bool = True) -> None:
    """Insert `obj` (a new row, not added to the session) at the session's next flush point.

    `attach`: the object joins the session at once as a loaded record, so
    `s.get` finds it with no query and later changes to it are saved (as
    UPDATEs after the INSERT). Without it (outbox rows, which nothing changes
    afterwards) the object is only written.
    """
    if attach:
        make_transient_to_detached(obj)
        s.add(obj)
    _held(s, type(obj), obj)


def _held(s: Session, model: type[SQLModel], obj: Any) -> None:
    held = s.info.get(_KEY)
    if held is None:
        held = s.info[_KEY] = {}
        s.info[_COUNT] = 0
    rows = held.get(model)
    if rows is None:
        rows = held[model] = []
    rows.append(obj)
    s.info[_COUNT] += 1
    if s.info[_COUNT] >= _MAX_HELD:
        flush(s)


class Plain:
    """A new row given as plain values (no ORM state): its attributes are the row's columns."""

    def __init__(self, values: dict[str, Any]):
        self.__dict__ = values


def hold_values(s: Session, model: type[SQLModel], values: dict[str, Any]) -> Plain:
    """Insert a row of `model` given as a dict of every field (domain.rows.row_values) at the next flush point.

    For writers of many new rows that need no ORM record: the row is not in
    the session (`s.get` finds it only once written). A change to the returned
    object before the flush is written; after it, it is not.
    """
    row = Plain(values)
    _held(s, model, row)
    return row


def add(s: Session, obj: SQLModel) -> None:
    """`s.add(obj)`, except that a new row (made in memory, never added to a session) is held."""
    state = obj._sa_instance_state
    if state.key is None and state.session_id is None:
        hold(s, obj)
    elif state.session_id != s.hash_key or state.key is None:
        s.add(obj)  # (a record already loaded in this session is saved by its flush: nothing to add)


def flush(s: Session) -> None:
    """Write every held row now, one executemany per table, in the order the tables were first held."""
    held_rows = s.info.pop(_KEY, None)
    if not held_rows:
        return
    s.info[_COUNT] = 0
    conn = s.connection()
    for model, objs in held_rows.items():
        sql, values = _insert(model, conn.dialect)
        # One executemany through SQLAlchemy's connection: its cost is per call, not per row, and a failure
        # (a unique key, a full disk) comes wrapped as every other database error does.
        conn.exec_driver_sql(sql, [values(obj.__dict__) for obj in objs])


@cache
def _insert(model: type[SQLModel], dialect: Dialect) -> tuple[str, Callable[[dict], tuple]]:
    """The INSERT of every column, and the function from a row's __dict__ to its parameters.

    Each value goes through its column type's bind processor (JSON text,
    dates), as the ORM does. An integer primary key left None is NULL, which
    SQLite numbers itself (the outbox's seq).
    """
    table = model.__table__
    mapper = model.__mapper__
    procs: dict[str, Any] = {}
    parts = []
    for i, c in enumerate(table.columns):
        key = mapper.get_property_by_column(c).key
        proc = _fast_processor(c.type, dialect, c.type._cached_bind_processor(dialect))
        if proc is None:
            parts.append(f"d.get({key!r})")
        else:
            procs[f"p{i}"] = proc
            parts.append(f"p{i}(d.get({key!r}))")
    # One generated function per table: ~10x faster than a loop over the columns for each row.
    values = eval(f"lambda d: ({', '.join(parts)},)", procs)  # noqa: S307 - built from the model's own column names
    names = ", ".join(f'"{c.name}"' for c in table.columns)
    marks = ", ".join("?" * len(table.columns))
    return f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', values


def _fast_processor(type_: Any, dialect: Dialect, proc: Any) -> Any:
    """`proc`, or for SQLite's DATE and for a UTC datetime column (SQLite's DATETIME) in their default text
    forms a function giving the same text faster.

    SQLAlchemy formats a date or a datetime through a dict of its parts, a UTC datetime after a time zone
    check and conversion (~3-4 µs); one format operation writes the same text in a third of it (an import
    writes a date or two and a datetime for each of its ~240,000 rows). Anything else (a datetime in a date
    column, a datetime in another zone or none, None) still goes through `proc`.
    """
    if proc is None:
        return None
    if isinstance(type_, UTCDateTime):
        impl = type_.impl_instance.dialect_impl(dialect)
        if isinstance(impl, sqlite.DATETIME) and impl._storage_format == sqlite.DATETIME._storage_format and impl._reg is None:

            def utc_text(value: Any, _datetime: type = datetime, _utc: Any = timezone.utc, _slow: Any = proc) -> Any:
                if type(value) is _datetime and value.tzinfo is _utc:
                    return "%04d-%02d-%02d %02d:%02d:%02d.%06d" % (
                        value.year, value.month, value.day, value.hour, value.minute, value.second, value.microsecond)
                return _slow(value)

            return utc_text
        return proc
    impl = type_.dialect_impl(dialect)
    if isinstance(impl, sqlite.DATE) and impl._storage_format == sqlite.DATE._storage_format and impl._reg is None:

        def date_text(value: Any, _date: type = date, _slow: Any = proc) -> Any:
            return value.isoformat() if type(value) is _date else _slow(value)

        return date_text
    return proc


# -- the flush points: any session of the app ----------------------------------------
def _flush_before(s: Session, *_args: Any) -> None:
    if s.info.get(_KEY):
        flush(s)


def _on_orm_execute(state) -> None:
    # Like pending ORM changes: written before a statement unless the caller said no_autoflush.
    if state.session.info.get(_KEY) and state.session.autoflush:
        flush(state.session)


event.listen(Session, "before_commit", _flush_before)
event.listen(Session, "before_flush", _flush_before)
event.listen(Session, "do_orm_execute", _on_orm_execute)
