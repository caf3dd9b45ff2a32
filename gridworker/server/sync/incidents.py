"""Incidents on the server: events checked with the core lifecycle rules, derived fields set from them.

The rules are domain.lifecycle's — the same code the client runs offline — on
the server's holiday table. The event log is replayed in the order the events
were accepted (their `created_seq`); the rules refuse an event dated before
the previous one (or before its receipt, if that was earlier: a device clock
in the future cannot freeze an incident), so that order is also the order the
client uses.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from ...domain.lifecycle import Event, IncidentState, Rules
from ...domain.workdays import TABLE_FORMAT, TABLE_VERSION, WorkCalendar
from ..core.schema import records, server_meta
from .records import Rec

DERIVED = ("status", "level", "assignee_id", "deadline", "overdue", "rework_count", "rating")


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def to_event(data: dict[str, Any], received_at: float | None = None) -> Event:
    """A stored (or just validated) incident_event record as a lifecycle Event.

    `received_at`: when the server took it (epoch seconds); None for one being checked now.
    """
    return Event(
        action=data["action"],
        actor_id=data.get("actor_id") or "",
        actor_role=data.get("actor_role") or "",
        at=_when(data["at"]),
        note=data.get("note"),
        assignee_id=data.get("assignee_id"),
        deadline=_when(data.get("deadline")),
        level=data.get("level"),
        rating=data.get("rating"),
        partly_solved=bool(data.get("partly_solved")),
        reason=data.get("reason"),
        duplicate_of=data.get("duplicate_of"),
        photo_ids=tuple(data.get("photo_ids") or ()),
        received_at=datetime.fromtimestamp(time.time() if received_at is None else received_at, timezone.utc),
    )


def received_at(rec: Rec) -> float | None:
    """When the server took an event: kept in its meta since issue 11, else the row's last write."""
    return rec.meta.get("r") or rec.updated_at


def derived_fields(state: IncidentState) -> dict[str, Any]:
    """The incident's read-only wire fields for a lifecycle state (as the client shows them)."""
    return {
        "status": state.status or "reported",
        "level": state.level,
        "assignee_id": state.assignee_id,
        "deadline": state.deadline.isoformat() if state.deadline else None,
        "overdue": state.overdue,
        "rework_count": state.rework_count,
        "rating": state.rating,
    }


def replay(rules: Rules, events: list[Rec]) -> IncidentState:
    """The state from the stored log; an event the rules now refuse (a changed holiday table) is skipped."""
    state = IncidentState()
    for ev in events:
        event = to_event(ev.data, received_at(ev))
        if rules.check(state, event) is None:
            state = rules.apply(state, event)
    return state


CALENDAR_STAMP = "calendar_stamp"  # server_meta key, changed whenever the holiday periods change


def calendar_changed(conn: Connection) -> None:
    """Call in the transaction that changes the holiday records: every process rebuilds its rules."""
    stamp = uuid.uuid4().hex
    if conn.execute(update(server_meta).where(server_meta.c.key == CALENDAR_STAMP).values(value=stamp)).rowcount == 0:
        conn.execute(insert(server_meta).values(key=CALENDAR_STAMP, value=stamp))


class CalendarCache:
    """The lifecycle rules on the server's holiday table, rebuilt when the table changes."""

    def __init__(self):
        self._lock = threading.Lock()
        self._stamp: str | None = None
        self._rules: Rules | None = None

    def rules(self, conn: Connection) -> Rules:
        stamp = conn.execute(select(server_meta.c.value).where(server_meta.c.key == CALENDAR_STAMP)).scalar() or ""
        with self._lock:
            if self._rules is not None and self._stamp == stamp:
                return self._rules
        rules = Rules(calendar_from_db(conn))
        with self._lock:
            self._stamp, self._rules = stamp, rules
        return rules


def calendar_from_db(conn: Connection) -> WorkCalendar:
    """The holiday periods stored on the server; the shipped table if none were ever loaded."""
    rows = conn.execute(select(records.c.data).where(records.c.entity == "holiday", records.c.deleted.is_(False))).all()
    if not rows:
        return WorkCalendar.default()
    years: dict[str, list[dict]] = {}
    for (data,) in rows:
        period = json.loads(data)
        entry = {"name": period["name"], "from": period["from"], "to": period["to"], "workdays": period.get("workdays") or []}
        if period.get("name_en"):
            entry["name_en"] = period["name_en"]
        years.setdefault(str(period["year"]), []).append(entry)
    return WorkCalendar.from_table({"format": TABLE_FORMAT, "version": TABLE_VERSION, "years": years})
