"""Re-reading everything after 410 `resync_required`, and purging areas no longer assigned.

A server restored from an older backup has forgotten whatever came after
the backup. The client re-reads the whole feed from the start and then
looks at what the server did not send back:

- a record with unsent edits stays (the outbox is never touched);
- a record this device had sent (it has outbox rows) is queued again as a
  full upsert, so what the restore lost comes back from here;
- anything else was the server's, and the server no longer has it: dropped.

The same checklist serves a one-time re-read that a schema upgrade asks for
(store migration 0004 marks it `REREAD`: the server was not restored, the
client just needs records it used to skip, the users). Then nothing is queued
again and unsent edits keep their base versions: what the server did not send
back left this user's scope, and a collision must still be seen as one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import delete, insert, literal, select, update
from sqlmodel import Session

from ..domain.models import Outbox, new_id, to_wire
from ..services.changes import next_hlc
from ..store.areas import areas_below
from . import state
from .mapping import ENTITY_MAPS, EntityMap, chunked
from .tables import SyncResync

OUTBOX = Outbox.__table__  # type: ignore[attr-defined]
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
        drop = []
        for rid in left:
            states = history.get(rid, set())
            if "pending" in states:
                out.kept += 1
            elif restored and states and name not in SERVER_MANAGED and _requeue(s, emap, rid):
                out.requeued += 1
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
            base_version=None, hlc=next_hlc(s), created_at=datetime.now(timezone.utc), state="pending", result=None,
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


# -- areas taken away ---------------------------------------------------------
def purge_unassigned(s: Session, old_ids: list[str], new_ids: list[str]) -> dict[str, set[str]]:
    """Drop records of areas that were assigned and are no more, unless they have unsent edits.

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
        keep = set(
            conn.execute(
                select(OUTBOX.c.record_id).where(OUTBOX.c.state == "pending", OUTBOX.c.entity == name)
            ).scalars()
        )
        drop = [rid for rid in ids if rid not in keep]
        for part in chunked(drop):
            conn.execute(delete(table).where(table.c.id.in_(part)))
        if drop:
            touched[name] = set(drop)
    return touched
