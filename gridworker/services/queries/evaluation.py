"""The year-end evaluation (双管三评): per member, the year's points, activities attended, orders completed,
their average rating and wishes fulfilled — as this computer holds them (pulled from the server)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import select

from ...domain.fieldwork import day_start
from ...domain.models import Area
from ...domain.participation.points import ACTIVITY, WISH
from ...domain.participation.evaluation import evaluation_id
from ...domain.participation_records import Evaluation, LedgerEntry, Member, ServiceOrder
from .points import earned_in


@dataclass(frozen=True)
class EvaluationRow:
    member_id: str
    name: str
    employer: str
    grid_name: str
    team: str
    points: int  # earned in the year (awards, manual entries, reversals; not spending)
    activities: int  # attended (their activity awards not reversed)
    orders: int  # service orders they took that staff verified in the year
    rating: float | None  # the average rating of those orders
    wishes: int  # micro-wishes fulfilled and confirmed (their wish awards not reversed)
    self_assessment: str = ""  # the member's own words (written on the phone pages)
    grade: str | None = None  # the community's rating (domain.participation.evaluation.GRADE_LABELS)
    grade_note: str = ""


def _awards(s, kind: str, lo, hi) -> dict[str, int]:
    """Awards of a kind in the period, per member, less those reversed."""
    reversed_ids = set(s.exec(select(LedgerEntry.reverses).where(LedgerEntry.reverses != None)))  # noqa: E711
    rows = s.exec(select(LedgerEntry.id, LedgerEntry.member_id).where(
        LedgerEntry.deleted == False, LedgerEntry.source_kind == kind, LedgerEntry.at >= lo, LedgerEntry.at < hi))  # noqa: E712
    counts: dict[str, int] = {}
    for entry_id, member in rows:
        if entry_id not in reversed_ids:
            counts[member] = counts.get(member, 0) + 1
    return counts


def evaluation(store: Any, year: int) -> list[EvaluationRow]:
    """Every approved member's figures for the year, by employer then name."""
    lo, hi = day_start(date(year, 1, 1)), day_start(date(year + 1, 1, 1))
    with store.read() as s:
        members = list(s.exec(select(Member).where(Member.deleted == False, Member.status == "approved")))  # noqa: E712
        grids = dict(s.exec(select(Area.id, Area.name)).all())
        points = earned_in(s, (date(year, 1, 1), date(year, 12, 31)))
        activities = _awards(s, ACTIVITY, lo, hi)
        wishes = _awards(s, WISH, lo, hi)
        verified = list(s.exec(select(ServiceOrder.takers, ServiceOrder.rating).where(
            ServiceOrder.deleted == False, ServiceOrder.status == "verified",  # noqa: E712
            ServiceOrder.verified_at >= lo, ServiceOrder.verified_at < hi)))
        evaluations = {e.member_id: e for e in s.exec(select(Evaluation).where(Evaluation.deleted == False, Evaluation.year == year))  # noqa: E712
                       if e.id == evaluation_id(e.member_id, year)}
    orders: dict[str, list[int | None]] = {}
    for takers, rating in verified:
        for member in takers or ():
            orders.setdefault(member, []).append(rating)
    rows = []
    for m in members:
        ratings = [r for r in orders.get(m.id, []) if r is not None]
        own = evaluations.get(m.id)
        rows.append(EvaluationRow(
            m.id, m.name, m.employer or "", grids.get(m.area_id, ""), m.team or "", points.get(m.id, 0),
            activities.get(m.id, 0), len(orders.get(m.id, [])), round(sum(ratings) / len(ratings), 1) if ratings else None,
            wishes.get(m.id, 0), (own.self_assessment or "") if own else "", own.grade if own else None,
            (own.grade_note or "") if own else "",
        ))
    return sorted(rows, key=lambda r: (r.employer, r.name))


__all__ = ["EvaluationRow", "evaluation"]
