"""Re-reading everything after 410 `resync_required`, and purging areas no longer assigned.

A server restored from an older backup has forgotten whatever came after
the backup. The client re-reads the whole feed from the start and then
looks at what the server did not send back:

- a record with unsent edits stays (the outbox is never touched);
- a record this device had sent (it has outbox rows) is queued again as a
  full upsert, so what the restore lost comes back from here;
- anything else was the server's, and the server no longer has it: dropped.

A record the server does send again may lack edits of this device that it
had accepted after its backup. Before each group is written, the device's
own accepted values that it still shows are noted (`own_accepted`: the last
value of each field its sent outbox rows carried, where nothing newer came
since and no unsent edit covers it); after the group is written, every such
value the restored server lacks is queued again with the clock of the edit
that made it (`send_again`) and shown again, so the same round sends it back.

The same checklist serves a one-time re-read that a schema upgrade asks for
(store migration 0004 marks it `REREAD`: the server was not restored, the
client just needs records it used to skip, the users). Then nothing is queued
again and unsent edits keep their base versions: what the server did not send
back left this user's scope, and a collision must still be seen as one.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import delete, insert, literal, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from ..domain.models import Outbox, new_id, to_wire
from ..store.areas import areas_below
from ..store import bulk, outbox
from ..store.meta import next_hlc
from ..store.sync_tables import SyncEvicted, SyncResync
from . import state
from .mapping import ENTITY_MAPS, BadValue, EntityMap, chunked
from .keep import kept

log = logging.getLogger(__name__)
OUTBOX = Outbox.__table__  # type: ignore[attr-defined]
HELD = SyncEvicted.__table__  # type: ignore[attr-defined]
RESYNC = SyncResync.__table__  # type: ignore[attr-defined]
SERVER_MANAGED = frozenset({"area", "user"})
RESTORED, REREAD = "1", "reread"  # values of state.RESYNC: after 410, or asked for by an upgrade


def start(s: Session) -> None:
    """Forget the cursor and note every record the server had sent, to check each one off as the feed comes again."""
    conn = s.connection()
    state.delete_meta(s, state.CURSOR)
    state.delete_meta(s, state.EPOCH)  # the first group read again brings the server's present one
    conn.execute(delete(RESYNC))
    for name, emap in ENTITY_MAPS.items():
        table = emap.table
        conn.execute(
            insert(RESYNC).from_select(
                ["entity", "record_id"], select(literal(name), table.c.id).where(table.c.version > 0)
            )
        )
    state.set_meta(s, state.RESYNC, RESTORED)


def in_progress(s: Session) -> bool:
    return state.get_meta(s, state.RESYNC) in (RESTORED, REREAD)


def after_restore(s: Session) -> bool:
    """A re-read after 410 (the server lost what came after its backup), not one asked for by an upgrade."""
    return state.get_meta(s, state.RESYNC) == RESTORED


@dataclass
class Settled:
    kept: int = 0
    requeued: int = 0
    dropped: int = 0
    touched: dict[str, set[str]] = field(default_factory=dict)


def finish(s: Session) -> Settled:
    """The feed has been read to its end: settle the records the server did not send again."""
    conn = s.connection()
    out = Settled()
    restored = after_restore(s)
    for name, emap in ENTITY_MAPS.items():
        left = conn.execute(select(RESYNC.c.record_id).where(RESYNC.c.entity == name)).scalars().all()
        if not left:
            continue
        history = _outbox_states(s, name, left)
        needed = kept(s, left)  # this computer's work the server refused, and what names it, stays too
        drop = []
        for rid in left:
            states = history.get(rid, set())
            if "pending" in states:
                out.kept += 1
            elif restored and states and name not in SERVER_MANAGED and _requeue(s, emap, rid):
                out.requeued += 1
            elif rid in needed:
                out.kept += 1
            else:
                drop.append(rid)
        for part in chunked(drop):
            conn.execute(delete(emap.table).where(emap.table.c.id.in_(part)))
        out.dropped += len(drop)
        out.touched[name] = set(left)
    conn.execute(delete(RESYNC))
    state.delete_meta(s, state.RESYNC)
    return out


def _outbox_states(s: Session, entity: str, ids: list[str]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for part in chunked(ids):
        rows = s.connection().execute(
            select(OUTBOX.c.record_id, OUTBOX.c.state).where(OUTBOX.c.entity == entity, OUTBOX.c.record_id.in_(part))
        )
        for rid, st in rows:
            out.setdefault(rid, set()).add(st)
    return out


def _requeue(s: Session, emap: EntityMap, record_id: str) -> bool:
    """Queue the whole record as a new upsert (the server lost it); False for a tombstone, which is just dropped."""
    conn = s.connection()
    row = conn.execute(select(emap.table).where(emap.table.c.id == record_id)).mappings().first()
    if row is None or row["deleted"]:
        return False
    fields: dict[str, Any] = {k: to_wire(row[k]) for k in sorted(emap.pushable) if k in row}
    conn.execute(
        insert(OUTBOX).values(
            mutation_id=new_id(), entity=emap.name, record_id=record_id, op="upsert", fields=fields,
            base_version=None, hlc=next_hlc(s), state="pending", result=None,
        )  # fmt: skip
    )
    conn.execute(update(emap.table).where(emap.table.c.id == record_id).values(version=0))
    _supersede_refusals(s, emap.name, record_id)
    return True


def _supersede_refusals(s: Session, entity: str, record_id: str) -> None:
    """Edits of this record that the restored server refused (it no longer knew the record) go up again
    inside the whole record just queued: they leave the user's list of refused edits."""
    conn = s.connection()
    refused = conn.execute(
        select(OUTBOX.c.seq, OUTBOX.c.result).where(
            OUTBOX.c.entity == entity, OUTBOX.c.record_id == record_id, OUTBOX.c.state == "rejected"
        )
    ).all()
    now = datetime.now(timezone.utc).isoformat()
    for seq, result in refused:
        if (result or {}).get("dismissed_at"):
            continue
        settled = dict(result or {}) | {"dismissed_at": now, "superseded_by_resync": True}
        conn.execute(update(OUTBOX).where(OUTBOX.c.seq == seq).values(result=settled))


# -- this device's accepted edits that the restore lost -----------------------
@dataclass
class Own:
    """What this device last had accepted for one record, and still shows: the values a restore may have lost."""

    values: dict[str, tuple[Any, str]] = field(default_factory=dict)  # field → (wire value, clock of the edit)
    deleted: str | None = None  # clock of an accepted delete (the record is a tombstone here)


def _wanted(changes: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Records of a group by entity, of the entities whose edits are sent again (not create-only, not the server's)."""
    out: dict[str, set[str]] = {}
    for c in changes:
        entity, rid = c.get("entity"), c.get("id")
        emap = ENTITY_MAPS.get(entity) if isinstance(entity, str) else None
        if emap is None or entity in SERVER_MANAGED or getattr(emap.model, "create_only", False) or not isinstance(rid, str):
            continue
        if c.get("op") in ("upsert", "delete"):
            out.setdefault(entity, set()).add(rid)
    return {e: sorted(ids) for e, ids in out.items()}


def _same(emap: EntityMap, name: str, shown: Any, wire_value: Any) -> bool:
    try:
        return emap.convert(name, wire_value) == shown
    except BadValue:
        return False


def own_accepted(s: Session, changes: list[dict[str, Any]]) -> dict[tuple[str, str], Own]:
    """Before a group of a re-read after a restore is written: this device's accepted values it still shows.

    A field counts when its last sent edit (in outbox order, not lost in a
    conflict) is the value shown now, and no unsent edit covers it (that one
    is sent anyway); a delete counts when it was the record's last sent edit.
    """
    bulk.flush(s)  # rows held by this transaction's own edits (store/bulk.py) must be in what the SQL reads
    conn = s.connection()
    out: dict[tuple[str, str], Own] = {}
    for entity, ids in _wanted(changes).items():
        emap = ENTITY_MAPS[entity]
        rows = conn.exec_driver_sql(
            "SELECT record_id, op, fields, hlc, state, result FROM outbox WHERE state IN ('sent', 'pending') "
            "AND entity = ? AND record_id IN (SELECT value FROM json_each(?)) ORDER BY seq",
            (entity, json.dumps(ids)),
        ).all()
        fields = outbox.fields_of(conn, ((entity, r[0], r[2]) for r in rows))
        found, covered = _sent_edits(emap, [(*r[:2], f, *r[3:]) for r, f in zip(rows, fields)])
        if found:
            out.update(((entity, rid), own) for rid, own in _still_shown(conn, emap, found, covered).items())
    return out


def _sent_edits(emap: EntityMap, rows: list[Any]) -> tuple[dict[str, Own], dict[str, set[str]]]:
    """Per record, the last accepted value of each field (or the delete), and the fields unsent edits cover."""
    from .push import conflict_fields  # push imports nothing of this module; kept local all the same

    found: dict[str, Own] = {}
    covered: dict[str, set[str]] = {}  # fields of unsent edits ("deleted" for an unsent delete)
    for rid, op, sent, hlc, st, result_text in rows:  # sent: the row's fields (store/outbox.fields_of)
        if st == "pending":
            covered.setdefault(rid, set()).update(sent if op == "upsert" else {"deleted"})
            continue
        own = found.setdefault(rid, Own())
        if op == "delete":
            own.deleted = hlc
            continue
        own.deleted = None
        own.values.update((name, (value, hlc)) for name, value in sent.items() if name in emap.pushable)
        result = json.loads(result_text) if result_text else {}
        if result.get("status") == "conflict":
            for name, _mine, _theirs, winner in conflict_fields(result, sent):
                if winner == "theirs":
                    own.values.pop(name, None)  # the server kept the other value: not ours to restore
    return found, covered


def _still_shown(conn: Any, emap: EntityMap, found: dict[str, Own], covered: dict[str, set[str]]) -> dict[str, Own]:
    """Of `found`, what the record shows now and no unsent edit covers."""
    shown = {
        r["id"]: r
        for part in chunked(list(found))
        for r in conn.execute(select(emap.table).where(emap.table.c.id.in_(part))).mappings()
    }
    out: dict[str, Own] = {}
    for rid, own in found.items():
        row, skip = shown.get(rid), covered.get(rid, set())
        if row is None or "deleted" in skip:
            continue
        if own.deleted is not None:
            if row["deleted"]:
                out[rid] = Own(deleted=own.deleted)
            continue
        if row["deleted"]:
            continue
        values = {k: v for k, v in own.values.items() if k not in skip and k in row and _same(emap, k, row[k], v[0])}
        if values:
            out[rid] = Own(values=values)
    return out


def send_again(s: Session, own: dict[tuple[str, str], Own], changes: list[dict[str, Any]]) -> dict[str, set[str]]:
    """After the group is written: queue again (and show again) each of `own` the restored server lacks.

    The edit goes with the clock of the one that made it and, like the unsent
    edits of a re-read, on the version the restored server sent: it is this
    device's accepted edit, and the server takes it back as such.
    """
    last: dict[tuple[str, str], dict[str, Any]] = {}
    for c in changes:
        last[(c.get("entity"), c.get("id"))] = c  # type: ignore[index]
    conn = s.connection()
    touched: dict[str, set[str]] = {}
    for (entity, rid), mine in own.items():
        change = last.get((entity, rid))
        if change is None or change.get("op") not in ("upsert", "delete"):
            continue  # evicted: no longer this user's
        emap = ENTITY_MAPS[entity]
        version = change.get("version") if type(change.get("version")) is int else None
        if mine.deleted is not None:
            if change["op"] == "upsert":
                _queue(s, entity, rid, "delete", {}, version, mine.deleted)
                conn.execute(update(emap.table).where(emap.table.c.id == rid).values(deleted=True))
                touched.setdefault(entity, set()).add(rid)
            continue
        data = change.get("data")
        if change["op"] != "upsert" or not isinstance(data, dict):
            continue  # deleted on the server meanwhile: the delete stands
        lost = {k: v for k, (v, _h) in mine.values.items() if not _equal(emap, k, data.get(k), v)}
        if not lost:
            continue
        _queue(s, entity, rid, "upsert", lost, version, max(mine.values[k][1] for k in lost))
        values = {}
        for k, v in lost.items():
            try:
                values[k] = emap.convert(k, v)
            except BadValue:
                continue
        if "name" in values:
            emap.derive(values)
        if values:
            conn.execute(update(emap.table).where(emap.table.c.id == rid).values(**values))
        touched.setdefault(entity, set()).add(rid)
    if touched:
        log.warning("the restored server lacked edits of %d record(s) this device had sent: sending them again",
                    sum(map(len, touched.values())))  # fmt: skip
    return touched


def _equal(emap: EntityMap, name: str, theirs: Any, mine: Any) -> bool:
    try:
        return emap.convert(name, theirs) == emap.convert(name, mine)
    except BadValue:
        return theirs == mine


def _queue(s: Session, entity: str, record_id: str, op: str, fields: dict[str, Any], base: int | None, hlc: str) -> None:
    s.connection().execute(
        insert(OUTBOX).values(
            mutation_id=new_id(), entity=entity, record_id=record_id, op=op, fields=fields, base_version=base,
            hlc=hlc, state="pending", result=None,
        )  # fmt: skip
    )


# -- areas taken away ---------------------------------------------------------
def purge_unassigned(s: Session, old_ids: list[str], new_ids: list[str]) -> dict[str, set[str]]:
    """Drop records of areas that were assigned and are no more, unless this computer's work needs them (keep.py).

    The server evicts them itself; this is the fallback for a feed that did
    not (and for areas whose records arrived before the change).
    """
    gone = areas_below(s, old_ids, include_deleted=True) - areas_below(s, new_ids, include_deleted=True)
    touched: dict[str, set[str]] = {}
    if not gone:
        return touched
    conn = s.connection()
    for name, emap in ENTITY_MAPS.items():
        if name in SERVER_MANAGED:
            continue  # the area tree itself stays whole: the server shows it to everyone
        table = emap.table
        ids = conn.execute(select(table.c.id).where(table.c.area_id.in_(list(gone)))).scalars().all()
        if not ids:
            continue
        held = kept(s, ids)  # this computer's own work and what names it (keep.py): held, not dropped
        drop = [rid for rid in ids if rid not in held]
        for part in chunked(drop):
            conn.execute(delete(table).where(table.c.id.in_(part)))
        if held:
            stmt = sqlite_insert(HELD).on_conflict_do_nothing(index_elements=["entity", "record_id"])
            conn.execute(stmt, [{"entity": name, "record_id": rid} for rid in sorted(held)])
        if drop:
            touched[name] = set(drop)
    return touched
