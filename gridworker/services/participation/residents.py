"""A grid worker confirms a resident (issue 17): the resident's web account becomes verified on the server.

Staff push `confirmed` on the `resident` record (optionally `confirm_person_id`, the person of the register
they are; undoing needs `undo_reason`; `undo_reason` alone releases a resident the register matched: a wrong claim); the server checks who may and derives verified, person, household,
special group (server/sync/participation_confirm.py). Here the same values are set locally for display until
the next pull brings the server's. Offline, the confirmation waits in the outbox like any change.
"""

from __future__ import annotations

from sqlmodel import select

from ...domain.enums import SPECIAL_GROUP_TAGS
from ...domain.errors import Refused, ValidationError
from ...domain.models import Area, Person, utcnow
from ...domain.participation_records import Resident
from ..base import Tx, get_live, operation
from ..changes import apply_fields, record_upsert


def community_areas(tx: Tx, community_id: str | None) -> set[str]:
    """The community and every area below it, of the areas on this computer."""
    rows = tx.s.exec(select(Area.id, Area.parent_id).where(Area.deleted == False)).all()  # noqa: E712
    below: dict[str | None, list[str]] = {}
    for area_id, parent_id in rows:
        below.setdefault(parent_id, []).append(area_id)
    seen, stack = set(), [community_id] if community_id else []
    while stack:
        area = stack.pop()
        if area not in seen:
            seen.add(area)
            stack.extend(below.get(area, ()))
    return seen


def _save(tx: Tx, resident: Resident, values: dict, local: dict) -> None:
    changed = apply_fields(resident, values)
    for name, value in local.items():
        setattr(resident, name, value)
    record_upsert(tx.s, resident, changed, tx.changes)


@operation
def confirm(tx: Tx, resident_id: str, *, actor_id: str, person_id: str | None = None, actor_role: str | None = None) -> Resident:
    """Confirm a resident who registered on the phone pages (optionally naming the person of the register; a grid
    worker must name one, of their own grid: the server checks it)."""
    if actor_role == "worker" and not person_id:
        raise ValidationError("confirm_person_id", "网格员确认居民须选择本网格登记在册的人员",
                              "A grid worker confirms a resident as a person of your grid's register: choose the person",
                              code="grid_person_required")
    resident = get_live(tx.s, Resident, resident_id)
    if resident.confirmed:
        raise Refused("该居民已经确认过", "This resident is already confirmed", code="already_confirmed")
    local = {"verified": True, "verified_at": utcnow(), "confirmed_by": actor_id, "confirmed_at": utcnow()}
    if person_id:
        person = get_live(tx.s, Person, person_id)
        if person.area_id not in community_areas(tx, resident.area_id) or person.status != "active":
            raise ValidationError("confirm_person_id", "请选择该居民所在社区登记在册的人员",
                                  "Choose a living person of the resident's community register", code="unknown_person")
        local |= {"person_id": person.id, "household_id": person.household_id,
                  "special_group": bool(set(person.tags) & SPECIAL_GROUP_TAGS)}  # fmt: skip
    _save(tx, resident, {"confirmed": True, "confirm_person_id": person_id or None, "undo_reason": None}, local)
    return resident


@operation
def undo(tx: Tx, resident_id: str, *, reason: str) -> Resident:
    """Take a confirmation back, or release a wrong claim the register matched (a person of the register is one
    account): the reason is kept on the record; the resident is no longer verified."""
    resident = get_live(tx.s, Resident, resident_id)
    if not resident.verified:
        raise Refused("该居民尚未认证，无可撤销", "This resident is not verified: nothing to undo", code="not_verified")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("undo_reason", "撤销确认须填写原因", "A reason is required to undo a confirmation", code="required")
    if len(reason) > 200:
        raise ValidationError("undo_reason", "原因最多200字", "The reason is at most 200 characters", code="too_long")
    local = {"verified": False, "verified_at": None, "person_id": None, "household_id": None, "special_group": False,
             "confirmed_by": None, "confirmed_at": None}  # fmt: skip
    values = {"confirmed": False, "confirm_person_id": None} if resident.confirmed else {}
    _save(tx, resident, values | {"undo_reason": reason}, local)
    return resident


__all__ = ["confirm", "undo"]
