"""What each accepted incident event does to the state (domain.lifecycle checks the event first)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING

from .enums import Action, Level, Status
from .lifecycle import CLOCK_RUNNING, DAYS_ALLOWED, Event, IncidentState
from .workdays import DAY, TZ

if TYPE_CHECKING:
    from .lifecycle import Rules


def transition(rules: Rules, state: IncidentState, event: Event) -> IncidentState:
    """The state after an event the rules accepted."""
    late = state.status in CLOCK_RUNNING and state.deadline is not None and event.at > state.deadline
    order_at = event.at if event.received_at is None else min(event.at, event.received_at)
    base = replace(state, last_at=order_at, overdue=state.overdue or late)
    return _TRANSITIONS.get(Action(event.action), _unchanged)(rules, base, event)


def _unchanged(rules: Rules, s: IncidentState, e: Event) -> IncidentState:
    return s


def _fresh_dispatch(rules: Rules, s: IncidentState, e: Event, assignee_id: str | None) -> IncidentState:
    """Into DISPATCHED with a new deadline counted from this event (dispatch, verify_fail, reopen)."""
    return replace(
        s,
        status=Status.dispatched.value,
        assignee_id=assignee_id,
        dispatched_at=e.at,
        deadline=rules.deadline_from(e.at, s.level),
        parked_at=None,
        paused_remaining=None,
    )


def _report(rules: Rules, s: IncidentState, e: Event) -> IncidentState:
    return replace(s, status=Status.reported.value, reporter_id=e.actor_id, reported_at=e.at)


def _accept(rules: Rules, s: IncidentState, e: Event) -> IncidentState:
    return replace(s, status=Status.accepted.value, accepted_at=e.at)


def _reject(rules: Rules, s: IncidentState, e: Event) -> IncidentState:
    return replace(
        s, status=Status.rejected.value, rejected_at=e.at, reject_reason=e.reason.strip(), duplicate_of=e.duplicate_of
    )


def _dispatch(rules: Rules, s: IncidentState, e: Event) -> IncidentState:
    return _fresh_dispatch(rules, s, e, e.assignee_id)


def _start(rules: Rules, s: IncidentState, e: Event) -> IncidentState:
    if s.status == Status.parked:  # resume: the clock runs again with the working time that was left
        deadline = rules.calendar.add_working_time(e.at, s.paused_remaining or timedelta(0)).astimezone(TZ)
        s = replace(s, deadline=deadline, parked_at=None, paused_remaining=None)
    return replace(s, status=Status.in_progress.value, started_at=e.at)


def _return(rules: Rules, s: IncidentState, e: Event) -> IncidentState:
    return replace(s, status=Status.accepted.value, assignee_id=None, parked_at=None, paused_remaining=None)


def _park(rules: Rules, s: IncidentState, e: Event) -> IncidentState:
    left = max(rules.calendar.working_time_between(e.at, s.deadline), timedelta(0))
    return replace(s, status=Status.parked.value, parked_at=e.at, paused_remaining=left)


def _extend(rules: Rules, s: IncidentState, e: Event) -> IncidentState:
    return replace(s, deadline=e.deadline.astimezone(TZ), extensions=s.extensions + 1)


def _handle(rules: Rules, s: IncidentState, e: Event) -> IncidentState:
    on_the_spot = s.status == Status.reported
    return replace(
        s,
        status=Status.handled.value,
        handled_at=e.at,
        handled_by=e.actor_id,
        assignee_id=e.actor_id if on_the_spot else s.assignee_id,
        on_the_spot=s.on_the_spot or on_the_spot,
    )


def _close(rules: Rules, s: IncidentState, e: Event) -> IncidentState:
    return replace(
        s,
        status=Status.closed.value,
        closed_at=e.at,
        closed_by=e.actor_id,
        closed_on_time=not s.overdue,
        parked_at=None,
        paused_remaining=None,
    )


def _verify_fail(rules: Rules, s: IncidentState, e: Event) -> IncidentState:
    return replace(_fresh_dispatch(rules, s, e, s.handled_by), rework_count=s.rework_count + 1)


def _escalate(rules: Rules, s: IncidentState, e: Event) -> IncidentState:
    """Street level gets its own 3 working days from now, never less than what is already allowed."""
    s = replace(s, level=Level.street.value, escalated_at=e.at)
    if s.status in CLOCK_RUNNING:
        return replace(s, deadline=max(s.deadline, rules.deadline_from(e.at, s.level)))
    if s.status == Status.parked:
        return replace(s, paused_remaining=max(s.paused_remaining, DAYS_ALLOWED[s.level] * DAY))
    return s


def _reopen(rules: Rules, s: IncidentState, e: Event) -> IncidentState:
    s = replace(s, rating=None, partly_solved=False, closed_at=None, closed_by=None, closed_on_time=None)
    return replace(_fresh_dispatch(rules, s, e, e.assignee_id or s.assignee_id), rework_count=s.rework_count + 1)


def _rate(rules: Rules, s: IncidentState, e: Event) -> IncidentState:
    return replace(s, rating=e.rating, partly_solved=bool(e.partly_solved))


_TRANSITIONS: dict[Action, Callable[[Rules, IncidentState, Event], IncidentState]] = {
    Action.report: _report,
    Action.accept: _accept,
    Action.reject: _reject,
    Action.dispatch: _dispatch,
    Action.start: _start,
    Action.return_: _return,
    Action.park: _park,
    Action.extend: _extend,
    Action.handle: _handle,
    Action.verify_pass: _close,
    Action.verify_fail: _verify_fail,
    Action.close: _close,
    Action.escalate: _escalate,
    Action.reopen: _reopen,
    Action.rate: _rate,
}
