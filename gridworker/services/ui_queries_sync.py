"""What the sync panel shows, read in one short transaction: open conflicts, refused edits, photos waiting.

The GUI never opens a session itself (tests/core/test_layering.py); it calls
`review_lists` through the task runner and shows the plain rows it returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import select

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


@dataclass(frozen=True)
class RejectedRow:
    mutation_id: str
    entity: str
    record_id: str
    fields: dict[str, Any]
    reason_zh: str
    reason_en: str


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
            ConflictRow(c.id, c.entity, c.record_id, c.field, c.mine, c.theirs, c.winner, c.detected_at)
            for c in conflicts.open_conflicts(s)
        ]
        refused = [
            RejectedRow(r.mutation_id, r.entity, r.record_id, dict(r.fields or {}),
                        conflicts.reason(r, "zh"), conflicts.reason(r, "en"))
            for r in conflicts.rejected_edits(s)
        ]  # fmt: skip
        waiting = s.exec(select(SyncBlob).where(SyncBlob.kind == "upload", SyncBlob.state == "waiting"))
        photos = [PhotoRow(b.sha256, b.attempts, b.last_error, b.updated_at) for b in waiting]
    return ReviewLists(found, refused, photos)
