"""Incidents: snap and report, the closed loop of transitions, duplicates, photos as records.

An incident's state is derived from its append-only event log
(domain.lifecycle). Every transition here replays the local log and checks
the new event with the same rules the server uses, so the client refuses
offline what the server would refuse. Events and photos are create-only: one
outbox upsert when made, never an edit. The incident's derived fields
(status, level, assignee, deadline, overdue, rework count, rating) are set
locally for display and never pushed (fieldwork.Incident.read_only_fields).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import func, literal_column, or_
from sqlmodel import Session, select

from ..domain import validation as v
from ..domain.categories import Category, CategoryTable, load_categories
from ..domain.enums import Action, Source, Status, Urgency
from ..domain.errors import NotFound, Refused, ValidationError
from ..domain.fieldwork import FIELDWORK_MODELS, Incident, IncidentEvent, Photo, push_fields, wire_name
from ..domain.lifecycle import Event, IncidentState, Refusal, Rules
from ..domain.placework import PLACE_MODELS
from ..domain.models import REGISTER_MODELS, Building, Household, Person, SyncedRecord, utcnow
from ..domain.wire import SERVER_MANAGED
from ..photos import import_photo
from .base import Tx, get_live, operation
from . import tables
from .changes import record_upsert

DUPLICATE_RADIUS_M = 250.0
DUPLICATE_DAYS = 30
# A matter closed this recently and reported again is likely the same one back.
RECENTLY_CLOSED_DAYS = 7
EARTH_RADIUS_M = 6_371_008.8


@lru_cache(maxsize=1)
def default_rules() -> Rules:
    """The lifecycle rules on the shipped holiday table (tables.rules(s): those in force on a device)."""
    return Rules()


def aware(field: str, value: Any) -> datetime:
    """A timezone-aware datetime, or a ValidationError naming the field."""
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(field, "时间须带时区", f"{field} must be a timezone-aware time", code="naive_time")
    return value


def coordinates(lat: Any, lon: Any) -> dict[str, float | None]:
    """Typed coordinates, both or neither, each checked."""
    values = {"lat": v.coordinate("lat", lat), "lon": v.coordinate("lon", lon)}
    if (values["lat"] is None) != (values["lon"] is None):
        missing = "lon" if values["lon"] is None else "lat"
        raise ValidationError(missing, "经纬度须同时填写", "Give both latitude and longitude, or neither", code="required")
    return values


def present(values: dict[str, Any]) -> dict[str, Any]:
    """A new record's outbox row carries every field that has a value."""
    return {k: val for k, val in values.items() if val not in (None, [], "")}


# -- create-only records -------------------------------------------------------------
def append_record(tx: Tx, obj: SyncedRecord, values: dict[str, Any]) -> None:
    """Write a create-only record (event, photo) and its single outbox upsert; refuse if it already exists."""
    state = sa_inspect(obj)
    if state.persistent or state.detached or obj.version or tx.s.get(type(obj), obj.id) is not None:
        raise Refused(
            "该记录一经保存不可修改（事件记录和照片只能新增）",
            f"A saved {obj.entity} cannot be changed: incident events and photos can only be added",
            code="create_only",
        )
    model = type(obj)
    pushed = set(push_fields(model))
    fields = {wire_name(model, k): val for k, val in present(values).items() if k in pushed and val is not False}
    record_upsert(tx.s, obj, fields, tx.changes)


# -- photos ---------------------------------------------------------------------------
@operation
def attach_photo(
    tx: Tx,
    photos_dir: str | Path,
    src_path: str | Path,
    entity: str,
    entity_id: str,
    caption: str | None = None,
    *,
    area_id: str | None = None,
) -> Photo:
    """Store a picture (normalised, fsynced, content-addressed), then create its photo record.

    The file is written before the record, so a crash can leave an unused file
    but never a record without its file. A bad file raises PhotoError and
    nothing is recorded. Without `area_id`, the photo takes its owner's.
    """
    caption = v.text("caption", caption, max_len=200)
    if area_id is None:
        area_id = _owner(tx.s, entity, entity_id).area_id
    stored = import_photo(src_path, photos_dir)
    values = {
        "area_id": area_id,
        "sha256": stored.sha256,
        "owner_entity": entity,
        "entity_id": entity_id,
        "taken_at": stored.taken_at,
        "lat": stored.lat,
        "lon": stored.lon,
        "width": stored.width,
        "height": stored.height,
        "bytes": stored.bytes,
        "mime": stored.mime,
        "caption": caption,
    }
    photo = Photo(**values)
    append_record(tx, photo, values)
    return photo


def _owner(s: Session, entity: str, entity_id: str) -> SyncedRecord:
    model = (REGISTER_MODELS | FIELDWORK_MODELS | PLACE_MODELS).get(entity)
    if model is None or entity == "photo" or entity in SERVER_MANAGED:
        raise ValidationError("entity", f"照片不能属于“{entity}”", f"A photo cannot belong to '{entity}'", code="enum")
    return get_live(s, model, entity_id)


def _copy_photo(tx: Tx, photo: Photo, entity: str, entity_id: str, area_id: str | None) -> Photo:
    """A second record for a file already stored (a visit's photo becomes the incident's)."""
    values = {
        f: getattr(photo, f)
        for f in ("sha256", "taken_at", "lat", "lon", "width", "height", "bytes", "mime", "caption")
    } | {"area_id": area_id, "owner_entity": entity, "entity_id": entity_id}
    copy = Photo(**values)
    append_record(tx, copy, values)
    return copy


# -- categories -------------------------------------------------------------------------
def check_category(code: Any, table: CategoryTable | None = None) -> Category:
    """The category of that code in `table` (default: the shipped one), or a ValidationError."""
    found = (table or load_categories()).get(code) if isinstance(code, str) else None
    if found is not None:
        return found
    raise ValidationError(
        "category",
        f"事件类别“{code}”不在类别表中",
        f"Category '{code}' is not in the category table",
        code="unknown_category",
    )


# -- reporting ---------------------------------------------------------------------------
@dataclass(frozen=True)
class OnTheSpot:
    """Solved on the spot by the reporting grid worker (小事不出网格): the write-up and the "after" photos."""

    note: str
    photos: Sequence[str | Path]


@operation
def report_incident(
    tx: Tx,
    photos_dir: str | Path | None,
    *,
    reporter_id: str,
    reporter_role: str,
    category: str,
    description: str | None,
    photos: Sequence[str | Path] = (),
    urgency: str = "normal",
    title: str | None = None,
    lat: float | None = None,
    lon: float | None = None,
    location_text: str | None = None,
    household_id: str | None = None,
    person_id: str | None = None,
    building_id: str | None = None,
    area_id: str | None = None,
    source: str = "snap",
    reported_at: datetime | None = None,
    handle_now: OnTheSpot | None = None,
    reuse_photos: Sequence[Photo] = (),
) -> Incident:
    """Report an incident (随手拍, a resident's request, a need raised in a visit).

    The place is the first photo's EXIF position, else the typed coordinates,
    else the household's or building's. `reuse_photos` are photo records whose
    files are already stored (a visit's). `handle_now` adds the on-the-spot
    handling event in the same transaction.
    """
    values = _clean_report(category, description, urgency, title, lat, lon, location_text, source, reported_at)
    cat = check_category(values["category"], tables.category_table(tx.s))
    place = _place(tx.s, household_id, person_id, building_id, area_id)
    if (photos or (handle_now and handle_now.photos)) and photos_dir is None:
        raise ValueError("photos_dir is required to attach photos")
    # An escalated hazard (source inspection) brings the photos its inspection took, or none with the reason the
    # inspection had to give for that (domain.places.inspections: a failed item needs a photo or a reason).
    needs_photo = source == Source.snap.value or (cat.photo_required and source != Source.inspection.value)
    if needs_photo and not (photos or reuse_photos):
        raise ValidationError("photos", "请至少拍一张现场照片", "Take at least one photo of the scene", code="required")
    report = Event(Action.report.value, reporter_id, reporter_role, values["reported_at"])
    refusal = tables.rules(tx.s).check(IncidentState(), report)
    if refusal:
        raise refusal
    incident = Incident(title=values["title"], description=values["description"], category=cat.code, reporter_id=reporter_id)
    stored = [attach_photo(tx, photos_dir, p, "incident", incident.id, area_id=place.area_id) for p in photos]
    stored += [_copy_photo(tx, p, "incident", incident.id, place.area_id) for p in reuse_photos]
    _locate(values, place, stored)
    values |= {"reporter_id": reporter_id, "photo_ids": [p.id for p in stored]}
    values |= {"area_id": place.area_id, "household_id": place.household_id, "person_id": place.person_id}
    for name, value in values.items():
        setattr(incident, name, value)
    record_upsert(tx.s, incident, present(values), tx.changes)
    _append(tx, incident, IncidentState(), report, photo_ids=incident.photo_ids)
    if handle_now is not None:
        transition_incident(
            tx, incident.id, Action.handle.value, actor_id=reporter_id, actor_role=reporter_role,
            at=values["reported_at"], note=handle_now.note, photos=handle_now.photos, photos_dir=photos_dir,
        )
    return incident


def _clean_report(
    category, description, urgency, title, lat, lon, location_text, source, reported_at
) -> dict[str, Any]:
    text = v.text("description", description, required=True, max_len=2000)
    head = v.text("title", title, max_len=100) or text.splitlines()[0][:40]
    return {
        "category": v.text("category", category, required=True, max_len=32),
        "description": text,
        "title": head,
        "urgency": v.enum(Urgency, "urgency", urgency or "normal", required=True).value,
        "source": v.enum(Source, "source", source or "snap", required=True).value,
        **coordinates(lat, lon),
        "location_text": v.text("location_text", location_text, max_len=200),
        "reported_at": aware("reported_at", reported_at) if reported_at is not None else utcnow(),
    }


@dataclass(frozen=True)
class _Place:
    area_id: str
    household_id: str | None
    person_id: str | None
    household: Household | None
    building: Building | None


def _place(s: Session, household_id, person_id, building_id, area_id) -> _Place:
    """Household, person, building and area of a report, each filled in from the others."""
    person = get_live(s, Person, person_id) if person_id else None
    household_id = household_id or (person.household_id if person else None)
    household = get_live(s, Household, household_id) if household_id else None
    building_id = building_id or (household.building_id if household else None)
    building = get_live(s, Building, building_id) if building_id else None
    area = area_id or next((r.area_id for r in (household, person, building) if r is not None and r.area_id), None)
    if area is None:
        raise ValidationError("area_id", "请选择事件所属网格", "Choose the grid the incident belongs to", code="required")
    return _Place(area, household_id, person_id, household, building)


def _locate(values: dict[str, Any], place: _Place, photos: Sequence[Photo]) -> None:
    first = photos[0] if photos else None
    if first is not None and first.lat is not None and first.lon is not None:
        values["lat"], values["lon"] = first.lat, first.lon
    elif values["lat"] is None and place.building is not None:
        values["lat"], values["lon"] = place.building.lat, place.building.lon
    if not values["location_text"]:
        if place.household is not None and place.household.address:
            values["location_text"] = place.household.address
        elif place.building is not None:
            b = place.building
            values["location_text"] = b.address or f"{b.estate or ''}{b.name}"


# -- the event log --------------------------------------------------------------------------
def incident_events(s: Session, incident_id: str) -> list[IncidentEvent]:
    """The log in the order it was written: by time — the event's, or when this device got it if that is
    earlier (an event a wrong clock dated in the future sorts where it arrived) — then insertion."""
    q = (
        select(IncidentEvent)
        .where(IncidentEvent.incident_id == incident_id, IncidentEvent.deleted == False)  # noqa: E712
        .order_by(func.min(IncidentEvent.at, IncidentEvent.updated_at), literal_column("incident_event.rowid"))
    )
    return list(s.exec(q))


def to_event(row: IncidentEvent) -> Event:
    return Event(
        action=row.action, actor_id=row.actor_id, actor_role=row.actor_role, at=row.at, note=row.note,
        assignee_id=row.assignee_id, deadline=row.deadline, level=row.level, rating=row.rating,
        partly_solved=row.partly_solved, reason=row.reason, duplicate_of=row.duplicate_of,
        photo_ids=tuple(row.photo_ids), received_at=row.updated_at,
    )


def incident_state(s: Session, incident_id: str, rules: Rules | None = None) -> IncidentState:
    """The state replayed from the local log."""
    return (rules or tables.rules(s)).replay(to_event(e) for e in incident_events(s, incident_id))


def _set_derived(tx: Tx, incident: Incident, state: IncidentState) -> None:
    """Write the derived fields for display: no outbox row (the server derives them itself)."""
    incident.status = state.status or Status.reported.value
    incident.level = state.level
    incident.assignee_id = state.assignee_id
    incident.deadline = state.deadline
    incident.overdue = state.overdue
    incident.rework_count = state.rework_count
    incident.rating = state.rating
    incident.handled_at = state.handled_at
    incident.closed_at = state.closed_at
    tx.s.add(incident)
    tx.changes.add(incident.entity, incident.id)


def _append(
    tx: Tx, incident: Incident, state: IncidentState, event: Event, *, photo_ids: Sequence[str] = ()
) -> IncidentState:
    new_state = tables.rules(tx.s).apply(state, event)
    values = {
        "area_id": incident.area_id,
        "incident_id": incident.id,
        "action": event.action,
        "actor_id": event.actor_id,
        "actor_role": event.actor_role,
        "at": event.at,
        "note": event.note,
        "assignee_id": event.assignee_id,
        "deadline": event.deadline,
        "level": event.level,
        "rating": event.rating,
        "partly_solved": event.partly_solved,
        "reason": event.reason,
        "duplicate_of": event.duplicate_of,
        "photo_ids": list(photo_ids),
    }
    append_record(tx, IncidentEvent(**values), values)
    _set_derived(tx, incident, new_state)
    return new_state


# -- transitions -------------------------------------------------------------------------------
@operation
def transition_incident(
    tx: Tx,
    incident_id: str,
    action: str,
    *,
    actor_id: str,
    actor_role: str,
    at: datetime | None = None,
    note: str | None = None,
    assignee_id: str | None = None,
    deadline: datetime | None = None,
    level: str | None = None,
    rating: int | None = None,
    partly_solved: bool = False,
    reason: str | None = None,
    duplicate_of: str | None = None,
    photos: Sequence[str | Path] = (),
    photos_dir: str | Path | None = None,
) -> IncidentState:
    """Add one event to an incident (accept, dispatch, handle, verify, rate, ...) and return the new state.

    The event is checked against the replayed local log before anything is
    written; a refusal raises lifecycle.Refusal with its reason and leaves no
    trace. Photos (e.g. "after" photos of handling) are stored only once the
    event is known to be allowed.
    """
    incident = get_live(tx.s, Incident, incident_id)
    if photos and photos_dir is None:
        raise ValueError("photos_dir is required to attach photos")
    if duplicate_of is not None and duplicate_of != incident_id:
        get_live(tx.s, Incident, duplicate_of)
    state = incident_state(tx.s, incident_id)
    when = aware("at", at) if at is not None else max(utcnow(), state.last_at or utcnow())
    event = Event(
        action=action, actor_id=actor_id, actor_role=actor_role, at=when,
        note=v.text("note", note, max_len=2000), assignee_id=assignee_id, deadline=deadline, level=level,
        rating=rating, partly_solved=partly_solved, reason=v.text("reason", reason, max_len=200),
        duplicate_of=duplicate_of, photo_ids=tuple(f"new:{i}" for i in range(len(photos))),
    )
    refusal = tables.rules(tx.s).check(state, event)
    if refusal:
        raise refusal
    stored = [attach_photo(tx, photos_dir, p, "incident", incident.id, area_id=incident.area_id) for p in photos]
    photo_ids = [p.id for p in stored]
    event = replace(event, photo_ids=tuple(photo_ids))
    return _append(tx, incident, state, event, photo_ids=photo_ids)


def allowed_actions(store: Any, incident_id: str, actor_id: str, actor_role: str) -> list[str]:
    """What this actor may do with the incident now (buttons to offer)."""
    with store.read() as s:
        get_live(s, Incident, incident_id)
        return tables.rules(s).allowed_actions(incident_state(s, incident_id), actor_id, actor_role)


# -- possible duplicates ---------------------------------------------------------------------------
@dataclass(frozen=True)
class PossibleDuplicate:
    incident: Incident
    distance_m: float


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def possible_duplicates(
    store: Any,
    category: str,
    lat: float,
    lon: float,
    at: datetime | None = None,
    *,
    radius_m: float = DUPLICATE_RADIUS_M,
    days: int = DUPLICATE_DAYS,
    exclude_id: str | None = None,
) -> list[PossibleDuplicate]:
    """Incidents of the same category within `radius_m` reported in the `days` before `at`, nearest first.

    Among those: the open ones, and the closed ones closed within
    RECENTLY_CLOSED_DAYS before `at`; rejected ones are left out.
    """
    at = aware("at", at) if at is not None else utcnow()
    since = at - timedelta(days=days)
    dlat = radius_m / 111_320.0
    dlon = radius_m / (111_320.0 * max(math.cos(math.radians(lat)), 0.01))
    q = select(Incident).where(
        Incident.category == category,
        Incident.deleted == False,  # noqa: E712
        Incident.reported_at >= since,
        Incident.reported_at <= at,
        Incident.status != Status.rejected.value,
        or_(Incident.status != Status.closed.value, Incident.closed_at >= at - timedelta(days=RECENTLY_CLOSED_DAYS)),
        Incident.lat.between(lat - dlat, lat + dlat),
        Incident.lon.between(lon - dlon, lon + dlon),
    )
    if exclude_id:
        q = q.where(Incident.id != exclude_id)
    with store.read() as s:
        found = [PossibleDuplicate(i, haversine_m(lat, lon, i.lat, i.lon)) for i in s.exec(q)]
    return sorted((d for d in found if d.distance_m <= radius_m), key=lambda d: d.distance_m)


def get_incident(store: Any, incident_id: str) -> Incident:
    with store.read() as s:
        incident = s.get(Incident, incident_id)
    if incident is None or incident.deleted:
        raise NotFound(f"找不到该事件（{incident_id}）", f"No such incident ({incident_id})")
    return incident


__all__ = [
    "OnTheSpot", "PossibleDuplicate", "Refusal", "allowed_actions", "append_record", "attach_photo", "check_category",
    "get_incident", "incident_events", "incident_state", "possible_duplicates", "report_incident",
    "transition_incident",
]
