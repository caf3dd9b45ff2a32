"""Local tables of the sync engine (gridworker.sync), kept in the store so services may read them: the
conflicts list, the photo blob queue, the re-read checklist, held evictions, the records whose echo is written.

Everything else the engine keeps fits the existing tables: the outbox holds
the mutations and their results, Meta holds the token, the cursor, the epoch,
the clock and the last outcome (see gridworker.sync.state).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index
from sqlmodel import Field, SQLModel

from ..domain.models import new_id, utcnow


class SyncConflict(SQLModel, table=True):
    """One field where two edits collided: what this device sent and what the other side had.

    `winner` says which value the server kept ("theirs" or "mine"). The user
    reviews the list and may re-apply the losing value (`resolve`), which is
    then a new, ordinary local edit.
    """

    __tablename__ = "sync_conflict"
    __table_args__ = (Index("ix_sync_conflict_record", "entity", "record_id"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    mutation_id: str = Field(max_length=36)
    entity: str = Field(max_length=32)
    record_id: str = Field(max_length=36)
    field: str = Field(max_length=64)
    mine: Any = Field(default=None, sa_type=JSON)
    theirs: Any = Field(default=None, sa_type=JSON)
    winner: str = Field(max_length=8)
    detected_at: datetime = Field(default_factory=utcnow)
    # None while open; "mine" / "theirs" once the user chose.
    resolution: str | None = Field(default=None, index=True, max_length=8)
    resolved_at: datetime | None = None


class SyncBlob(SQLModel, table=True):
    """A photo file to move: `upload` (ours, to the server) or `thumb` (theirs, fetched eagerly).

    state: waiting → done; `unavailable` when the server does not have the
    file yet (another device has not uploaded it), retried at each sync.
    """

    __tablename__ = "sync_blob"

    sha256: str = Field(primary_key=True, max_length=64)
    kind: str = Field(primary_key=True, max_length=8)
    state: str = Field(default="waiting", index=True, max_length=12)
    attempts: int = 0
    last_error: str | None = None
    updated_at: datetime = Field(default_factory=utcnow)


class SyncResync(SQLModel, table=True):
    """Records to see again during a full re-read after 410 (server restored, or cursor too old).

    Filled when the re-read starts, emptied as pages arrive; what is left when
    the feed ends is not on the server any more (gridworker.sync.resync).
    """

    __tablename__ = "sync_resync"

    entity: str = Field(primary_key=True, max_length=32)
    record_id: str = Field(primary_key=True, max_length=36)


class SyncEvicted(SQLModel, table=True):
    """A record the server evicted (it left this user's scope) while it still had unsent edits.

    It stays until those edits are answered, then it goes; a later upsert of
    it in the feed (it came back) takes it off this list.
    """

    __tablename__ = "sync_evicted"

    entity: str = Field(primary_key=True, max_length=32)
    record_id: str = Field(primary_key=True, max_length=36)


class SyncUnsure(SQLModel, table=True):
    """A record whose row may differ from the server's record at the version the row holds.

    A push answer other than an `exact` `applied` one (merged, conflict, refused,
    an older server's) raised the row's version, or kept it, while the server's
    record at that version holds what the row does not (another writer's field,
    a cleaned value) or the row holds what the server refused. The pull writes
    such a record's next change whatever its version and takes it off this list;
    the others' echo of their own push is not written again (gridworker.sync.pull).
    """

    __tablename__ = "sync_unsure"

    entity: str = Field(primary_key=True, max_length=32)
    record_id: str = Field(primary_key=True, max_length=36)
