"""Staff confirm a resident (issue 17: "… or when a grid worker confirms them").

A resident's web account (`resident` record) is verified by the server only: when the name and ID number
they enter match the register (server/web/residents.py, the participation API), or when staff who see the
resident's area (admin; dispatcher or grid worker of the community or above) push `confirmed: true` through
/sync, optionally naming the person of the register they are (`confirm_person_id`: a living person of the
resident's community, in the staff's scope). Undoing (`confirmed: false`) needs an `undo_reason` and takes the
verification back. The server derives the read-only fields (verified, verified_at, person_id, household_id,
special_group, confirmed_by, confirmed_at). Residents never write these fields (participation.py refuses them).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from ...domain.enums import SPECIAL_GROUP_TAGS
from .records import Rec
from .scope import area_tree, closure

if TYPE_CHECKING:
    from .participation import ParticipationRun

CONFIRM_FIELDS = frozenset({"confirmed", "confirm_person_id", "undo_reason"})


def _field(name: str, code: str) -> dict[str, Any]:
    return {"fields": [{"field": name, "code": code}]}


class Confirmation:
    def __init__(self, part: ParticipationRun):
        self.part = part

    def check(self, rec: Rec, values: dict[str, Any], creating: bool) -> None:
        part = self.part
        touched = CONFIRM_FIELDS & set(values)
        if not touched:
            return
        if part.role not in ("admin", "dispatcher", "worker"):
            raise part.reject("role_not_allowed", "只有社区工作人员可以确认居民身份", "Only community staff confirm a resident")
        if creating:
            raise part.reject("not_registered", "居民须先在手机页面注册", "The resident must register on the phone pages first")
        confirmed = bool(values.get("confirmed", rec.data.get("confirmed")))
        if confirmed == bool(rec.data.get("confirmed")) and "confirm_person_id" not in values:
            return  # nothing to decide: a repeated push, or the reason alone
        now = datetime.now(timezone.utc).isoformat()
        if confirmed:
            own = {"verified": True, "verified_at": now, "confirmed_by": part.run.user.id, "confirmed_at": now}
            person_id = values.get("confirm_person_id", rec.data.get("confirm_person_id"))
            if person_id:
                own |= self._person(rec, person_id)
            values["undo_reason"] = None
        else:
            if not (values.get("undo_reason") or "").strip():
                raise part.reject("reason_required", "撤销确认须填写原因", "A reason is required to undo a confirmation",
                                  _field("undo_reason", "required"))
            own = {"verified": False, "verified_at": None, "person_id": None, "household_id": None,
                   "special_group": False, "confirmed_by": None, "confirmed_at": None}  # fmt: skip
            values["confirm_person_id"] = None
        part._derived[rec.key] = own

    def _person(self, rec: Rec, person_id: str) -> dict[str, Any]:
        part = self.part
        person = part.run.get("person", person_id)
        community = closure([rec.area_id], area_tree(part.run.conn)) if rec.area_id else frozenset()
        if person is None or person.deleted or not part.run._sees(person) or person.area_id not in community:
            raise part.reject("unknown_person", "在该居民的社区登记中找不到此人", "No such person in the resident's community register",
                              _field("confirm_person_id", "unknown_person"))
        if person.data.get("status") not in (None, "active"):
            raise part.reject("person_not_living", "该登记人员已迁出或去世", "That person of the register has moved away or died",
                              _field("confirm_person_id", "person_not_living"))
        tags = set(person.data.get("tags") or ())
        return {"person_id": person.id, "household_id": person.data.get("household_id"),
                "special_group": bool(tags & SPECIAL_GROUP_TAGS)}  # fmt: skip
