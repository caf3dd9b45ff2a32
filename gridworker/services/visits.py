"""Visits (走访), walk-rounds (巡查 / 扫楼) and the list of households due a visit.

A visit is one record (and one outbox row) plus its photos. A walk-round is a
plan: households in walking order; its progress is read from the visits made
since it was planned, so it advances by itself when a visit is logged. The due
list compares each household's last visit with the interval its people need
(`VisitSchedule`, one place for the defaults, overridable per account).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import and_, exists, func, literal_column
from sqlmodel import Session, select

from ..domain import validation as v
from ..domain.enums import SPECIAL_GROUP_TAGS, Outcome, PersonStatus, Tag
from ..domain.errors import GridWorkerError, ValidationError
from ..domain.fieldwork import Incident, Photo, Visit, Walkround, local_day
from ..domain.permissions import check_may_plan_visits
from ..domain.models import Area, Building, Household, Person, utcnow
from ..domain.register import floor_of_room
from ..store.areas import areas_below
from .base import Tx, get_live, operation
from ..store.meta import get_meta, set_meta
from .changes import apply_fields, record_upsert
# A visit with one of CONTACT_OUTCOMES counts as "visited" for the due list, the walk-round and
# the statistics; "not home" or "refused" leaves the household due (one definition: services.figures).
from .figures import CONTACT_OUTCOMES, counts_as_visited
from .incidents import attach_photo, aware, coordinates, present, report_incident
from .participation.orders import raise_order
from .participation.wishes import publish as publish_wish
from .refused import Refusal, accepted, refusals
from .scope import stored_role, writable_areas

# A laptop clock a little ahead is not a visit "in the future".
CLOCK_SKEW = timedelta(minutes=5)


# -- visits --------------------------------------------------------------------
@operation
def log_visit(
    tx: Tx,
    household_id: str | None = None,
    building_id: str | None = None,
    *,
    visitor_id: str,
    outcome: str,
    visited_at: datetime | None = None,
    notes: str | None = None,
    needs: str | None = None,
    photos: Sequence[str | Path] = (),
    photos_dir: Path | None = None,
    lat: float | None = None,
    lon: float | None = None,
    need_category: str | None = None,
    need_urgency: str = "normal",
    visitor_role: str = "worker",
    need_order: bool = False,
    order_skill: str | None = None,
    need_wish: bool = False,
) -> Visit:
    """Record a visit to a household (or a whole building).

    With `need_category`, the needs raised become an incident (source
    "visit") in the same transaction; with `need_order`, a service order for
    party members (服务点单, source "visit", needing `order_skill` if given);
    with `need_wish`, a micro-wish (微心愿) of the household, published. Photos are stored first; their EXIF
    position is the visit's position when none is typed.
    """
    values = _clean_visit(outcome, visited_at, notes, needs, lat, lon)
    if (need_category or need_order or need_wish) and not values["needs"]:
        raise ValidationError("needs", "请填写提出的诉求", "Describe the needs raised", code="required")
    values |= _visit_place(tx.s, household_id, building_id) | {"visitor_id": visitor_id}
    if photos and photos_dir is None:
        raise ValueError("photos_dir is required to attach photos")
    visit = Visit(visitor_id=visitor_id, outcome=values["outcome"])
    stored = [attach_photo(tx, photos_dir, p, "visit", visit.id, area_id=values["area_id"]) for p in photos]
    if stored and values["lat"] is None and stored[0].lat is not None and stored[0].lon is not None:
        values |= {"lat": stored[0].lat, "lon": stored[0].lon}
    values["photo_ids"] = [p.id for p in stored]
    apply_fields(visit, values)
    record_upsert(tx.s, visit, present(values), tx.changes)
    tx.s.flush()
    if need_category:
        raise_need(tx, visit.id, category=need_category, urgency=need_urgency, reporter_role=visitor_role)
    if need_order:
        raise_order(tx, actor_id=visitor_id, actor_role=visitor_role, need=values["needs"], skill=order_skill,
                    household_id=visit.household_id, visit_id=visit.id, area_id=visit.area_id, at=values["visited_at"])
    if need_wish:
        publish_wish(tx, actor_id=visitor_id, actor_role=visitor_role, wish=values["needs"][:200],
                     household_id=visit.household_id, area_id=visit.area_id, at=values["visited_at"])
    if visit.household_id:
        _advance_walkrounds(tx, visit)
    return visit


def _clean_visit(outcome, visited_at, notes, needs, lat, lon) -> dict[str, Any]:
    member = v.enum(Outcome, "outcome", outcome, required=True)
    when = aware("visited_at", visited_at) if visited_at is not None else utcnow()
    if when > utcnow() + CLOCK_SKEW:
        raise ValidationError("visited_at", "走访时间不能晚于现在", "The visit time cannot be in the future", code="future")
    return {
        "outcome": member.value,
        "visited_at": when,
        "notes": v.text("notes", notes, max_len=2000),
        "needs": v.text("needs", needs, max_len=2000),
        **coordinates(lat, lon),
    }


def _visit_place(s: Session, household_id: str | None, building_id: str | None) -> dict[str, Any]:
    if household_id:
        hh = get_live(s, Household, household_id)
        return {"household_id": hh.id, "building_id": hh.building_id, "area_id": hh.area_id}
    if building_id:
        b = get_live(s, Building, building_id)
        return {"household_id": None, "building_id": b.id, "area_id": b.area_id}
    raise ValidationError(
        "household_id", "请选择走访的住户或楼栋", "Choose the household or building visited", code="required"
    )


@operation
def raise_need(
    tx: Tx,
    visit_id: str,
    *,
    category: str,
    urgency: str = "normal",
    description: str | None = None,
    reporter_role: str = "worker",
) -> Incident:
    """Turn the needs raised in a visit into an incident (source "visit") at that household."""
    visit = get_live(tx.s, Visit, visit_id)
    # The visit's photos become the incident's too: same files, new records.
    photos = [p for p in (tx.s.get(Photo, i) for i in visit.photo_ids) if p is not None]
    return report_incident(
        tx,
        None,
        reporter_id=visit.visitor_id,
        reporter_role=reporter_role,
        category=category,
        urgency=urgency,
        description=description or visit.needs,
        lat=visit.lat,
        lon=visit.lon,
        household_id=visit.household_id,
        building_id=visit.building_id,
        area_id=visit.area_id,
        source="visit",
        reported_at=visit.visited_at,
        reuse_photos=photos,
    )


# -- walking order ---------------------------------------------------------------
def natural_key(text: str | None) -> tuple:
    """Sort key that puts "2" before "10" and "2-3" before "2-12"; empty text last."""
    if not text:
        return ((2, 0, ""),)
    parts = re.split(r"(\d+)", str(text).strip())
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p.lower()) for p in parts if p)


def walking_order(s: Session, households: Sequence[Household]) -> list[Household]:
    """Households in the order one walks them: building → unit → floor → room."""
    building_ids = {h.building_id for h in households if h.building_id}
    buildings = {b.id: b for b in s.exec(select(Building).where(Building.id.in_(building_ids)))}

    def key(h: Household) -> tuple:
        b = buildings.get(h.building_id)
        place = (0, natural_key(b.estate), natural_key(b.name), b.id) if b else (1, (), (), "")
        floor = h.floor if h.floor is not None else floor_of_room(h.room)
        return (
            place,
            natural_key(h.unit),
            (0, floor) if floor is not None else (1, 0),
            natural_key(h.room),
            natural_key(h.address),
            h.id,
        )

    return sorted(households, key=key)


# -- walk-rounds -------------------------------------------------------------------
@dataclass
class Stop:
    household_id: str
    address: str | None
    visit_id: str | None = None
    visited_at: datetime | None = None
    outcome: str | None = None
    met: bool = False  # some visit since planning met someone: the household counts as visited (figures)
    refused: Refusal | None = None  # the visit made here was refused by the server (services.refused)

    @property
    def visited(self) -> bool:
        """A visit was logged, whoever answered: the door was called at (figures.DOORS_CALLED)."""
        return self.visit_id is not None


@dataclass
class WalkroundProgress:
    walkround: Walkround
    stops: list[Stop]

    @property
    def done(self) -> int:
        """Doors called at (figures.DOORS_CALLED)."""
        return sum(1 for stop in self.stops if stop.visited)

    @property
    def met(self) -> int:
        """Households visited (figures.HOUSEHOLDS_VISITED), as the dashboard counts them."""
        return sum(1 for stop in self.stops if stop.met)

    @property
    def total(self) -> int:
        return len(self.stops)

    @property
    def next_stop(self) -> Stop | None:
        return next((stop for stop in self.stops if not stop.visited), None)


@operation
def plan_walkround(
    tx: Tx,
    name: str,
    *,
    household_ids: Sequence[str] = (),
    building_ids: Sequence[str] = (),
    planner_id: str | None = None,
    planned_for: date | None = None,
    planner_role: str | None = None,
) -> Walkround:
    """Plan a walk-round over households and/or whole buildings, in walking order.

    Refused for a role that may not plan visits (`planner_role`, or the linked account's role)."""
    check_may_plan_visits(planner_role)
    check_may_plan_visits(stored_role(tx.s))
    title = v.text("name", name, required=True, max_len=100)
    chosen: dict[str, Household] = {h.id: h for h in (get_live(tx.s, Household, i) for i in household_ids)}
    for building_id in building_ids:
        get_live(tx.s, Building, building_id)
        q = select(Household).where(Household.building_id == building_id, Household.deleted == False)  # noqa: E712
        chosen.update({h.id: h for h in tx.s.exec(q)})
    if not chosen:
        raise ValidationError(
            "household_ids", "巡查计划至少要包含一户", "A walk-round needs at least one household", code="required"
        )
    ordered = walking_order(tx.s, list(chosen.values()))
    walk = Walkround(name=title)
    values = {
        "name": title,
        "area_id": _common_area(tx.s, [h.area_id for h in ordered]),
        "planner_id": planner_id,
        "planned_at": utcnow(),
        "planned_for": planned_for,
        "household_ids": [h.id for h in ordered],
        "status": "open",
    }
    apply_fields(walk, values)
    record_upsert(tx.s, walk, present(values), tx.changes)
    return walk


def _common_area(s: Session, area_ids: Sequence[str | None]) -> str | None:
    """The lowest area that holds all of these (a walk-round across two grids belongs to their community)."""
    wanted = [a for a in dict.fromkeys(area_ids) if a]
    if len(wanted) <= 1:
        return wanted[0] if wanted else None
    parents = dict(s.exec(select(Area.id, Area.parent_id)).all())

    def chain(area_id: str) -> list[str]:
        out = []
        while area_id and area_id not in out:
            out.append(area_id)
            area_id = parents.get(area_id)
        return out

    common = chain(wanted[0])
    for other in wanted[1:]:
        ancestors = set(chain(other))
        common = [a for a in common if a in ancestors]
    return common[0] if common else wanted[0]


def walkround_progress(store_or_session: Any, walkround_id: str) -> WalkroundProgress:
    """Each stop with the latest visit made to it since the walk-round was planned."""
    if isinstance(store_or_session, Session):
        return _progress(store_or_session, walkround_id)
    with store_or_session.read() as s:
        return _progress(s, walkround_id)


def _progress(s: Session, walkround_id: str) -> WalkroundProgress:
    walk = get_live(s, Walkround, walkround_id)
    ids = list(walk.household_ids)
    addresses = dict(s.exec(select(Household.id, Household.address).where(Household.id.in_(ids))).all())
    latest: dict[str, Visit] = {}
    met: set[str] = set()
    q = select(Visit).where(
        Visit.household_id.in_(ids), Visit.visited_at >= walk.planned_at, Visit.deleted == False  # noqa: E712
    )
    visits = list(s.exec(q.order_by(Visit.visited_at)))
    why = refusals(s, "visit", [v.id for v in visits])
    refused_at: dict[str, Visit] = {}
    for visit in visits:
        # A refused visit does not count as made: the door stays to do, and shows why.
        if visit.id in why:
            refused_at[visit.household_id] = visit
            continue
        latest[visit.household_id] = visit
        if counts_as_visited(visit.outcome):
            met.add(visit.household_id)
    stops = []
    for household_id in ids:
        visit = latest.get(household_id)
        refused = refused_at.get(household_id)
        if refused is not None and visit is not None and visit.visited_at > refused.visited_at:
            refused = None  # visited again since, and that one stands
        stops.append(
            Stop(household_id, addresses.get(household_id), refused=why[refused.id] if refused else None)
            if visit is None
            else Stop(household_id, addresses.get(household_id), visit.id, visit.visited_at, visit.outcome,
                      household_id in met, why[refused.id] if refused else None)  # fmt: skip
        )
    return WalkroundProgress(walk, stops)


def _advance_walkrounds(tx: Tx, visit: Visit) -> None:
    """A visit may finish an open walk-round that includes its household: mark it done."""
    stops = func.json_each(Walkround.household_ids).table_valued("value")
    containing = select(Walkround).where(
        Walkround.status == "open",
        Walkround.deleted == False,  # noqa: E712
        Walkround.planned_at <= visit.visited_at,
        exists(select(1).select_from(stops).where(stops.c.value == visit.household_id)),
    )
    for walk in tx.s.exec(containing).all():
        progress = _progress(tx.s, walk.id)
        if progress.next_stop is None and not (walk.place_ids and _places_left(tx.s, walk)):  # places: services.place_walks
            changed = apply_fields(walk, {"status": "done", "finished_at": visit.visited_at})
            record_upsert(tx.s, walk, changed, tx.changes)


def _places_left(s: Session, walk: Walkround) -> int:
    from .place_walks import places_left  # it builds on this module

    return places_left(s, walk)


@operation
def cancel_walkround(tx: Tx, walkround_id: str) -> Walkround:
    walk = get_live(tx.s, Walkround, walkround_id)
    record_upsert(tx.s, walk, apply_fields(walk, {"status": "cancelled", "finished_at": utcnow()}), tx.changes)
    return walk


# -- the due list --------------------------------------------------------------------
@dataclass
class VisitSchedule:
    """How often households must be visited, in days. Special groups are visited more often.

    Defaults follow practice in the reports: elderly living alone weekly, key
    persons fortnightly, other special groups monthly, everyone each quarter.
    """

    default_days: int = 90
    special_days: dict[str, int] = field(
        default_factory=lambda: {
            Tag.elderly_alone.value: 7,
            Tag.key_person.value: 14,
            Tag.disabled.value: 30,
            Tag.hardship.value: 30,
            Tag.left_behind_child.value: 30,
        }
    )

    def interval(self, tags: Iterable[str]) -> int:
        return min([self.default_days] + [self.special_days[t] for t in tags if t in self.special_days])


_SCHEDULE_KEY = "visit_schedule"


def visit_schedule(store: Any) -> VisitSchedule:
    """This account's schedule: the defaults, with the overrides saved by `set_visit_schedule`."""
    with store.read() as s:
        saved = get_meta(s, _SCHEDULE_KEY)
    schedule = VisitSchedule()
    if saved:
        data = json.loads(saved)
        schedule.default_days = int(data.get("default_days", schedule.default_days))
        schedule.special_days.update({k: int(d) for k, d in data.get("special_days", {}).items()})
    return schedule


def set_visit_schedule(store: Any, schedule: VisitSchedule) -> None:
    days = [schedule.default_days, *schedule.special_days.values()]
    if any(not isinstance(d, int) or not 1 <= d <= 3660 for d in days):
        raise GridWorkerError(
            "走访周期应为1到3660天之间的整数",
            "Visit intervals must be whole numbers of days from 1 to 3660",
            code="invalid_value",
        )
    unknown = sorted(set(schedule.special_days) - {t.value for t in SPECIAL_GROUP_TAGS})
    if unknown:
        raise GridWorkerError(
            f"未知的重点人群：{'、'.join(unknown)}", f"Unknown special groups: {', '.join(unknown)}", code="invalid_value"
        )
    with store.write() as s:
        set_meta(s, _SCHEDULE_KEY, json.dumps(asdict(schedule)))


@dataclass
class DueHousehold:
    household_id: str
    address: str | None
    area_id: str | None
    special_tags: list[str]  # the special groups living there, e.g. ["elderly_alone"]
    interval_days: int
    last_visited: date | None  # day of the last visit that met someone
    days_overdue: int | None  # 0 = due today; None = never visited

    @property
    def special(self) -> bool:
        return bool(self.special_tags)


def due_households(
    store: Any,
    *,
    area_ids: Iterable[str] | None = None,
    today: date | None = None,
    schedule: VisitSchedule | None = None,
) -> list[DueHousehold]:
    """Households whose next visit is due by `today`: special groups first, then the most overdue."""
    today = today or local_day(utcnow())
    schedule = schedule or visit_schedule(store)
    with store.read() as s:
        q = select(Household.id, Household.address, Household.area_id).where(Household.deleted == False)  # noqa: E712
        if area_ids is not None:
            q = q.where(Household.area_id.in_(areas_below(s, area_ids)))
        elif (allowed := writable_areas(s)) is not None:  # a linked account: the households it may visit
            q = q.where(Household.area_id.in_(sorted(allowed)))
        households = s.exec(q).all()
        met = and_(Visit.outcome.in_(CONTACT_OUTCOMES), Visit.deleted == False, Visit.household_id != None,  # noqa: E711,E712
                   accepted(Visit))  # a visit the server refused was not made  # fmt: skip
        last = select(Visit.household_id, func.max(Visit.visited_at)).where(met).group_by(Visit.household_id)
        last_met = dict(s.exec(last).all())
        tags_by_household = _special_tags(s)
    due = []
    for household_id, address, area_id in households:
        tags = tags_by_household.get(household_id, [])
        interval = schedule.interval(tags)
        last = last_met.get(household_id)
        last_day = local_day(last) if last is not None else None
        if last_day is None:
            overdue = None
        else:
            overdue = (today - last_day).days - interval
            if overdue < 0:
                continue
        due.append(DueHousehold(household_id, address, area_id, tags, interval, last_day, overdue))
    # Special groups first; within each, never met first, then the most overdue.
    due.sort(key=lambda d: (not d.special, d.days_overdue is not None, -(d.days_overdue or 0), natural_key(d.address)))
    return due


def _special_tags(s: Session) -> dict[str, list[str]]:
    """Household → the special groups of the people living there, in a stable order."""
    order = [t.value for t in Tag if t in SPECIAL_GROUP_TAGS]
    out: dict[str, set[str]] = {}
    q = select(Person.household_id, Person.tags).where(
        Person.deleted == False,  # noqa: E712
        Person.status == PersonStatus.active.value,
        Person.household_id != None,  # noqa: E711
        # A literal 0, as in the partial index ix_person_tagged: only tagged people are read.
        func.json_array_length(Person.tags) > literal_column("0"),
    )
    for household_id, tags in s.exec(q):
        special = {t for t in tags if t in order}
        if special:
            out.setdefault(household_id, set()).update(special)
    return {k: [t for t in order if t in found] for k, found in out.items()}

