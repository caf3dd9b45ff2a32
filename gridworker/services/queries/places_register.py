"""The register of places (场所) and their inspections and hazards: what the places screens and the CLI read.

Not to be confused with services.queries.places (the areas records may be
placed in). One call each, one short read session, plain dataclasses back:

    list_places        the places of some grids (a kind, a search text), with their open / overdue hazards
    search_places      the one search box's places: name, pinyin, initials, address, licence, person in charge
    place_card         one place with its inspections and hazards (each with its state)
    due_places         the places due an inspection, in the shape of visits.due_households
    overdue_hazards    hazards past their deadline and still open, for the dashboard
    place_figures      inspected / total, hazards found / rectified / overdue, by kind and by grid
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_
from sqlmodel import Session, select

from ...domain.fieldwork import local_day
from ...domain.models import utcnow
from ...domain.places import schedule
from ...domain.places.inspections import HazardState
from ...domain.places.statistics import HazardRow, InspectionRow, PlaceRow, PlaceStatistics, place_statistics
from ...domain.placework import Hazard, Inspection, Place
from ...store.areas import areas_below
from ...store.search import fold, fold_name
from ..scope import writable_areas


@dataclass(frozen=True)
class PlaceListRow:
    id: str
    name: str
    kind: str
    address: str | None
    person_in_charge: str | None
    phone: str | None
    licence_number: str | None
    area_id: str | None
    last_inspected: datetime | None
    open_hazards: int
    overdue_hazards: int


@dataclass(frozen=True)
class HazardView:
    id: str
    place_id: str
    place_name: str
    item_code: str
    severity: str
    status: str
    found_at: datetime
    deadline: datetime | None
    extensions: int
    overdue: bool  # open and past its deadline now
    incident_id: str | None
    area_id: str | None
    photo_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlaceCard:
    place: Place
    inspections: list[Inspection]  # newest first
    hazards: list[HazardView]  # open first, then by when found (newest first)


def _areas(s: Session, area_ids: Iterable[str] | None) -> list[str] | None:
    if area_ids is not None:
        return sorted(areas_below(s, list(area_ids)))
    allowed = writable_areas(s)
    return sorted(allowed) if allowed is not None else None


def _live_places(s: Session, area_ids: Iterable[str] | None, kind: str | None = None):
    q = select(Place).where(Place.deleted == False)  # noqa: E712
    areas = _areas(s, area_ids)
    if areas is not None:
        q = q.where(Place.area_id.in_(areas))
    if kind:
        q = q.where(Place.kind == kind)
    return q


def _is_overdue(h: Hazard, now: datetime) -> bool:
    return h.status == "open" and h.deadline is not None and now > h.deadline


def _hazard_counts(s: Session, place_ids: list[str], now: datetime) -> dict[str, tuple[int, int]]:
    out: dict[str, list[int]] = {}
    q = select(Hazard).where(Hazard.deleted == False, Hazard.status == "open")  # noqa: E712
    for h in s.exec(q):
        if h.place_id in place_ids:
            c = out.setdefault(h.place_id, [0, 0])
            c[0] += 1
            c[1] += _is_overdue(h, now)
    return {k: (a, b) for k, (a, b) in out.items()}


def _last_inspected(s: Session) -> dict[str, datetime]:
    from sqlalchemy import func

    q = select(Inspection.place_id, func.max(Inspection.at)).where(Inspection.deleted == False).group_by(Inspection.place_id)  # noqa: E712
    return dict(s.exec(q).all())


def list_places(
    store, *, area_ids: Iterable[str] | None = None, kind: str | None = None, text: str | None = None,
    limit: int = 500, now: datetime | None = None,
) -> list[PlaceListRow]:  # fmt: skip
    """Places of the grids (default: those this account may write in), by name; `text` as search_places."""
    now = now or utcnow()
    with store.read() as s:
        q = _live_places(s, area_ids, kind)
        if text and text.strip():
            q = q.where(_matches(text))
        places = list(s.exec(q.order_by(Place.initials, Place.name).limit(limit)))
        ids = [p.id for p in places]
        counts = _hazard_counts(s, set(ids), now) if ids else {}
        last = _last_inspected(s)
    return [
        PlaceListRow(p.id, p.name, p.kind, p.address, p.person_in_charge, p.phone, p.licence_number, p.area_id,
                     last.get(p.id), *counts.get(p.id, (0, 0)))  # fmt: skip
        for p in places
    ]


def _matches(text: str):
    """Name (folded), pinyin, initials, address, licence number, person in charge, phone digits."""
    folded = fold(text)
    name = fold_name(text)
    latin = "".join(ch for ch in folded if ch.isascii() and ch.isalnum())
    like = f"%{name}%"
    conds = [Place.name.like(like), Place.address.like(f"%{folded}%"), Place.person_in_charge.like(like)]
    if latin:
        conds += [Place.pinyin.like(f"%{latin}%"), Place.initials.like(f"{latin}%"),
                  Place.licence_number.like(f"%{latin.upper()}%")]  # fmt: skip
    digits = "".join(ch for ch in folded if ch.isdigit())
    if len(digits) >= 4:
        conds.append(Place.phone.like(f"%{digits}%"))
    return or_(*conds)


def search_places(store, text: str, *, limit: int = 20, area_ids: Iterable[str] | None = None) -> list[PlaceListRow]:
    """The places the one search box finds for `text` (with pinyin), best first: name prefix before the rest."""
    if not text or not text.strip():
        return []
    rows = list_places(store, area_ids=area_ids, text=text, limit=limit * 3)
    key = fold_name(text)
    rows.sort(key=lambda r: (not fold_name(r.name).startswith(key), fold_name(r.name) != key, r.name))
    return rows[:limit]


def _view(h: Hazard, place_name: str, now: datetime) -> HazardView:
    return HazardView(h.id, h.place_id, place_name, h.item_code, h.severity, h.status, h.found_at, h.deadline,
                      h.extensions, _is_overdue(h, now), h.incident_id, h.area_id, tuple(h.photo_ids))  # fmt: skip


def place_card(store, place_id: str, *, now: datetime | None = None) -> PlaceCard:
    from ..base import get_live

    now = now or utcnow()
    with store.read() as s:
        place = get_live(s, Place, place_id)
        inspections = list(s.exec(select(Inspection).where(Inspection.place_id == place_id, Inspection.deleted == False)))  # noqa: E712
        hazards = list(s.exec(select(Hazard).where(Hazard.place_id == place_id, Hazard.deleted == False)))  # noqa: E712
    inspections.sort(key=lambda i: i.at, reverse=True)
    views = [_view(h, place.name, now) for h in hazards]
    views.sort(key=lambda h: (h.status != "open", -h.found_at.timestamp()))
    return PlaceCard(place, inspections, views)


def due_places(
    store, *, area_ids: Iterable[str] | None = None, today: date | None = None, now: datetime | None = None,
    intervals: dict[str, int] | None = None,
) -> list[schedule.DuePlace]:  # fmt: skip
    """Places due an inspection by `today` (domain.places.schedule.due_places): overdue hazards first, then
    the never inspected, then the most overdue — the households' due list's shape."""
    now = now or utcnow()
    today = today or local_day(now)
    from ..places import place_facts

    with store.read() as s:
        places = list(s.exec(_live_places(s, area_ids)))
        last = _last_inspected(s)
        hazards: dict[str, list[HazardState]] = {}
        for h in s.exec(select(Hazard).where(Hazard.deleted == False, Hazard.status == "open")):  # noqa: E712
            hazards.setdefault(h.place_id, []).append(HazardState(status=h.status, deadline=h.deadline, severity=h.severity,
                                                                  item_code=h.item_code))  # fmt: skip
    return schedule.due_places([place_facts(p) for p in places], last, today=today, now=now, hazards=hazards,
                               intervals=intervals)  # fmt: skip


def overdue_hazards(store, *, area_ids: Iterable[str] | None = None, now: datetime | None = None) -> list[HazardView]:
    """Open hazards past their deadline, the longest overdue first (the dashboard's list)."""
    now = now or utcnow()
    with store.read() as s:
        areas = _areas(s, area_ids)
        q = select(Hazard, Place.name).join(Place, Place.id == Hazard.place_id).where(
            Hazard.deleted == False, Hazard.status == "open", Hazard.deadline != None, Hazard.deadline < now  # noqa: E711,E712
        )
        if areas is not None:
            q = q.where(Hazard.area_id.in_(areas))
        rows = s.exec(q).all()
    views = [_view(h, name, now) for h, name in rows]
    views.sort(key=lambda h: h.deadline)
    return views


def place_figures(
    store, *, start: datetime, end: datetime, as_of: datetime | None = None, area_ids: Iterable[str] | None = None
) -> PlaceStatistics:
    """domain.places.statistics over the places of the grids: inspected / total, hazards found / rectified /
    overdue, by kind and by grid."""
    as_of = as_of or min(end, utcnow())
    with store.read() as s:
        places = list(s.exec(_live_places(s, area_ids)))
        inspections = s.exec(select(Inspection.place_id, Inspection.at).where(Inspection.deleted == False)).all()  # noqa: E712
        hazards = s.exec(select(Hazard).where(Hazard.deleted == False)).all()  # noqa: E712
    return place_statistics(
        [PlaceRow(p.id, p.kind, p.area_id) for p in places],
        [InspectionRow(pid, at) for pid, at in inspections],
        [HazardRow(h.place_id, h.found_at, h.deadline or h.found_at, h.rectified_at, h.escalated_at) for h in hazards],
        start=start, end=end, as_of=as_of,
    )  # fmt: skip


def places_by_id(store, ids: Iterable[str]) -> dict[str, Place]:
    wanted = list(ids)
    with store.read() as s:
        return {p.id: p for p in s.exec(select(Place).where(Place.id.in_(wanted)))}


def checklist_for_place(store, place_id: str) -> list:
    """The checklist items (places.checklists.ChecklistItem) an inspection of this place answers: the place's
    kind's items in the table in force on this device (the server's records over the shipped table)."""
    from ..base import get_live
    from ..tables import checklist_table

    with store.read() as s:
        place = get_live(s, Place, place_id)
        return checklist_table(s).for_kind(place.kind)


def open_hazards_of(store, place_id: str, *, now: datetime | None = None) -> list[HazardView]:
    """The place's open hazards (what a re-inspection must decide on), the oldest first."""
    return sorted((h for h in place_card(store, place_id, now=now).hazards if h.status == "open"), key=lambda h: h.found_at)
