"""Activities (E动态) on this computer: the list, newest first, with sign-ups and attendance counted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import select

from ...domain.models import Area
from ...domain.participation_records import Activity, Member
from ..scope import in_scope


@dataclass(frozen=True)
class ActivityRow:
    id: str
    title: str
    kind: str
    place: str
    area_name: str
    starts_at: datetime
    ends_at: datetime
    capacity: int | None
    points: int
    status: str | None
    signed_up: tuple[str, ...]
    attended: tuple[str, ...]
    minutes: str | None
    decisions: tuple[str, ...]
    cancel_reason: str | None


def activities(store: Any) -> list[ActivityRow]:
    with store.read() as s:
        q = in_scope(s, select(Activity).where(Activity.deleted == False), Activity)  # noqa: E712
        rows = list(s.exec(q.order_by(Activity.starts_at.desc())))
        areas = dict(s.exec(select(Area.id, Area.name)).all())
    return [ActivityRow(a.id, a.title, a.kind, a.place or "", areas.get(a.area_id or "", ""), a.starts_at, a.ends_at,
                        a.capacity, a.points, a.status, tuple(a.signed_up), tuple(a.attended), a.minutes,
                        tuple(a.decisions), a.cancel_reason) for a in rows]


def attendance_choices(store: Any) -> list[tuple[str, str]]:
    """(member id, name) of the approved members, to tick at the venue (walk-ins too)."""
    with store.read() as s:
        rows = s.exec(select(Member.id, Member.name).where(Member.deleted == False, Member.status == "approved"))  # noqa: E712
        return sorted(rows, key=lambda r: r[1])


__all__ = ["ActivityRow", "activities", "attendance_choices"]
