"""The incident closed loop: which event may follow which, by whom, and what state results.

An incident's state is a fold of its append-only event log. The client checks
an event before adding it, the server checks it again when it arrives; both
use these rules, so a refusal reads the same on both sides. The full table of
transitions and the decisions behind the edge cases are in
docs/incident-lifecycle.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from .enums import Action, Level, Role, Status
from .errors import Refused
from .workdays import TZ, WorkCalendar

# Working days allowed from dispatch, by level ("1 day inside the community, 3 when the street must act").
DAYS_ALLOWED = {Level.community.value: 1, Level.street.value: 3}
CLOCK_RUNNING = frozenset({Status.dispatched, Status.in_progress})
STAFF = frozenset({Role.admin, Role.dispatcher})
REOPEN_MAX_RATING = 2

# From which statuses each action may be taken (None: the incident does not exist yet).
FROM: dict[str, frozenset] = {
    Action.report: frozenset({None}),
    Action.accept: frozenset({Status.reported}),
    Action.reject: frozenset({Status.reported, Status.accepted}),
    Action.dispatch: frozenset({Status.accepted, Status.dispatched, Status.parked}),
    Action.start: frozenset({Status.dispatched, Status.parked}),
    Action.return_: frozenset({Status.dispatched, Status.in_progress, Status.parked}),
    Action.park: frozenset(CLOCK_RUNNING),
    Action.extend: frozenset(CLOCK_RUNNING),
    Action.handle: frozenset({Status.in_progress, Status.reported}),
    Action.verify_pass: frozenset({Status.handled}),
    Action.verify_fail: frozenset({Status.handled}),
    Action.close: frozenset({Status.accepted, Status.dispatched, Status.in_progress, Status.parked, Status.handled}),
    Action.escalate: frozenset({Status.reported, Status.accepted, Status.dispatched, Status.in_progress, Status.parked}),
    Action.reopen: frozenset({Status.closed}),
    Action.rate: frozenset({Status.closed}),
    Action.comment: frozenset(Status),
}
STAFF_ONLY = frozenset(
    {Action.accept, Action.reject, Action.dispatch, Action.park, Action.extend, Action.close, Action.escalate, Action.reopen}
)
_EN_VERB = {
    Action.accept: "accept incidents",
    Action.reject: "reject incidents",
    Action.dispatch: "dispatch incidents",
    Action.park: "park incidents",
    Action.extend: "extend deadlines",
    Action.close: "close incidents",
    Action.escalate: "escalate incidents",
    Action.reopen: "reopen incidents",
}


@dataclass(frozen=True)
class Event:
    action: str
    actor_id: str
    actor_role: str
    at: datetime
    note: str | None = None
    assignee_id: str | None = None  # dispatch; reopen (optional: another handler)
    deadline: datetime | None = None  # extend: the new deadline
    level: str | None = None  # escalate: "street"
    rating: int | None = None  # rate: 1..5
    partly_solved: bool = False  # rate
    reason: str | None = None  # reject, return, verify_fail, reopen, park, extend, close before handling
    duplicate_of: str | None = None  # reject as a duplicate
    photo_ids: tuple[str, ...] = ()  # handle: at least one "after" photo
    # When the server received it (the client: when this device got it). The order rule measures later
    # events against the earlier of this and `at`, so an event a wrong clock dated in the future (2099)
    # cannot make every later one "out of order".
    received_at: datetime | None = None


@dataclass(frozen=True)
class IncidentState:
    status: str | None = None
    level: str = Level.community.value
    reporter_id: str | None = None
    assignee_id: str | None = None
    handled_by: str | None = None
    deadline: datetime | None = None
    overdue: bool = False  # judged at each transition and kept
    rework_count: int = 0  # verify_fail + reopen
    rating: int | None = None  # only while closed; cleared by reopen (the log keeps it)
    partly_solved: bool = False
    reported_at: datetime | None = None
    accepted_at: datetime | None = None
    dispatched_at: datetime | None = None  # the latest dispatch (also verify_fail, reopen)
    started_at: datetime | None = None
    handled_at: datetime | None = None
    closed_at: datetime | None = None
    closed_by: str | None = None
    closed_on_time: bool | None = None
    rejected_at: datetime | None = None
    reject_reason: str | None = None
    duplicate_of: str | None = None
    escalated_at: datetime | None = None
    on_the_spot: bool = False  # first handled by the reporting worker without dispatch (小事不出网格)
    parked_at: datetime | None = None
    paused_remaining: timedelta | None = None  # working time left on the clock while parked
    extensions: int = 0
    last_at: datetime | None = None  # no later event may be dated before it: the last event's at, or its receipt if earlier


def initial_state() -> IncidentState:
    return IncidentState()


class Refusal(Refused):
    """An event the rules do not allow; `code` says why for machines, zh/en for people."""

    def __init__(self, code: str, zh: str, en: str, *, action: str | None = None):
        super().__init__(zh, en, code=code, details={"action": action} if action else None)
        self.action = action


def _status_label(status: str | None, lang: str) -> str:
    if status is None:
        return "未上报" if lang == "zh" else "not reported"
    return Status(status).label(lang)


def _text(value: str | None) -> bool:
    return bool(value and value.strip())


class Rules:
    """The lifecycle rules, with the working-day calendar that deadlines are counted on."""

    def __init__(self, calendar: WorkCalendar | None = None):
        self.calendar = calendar or WorkCalendar.default()

    # -- public -------------------------------------------------------------------------------

    def check(self, state: IncidentState, event: Event) -> Refusal | None:
        try:
            self._validate(state, event)
        except Refusal as refusal:
            return refusal
        return None

    def apply(self, state: IncidentState, event: Event) -> IncidentState:
        self._validate(state, event)
        from .lifecycle_effects import transition  # what the event does; it needs this module's types

        return transition(self, state, event)

    def replay(self, events: Iterable[Event]) -> IncidentState:
        state = initial_state()
        for event in events:
            state = self.apply(state, event)
        return state

    def allowed_actions(self, state: IncidentState, actor_id: str, actor_role: str) -> list[str]:
        """Actions this actor may take now (the event's own fields, e.g. a reason, are still checked)."""
        allowed = []
        for action in Action:
            try:
                self._check_actor(state, action, actor_id, actor_role)
            except Refusal:
                continue
            allowed.append(action.value)
        return allowed

    def is_overdue(self, state: IncidentState, now: datetime) -> bool:
        """Whether the clock is running and has passed the deadline (state.overdue keeps the history)."""
        return state.status in CLOCK_RUNNING and state.deadline is not None and now > state.deadline

    def deadline_from(self, start: datetime, level: str) -> datetime:
        return self.calendar.add_workdays(start, DAYS_ALLOWED[level]).astimezone(TZ)

    # -- checks -------------------------------------------------------------------------------

    def _validate(self, state: IncidentState, event: Event) -> None:
        try:
            action = Action(event.action)
        except ValueError:
            raise Refusal("unknown_action", f"未知操作：{event.action}", f"Unknown action: {event.action}") from None
        if event.at.tzinfo is None or event.at.utcoffset() is None:
            raise Refusal("naive_time", "事件时间缺少时区", "The event time has no timezone", action=action)
        if state.last_at is not None and event.at < state.last_at:
            raise Refusal(
                "out_of_order",
                "事件时间早于上一条记录，请检查设备时间",
                "The event is dated before the previous one; check the device clock",
                action=action,
            )
        self._check_actor(state, action, event.actor_id, event.actor_role)
        _PAYLOAD_CHECKS.get(action, _no_payload)(self, state, event)

    def _check_actor(self, state: IncidentState, action: Action, actor_id: str, actor_role: str) -> None:
        try:
            role = Role(actor_role)
        except ValueError:
            raise Refusal("unknown_role", f"未知角色：{actor_role}", f"Unknown role: {actor_role}", action=action) from None
        if not actor_id:
            raise Refusal("no_actor", "缺少操作人", "The event names no actor", action=action)
        if action in STAFF_ONLY and role not in STAFF:
            raise Refusal(
                "role_not_allowed",
                f"只有社区工作人员或管理员可以{action.label('zh')}",
                f"Only a dispatcher or an admin can {_EN_VERB[action]}",
                action=action,
            )
        if state.status not in FROM[action]:
            raise _wrong_state(state, action, actor_id)
        _ACTOR_CHECKS.get(action, _anyone)(state, action, actor_id, role)


def _wrong_state(state: IncidentState, action: Action, actor_id: str) -> Refusal:
    if state.status is None:
        return Refusal("not_reported", "事件尚未上报", "The incident has not been reported yet", action=action)
    if action is Action.report:
        return Refusal("already_reported", "事件已上报", "The incident has already been reported", action=action)
    if state.status == Status.rejected:
        return Refusal(
            "rejected", "事件已不予受理，只能添加备注", "The incident was rejected; only comments can be added", action=action
        )
    if state.status == Status.closed:
        return Refusal("closed", "事件已办结", "The incident is closed", action=action)
    if action is Action.dispatch and state.status == Status.reported:
        return Refusal("not_accepted", "请先受理再派单", "Accept the incident before dispatching it", action=action)
    if action is Action.handle and state.status == Status.dispatched and actor_id == state.assignee_id:
        return Refusal("not_started", "请先开始处置再办结", "Start the work before handling the incident", action=action)
    if action is Action.escalate and state.status == Status.handled:
        return Refusal(
            "already_handled", "事件已办理，等待核查，不能再上报街道",
            "The incident is handled and awaits verification; it can no longer be escalated", action=action,
        )
    return Refusal(
        "wrong_state",
        f"事件处于“{_status_label(state.status, 'zh')}”状态，不能{action.label('zh')}",
        f"'{action.label('en')}' is not possible while the incident is {_status_label(state.status, 'en').lower()}",
        action=action,
    )


# -- who may act: identity checks after the role and state checks -------------------------------


def _anyone(state: IncidentState, action: Action, actor_id: str, role: Role) -> None:
    return None


def _reporter_role(state: IncidentState, action: Action, actor_id: str, role: Role) -> None:
    if role is Role.handler:
        raise Refusal("role_not_allowed", "处置人员不能上报事件", "A handler cannot report incidents", action=action)


def _assignee(state: IncidentState, action: Action, actor_id: str, role: Role) -> None:
    if actor_id != state.assignee_id:
        raise Refusal(
            "not_assignee",
            f"只有被指派的处置人员可以{action.label('zh')}",
            f"Only the assigned handler can {'return' if action is Action.return_ else action.value} this incident",
            action=action,
        )


def _handler_of(state: IncidentState, action: Action, actor_id: str, role: Role) -> None:
    if state.status == Status.reported:  # on the spot: the reporting grid worker, no dispatch
        if role is not Role.worker or actor_id != state.reporter_id:
            raise Refusal(
                "not_reporter",
                "只有上报该事件的网格员可以当场办结",
                "Only the grid worker who reported the incident can handle it on the spot",
                action=action,
            )
        return
    if actor_id != state.assignee_id:
        raise Refusal(
            "not_assignee", "只有被指派的处置人员可以办结", "Only the assigned handler can handle this incident", action=action
        )


def _verifier(state: IncidentState, action: Action, actor_id: str, role: Role) -> None:
    if actor_id == state.handled_by:
        raise Refusal(
            "self_verification", "不能核查自己办理的事件", "You cannot verify an incident you handled yourself", action=action
        )
    if role not in STAFF and not (role is Role.worker and actor_id == state.reporter_id):
        raise Refusal(
            "not_verifier",
            "只有上报该事件的网格员或社区工作人员可以核查",
            "Only the grid worker who reported the incident or a dispatcher can verify it",
            action=action,
        )


def _closer(state: IncidentState, action: Action, actor_id: str, role: Role) -> None:
    if state.status == Status.handled and actor_id == state.handled_by:
        raise Refusal(
            "self_verification", "不能结案自己办理的事件", "You cannot close an incident you handled yourself", action=action
        )


def _rater(state: IncidentState, action: Action, actor_id: str, role: Role) -> None:
    if role is Role.handler:
        raise Refusal(
            "role_not_allowed", "处置人员不能录入居民评价", "A handler cannot record the resident's rating", action=action
        )
    if state.rating is not None:
        raise Refusal("already_rated", "本次办结已评价", "This closing has already been rated", action=action)


def _reopener(state: IncidentState, action: Action, actor_id: str, role: Role) -> None:
    low = state.rating is not None and state.rating <= REOPEN_MAX_RATING
    if not (low or state.partly_solved):
        raise Refusal(
            "reopen_needs_low_rating",
            f"只有评价不高于{REOPEN_MAX_RATING}星或“部分解决”时才能重新办理",
            f"An incident can be reopened only after a rating of {REOPEN_MAX_RATING} or less or 'partly solved'",
            action=action,
        )


def _escalator(state: IncidentState, action: Action, actor_id: str, role: Role) -> None:
    if state.level == Level.street:
        raise Refusal("already_street", "事件已上报街道", "The incident has already been escalated to the street", action=action)


def _commenter(state: IncidentState, action: Action, actor_id: str, role: Role) -> None:
    if role is Role.handler and actor_id not in (state.assignee_id, state.handled_by):
        raise Refusal(
            "not_assignee", "只能对指派给自己的事件添加备注", "You can comment only on incidents assigned to you", action=action
        )


_ACTOR_CHECKS: dict[Action, Callable[[IncidentState, Action, str, Role], None]] = {
    Action.report: _reporter_role,
    Action.start: _assignee,
    Action.return_: _assignee,
    Action.handle: _handler_of,
    Action.verify_pass: _verifier,
    Action.verify_fail: _verifier,
    Action.close: _closer,
    Action.rate: _rater,
    Action.reopen: _reopener,
    Action.escalate: _escalator,
    Action.comment: _commenter,
}


# -- what the event must carry --------------------------------------------------------------------


def _no_payload(rules: Rules, state: IncidentState, event: Event) -> None:
    return None


def _needs_reason(zh_what: str, en_what: str) -> Callable[[Rules, IncidentState, Event], None]:
    def check(rules: Rules, state: IncidentState, event: Event) -> None:
        if not _text(event.reason):
            raise Refusal(
                "reason_required", f"{zh_what}须填写原因", f"A reason is required to {en_what}", action=event.action
            )

    return check


def _dispatch_payload(rules: Rules, state: IncidentState, event: Event) -> None:
    if not _text(event.assignee_id):
        raise Refusal("assignee_required", "派单须指定处置人员", "Dispatching needs an assignee", action=event.action)
    if state.status in (Status.dispatched, Status.parked) and event.assignee_id == state.assignee_id:
        raise Refusal(
            "same_assignee",
            "已派给该人员；恢复办理由处置人员“开始处置”，需要更多时间请延期",
            "Already assigned to this person; they resume with 'Start', and more time is given by extending the deadline",
            action=event.action,
        )


def _extend_payload(rules: Rules, state: IncidentState, event: Event) -> None:
    _needs_reason("延期", "extend the deadline")(rules, state, event)
    new = event.deadline
    if new is None or new.tzinfo is None or new.utcoffset() is None:
        raise Refusal("deadline_required", "延期须给出带时区的新期限", "Extending needs a new deadline with a timezone", action=event.action)
    if state.deadline is not None and new <= state.deadline:
        raise Refusal("deadline_not_later", "新期限必须晚于原期限", "The new deadline must be later than the current one", action=event.action)
    if new <= event.at:
        raise Refusal("deadline_passed", "新期限必须晚于延期时间", "The new deadline must be after the time of extending", action=event.action)
    if not rules.calendar.is_workday(new.astimezone(TZ).date()):
        raise Refusal(
            "deadline_not_workday", f"新期限 {new.astimezone(TZ):%Y-%m-%d} 不是工作日",
            f"The new deadline {new.astimezone(TZ):%Y-%m-%d} is not a working day", action=event.action,
        )


def _handle_payload(rules: Rules, state: IncidentState, event: Event) -> None:
    if not _text(event.note):
        raise Refusal("note_required", "办结须填写工作简述", "Handling needs a short write-up of the work", action=event.action)
    if not any(_text(p) for p in event.photo_ids):
        raise Refusal("photo_required", "办结须附至少一张处置后照片", "Handling needs at least one 'after' photo", action=event.action)


def _close_payload(rules: Rules, state: IncidentState, event: Event) -> None:
    if state.status != Status.handled and not (_text(event.reason) or _text(event.note)):
        raise Refusal(
            "reason_required", "未经办理直接结案须说明原因", "Closing an incident that was not handled needs a reason",
            action=event.action,
        )


def _escalate_payload(rules: Rules, state: IncidentState, event: Event) -> None:
    if event.level not in (None, Level.street.value):
        raise Refusal("invalid_level", "只能上报至街道", "An incident can only be escalated to the street", action=event.action)


def _reopen_payload(rules: Rules, state: IncidentState, event: Event) -> None:
    _needs_reason("重新办理", "reopen the incident")(rules, state, event)
    if not _text(event.assignee_id or state.assignee_id):
        raise Refusal("assignee_required", "重新办理须指定处置人员", "Reopening needs an assignee", action=event.action)


def _rate_payload(rules: Rules, state: IncidentState, event: Event) -> None:
    if not isinstance(event.rating, int) or isinstance(event.rating, bool) or not 1 <= event.rating <= 5:
        raise Refusal("invalid_rating", "评价须为1到5星", "The rating must be 1 to 5 stars", action=event.action)


def _comment_payload(rules: Rules, state: IncidentState, event: Event) -> None:
    if not _text(event.note):
        raise Refusal("note_required", "备注内容不能为空", "A comment needs some text", action=event.action)


_PAYLOAD_CHECKS: dict[Action, Callable[[Rules, IncidentState, Event], None]] = {
    Action.reject: _needs_reason("不予受理", "reject the incident"),
    Action.dispatch: _dispatch_payload,
    Action.return_: _needs_reason("退回", "return the incident"),
    Action.park: _needs_reason("挂起", "park the incident"),
    Action.extend: _extend_payload,
    Action.handle: _handle_payload,
    Action.verify_fail: _needs_reason("核查不通过", "fail the verification"),
    Action.close: _close_payload,
    Action.escalate: _escalate_payload,
    Action.reopen: _reopen_payload,
    Action.rate: _rate_payload,
    Action.comment: _comment_payload,
}
