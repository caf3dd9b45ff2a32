"""Recording changes: the record, its outbox row, and the 'data changed' notice, together.

Every service writes through `record_upsert` / `record_delete`, inside one
`store.write()` transaction, so a record and its outbox row are committed
together or not at all. New records and outbox rows are held in the session
and inserted per table with one executemany (store/bulk.py) before anything
can read them; the clock is read once per transaction (store/meta.py).
After the commit the service calls `publish`, and
whoever listens (the UI bridges it to a Qt signal) refreshes.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from ..domain.models import Outbox, SyncedRecord, to_wire, utcnow
from ..domain.rows import new_record, row_values
from ..store import bulk, outbox
from ..store.meta import next_hlc
from .scope import FOLLOWERS, check_area


@dataclass
class Changes:
    """What one operation changed: entity → record ids, and who asked."""

    ids: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    initiator: Any = None

    def add(self, entity: str, record_id: str) -> None:
        self.ids[entity].add(record_id)

    def __bool__(self) -> bool:
        return any(self.ids.values())


class Many(set):
    """Stands for more ids than were worth listing (a big sync): any record of the entity may have changed.

    Listed as empty, but `record_id in many` is always true and it counts as a change.
    """

    def __contains__(self, _record_id: object) -> bool:
        return True

    def __bool__(self) -> bool:
        return True


_listeners: list[Callable[[Changes], None]] = []
_lock = threading.Lock()


def subscribe(callback: Callable[[Changes], None]) -> Callable[[], None]:
    with _lock:
        _listeners.append(callback)

    def unsubscribe() -> None:
        with _lock:
            if callback in _listeners:
                _listeners.remove(callback)

    return unsubscribe


def publish(changes: Changes) -> None:
    if not changes:
        return
    with _lock:
        listeners = list(_listeners)
    for callback in listeners:
        callback(changes)


# -- records and outbox -------------------------------------------------------
def record_upsert(
    s: Session, obj: SyncedRecord, changed: dict[str, Any], changes: Changes | None = None
) -> Outbox | None:
    """Save `obj` (already carrying the new values) and queue the changed fields for the server."""
    if not changed:
        return None
    _check_place(s, obj.entity, obj.area_id, obj.version, changed)
    obj.updated_at = utcnow()
    bulk.add(s, obj)  # a new record is inserted with the others of its table in one executemany
    row = new_record(Outbox, **_upsert_values(s, obj.entity, obj.id, obj.version, changed))
    bulk.hold(s, row, attach=False)  # written with the others in one executemany (store/bulk.py)
    if changes is not None:
        changes.add(obj.entity, obj.id)
    return row


def _check_place(s: Session, entity: str, area_id: str | None, version: int, changed: dict[str, Any]) -> None:
    # A record placed or moved, or one made with no area at all: the server takes it only inside the user's
    # areas (incident events and photos take their incident's area there).
    if "area_id" in changed or (not version and area_id is None and entity not in FOLLOWERS):
        check_area(s, entity, area_id)


def _upsert_values(s: Session, entity: str, record_id: str, version: int, changed: dict[str, Any]) -> dict[str, Any]:
    """The outbox row of an upsert: the changed fields as the wire has them."""
    return {
        "entity": entity,
        "record_id": record_id,
        "op": "upsert",
        "fields": {k: to_wire(v) for k, v in changed.items()},
        "base_version": version or None,
        "hlc": next_hlc(s),
    }


def values_upsert(
    s: Session, model: type[SyncedRecord], values: dict[str, Any], changed: dict[str, Any], changes: Changes | None = None,
    queued: dict[str, bulk.Plain] | None = None,
) -> bulk.Plain:
    """`record_upsert` of a new record given as plain values (every field: domain.rows.row_values), no ORM record.

    The same check, the same outbox row; both are held for one executemany
    (store/bulk.hold_values). For writers of many new rows (the register import).
    A household, person or stay gets a reference create (store/outbox.py): its
    row stands for exactly `changed`, read from the record when it is pushed.
    Returns the held row (its attributes are the record's fields); `queued` gets the held outbox row by record id.
    """
    _check_place(s, model.entity, values["area_id"], 0, changed)
    values["updated_at"] = utcnow()
    held = bulk.hold_values(s, model, values)
    if model.entity in outbox.REFERENCE_ENTITIES:  # the record's own fields, read at push time (store/outbox.py)
        row = _upsert_values(s, model.entity, values["id"], 0, {}) | {"fields": outbox.REFERENCE}
    else:
        row = _upsert_values(s, model.entity, values["id"], 0, changed)
    values_row = row_values(Outbox, row)
    if row["fields"] is outbox.REFERENCE:
        values_row["mutation_id"] = None  # derived until it is sent (outbox.mutation_id_of)
    out = bulk.hold_values(s, Outbox, values_row)
    if queued is not None:
        queued[values["id"]] = out
    if changes is not None:
        changes.add(model.entity, values["id"])
    return held


def values_restamp(
    s: Session, create: bulk.Plain, area_id: str | None, changed: dict[str, Any], changes: Changes | None = None
) -> str:
    """`values_update` for a record whose create (`create`: its held outbox row) is a reference made in this
    transaction: the create carries the record's new values itself (store/outbox.py), and takes the stamp the
    change's own row would have had — what the push's squash would send for the two. Returns the stamp; a
    caller whose create row was written meanwhile (a flush) writes it."""
    _check_place(s, create.entity, area_id, 0, changed)
    create.hlc = next_hlc(s)
    if changes is not None:
        changes.add(create.entity, create.record_id)
    return create.hlc


def values_update(
    s: Session, entity: str, record_id: str, area_id: str | None, changed: dict[str, Any], changes: Changes | None = None
) -> None:
    """`record_upsert`'s check and outbox row for a change to a record never synced (version 0, in `area_id`
    after the change) whose stored row the caller updates itself."""
    _check_place(s, entity, area_id, 0, changed)
    bulk.hold_values(s, Outbox, row_values(Outbox, _upsert_values(s, entity, record_id, 0, changed)))
    if changes is not None:
        changes.add(entity, record_id)


def record_delete(s: Session, obj: SyncedRecord, changes: Changes | None = None) -> Outbox:
    """Tombstone `obj`: it stays in the table, flagged, so the delete can be synced and audited."""
    obj.deleted = True
    obj.updated_at = utcnow()
    bulk.add(s, obj)
    row = new_record(
        Outbox, entity=obj.entity, record_id=obj.id, op="delete", fields={}, base_version=obj.version or None, hlc=next_hlc(s)
    )
    bulk.hold(s, row, attach=False)
    if changes is not None:
        changes.add(obj.entity, obj.id)
    return row


def apply_fields(obj: SyncedRecord, values: dict[str, Any]) -> dict[str, Any]:
    """Set the values that differ; return those that did (the mutation's `fields`)."""
    changed = {}
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed[name] = value
    return changed
