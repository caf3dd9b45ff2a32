"""What the participation rules share: roles, refusals, the checks every event gets, the resource tables."""

from __future__ import annotations

import json
from datetime import datetime
from functools import lru_cache

from ... import resources_path
from ..lifecycle import Refusal  # one refusal type for every rules module: code for machines, zh/en for people

__all__ = ["Refusal", "ADMIN", "DISPATCHER", "WORKER", "HANDLER", "MEMBER", "RESIDENT", "STAFF", "ROLES",
           "load_table", "check_actor", "check_time", "has_text", "ROLE_LABELS"]

# Roles as on the wire. `member` (party member / volunteer) and `resident` are new with issue 16; the
# shared Role enum gets them when the server's roles are added.
ADMIN, DISPATCHER, WORKER, HANDLER, MEMBER, RESIDENT = "admin", "dispatcher", "worker", "handler", "member", "resident"
STAFF = frozenset({ADMIN, DISPATCHER})
ROLES = frozenset({ADMIN, DISPATCHER, WORKER, HANDLER, MEMBER, RESIDENT})
ROLE_LABELS = {
    ADMIN: ("管理员", "an admin"),
    DISPATCHER: ("社区工作人员", "community staff"),
    WORKER: ("网格员", "a grid worker"),
    HANDLER: ("处置人员", "a handler"),
    MEMBER: ("党员志愿者", "a party member"),
    RESIDENT: ("居民", "a resident"),
}

@lru_cache(maxsize=None)
def load_table(name: str) -> dict:
    """A JSON resource table, e.g. load_table("point_rules.json"); its "format" must be gridworker-<stem>."""
    text = resources_path(name).read_text(encoding="utf-8")
    table = json.loads(text)
    expected = "gridworker-" + name.removesuffix(".json").replace("_", "-")
    if table.get("format") != expected:
        raise ValueError(f"{name}: format is {table.get('format')!r}, expected {expected!r}")
    return table


def has_text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def check_known(action: str, known) -> None:
    """The action is one the rules module knows."""
    if action not in known:
        raise Refusal("unknown_action", f"未知操作：{action}", f"Unknown action: {action}")


def passing(actions, check) -> list[str]:
    """The actions for which `check(action)` raises no Refusal (what a screen may offer)."""
    allowed = []
    for action in actions:
        try:
            check(action)
        except Refusal:
            continue
        allowed.append(action)
    return allowed


def check_time(at: datetime, last_at: datetime | None, action: str) -> None:
    if not isinstance(at, datetime) or at.tzinfo is None or at.utcoffset() is None:
        raise Refusal("naive_time", "事件时间缺少时区", "The event time has no timezone", action=action)
    if last_at is not None and at < last_at:
        raise Refusal(
            "out_of_order",
            "事件时间早于上一条记录，请检查设备时间",
            "The event is dated before the previous one; check the device clock",
            action=action,
        )


def check_actor(actor_id: str, actor_role: str, action: str, allowed: frozenset[str], zh_verb: str, en_verb: str) -> None:
    """The actor is named, has a known role, and that role may take `action` at all."""
    if actor_role not in ROLES:
        raise Refusal("unknown_role", f"未知角色：{actor_role}", f"Unknown role: {actor_role}", action=action)
    if not has_text(actor_id):
        raise Refusal("no_actor", "缺少操作人", "The event names no actor", action=action)
    if actor_role not in allowed:
        zh_role, en_role = ROLE_LABELS[actor_role]
        raise Refusal(
            "role_not_allowed", f"{zh_role}不能{zh_verb}", f"{en_role[0].upper()}{en_role[1:]} cannot {en_verb}", action=action
        )
