"""Pull: apply one page of the server's change feed to the local tables, in the caller's transaction.

The engine saves each page together with its cursor in one transaction, so a
crash anywhere leaves either the page and its cursor or neither: no change is
missed or applied twice.

- upsert: the record as the server has it, unknown fields kept in `extra`. A
  page never takes a record back to an older version than the one this
  device already holds (our own push told us the newer one); during a
  re-sync after 410 the server's word is final.
- echo: the change of a record at the very version this device holds is not
  written again when the row is known to be the server's record at that
  version — no unsent edit of it, and not on the unsure list (SyncUnsure:
  every push answer but an `exact` `applied` one puts the record there, and
  only the pull's writing it takes it off). The echo of our own push thus
  costs no write, no re-index and no notice.
- rebase: when the record has unsent local edits, their fields are applied
  again over the incoming data, so the user keeps seeing their own edit. The
  edit keeps its base_version: if the incoming change touched the same
  field, the server must see the collision and decide by clock (and record
  the losing value), not take ours blindly.
- delete: a tombstone. evict: the record left this user's scope; it is
  dropped unless this computer's own work needs it (see keep.py: unsent
  edits, work the server refused, what names that work); then it is held
  until nothing needs it any more.
- categories and holidays (server-managed, no table of their own): kept in
  Meta by services.tables, the tables this device counts deadlines and checks
  reports with from then on.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from ..domain.models import Outbox, utcnow
from ..services import tables as server_tables
from ..store import bulk, deferred_indexes, outbox
from ..store.sync_tables import SyncBlob, SyncEvicted, SyncResync, SyncUnsure
from .mapping import ENTITY_MAPS, SEARCHED, EntityMap
from . import keep, state
from .resync import after_restore

log = logging.getLogger(__name__)

OUTBOX = Outbox.__table__  # type: ignore[attr-defined]
BLOBS = SyncBlob.__table__  # type: ignore[attr-defined]
RESYNC = SyncResync.__table__  # type: ignore[attr-defined]
HELD = SyncEvicted.__table__  # type: ignore[attr-defined]
UNSURE = SyncUnsure.__table__  # type: ignore[attr-defined]


@dataclass
class PageResult:
    upserts: int = 0
    deletes: int = 0
    evicts: int = 0
    kept: int = 0  # evicted but kept for unsent edits
    skipped: int = 0  # older than what we hold, our own push's echo, or an entity this client does not keep
    touched: dict[str, set[str]] = field(default_factory=dict)  # entity → ids written or dropped
    photos: list[tuple[str, str]] = field(default_factory=list)  # (record id, sha256) of pulled photos
    dropped_photos: list[str] = field(default_factory=list)  # sha256 of evicted photos: files to remove after commit
    now: datetime | None = None  # one updated_at for the whole page
    set_aside: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # record → fields it could not read

    def touch(self, entity: str, record_id: str) -> None:
        self.touched.setdefault(entity, set()).add(record_id)


Grouped = dict[str, dict[tuple[str, str], dict[str, Any]]]  # entity → (entity, id) → the record's last change


def last_per_record(changes: list[dict[str, Any]], grouped: Grouped | None = None) -> Grouped:
    """Changes grouped by entity, only the last one of each record (the feed is in commit order).

    With `grouped`, the changes of a page are added to those of the pages before it (the feed's
    reader thread groups a group's pages as they arrive): the same as grouping all of them at once.
    """
    grouped = {} if grouped is None else grouped
    for change in changes:
        entity, rid = change.get("entity"), change.get("id")
        if not isinstance(entity, str) or not isinstance(rid, str):
            continue
        per = grouped.setdefault(entity, {})
        per.pop((entity, rid), None)  # re-insert so dict order is the order of the last change
        per[(entity, rid)] = change
    return grouped


@dataclass
class _LocalState:
    has_pending: bool
    has_held: bool
    has_unsure: bool = False


@dataclass
class _OutboxRow:
    seq: int
    record_id: str
    op: str
    fields: dict[str, Any]


def pending_records(s: Session, entity: str, ids: list[str]) -> dict[str, list[Any]]:
    """Unsent outbox rows of these records, in order: record id → rows."""
    bulk.flush(s)  # rows held by this transaction's own edits (store/bulk.py) must be in what the SQL reads
    rows = s.connection().exec_driver_sql(
        "SELECT seq, record_id, op, fields FROM outbox WHERE state = 'pending' AND entity = ? "
        "AND record_id IN (SELECT value FROM json_each(?)) ORDER BY seq",
        (entity, json.dumps(ids)),
    )
    rows = rows.all()
    # Read before the pulled record is written: a reference create keeps the fields the record has now.
    fields = outbox.fields_of(s.connection(), ((entity, r.record_id, r.fields) for r in rows))
    out: dict[str, list[Any]] = {}
    for r, f in zip(rows, fields):
        out.setdefault(r.record_id, []).append(_OutboxRow(r.seq, r.record_id, r.op, f))
    return out


def prepare_rows(
    changes: list[dict[str, Any]], echoes: dict[tuple[str, str], int] | None = None
) -> dict[tuple[str, str], dict[str, Any]]:
    """The table rows of the upserts in `changes`, by (entity, id); the last one wins, as in apply_page.

    Needs no database: the feed's reader thread makes them while the previous
    group is being written, and apply_page takes them instead of mapping again.
    `echoes`: record → version this round's push left it at exactly; most are not written (no row made
    ahead: apply_page makes the row of one it does write).
    """
    now = utcnow()
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for change in changes:
        emap, rid, data = ENTITY_MAPS.get(change.get("entity")), change.get("id"), change.get("data")
        if emap is None or change.get("op") != "upsert" or not isinstance(rid, str) or not isinstance(data, dict):
            continue
        version = change.get("version") if isinstance(change.get("version"), int) else 0
        if echoes and echoes.get((emap.name, rid)) == version:
            rows.pop((emap.name, rid), None)
            continue
        rows[(emap.name, rid)] = emap.row(rid, version, data, now)
    return rows


def apply_page(
    s: Session, changes: list[dict[str, Any]], *, resync: bool = False, rows: dict[tuple[str, str], dict] | None = None,
    grouped: Grouped | None = None,
) -> PageResult:
    """Apply changes in the caller's transaction; `rows` and `grouped`: prepare_rows(changes) and
    last_per_record(changes), if made ahead (by the feed's reader thread)."""
    result = PageResult(now=utcnow())
    conn = s.connection()
    # Most pages meet no unsent edit and no held eviction: skip those look-ups when the tables say so.
    local_state = _LocalState(
        has_pending=conn.execute(select(OUTBOX.c.seq).where(OUTBOX.c.state == "pending").limit(1)).first() is not None,
        has_held=conn.execute(select(HELD.c.entity).limit(1)).first() is not None,
        has_unsure=conn.execute(select(UNSURE.c.entity).limit(1)).first() is not None,
    )
    for entity, per in (last_per_record(changes) if grouped is None else grouped).items():
        if resync:
            s.connection().execute(
                delete(RESYNC).where(RESYNC.c.entity == entity, RESYNC.c.record_id.in_([rid for _e, rid in per]))
            )
        emap = ENTITY_MAPS.get(entity)
        if emap is None and entity in server_tables.KEPT:
            kept = server_tables.keep_changes(s, entity, list(per.values()))  # the tables in force from now on
            result.upserts += kept
            result.skipped += len(per) - kept
            for change in per.values():
                result.touch(entity, change["id"])
            continue
        if emap is None:
            result.skipped += len(per)  # an entity this version does not know
            continue
        _apply_entity(s, emap, list(per.values()), result, resync, local_state, rows or {})
    _note_set_aside(s, result)
    return result


def _note_set_aside(s: Session, result: PageResult) -> None:
    """Keep the list of pulled records with a value this device could not read (`gridworker status` shows it).

    Such a value is kept in the record's `extra` and the pull goes on; the
    record leaves the list when the server sends it again readable, or drops it.
    """
    if not result.set_aside and state.get_meta(s, state.SET_ASIDE) is None:
        return
    before = state.get_json(s, state.SET_ASIDE, []) or []
    touched = {(e, rid) for e, ids in result.touched.items() for rid in ids}
    kept = [x for x in before if (x.get("entity"), x.get("id")) not in touched]
    kept += [{"entity": e, "id": rid, "fields": f} for (e, rid), f in result.set_aside.items()]
    if kept != before:
        if kept:
            state.set_json(s, state.SET_ASIDE, kept)
        else:
            state.delete_meta(s, state.SET_ASIDE)


@dataclass
class _Sorted:
    """One entity's changes of a page, sorted into what to write (one statement each, after the loop)."""

    inserts: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    tombstones: list[dict[str, Any]] = field(default_factory=list)
    evicted: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)  # ids upserted (touched in one go: the loop runs per record)
    unsure: set[str] = field(default_factory=set)  # ids whose row may not be the server's record at its version


def _apply_entity(
    s: Session, emap: EntityMap, changes: list[dict[str, Any]], result: PageResult, resync: bool, local_state: "_LocalState",
    prepared: dict[tuple[str, str], dict[str, Any]],
) -> None:
    conn = s.connection()
    ids = [c["id"] for c in changes]
    # One JSON parameter instead of a thousand bound ones: binding those costs more than the look-up.
    known = f"SELECT id, version FROM {emap.table.name} WHERE id IN (SELECT value FROM json_each(?))"
    local = dict(conn.exec_driver_sql(known, (json.dumps(ids),)).all())
    pending = pending_records(s, emap.name, ids) if local_state.has_pending else {}
    leaving = [c["id"] for c in changes if c.get("op") == "evict" and c["id"] in local]
    needed = keep.kept(s, leaving) if leaving else set()  # this computer's work still needs these (sync/keep.py)
    out = _Sorted(unsure=_unsure(conn, emap.name, ids, local_state) | set(pending))
    if local or resync:
        for change in changes:
            _sort_change(emap, change, local, needed, resync, prepared, result, out)
    else:
        _sort_new(emap, changes, prepared, result, out)
    result.upserts += len(out.written)
    if out.written:
        result.touched.setdefault(emap.name, set()).update(out.written)
    _write(conn, emap, out, result)
    if local_state.has_unsure:
        _settle(conn, emap.name, out)
    _hold_or_release(conn, emap, changes, needed, local_state)
    _rebase(s, emap, changes, pending, resync)


def _rebase(s: Session, emap: EntityMap, changes: list[dict[str, Any]], pending: dict, resync: bool) -> None:
    """This device's unsent edits of records the page changed, applied again over the server's record."""
    rebased = [c for c in changes if c["id"] in pending and c.get("op") in ("upsert", "delete")]
    for change in rebased:
        reapply_pending(s, emap, change["id"], pending[change["id"]])
    if resync and rebased and after_restore(s):
        _rebase_on_resync(s, emap.name, {c["id"]: c.get("version") or 0 for c in rebased})


def _sort_change(
    emap: EntityMap, change: dict[str, Any], local: dict[str, int], needed: set[str], resync: bool,
    prepared: dict[tuple[str, str], dict[str, Any]], result: PageResult, out: _Sorted,
) -> None:
    """Where one pulled change goes: kept, skipped, a tombstone, an eviction, an insert or an update."""
    rid, op = change["id"], change.get("op")
    version = change.get("version") if isinstance(change.get("version"), int) else 0
    if op == "evict":
        if rid in needed:
            result.kept += 1
        elif rid in local:
            out.evicted.append(rid)
        return
    if rid in local and not resync and _held_already(local[rid], version, op, rid not in out.unsure, result):
        return
    if op == "delete":
        if rid in local:
            out.tombstones.append({"b_id": rid, "b_version": version})
            result.deletes += 1
            result.touch(emap.name, rid)
        return
    if op != "upsert" or not isinstance(change.get("data"), dict):
        result.skipped += 1
        return
    _take_upsert(emap, rid, version, change["data"], prepared, result, out.updates if rid in local else out.inserts, out)


def _take_upsert(
    emap: EntityMap, rid: str, version: int, data: dict[str, Any], prepared: dict[tuple[str, str], dict[str, Any]],
    result: PageResult, into: list[dict[str, Any]], out: _Sorted,
) -> None:
    """An upsert to write: its row (made ahead by the reader, else now) into `into`; what it could not read set aside."""
    row = prepared.get((emap.name, rid))
    if row is None or row["version"] != version:
        row = emap.row(rid, version, data, result.now)
    into.append(row)
    out.written.append(rid)
    if bad := emap.set_aside(row):
        log.warning("pulled %s %s: unreadable %s kept aside", emap.name, rid, ", ".join(bad))
        result.set_aside[(emap.name, rid)] = bad
    if emap.name == "photo" and isinstance(row.get("sha256"), str):
        result.photos.append((rid, row["sha256"]))


def _held_already(local: int, version: int, op: Any, settled: bool, result: PageResult) -> bool:
    """Whether this device holds the change already: a newer version (told by our own push), or this very
    version as the server has it (the echo of our own push; `settled`: no unsent edit, not unsure)."""
    if local > version or (local == version and op == "upsert" and settled):
        result.skipped += 1
        return True
    return False


def _unsure(conn: Any, entity: str, ids: list[str], local_state: _LocalState) -> set[str]:
    """Those of `ids` on the unsure list (SyncUnsure): their change is written whatever its version."""
    if not local_state.has_unsure:
        return set()
    sql = "SELECT record_id FROM sync_unsure WHERE entity = ? AND record_id IN (SELECT value FROM json_each(?))"
    return {r[0] for r in conn.exec_driver_sql(sql, (entity, json.dumps(ids)))}


def _settle(conn: Any, entity: str, out: _Sorted) -> None:
    """Records just written as the server has them leave the unsure list: their next echo may be skipped."""
    done = out.written + [t["b_id"] for t in out.tombstones] + out.evicted
    if done:
        sql = "DELETE FROM sync_unsure WHERE entity = ? AND record_id IN (SELECT value FROM json_each(?))"
        conn.exec_driver_sql(sql, (entity, json.dumps(done)))


def _sort_new(
    emap: EntityMap, changes: list[dict[str, Any]], prepared: dict[tuple[str, str], dict[str, Any]], result: PageResult,
    out: _Sorted,
) -> None:
    """_sort_change for changes of records this device does not hold (a first pull's pages, in one loop):
    an eviction or a tombstone of one has nothing to drop, an upsert is an insert."""
    for change in changes:
        op = change.get("op")
        if op == "evict" or op == "delete":
            continue
        data = change.get("data")
        if op != "upsert" or not isinstance(data, dict):
            result.skipped += 1
            continue
        version = change.get("version")
        _take_upsert(emap, change["id"], version if isinstance(version, int) else 0, data, prepared, result, out.inserts, out)


def _write(conn: Any, emap: EntityMap, out: _Sorted, result: PageResult) -> None:
    table = emap.table
    emap.insert_rows(conn, out.inserts)
    emap.update_rows(conn, out.updates)
    if out.tombstones:
        conn.execute(
            update(table).where(table.c.id == bindparam("b_id")).values(deleted=True, version=bindparam("b_version")),
            out.tombstones,
        )
    if out.evicted:
        if emap.name == "photo":
            result.dropped_photos += conn.execute(select(table.c.sha256).where(table.c.id.in_(out.evicted))).scalars().all()
        conn.execute(delete(table).where(table.c.id.in_(out.evicted)))
        result.evicts += len(out.evicted)
        for rid in out.evicted:
            result.touch(emap.name, rid)


def _hold_or_release(
    conn: Any, emap: EntityMap, changes: list[dict[str, Any]], needed: set[str], local_state: "_LocalState"
) -> None:
    """Records evicted while this computer's work needs them are held; those the server sends again are no longer."""
    held = [c["id"] for c in changes if c.get("op") == "evict" and c["id"] in needed]
    back = [c["id"] for c in changes if c.get("op") != "evict"]
    if back and local_state.has_held:
        conn.execute(delete(HELD).where(HELD.c.entity == emap.name, HELD.c.record_id.in_(back)))
    if held:
        stmt = sqlite_insert(HELD).on_conflict_do_nothing(index_elements=["entity", "record_id"])
        conn.execute(stmt, [{"entity": emap.name, "record_id": rid} for rid in held])


def drop_held(s: Session) -> dict[str, set[str]]:
    """Records kept through an eviction for this computer's work: drop those nothing needs any more (keep.py).

    A record whose edit the server refused stays until the user has dismissed
    the refusal; one the server refused outright, and what it names, stays.
    """
    conn = s.connection()
    rows = conn.execute(select(HELD.c.entity, HELD.c.record_id)).all()
    if not rows:
        return {}
    needed = keep.needed(s)
    dropped: dict[str, set[str]] = {}
    for entity, rid in rows:
        if rid in needed:
            continue
        emap = ENTITY_MAPS.get(entity)
        if emap is not None:
            conn.execute(delete(emap.table).where(emap.table.c.id == rid))
        conn.execute(delete(HELD).where(HELD.c.entity == entity, HELD.c.record_id == rid))
        dropped.setdefault(entity, set()).add(rid)
    return dropped


def reapply_pending(s: Session, emap: EntityMap, record_id: str, rows: list[Any]) -> None:
    """Put unsent local edits back over the record just written from the server."""
    values: dict[str, Any] = {}
    for row in rows:
        if row.op == "delete":
            values["deleted"] = True
            continue
        for name, value in (row.fields or {}).items():
            if name in emap.columns:
                try:
                    values[name] = emap.convert(name, value)
                except ValueError:
                    log.warning("unsent value %s.%s=%r cannot be shown locally", emap.name, name, value)
    if "name" in values:
        emap.derive(values)
    if values:
        s.connection().execute(update(emap.table).where(emap.table.c.id == record_id).values(**values))


def _rebase_on_resync(s: Session, entity: str, versions: dict[str, int]) -> None:
    """After a restore the old base versions mean nothing to the server: unsent edits now build on what it has."""
    s.connection().execute(
        update(OUTBOX)
        .where(OUTBOX.c.state == "pending", OUTBOX.c.entity == entity, OUTBOX.c.record_id == bindparam("b_id"))
        .values(base_version=bindparam("b_version")),
        [{"b_id": rid, "b_version": v} for rid, v in versions.items()],
    )


def queue_thumbnails(s: Session, photos: list[tuple[str, str]], has_local: Any) -> int:
    """Ask for the thumbnail of each pulled photo this device has no copy of (fetched eagerly by the blob step)."""
    wanted = {sha for _rid, sha in photos if not has_local(sha)}
    if not wanted:
        return 0
    stmt = sqlite_insert(BLOBS).on_conflict_do_nothing(index_elements=["sha256", "kind"])
    s.connection().execute(stmt, [{"sha256": sha, "kind": "thumb", "state": "waiting", "attempts": 0} for sha in wanted])
    return len(wanted)


def set_indexes_aside(s: Session) -> int:
    """The synced tables' secondary indexes, dropped for a first pull and made once at its end (store/deferred_indexes.py).

    A pull cut short leaves them listed in Meta: the next opening of the store makes them again.
    """
    return deferred_indexes.set_aside(s, sorted(emap.table.name for emap in ENTITY_MAPS.values()))


def restore_indexes(s: Session) -> int:
    return deferred_indexes.restore(s)


def searched(touched: dict[str, set[str]]) -> dict[str, set[str]]:
    return {e: set(touched.get(e, ())) for e in SEARCHED}
