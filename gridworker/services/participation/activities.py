"""Activities (E动态): publish, tick attendance, open the 6-digit check-in code at the venue, record a
deliberation meeting's minutes and decisions, cancel, and award the points to those who attended.

The state is replayed from the local log with `domain.participation.activities`; a refused step raises
the rule's Refusal and writes nothing. A member's `check_in` arrives (pulled) without the code they
typed: it was checked by the server, so the replay takes it as typed right.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, literal_column
from sqlmodel import Session, select

from ...domain import validation as v
from ...domain.participation import activities as rules
from ...domain.participation.activities import ActivityState, Event
from ...domain.participation.common import STAFF, Refusal, check_actor
from ...domain.participation_records import Activity, ActivityEvent
from ..base import Tx, get_live, operation
from ..rule_items import pick_item
from ..changes import record_upsert
from .common import append, present, when
from .points import award

DEFAULT_RULE_ITEM = "A13.01"  # 参加志愿服务活动


def events(s: Session, activity_id: str) -> list[ActivityEvent]:
    q = (
        select(ActivityEvent)
        .where(ActivityEvent.activity_id == activity_id, ActivityEvent.deleted == False)  # noqa: E712
        .order_by(func.min(ActivityEvent.at, ActivityEvent.updated_at), literal_column("activity_event.rowid"))
    )
    return list(s.exec(q))


def _event(activity: Activity, row: ActivityEvent, state: ActivityState | None) -> Event:
    extra: dict[str, Any] = {}
    if row.action == "publish":
        extra = {"title": activity.title, "kind": activity.kind, "place": activity.place, "starts_at": activity.starts_at,
                 "ends_at": activity.ends_at, "signup_deadline": activity.signup_deadline or activity.starts_at,
                 "capacity": activity.capacity, "points": activity.points}
    code = row.code
    if row.action == "check_in":  # checked by the server when it arrived
        code = state.checkin_code if state is not None else None
    return Event(row.action, row.actor_id, row.actor_role, row.at, code=code, member_ids=tuple(row.member_ids),
                 minutes=row.minutes, decisions=tuple(row.decisions), reason=row.reason, **extra)


def state_of(s: Session, activity: Activity) -> ActivityState:
    state = ActivityState()
    for row in events(s, activity.id):
        state = rules.apply(state, _event(activity, row, state))
    return state


def _append(tx: Tx, activity: Activity, state: ActivityState, event: Event) -> ActivityState:
    new = rules.apply(state, event)
    values = {
        "area_id": activity.area_id, "activity_id": activity.id, "action": event.action, "actor_id": event.actor_id,
        "actor_role": event.actor_role, "at": event.at, "code": event.code if event.action == "open_checkin" else None,
        "member_ids": list(event.member_ids), "minutes": event.minutes, "decisions": list(event.decisions),
        "reason": event.reason,
    }
    append(tx, ActivityEvent(**values), values)
    for name, value in {"status": new.status, "signed_up": list(new.signed_up), "attended": list(new.attended),
                        "minutes": new.minutes, "decisions": list(new.decisions), "cancel_reason": new.cancel_reason}.items():
        setattr(activity, name, value)  # for display: the server derives them from the events
    tx.s.add(activity)
    tx.changes.add(activity.entity, activity.id)
    return new


@operation
def publish(tx: Tx, *, area_id: str, actor_id: str, actor_role: str, title: str, kind: str, place: str,
            starts_at: datetime, ends_at: datetime, signup_deadline: datetime | None = None, capacity: int | None = None,
            points: int = 0, description: str | None = None, rule_item: str | None = None,
            at: datetime | None = None) -> Activity:
    """A new activity, published at once to the members of its area."""
    deadline = signup_deadline or starts_at
    event = Event("publish", actor_id, actor_role, when(at), title=(title or "").strip(), kind=kind,
                  place=(place or "").strip(), starts_at=starts_at, ends_at=ends_at, signup_deadline=deadline,
                  capacity=capacity, points=points)
    rules.apply(ActivityState(), event)  # the rule's refusal before anything is written
    item = pick_item(tx.s, rule_item, DEFAULT_RULE_ITEM)
    values = {
        "area_id": area_id, "title": event.title, "kind": kind, "place": event.place,
        "description": v.text("description", description, max_len=2000), "starts_at": starts_at, "ends_at": ends_at,
        "signup_deadline": deadline, "capacity": capacity, "points": points, "rule_item": item,
    }
    activity = Activity(**values)
    record_upsert(tx.s, activity, present(values), tx.changes)
    _append(tx, activity, ActivityState(), event)
    return activity


@operation
def act(tx: Tx, activity_id: str, action: str, *, actor_id: str, actor_role: str, at: datetime | None = None,
        member_ids: Sequence[str] = (), minutes: str | None = None, decisions: Sequence[str] = (),
        reason: str | None = None, code: str | None = None) -> ActivityState:
    """One step: open_checkin (a new code is drawn), mark_attended / unmark_attended, record_minutes, cancel;
    sign_up / check_in are the members' own (through the server)."""
    activity = get_live(tx.s, Activity, activity_id)
    state = state_of(tx.s, activity)
    if action == "open_checkin":
        code = rules.new_checkin_code()
    event = Event(action, actor_id, actor_role, when(at, state.last_at), code=code, member_ids=tuple(member_ids),
                  minutes=v.text("minutes", minutes, max_len=10_000), decisions=tuple(d.strip() for d in decisions),
                  reason=v.text("reason", reason, max_len=200))
    refusal = rules.check(state, event)
    if refusal:
        raise refusal
    return _append(tx, activity, state, event)


@operation
def award_attendance(tx: Tx, activity_id: str, *, verified_by: str, actor_role: str, at: datetime | None = None) -> int:
    """The activity's points to each member who attended and has not had them (staff's): how many were paid."""
    check_actor(verified_by, actor_role, "award", STAFF, "为到场党员记分", "award an activity's points")
    activity = get_live(tx.s, Activity, activity_id)
    state = state_of(tx.s, activity)
    paid = 0
    for member in state.points_due_to:
        try:
            award(tx, "activity", activity.id, member, pick_item(tx.s, activity.rule_item, DEFAULT_RULE_ITEM), activity.points,
                  verified_by=verified_by, at=when(at, state.last_at))
        except Refusal as refusal:
            if refusal.code != "already_awarded":  # paid before (another desk, an earlier click): not twice
                raise
            continue
        paid += 1
    return paid


def code_of(store: Any, activity_id: str) -> str | None:
    """The check-in code open for the activity (staff's eyes only: shown big at the venue)."""
    with store.read() as s:
        return state_of(s, get_live(s, Activity, activity_id)).checkin_code


__all__ = ["act", "award_attendance", "code_of", "publish", "state_of"]
