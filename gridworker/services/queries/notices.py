"""Notices with how many have read them, the opinion box, and both counted per month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import select

from ...domain.fieldwork import local_day
from ...domain.models import Area
from ...domain.participation_records import Notice, NoticeRead, Opinion


@dataclass(frozen=True)
class NoticeRow:
    id: str
    title: str
    body: str
    area_name: str
    published_at: datetime
    expires_on: date | None
    read_count: int  # the server's count, or the read receipts this computer holds if more


@dataclass(frozen=True)
class OpinionRow:
    id: str
    topic: str
    content: str
    submitted_at: datetime
    status: str
    answer: str | None


@dataclass(frozen=True)
class MonthRow:
    month: str  # 2025-06
    notices: int
    opinions: int
    answered: int  # answered or closed, of those received that month


def notices(store: Any) -> list[NoticeRow]:
    with store.read() as s:
        rows = list(s.exec(select(Notice).where(Notice.deleted == False).order_by(Notice.published_at.desc())))  # noqa: E712
        areas = dict(s.exec(select(Area.id, Area.name)).all())
        reads = dict(s.exec(select(NoticeRead.notice_id, func.count()).group_by(NoticeRead.notice_id)).all())
    return [NoticeRow(n.id, n.title, n.body, areas.get(n.area_id or "", ""), n.published_at, n.expires_on,
                      max(n.read_count or 0, reads.get(n.id, 0))) for n in rows]


def opinions(store: Any) -> list[OpinionRow]:
    """Open ones first, then answered, then closed; newest first in each."""
    with store.read() as s:
        rows = list(s.exec(select(Opinion).where(Opinion.deleted == False).order_by(Opinion.submitted_at.desc())))  # noqa: E712
    order = {"open": 0, "answered": 1, "closed": 2}
    rows.sort(key=lambda o: order.get(o.status, 3))
    return [OpinionRow(o.id, o.topic or "", o.content, o.submitted_at, o.status, o.answer) for o in rows]


def by_month(store: Any) -> list[MonthRow]:
    """Notices published, opinions received and how many of those were answered, per month, newest first."""
    with store.read() as s:
        published = list(s.exec(select(Notice.published_at).where(Notice.deleted == False)))  # noqa: E712
        received = list(s.exec(select(Opinion.submitted_at, Opinion.status).where(Opinion.deleted == False)))  # noqa: E712
    months: dict[str, list[int]] = {}
    for at in published:
        months.setdefault(local_day(at).strftime("%Y-%m"), [0, 0, 0])[0] += 1
    for at, status in received:
        counts = months.setdefault(local_day(at).strftime("%Y-%m"), [0, 0, 0])
        counts[1] += 1
        counts[2] += status in ("answered", "closed")
    return [MonthRow(m, *counts) for m, counts in sorted(months.items(), reverse=True)]


__all__ = ["MonthRow", "NoticeRow", "OpinionRow", "by_month", "notices", "opinions"]
