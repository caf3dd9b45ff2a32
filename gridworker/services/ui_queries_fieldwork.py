"""What the field-work pages of the desktop app read, in one call each (no Qt here).

The visits page, the snap-and-report page, the incident board and the
dashboard call these through the task runner; each opens one read session
and returns plain dataclasses. One helper writes: `report_with_rotations`, a
report whose photos the user turned in the preview (gridworker.photos has no
rotation parameter, so a turned copy is made first).

Sync state is read from the outbox: a record with pending outbox rows is not
on the server yet, whatever the UI would like to say.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps
from sqlalchemy import and_, func, or_
from sqlmodel import Session, select

from ..domain.enums import SPECIAL_GROUP_TAGS, Action, PersonStatus, Relation, Role, Status, Tag
from ..domain.fieldwork import Incident, IncidentEvent, Photo, Visit, Walkround, local_day
from ..domain.lifecycle import CLOCK_RUNNING, Event, IncidentState, Refusal
from ..domain.models import Area, Building, Household, Outbox, Person, utcnow
from ..domain.users import User
from ..domain.workdays import WorkCalendar
from ..photos import inspect as inspect_photo
from ..store.areas import areas_below
from ..store.sync_tables import SyncBlob
from . import incidents, tables, visits
from .base import get_live
from .refused import Refusal, refusal_of, refused_ids
from .scope import writable_areas
from .search import find_people

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


# -- sync state ------------------------------------------------------------------------------
@dataclass(frozen=True)
class SyncState:
    """Outbox rows of a record and of what belongs to it (an incident's events and photos)."""

    pending: int = 0  # not yet acknowledged by the server
    rejected: int = 0  # refused by the server
    sent: int = 0
    photos_waiting: int = 0  # photo files the server does not have yet

    @property
    def state(self) -> str:
        """rejected | pending | photos | synced: never "synced" while anything is unsent."""
        if self.rejected:
            return "rejected"
        if self.pending:
            return "pending"
        if self.photos_waiting:
            return "photos"
        return "synced"


def _belongings(s: Session, entity: str, record_id: str) -> dict[str, list[str]]:
    """Entity → ids of the record and the create-only records that belong to it."""
    out = {entity: [record_id]}
    if entity == "incident":
        out["incident_event"] = list(s.exec(select(IncidentEvent.id).where(IncidentEvent.incident_id == record_id)))
    out["photo"] = list(s.exec(select(Photo.id).where(Photo.owner_entity == entity, Photo.entity_id == record_id)))
    return out


def _sync_state(s: Session, entity: str, record_id: str) -> SyncState:
    keys = _belongings(s, entity, record_id)
    which = or_(*(and_(Outbox.entity == e, Outbox.record_id.in_(ids)) for e, ids in keys.items() if ids))
    counts = dict(s.exec(select(Outbox.state, func.count()).where(which).group_by(Outbox.state)).all())
    shas = list(s.exec(select(Photo.sha256).where(Photo.id.in_(keys["photo"])))) if keys["photo"] else []
    waiting = 0
    if shas:
        waiting = s.exec(
            select(func.count()).where(SyncBlob.kind == "upload", SyncBlob.state != "done", SyncBlob.sha256.in_(shas))
        ).one()
    return SyncState(counts.get("pending", 0), counts.get("rejected", 0), counts.get("sent", 0), waiting)


def sync_state(store: Any, entity: str, record_id: str) -> SyncState:
    """Whether the server has this record (and its events and photos) yet."""
    with store.read() as s:
        return _sync_state(s, entity, record_id)


def _incidents_waiting(s: Session, ids: Sequence[str], state: str = "pending") -> set[str]:
    """Those of these incidents that have anything (report, event, photo) not yet sent (or refused: `state`)."""
    if not ids:
        return set()
    pending = Outbox.state == state
    found = set(s.exec(select(Outbox.record_id).where(pending, Outbox.entity == "incident", Outbox.record_id.in_(ids))))
    found |= set(
        s.exec(
            select(IncidentEvent.incident_id)
            .join(Outbox, and_(Outbox.entity == "incident_event", Outbox.record_id == IncidentEvent.id))
            .where(pending, IncidentEvent.incident_id.in_(ids))
        )
    )
    return found


@dataclass(frozen=True)
class Rejection:
    """An edit of this incident that the server refused, and why."""

    mutation_id: str
    entity: str
    record_id: str
    action: str | None  # the event's action, for incident_event rows
    made_at: datetime
    code: str
    message_zh: str
    message_en: str

    def message(self, lang: str = "zh") -> str:
        return self.message_zh if lang.startswith("zh") else self.message_en


def _rejections(s: Session, incident_id: str) -> list[Rejection]:
    keys = _belongings(s, "incident", incident_id)
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
                made_at=row.created_at,
                code=why.code,
                message_zh=why.zh,
                message_en=why.en,
            )
        )
    return out


# -- people known on this computer ------------------------------------------------------------
@dataclass(frozen=True)
class KnownPerson:
    id: str
    role: str | None  # None: only ever seen as an assignee
    display_name: str | None
    username: str | None = None  # None: not among the server's users this computer holds (seen in events only)


ROLE_ORDER = {Role.handler.value: 0, Role.worker.value: 1, Role.dispatcher.value: 2, Role.admin.value: 3}
ASSIGNABLE = (Role.handler.value, Role.worker.value)


def known_people(store: Any, me: Any = None, *, area_id: str | None = None) -> list[KnownPerson]:
    """People to choose from in the handler pickers: the server's active users, by name and role.

    With `area_id` (an incident's area): the handlers and workers whose areas
    lie on that area's branch (the area itself, above or below it), and
    handlers with no area (they serve anywhere). Ids seen acting or assigned
    in incidents, or logging visits, that are not among the stored users
    (an account that never synced) follow by id, as before users were kept.
    Handlers first, then workers, dispatchers, admins; within a role the named
    before those known by id only, the ones worked with lately first.
    """
    with store.read() as s:
        seen = _people_seen(s)
        users = list(s.exec(select(User)))
        branch = _branch(s, area_id) if area_id else None
    if me is not None:
        seen[me.id] = (me.role, utcnow())
    known = {u.id for u in users}  # a disabled user seen in events is not offered by id either
    users = [u for u in users if u.active]
    if branch is not None:
        users = [u for u in users if u.role in ASSIGNABLE and _works_on(u, branch)]
    people = [KnownPerson(u.id, u.role, u.display_name, u.username) for u in users] + [
        KnownPerson(pid, role, me.display_name if me is not None and pid == me.id else None)
        for pid, (role, _when) in seen.items()
        if pid not in known
    ]

    def order(p: KnownPerson) -> tuple:
        last_seen = seen[p.id][1].timestamp() if p.id in seen else 0.0  # the people worked with lately come first
        return (ROLE_ORDER.get(p.role or "", 4), p.username is None, -last_seen, p.display_name or "~", p.id)

    return sorted(people, key=order)


def _works_on(user: User, branch: set[str]) -> bool:
    return bool(branch & set(user.area_ids)) or (user.role == Role.handler.value and not user.area_ids)


def _people_seen(s: Session) -> dict[str, tuple[str | None, datetime]]:
    """Ids that acted or were assigned in incidents, or logged visits: id → (role if known, last seen)."""
    seen: dict[str, tuple[str | None, datetime]] = {}

    def note(person_id: str | None, role: str | None, when: datetime) -> None:
        if not person_id:
            return
        old_role, old_when = seen.get(person_id, (None, when))
        keep_new = role is not None and (old_role is None or when >= old_when)
        seen[person_id] = (role if keep_new else old_role, max(when, old_when))

    for pid, role, when in s.exec(
        select(IncidentEvent.actor_id, IncidentEvent.actor_role, func.max(IncidentEvent.at)).group_by(
            IncidentEvent.actor_id, IncidentEvent.actor_role
        )
    ):
        note(pid, role, when)
    for pid, when in s.exec(
        select(IncidentEvent.assignee_id, func.max(IncidentEvent.at))
        .where(IncidentEvent.assignee_id != None)  # noqa: E711
        .group_by(IncidentEvent.assignee_id)
    ):
        note(pid, None, when)
    for pid, when in s.exec(select(Visit.visitor_id, func.max(Visit.visited_at)).group_by(Visit.visitor_id)):
        note(pid, Role.worker.value if pid not in seen else None, when)
    return seen


def _branch(s: Session, area_id: str) -> set[str]:
    """The area, the areas above it and the areas below it: whoever works in one of them may take its work."""
    parent_of = dict(s.exec(select(Area.id, Area.parent_id).where(Area.deleted == False)).all())  # noqa: E712
    above: set[str] = set()
    current: str | None = area_id
    while current is not None and current not in above:
        above.add(current)
        current = parent_of.get(current)
    return above | areas_below(s, [area_id])


def people_names(store: Any, me: Any = None) -> dict[str, str]:
    """User id → display name, for every user this computer holds (disabled ones too: their past work stays named)."""
    with store.read() as s:
        names = dict(s.exec(select(User.id, User.display_name)).all())
    if me is not None and me.display_name:
        names[me.id] = me.display_name
    return names


# -- the incident board ------------------------------------------------------------------------
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
        waiting = _incidents_waiting(s, [i.id for i in found])
        calendar = tables.work_calendar(s)
        refused = _incidents_waiting(s, [i.id for i in found], "rejected")
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
        sync = _sync_state(s, "incident", incident_id)
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


# -- snap and report ---------------------------------------------------------------------------
def prepared_copy(src: str | Path, quarter_turns: int, folder: str | Path, *, keep_position: bool = True) -> Path:
    """A JPEG copy of a picture, upright, then turned `quarter_turns` × 90° clockwise; EXIF time kept.

    The copy says orientation 1 (its pixels are already the right way up), so
    the import does not turn it again. Without `keep_position` its GPS tags are
    left out: the user corrected the place, and report_incident would
    otherwise take the first photo's EXIF position over the typed one.
    """
    inspect_photo(src)  # refuses what the import would refuse (not a picture, too large) before decoding it
    turns = quarter_turns % 4
    target = Path(folder) / f"{Path(src).stem}-r{turns}{'' if keep_position else '-nogps'}.jpg"
    with Image.open(src) as img:
        exif = img.getexif()
        upright = ImageOps.exif_transpose(img)
        if turns:
            upright = upright.transpose(_CLOCKWISE[turns])
        exif[_ORIENTATION] = 1
        if not keep_position:
            exif.pop(_GPS_IFD, None)
        upright.convert("RGB").save(target, "JPEG", quality=95, exif=exif.tobytes())
    return target


_ORIENTATION = 0x0112
_GPS_IFD = 0x8825
_CLOCKWISE = {1: Image.Transpose.ROTATE_270, 2: Image.Transpose.ROTATE_180, 3: Image.Transpose.ROTATE_90}


def report_with_rotations(
    store: Any,
    photos_dir: str | Path,
    photos: Sequence[tuple[str | Path, int]],
    *,
    keep_photo_position: bool = True,
    **report: Any,
) -> Incident:
    """incidents.report_incident with photos given as (path, quarter turns clockwise).

    Turned copies (and copies without GPS, when the user typed a different
    place) are made in a temporary folder that is gone when this returns.
    """
    with tempfile.TemporaryDirectory(prefix="gw-report-") as tmp:
        paths = [
            prepared_copy(p, turns, tmp, keep_position=keep_photo_position)
            if turns % 4 or not keep_photo_position
            else Path(p)
            for p, turns in photos
        ]
        return incidents.report_incident(store, photos_dir, photos=paths, **report)


@dataclass(frozen=True)
class NearbyBuilding:
    building_id: str
    label: str  # estate + name
    area_id: str | None
    distance_m: float


def nearest_building(store: Any, lat: float, lon: float, *, max_m: float = 300.0) -> NearbyBuilding | None:
    """The building closest to a position (within `max_m`): it suggests the grid and the address."""
    dlat = max_m / 111_320.0
    dlon = max_m / (111_320.0 * max(math.cos(math.radians(lat)), 0.01))
    q = select(Building).where(
        Building.deleted == False,  # noqa: E712
        Building.lat.between(lat - dlat, lat + dlat),
        Building.lon.between(lon - dlon, lon + dlon),
    )
    with store.read() as s:
        allowed = writable_areas(s)
        near = [(incidents.haversine_m(lat, lon, b.lat, b.lon), b) for b in s.exec(q)]
    near = [(d, b) for d, b in near if d <= max_m and (allowed is None or b.area_id in allowed)]
    if not near:
        return None
    d, b = min(near, key=lambda t: t[0])
    return NearbyBuilding(b.id, f"{b.estate or ''}{b.name}", b.area_id, d)


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


@dataclass(frozen=True)
class HouseholdChoice:
    household_id: str
    address: str
    people: str  # a few names, to tell households apart
    area_id: str | None = None


def find_households(store: Any, text: str, *, limit: int = 30) -> list[HouseholdChoice]:
    """Households found by a resident's name, pinyin initials, phone or the address (the register search)."""
    with store.read() as s:
        allowed = writable_areas(s)  # an incident is raised only where the user may place it
    within = None if allowed is None else sorted(allowed)
    hits = find_people(store, text, limit=limit * 3, area_ids=within) if text.strip() else []
    names: dict[str, list[str]] = {}
    addresses: dict[str, str] = {}
    for hit in hits:
        if hit.household_id:
            addresses.setdefault(hit.household_id, hit.address)
            if hit.name not in names.setdefault(hit.household_id, []):
                names[hit.household_id].append(hit.name)
    ids = list(names)[:limit]
    with store.read() as s:
        areas = dict(s.exec(select(Household.id, Household.area_id).where(Household.id.in_(ids))).all()) if ids else {}
    return [HouseholdChoice(h, addresses[h], "、".join(names[h]), areas.get(h)) for h in ids]


@dataclass(frozen=True)
class AreaChoice:
    id: str
    name: str
    level: str
    depth: int  # 0 for the top areas on this computer


def area_choices(store: Any) -> list[AreaChoice]:
    """The areas records may be placed in (services.scope: a linked account's own), depth first."""
    with store.read() as s:
        areas = list(s.exec(select(Area).where(Area.deleted == False)))  # noqa: E712
        allowed = writable_areas(s)
    if allowed is not None:
        areas = [a for a in areas if a.id in allowed]
    ids = {a.id for a in areas}
    children: dict[str | None, list[Area]] = {}
    for a in areas:
        children.setdefault(a.parent_id if a.parent_id in ids else None, []).append(a)
    out: list[AreaChoice] = []

    def walk(parent: str | None, depth: int) -> None:
        for a in sorted(children.get(parent, []), key=lambda a: visits.natural_key(a.code)):
            out.append(AreaChoice(a.id, a.name, a.level, depth))
            walk(a.id, depth + 1)

    walk(None, 0)
    return out


# -- visits ---------------------------------------------------------------------------------
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


# -- the dashboard ---------------------------------------------------------------------------
def period_dates(preset: str, today: date) -> tuple[date, date]:
    """First and last day of a named period around `today` (China days)."""
    if preset == "this_month":
        return today.replace(day=1), today
    if preset == "last_month":
        last = today.replace(day=1) - timedelta(days=1)
        return last.replace(day=1), last
    if preset == "this_year":
        return today.replace(month=1, day=1), today
    raise ValueError(f"unknown period {preset!r}")


def export_names(store: Any, me: Any = None) -> dict[str, str]:
    """Area and user ids → names, for the dashboard and its workbook (ids are UUIDs: one map holds both)."""
    with store.read() as s:
        names = dict(s.exec(select(Area.id, Area.name)).all())
    return names | people_names(store, me)
