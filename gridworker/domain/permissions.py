"""Who may do what on this computer, by the role the server gave (domain.enums.Role).

The server enforces the same (server/sync/scope.py: a handler places no record anywhere); these
checks let the client refuse at once, with words, and let the screens turn the buttons off.
"""

from __future__ import annotations

from .enums import Role
from .errors import Refused

# The roles that keep the register, the places and the visits of their areas.
FIELD_ROLES = frozenset({Role.admin.value, Role.dispatcher.value, Role.worker.value})


def may_plan_visits(role: str | None) -> bool:
    """Plan a walk-round (from buildings, the due list, or a list comparison's missing people). None: not known, allowed."""
    return role is None or role in FIELD_ROLES


def may_edit_places(role: str | None) -> bool:
    """Register, change or delete a place (the places' register)."""
    return role is None or role in FIELD_ROLES


def _role_words(role: str) -> tuple[str, str]:
    try:
        r = Role(role)
    except ValueError:
        return "该角色", "This role"
    return r.label("zh"), r.label("en")


def check_may_plan_visits(role: str | None) -> None:
    if not may_plan_visits(role):
        zh, en = _role_words(role or "")
        raise Refused(f"{zh}不能安排走访：只有网格员、社区工作人员和管理员可以安排",
                      f"{en}s cannot plan walk-rounds: only grid workers, dispatchers and administrators can",
                      code="role_not_allowed")  # fmt: skip


def check_may_edit_places(role: str | None) -> None:
    if not may_edit_places(role):
        zh, en = _role_words(role or "")
        raise Refused(f"{zh}不能修改场所台账：只有网格员、社区工作人员和管理员可以修改",
                      f"{en}s cannot change the places' register: only grid workers, dispatchers and administrators can",
                      code="role_not_allowed")  # fmt: skip
