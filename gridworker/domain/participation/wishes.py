"""Micro-wishes (微心愿): a resident's small wish — a school bag, a visit, a repair — published, claimed by a
member, fulfilled with a photo, confirmed by staff (points to the member), or withdrawn.

    published ─claim→ claimed ─fulfil→ fulfilled ─confirm→ confirmed
    claimed ─give_up→ published;  fulfilled ─reject→ claimed;  published | claimed ─withdraw→ withdrawn

A fold over an event log, like orders and activities.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from .common import MEMBER, STAFF, WORKER, Refusal, check_actor, check_known, check_time, has_text, passing

PUBLISHED, CLAIMED, FULFILLED, CONFIRMED, WITHDRAWN = "published", "claimed", "fulfilled", "confirmed", "withdrawn"
STATUS_LABELS = {
    PUBLISHED: ("待认领", "published"), CLAIMED: ("已认领", "claimed"), FULFILLED: ("待确认", "fulfilled"),
    CONFIRMED: ("已实现", "confirmed"), WITHDRAWN: ("已撤回", "withdrawn"),
}
ACTIONS = ("publish", "claim", "give_up", "fulfil", "confirm", "reject", "withdraw")
ACTION_LABELS = {
    "publish": ("发布心愿", "publish wishes"), "claim": ("认领", "claim wishes"), "give_up": ("放弃认领", "give a wish up"),
    "fulfil": ("实现心愿", "fulfil wishes"), "confirm": ("确认", "confirm wishes"), "reject": ("退回", "send a wish back"),
    "withdraw": ("撤回", "withdraw wishes"),
}
FROM = {
    "publish": frozenset({None}), "claim": frozenset({PUBLISHED}), "give_up": frozenset({CLAIMED}),
    "fulfil": frozenset({CLAIMED}), "confirm": frozenset({FULFILLED}), "reject": frozenset({FULFILLED}),
    "withdraw": frozenset({PUBLISHED, CLAIMED}),
}
ROLES_OF = {
    "publish": STAFF | {WORKER}, "claim": frozenset({MEMBER}), "give_up": frozenset({MEMBER}),
    "fulfil": frozenset({MEMBER}), "confirm": STAFF, "reject": STAFF, "withdraw": STAFF,
}
NEEDS_REASON = frozenset({"give_up", "reject", "withdraw"})


@dataclass(frozen=True)
class Event:
    action: str
    actor_id: str
    actor_role: str
    at: datetime
    wish: str | None = None  # publish: what is wished for
    household_id: str | None = None  # publish: often a special-group household of the register
    note: str | None = None  # fulfil: what was done
    photo_ids: tuple[str, ...] = ()  # fulfil: at least one
    reason: str | None = None  # give_up, reject, withdraw


@dataclass(frozen=True)
class WishState:
    status: str | None = None
    wish: str | None = None
    household_id: str | None = None
    published_by: str | None = None
    claimed_by: str | None = None
    claimed_at: datetime | None = None
    note: str | None = None
    photo_ids: tuple[str, ...] = ()
    confirmed_by: str | None = None
    reason: str | None = None  # the latest give-up, rejection or withdrawal
    last_at: datetime | None = None

    @property
    def points_due_to(self) -> tuple[str, ...]:
        return (self.claimed_by,) if self.status == CONFIRMED else ()


def check(state: WishState, event: Event) -> Refusal | None:
    try:
        _validate(state, event)
    except Refusal as refusal:
        return refusal
    return None


def apply(state: WishState, e: Event) -> WishState:
    _validate(state, e)
    s = replace(state, last_at=e.at)
    if e.action == "publish":
        return replace(s, status=PUBLISHED, wish=e.wish.strip(), household_id=e.household_id, published_by=e.actor_id)
    if e.action == "claim":
        return replace(s, status=CLAIMED, claimed_by=e.actor_id, claimed_at=e.at)
    if e.action in ("give_up", "withdraw"):
        status = PUBLISHED if e.action == "give_up" else WITHDRAWN
        return replace(s, status=status, claimed_by=None if e.action == "give_up" else s.claimed_by, reason=e.reason.strip())
    if e.action == "fulfil":
        return replace(s, status=FULFILLED, note=e.note.strip(), photo_ids=tuple(p for p in e.photo_ids if has_text(p)))
    if e.action == "reject":
        return replace(s, status=CLAIMED, reason=e.reason.strip())
    return replace(s, status=CONFIRMED, confirmed_by=e.actor_id)


def replay(events: Iterable[Event]) -> WishState:
    state = WishState()
    for event in events:
        state = apply(state, event)
    return state


def allowed_actions(state: WishState, actor_id: str, actor_role: str) -> list[str]:
    return passing(ACTIONS, lambda action: _check_actor(state, action, actor_id, actor_role))


def _validate(state: WishState, e: Event) -> None:
    check_known(e.action, ACTIONS)
    check_time(e.at, state.last_at, e.action)
    _check_actor(state, e.action, e.actor_id, e.actor_role)
    if e.action == "publish" and (not has_text(e.wish) or len(e.wish.strip()) > 200):
        raise Refusal("wish_required", "请填写心愿内容（最多200字）", "Describe the wish (at most 200 characters)", action=e.action)
    if e.action == "fulfil":
        if not has_text(e.note):
            raise Refusal("note_required", "请简述心愿如何实现", "Say briefly how the wish was fulfilled", action=e.action)
        if not any(has_text(p) for p in e.photo_ids):
            raise Refusal("photo_required", "实现心愿须附至少一张照片", "Fulfilling a wish needs at least one photo", action=e.action)
    if e.action in NEEDS_REASON and not has_text(e.reason):
        zh, en = ACTION_LABELS[e.action]
        raise Refusal("reason_required", f"{zh}须填写原因", f"A reason is required to {en}", action=e.action)


def _check_actor(state: WishState, action: str, actor_id: str, role: str) -> None:
    zh, en = ACTION_LABELS[action]
    check_actor(actor_id, role, action, ROLES_OF[action], zh, en)
    if state.status not in FROM[action]:
        if state.status is None:
            raise Refusal("not_published", "心愿尚未发布", "The wish has not been published", action=action)
        label_zh, label_en = STATUS_LABELS[state.status]
        raise Refusal("wrong_state", f"心愿处于“{label_zh}”状态，不能{zh}",
                      f"'{en}' is not possible while the wish is {label_en}", action=action)
    if action in ("give_up", "fulfil") and actor_id != state.claimed_by:
        raise Refusal("not_claimer", f"只有认领人可以{zh}", f"Only the member who claimed it can {en}", action=action)
    if action in ("confirm", "reject") and actor_id == state.claimed_by:
        raise Refusal("self_confirmation", "不能确认自己实现的心愿", "You cannot confirm a wish you fulfilled", action=action)
