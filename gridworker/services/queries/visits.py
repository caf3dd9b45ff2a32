"""Visits: the open walk-rounds, their stops, the buildings to plan one in, and a household's visits."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, or_
from sqlmodel import Session, select

from ...domain.enums import PersonStatus, Relation, SPECIAL_GROUP_TAGS, Tag
from ...domain.fieldwork import Visit, Walkround, local_day
from ...domain.models import Building, Household, Person, utcnow
from ...store.database import Store
from .. import visits
from ..refused import Refusal, refusals, refused_ids
from ..scope import writable_areas


@dataclass(frozen=True)
class WalkroundSummary:
    id: str
    name: str
    planned_for: date | None
    planned_at: datetime
    done: int  # doors called at (figures.DOORS_CALLED)
    total: int
    met: int = 0  # households visited (figures.HOUSEHOLDS_VISITED)


def open_walkrounds(store: Any, *, keep_id: str | None = None) -> list[WalkroundSummary]:
    """Walk-rounds not yet done or cancelled, today's and the newest first.

    `keep_id` (the one on screen) is listed whatever its status, so finishing
    the last door does not take the walk-round away from under the worker.
    """
    today = local_day(utcnow())
    wanted = Walkround.status == "open"
    if keep_id:
        wanted = or_(wanted, and_(Walkround.id == keep_id, Walkround.status == "done"))
    with store.read() as s:
        walks = list(s.exec(select(Walkround).where(wanted, Walkround.deleted == False)))  # noqa: E712
        walks += _undone_by_refusals(s, {w.id for w in walks})
        progress = [visits.walkround_progress(s, w.id) for w in walks]
    summaries = [
        WalkroundSummary(
            p.walkround.id, p.walkround.name, p.walkround.planned_for, p.walkround.planned_at, p.done, p.total, p.met
        )
        for p in progress
    ]
    return sorted(summaries, key=lambda w: (w.planned_for != today, -w.planned_at.timestamp()))


def _undone_by_refusals(s: Session, listed: set[str]) -> list[Walkround]:
    """Walk-rounds finished by visits the server then refused: doors to knock at again, so listed again."""
    refused = s.exec(
        select(Visit.household_id, Visit.visited_at).where(Visit.id.in_(refused_ids("visit")), Visit.household_id != None)  # noqa: E711
    ).all()
    if not refused:
        return []
    done = s.exec(select(Walkround).where(Walkround.status == "done", Walkround.deleted == False))  # noqa: E712
    return [
        w for w in done
        if w.id not in listed and any(h in w.household_ids and at >= w.planned_at for h, at in refused)
    ]  # fmt: skip


@dataclass(frozen=True)
class StopRow:
    household_id: str
    address: str
    head_name: str | None
    members: int
    special_tags: list[str]
    visit_id: str | None
    outcome: str | None
    visited_at: datetime | None
    met: bool = False  # counts as visited (figures.HOUSEHOLDS_VISITED)
    refused: Refusal | None = None  # the visit made here was refused by the server, and why (services.refused)


def walkround_stops(store: Any, walkround_id: str) -> list[StopRow]:
    """The stops in walking order, with who lives there and the visit made since planning."""
    with store.read() as s:
        progress = visits.walkround_progress(s, walkround_id)
        ids = [stop.household_id for stop in progress.stops]
        people = s.exec(
            select(Person.household_id, Person.name, Person.relation, Person.tags).where(
                Person.household_id.in_(ids),
                Person.deleted == False,
                Person.status == PersonStatus.active.value,  # noqa: E712
            )
        ).all()
        heads = dict(s.exec(select(Household.id, Household.head_person_id).where(Household.id.in_(ids))).all())
        head_names = dict(
            s.exec(select(Person.id, Person.name).where(Person.id.in_([h for h in heads.values() if h]))).all()
        )
    return [_stop_row(stop, people, head_names.get(heads.get(stop.household_id) or "")) for stop in progress.stops]


def _stop_row(stop: visits.Stop, people: Iterable[tuple], head_name: str | None) -> StopRow:
    special = [t.value for t in Tag if t in SPECIAL_GROUP_TAGS]
    living = [p for p in people if p[0] == stop.household_id]
    tags = {t for p in living for t in (p[3] or [])}
    head = (
        head_name
        or next((p[1] for p in living if p[2] == Relation.head.value), None)
        or (living[0][1] if living else None)
    )
    return StopRow(
        stop.household_id,
        stop.address or "",
        head,
        len(living),
        [t for t in special if t in tags],
        stop.visit_id,
        stop.outcome,
        stop.visited_at,
        stop.met,
        stop.refused,
    )


@dataclass(frozen=True)
class BuildingChoice:
    id: str
    label: str  # estate + building name
    address: str | None
    area_id: str | None
    households: int


def buildings_for_planning(store: Any) -> list[BuildingChoice]:
    """Buildings with how many households live in each, in walking order; only those the user may visit."""
    with store.read() as s:
        allowed = writable_areas(s)
        counts = dict(
            s.exec(
                select(Household.building_id, func.count())
                .where(Household.deleted == False)  # noqa: E712
                .group_by(Household.building_id)
            ).all()
        )
        buildings = list(s.exec(select(Building).where(Building.deleted == False)))  # noqa: E712
    if allowed is not None:
        buildings = [b for b in buildings if b.area_id in allowed]
    buildings.sort(key=lambda b: (visits.natural_key(b.estate), visits.natural_key(b.name)))
    return [
        BuildingChoice(b.id, f"{b.estate or ''}{b.name}", b.address, b.area_id, counts.get(b.id, 0)) for b in buildings
    ]


@dataclass(frozen=True)
class VisitLine:
    id: str
    visited_at: datetime
    visitor_id: str
    outcome: str
    notes: str | None
    needs: str | None
    refused: Refusal | None = None  # the server refused this visit: it does not count (services.refused)


def household_visits(store: Store, household_id: str, *, limit: int = 20) -> list[VisitLine]:
    """The latest visits to a household, newest first (the household view's "visits")."""
    q = (
        select(Visit)
        .where(Visit.household_id == household_id, Visit.deleted == False)  # noqa: E712
        .order_by(Visit.visited_at.desc())
        .limit(limit)
    )
    with store.read() as s:
        found = list(s.exec(q))
        why = refusals(s, "visit", [v.id for v in found])
    return [VisitLine(v.id, v.visited_at, v.visitor_id, v.outcome, v.notes, v.needs, why.get(v.id)) for v in found]


def household_refusal(store: Store, household_id: str) -> Refusal | None:
    """Why the server refused this household, if it did (it is then on this computer only)."""
    with store.read() as s:
        return refusals(s, "household", [household_id]).get(household_id)
