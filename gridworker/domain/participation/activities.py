"""Activities (E动态: 宣讲, 议事, 志愿服务, 文体, 应急 …): publish, sign up, cancel, attendance, minutes.

An activity's state is a fold of its event log, like an order's. Members sign up before the sign-up
deadline while places are left (once each) and may cancel until it starts. Attendance is ticked by
staff, or a member types the 6-digit check-in code shown at the venue, as Decidim's meeting
registrations do: the code is drawn with `secrets`, staff open it only within the check-in window
(from CHECKIN_OPENS_BEFORE before the start to CHECKIN_CLOSES_AFTER after the end) and it is accepted
only within that window. The code is for staff eyes: sync never sends it to members, and the server
limits wrong tries (CODE_TRIES_PER_MEMBER). Deliberation meetings (议事会) keep minutes and decisions.
"""

from __future__ import annotations

import hmac
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from . import tables
from .common import MEMBER, STAFF, Refusal, check_actor, check_known, check_time, has_text, passing

PUBLISHED, CANCELLED = "published", "cancelled"
CHECKIN_OPENS_BEFORE = timedelta(minutes=30)
CHECKIN_CLOSES_AFTER = timedelta(minutes=30)
CODE_TRIES_PER_MEMBER = 5  # wrong codes a member may type per activity before the server stops asking (rate limit)
MAX_CAPACITY = 10_000
MAX_POINTS = 1_000
_CODE = re.compile(r"[0-9]{6}")

ACTIONS = ("publish", "sign_up", "cancel_signup", "open_checkin", "check_in", "mark_attended", "unmark_attended",
           "record_minutes", "cancel")
ACTION_LABELS = {
    "publish": ("发布活动", "publish activities"), "sign_up": ("报名", "sign up"),
    "cancel_signup": ("取消报名", "cancel a sign-up"), "open_checkin": ("开启签到码", "open the check-in code"),
    "check_in": ("签到", "check in"), "mark_attended": ("登记到场", "mark attendance"),
    "unmark_attended": ("撤销到场登记", "undo attendance"), "record_minutes": ("记录会议纪要", "record minutes"),
    "cancel": ("取消活动", "cancel activities"),
}
ROLES_OF = {
    "publish": STAFF, "open_checkin": STAFF, "mark_attended": STAFF, "unmark_attended": STAFF,
    "record_minutes": STAFF, "cancel": STAFF,
    "sign_up": frozenset({MEMBER}), "cancel_signup": frozenset({MEMBER}), "check_in": frozenset({MEMBER}),
}


def new_checkin_code() -> str:
    """Six digits from the operating system's secure random source (never `random`)."""
    return f"{secrets.randbelow(1_000_000):06d}"


@dataclass(frozen=True)
class Event:
    action: str
    actor_id: str
    actor_role: str
    at: datetime
    title: str | None = None  # publish: the activity's fields
    kind: str | None = None
    place: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    signup_deadline: datetime | None = None
    capacity: int | None = None  # None: no limit
    points: int = 0
    code: str | None = None  # open_checkin (from new_checkin_code), check_in (as typed)
    member_ids: tuple[str, ...] = ()  # mark_attended, unmark_attended
    minutes: str | None = None  # record_minutes
    decisions: tuple[str, ...] = ()  # record_minutes: what the meeting decided (议定事项)
    reason: str | None = None  # cancel


@dataclass(frozen=True)
class ActivityState:
    status: str | None = None
    title: str | None = None
    kind: str | None = None
    place: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    signup_deadline: datetime | None = None
    capacity: int | None = None
    points: int = 0
    signed_up: tuple[str, ...] = ()
    attended: tuple[str, ...] = ()
    checkin_code: str | None = None  # staff only: never synced to members
    minutes: str | None = None
    decisions: tuple[str, ...] = ()
    cancel_reason: str | None = None
    last_at: datetime | None = None

    @property
    def places_left(self) -> int | None:
        return None if self.capacity is None else self.capacity - len(self.signed_up)

    @property
    def points_due_to(self) -> tuple[str, ...]:
        """Members who earn the activity's points: those who attended (not a cancelled activity)."""
        return self.attended if self.status == PUBLISHED and self.points > 0 else ()

    def checkin_window(self) -> tuple[datetime, datetime]:
        return self.starts_at - CHECKIN_OPENS_BEFORE, self.ends_at + CHECKIN_CLOSES_AFTER


def check(state: ActivityState, event: Event) -> Refusal | None:
    try:
        _validate(state, event)
    except Refusal as refusal:
        return refusal
    return None


def apply(state: ActivityState, event: Event) -> ActivityState:
    _validate(state, event)
    return _TRANSITIONS[event.action](replace(state, last_at=event.at), event)


def replay(events: Iterable[Event]) -> ActivityState:
    state = ActivityState()
    for event in events:
        state = apply(state, event)
    return state


def allowed_actions(state: ActivityState, actor_id: str, actor_role: str, now: datetime) -> list[str]:
    """What this actor may do at `now` (fields such as the code or the minutes are still checked)."""
    return passing(ACTIONS, lambda action: _check_actor(state, action, actor_id, actor_role, now))


# -- checks -------------------------------------------------------------------------------------------


def _validate(state: ActivityState, e: Event) -> None:
    check_known(e.action, ACTIONS)
    check_time(e.at, state.last_at, e.action)
    _check_actor(state, e.action, e.actor_id, e.actor_role, e.at)
    _PAYLOAD.get(e.action, lambda s, e: None)(state, e)


def _check_actor(state: ActivityState, action: str, actor_id: str, role: str, at: datetime) -> None:
    zh, en = ACTION_LABELS[action]
    check_actor(actor_id, role, action, ROLES_OF[action], zh, en)
    if action == "publish":
        if state.status is not None:
            raise Refusal("already_published", "活动已发布", "The activity has already been published", action=action)
        return
    if state.status is None:
        raise Refusal("not_published", "活动尚未发布", "The activity has not been published", action=action)
    if state.status == CANCELLED:
        raise Refusal("cancelled", "活动已取消", "The activity was cancelled", action=action)
    _WHEN[action](state, action, actor_id, at)


def _refuse(code: str, zh: str, en: str, action: str) -> Refusal:
    return Refusal(code, zh, en, action=action)


def _signing_up(state: ActivityState, action: str, actor_id: str, at: datetime) -> None:
    if actor_id in state.signed_up:
        raise _refuse("already_signed_up", "你已报名此活动", "You have already signed up", action)
    if at > state.signup_deadline:
        raise _refuse("signup_closed", "报名已截止", "Sign-up has closed", action)
    if state.places_left is not None and state.places_left <= 0:
        raise _refuse("full", "名额已满", "No places left", action)


def _cancelling_signup(state: ActivityState, action: str, actor_id: str, at: datetime) -> None:
    if actor_id not in state.signed_up:
        raise _refuse("not_signed_up", "你未报名此活动", "You have not signed up", action)
    if actor_id in state.attended:
        raise _refuse("already_attended", "已签到，不能取消报名", "You have checked in; the sign-up cannot be cancelled", action)
    if at >= state.starts_at:
        raise _refuse("already_started", "活动已开始，不能取消报名", "The activity has started; the sign-up cannot be cancelled", action)


def _in_window(state: ActivityState, action: str, at: datetime) -> None:
    opens, closes = state.checkin_window()
    if at < opens:
        raise _refuse("checkin_not_open", f"签到在活动开始前{CHECKIN_OPENS_BEFORE.seconds // 60}分钟开放",
                      f"Check-in opens {CHECKIN_OPENS_BEFORE.seconds // 60} minutes before the start", action)
    if at > closes:
        raise _refuse("checkin_closed", "签到已结束", "Check-in has closed", action)


def _opening(state: ActivityState, action: str, actor_id: str, at: datetime) -> None:
    _in_window(state, action, at)


def _checking_in(state: ActivityState, action: str, actor_id: str, at: datetime) -> None:
    if actor_id not in state.signed_up:
        raise _refuse("not_signed_up", "你未报名此活动，请到现场登记", "You have not signed up; ask the staff at the venue", action)
    if actor_id in state.attended:
        raise _refuse("already_attended", "你已签到", "You have already checked in", action)
    _in_window(state, action, at)
    if state.checkin_code is None:
        raise _refuse("no_code", "现场尚未开启签到码", "The check-in code has not been opened at the venue", action)


def _marking(state: ActivityState, action: str, actor_id: str, at: datetime) -> None:
    if at < state.checkin_window()[0]:
        raise _refuse("not_started", "活动尚未开始，不能登记到场", "The activity has not started; attendance cannot be marked yet",
                      action)


def _minutes(state: ActivityState, action: str, actor_id: str, at: datetime) -> None:
    if state.kind not in tables.deliberation_kinds():
        raise _refuse("not_deliberation", "只有议事活动记录会议纪要", "Only deliberation meetings keep minutes", action)
    if at < state.starts_at:
        raise _refuse("not_started", "会议尚未开始", "The meeting has not started", action)


def _cancelling(state: ActivityState, action: str, actor_id: str, at: datetime) -> None:
    if at >= state.ends_at:
        raise _refuse("already_held", "活动已结束，不能取消", "The activity is over; it cannot be cancelled", action)


_WHEN: dict[str, Callable[[ActivityState, str, str, datetime], None]] = {
    "sign_up": _signing_up, "cancel_signup": _cancelling_signup, "open_checkin": _opening, "check_in": _checking_in,
    "mark_attended": _marking, "unmark_attended": _marking, "record_minutes": _minutes, "cancel": _cancelling,
}


def _aware(value: object) -> bool:
    return isinstance(value, datetime) and value.tzinfo is not None and value.utcoffset() is not None


def _publish_payload(state: ActivityState, e: Event) -> None:
    a = e.action
    if not has_text(e.title) or len(e.title.strip()) > 100:
        raise _refuse("title_required", "请填写活动标题（最多100字）", "Give the activity a title (at most 100 characters)", a)
    if e.kind not in tables.activity_kinds():
        raise _refuse("unknown_kind", "请选择活动类型", "Choose the kind of activity", a)
    if not has_text(e.place):
        raise _refuse("place_required", "请填写活动地点", "Give the place of the activity", a)
    if not (_aware(e.starts_at) and _aware(e.ends_at)) or e.ends_at <= e.starts_at:
        raise _refuse("invalid_time", "请填写开始和结束时间，结束须晚于开始", "Give a start and an end time, the end after the start", a)
    if not _aware(e.signup_deadline) or e.signup_deadline > e.starts_at:
        raise _refuse("invalid_signup_deadline", "报名截止时间须不晚于活动开始", "The sign-up deadline must not be after the start", a)
    if e.capacity is not None and (not isinstance(e.capacity, int) or isinstance(e.capacity, bool)
                                   or not 1 <= e.capacity <= MAX_CAPACITY):
        raise _refuse("invalid_capacity", f"名额须为1到{MAX_CAPACITY}，或不限", f"Places must be 1 to {MAX_CAPACITY}, or no limit", a)
    if not isinstance(e.points, int) or isinstance(e.points, bool) or not 0 <= e.points <= MAX_POINTS:
        raise _refuse("invalid_points", f"积分须为0到{MAX_POINTS}", f"Points must be 0 to {MAX_POINTS}", a)


def _open_payload(state: ActivityState, e: Event) -> None:
    if not isinstance(e.code, str) or not _CODE.fullmatch(e.code):
        raise _refuse("invalid_code", "签到码须为6位数字", "The check-in code must be 6 digits", e.action)


def _check_in_payload(state: ActivityState, e: Event) -> None:
    typed = e.code.strip() if isinstance(e.code, str) else ""
    if not hmac.compare_digest(typed.encode(), state.checkin_code.encode()):
        raise _refuse("wrong_code", "签到码不正确", "The check-in code is not right", e.action)


def _members_payload(state: ActivityState, e: Event) -> None:
    if not e.member_ids or not all(has_text(m) for m in e.member_ids):
        raise _refuse("members_required", "请选择党员", "Choose the members", e.action)
    if e.action == "unmark_attended" and not set(e.member_ids) <= set(state.attended):
        raise _refuse("not_attended", "所选党员未登记到场", "A chosen member was not marked as attending", e.action)


def _minutes_payload(state: ActivityState, e: Event) -> None:
    if not has_text(e.minutes):
        raise _refuse("minutes_required", "请填写会议纪要", "Write the minutes", e.action)
    if any(not has_text(d) for d in e.decisions):
        raise _refuse("empty_decision", "议定事项不能为空", "A decision cannot be empty", e.action)


def _cancel_payload(state: ActivityState, e: Event) -> None:
    if not has_text(e.reason):
        raise _refuse("reason_required", "取消活动须填写原因", "A reason is required to cancel the activity", e.action)


_PAYLOAD = {
    "publish": _publish_payload, "open_checkin": _open_payload, "check_in": _check_in_payload,
    "mark_attended": _members_payload, "unmark_attended": _members_payload, "record_minutes": _minutes_payload,
    "cancel": _cancel_payload,
}


# -- transitions ----------------------------------------------------------------------------------------


def _publish(s: ActivityState, e: Event) -> ActivityState:
    return replace(s, status=PUBLISHED, title=e.title.strip(), kind=e.kind, place=e.place.strip(), starts_at=e.starts_at,
                   ends_at=e.ends_at, signup_deadline=e.signup_deadline, capacity=e.capacity, points=e.points)


def _sign_up(s: ActivityState, e: Event) -> ActivityState:
    return replace(s, signed_up=s.signed_up + (e.actor_id,))


def _cancel_signup(s: ActivityState, e: Event) -> ActivityState:
    return replace(s, signed_up=tuple(m for m in s.signed_up if m != e.actor_id))


def _open_checkin(s: ActivityState, e: Event) -> ActivityState:
    return replace(s, checkin_code=e.code)


def _check_in(s: ActivityState, e: Event) -> ActivityState:
    return replace(s, attended=s.attended + (e.actor_id,))


def _mark(s: ActivityState, e: Event) -> ActivityState:
    return replace(s, attended=s.attended + tuple(m for m in dict.fromkeys(e.member_ids) if m not in s.attended))


def _unmark(s: ActivityState, e: Event) -> ActivityState:
    return replace(s, attended=tuple(m for m in s.attended if m not in e.member_ids))


def _record_minutes(s: ActivityState, e: Event) -> ActivityState:
    return replace(s, minutes=e.minutes.strip(), decisions=tuple(d.strip() for d in e.decisions))


def _cancel(s: ActivityState, e: Event) -> ActivityState:
    return replace(s, status=CANCELLED, cancel_reason=e.reason.strip(), checkin_code=None)


_TRANSITIONS = {
    "publish": _publish, "sign_up": _sign_up, "cancel_signup": _cancel_signup, "open_checkin": _open_checkin,
    "check_in": _check_in, "mark_attended": _mark, "unmark_attended": _unmark, "record_minutes": _record_minutes,
    "cancel": _cancel,
}
