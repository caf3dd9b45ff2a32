"""Local tables ↔ wire records: which entities sync, and how a pulled record becomes a table row.

Columns are named as on the wire (models.py), so a pulled `data` maps one to
one onto columns; what the client does not know goes into `extra`, untouched.
Rows are written with SQLAlchemy Core (executemany), not ORM objects: an
initial sync writes tens of thousands of them.
"""

from __future__ import annotations

import logging
import math
import operator
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from functools import cache
from typing import Any

from sqlalchemy import Boolean, Connection, Date, DateTime, Float, Integer, Table
from sqlalchemy.sql.schema import Column

from ..domain.fieldwork import CHINA_TZ, FIELDWORK_MODELS
from ..domain.placework import PLACE_MODELS
from ..domain.models import LOCAL_FIELDS, REGISTER_MODELS, SyncedRecord, utcnow
from ..domain.participation_records import PARTICIPATION_MODELS
from ..domain.users import User  # server-managed: pulled for names and pickers, never pushed

log = logging.getLogger(__name__)

# Written by the engine itself, never taken from `data`.
_BOOKKEEPING = frozenset({"id", "version", "deleted", "updated_at", "extra"})


class BadValue(ValueError):
    pass


def _to_date(value: Any) -> date:
    if type(value) is str and len(value) == 10:  # the usual "YYYY-MM-DD", first: a pull converts ~100,000 of them
        return date.fromisoformat(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    text = str(value)
    if len(text) == 10:
        return date.fromisoformat(text)
    # A server that sends a day as a moment (e.g. a deadline): the day it falls on in China.
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise BadValue(text)
    return moment.astimezone(CHINA_TZ).date()


def _to_datetime(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise BadValue(str(value))  # the local column refuses naive times
    # The column stores UTC: a time that has none (0001-01-01T00:00+14:00) fails here, not in the INSERT.
    return moment.astimezone(timezone.utc)


# SQLite's INTEGER is 64 bits: a larger number fails the whole INSERT.
_INT_RANGE = (-(2**63), 2**63 - 1)


def _to_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or int(value) != value:
        raise BadValue(repr(value))
    if not _INT_RANGE[0] <= int(value) <= _INT_RANGE[1]:
        raise BadValue(repr(value))
    return int(value)


def _to_float(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise BadValue(repr(value))
    f = float(value)
    if not math.isfinite(f):
        raise BadValue(repr(value))
    return f


def _to_bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise BadValue(repr(value))
    return value


def _converter(col: Column):
    kind = col.type
    impl = getattr(kind, "impl", None)
    if isinstance(kind, DateTime) or isinstance(impl, DateTime):
        return _to_datetime
    if isinstance(kind, Date):
        return _to_date
    if isinstance(kind, Boolean):
        return _to_bool
    if isinstance(kind, Integer):
        return _to_int
    if isinstance(kind, Float):
        return _to_float
    return None  # text and JSON travel as they are


def _empty_value(col: Column) -> Any:
    """What a NOT NULL column without a default holds when the server sends null or nothing."""
    if col.default is not None:
        arg = col.default.arg
        return arg(None) if callable(arg) and getattr(col.default, "is_callable", False) else arg
    kind = col.type
    if isinstance(kind, Boolean):
        return False
    if isinstance(kind, (Integer, Float)):
        return 0
    return ""


@dataclass
class EntityMap:
    """One synced entity: its table and which wire fields land in which columns."""

    name: str
    model: type[SyncedRecord]
    table: Table
    columns: dict[str, Column] = field(default_factory=dict)  # wire name → column (pulled fields)
    pushable: frozenset[str] = frozenset()  # wire names a push may carry
    converters: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, model: type[SyncedRecord]) -> "EntityMap":
        table: Table = model.__table__  # type: ignore[attr-defined]
        local = LOCAL_FIELDS | getattr(model, "local_only_fields", frozenset())
        read_only = getattr(model, "read_only_fields", frozenset())
        columns = {c.key: c for c in table.c if c.key not in local}
        return cls(
            name=model.entity,
            model=model,
            table=table,
            columns=columns,
            pushable=frozenset(columns) - read_only,
            converters={k: conv for k, c in columns.items() if (conv := _converter(c))},
        )

    def convert(self, wire_name: str, value: Any) -> Any:
        """A wire value as the column wants it; BadValue if it cannot be."""
        col = self.columns[wire_name]
        if value is None:
            return None if col.nullable else _empty_value(col)
        conv = self.converters.get(wire_name)
        if conv is None:
            return value
        try:
            return conv(value)
        except Exception as exc:  # noqa: BLE001 - whatever one value does, it must not stop a pull
            raise BadValue(f"{self.name}.{wire_name}={value!r}") from exc

    def row(self, record_id: str, version: int, data: dict[str, Any], now: datetime | None = None) -> dict[str, Any]:
        """The column values of a pulled record: known fields converted, unknown ones (and bad values) in `extra`.

        Runs once per pulled record (120,000 times in a first sync): the work per
        field is looked up once per entity (__post_init__), not per record.
        """
        # Most records carry only fields this version reads: copy them in C (a converted field is
        # overwritten below, whatever its value), else keep the plain ones.
        row = dict(data) if data.keys() <= self._readable else {k: v for k, v in data.items() if k in self._plain}
        for key in self._strict:
            if key in row and row[key] is None:  # NOT NULL column: its empty value, not a failed insert
                row[key] = _empty_value(self.columns[key])
        known = self._known
        extra = {} if data.keys() <= known else {k: v for k, v in data.items() if k not in known}
        for key, conv in self._conversions:
            if key not in data:
                continue
            value = data[key]
            if value is None:
                row[key] = self.convert(key, None)
                continue
            try:
                row[key] = conv(value)
            except Exception:  # noqa: BLE001 - OverflowError too: one record never stops a pull
                # Never lose what the server sent: keep it where the user can still find it
                # (set_aside() lists it, and `gridworker status` tells).
                log.warning("unreadable value kept in extra: %s", BadValue(f"{self.name}.{key}={value!r}"))
                extra[key] = value
                row[key] = self.convert(key, None)
        row.update(id=record_id, version=version, deleted=False, updated_at=now or utcnow(), extra=extra)
        if self.name in ("person", "place"):
            self.derive(row)
        return row

    def set_aside(self, row: dict[str, Any]) -> list[str]:
        """The fields of a row made by row() whose pulled value could not be read (kept in `extra`)."""
        extra = row.get("extra")
        return sorted(k for k in extra if k in self.converters) if extra else []

    def __post_init__(self) -> None:
        wire = set(self.columns) - _BOOKKEEPING
        converted = wire & set(self.converters)
        self._conversions = tuple((k, self.converters[k]) for k in sorted(converted))
        self._plain = frozenset(wire - converted)
        self._readable = frozenset(wire)  # plain or converted
        self._strict = tuple(sorted(k for k in self._plain if not self.columns[k].nullable))
        self._known = frozenset(self.columns) | LOCAL_FIELDS | _BOOKKEEPING

    def derive(self, row: dict[str, Any]) -> None:
        """Local columns computed from synced ones (a person's or a place's pinyin for search)."""
        if self.name in ("person", "place") and "name" in row:
            row["pinyin"], row["initials"] = _pinyin_of()(row["name"] or "")

    # -- bulk writes ------------------------------------------------------------
    # SQLAlchemy's executemany costs more per row than the insert itself; these
    # build the parameter tuples with the columns' own bind processors instead.
    def _processors(self, dialect: Any, keys: list[str]) -> list[Any]:
        return [self.table.c[k].type.dialect_impl(dialect).bind_processor(dialect) for k in keys]

    def insert_rows(self, conn: Connection, rows: list[dict[str, Any]]) -> None:
        """INSERT pulled rows; columns a row lacks get their defaults (evaluated once per call)."""
        if not rows:
            return
        every = [c.key for c in self.table.c]
        defaults = {c.key: None if c.nullable and c.default is None else _empty_value(c) for c in self.table.c}
        procs = dict(zip(every, self._processors(conn.dialect, every)))
        # Columns that go as they are (most: text) first, the few that need their bind processor after,
        # so that only those are turned into columns and back. itemgetter, zip and map all run in C.
        plain = [k for k in every if procs[k] is None]
        processed = [k for k in every if procs[k] is not None]
        full = [defaults | r for r in rows]
        params: Any = map(operator.itemgetter(*plain), full) if len(plain) > 1 else ((r[plain[0]],) for r in full)
        if processed:
            tails = zip(*(_process(procs[k], list(map(operator.itemgetter(k), full))) for k in processed))
            params = map(operator.add, params, tails)
        keys = plain + processed
        quote = conn.dialect.identifier_preparer.quote
        sql = f"INSERT INTO {quote(self.table.name)} ({', '.join(quote(k) for k in keys)}) VALUES ({', '.join('?' * len(keys))})"
        conn.exec_driver_sql(sql, list(params))

    def update_rows(self, conn: Connection, rows: list[dict[str, Any]]) -> None:
        """UPDATE rows by id, setting the columns each carries (grouped by column set)."""
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for r in rows:
            groups.setdefault(tuple(k for k in r if k != "id"), []).append(r)
        quote = conn.dialect.identifier_preparer.quote
        for keys, group in groups.items():
            plan = list(zip(keys, self._processors(conn.dialect, list(keys))))
            params = [tuple(p(r[k]) if p else r[k] for k, p in plan) + (r["id"],) for r in group]
            sets = ", ".join(f"{quote(k)} = ?" for k in keys)
            conn.exec_driver_sql(f"UPDATE {quote(self.table.name)} SET {sets} WHERE id = ?", params)


def _process(proc: Any, values: list[Any]) -> list[Any]:
    """Bind-process one column's values, column by column (map() runs in C); a value shared by every row
    (the page's updated_at, a default) and empty JSON containers are processed once, and so is each
    distinct day or moment (updated_at differs only from page to page; birthdays repeat)."""
    first = values[0]
    if all(v is first for v in values):
        return [proc(first)] * len(values)
    if type(first) in (datetime, date):
        memo = {v: proc(v) for v in set(values)}
        return list(map(memo.__getitem__, values))
    empties: dict[type, Any] = {}
    if isinstance(first, (dict, list)) or (first is None and any(type(v) in (dict, list) for v in values)):
        empties = {dict: proc({}), list: proc([])}  # JSON columns only: a date column's processor refuses {}

        def once(v: Any) -> Any:
            return empties[type(v)] if not v and type(v) in empties else proc(v)

        return list(map(once, values))
    return list(map(proc, values))


@cache
def _pinyin_of():
    """domain.names.pinyin_of, imported when people first arrive (its dictionaries take a while to load),
    then kept: an import statement per pulled person cost 3 µs each."""
    from ..domain.names import pinyin_of

    return pinyin_of


def _models() -> dict[str, type[SyncedRecord]]:
    return REGISTER_MODELS | FIELDWORK_MODELS | PLACE_MODELS | PARTICIPATION_MODELS | {User.entity: User}


ENTITY_MAPS: dict[str, EntityMap] = {name: EntityMap.of(model) for name, model in _models().items()}

def chunked(items: list[Any], size: int = 5000) -> list[list[Any]]:
    """Pieces small enough for one SQL `IN (...)` (SQLite caps the bound parameters of a statement)."""
    return [items[i : i + size] for i in range(0, len(items), size)]


# Entities whose searchable text lives in the search index.
SEARCHED = ("person", "household", "building")
