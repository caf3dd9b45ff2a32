"""Record types of field work: visits, walk-rounds, incidents, their event log, photos.

Same pattern as `models.py`: wire field names exactly as in PROTOCOL.md. Three
class-level markers tell sync (and the services) how each entity travels:

- `create_only`: the record is pushed once, when it is made, and never edited
  (incident events, photos). Services refuse edits (services.incidents).
- `read_only_fields`: pulled from the server but never pushed. The incident's
  status, level, assignee, deadline, overdue flag, rework count and rating are
  derived from its events; the client computes them locally for display (the
  lifecycle rules replay the event log), the server sets them authoritatively.
- `local_only_fields`: the client's own columns, neither pushed nor pulled
  (like `models.LOCAL_FIELDS`): handled_at / closed_at, also derived from the
  events, kept so statistics can aggregate them in SQL.

`push_fields(model)` is the list a push may carry for an entity.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import ClassVar

from sqlalchemy import JSON, Index, text
from sqlmodel import Field

from .models import LOCAL_FIELDS, Household, Person, SyncedRecord, utcnow

# The condition of the partial index ix_person_tagged. A query must state it
# with a literal 0 (not a bound parameter) for SQLite to pick the index.
TAGGED = "json_array_length(tags) > 0"

# Days (a visit's day, a statistics period, "due" dates) are China's calendar
# days. China has one time zone and no daylight saving, so a fixed offset is
# exact and needs no tz database on Windows.
CHINA_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")


def local_day(moment: datetime) -> date:
    """The calendar day in China of an aware moment."""
    return moment.astimezone(CHINA_TZ).date()


def day_start(day: date) -> datetime:
    """The first moment of a China calendar day, as an aware datetime."""
    return datetime(day.year, day.month, day.day, tzinfo=CHINA_TZ)


class Visit(SyncedRecord, table=True):
    """One visit (走访) to a household, or to a building as a whole."""

    entity: ClassVar[str] = "visit"
    # Covering indexes: "was this household met in the period" (statistics, the
    # due list) and "visits of these grids in the period, by worker" (already
    # in worker order, so grouping needs no sort) read the index, never the rows.
    __table_args__ = (
        Index("ix_visit_household_at", "household_id", "visited_at", "outcome", "deleted"),
        Index("ix_visit_area_visitor", "area_id", "visitor_id", "visited_at", "outcome", "deleted"),
    )

    household_id: str | None = Field(default=None, max_length=36)
    building_id: str | None = Field(default=None, index=True, max_length=36)
    visited_at: datetime = Field(default_factory=utcnow)
    visitor_id: str = Field(index=True, max_length=36)
    outcome: str = Field(max_length=16)
    notes: str | None = None
    needs: str | None = None
    photo_ids: list[str] = Field(default_factory=list, sa_type=JSON)
    lat: float | None = None
    lon: float | None = None


class Walkround(SyncedRecord, table=True):
    """A planned walk-round (巡查 / 扫楼): households in walking order.

    Extension entity `walkround` (not in PROTOCOL.md's minimum table): it syncs
    so that a plan made on the office PC is on the laptop in the field. Its
    progress is not stored: it is derived from the visits to its households
    made since `planned_at`, so two devices logging visits never conflict.
    """

    entity: ClassVar[str] = "walkround"

    name: str = Field(max_length=100)
    planner_id: str | None = Field(default=None, max_length=36)
    planned_at: datetime = Field(default_factory=utcnow)
    planned_for: date | None = None
    household_ids: list[str] = Field(default_factory=list, sa_type=JSON)
    # Places (场所) to inspect on the way (extension field place_ids): one walk-round mixes both, in
    # walking order (places.schedule.walking_key); progress of a place is an inspection since planned_at.
    place_ids: list[str] = Field(default_factory=list, sa_type=JSON)
    # open → done (every stop visited) | cancelled
    status: str = Field(default="open", index=True, max_length=12)
    finished_at: datetime | None = None


class Incident(SyncedRecord, table=True):
    """A matter reported (事件 / 诉求): the facts as reported, plus the state derived from its events."""

    entity: ClassVar[str] = "incident"
    read_only_fields: ClassVar[frozenset[str]] = frozenset(
        {"status", "level", "assignee_id", "deadline", "overdue", "rework_count", "rating"}
    )
    local_only_fields: ClassVar[frozenset[str]] = frozenset({"handled_at", "closed_at"})
    __table_args__ = (
        Index("ix_incident_category_reported", "category", "reported_at"),
        Index("ix_incident_status_deadline", "status", "deadline"),
        # Covering index of the statistics: every figure of a period is read from it.
        Index(
            "ix_incident_stats", "area_id", "reported_at", "deleted", "category", "status", "closed_at", "overdue",
            "rework_count", "handled_at", "deadline",
        ),
    )

    title: str = Field(max_length=100)
    description: str
    category: str = Field(max_length=32)
    urgency: str = Field(default="normal", max_length=8)
    lat: float | None = None
    lon: float | None = None
    location_text: str | None = Field(default=None, max_length=200)
    reported_at: datetime = Field(default_factory=utcnow, index=True)
    reporter_id: str = Field(max_length=36)
    household_id: str | None = Field(default=None, index=True, max_length=36)
    person_id: str | None = Field(default=None, index=True, max_length=36)
    source: str = Field(default="snap", max_length=12)
    photo_ids: list[str] = Field(default_factory=list, sa_type=JSON)
    # Derived from the event log (read-only on the wire).
    status: str = Field(default="reported", max_length=12)
    level: str = Field(default="community", max_length=12)
    assignee_id: str | None = Field(default=None, index=True, max_length=36)
    deadline: datetime | None = None
    overdue: bool = False
    rework_count: int = 0
    rating: int | None = None
    # Derived, local only.
    handled_at: datetime | None = None
    closed_at: datetime | None = None


class IncidentEvent(SyncedRecord, table=True):
    """One step of an incident's life. Create only: the log is appended to, never edited.

    `actor_role` is read-only on the wire: the server knows each user's role
    and states it in pulled events; the client keeps it so the lifecycle
    rules can replay the log offline. `partly_solved` (with a rating) is an
    extension field, as in domain.wire.
    """

    __tablename__ = "incident_event"
    entity: ClassVar[str] = "incident_event"
    create_only: ClassVar[bool] = True
    read_only_fields: ClassVar[frozenset[str]] = frozenset({"actor_role"})
    __table_args__ = (Index("ix_incident_event_incident_at", "incident_id", "at"),)

    incident_id: str = Field(max_length=36)
    action: str = Field(max_length=16)
    actor_id: str = Field(max_length=36)
    actor_role: str = Field(max_length=16)
    at: datetime = Field(default_factory=utcnow)
    note: str | None = None
    assignee_id: str | None = Field(default=None, max_length=36)
    deadline: datetime | None = None
    level: str | None = Field(default=None, max_length=12)
    rating: int | None = None
    partly_solved: bool = False
    reason: str | None = None
    duplicate_of: str | None = Field(default=None, max_length=36)
    photo_ids: list[str] = Field(default_factory=list, sa_type=JSON)


class Photo(SyncedRecord, table=True):
    """A photo attached to a record; the file is content-addressed by `sha256`. Create only."""

    entity: ClassVar[str] = "photo"
    create_only: ClassVar[bool] = True
    __table_args__ = (Index("ix_photo_owner", "entity", "entity_id"),)

    sha256: str = Field(index=True, max_length=64)
    # The wire field is called `entity`, like the ClassVar above; the column
    # name is kept, the attribute is `owner_entity` (see push_fields).
    owner_entity: str = Field(max_length=32, sa_column_kwargs={"name": "entity"})
    entity_id: str = Field(max_length=36)
    taken_at: datetime | None = None
    lat: float | None = None
    lon: float | None = None
    width: int
    height: int
    bytes: int
    mime: str = Field(max_length=32)
    caption: str | None = Field(default=None, max_length=200)


# Indexes on register tables that only field work needs (statistics, the due
# list): live households of an area with their ids, and the people who carry
# any tag (about one in ten) with what the special-group figures read.
Index("ix_household_area_live", Household.area_id, Household.deleted, Household.id)
Index(
    "ix_person_tagged", Person.area_id, Person.status, Person.deleted, Person.household_id, Person.tags,
    sqlite_where=text(TAGGED),
)

FIELDWORK_MODELS: dict[str, type[SyncedRecord]] = {
    m.entity: m for m in (Visit, Walkround, Incident, IncidentEvent, Photo)
}

# Attribute name → wire name, where Python forbids the wire name.
WIRE_NAMES: dict[type[SyncedRecord], dict[str, str]] = {Photo: {"owner_entity": "entity"}}


def push_fields(model: type[SyncedRecord]) -> list[str]:
    """Attribute names of an entity that a push may carry (no local, no read-only fields)."""
    read_only = getattr(model, "read_only_fields", frozenset())
    skip = LOCAL_FIELDS | read_only | getattr(model, "local_only_fields", frozenset())
    return [name for name in model.model_fields if name not in skip]


def wire_name(model: type[SyncedRecord], attribute: str) -> str:
    return WIRE_NAMES.get(model, {}).get(attribute, attribute)
