"""The grid's forces (网格“1+6+N”): who is in a grid's team, in which role, and whether the team is complete.

The roles are resources/roster_roles.json: the grid leader (the "1"), six
kinds of full- and part-time forces (the "6") and the volunteers (the "N"),
each with its Chinese and English name and whether a complete roster must
have it. A member is a person of the register (`person_id`), a user of the
system (`user_id`), or just a name and a phone (the community police officer
or the doctor are often neither); the name is always kept so that the roster
reads without the register.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .. import resources_path
from . import validation as v
from .errors import GridWorkerError, ValidationError
from .register import InvalidRecord

TABLE_FORMAT = "gridworker-roster-roles"


class RosterTableError(GridWorkerError):
    code = "invalid_roster_table"


@dataclass(frozen=True)
class RosterRole:
    code: str
    name: str
    name_en: str
    group: str  # "1", "6" or "N"
    required: bool

    def label(self, lang: str = "zh") -> str:
        return self.name if lang.startswith("zh") else self.name_en


class RosterRoles:
    def __init__(self, roles: list[RosterRole]):
        self._all = tuple(roles)
        self._by_code = {r.code: r for r in roles}

    def __iter__(self) -> Iterator[RosterRole]:
        return iter(self._all)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def get(self, code: str) -> RosterRole | None:
        return self._by_code.get(code)

    def required(self) -> list[RosterRole]:
        return [r for r in self._all if r.required]

    def find(self, text: str) -> RosterRole | None:
        """A role by its code, Chinese or English name (as typed in a spreadsheet)."""
        t = (text or "").strip()
        for r in self._all:
            if t in (r.code, r.name) or t.lower() == r.name_en.lower():
                return r
        return None


def parse_roles(table: Any) -> RosterRoles:
    if not isinstance(table, dict) or table.get("format") != TABLE_FORMAT or not isinstance(table.get("roles"), list):
        raise RosterTableError(f"角色表的 format 必须是 “{TABLE_FORMAT}”", f"The roster role table's format must be '{TABLE_FORMAT}'")
    roles = []
    for i, entry in enumerate(table["roles"], start=1):
        try:
            role = RosterRole(str(entry["code"]), str(entry["name"]), str(entry["name_en"]), str(entry["group"]),
                              bool(entry.get("required", False)))  # fmt: skip
        except (KeyError, TypeError):
            raise RosterTableError(f"角色表第{i}项不完整", f"Roster role {i} is incomplete") from None
        if role.group not in ("1", "6", "N"):
            raise RosterTableError(f"角色表第{i}项的 group 应为 1、6 或 N", f"Roster role {i}: group must be 1, 6 or N")
        roles.append(role)
    return RosterRoles(roles)


@lru_cache(maxsize=1)
def load_roles() -> RosterRoles:
    return parse_roles(json.loads(resources_path("roster_roles.json").read_text(encoding="utf-8")))


def role_label(code: str | None, lang: str = "zh") -> str:
    role = load_roles().get(code or "")
    if role is None:
        return "其他" if lang.startswith("zh") else "other"
    return role.label(lang)


def clean_member(raw: dict[str, Any], roles: RosterRoles | None = None, *, partial: bool = False) -> dict[str, Any]:
    """Wire values of a roster member, or InvalidRecord naming every invalid field.

    `partial`: an edit, only the fields given are checked (the role and name stay required if given)."""
    roles = roles or load_roles()
    out: dict[str, Any] = {}
    errors: list[ValidationError] = []

    def take(field: str, fn, *args: Any, **kw: Any) -> None:
        if partial and field not in raw:
            return
        try:
            out[field] = fn(*args, **kw)
        except ValidationError as e:
            errors.append(e)

    take("role", _role, raw.get("role"), roles)
    take("name", v.text, "name", raw.get("name"), required=True, max_len=50)
    take("phone", v.phone, raw.get("phone"))
    take("skills", v.text, "skills", raw.get("skills"), max_len=200)
    take("notes", v.text, "notes", raw.get("notes"), max_len=2000)
    for key in ("area_id", "person_id", "user_id"):
        if not partial or key in raw:
            out[key] = raw.get(key) or None
    if errors:
        raise InvalidRecord(errors)
    return out


def _role(value: Any, roles: RosterRoles) -> str:
    text = str(value or "").strip()
    if not text:
        raise ValidationError("role", "网格角色不能为空", "The role in the grid is required", code="required")
    role = roles.find(text)
    if role is None:
        raise ValidationError(
            "role", f"未知的网格角色“{text[:40]}”（可选：{'、'.join(r.name for r in roles)}）",
            f"Unknown role in the grid '{text[:40]}' (one of: {', '.join(r.name_en for r in roles)})", code="unknown_role",
        )  # fmt: skip
    return role.code


def missing_roles(member_roles: Iterable[str], roles: RosterRoles | None = None) -> list[RosterRole]:
    """The required roles no member of the grid holds, in table order (empty: the roster is complete)."""
    roles = roles or load_roles()
    held = set(member_roles)
    return [r for r in roles.required() if r.code not in held]
