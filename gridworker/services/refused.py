"""Refused work: records the server would not take. One definition, used by every count and every row.

A record is refused when the server rejected a write of it made before it
ever had it (an outbox row in state "rejected" with no base version): it
exists on this computer only, and never will on the server (a rejection is
final). Such a visit does not count as a visit made (walk-round progress,
the due list, the dashboard), such an incident not as an incident reported;
the screens show the record as refused, with the server's reason, where the
user made it. An edit the server refused of a record it does have is not
refused work: the record counts, and the sync page lists the edit.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import and_
from sqlmodel import Session, select

from ..domain.errors import NotFound, Refused
from ..domain.models import Outbox, utcnow
from ..store import outbox
from .base import Tx, operation

log = logging.getLogger(__name__)


def refused_ids(entity: str):
    """SELECT of the ids of `entity`'s refused records (for `Model.id.not_in(...)` in a count)."""
    return select(Outbox.record_id).where(
        Outbox.entity == entity, Outbox.state == "rejected", Outbox.base_version == None  # noqa: E711
    )


def accepted(model):
    """A WHERE clause: the record of `model` is not refused work."""
    return model.id.not_in(refused_ids(model.entity))


@dataclass(frozen=True)
class Refusal:
    """Why the server refused a record, in both languages (its own words)."""

    code: str
    zh: str
    en: str

    def message(self, lang: str = "zh") -> str:
        return self.zh if lang.startswith("zh") else self.en


def refusal_of(row: Outbox) -> Refusal:
    error = (row.result or {}).get("error") or {}
    said = error.get("message") or error.get("code") or ""  # older servers: one message, in the request's language
    en = str(error.get("message_en") or said or "Refused by the server")
    return Refusal(str(error.get("code") or ""), str(error.get("message_zh") or said or "服务器拒绝了该记录"), en)


def refusals(s: Session, entity: str, ids: Iterable[str]) -> dict[str, Refusal]:
    """Record id → why the server refused it, for those of `ids` that are refused work."""
    ids = list(ids)
    if not ids:
        return {}
    q = (
        select(Outbox)
        .where(and_(Outbox.entity == entity, Outbox.record_id.in_(ids), Outbox.state == "rejected",
                    Outbox.base_version == None))  # noqa: E711  # fmt: skip
        .order_by(Outbox.seq)
    )
    out: dict[str, Refusal] = {}
    for row in s.exec(q):
        out.setdefault(row.record_id, refusal_of(row))
    return out


# -- discarding refused work ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Discarded:
    """What a discard dropped: the record (entity, id) and the fields of the refused change."""

    entity: str
    record_id: str
    fields: tuple[str, ...]


def _models() -> dict:
    from ..domain.fieldwork import FIELDWORK_MODELS
    from ..domain.models import REGISTER_MODELS
    from ..domain.participation_records import PARTICIPATION_MODELS
    from ..domain.placework import PLACE_MODELS

    return REGISTER_MODELS | FIELDWORK_MODELS | PLACE_MODELS | PARTICIPATION_MODELS


@operation
def discard_refused(tx: Tx, mutation_id: str) -> Discarded:
    """Drop refused work: a record the server refused and never had is removed from this computer.

    The refusal leaves the sync page's list (its row and reason stay in the outbox, marked discarded), the
    record is tombstoned here with no outbox row (the server never had it: nothing to tell it), and the
    log says what was discarded. An edit the server refused of a record it does have is not refused
    work: it cannot be discarded here (the server's value is not kept on this computer)."""
    s = tx.s
    row = s.exec(select(Outbox).where(Outbox.mutation_id == mutation_id, Outbox.state == "rejected")).first()
    if row is None or (row.result or {}).get("discarded_at"):
        raise NotFound("没有这项被拒绝的修改：它可能已被处理", "No such refused change: it may have been dealt with already",
                       code="no_rejected", details={"mutation_id": mutation_id})  # fmt: skip
    if row.base_version is not None:
        raise Refused("只能丢弃服务器从未收到的记录；对服务器已有记录的修改请标为已读，再按需重新修改",
                      "Only a record the server never had can be discarded; for an edit of a record the server has, "
                      "mark it as read and change the record again if needed", code="not_discardable")  # fmt: skip
    now = utcnow()
    same = s.exec(select(Outbox).where(Outbox.entity == row.entity, Outbox.record_id == row.record_id,
                                       Outbox.state == "rejected", Outbox.base_version == None))  # noqa: E711  # fmt: skip
    fields: list[str] = []
    for refused in same:
        fields += [f for f in outbox.row_fields(s.connection(), refused.entity, refused.record_id, refused.fields) if f not in fields]
        refused.result = dict(refused.result or {}) | {"dismissed_at": now.isoformat(), "discarded_at": now.isoformat()}
        s.add(refused)
    model = _models().get(row.entity)
    record = s.get(model, row.record_id) if model is not None else None
    if record is not None and not record.deleted:
        record.deleted = True  # here only: no outbox row, the server never had it
        record.updated_at = now
        s.add(record)
    tx.changes.add(row.entity, row.record_id)
    log.info("discarded refused %s %s (mutation %s, refused %s): fields %s", row.entity, row.record_id, mutation_id,
             ((row.result or {}).get("error") or {}).get("code"), ", ".join(sorted(fields)))  # fmt: skip
    return Discarded(row.entity, row.record_id, tuple(fields))

