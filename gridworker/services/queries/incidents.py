"""The incident board and an incident's detail: rows per tab, counts, time left on the clock, the actions
the user may take, refused steps, and the possible duplicates of a new report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_
from sqlmodel import Session, select

from ...domain import hlc
from ...domain.enums import Action, Status
from ...domain.fieldwork import Incident, IncidentEvent, Photo
from ...domain.lifecycle import CLOCK_RUNNING, Event, IncidentState
from ...domain.models import Household, Outbox, utcnow
from ...domain.workdays import WorkCalendar
from .. import incidents, tables
from ..base import get_live
from ..refused import Refusal, refusal_of
from .outbox import SyncState, belongings, incidents_waiting, sync_state_in


OPEN_STATUSES = (Status.accepted, Status.dispatched, Status.in_progress, Status.parked)


# The board's tabs: which statuses each shows.
VIEWS: dict[str, tuple[Status, ...]] = {
    "to_accept": (Status.reported,),
    "open": OPEN_STATUSES,
    "to_verify": (Status.handled,),
    "overdue": (Status.reported, *OPEN_STATUSES),
    "closed": (Status.closed,),
    "rejected": (Status.rejected,),
    "all": tuple(Status),
}


# Button order on the incident detail: the order of the closed loop.
ACTION_ORDER = tuple(a for a in Action if a is not Action.report)


@dataclass(frozen=True)
class Rejection:
    """An edit of this incident that the server refused, and why."""

    mutation_id: str
    entity: str
    record_id: str
    action: str | None  # the event's action, for incident_event rows
    made_at: datetime | None  # when the edit was made (its stamp)
    code: str
    message_zh: str
    message_en: str

    def message(self, lang: str = "zh") -> str:
        return self.message_zh if lang.startswith("zh") else self.message_en


def _rejections(s: Session, incident_id: str) -> list[Rejection]:
    keys = belongings(s, "incident", incident_id)
    which = or_(*(and_(Outbox.entity == e, Outbox.record_id.in_(ids)) for e, ids in keys.items() if ids))
    out = []
    for row in s.exec(select(Outbox).where(which, Outbox.state == "rejected").order_by(Outbox.seq)):
        why = refusal_of(row)  # the server's words in both languages (its "message" is in one only)
        out.append(
            Rejection(
                mutation_id=row.mutation_id,
                entity=row.entity,
                record_id=row.record_id,
                action=(row.fields or {}).get("action"),
                made_at=hlc.time_of(row.hlc),  # the edit's stamp is its time (the outbox keeps no other)
                code=why.code,
                message_zh=why.zh,
                message_en=why.en,
            )
        )
    return out


@dataclass(frozen=True)
class IncidentRow:
    id: str
    title: str
    category: str
    status: str
    urgency: str
    level: str
    reported_at: datetime
    deadline: datetime | None
    overdue: bool  # judged overdue at some transition (kept)
    late_now: bool  # the clock is running and the deadline has passed
    time_left: timedelta | None  # working time to the deadline; negative when late; None: no clock running
    assignee_id: str | None
    reporter_id: str
    location_text: str | None
    waiting_sync: bool
    refused: bool = False  # the server refused the report or a step of it: the detail says why


def time_left(
    status: str | None, deadline: datetime | None, now: datetime, calendar: WorkCalendar | None = None
) -> timedelta | None:
    """Working time from now to the deadline (holidays skipped), while the clock runs; negative when late.

    `calendar`: the one in force on this device (services.tables); the shipped one when not given."""
    if status not in CLOCK_RUNNING or deadline is None:
        return None
    return (calendar or incidents.default_rules().calendar).working_time_between(now, deadline)


def _board_filter(view: str, mine_of: str | None, text: str | None, now: datetime) -> list:
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}")
    where = [Incident.deleted == False, Incident.status.in_([s.value for s in VIEWS[view]])]  # noqa: E712
    if view == "overdue":
        running_late = and_(
            Incident.status.in_([s.value for s in CLOCK_RUNNING]),
            Incident.deadline != None,  # noqa: E711
            Incident.deadline < now,
        )
        where.append(or_(Incident.overdue == True, running_late))  # noqa: E712
    if mine_of:
        where.append(or_(Incident.assignee_id == mine_of, Incident.reporter_id == mine_of))
    if text and text.strip():
        like = f"%{text.strip()}%"
        where.append(or_(Incident.title.like(like), Incident.description.like(like), Incident.location_text.like(like)))
    return where


def list_incidents(
    store: Any,
    view: str,
    *,
    mine_of: str | None = None,
    text: str | None = None,
    offset: int = 0,
    limit: int = 200,
    now: datetime | None = None,
) -> list[IncidentRow]:
    """One page of the board: open work by deadline (soonest first), finished work newest first."""
    now = now or utcnow()
    q = select(Incident).where(*_board_filter(view, mine_of, text, now))
    if view in ("closed", "rejected", "all"):
        q = q.order_by(Incident.reported_at.desc(), Incident.id)
    else:
        q = q.order_by(Incident.deadline == None, Incident.deadline, Incident.reported_at, Incident.id)  # noqa: E711
    with store.read() as s:
        found = list(s.exec(q.offset(offset).limit(limit)))
        waiting = incidents_waiting(s, [i.id for i in found])
        calendar = tables.work_calendar(s)
        refused = incidents_waiting(s, [i.id for i in found], "rejected")
    rows = []
    for i in found:
        left = time_left(i.status, i.deadline, now, calendar)
        rows.append(
            IncidentRow(
                id=i.id,
                title=i.title,
                category=i.category,
                status=i.status,
                urgency=i.urgency,
                level=i.level,
                reported_at=i.reported_at,
                deadline=i.deadline,
                overdue=i.overdue,
                late_now=left is not None and left < timedelta(0),
                time_left=left,
                assignee_id=i.assignee_id,
                reporter_id=i.reporter_id,
                location_text=i.location_text,
                waiting_sync=i.id in waiting,
                refused=i.id in refused,
            )
        )
    return rows


def incident_counts(store: Any, *, mine_of: str | None = None, now: datetime | None = None) -> dict[str, int]:
    """How many incidents each tab of the board holds."""
    now = now or utcnow()
    with store.read() as s:
        return {
            view: s.exec(
                select(func.count()).select_from(Incident).where(*_board_filter(view, mine_of, None, now))
            ).one()
            for view in VIEWS
        }


@dataclass(frozen=True)
class ActionChoice:
    action: str
    allowed: bool
    refusal: Refusal | None  # why not, when not allowed


@dataclass
class IncidentDetail:
    incident: Incident
    state: IncidentState
    events: list[IncidentEvent]
    photos: dict[str, Photo]  # id → record, the report's and every event's
    actions: list[ActionChoice]
    sync: SyncState
    event_sync: dict[str, str]  # event id → pending | rejected | sent | server
    rejections: list[Rejection]
    time_left: timedelta | None
    household_address: str | None = None
    duplicate_of_title: str | None = None
    calendar: WorkCalendar | None = None  # the one in force here (services.tables): deadlines the user sets


def incident_detail(
    store: Any, incident_id: str, actor_id: str, actor_role: str, *, now: datetime | None = None
) -> IncidentDetail:
    """Everything the detail view shows, and what this actor may do now (with the reason for the rest)."""
    now = now or utcnow()
    with store.read() as s:
        rules = tables.rules(s)
        incident = get_live(s, Incident, incident_id)
        events = incidents.incident_events(s, incident_id)
        state = rules.replay(incidents.to_event(e) for e in events)
        photos = {
            p.id: p
            for p in s.exec(select(Photo).where(Photo.owner_entity == "incident", Photo.entity_id == incident_id))
        }
        sync = sync_state_in(s, "incident", incident_id)
        rejections = _rejections(s, incident_id)
        event_sync = _event_sync(s, [e.id for e in events])
        household = s.get(Household, incident.household_id) if incident.household_id else None
        duplicate = s.get(Incident, state.duplicate_of) if state.duplicate_of else None
    allowed = set(rules.allowed_actions(state, actor_id, actor_role))
    at = max(now, state.last_at or now)
    actions = [
        ActionChoice(
            a.value,
            a.value in allowed,
            None if a.value in allowed else rules.check(state, Event(a.value, actor_id, actor_role, at)),
        )
        for a in ACTION_ORDER
    ]
    return IncidentDetail(
        incident=incident,
        state=state,
        events=events,
        photos=photos,
        actions=actions,
        sync=sync,
        event_sync=event_sync,
        rejections=rejections,
        time_left=time_left(state.status, state.deadline, now, rules.calendar),
        household_address=household.address if household else None,
        duplicate_of_title=duplicate.title if duplicate else None,
        calendar=rules.calendar,
    )


def _event_sync(s: Session, event_ids: list[str]) -> dict[str, str]:
    states = {eid: "server" for eid in event_ids}
    if event_ids:
        q = select(Outbox.record_id, Outbox.state).where(
            Outbox.entity == "incident_event", Outbox.record_id.in_(event_ids)
        )
        for eid, st in s.exec(q):
            states[eid] = st
    return states


@dataclass(frozen=True)
class DuplicateCard:
    incident_id: str
    title: str
    status: str
    reported_at: datetime
    distance_m: float
    photo_sha: str | None  # the first photo, for a large thumbnail


def duplicate_cards(
    store: Any, category: str, lat: float, lon: float, *, exclude_id: str | None = None
) -> list[DuplicateCard]:
    """services.incidents.possible_duplicates, with each one's first photo."""
    found = incidents.possible_duplicates(store, category, lat, lon, exclude_id=exclude_id)
    first_ids = {d.incident.id: d.incident.photo_ids[0] for d in found if d.incident.photo_ids}
    with store.read() as s:
        shas = (
            dict(s.exec(select(Photo.id, Photo.sha256).where(Photo.id.in_(list(first_ids.values())))).all())
            if first_ids
            else {}
        )
    return [
        DuplicateCard(
            d.incident.id,
            d.incident.title,
            d.incident.status,
            d.incident.reported_at,
            d.distance_m,
            shas.get(first_ids.get(d.incident.id, "")),
        )
        for d in found
    ]
