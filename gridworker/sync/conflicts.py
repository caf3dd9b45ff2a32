"""The user's review list: collisions (both values kept) and edits the server refused.

Resolving a conflict is an ordinary local edit: choosing "mine" when the
server kept "theirs" (or the other way round) writes the chosen value and
queues it, with a fresh clock, so it wins at the next sync. Choosing the
value the server already kept only closes the entry. An edit that met a
delete (field "deleted") can only be closed: the server keeps deletes.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import func
from sqlmodel import Session, select

from ..domain.errors import GridWorkerError, NotFound, Refused
from ..domain.models import Outbox
from ..services.base import Tx, operation
from ..services.changes import apply_fields, record_upsert
from ..store.database import Store
from .mapping import ENTITY_MAPS, SEARCHED
from .tables import SyncConflict


def open_conflicts(s: Session) -> list[SyncConflict]:
    q = select(SyncConflict).where(SyncConflict.resolution == None).order_by(SyncConflict.detected_at)  # noqa: E711
    return list(s.exec(q))


def rejected_edits(s: Session) -> list[Outbox]:
    q = (
        select(Outbox)
        .where(Outbox.state == "rejected", func.json_extract(Outbox.result, "$.dismissed_at") == None)  # noqa: E711
        .order_by(Outbox.seq)
    )
    return list(s.exec(q))


@operation
def resolve(tx: Tx, conflict_id: str, keep: str) -> SyncConflict:
    """Keep "mine" or "theirs" for one conflict; queues an edit when the record must change."""
    if keep not in ("mine", "theirs"):
        raise ValueError(keep)
    c = tx.s.get(SyncConflict, conflict_id)
    if c is None:
        raise NotFound(f"没有编号为 {conflict_id} 的冲突", f"No conflict with id {conflict_id}", code="no_conflict")
    if c.resolution is not None:
        raise GridWorkerError("该冲突已处理", "This conflict was already resolved", code="already_resolved")
    emap = ENTITY_MAPS.get(c.entity)
    record = tx.s.get(emap.model, c.record_id) if emap else None
    if record is None:
        raise NotFound(
            "该记录已不在本机（可能已移出您的网格）", "The record is no longer on this computer (it may have left your areas)"
        )
    value = c.mine if keep == "mine" else c.theirs
    if c.field == "deleted":
        _check_deleted(bool(value))
    elif c.field in emap.columns:
        # Conflicts arise on editable entities only, whose attributes are named as their wire fields.
        changed = apply_fields(record, {c.field: emap.convert(c.field, value)})
        if c.entity == "person" and "name" in changed:
            values = {"name": record.name}
            emap.derive(values)
            record.pinyin, record.initials = values["pinyin"], values["initials"]
        record_upsert(tx.s, record, changed, tx.changes)
        if c.entity in SEARCHED and changed:
            tx.touch(c.entity, record.id)
    c.resolution = keep
    c.resolved_at = datetime.now(timezone.utc)
    tx.s.add(c)
    return c


def _check_deleted(deleted: bool) -> None:
    """The server always keeps a delete (an edit meeting it is recorded, the record stays deleted):
    only that outcome can be chosen; bringing the record back is not something a push can do."""
    if not deleted:
        raise Refused(
            "该记录已在服务器上删除，无法从本机恢复；如仍需要，请重新登记",
            "The record was deleted on the server and cannot be brought back from here; register it again if it is still needed",
            code="deleted_on_server",
        )


def dismiss_rejected(store: Store, mutation_id: str) -> None:
    """The user has read why the server refused an edit: it leaves the list (the row and its reason stay)."""
    with store.write() as s:
        row = s.exec(select(Outbox).where(Outbox.mutation_id == mutation_id, Outbox.state == "rejected")).first()
        if row is None:
            raise NotFound(f"没有被拒绝的修改 {mutation_id}", f"No refused edit {mutation_id}", code="no_rejected")
        row.result = dict(row.result or {}) | {"dismissed_at": datetime.now(timezone.utc).isoformat()}
        s.add(row)


def reason(row: Outbox, lang: str = "zh") -> str:
    err = (row.result or {}).get("error") or {}
    return str(err.get("message_zh" if lang == "zh" else "message") or err.get("message") or err.get("code") or "")
