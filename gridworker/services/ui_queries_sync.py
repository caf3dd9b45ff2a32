"""What the sync panel shows, read in one short transaction: open conflicts, refused edits, photos waiting.

The GUI never opens a session itself (tests/core/test_layering.py); it calls
`review_lists` through the task runner and shows the plain rows it returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from ..domain.fieldwork import Incident, Visit
from ..domain.models import Area, Building, Household, Person
from ..store.database import Store
from ..sync import conflicts
from ..sync.tables import SyncBlob


@dataclass(frozen=True)
class ConflictRow:
    id: str
    entity: str
    record_id: str
    field: str
    mine: Any
    theirs: Any
    winner: str  # "mine" or "theirs": which value the record holds now
    detected_at: datetime
    label: str = ""  # what a person recognises the record by (address, name…); "" if not here any more


@dataclass(frozen=True)
class RejectedRow:
    mutation_id: str
    entity: str
    record_id: str
    fields: dict[str, Any]
    reason_zh: str
    reason_en: str
    label: str = ""


@dataclass(frozen=True)
class PhotoRow:
    sha256: str
    attempts: int
    last_error: str | None
    updated_at: datetime


@dataclass(frozen=True)
class ReviewLists:
    conflicts: list[ConflictRow]
    rejected: list[RejectedRow]
    photos: list[PhotoRow]


def review_lists(store: Store) -> ReviewLists:
    with store.read() as s:
        found = [
            ConflictRow(c.id, c.entity, c.record_id, c.field, c.mine, c.theirs, c.winner, c.detected_at,
                        record_label(s, c.entity, c.record_id))
            for c in conflicts.open_conflicts(s)
        ]  # fmt: skip
        refused = [
            RejectedRow(r.mutation_id, r.entity, r.record_id, dict(r.fields or {}),
                        conflicts.reason(r, "zh"), conflicts.reason(r, "en"), record_label(s, r.entity, r.record_id))
            for r in conflicts.rejected_edits(s)
        ]  # fmt: skip
        waiting = s.exec(select(SyncBlob).where(SyncBlob.kind == "upload", SyncBlob.state == "waiting"))
        photos = [PhotoRow(b.sha256, b.attempts, b.last_error, b.updated_at) for b in waiting]
    return ReviewLists(found, refused, photos)


def record_label(s: Session, entity: str, record_id: str) -> str:
    """The words a grid worker knows a record by: a household's address, a person's name, an incident's title."""
    model = {"household": Household, "person": Person, "building": Building, "area": Area,
             "incident": Incident, "visit": Visit}.get(entity)  # fmt: skip
    obj = s.get(model, record_id) if model is not None else None
    if obj is None:
        return ""
    if entity == "household":
        return obj.address or " ".join(p for p in (obj.unit and f"{obj.unit}单元", obj.room) if p)
    if entity == "building":
        return " ".join(p for p in (obj.estate, obj.name) if p)
    if entity == "incident":
        return obj.title or (obj.description or "")[:30]
    if entity == "visit":
        return record_label(s, "household", obj.household_id) if obj.household_id else ""
    return obj.name
