"""Notices (公告) to an area and the opinion box (意见箱): publish a notice; answer and close an opinion."""

from __future__ import annotations

from datetime import date, datetime

from ...domain import validation as v
from ...domain.errors import Refused, ValidationError
from ...domain.models import Area
from ...domain.participation.common import STAFF, check_actor
from ...domain.participation_records import Notice, Opinion
from ..base import Tx, get_live, operation
from ..changes import apply_fields, record_upsert
from .common import present, when


@operation
def publish_notice(tx: Tx, *, area_id: str, title: str, body: str, actor_id: str, actor_role: str,
                   expires_on: date | None = None, at: datetime | None = None) -> Notice:
    """A notice for the members and residents of `area_id` and the areas below it (published by staff)."""
    check_actor(actor_id, actor_role, "publish_notice", STAFF, "发布公告", "publish a notice")
    get_live(tx.s, Area, area_id)
    at = when(at)
    if expires_on is not None and expires_on < at.date():
        raise ValidationError("expires_on", "截止日期不能早于发布日期", "The notice cannot expire before it is published",
                              code="before_publication")
    values = {"area_id": area_id, "title": v.text("title", title, required=True, max_len=100),
              "body": v.text("body", body, required=True, max_len=10_000), "published_at": at, "expires_on": expires_on}
    notice = Notice(published_by=actor_id, **values)
    record_upsert(tx.s, notice, present(values), tx.changes)
    return notice


@operation
def answer_opinion(tx: Tx, opinion_id: str, answer: str, *, actor_id: str, actor_role: str, close: bool = False) -> Opinion:
    """Answer an opinion (it becomes answered), and close it too if `close`; staff's."""
    check_actor(actor_id, actor_role, "answer", STAFF, "答复意见", "answer an opinion")
    opinion = get_live(tx.s, Opinion, opinion_id)
    if opinion.status == "closed":
        raise Refused("该意见已关闭", "This opinion is closed", code="closed")
    text = v.text("answer", answer, required=True, max_len=2000)
    changed = apply_fields(opinion, {"answer": text, "status": "closed" if close else "answered"})
    opinion.answered_by, opinion.answered_at = actor_id, when(None)  # the server's (read-only), for display
    record_upsert(tx.s, opinion, changed, tx.changes)
    return opinion


@operation
def close_opinion(tx: Tx, opinion_id: str, *, actor_id: str, actor_role: str) -> Opinion:
    """Close an answered opinion (nothing more to do); staff's."""
    check_actor(actor_id, actor_role, "close", STAFF, "关闭意见", "close an opinion")
    opinion = get_live(tx.s, Opinion, opinion_id)
    if not opinion.answer:
        raise Refused("请先答复再关闭", "Answer the opinion before closing it", code="not_answered")
    record_upsert(tx.s, opinion, apply_fields(opinion, {"status": "closed"}), tx.changes)
    return opinion


__all__ = ["answer_opinion", "close_opinion", "publish_notice"]
