"""One record by primary key, without the ORM's query path.

`Session.get` on a record not yet in the session compiles (from its cache) and
runs an ORM SELECT, then builds the object through the loading machinery:
~250 µs a record, most of the 10,000 edits of one transaction. `get` reads the
row with one plain statement on the session's connection, converts each value
with its column type's result processor (what the ORM does: JSON, dates,
booleans) and puts the object into the session as a loaded record, exactly as
a query would have: later changes to it are saved by the ORM's flush as UPDATEs
of the changed columns.

The row is read as the transaction sees it. A record the session has already
(loaded, changed, held, deleted) is answered by `Session.get` from the session;
a new one added to the session and not yet flushed is not found (as with
`Session.get` under no_autoflush); a model without a one-column primary key
takes `Session.get`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar

from sqlalchemy.engine import Dialect
from sqlalchemy.orm import configure_mappers, make_transient_to_detached
from sqlmodel import Session, SQLModel

T = TypeVar("T", bound=SQLModel)


def get(s: Session, model: type[T], record_id: Any) -> T | None:
    """`s.get(model, record_id)` without autoflush, built from one plain SELECT when the session lacks it."""
    mapper = model.__mapper__
    known = s.identity_map.get(mapper.identity_key_from_primary_key((record_id,)))
    conn = s.connection()
    plan = _plan(model, conn.dialect) if known is None else None
    if plan is None:
        with s.no_autoflush:
            return s.get(model, record_id)
    sql, build = plan
    # The driver's own cursor: SQLAlchemy's result object for a textual statement costs more than the read.
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        row = cursor.execute(sql, (record_id,)).fetchone()
    except Exception:  # whatever the driver met, Session.get meets it again and reports it as usual
        with s.no_autoflush:
            return s.get(model, record_id)
    finally:
        cursor.close()
    if row is None:
        return None
    obj = mapper.class_manager.new_instance()
    obj.__dict__.update(build(row))
    make_transient_to_detached(obj)  # a loaded record, its values the committed state
    s.add(obj)
    return obj


@cache
def _plan(model: type[SQLModel], dialect: Dialect) -> tuple[str, Callable[[Any], dict[str, Any]]] | None:
    """The SELECT of every mapped column by primary key, and the row → attribute values function."""
    configure_mappers()  # as the ORM's first query would (a fresh process may not have run one yet)
    table = model.__table__
    mapper = model.__mapper__
    if len(mapper.primary_key) != 1 or mapper.inherits is not None or mapper.with_polymorphic:
        return None
    cols = list(table.columns)
    keys = [mapper.get_property_by_column(c).key for c in cols]
    procs: dict[str, Any] = {}
    parts = []
    for i, (c, key) in enumerate(zip(cols, keys)):
        proc = c.type._cached_result_processor(dialect, None)
        if proc is None:
            parts.append(f"{key!r}: r[{i}]")
        else:
            procs[f"p{i}"] = proc
            parts.append(f"{key!r}: p{i}(r[{i}])")
    build = eval(f"lambda r: {{{', '.join(parts)}}}", procs)  # noqa: S307 - built from the model's own column names
    names = ", ".join(f'"{c.name}"' for c in cols)
    pk = mapper.primary_key[0].name
    return f'SELECT {names} FROM "{table.name}" WHERE "{pk}" = ?', build
