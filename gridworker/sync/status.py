"""The sync status of an account as saved in its database: counts of what waits, the last sync, the last error.

Light on purpose (no engine, no network, no search index): `gridworker status`
and the app's first paint read it. The sync engine and worker write what it reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from ..domain.models import Outbox
from ..store.accounts import Account
from ..store.database import Store
from ..store.sync_tables import SyncBlob, SyncConflict
from . import state
from .state_rule import current_state

OUTBOX = Outbox.__table__  # type: ignore[attr-defined]


@dataclass
class Counts:
    """What the status shows: computed from the database, so every process sees the same."""

    pending: int = 0
    rejected: int = 0
    conflicts: int = 0
    photos_waiting: int = 0
    photos_failed: int = 0


def counts(s: Session) -> Counts:
    conn = s.connection()
    by_state = dict(conn.execute(select(OUTBOX.c.state, func.count()).group_by(OUTBOX.c.state)).all())
    dismissed = conn.execute(
        select(func.count()).where(OUTBOX.c.state == "rejected", func.json_extract(OUTBOX.c.result, "$.dismissed_at") != None)  # noqa: E711
    ).scalar_one()
    conflicts = conn.execute(select(func.count()).select_from(SyncConflict).where(SyncConflict.resolution == None)).scalar_one()  # noqa: E711
    blobs = dict(
        conn.execute(
            select(SyncBlob.state, func.count()).where(SyncBlob.kind == "upload").group_by(SyncBlob.state)
        ).all()
    )
    return Counts(
        pending=by_state.get("pending", 0),
        rejected=by_state.get("rejected", 0) - dismissed,
        conflicts=conflicts,
        photos_waiting=blobs.get("waiting", 0),
        photos_failed=blobs.get("failed", 0),
    )


@dataclass(frozen=True)
class SyncStatus:
    state: str  # ok, syncing, offline, server busy, signed out: sign in again, update the app, not signed in, error
    online: bool | None  # None until the first sync of this run tells
    syncing: bool
    pending: int
    conflicts: int
    rejected: int
    photos_waiting: int
    last_success: datetime | None
    last_error: dict[str, Any] | None  # {code, zh, en, at}
    next_retry_s: float | None = None  # when a failed sync will be tried again by itself
    # Pulled records with a value this device could not read, kept aside: [{entity, id, fields}]
    set_aside: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        out = self.__dict__.copy()
        out["last_success"] = self.last_success.isoformat() if self.last_success else None
        return out


def read_status(account: Account, store: Store, *, online: bool | None = None, syncing: bool = False) -> SyncStatus:
    """The status as saved in the database: what `gridworker status` shows, and what a GUI shows at start."""
    with store.read() as s:
        c = counts(s)
        saved_state = state.get_meta(s, state.STATE)
        last_success = state.get_meta(s, state.LAST_SUCCESS)
        last_error = state.get_json(s, state.LAST_ERROR)
        token = state.get_meta(s, state.TOKEN)
        set_aside = state.get_json(s, state.SET_ASIDE, []) or []
    current = current_state((account.info.get("server") or {}).get("url"), token, saved_state, set_aside=bool(set_aside),
                            rejected=c.rejected, conflicts=c.conflicts)
    return SyncStatus(
        state="syncing" if syncing else current,
        online=online,
        syncing=syncing,
        pending=c.pending,
        conflicts=c.conflicts,
        rejected=c.rejected,
        photos_waiting=c.photos_waiting,
        last_success=datetime.fromisoformat(last_success) if last_success else None,
        last_error=last_error,
        set_aside=set_aside,
    )
