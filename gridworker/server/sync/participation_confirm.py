"""Staff confirm a resident (issue 17: "… or when a grid worker confirms them").

A resident's web account (`resident` record) is verified by the server only: when the name and ID number
they enter match the register (server/web/residents.py, the participation API), or when staff who see the
resident's area (admin; dispatcher or worker of the community or above) push `confirmed: true` through
/sync, optionally naming the person of the register they are (`confirm_person_id`: a living person of the
resident's community, in the staff's scope). Undoing (`confirmed: false`) needs an `undo_reason` and takes the
verification back; the same (`undo_reason` alone) releases a resident whose name and ID number matched the
register: a wrong claim. A person of the register is one account: confirming a second account as a person
another verified account holds is refused (`identity_claimed`), as is a second verification on the pages and
the API (web/residents.verify, claimed_by). A grid worker (whose areas are below the resident's community: they pull its residents' accounts, scope.py)
confirms naming a person of their own grid's register (`grid_person_required` without one) and takes back only
a resident whose person is of their grid (`outside_grid`). The server derives the read-only fields (verified, verified_at, person_id, household_id,
special_group, confirmed_by, confirmed_at). Residents never write these fields (participation.py refuses them).
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ...domain.enums import SPECIAL_GROUP_TAGS
from ..core.schema import records
from .records import Rec
from .scope import area_tree, closure

if TYPE_CHECKING:
    from .participation import ParticipationRun

RELEASED = {"verified": False, "verified_at": None, "person_id": None, "household_id": None, "special_group": False,
            "confirmed_by": None, "confirmed_at": None}  # fmt: skip
CONFIRM_FIELDS = frozenset({"confirmed", "confirm_person_id", "undo_reason"})


def claimed_by(conn: Connection, person_id: str, other_than: str) -> str | None:
    """The id of the verified resident account, not `other_than`, that holds this person of the register."""
    q = select(records.c.id, records.c.data).where(
        records.c.entity == "resident", records.c.deleted.is_(False), records.c.id != other_than,
        records.c.data.contains(person_id),
    )  # fmt: skip
    for rid, data in conn.execute(q):
        d = json.loads(data)
        if d.get("verified") and d.get("person_id") == person_id:
            return rid
    return None


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
        grid_only = part.role == "worker" and not part.run.scope.sees_area(rec.area_id)
        if confirmed == bool(rec.data.get("confirmed")) and "confirm_person_id" not in values:
            if not confirmed and self._releasing(rec, values):
                self._own_grid(rec, grid_only)
                part._derived[rec.key] = dict(RELEASED)
            return  # else nothing to decide: a repeated push
        now = datetime.now(timezone.utc).isoformat()
        if confirmed:
            own = {"verified": True, "verified_at": now, "confirmed_by": part.run.user.id, "confirmed_at": now}
            person_id = values.get("confirm_person_id", rec.data.get("confirm_person_id"))
            if grid_only and not person_id:
                raise part.reject("grid_person_required", "网格员确认居民须选择本网格登记在册的人员",
                                  "A grid worker confirms a resident as a person of your grid's register: choose the person",
                                  _field("confirm_person_id", "grid_person_required"))
            if person_id:
                own |= self._person(rec, person_id, grid_only)
            values["undo_reason"] = None
        else:
            self._own_grid(rec, grid_only)
            if not (values.get("undo_reason") or "").strip():
                raise part.reject("reason_required", "撤销确认须填写原因", "A reason is required to undo a confirmation",
                                  _field("undo_reason", "required"))
            own = dict(RELEASED)
            values["confirm_person_id"] = None
        part._derived[rec.key] = own

    @staticmethod
    def _releasing(rec: Rec, values: dict[str, Any]) -> bool:
        """A new reason on a resident the register verified (not staff): the claim is released."""
        reason = (values.get("undo_reason") or "").strip()
        return bool(reason) and bool(rec.data.get("verified")) and reason != (rec.data.get("undo_reason") or "")

    def _own_grid(self, rec: Rec, grid_only: bool) -> None:
        """A grid worker takes back only what is of their grid: the resident's person is in their areas."""
        part = self.part
        person = part.run.get("person", rec.data.get("person_id")) if rec.data.get("person_id") else None
        if grid_only and (person is None or not part.run.scope.sees_area(person.area_id)):
            raise part.reject("outside_grid", "该居民不在您负责的网格，请联系社区工作人员",
                              "This resident is not of your grid: ask the community staff")

    def _person(self, rec: Rec, person_id: str, grid_only: bool = False) -> dict[str, Any]:
        part = self.part
        person = part.run.get("person", person_id)
        community = closure([rec.area_id], area_tree(part.run.conn)) if rec.area_id else frozenset()
        if person is None or person.deleted or not part.run._sees(person) or person.area_id not in community:
            if grid_only:
                raise part.reject("unknown_person", "在您负责网格的登记中找不到此人", "No such person in your grid's register",
                                  _field("confirm_person_id", "unknown_person"))
            raise part.reject("unknown_person", "在该居民的社区登记中找不到此人", "No such person in the resident's community register",
                              _field("confirm_person_id", "unknown_person"))
        if person.data.get("status") not in (None, "active"):
            raise part.reject("person_not_living", "该登记人员已迁出或去世", "That person of the register has moved away or died",
                              _field("confirm_person_id", "person_not_living"))
        if claimed_by(part.run.conn, person.id, rec.id):
            raise part.reject("identity_claimed", "该登记人员已由另一个账户认证，请先撤销那个账户的认证",
                              "Another account is verified as that person of the register: release that claim first",
                              _field("confirm_person_id", "identity_claimed"))
        tags = set(person.data.get("tags") or ())
        return {"person_id": person.id, "household_id": person.data.get("household_id"),
                "special_group": bool(tags & SPECIAL_GROUP_TAGS)}  # fmt: skip
