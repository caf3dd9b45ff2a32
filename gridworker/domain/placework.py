"""Record types of places and their inspections, and of the grid's roster (issue 15; docs/places.md).

Same pattern as `models.py` and `fieldwork.py`: wire field names exactly as in
domain.wire.ENTITIES, with the markers sync reads:

- `Inspection` and `HazardEvent` are create only (an inspection and a step of
  a hazard are recorded once, never edited or deleted).
- `Hazard`'s status, deadline, extensions, overdue flag, sign-off and
  escalation are derived from its events (places.inspections.HazardRules):
  read-only on the wire, computed locally for display and set by the server.
- The checklist (server-managed) has no table: its records are kept like the
  categories' (services.tables).

A place's `pinyin`/`initials` are local columns derived for search, as a person's are.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, Index
from sqlmodel import Field

from .models import SyncedRecord, utcnow


class Place(SyncedRecord, table=True):
    """A place or organisation of the register (九小场所, property companies, organisations, units)."""

    entity: ClassVar[str] = "place"
    __table_args__ = (Index("ix_place_area_kind", "area_id", "kind", "deleted"),)

    name: str = Field(max_length=100)
    kind: str = Field(max_length=32)
    address: str | None = Field(default=None, max_length=200)
    building_id: str | None = Field(default=None, index=True, max_length=36)
    person_in_charge: str | None = Field(default=None, max_length=50)
    phone: str | None = Field(default=None, max_length=20)
    licence_number: str | None = Field(default=None, index=True, max_length=18)
    notes: str | None = None
    # Local only: derived at write time for search (as a person's).
    pinyin: str | None = Field(default=None, max_length=300)
    initials: str | None = Field(default=None, index=True, max_length=50)


class Inspection(SyncedRecord, table=True):
    """One inspection or re-inspection of a place. Create only."""

    entity: ClassVar[str] = "inspection"
    create_only: ClassVar[bool] = True
    __table_args__ = (Index("ix_inspection_place_at", "place_id", "at"),)

    place_id: str = Field(max_length=36)
    kind: str = Field(max_length=32)
    inspector_id: str = Field(max_length=36)
    at: datetime = Field(default_factory=utcnow)
    purpose: str = Field(default="routine", max_length=12)
    answers: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    verdicts: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    acknowledged_by: str | None = Field(default=None, max_length=50)
    notes: str | None = None
    photo_ids: list[str] = Field(default_factory=list, sa_type=JSON)


class Hazard(SyncedRecord, table=True):
    """A hazard found at an inspection: the facts when found, and the state derived from its events."""

    entity: ClassVar[str] = "hazard"
    read_only_fields: ClassVar[frozenset[str]] = frozenset(
        {"status", "deadline", "extensions", "overdue", "rectified_at", "escalated_at", "incident_id"}
    )
    __table_args__ = (
        Index("ix_hazard_place_status", "place_id", "status"),
        Index("ix_hazard_status_deadline", "status", "deadline"),
    )

    place_id: str = Field(max_length=36)
    inspection_id: str | None = Field(default=None, max_length=36)
    item_code: str = Field(max_length=32)
    severity: str = Field(max_length=12)
    found_at: datetime = Field(default_factory=utcnow)
    note: str | None = None
    photo_ids: list[str] = Field(default_factory=list, sa_type=JSON)
    # Derived from the event log (read-only on the wire).
    status: str = Field(default="open", max_length=12)
    deadline: datetime | None = None
    extensions: int = 0
    overdue: bool = False
    rectified_at: datetime | None = None
    escalated_at: datetime | None = None
    incident_id: str | None = Field(default=None, index=True, max_length=36)


class HazardEvent(SyncedRecord, table=True):
    """One step of a hazard's life (found, rectified, extended, not_rectified, escalated). Create only."""

    __tablename__ = "hazard_event"
    entity: ClassVar[str] = "hazard_event"
    create_only: ClassVar[bool] = True
    __table_args__ = (Index("ix_hazard_event_hazard_at", "hazard_id", "at"),)

    hazard_id: str = Field(max_length=36)
    action: str = Field(max_length=16)
    actor_id: str = Field(max_length=36)
    at: datetime = Field(default_factory=utcnow)
    inspection_id: str | None = Field(default=None, max_length=36)
    deadline: datetime | None = None
    reason: str | None = None
    incident_id: str | None = Field(default=None, max_length=36)
    severity: str | None = Field(default=None, max_length=12)
    item_code: str | None = Field(default=None, max_length=32)
    photo_ids: list[str] = Field(default_factory=list, sa_type=JSON)


class RosterMember(SyncedRecord, table=True):
    """A member of a grid's team (网格“1+6+N”): a person of the register, a user, or a name and phone."""

    __tablename__ = "roster_member"
    entity: ClassVar[str] = "roster_member"

    role: str = Field(max_length=16)
    person_id: str | None = Field(default=None, index=True, max_length=36)
    user_id: str | None = Field(default=None, index=True, max_length=36)
    name: str = Field(max_length=50)
    phone: str | None = Field(default=None, max_length=20)
    skills: str | None = Field(default=None, max_length=200)
    notes: str | None = None


PLACE_MODELS: dict[str, type[SyncedRecord]] = {
    m.entity: m for m in (Place, Inspection, Hazard, HazardEvent, RosterMember)
}
