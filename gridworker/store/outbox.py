"""The outbox's stored form, and the one way to read an outbox row's fields.

A row's `fields` are the mutation's fields as the wire has them, except for a
*reference create*: a new record's first upsert, not yet put on the wire,
written by a bulk writer (the register import: services/changes.values_upsert).
It stores JSON `null` instead of a copy of the record's fields: they are the
record's own, read from its row when the mutation is needed. A fifth of a
freshly imported database was such copies (docs/performance.md, issue 14 target 3).

What a reference stands for is exactly what the create's row would have held:
the record's wire fields whose value differs from the model's default, plus
the fields the create always names (`ALWAYS`: person name and status; every
field of a new stay). A later edit of the record before its push has its own
row, which the push merges into the create (sync/push.squash), as before.
Once a reference is put on the wire (or refused before it), the push stores
its materialised fields in the row (push.mark_attempted, reject_locally): a
replay of its mutation_id must mean what was sent, whatever the record has
become since.

Nor does a reference store its mutation id until then (its `mutation_id` is NULL, 37 bytes of each
imported create): `mutation_id_of` derives it from the row's entity, record and stamp, the same at every
read, and the push stores it with the fields. A squash that changes the stamp of a row never sent stores
the id it had.

Only the register's households, people and stays are written as references
(`REFERENCE_ENTITIES`); a photo never is (sync/blobs.py reads its sha256 from
the stored fields in SQL). Everything that reads an outbox row's fields calls
`fields_of` (or `row_fields` for one row): the push, the pull's keep-local-edits,
eviction's keep list, the re-read after a restore, the refused lists.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from sqlalchemy import func, select

from ..domain.models import LOCAL_FIELDS, REGISTER_MODELS, SyncedRecord, to_wire
from ..domain.rows import row_template

# entity → the fields its create always names, whatever their value (register_person adds name and status;
# a stay names every field it is made with).
ALWAYS: dict[str, frozenset[str]] = {
    "household": frozenset(),
    "person": frozenset({"name", "status"}),
    "membership": frozenset({"person_id", "household_id", "area_id", "relation", "moved_in", "reason"}),
}
REFERENCE_ENTITIES = frozenset(ALWAYS)
REFERENCE = None  # the `fields` of a reference create (stored as JSON null)
REFERENCE_TEXT = "null"  # ... as the column's text, for SQL


_IDS = uuid.UUID("5d6b2f1e-8c3a-4f0e-9b7d-2a1c4e6f8d90")  # the namespace of derived mutation ids


def mutation_id_of(entity: str, record_id: str, hlc: str) -> str:
    """The mutation id of a reference create whose row stores none: a UUID (version 5) of what tells the row
    apart — one record's create with one stamp of this device's clock — so every read gives the same."""
    return str(uuid.uuid5(_IDS, f"{entity}/{record_id}/{hlc}"))


def is_reference(stored: Any) -> bool:
    """Whether a row's stored `fields` (decoded JSON, or the column's text) is a reference."""
    return stored is None or stored == REFERENCE_TEXT


def reference_sql(column: Any) -> Any:
    """An SQL condition: the row whose `fields` column is `column` is a reference create."""
    return func.json_type(column) == "null"


@cache
def _spec(entity: str) -> tuple[type[SyncedRecord], list[tuple[str, Any, Any]]]:
    model = REGISTER_MODELS[entity]
    local = LOCAL_FIELDS | getattr(model, "local_only_fields", frozenset())
    fields = [(name, factory, default) for name, factory, default in row_template(model)[1] if name not in local]
    return model, fields


def _default(factory: Any, default: Any) -> Any:
    return factory() if factory is not None else default


def create_fields(entity: str, record: dict[str, Any]) -> dict[str, Any]:
    """What a reference create of `entity` stands for, given the record's row (column → value)."""
    _model, fields = _spec(entity)
    always = ALWAYS[entity]
    out = {}
    for name, factory, default in fields:
        value = record.get(name)
        if name in always or value != _default(factory, default):
            out[name] = to_wire(value)
    return out


def _read_rows(conn: Any, entity: str, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    table = REGISTER_MODELS[entity].__table__  # type: ignore[attr-defined]
    rows = conn.execute(select(table).where(table.c.id.in_(_json_ids(ids)))).mappings()
    return {r["id"]: dict(r) for r in rows}


def _json_ids(ids: Sequence[str]) -> Any:
    each = func.json_each(json.dumps(list(ids))).table_valued("value")
    return select(each.c.value).scalar_subquery()


def fields_of(conn: Any, rows: Iterable[tuple[str, str, Any]]) -> list[dict[str, Any]]:
    """The fields of outbox rows given as (entity, record_id, stored fields), in order: a copy of the stored
    fields, or for a reference create the record's fields read now (on `conn`, in the caller's transaction).

    A reference whose record is not here (it never should be: an eviction keeps a record with an unsent
    edit) gives {}.
    """
    rows = list(rows)
    wanted: dict[str, list[str]] = {}
    for entity, record_id, stored in rows:
        if is_reference(stored):
            wanted.setdefault(entity, []).append(record_id)
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for entity, ids in wanted.items():
        if entity not in REFERENCE_ENTITIES:
            continue
        for rid, record in _read_rows(conn, entity, ids).items():
            found[(entity, rid)] = create_fields(entity, record)
    out = []
    for entity, record_id, stored in rows:
        if is_reference(stored):
            out.append(dict(found.get((entity, record_id), {})))
        elif isinstance(stored, str):
            out.append(json.loads(stored) if stored else {})
        else:
            out.append(dict(stored or {}))
    return out


def row_fields(conn: Any, entity: str, record_id: str, stored: Any) -> dict[str, Any]:
    """`fields_of` for one row."""
    return fields_of(conn, [(entity, record_id, stored)])[0]
