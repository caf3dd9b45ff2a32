"""Record types of the local store (SQLModel).

Every synced record has a client-made UUID `id`, the `area_id` that scopes it,
the server `version` it was last seen at (0: never on the server), a tombstone
flag, and `extra`: fields a newer server sends that this client does not know,
kept untouched (PROTOCOL.md). Columns are named as on the wire so that sync can
map them one to one; derived, local-only columns are listed in LOCAL_FIELDS.
"""

from __future__ import annotations

import os
from datetime import date, datetime, timezone
from typing import Any, ClassVar

from sqlalchemy import JSON, Index
from sqlmodel import Field, SQLModel


_VARIANT = {c: "89ab"[int(c, 16) & 3] for c in "0123456789abcdef"}


def new_id() -> str:
    """A random (version 4) UUID as text: `str(uuid.uuid4())` at a third of the cost (an import makes 150,000)."""
    h = os.urandom(16).hex()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:]}"


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class SyncedRecord(SQLModel):
    """Columns every synced entity has."""

    entity: ClassVar[str] = ""

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    area_id: str | None = Field(default=None, index=True, max_length=36)
    version: int = 0
    deleted: bool = False
    updated_at: datetime = Field(default_factory=utcnow)
    extra: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)


class Area(SyncedRecord, table=True):
    """The local copy of the area tree: district → street → community → grid → micro-grid."""

    entity: ClassVar[str] = "area"
    parent_id: str | None = Field(default=None, index=True, max_length=36)
    code: str = Field(index=True, max_length=64)
    name: str = Field(max_length=100)
    level: str = Field(max_length=16)


class Building(SyncedRecord, table=True):
    entity: ClassVar[str] = "building"
    __table_args__ = (Index("ix_building_key", "area_id", "estate", "name"),)

    estate: str | None = Field(default=None, max_length=100)
    name: str = Field(max_length=100)
    address: str | None = Field(default=None, max_length=200)
    units: int | None = None
    floors: int | None = None
    lat: float | None = None
    lon: float | None = None
    notes: str | None = None


class Household(SyncedRecord, table=True):
    entity: ClassVar[str] = "household"
    __table_args__ = (Index("ix_household_key", "building_id", "unit", "room"),)

    # No index of its own on area_id: ix_household_area_live (fieldwork.py) begins with it (migration 0012_s7_search).
    area_id: str | None = Field(default=None, max_length=36)

    building_id: str | None = Field(default=None, max_length=36)
    unit: str | None = Field(default=None, max_length=20)
    room: str | None = Field(default=None, max_length=20)
    floor: int | None = None
    address: str | None = Field(default=None, max_length=200)
    housing: str | None = Field(default=None, max_length=16)
    phone: str | None = Field(default=None, max_length=20)
    head_person_id: str | None = Field(default=None, max_length=36)
    notes: str | None = None


class Person(SyncedRecord, table=True):
    entity: ClassVar[str] = "person"

    household_id: str | None = Field(default=None, index=True, max_length=36)
    name: str = Field(max_length=50)  # looked up by name through search_doc (store.search.people_named)
    gender: str | None = Field(default=None, max_length=8)
    id_number: str | None = Field(default=None, index=True, max_length=18)
    birth_date: date | None = None
    phone: str | None = Field(default=None, index=True, max_length=20)
    relation: str | None = Field(default=None, max_length=20)
    residence: str | None = Field(default=None, max_length=16)
    tags: list[str] = Field(default_factory=list, sa_type=JSON)
    skills: str | None = Field(default=None, max_length=200)
    status: str = Field(default="active", max_length=16)
    notes: str | None = None
    # Local only: derived at write time for search.
    pinyin: str | None = Field(default=None, max_length=300)
    initials: str | None = Field(default=None, max_length=50)  # searched in search_doc, not here


class Membership(SyncedRecord, table=True):
    """One stay of a person in a household: who lived where, when, as what."""

    entity: ClassVar[str] = "membership"

    # No index on area_id: stays are read by person or household; only a link's area rewrite and a scope change's
    # eviction ask by area, once, and scan (migration 0012_s7_search: 0.45 MB of every 10,000 people).
    area_id: str | None = Field(default=None, max_length=36)

    person_id: str = Field(index=True, max_length=36)
    household_id: str = Field(index=True, max_length=36)
    relation: str | None = Field(default=None, max_length=20)
    moved_in: date | None = None
    moved_out: date | None = None
    reason: str | None = Field(default=None, max_length=200)


class Outbox(SQLModel, table=True):
    """A local change not yet acknowledged by the server (PROTOCOL.md push mutation)."""

    # No unique index on mutation_id (store migration 0010): 128 random bits made here; the look-ups of a
    # refused row by it also ask state = 'rejected', which ix_outbox_state answers.
    __table_args__ = (Index("ix_outbox_record", "entity", "record_id"),)

    seq: int | None = Field(default=None, primary_key=True)
    # NULL for a reference create never sent (store/outbox.py mutation_id_of; store migration 0013).
    mutation_id: str | None = Field(default_factory=new_id, max_length=36, nullable=True)
    entity: str = Field(max_length=32)
    record_id: str = Field(max_length=36)
    op: str = Field(max_length=8)
    fields: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    base_version: int | None = None
    hlc: str = Field(max_length=40)  # also the edit's time (no created_at: store migration 0013)
    # pending → sent (applied/merged/conflict) | rejected; kept for the user to review.
    state: str = Field(default="pending", index=True, max_length=12)
    result: dict[str, Any] | None = Field(default=None, sa_type=JSON)


class Meta(SQLModel, table=True):
    """Small key/value facts of this database: device id, HLC, sync cursor, account link."""

    key: str = Field(primary_key=True, max_length=64)
    value: str


REGISTER_MODELS: dict[str, type[SyncedRecord]] = {
    m.entity: m for m in (Area, Building, Household, Person, Membership)
}

# Fields that are the client's own and never sent.
LOCAL_FIELDS = frozenset({"id", "version", "deleted", "updated_at", "extra", "pinyin", "initials"})


def wire_fields(model: type[SyncedRecord]) -> list[str]:
    """The synced field names of an entity, as they appear in push `fields` and pull `data`."""
    return [name for name in model.model_fields if name not in LOCAL_FIELDS]


def to_wire(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value
