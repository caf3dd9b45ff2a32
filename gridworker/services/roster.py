"""The grid's forces (网格“1+6+N”): add, change and remove the members of a grid's roster (issue 15).

A member is a person of the register (`person_id`: their name and phone are
taken from the register when not typed), a user of the system (`user_id`:
their display name), or only a name and a phone. Reads are in
services.queries.roster.
"""

from __future__ import annotations

from typing import Any

from ..domain.errors import ValidationError
from ..domain.models import Person
from ..domain.placework import RosterMember
from ..domain.roster import clean_member
from ..domain.users import User
from .base import Tx, create_record, get_live, operation
from .changes import apply_fields, record_delete, record_upsert


def _fill_from_links(tx: Tx, values: dict[str, Any]) -> dict[str, Any]:
    """A member linked to a person or a user takes the name (and phone) from there when none is typed."""
    if values.get("person_id"):
        person = get_live(tx.s, Person, values["person_id"])
        values["name"] = values.get("name") or person.name
        values["phone"] = values.get("phone") or person.phone
    if values.get("user_id"):
        user = tx.s.get(User, values["user_id"])
        if user is None:
            raise ValidationError("user_id", "找不到该用户", "No such user", code="not_found")
        values["name"] = values.get("name") or user.display_name or user.username
    return values


@operation
def add_member(tx: Tx, fields: dict[str, Any]) -> RosterMember:
    """A new member of a grid's roster; InvalidRecord names every bad field (role, name, phone, ...)."""
    if not fields.get("area_id"):
        raise ValidationError("area_id", "请选择网格", "Choose the grid", code="required")
    raw = _fill_from_links(tx, dict(fields))
    values = {k: v for k, v in clean_member(raw).items() if v is not None}
    member, changed = create_record(RosterMember, values)
    record_upsert(tx.s, member, changed | {"name": member.name, "role": member.role}, tx.changes)
    return member


@operation
def update_member(tx: Tx, member_id: str, fields: dict[str, Any]) -> RosterMember:
    member = get_live(tx.s, RosterMember, member_id)
    values = clean_member(_fill_from_links(tx, dict(fields)), partial=True)
    record_upsert(tx.s, member, apply_fields(member, values), tx.changes)
    return member


@operation
def remove_member(tx: Tx, member_id: str) -> None:
    record_delete(tx.s, get_live(tx.s, RosterMember, member_id), tx.changes)
