"""Service orders, activities and micro-wishes on the server: their state is a fold of their events.

A parent record (`service_order`, `activity`, `wish`) holds what was asked; its events
(`order_event`, `activity_event`, `wish_event`) change its state, each checked with the rules module of
domain.participation — the same rules the desktop and the web pages run. The first event (raise,
publish) takes its payload from the parent record (an order's need, an activity's time and place, the
wish), so nothing is said twice. The derived fields of the parent are set by the server from the state.

A member's check-in code is compared here and stored as nothing: on replay the check-in is taken as
having given the code that was open (it was checked when it arrived).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ...domain.participation import activities, orders, wishes
from ...domain.wire_participation import EVENT_PARENTS
from ...domain.workdays import WorkCalendar
from ..core.schema import records
from .records import Rec, rec_from_row

PARENT_OF_EVENT = {event: parent for event, (parent, _field) in EVENT_PARENTS.items()}
EVENT_OF_PARENT = {parent: event for event, (parent, _field) in EVENT_PARENTS.items()}
FIELD_OF_EVENT = {event: field for event, (_parent, field) in EVENT_PARENTS.items()}


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def load_events(conn: Connection, entity: str, parent_id: str) -> list[Rec]:
    rows = conn.execute(
        select(records).where(records.c.parent_id == parent_id, records.c.entity == entity).order_by(records.c.created_seq)
    )
    return [rec_from_row(r) for r in rows]


# -- wire data → domain events ------------------------------------------------------------------------
def order_event(parent: dict[str, Any], e: dict[str, Any], skills: tuple[str, ...] = ()) -> orders.Event:
    raising = e["action"] == "raise"
    return orders.Event(
        e["action"], e.get("actor_id") or "", e.get("actor_role") or "", _when(e.get("at")),
        note=parent.get("need") or parent.get("title") if raising else e.get("note"),
        reason=e.get("reason"), skill=e.get("skill"), takers_wanted=e.get("takers_wanted"),
        member_ids=tuple(e.get("member_ids") or ()), actor_skills=skills, photo_ids=tuple(e.get("photo_ids") or ()),
        rating=e.get("rating"), days_allowed=e.get("days_allowed"),
        resident_id=e.get("resident_id") or (parent.get("resident_id") if raising else None),
        visit_id=e.get("visit_id") or (parent.get("visit_id") if raising else None),
    )  # fmt: skip


def activity_event(parent: dict[str, Any], e: dict[str, Any]) -> activities.Event:
    publishing = e["action"] == "publish"
    extra: dict[str, Any] = {}
    if publishing:
        extra = {
            "title": parent.get("title"), "kind": parent.get("kind"), "place": parent.get("place"),
            "starts_at": _when(parent.get("starts_at")), "ends_at": _when(parent.get("ends_at")),
            "signup_deadline": _when(parent.get("signup_deadline") or parent.get("starts_at")),
            "capacity": parent.get("capacity"), "points": parent.get("points") or 0,
        }  # fmt: skip
    return activities.Event(
        e["action"], e.get("actor_id") or "", e.get("actor_role") or "", _when(e.get("at")), code=e.get("code"),
        member_ids=tuple(e.get("member_ids") or ()), minutes=e.get("minutes"), decisions=tuple(e.get("decisions") or ()),
        reason=e.get("reason"), **extra,
    )  # fmt: skip


def wish_event(parent: dict[str, Any], e: dict[str, Any]) -> wishes.Event:
    return wishes.Event(
        e["action"], e.get("actor_id") or "", e.get("actor_role") or "", _when(e.get("at")),
        wish=parent.get("wish") if e["action"] == "publish" else None, household_id=parent.get("household_id"),
        note=e.get("note"), photo_ids=tuple(e.get("photo_ids") or ()), reason=e.get("reason"),
    )  # fmt: skip


# -- folds --------------------------------------------------------------------------------------------
class Folds:
    """Applies events to a parent's state: `state(parent, log)` and `apply(parent, state, event data)`."""

    def __init__(self, calendar: WorkCalendar, skills_of: Callable[[str], tuple[str, ...]]):
        self.orders = orders.OrderRules(calendar)
        self.skills_of = skills_of

    def apply(self, parent: Rec, state: Any, e: dict[str, Any]) -> Any:
        """The state after event `e` (wire data); raises the rules' Refusal."""
        if parent.entity == "service_order":
            skills = self.skills_of(e.get("actor_id") or "") if e["action"] == "take" else ()
            return self.orders.apply(state or orders.OrderState(), order_event(parent.data, e, skills))
        if parent.entity == "activity":
            event = activity_event(parent.data, e)
            return activities.apply(state or activities.ActivityState(), event)
        return wishes.apply(state or wishes.WishState(), wish_event(parent.data, e))

    def state(self, parent: Rec, log: list[dict[str, Any]]) -> Any:
        """The state after the stored events (checked when they arrived: a check-in's code is the open one)."""
        state = None
        for e in log:
            if parent.entity == "activity" and e["action"] == "check_in":
                e = dict(e, code=state.checkin_code if state else None)
            if parent.entity == "service_order" and e["action"] == "take":
                # The skills were checked when the order was taken (a member's skills may change since).
                event = replace(order_event(parent.data, e), actor_skills=(state.skill,) if state and state.skill else ())
                state = self.orders.apply(state or orders.OrderState(), event)
                continue
            state = self.apply(parent, state, e)
        return state


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def derived(entity: str, state: Any) -> dict[str, Any]:
    """The read-only fields of a parent record from its state (None: no event yet)."""
    if entity == "service_order":
        s = state or orders.OrderState()
        return {
            "status": s.status, "source": s.source, "raised_by": s.raised_by, "skill": s.skill,
            "takers_wanted": s.takers_wanted if s.status else None, "takers": list(s.takers), "invited": list(s.invited),
            "deadline": _iso(s.deadline), "overdue": s.overdue, "write_up": s.write_up, "closed_at": _iso(s.closed_at),
            "rating": s.rating, "verified_at": _iso(s.verified_at), "on_time": s.on_time, "rework_count": s.rework_count,
        }  # fmt: skip
    if entity == "activity":
        s = state or activities.ActivityState()
        return {
            "status": s.status, "signed_up": list(s.signed_up), "attended": list(s.attended), "minutes": s.minutes,
            "decisions": list(s.decisions), "cancel_reason": s.cancel_reason,
        }  # fmt: skip
    s = state or wishes.WishState()
    return {"status": s.status, "claimed_by": s.claimed_by, "confirmed_by": s.confirmed_by, "photo_ids": list(s.photo_ids)}
