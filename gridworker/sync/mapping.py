"""Local tables ↔ wire records: which entities sync, and how a pulled record becomes a table row.

Columns are named as on the wire (models.py), so a pulled `data` maps one to
one onto columns; what the client does not know goes into `extra`, untouched.
Rows are written with SQLAlchemy Core (executemany), not ORM objects: an
initial sync writes tens of thousands of them.
"""

from __future__ import annotations

import logging
import operator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Connection, Date, DateTime, Float, Integer, Table
from sqlalchemy.sql.schema import Column

from ..domain.fieldwork import CHINA_TZ, FIELDWORK_MODELS
from ..domain.models import LOCAL_FIELDS, REGISTER_MODELS, SyncedRecord, utcnow

log = logging.getLogger(__name__)

# Written by the engine itself, never taken from `data`.
_BOOKKEEPING = frozenset({"id", "version", "deleted", "updated_at", "extra"})


class BadValue(ValueError):
    pass


def _to_date(value: Any) -> date:
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
    return moment


def _to_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or int(value) != value:
        raise BadValue(repr(value))
    return int(value)


def _to_float(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise BadValue(repr(value))
    return float(value)


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
        except (ValueError, TypeError) as exc:
            raise BadValue(f"{self.name}.{wire_name}={value!r}") from exc

    def row(self, record_id: str, version: int, data: dict[str, Any], now: datetime | None = None) -> dict[str, Any]:
        """The column values of a pulled record: known fields converted, unknown ones (and bad values) in `extra`."""
        plain, known = self._plain, self._known
        row = {k: v for k, v in data.items() if k in plain}
        for key in self._strict & row.keys():
            if row[key] is None:  # NOT NULL column: its empty value, not a failed insert
                row[key] = _empty_value(self.columns[key])
        extra = {k: v for k, v in data.items() if k not in known}
        for key in self._converted & data.keys():
            value = data[key]
            try:
                row[key] = self.convert(key, value)
            except BadValue as exc:
                # Never lose what the server sent: keep it where the user can still find it.
                log.warning("unreadable value kept in extra: %s", exc)
                extra[key] = value
                col = self.columns[key]
                row[key] = None if col.nullable else _empty_value(col)
        row.update(id=record_id, version=version, deleted=False, updated_at=now or utcnow(), extra=extra)
        self.derive(row)
        return row

    def __post_init__(self) -> None:
        wire = set(self.columns) - _BOOKKEEPING
        self._converted = frozenset(wire & set(self.converters))
        self._plain = frozenset(wire - self._converted)
        self._strict = frozenset(k for k in self._plain if not self.columns[k].nullable)
        self._known = frozenset(self.columns) | LOCAL_FIELDS | _BOOKKEEPING

    def derive(self, row: dict[str, Any]) -> None:
        """Local columns computed from synced ones (a person's pinyin for search)."""
        if self.name == "person" and "name" in row:
            from ..domain.names import pinyin_of  # its dictionaries take a while to load: only when people arrive

            row["pinyin"], row["initials"] = pinyin_of(row["name"] or "")

    # -- bulk writes ------------------------------------------------------------
    # SQLAlchemy's executemany costs more per row than the insert itself; these
    # build the parameter tuples with the columns' own bind processors instead.
    def _processors(self, dialect: Any, keys: list[str]) -> list[Any]:
        return [self.table.c[k].type.dialect_impl(dialect).bind_processor(dialect) for k in keys]

    def insert_rows(self, conn: Connection, rows: list[dict[str, Any]]) -> None:
        """INSERT pulled rows; columns a row lacks get their defaults (evaluated once per call)."""
        if not rows:
            return
        keys = [c.key for c in self.table.c]
        defaults = {c.key: None if c.nullable and c.default is None else _empty_value(c) for c in self.table.c}
        # Row tuples by itemgetter, turned into columns by zip: both run in C.
        raw = zip(*map(operator.itemgetter(*keys), (defaults | r for r in rows)))
        columns = [_process(proc, list(values)) if proc else values for proc, values in zip(self._processors(conn.dialect, keys), raw)]
        quote = conn.dialect.identifier_preparer.quote
        sql = f"INSERT INTO {quote(self.table.name)} ({', '.join(quote(k) for k in keys)}) VALUES ({', '.join('?' * len(keys))})"
        conn.exec_driver_sql(sql, list(zip(*columns)))

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
    (the page's updated_at, a default) and empty JSON containers are processed once."""
    first = values[0]
    if all(v is first for v in values):
        return [proc(first)] * len(values)
    empties: dict[type, Any] = {}
    if isinstance(first, (dict, list)) or first is None:
        empties = {dict: proc({}), list: proc([])}

        def once(v: Any) -> Any:
            return empties[type(v)] if not v and type(v) in empties else proc(v)

        return list(map(once, values))
    return list(map(proc, values))


def _models() -> dict[str, type[SyncedRecord]]:
    return REGISTER_MODELS | FIELDWORK_MODELS


ENTITY_MAPS: dict[str, EntityMap] = {name: EntityMap.of(model) for name, model in _models().items()}

def chunked(items: list[Any], size: int = 5000) -> list[list[Any]]:
    """Pieces small enough for one SQL `IN (...)` (SQLite caps the bound parameters of a statement)."""
    return [items[i : i + size] for i in range(0, len(items), size)]


# Entities whose searchable text lives in the search index.
SEARCHED = ("person", "household", "building")
