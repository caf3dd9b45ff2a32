"""Whether a record is on the server yet, read from the outbox: a record with pending outbox rows is not,
whatever the UI would like to say."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, or_
from sqlmodel import Session, select

from ...domain.fieldwork import IncidentEvent, Photo
from ...domain.models import Outbox
from ...store.sync_tables import SyncBlob


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


def belongings(s: Session, entity: str, record_id: str) -> dict[str, list[str]]:
    """Entity → ids of the record and the create-only records that belong to it."""
    out = {entity: [record_id]}
    if entity == "incident":
        out["incident_event"] = list(s.exec(select(IncidentEvent.id).where(IncidentEvent.incident_id == record_id)))
    out["photo"] = list(s.exec(select(Photo.id).where(Photo.owner_entity == entity, Photo.entity_id == record_id)))
    return out


def sync_state_in(s: Session, entity: str, record_id: str) -> SyncState:
    keys = belongings(s, entity, record_id)
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
        return sync_state_in(s, entity, record_id)


def incidents_waiting(s: Session, ids: Sequence[str], state: str = "pending") -> set[str]:
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
