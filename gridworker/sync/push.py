"""Push: the outbox to the server in batches, and the server's answer back into the outbox and the records.

Before sending, unsent edits of one record that were never put on the wire
are squashed into one mutation (an import that creates a household and then
sets its head sends one upsert, not two). A row that was put on the wire
once is never changed again: the server may have applied it, and a replay
of its mutation_id must mean the same thing.

A batch holds at most one mutation per record: the next mutation of the
same record waits for the answer to the first, so that its base_version is
the version the first one produced and the server does not see our own
earlier edit as somebody else's (no conflicts with ourselves).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlmodel import Session

from ..domain import wire
from ..domain.models import Outbox
from ..store import outbox
from ..store.sync_tables import SyncConflict
from .errors import SyncError
from .mapping import ENTITY_MAPS
from .transport import encode_json

log = logging.getLogger(__name__)

MAX_MUTATIONS = 500
# PROTOCOL.md allows 2 MiB per push; keep room for the envelope.
MAX_BYTES = 2 * 1024 * 1024 - 16 * 1024
ATTEMPTED = {"attempted": True}  # Outbox.result of a pending row that has been put on the wire

OUTBOX = Outbox.__table__  # type: ignore[attr-defined]


@dataclass
class Pending:
    """An outbox row on its way out (a plain copy: the push loop runs outside any session)."""

    seq: int
    mutation_id: str
    entity: str
    record_id: str
    op: str
    fields: dict[str, Any]
    base_version: int | None
    hlc: str
    attempted: bool
    ref: bool = False  # stored as a reference create (store/outbox.py): `fields` were read from the record

    def mutation(self) -> dict[str, Any]:
        return {
            "mutation_id": self.mutation_id,
            "entity": self.entity,
            "id": self.record_id,
            "op": self.op,
            "base_version": self.base_version,
            "fields": on_the_wire(self.entity, self.fields),
            "hlc": self.hlc,
        }

    @property
    def key(self) -> tuple[str, str]:
        return self.entity, self.record_id


def on_the_wire(entity: str, fields: dict[str, Any]) -> dict[str, Any]:
    """The fields the wire schema (domain.wire) lets a client write; local columns stay home.

    An incident event's actor_role, for one, is the client's own copy for
    replaying the log offline: the server sets it from the signed-in user.
    An entity the schema does not know goes as it is, for the server to answer.
    """
    spec = wire.ENTITIES.get(entity)
    if spec is None:
        return fields
    writable = spec.writable()
    return {k: v for k, v in fields.items() if k in writable}


@dataclass
class PushCounts:
    sent: int = 0
    merged: int = 0
    conflicts: int = 0
    rejected: int = 0
    conflict_ids: list[str] = field(default_factory=list)
    exact: dict[tuple[str, str], int] = field(default_factory=dict)  # record → version it holds as the server does


# -- reading and squashing the outbox ----------------------------------------
def load_pending(s: Session) -> list[Pending]:
    """The pending rows in order, a reference create's fields read from its record (store/outbox.fields_of)."""
    conn = s.connection()
    # Raw SQL, the fields as text (fields_of decodes them) and `attempted` read by SQLite: SQLAlchemy's JSON
    # type decoded both columns of every row, 60% of this function for a 10,000-edit outbox.
    rows = conn.exec_driver_sql(
        "SELECT seq, mutation_id, entity, record_id, op, fields, base_version, hlc, "
        "coalesce(json_extract(result, '$.attempted'), 0) FROM outbox WHERE state = 'pending' ORDER BY seq"
    ).all()
    fields = outbox.fields_of(conn, ((r[2], r[3], r[5]) for r in rows))
    derived = outbox.mutation_id_of  # a reference never sent stores no id (store/outbox.py)
    return [
        Pending(seq, mid or derived(entity, rid, hlc), entity, rid, op, f, base, hlc, bool(attempted), outbox.is_reference(stored))
        for (seq, mid, entity, rid, op, stored, base, hlc, attempted), f in zip(rows, fields)
    ]


def squashable(rows: list[Pending]) -> bool:
    """Whether two never-sent upserts of one record wait (then `squash` has work to do)."""
    seen: set[tuple[str, str]] = set()
    for row in rows:
        if row.attempted or row.op != "upsert":
            continue
        if row.key in seen:
            return True
        seen.add(row.key)
    return False


def squash(s: Session) -> list[Pending]:
    """Merge never-sent upserts of the same record into the first of them; return what is left pending."""
    rows = load_pending(s)
    target: dict[tuple[str, str], Pending] = {}
    merged: list[int] = []
    changed: dict[int, Pending] = {}
    for row in rows:
        if row.attempted or row.op != "upsert":
            target.pop(row.key, None)  # nothing merges across a sent row or a delete
            continue
        first = target.get(row.key)
        if first is None:
            target[row.key] = row
            continue
        first.fields.update(row.fields)
        first.hlc = max(first.hlc, row.hlc)
        first.ref = False  # stored below with what was merged into it
        changed[first.seq] = first
        merged.append(row.seq)
    if merged:
        conn = s.connection()
        conn.execute(
            update(OUTBOX).where(OUTBOX.c.seq == bindparam("b_seq")).values(
                fields=bindparam("b_fields"), hlc=bindparam("b_hlc"), mutation_id=bindparam("b_mid")
            ),  # the id it had (a reference's was derived from the stamp it no longer has)
            [{"b_seq": p.seq, "b_fields": p.fields, "b_hlc": p.hlc, "b_mid": p.mutation_id} for p in changed.values()],
        )
        conn.execute(delete(OUTBOX).where(OUTBOX.c.seq.in_(merged)))
        gone = set(merged)
        rows = [r for r in rows if r.seq not in gone]
    return rows


def next_batch(
    rows: list[Pending], done: set[int], limit: int = MAX_MUTATIONS, busy: set[tuple[str, str]] = frozenset()
) -> tuple[list[Pending], bytes]:
    """The next request: rows in outbox order, one per record, within the count and size limits.

    `busy`: records with a mutation on the wire whose answer is not saved yet; their next one waits.
    """
    batch: list[Pending] = []
    parts: list[bytes] = []
    size = 0
    records: set[tuple[str, str]] = set(busy)
    for row in rows:
        if row.seq in done:
            continue
        if row.key in records:
            continue  # waits for the answer to this record's earlier mutation
        records.add(row.key)
        encoded = encode_json(row.mutation())
        if batch and (len(batch) >= limit or size + len(encoded) + 1 > MAX_BYTES):
            break
        batch.append(row)
        parts.append(encoded)
        size += len(encoded) + 1
    return batch, b"[" + b",".join(parts) + b"]"


class OutboxChanged(SyncError):
    """Another sync of this account squashed rows this one had loaded: its copy is stale."""

    transient = True  # the next round loads the outbox afresh

    def __init__(self):
        super().__init__(
            "本机待上传的修改刚被另一处同步整理过，稍后重试",
            "Unsent edits were just regrouped by another sync of this account; trying again later",
            code="outbox_changed",
        )


def mark_attempted(s: Session, batch: list[Pending]) -> None:
    """Mark rows as on their way, once their stored content is what this copy will send.

    A never-sent row can still be squashed (by another sync of the same account,
    e.g. the CLI beside the app); sending a stale copy and marking the row
    would lose what was squashed into it. Once marked, a row is never squashed.
    """
    fresh = [p for p in batch if not p.attempted]
    if fresh:
        conn = s.connection()
        stored = dict(conn.execute(select(OUTBOX.c.seq, OUTBOX.c.fields).where(OUTBOX.c.seq.in_([p.seq for p in fresh]))).all())
        if any(p.seq not in stored or not _same(stored[p.seq], p) for p in fresh):
            raise OutboxChanged()
        conn.execute(update(OUTBOX).where(OUTBOX.c.seq.in_([p.seq for p in fresh])).values(result=ATTEMPTED))
        _store_references(conn, [p for p in fresh if p.ref])
        for p in batch:
            p.attempted = True


def _same(stored: Any, p: Pending) -> bool:
    """Whether a row still holds what `p` was loaded from (a reference is still one)."""
    return outbox.is_reference(stored) if p.ref else stored == p.fields


def _store_references(conn, rows: list[Pending]) -> None:
    """A reference create put on the wire (or refused) keeps what it stood for, and its id: a replay must mean
    what was sent."""
    if rows:
        conn.execute(
            update(OUTBOX).where(OUTBOX.c.seq == bindparam("b_seq")).values(
                fields=bindparam("b_fields"), mutation_id=bindparam("b_mid")
            ),
            [{"b_seq": p.seq, "b_fields": p.fields, "b_mid": p.mutation_id} for p in rows],
        )
        for p in rows:
            p.ref = False


def reject_locally(s: Session, row: Pending, code: str, zh: str, en: str) -> None:
    """Refuse a mutation the server can never take (e.g. larger than a whole push): final, like a server rejection."""
    result = {"mutation_id": row.mutation_id, "status": "rejected", "error": {"code": code, "message": en, "message_zh": zh}}
    s.connection().execute(update(OUTBOX).where(OUTBOX.c.seq == row.seq).values(state="rejected", result=result))
    s.connection().exec_driver_sql("INSERT OR IGNORE INTO sync_unsure (entity, record_id) VALUES (?, ?)", row.key)
    _store_references(s.connection(), [row] if row.ref else [])


# -- applying the answer ------------------------------------------------------
class RecordIndex(dict):
    """Pending rows by record; `loaded_up_to`: the last seq loaded (rows after it were saved during the push)."""

    loaded_up_to = 0


def by_record(rows: list[Pending]) -> dict[tuple[str, str], list[Pending]]:
    index = RecordIndex()
    for row in rows:
        index.setdefault(row.key, []).append(row)
    index.loaded_up_to = max((row.seq for row in rows), default=0)
    return index


def apply_results(
    s: Session, batch: list[Pending], results: list[dict[str, Any]], index: dict[tuple[str, str], list[Pending]]
) -> PushCounts:
    """Record the server's answer to one batch, in the caller's transaction.

    `index`: every pending row by record (see by_record); later rows get their base_version moved in place.
    """
    by_id = {r.get("mutation_id"): r for r in results if isinstance(r, dict)}
    counts = PushCounts()
    state_rows: list[dict[str, Any]] = []
    versions: dict[str, list[dict[str, Any]]] = {}
    acks: list[dict[str, Any]] = []
    unsure: list[tuple[str, str]] = []
    for row in batch:
        result = by_id.get(row.mutation_id)
        if result is None:
            continue  # not answered: stays pending and is sent again
        status = result.get("status")
        if _exact(row, result):
            counts.exact[row.key] = result["version"]
        else:
            unsure.append(row.key)
        if status == "rejected":
            counts.rejected += 1
            state_rows.append({"b_seq": row.seq, "b_state": "rejected", "b_result": result})
            continue
        if status not in ("applied", "merged", "conflict"):
            log.warning("unknown push status %r for %s: left pending", status, row.mutation_id)
            continue
        counts.sent += 1
        counts.merged += status == "merged"
        state_rows.append({"b_seq": row.seq, "b_state": "sent", "b_result": result})
        version = result.get("version")
        if isinstance(version, int):
            acks.append({"b_entity": row.entity, "b_id": row.record_id, "b_seq": row.seq, "b_version": version})
            if row.entity in ENTITY_MAPS:
                versions.setdefault(row.entity, []).append({"b_id": row.record_id, "b_version": version})
        if status == "conflict":
            ids = record_conflicts(s, row, result)
            counts.conflicts += len(ids)
            counts.conflict_ids += ids
    conn = s.connection()
    # Plain executemany: SQLAlchemy's per-row parameter handling costs more than these updates (500 a batch).
    if state_rows:
        conn.exec_driver_sql(
            "UPDATE outbox SET state = ?, result = ? WHERE seq = ?",
            [(r["b_state"], json.dumps(r["b_result"]), r["b_seq"]) for r in state_rows],
        )
    if acks:
        _rebase_later(conn, acks, index)
    if unsure:
        conn.exec_driver_sql("INSERT OR IGNORE INTO sync_unsure (entity, record_id) VALUES (?, ?)", unsure)
    for entity, params in versions.items():
        table = ENTITY_MAPS[entity].table.name
        conn.exec_driver_sql(
            f'UPDATE "{table}" SET version = ? WHERE id = ? AND version < ?',
            [(p["b_version"], p["b_id"], p["b_version"]) for p in params],
        )
    return counts


def _exact(row: Pending, result: dict[str, Any]) -> bool:
    """Whether the server now holds this record exactly as this device's row is (unless the row is on the
    unsure list already): an edit of a record it had, `applied` and stored as sent (the answer's `exact`,
    docs/sync-protocol.md §4.2), every field of it on the wire. Anything else lists the record as unsure."""
    return (
        result.get("exact") is True and result.get("status") == "applied" and isinstance(result.get("version"), int)
        and row.op == "upsert" and bool(row.base_version) and len(on_the_wire(row.entity, row.fields)) == len(row.fields)
    )


def _rebase_later(conn, acks: list[dict[str, Any]], index: dict[tuple[str, str], list[Pending]]) -> None:
    """Later unsent edits of an acknowledged record were made on top of it: their base is now its new version.

    The rows this push loaded are found in memory (`index`); rows saved after
    it started (an edit made while the push was on the wire) are read by seq,
    which is a short range. Only the rows that change are written, by primary key.
    """
    if isinstance(index, RecordIndex):
        loaded_up_to = index.loaded_up_to  # computed once: this runs for every batch
    else:
        loaded_up_to = max((p.seq for rows in index.values() for p in rows), default=0)
    newer = conn.execute(
        select(OUTBOX.c.seq, OUTBOX.c.entity, OUTBOX.c.record_id, OUTBOX.c.base_version)
        .where(OUTBOX.c.seq > loaded_up_to, OUTBOX.c.state == "pending")
    ).all()
    later: dict[tuple[str, str], list[Any]] = {}
    for r in newer:
        later.setdefault((r.entity, r.record_id), []).append(r)
    moves: dict[int, int] = {}
    for ack in acks:
        key, seq, version = (ack["b_entity"], ack["b_id"]), ack["b_seq"], ack["b_version"]
        for p in index.get(key, []):
            if p.seq > seq and (p.base_version or 0) < version:
                p.base_version = version
                moves[p.seq] = version
        for r in later.get(key, []):
            if (r.base_version or 0) < version:
                moves[r.seq] = max(version, moves.get(r.seq, 0))
    if moves:
        conn.execute(
            update(OUTBOX).where(OUTBOX.c.seq == bindparam("b_seq")).values(base_version=bindparam("b_version")),
            [{"b_seq": seq, "b_version": v} for seq, v in moves.items()],
        )


# -- conflicts ------------------------------------------------------------------
_MINE_KEYS = ("mine", "yours", "client", "pushed", "lost")
_THEIRS_KEYS = ("theirs", "server", "kept", "current")


def conflict_fields(result: dict[str, Any], sent: dict[str, Any]) -> list[tuple[str, Any, Any, str]]:
    """(field, mine, theirs, winner) of each colliding field in a `conflict` result's error.details."""
    details = (result.get("error") or {}).get("details") or {}
    # PROTOCOL.md leaves the shape open: a field → {mine, theirs, winner} map (this project's server),
    # or the same under "conflicts" / "fields", as a map or a list of {field, ...}.
    items = details.get("conflicts") or details.get("fields") or details
    if isinstance(items, dict):
        items = [{"field": name, **v} for name, v in items.items() if isinstance(v, dict)]
    out = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict) or not item.get("field"):
            continue
        name = str(item["field"])
        mine = next((item[k] for k in _MINE_KEYS if k in item), sent.get(name))
        theirs = next((item[k] for k in _THEIRS_KEYS if k in item), None)
        winner = str(item.get("winner", "")).lower()
        winner = "mine" if winner in ("client", "mine", "yours") else "theirs"
        out.append((name, mine, theirs, winner))
    return out


def record_conflicts(s: Session, row: Pending, result: dict[str, Any]) -> list[str]:
    """Keep each collision for the user; where the server kept the other value, show that value now."""
    ids = []
    for name, mine, theirs, winner in conflict_fields(result, row.fields):
        c = SyncConflict(
            mutation_id=row.mutation_id, entity=row.entity, record_id=row.record_id,
            field=name, mine=mine, theirs=theirs, winner=winner,
        )  # fmt: skip
        if winner == "mine" and _reapplied(s, row, name, mine):
            # The user chose this value over the other one ("re-apply mine"): the collision is the
            # server telling the other side (it keeps it for them), not news for this user.
            continue
        s.add(c)
        ids.append(c.id)
        if winner == "theirs":
            _show_server_value(s, row, name, theirs)
    return ids


def _reapplied(s: Session, row: Pending, name: str, value: Any) -> bool:
    q = select(SyncConflict).where(
        SyncConflict.entity == row.entity, SyncConflict.record_id == row.record_id, SyncConflict.field == name,
        SyncConflict.resolution == "mine", SyncConflict.winner == "theirs",
    )  # fmt: skip
    return any(c.mine == value for c in s.execute(q).scalars())


def _show_server_value(s: Session, row: Pending, name: str, value: Any) -> None:
    emap = ENTITY_MAPS.get(row.entity)
    if emap is None or name not in emap.columns:
        return
    later_edit = s.connection().execute(
        select(OUTBOX.c.seq).where(
            OUTBOX.c.entity == row.entity, OUTBOX.c.record_id == row.record_id,
            OUTBOX.c.state == "pending", OUTBOX.c.seq > row.seq,
        )  # fmt: skip
    ).first()
    if later_edit is not None:
        return  # a newer local edit stands over it; the server decides when that one arrives
    try:
        converted = emap.convert(name, value)
    except ValueError:
        return
    values = {name: converted}
    if row.entity == "person" and name == "name":
        emap.derive(values)
    s.connection().execute(update(emap.table).where(emap.table.c.id == row.record_id).values(**values))
