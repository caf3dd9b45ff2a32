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

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import and_
from sqlmodel import Session, select

from ..domain.models import Outbox


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
