"""Service orders (居民点单 → 社区下单 → 党员接单): which event may follow which, by whom, and the state that results.

As for incidents (domain/lifecycle.py), an order's state is a fold of its append-only event log, and the
same rules run on the desktop, on the server and in the members' web pages. The states differ:

    raised ─publish/assign→ published | assigned ─take (enough takers)→ taken ─close→ closed ─verify→ verified
    (any open state) ─cancel→ cancelled; taken ─give_back→ published | assigned; closed ─send_back→ taken

An order is raised by a resident, by a grid worker from a visit, or by staff; staff publish it to the
members who have the skill it needs, or assign it to named members; members take it (one taker unless
`takers_wanted` says more); a taker closes it with photos and a write-up (拍照纪实、工作简述); the resident
rates it (or a grid worker or staff for them); staff verify it, which makes points due to the takers.
Deadlines are counted in working days from the offer, as incidents' are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from ..workdays import TZ, WorkCalendar
from . import tables
from .common import MEMBER, RESIDENT, STAFF, WORKER, Refusal, check_actor, check_known, check_time, has_text, passing

RAISED, PUBLISHED, ASSIGNED, TAKEN, CLOSED, VERIFIED, CANCELLED = (
    "raised", "published", "assigned", "taken", "closed", "verified", "cancelled")
STATUS_LABELS = {
    RAISED: ("待派单", "raised"), PUBLISHED: ("待接单", "published"), ASSIGNED: ("已指派", "assigned"),
    TAKEN: ("已接单", "taken"), CLOSED: ("待核实", "closed by the taker"), VERIFIED: ("已核实", "verified"),
    CANCELLED: ("已取消", "cancelled"),
}
OFFERED = frozenset({PUBLISHED, ASSIGNED})
OPEN = frozenset({RAISED, PUBLISHED, ASSIGNED, TAKEN, CLOSED})
CLOCK_RUNNING = frozenset({PUBLISHED, ASSIGNED, TAKEN})
DEFAULT_DAYS = 5  # working days from the offer when staff give none
MAX_DAYS = 30
MAX_TAKERS = 20
SOURCES = {RESIDENT: "resident", WORKER: "visit"}  # anyone else raising an order is staff: source "staff"

ACTIONS = ("raise", "publish", "assign", "take", "give_back", "close", "rate", "verify", "send_back", "cancel")
ACTION_LABELS = {
    "raise": ("点单", "raise an order"), "publish": ("发布", "publish orders"), "assign": ("指派", "assign orders"),
    "take": ("接单", "take orders"), "give_back": ("退单", "give an order back"), "close": ("结单", "close orders"),
    "rate": ("评价", "rate orders"), "verify": ("核实", "verify orders"), "send_back": ("退回重做", "send an order back"),
    "cancel": ("取消", "cancel orders"),
}
FROM: dict[str, frozenset] = {
    "raise": frozenset({None}),
    "publish": frozenset({RAISED, PUBLISHED, ASSIGNED}),
    "assign": frozenset({RAISED, PUBLISHED, ASSIGNED}),
    "take": OFFERED,
    "give_back": frozenset({PUBLISHED, ASSIGNED, TAKEN}),
    "close": frozenset({TAKEN}),
    "rate": frozenset({CLOSED}),
    "verify": frozenset({CLOSED}),
    "send_back": frozenset({CLOSED}),
    "cancel": OPEN,
}
ROLES_OF: dict[str, frozenset[str]] = {
    "raise": STAFF | {WORKER, RESIDENT},
    "publish": STAFF, "assign": STAFF, "verify": STAFF, "send_back": STAFF,
    "take": frozenset({MEMBER}), "give_back": frozenset({MEMBER}), "close": frozenset({MEMBER}),
    "rate": STAFF | {WORKER, RESIDENT},
    "cancel": STAFF | {RESIDENT},
}


@dataclass(frozen=True)
class Event:
    action: str
    actor_id: str
    actor_role: str
    at: datetime
    note: str | None = None  # raise: the need; close: the write-up (工作简述)
    reason: str | None = None  # give_back, send_back, cancel
    skill: str | None = None  # raise, publish: the skill a taker must have (None: anyone)
    takers_wanted: int | None = None  # raise (default 1), publish/assign (a change)
    member_ids: tuple[str, ...] = ()  # assign
    actor_skills: tuple[str, ...] = ()  # take: the taker's skills, filled in from their record by the service
    photo_ids: tuple[str, ...] = ()  # close: at least one (拍照纪实)
    rating: int | None = None  # rate: 1..5
    days_allowed: int | None = None  # publish, assign, send_back: working days to the deadline
    resident_id: str | None = None  # raise by a worker or staff: whose need it is (the resident who rates)
    visit_id: str | None = None  # raise from a visit


@dataclass(frozen=True)
class OrderState:
    status: str | None = None
    source: str | None = None  # resident | visit | staff
    raised_by: str | None = None
    resident_id: str | None = None
    skill: str | None = None
    takers_wanted: int = 1
    mode: str | None = None  # published | assigned: where a given-back order returns to
    invited: tuple[str, ...] = ()
    takers: tuple[str, ...] = ()
    deadline: datetime | None = None
    overdue: bool = False  # judged at each event and kept
    closed_by: str | None = None
    closed_at: datetime | None = None
    photo_ids: tuple[str, ...] = ()
    write_up: str | None = None
    rating: int | None = None
    rated_by: str | None = None
    verified_by: str | None = None
    verified_at: datetime | None = None
    on_time: bool | None = None  # set when verified
    rework_count: int = 0
    cancel_reason: str | None = None
    last_at: datetime | None = None

    @property
    def points_due_to(self) -> tuple[str, ...]:
        """The members who earn the order's points: its takers, once staff verified it."""
        return self.takers if self.status == VERIFIED else ()


def status_label(status: str | None, lang: str = "zh") -> str:
    if status is None:
        return "未点单" if lang.startswith("zh") else "not raised"
    zh, en = STATUS_LABELS[status]
    return zh if lang.startswith("zh") else en


class OrderRules:
    def __init__(self, calendar: WorkCalendar | None = None):
        self.calendar = calendar or WorkCalendar.default()

    def check(self, state: OrderState, event: Event) -> Refusal | None:
        try:
            self._validate(state, event)
        except Refusal as refusal:
            return refusal
        return None

    def apply(self, state: OrderState, event: Event) -> OrderState:
        self._validate(state, event)
        late = state.status in CLOCK_RUNNING and state.deadline is not None and event.at > state.deadline
        base = replace(state, last_at=event.at, overdue=state.overdue or late)
        return _TRANSITIONS[event.action](self, base, event)

    def replay(self, events: Iterable[Event]) -> OrderState:
        state = OrderState()
        for event in events:
            state = self.apply(state, event)
        return state

    def allowed_actions(self, state: OrderState, actor_id: str, actor_role: str, actor_skills: Iterable[str] = ()) -> list[str]:
        """Actions this actor may take now (the event's own fields, e.g. a reason, are still checked)."""
        skills = tuple(actor_skills)
        return passing(ACTIONS, lambda action: self._check_actor(state, action, actor_id, actor_role, skills))

    def deadline_from(self, start: datetime, days: int | None) -> datetime:
        return self.calendar.add_workdays(start, days or DEFAULT_DAYS).astimezone(TZ)

    def is_overdue(self, state: OrderState, now: datetime) -> bool:
        return state.status in CLOCK_RUNNING and state.deadline is not None and now > state.deadline

    # -- checks -------------------------------------------------------------------------------------

    def _validate(self, state: OrderState, event: Event) -> None:
        check_known(event.action, ACTIONS)
        check_time(event.at, state.last_at, event.action)
        self._check_actor(state, event.action, event.actor_id, event.actor_role, tuple(event.actor_skills))
        _PAYLOAD[event.action](state, event)

    def _check_actor(self, state: OrderState, action: str, actor_id: str, role: str, skills: tuple[str, ...]) -> None:
        zh, en = ACTION_LABELS[action]
        check_actor(actor_id, role, action, ROLES_OF[action], zh, en)
        if state.status not in FROM[action]:
            raise _wrong_state(state, action)
        _WHO[action](state, action, actor_id, role, skills)


def _wrong_state(state: OrderState, action: str) -> Refusal:
    if state.status is None:
        return Refusal("not_raised", "服务单尚未点单", "The order has not been raised yet", action=action)
    if action == "raise":
        return Refusal("already_raised", "服务单已点单", "The order has already been raised", action=action)
    if state.status == CANCELLED:
        return Refusal("cancelled", "服务单已取消", "The order was cancelled", action=action)
    if state.status == VERIFIED:
        return Refusal("verified", "服务单已核实完结", "The order is verified and finished", action=action)
    if state.status == TAKEN and action in ("publish", "assign", "take"):
        return Refusal("fully_taken", "接单人数已满", "The order already has all the takers it asked for", action=action)
    zh, en = ACTION_LABELS[action]
    return Refusal(
        "wrong_state",
        f"服务单处于“{status_label(state.status)}”状态，不能{zh}",
        f"'{en}' is not possible while the order is {status_label(state.status, 'en')}",
        action=action,
    )


# -- who may act, after the role and state checks ---------------------------------------------------


def _anyone(state: OrderState, action: str, actor_id: str, role: str, skills: tuple[str, ...]) -> None:
    return None


def _taker_candidate(state: OrderState, action: str, actor_id: str, role: str, skills: tuple[str, ...]) -> None:
    if actor_id in state.takers:
        raise Refusal("already_taken", "你已接过此单", "You have already taken this order", action=action)
    if actor_id in state.invited:
        return
    if state.status == ASSIGNED:
        raise Refusal("not_invited", "此单已指派给其他党员", "This order is assigned to other members", action=action)
    if state.skill is not None and state.skill not in skills:
        name = tables.skills()[state.skill]
        raise Refusal(
            "skill_missing", f"此单需要“{name.name}”特长", f"This order needs the skill '{name.name_en}'", action=action
        )


def _a_taker(state: OrderState, action: str, actor_id: str, role: str, skills: tuple[str, ...]) -> None:
    if actor_id not in state.takers:
        zh, en = ACTION_LABELS[action]
        raise Refusal("not_taker", f"只有接单人可以{zh}", f"Only a taker can {en}", action=action)


def _rater(state: OrderState, action: str, actor_id: str, role: str, skills: tuple[str, ...]) -> None:
    if actor_id in state.takers:
        raise Refusal("self_rating", "接单人不能评价自己的服务", "A taker cannot rate their own service", action=action)
    if role == RESIDENT and actor_id != state.resident_id:
        raise Refusal("not_resident", "只有提出需求的居民可以评价", "Only the resident who asked can rate the service", action=action)
    if state.rating is not None:
        raise Refusal("already_rated", "本次服务已评价", "This service has already been rated", action=action)


def _verifier(state: OrderState, action: str, actor_id: str, role: str, skills: tuple[str, ...]) -> None:
    if actor_id in state.takers:
        raise Refusal("self_verification", "不能核实自己接的单", "You cannot verify an order you took", action=action)
    if action == "verify" and state.rating is None:
        raise Refusal(
            "not_rated", "请先由居民（或网格员代为）评价再核实", "The resident (or a grid worker for them) must rate it first",
            action=action,
        )


def _canceller(state: OrderState, action: str, actor_id: str, role: str, skills: tuple[str, ...]) -> None:
    if role != RESIDENT:
        return
    if actor_id != state.resident_id:
        raise Refusal("not_resident", "只有提出需求的居民可以取消", "Only the resident who asked can cancel the order", action=action)
    if state.takers or state.status not in (RAISED, PUBLISHED, ASSIGNED):
        raise Refusal(
            "already_taken_by_member", "已有党员接单，请联系社区取消", "A member has taken the order; ask the community to cancel it",
            action=action,
        )


_WHO: dict[str, Callable[[OrderState, str, str, str, tuple[str, ...]], None]] = {
    "raise": _anyone, "publish": _anyone, "assign": _anyone, "take": _taker_candidate, "give_back": _a_taker,
    "close": _a_taker, "rate": _rater, "verify": _verifier, "send_back": _verifier, "cancel": _canceller,
}


# -- what the event must carry ------------------------------------------------------------------------


def _int_in(value: object, lo: int, hi: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and lo <= value <= hi


def _check_skill(skill: str | None, action: str) -> None:
    if skill is not None and skill not in tables.skills():
        raise Refusal("unknown_skill", "未知的特长类别", "Unknown skill", action=action)


def _check_wanted(state: OrderState, event: Event) -> None:
    wanted = event.takers_wanted
    if wanted is None:
        return
    if not _int_in(wanted, 1, MAX_TAKERS):
        raise Refusal("invalid_takers_wanted", f"接单人数须为1到{MAX_TAKERS}", f"The number of takers must be 1 to {MAX_TAKERS}",
                      action=event.action)
    if wanted < len(state.takers):
        raise Refusal("takers_wanted_below_takers", "接单人数不能少于已接单人数",
                      "The number of takers cannot be less than those who already took it", action=event.action)


def _check_days(event: Event) -> None:
    if event.days_allowed is not None and not _int_in(event.days_allowed, 1, MAX_DAYS):
        raise Refusal("invalid_days", f"办理期限须为1到{MAX_DAYS}个工作日", f"The time allowed must be 1 to {MAX_DAYS} working days",
                      action=event.action)


def _needs_reason(zh_what: str, en_what: str) -> Callable[[OrderState, Event], None]:
    def check(state: OrderState, event: Event) -> None:
        if not has_text(event.reason):
            raise Refusal("reason_required", f"{zh_what}须填写原因", f"A reason is required to {en_what}", action=event.action)

    return check


def _raise_payload(state: OrderState, event: Event) -> None:
    if not has_text(event.note):
        raise Refusal("need_required", "请填写需求内容", "Describe the need", action=event.action)
    _check_skill(event.skill, event.action)
    _check_wanted(state, event)
    if event.actor_role != RESIDENT and not has_text(event.resident_id):
        raise Refusal("resident_required", "代居民点单须指明居民", "An order raised for a resident must name the resident",
                      action=event.action)


def _offer_payload(state: OrderState, event: Event) -> None:
    _check_skill(event.skill, event.action)
    _check_wanted(state, event)
    _check_days(event)
    if event.action == "assign":
        members = [m for m in event.member_ids if has_text(m)]
        if not members or len(members) != len(event.member_ids):
            raise Refusal("members_required", "指派须选择党员", "Assigning needs at least one member", action=event.action)
        wanted = event.takers_wanted or state.takers_wanted
        if len(set(members) | set(state.takers)) > wanted:
            raise Refusal("too_many_members", f"最多指派{wanted}人（接单人数）",
                          f"At most {wanted} members can be assigned (the number of takers wanted)", action=event.action)


def _close_payload(state: OrderState, event: Event) -> None:
    if not has_text(event.note):
        raise Refusal("note_required", "结单须填写工作简述", "Closing needs a short write-up of the work", action=event.action)
    if not any(has_text(p) for p in event.photo_ids):
        raise Refusal("photo_required", "结单须附至少一张纪实照片", "Closing needs at least one photo of the work", action=event.action)


def _rate_payload(state: OrderState, event: Event) -> None:
    if not _int_in(event.rating, 1, 5):
        raise Refusal("invalid_rating", "评价须为1到5星", "The rating must be 1 to 5 stars", action=event.action)


def _send_back_payload(state: OrderState, event: Event) -> None:
    _needs_reason("退回重做", "send the order back")(state, event)
    _check_days(event)


_PAYLOAD: dict[str, Callable[[OrderState, Event], None]] = {
    "raise": _raise_payload, "publish": _offer_payload, "assign": _offer_payload, "take": lambda s, e: None,
    "give_back": _needs_reason("退单", "give the order back"), "close": _close_payload, "rate": _rate_payload,
    "verify": lambda s, e: None, "send_back": _send_back_payload, "cancel": _needs_reason("取消", "cancel the order"),
}


# -- what each accepted event does --------------------------------------------------------------------


def _raise(rules: OrderRules, s: OrderState, e: Event) -> OrderState:
    resident = e.actor_id if e.actor_role == RESIDENT else e.resident_id
    return replace(s, status=RAISED, source=SOURCES.get(e.actor_role, "staff"), raised_by=e.actor_id, resident_id=resident,
                   skill=e.skill, takers_wanted=e.takers_wanted or 1)


def _offer(rules: OrderRules, s: OrderState, e: Event) -> OrderState:
    mode = PUBLISHED if e.action == "publish" else ASSIGNED
    wanted = e.takers_wanted or s.takers_wanted
    invited = s.invited + tuple(m for m in dict.fromkeys(e.member_ids) if m not in s.invited)
    deadline = s.deadline if s.deadline is not None and e.days_allowed is None else rules.deadline_from(e.at, e.days_allowed)
    skill = e.skill if e.action == "publish" and e.skill is not None else s.skill
    status = TAKEN if len(s.takers) >= wanted else mode
    return replace(s, status=status, mode=mode, takers_wanted=wanted, invited=invited, deadline=deadline, skill=skill)


def _take(rules: OrderRules, s: OrderState, e: Event) -> OrderState:
    takers = s.takers + (e.actor_id,)
    return replace(s, takers=takers, status=TAKEN if len(takers) >= s.takers_wanted else s.status)


def _give_back(rules: OrderRules, s: OrderState, e: Event) -> OrderState:
    takers = tuple(t for t in s.takers if t != e.actor_id)
    invited = tuple(m for m in s.invited if m != e.actor_id)
    return replace(s, takers=takers, invited=invited, status=s.mode)


def _close(rules: OrderRules, s: OrderState, e: Event) -> OrderState:
    photos = tuple(p for p in e.photo_ids if has_text(p))
    return replace(s, status=CLOSED, closed_by=e.actor_id, closed_at=e.at, photo_ids=photos, write_up=e.note.strip())


def _rate(rules: OrderRules, s: OrderState, e: Event) -> OrderState:
    return replace(s, rating=e.rating, rated_by=e.actor_id)


def _verify(rules: OrderRules, s: OrderState, e: Event) -> OrderState:
    return replace(s, status=VERIFIED, verified_by=e.actor_id, verified_at=e.at, on_time=not s.overdue)


def _send_back(rules: OrderRules, s: OrderState, e: Event) -> OrderState:
    return replace(s, status=TAKEN, rating=None, rated_by=None, closed_by=None, closed_at=None,
                   deadline=rules.deadline_from(e.at, e.days_allowed), rework_count=s.rework_count + 1)


def _cancel(rules: OrderRules, s: OrderState, e: Event) -> OrderState:
    return replace(s, status=CANCELLED, cancel_reason=e.reason.strip())


_TRANSITIONS: dict[str, Callable[[OrderRules, OrderState, Event], OrderState]] = {
    "raise": _raise, "publish": _offer, "assign": _offer, "take": _take, "give_back": _give_back, "close": _close,
    "rate": _rate, "verify": _verify, "send_back": _send_back, "cancel": _cancel,
}
