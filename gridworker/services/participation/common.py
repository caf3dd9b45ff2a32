"""What the participation services share: ids derived from their source, timestamps, the create-only append."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from ...domain.models import SyncedRecord, utcnow
from ..incidents import aware, present
from ..incidents import append_record as _append_record
from ..base import Tx

# Ids derived from what they record (an award for one member and one piece of work): two desks making the
# same award make the same id, and the server refuses the second instead of paying twice.
NAMESPACE = uuid.UUID("6f1a7d52-3c1e-4c0a-9a43-5d7b1f3e0a16")


def derived_id(key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, key))


def when(at: datetime | None, last: datetime | None = None) -> datetime:
    """The event's time: given (with a timezone), else now — never before the log's last event."""
    if at is not None:
        return aware("at", at)
    now = utcnow()
    return max(now, last) if last is not None else now


def append(tx: Tx, obj: SyncedRecord, values: dict[str, Any]) -> SyncedRecord:
    """A create-only record (event, ledger entry) and its one outbox upsert."""
    _append_record(tx, obj, values)
    return obj


__all__ = ["append", "derived_id", "present", "when"]
