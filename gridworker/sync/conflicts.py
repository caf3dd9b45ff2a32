"""The user's review list: collisions (both values kept) and edits the server refused.

Resolving a conflict is a local edit: choosing "mine" when the server kept
"theirs" writes the chosen value and queues it, with a fresh clock and as
an edit of the record before the other value (base version 0), so it wins
at the next sync and the server tells the author of the value it replaces. Choosing the
value the server already kept only closes the entry. An edit that met a
delete (field "deleted") can only be closed: the server keeps deletes.

A collision is reported to the device whose push met the other edit. When
that push won, the device whose value it overwrote learns it at its next
sync instead (`receive_lost`, GET /conflicts/mine), and the loss is listed
here like any other: mine is the value that lost, theirs the one kept.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from ..domain.errors import GridWorkerError, NotFound, Refused
from ..domain.models import Outbox, to_wire
from ..services.base import Tx, operation
from ..services.changes import apply_fields, record_upsert
from ..store.database import Store
from ..store.sync_tables import SyncConflict
from . import state
from .errors import ServerRefused
from .mapping import ENTITY_MAPS, SEARCHED
from .transport import Transport

log = logging.getLogger(__name__)

LOST_PAGE = 200


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
        row = record_upsert(tx.s, record, changed, tx.changes)
        if row is not None and keep == "mine":
            # Sent as an edit made before the other value arrived: the server sees the collision
            # again, lets this fresh edit win, and records the other value's author as the loser,
            # who is told at their next sync (GET /conflicts/mine) instead of being overwritten
            # in silence. (Sent on the current version, it would be a plain edit.)
            row.base_version = 0
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
            raise NotFound("没有这项被拒绝的修改：它可能已被处理", "No such refused change: it may have been dealt with already",
                           code="no_rejected", details={"mutation_id": mutation_id})  # fmt: skip
        row.result = dict(row.result or {}) | {"dismissed_at": datetime.now(timezone.utc).isoformat()}
        s.add(row)


# What a refusal means when the server's answer carries no message in the user's language.
REFUSAL_REASONS: dict[str, tuple[str, str]] = {
    "out_of_scope": ("该记录不在您负责的范围内", "The record is outside your areas"),
    "unknown_area": ("服务器上没有这个网格", "The server does not know this area"),
    "area_required": ("缺少所属网格", "The area is missing"),
    "role_not_allowed": ("您的角色不能做这项修改", "Your role may not make this change"),
    "actor_mismatch": ("这项修改记在了别人名下", "The change is recorded under someone else's name"),
    "read_only_field": ("这一项由服务器计算，不能在本机修改", "The server works this out; it cannot be changed here"),
    "create_only": ("这类记录建立后不能修改", "Records of this kind cannot be changed once made"),
    "server_managed": ("这类记录由服务器管理，不能在本机修改", "The server manages these records; they cannot be changed here"),
    "invalid_value": ("有一项内容不符合要求", "A value is not valid"),
    "unknown_incident": ("服务器上没有这个事件", "The server does not know this incident"),
    "unknown_blob": ("照片还没有上传到服务器", "The photo has not reached the server yet"),
}
REFUSED = ("服务器拒绝了这项修改", "The server refused this change")


def reason(row: Outbox, lang: str = "zh") -> str:
    """Why the server refused an edit, in the user's language; never a bare code."""
    zh = lang.startswith("zh")
    err = (row.result or {}).get("error") or {}
    own = err.get("message_zh" if zh else "message_en")
    if own:
        return str(own)
    known = REFUSAL_REASONS.get(str(err.get("code") or ""))
    if known:
        return known[0] if zh else known[1]
    # Servers before message_zh/message_en sent "message" alone, in the language of the request.
    message = str(err.get("message") or "")
    if message and zh == any("\u4e00" <= ch <= "\u9fff" for ch in message):
        return message
    return REFUSED[0] if zh else REFUSED[1]


# -- losses reported by the server (GET /conflicts/mine) ---------------------------------
def receive_lost(store: Store, transport: Transport, latest: int | None = None) -> int:
    """List the values of this device that later edits pushed elsewhere overwrote; returns how many are new.

    Each page is saved with the position after it in one transaction, and an entry
    already listed is never listed twice: a round cut anywhere just asks again.
    `latest` is the newest such entry as GET /me said (None: a server that does not
    say): when the list has been read that far, nothing is asked.
    """
    added = 0
    while True:
        with store.read() as s:
            after = _lost_after(s)
        if latest is not None and latest <= after:
            return added
        try:
            body = transport.json("GET", "/conflicts/mine", params={"after": after, "limit": LOST_PAGE})
        except ServerRefused as exc:
            if exc.status in (404, 405):
                return added  # a server without this extension: the pusher's answer is all there is
            raise
        items = body.get("conflicts") if isinstance(body.get("conflicts"), list) else []
        ids = [i["id"] for i in items if isinstance(i, dict) and type(i.get("id")) is int]
        nxt = body.get("next")
        position = max([after, *ids, nxt if type(nxt) is int else after])
        if position <= after:
            return added  # nothing new (a quiet sync writes nothing)
        with store.write() as s:
            added += _save_lost(s, items, position)
        if len(items) < LOST_PAGE:
            return added


def _lost_after(s: Session) -> int:
    """Where the last read of the list ended; 0 after the server changed epoch (restored: ids start over)."""
    saved = state.get_json(s, state.LOST_CURSOR) or {}
    if saved.get("epoch") != state.get_meta(s, state.EPOCH):
        return 0
    return int(saved.get("after") or 0)


def _save_lost(s: Session, items: list[Any], position: int) -> int:
    added = 0
    for item in items:
        row = _lost_row(item)
        if row is None:
            log.warning("ignoring a malformed lost conflict from the server: %r", item)
            continue
        same = select(SyncConflict.id).where(
            SyncConflict.entity == row.entity,
            SyncConflict.record_id == row.record_id,
            SyncConflict.field == row.field,
            SyncConflict.mutation_id == row.mutation_id,
        )
        if s.exec(same).first() is not None:
            continue
        if _superseded(s, row):
            log.info("lost conflict %s.%s of %s is superseded by a newer value: not listed", row.entity, row.field, row.record_id)
            continue
        s.add(row)
        added += 1
    # Another process of this account may have read further meanwhile: never move back.
    state.set_json(s, state.LOST_CURSOR, {"epoch": state.get_meta(s, state.EPOCH), "after": max(position, _lost_after(s))})
    return added


SETTLED = "settled"  # SyncConflict.resolution when the record came to hold this device's value by itself


def settle_given_back(store: Store) -> int:
    """Close the open losses whose record now holds this device's value: the other side gave it back (kept
    "theirs" on their own list), so "the server kept theirs" is no longer true and nothing is left to choose.
    Returns how many; writes nothing when no open loss waits (the usual round)."""
    with store.read() as s:
        lost = [c for c in open_conflicts(s) if c.winner == "theirs" and c.entity in ENTITY_MAPS]
        given_back = [c.id for c in lost if _holds(s, c, c.mine)]
    if not given_back:
        return 0
    with store.write() as s:
        for c in s.exec(select(SyncConflict).where(SyncConflict.id.in_(given_back), SyncConflict.resolution == None)):  # noqa: E711
            c.resolution, c.resolved_at = SETTLED, datetime.now(timezone.utc)
            s.add(c)
    log.info("%d lost value(s) given back by the other side: no longer listed", len(given_back))
    return len(given_back)


def _holds(s: Session, row: SyncConflict, value: Any) -> bool | None:
    """Whether the record's field holds `value` here (None: a field this client does not know, or no record)."""
    table = ENTITY_MAPS[row.entity].table
    column = table.c.get(row.field)
    if column is None:
        return None
    found = s.connection().execute(select(column).where(table.c.id == row.record_id)).first()
    return None if found is None else to_wire(found[0]) == value


def _superseded(s: Session, row: SyncConflict) -> bool:
    """The field no longer holds the winning value here: a newer edit (ours, or pulled) came after the loss.
    Listing it would offer to "keep theirs" — a value nobody holds any more — over the newer one."""
    return _holds(s, row, row.theirs) is False  # unknown field or no record: it cannot tell, so the user is told


def _lost_row(item: Any) -> SyncConflict | None:
    if not isinstance(item, dict):
        return None
    keys = ("entity", "record_id", "field", "mutation_id")
    if not all(isinstance(item.get(k), str) and item[k] for k in keys) or item["entity"] not in ENTITY_MAPS:
        return None
    return SyncConflict(
        mutation_id=item["mutation_id"], entity=item["entity"], record_id=item["record_id"], field=item["field"],
        mine=item.get("mine"), theirs=item.get("theirs"), winner="theirs",
    )  # fmt: skip
