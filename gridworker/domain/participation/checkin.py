"""A member's check-in (报到) to the grid where they live, and its review by the community.

The form: name, phone, employer unit (单位), estate and building → the grid that holds the building,
found by a lookup passed in (the register's building → grid), or "to place by hand" when the register
does not know it. Skills (特长) and the posts (岗位) a member claims come from the resource tables; a
community offers the posts of its configured set.

    submitted ─place→ submitted (grid set by staff) ─approve→ approved
    submitted ─return (reason)→ returned ─submit→ submitted
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from .. import validation
from ..errors import ValidationError
from . import tables
from .common import MEMBER, STAFF, Refusal, check_actor, check_known, check_time, has_text

GridLookup = Callable[[str, str], "str | None"]  # (estate, building) → grid id, or None when unknown

SUBMITTED, RETURNED, APPROVED = "submitted", "returned", "approved"
STATUS_LABELS = {SUBMITTED: ("待审核", "submitted"), RETURNED: ("已退回", "returned"), APPROVED: ("已通过", "approved")}
LABELS = {
    "employer": ("工作单位", "employer"),
    "building": ("楼栋", "building"),
    "skills": ("特长", "skills"),
    "posts": ("认领岗位", "posts"),
}
MAX_POSTS = 3


@dataclass(frozen=True)
class Checkin:
    name: str
    phone: str
    employer: str
    estate: str
    building: str
    grid_id: str | None  # None: the community places the member by hand
    skills: tuple[str, ...] = ()
    posts: tuple[str, ...] = ()

    @property
    def to_place(self) -> bool:
        return self.grid_id is None


def _label(field: str, lang: str) -> str:
    zh, en = LABELS[field]
    return zh if lang == "zh" else en


def _required_text(field: str, value: Any, max_len: int) -> str:
    if not has_text(value):
        raise ValidationError(field, f"{_label(field, 'zh')}不能为空", f"The {_label(field, 'en')} is required", code="required")
    s = value.strip()
    if len(s) > max_len:
        raise ValidationError(field, f"{_label(field, 'zh')}过长（最多{max_len}个字）",
                              f"The {_label(field, 'en')} is too long (at most {max_len} characters)", code="too_long")
    if any(ord(c) < 32 for c in s):
        raise ValidationError(field, f"{_label(field, 'zh')}含有控制字符", f"The {_label(field, 'en')} contains control characters",
                              code="control_chars")
    return s


def _codes(field: str, value: Any, known: Mapping[str, tables.Named], limit: int) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, Iterable):
        value = [value]
    codes = tuple(dict.fromkeys(value))
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ValidationError(field, f"{_label(field, 'zh')}中有未知项：{unknown[0]}",
                              f"Unknown {_label(field, 'en')}: {unknown[0]}", code="unknown_choice")
    if len(codes) > limit:
        raise ValidationError(field, f"{_label(field, 'zh')}最多选{limit}项", f"Choose at most {limit} {_label(field, 'en')}",
                              code="too_many")
    return codes


def validate_checkin(data: Mapping[str, Any], grid_of: GridLookup, offered_posts: Iterable[str] | None = None) -> Checkin:
    """The form checked field by field (ValidationError names the field), the member placed in a grid if possible."""
    name = validation.text("name", data.get("name"), required=True)
    phone = validation.phone(data.get("phone"))
    if phone is None:
        raise ValidationError("phone", "电话不能为空", "Phone is required", code="required")
    employer = _required_text("employer", data.get("employer"), 100)
    estate = validation.text("estate", data.get("estate"), required=True)
    building = _required_text("building", data.get("building"), 50)
    skills = _codes("skills", data.get("skills"), tables.skills(), len(tables.skills()))
    offered = tables.posts() if offered_posts is None else {c: tables.posts()[c] for c in offered_posts if c in tables.posts()}
    posts = _codes("posts", data.get("posts"), offered, MAX_POSTS)
    grid = grid_of(estate, building)
    return Checkin(name, phone, employer, estate, building, grid or None, skills, posts)


# -- the review -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    action: str  # submit | place | approve | return
    actor_id: str
    actor_role: str
    at: datetime
    checkin: Checkin | None = None  # submit
    grid_id: str | None = None  # place
    team: str | None = None  # approve: the volunteer team (志愿服务队) staff put the member in, if any
    reason: str | None = None  # return


@dataclass(frozen=True)
class ReviewState:
    status: str | None = None
    member_id: str | None = None
    checkin: Checkin | None = None
    grid_id: str | None = None
    team: str | None = None
    reviewed_by: str | None = None
    return_reason: str | None = None
    last_at: datetime | None = None


_FROM = {"submit": frozenset({None, RETURNED}), "place": frozenset({SUBMITTED}), "approve": frozenset({SUBMITTED}),
         "return": frozenset({SUBMITTED})}
_ROLES = {"submit": frozenset({MEMBER}), "place": STAFF, "approve": STAFF, "return": STAFF}
_VERBS = {"submit": ("提交报到", "submit a check-in"), "place": ("划入网格", "place members in a grid"),
          "approve": ("审核通过", "approve check-ins"), "return": ("退回报到", "return check-ins")}


def apply(state: ReviewState, e: Event) -> ReviewState:
    check_known(e.action, _FROM)
    check_time(e.at, state.last_at, e.action)
    zh, en = _VERBS[e.action]
    check_actor(e.actor_id, e.actor_role, e.action, _ROLES[e.action], zh, en)
    if state.status not in _FROM[e.action]:
        if state.status is None:
            raise Refusal("not_submitted", "尚未提交报到", "No check-in has been submitted", action=e.action)
        label_zh, label_en = STATUS_LABELS[state.status]
        raise Refusal("wrong_state", f"报到{label_zh}，不能{zh}", f"The check-in is {label_en}; you cannot {en}", action=e.action)
    s = replace(state, last_at=e.at)
    if e.action == "submit":
        if e.checkin is None:
            raise Refusal("checkin_required", "请填写报到信息", "Fill in the check-in form", action=e.action)
        if state.member_id is not None and e.actor_id != state.member_id:
            raise Refusal("not_owner", "只能修改自己的报到", "You can resubmit only your own check-in", action=e.action)
        return replace(s, status=SUBMITTED, member_id=e.actor_id, checkin=e.checkin, grid_id=e.checkin.grid_id,
                       return_reason=None)
    if e.action == "place":
        if not has_text(e.grid_id):
            raise Refusal("grid_required", "请选择网格", "Choose the grid", action=e.action)
        return replace(s, grid_id=e.grid_id)
    if e.action == "approve":
        if s.grid_id is None:
            raise Refusal("not_placed", "请先将党员划入网格", "Place the member in a grid first", action=e.action)
        return replace(s, status=APPROVED, reviewed_by=e.actor_id, team=e.team.strip() if has_text(e.team) else None)
    if not has_text(e.reason):
        raise Refusal("reason_required", "退回报到须填写原因", "A reason is required to return a check-in", action=e.action)
    return replace(s, status=RETURNED, reviewed_by=e.actor_id, return_reason=e.reason.strip())


def check(state: ReviewState, event: Event) -> Refusal | None:
    try:
        apply(state, event)
    except Refusal as refusal:
        return refusal
    return None
