"""Participation records in a push (issue 16): who may write what, and what the server decides.

Called by push.PushRun for every entity of domain.wire_participation, from a staff desktop's /sync push
or from the participation API (members and residents reach a push only through it: /sync refuses
them). Events are folded with the rules of domain.participation (participation_events); the ledger,
the shop and redemptions are decided here against the member's whole ledger and the item's stock, in
the push's write transaction (Database.write: writers take turns; on PostgreSQL the member's and the
item's rows are also locked FOR UPDATE), so two redemptions racing from two devices cannot both pass.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from ...domain.participation import points as pts
from ...domain.participation import shop, tables
from ...domain.participation import evaluation as year_end
from ...domain.participation.common import Refusal
from ..core.schema import records
from .participation_confirm import Confirmation
from .participation_events import EVENT_OF_PARENT, FIELD_OF_EVENT, PARENT_OF_EVENT, Folds, derived, load_events
from .records import SERVER_WRITER, Rec, rec_from_row

if TYPE_CHECKING:
    from .push import PushRun

STAFF = frozenset({"admin", "dispatcher"})
EVERYONE = frozenset({"admin", "dispatcher", "worker", "member", "resident"})
# Who may push each entity at all (the rules modules then check each event's actor).
WRITERS = {
    "member": STAFF | {"member"}, "resident": STAFF | {"worker", "resident"}, "service_order": STAFF | {"worker", "resident"},
    "order_event": EVERYONE, "activity": STAFF, "activity_event": EVERYONE, "ledger_entry": STAFF,
    "shop_item": STAFF, "redemption": STAFF | {"member"}, "wish": STAFF | {"worker", "resident"},
    "wish_event": EVERYONE, "notice": STAFF, "notice_read": frozenset({"member", "resident"}),
    "opinion": STAFF | {"member", "resident"}, "evaluation": STAFF | {"member"},
}  # fmt: skip
MAX_RULE_POINTS = 1000
DELETABLE = frozenset({"notice"})  # the rest is cancelled, withdrawn or taken off the shelf, never deleted
NS = uuid.UUID("5b7f6a43-2d1e-4c4b-9a57-1f0c8c3e9d21")  # ids of the entries the server writes for a redemption


def entry_id(redemption_id: str, what: str) -> str:
    return str(uuid.uuid5(NS, f"{redemption_id}:{what}"))


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


def _when(value: str | None) -> datetime:
    return datetime.fromisoformat(value) if value else datetime.now(timezone.utc)


class ParticipationRun:
    """The participation state of one push: event logs, ledgers and stock as this push changes them."""

    def __init__(self, run: PushRun):
        self.run = run
        self._folds: Folds | None = None
        self._states: dict[str, Any] = {}
        self._ledgers: dict[str, pts.Ledger] = {}
        self._taken: dict[str, int] = {}
        self._derived: dict[tuple[str, str], dict[str, Any]] = {}
        self._rules: set[str] | None = None  # set in place once the record is saved

    # -- helpers -------------------------------------------------------------------------------------
    @property
    def role(self) -> str:
        return self.run.user.role

    @property
    def confirmation(self) -> Confirmation:
        return Confirmation(self)

    @property
    def folds(self) -> Folds:
        if self._folds is None:
            self._folds = Folds(self.run.rules.calendar, self._skills_of)
        return self._folds

    def _skills_of(self, member_id: str) -> tuple[str, ...]:
        member = self.run.get("member", member_id)
        return tuple(member.data.get("skills") or ()) if member and member.data.get("status") == "approved" else ()

    def reject(self, code: str, zh: str, en: str, details: dict | None = None):
        from .push import Rejected

        return Rejected(code, zh, en, details)

    def refused(self, r: Refusal):
        return self.reject(r.code, r.zh, r.en, r.details)

    def _lock(self, entity: str, record_id: str) -> None:
        if self.run.conn.dialect.name == "postgresql":  # SQLite: the write transaction holds the database already
            q = select(records.c.id).where(records.c.entity == entity, records.c.id == record_id).with_for_update()
            self.run.conn.execute(q)

    def _parent(self, entity: str, record_id: str | None) -> Rec:
        rec = self.run.get(entity, record_id)
        if rec is None or rec.deleted or (rec.stored and not self.run._sees(rec) and self.role not in ("member", "resident")):
            raise self.reject(f"unknown_{entity}", "找不到该记录", "No such record", {"id": record_id})
        return rec

    def _new(self, entity: str, record_id: str, data: dict[str, Any], parent_id: str | None = None) -> Rec:
        """A record the server writes itself in this push (a redemption's ledger entry)."""
        run = self.run
        rec = Rec(entity, record_id)
        before = run.writer.before(rec)
        rec.version = 1
        rec.set_fields(data, 1, run.server_hlc, SERVER_WRITER)
        rec.parent_id = parent_id
        run.recs[rec.key] = rec
        run.writer.saved(rec, before)
        return rec

    def _set(self, rec: Rec, values: dict[str, Any]) -> None:
        changed = {k: v for k, v in values.items() if rec.data.get(k) != v}
        if not changed:
            return
        before = self.run.writer.before(rec)
        rec.version += 1
        rec.set_fields(changed, rec.version, self.run.server_hlc, SERVER_WRITER)
        self.run.writer.saved(rec, before)

    # -- the hooks -----------------------------------------------------------------------------------
    def check_delete(self, entity: str) -> None:
        if entity not in DELETABLE:
            raise self.reject("not_deletable", "此类记录不能删除，请取消或撤回", "Records of this kind are not deleted: cancel or withdraw them")

    def prepare(self, entity: str, rec: Rec, values: dict[str, Any], creating: bool) -> Any:
        if self.role not in WRITERS[entity]:
            raise self.reject("role_not_allowed", "您的角色不能提交此类记录", "Your role cannot write records of this kind")
        if values.get("rule_item"):
            self._check_rule(values["rule_item"])
        if entity in PARENT_OF_EVENT:
            return self._event(entity, rec, values)
        return getattr(self, "_" + entity)(rec, values, creating)

    @staticmethod
    def edits_managed(entity: str, op: str) -> bool:
        """The one server-managed table staff edit from the desktop: the points of the rules' items."""
        return entity == "point_rule" and op == "upsert"

    def point_rule(self, rec: Rec, values: dict[str, Any], creating: bool) -> None:
        """Community staff set the points of an item of the rules in force (what the seeds leave to the community);
        the items themselves come from the table an admin imports."""
        if self.role not in STAFF:
            raise self.reject("role_not_allowed", "只有社区工作人员可以修改积分细则的分值", "Only community staff change the points of the rules")
        if creating:
            raise self.reject("server_managed", "积分细则条目由管理员导入，这里只能修改分值",
                              "The rules' items are imported by an admin: only their points are changed here")
        other = sorted(set(values) - {"points"})
        if other:
            raise self.reject("invalid_value", "积分细则只能修改分值", "Only the points of a rule item can be changed",
                              {"fields": [{"field": f, "code": "read_only"} for f in other]})
        if not isinstance(values.get("points"), int) or not 0 <= values["points"] <= MAX_RULE_POINTS:
            raise self.reject("invalid_value", f"分值应为 0 到 {MAX_RULE_POINTS} 的整数", f"Points are a whole number from 0 to {MAX_RULE_POINTS}",
                              {"fields": [{"field": "points", "code": "out_of_range"}]})

    def _check_rule(self, code: str) -> None:
        """A rule item of the server's points rules (the shipped table while none were imported)."""
        if self._rules is None:
            rows = self.run.conn.execute(
                select(records.c.data).where(records.c.entity == "point_rule", records.c.deleted.is_(False))
            )
            stored = {json.loads(r.data).get("code") for r in rows}
            self._rules = stored or set(tables.rule_items())
        if code not in self._rules:
            raise self.reject(
                "invalid_value", f"未知的积分细则条目“{code[:32]}”", f"Unknown points rule item '{code[:32]}'",
                {"fields": [{"field": "rule_item", "code": "unknown_rule_item"}]},
            )

    def saved(self, entity: str, rec: Rec, prepared: Any, creating: bool) -> None:
        own = self._derived.pop(rec.key, None)
        if own:  # the server's values of the record itself: its new version, not a change of their own
            rec.set_fields(own, rec.version, self.run.server_hlc, SERVER_WRITER)
        if entity in PARENT_OF_EVENT:
            parent, state = prepared
            self._states[parent.id] = state
            extra = {}
            if entity == "order_event" and rec.data.get("action") in ("rate", "send_back"):
                extra["comment"] = rec.data.get("comment") if rec.data["action"] == "rate" else None
            self._set(parent, derived(parent.entity, state) | extra)
        elif entity == "ledger_entry":
            self.ledger(rec.data["member_id"]).append(prepared)
        elif entity == "redemption":
            self._redemption_saved(rec, prepared, creating)
        elif entity == "notice_read" and creating:
            notice = self.run.get("notice", rec.data["notice_id"])
            self._set(notice, {"read_count": (notice.data.get("read_count") or 0) + 1})

    # -- events ----------------------------------------------------------------------------------------
    def _event(self, entity: str, rec: Rec, values: dict[str, Any]) -> tuple[Rec, Any]:
        parent = self._parent(PARENT_OF_EVENT[entity], values.get(FIELD_OF_EVENT[entity]))
        if self.role not in ("member", "resident"):
            self.run._check_scope(parent, parent.area_id, False, None)
        actor = values.get("actor_id") or self.run.user.id
        if actor != self.run.user.id:
            raise self.reject("actor_mismatch", "记录的操作人必须是当前登录用户", "An event's actor must be the signed-in user")
        values.update(actor_id=actor, actor_role=self.role, area_id=parent.area_id)
        state = self.state_of(parent)
        try:
            new_state = self.folds.apply(parent, state, values)
        except Refusal as r:
            raise self.refused(r) from None
        if entity == "activity_event" and values["action"] == "check_in":
            values["code"] = None  # compared, never kept: staff see who checked in, not what they typed
        rec.parent_id = parent.id
        return parent, new_state

    def state_of(self, parent: Rec) -> Any:
        if parent.id not in self._states:
            log = load_events(self.run.conn, EVENT_OF_PARENT[parent.entity], parent.id) if parent.stored else []
            try:
                self._states[parent.id] = self.folds.state(parent, [e.data for e in log])
            except Refusal as r:
                raise self.refused(r) from None
        return self._states[parent.id]

    def _parent_record(self, rec: Rec, values: dict[str, Any], creating: bool) -> None:
        """An order, activity or wish written: its events must still hold with the new values."""
        if creating:
            values.update({k: v for k, v in derived(rec.entity, None).items() if v not in (None, [], False, 0)})
            return
        trial = Rec(rec.entity, rec.id, rec.area_id, data=rec.data | values, stored=rec.stored)
        log = load_events(self.run.conn, EVENT_OF_PARENT[rec.entity], rec.id) if rec.stored else []
        try:
            self.folds.state(trial, [e.data for e in log])
        except Refusal as r:
            raise self.refused(r) from None

    def _service_order(self, rec: Rec, values: dict[str, Any], creating: bool) -> None:
        if self.role == "resident" and (not creating or values.get("resident_id") != self.run.user.id):
            raise self.reject("not_owner", "只能提交自己的点单", "You can only raise your own orders")
        if creating:
            values.setdefault("raised_at", _now())
        self._parent_record(rec, values, creating)

    def _activity(self, rec: Rec, values: dict[str, Any], creating: bool) -> None:
        self._parent_record(rec, values, creating)

    def _wish(self, rec: Rec, values: dict[str, Any], creating: bool) -> None:
        if self.role == "resident" and (not creating or values.get("resident_id") != self.run.user.id):
            raise self.reject("not_owner", "只能提交自己的心愿", "You can only make your own wishes")
        if creating:
            values.setdefault("raised_at", _now())
        self._parent_record(rec, values, creating)

    # -- people ---------------------------------------------------------------------------------------
    def _member(self, rec: Rec, values: dict[str, Any], creating: bool) -> None:
        user = self.run.user
        if self.role == "member":
            if rec.id != user.id or values.get("status") != "submitted":
                raise self.reject("not_owner", "只能提交自己的报到", "You can only submit your own check-in")
            if rec.data.get("status") == "submitted":
                raise self.reject("already_submitted", "报到正在审核中，请等待社区审核", "The check-in is waiting for the community's review")
            values.setdefault("submitted_at", _now())
        elif "status" in values and values["status"] != rec.data.get("status"):
            self._review(rec, values)
        area = self.run.get("area", values.get("area_id", rec.area_id))
        self._derived[rec.key] = {"to_place": not (area is not None and area.data.get("level") == "grid")}

    def _review(self, rec: Rec, values: dict[str, Any]) -> None:
        status = values["status"]
        if self.role not in STAFF:
            raise self.reject("role_not_allowed", "只有社区工作人员可以审核报到", "Only community staff review check-ins")
        area = self.run.get("area", values.get("area_id", rec.area_id))
        if status == "approved" and (area is None or area.data.get("level") != "grid"):
            raise self.reject("grid_required", "请先将党员分配到网格再通过", "Place the member in a grid before approving")
        if status == "returned" and not (values.get("return_reason") or "").strip():
            raise self.reject("reason_required", "退回须填写原因", "A reason is required to return a check-in")
        values.update(reviewed_by=self.run.user.id, reviewed_at=values.get("reviewed_at") or _now())

    def _resident(self, rec: Rec, values: dict[str, Any], creating: bool) -> None:
        if self.role == "resident" and rec.id != self.run.user.id:
            raise self.reject("not_owner", "只能修改自己的账户", "You can only change your own account")
        if self.role == "worker" and (creating or set(values) - {"confirmed", "confirm_person_id", "undo_reason"}):
            raise self.reject("role_not_allowed", "网格员只能确认或撤销确认居民身份", "Grid workers only confirm residents or undo a confirmation")
        self.confirmation.check(rec, values, creating)

    def _notice(self, rec: Rec, values: dict[str, Any], creating: bool) -> None:
        if creating:
            values.update(published_by=self.run.user.id, read_count=0)
            values.setdefault("published_at", _now())

    def _notice_read(self, rec: Rec, values: dict[str, Any], creating: bool) -> None:
        notice = self._parent("notice", values.get("notice_id"))
        if not creating:
            raise self.reject("create_only", "阅读记录不可修改", "A read receipt cannot be changed")
        values.update(user_id=self.run.user.id, area_id=notice.area_id, at=values.get("at") or _now())
        rec.parent_id = notice.id

    def _opinion(self, rec: Rec, values: dict[str, Any], creating: bool) -> None:
        if self.role in ("member", "resident"):
            if not creating:
                raise self.reject("not_owner", "意见提交后不能修改", "An opinion cannot be changed once left")
            values.update(resident_id=self.run.user.id, status="open", submitted_at=values.get("submitted_at") or _now())
            return
        if "answer" in values and values["answer"] != rec.data.get("answer"):
            values.update(answered_by=self.run.user.id, answered_at=_now())
            values.setdefault("status", "answered")

    def _evaluation(self, rec: Rec, values: dict[str, Any], creating: bool) -> None:
        """The member writes their self-assessment, staff of the member's area the grade: neither the other's."""
        fixed = [f for f in ("member_id", "year") if not creating and f in values and values[f] != rec.data.get(f)]
        if fixed:
            raise self.reject("evaluation_fixed", "年度评价的党员和年份不能修改", "An evaluation's member and year cannot change",
                              {"fields": [{"field": f, "code": "evaluation_fixed"} for f in fixed]})
        member = self._parent("member", values.get("member_id", rec.data.get("member_id")))
        year = values.get("year", rec.data.get("year"))
        if rec.id != year_end.evaluation_id(member.id, year):
            raise self.reject("invalid_value", "年度评价的编号应由党员和年份生成", "An evaluation's id must be derived from its member and year",
                              {"fields": [{"field": "id", "code": "evaluation_id"}]})
        theirs = year_end.STAFF_FIELDS if self.role == "member" else year_end.MEMBER_FIELDS
        wrong = [f for f in sorted(theirs) if f in values and values[f] != rec.data.get(f)]
        if wrong:
            zh, en = (("社区测评只能由社区工作人员填写", "Only community staff write the community's rating") if self.role == "member"
                      else ("个人自评只能由党员本人填写", "Only the member writes their self-assessment"))
            raise self.reject("not_owner", zh, en, {"fields": [{"field": f, "code": "not_owner"} for f in wrong]})
        if self.role == "member":
            if member.id != self.run.user.id:
                raise self.reject("not_owner", "只能填写自己的自评", "You can only write your own self-assessment")
            values["self_assessed_at"] = _now()
        else:
            self.run._check_scope(member, member.area_id, False, None)
            if any(f in values and values[f] != rec.data.get(f) for f in ("grade", "grade_note")):
                values.update(rated_by=self.run.user.id, rated_at=_now())
        values["area_id"] = member.area_id
        rec.parent_id = member.id

    # -- points and the shop ---------------------------------------------------------------------------
    def ledger(self, member_id: str) -> pts.Ledger:
        """The member's whole ledger, as this push leaves it so far (their row locked on PostgreSQL)."""
        if member_id not in self._ledgers:
            self._lock("member", member_id)
            rows = self.run.conn.execute(
                select(records)
                .where(records.c.parent_id == member_id, records.c.entity == "ledger_entry")
                .order_by(records.c.created_seq)
            )
            self._ledgers[member_id] = pts.Ledger(entry_of(rec_from_row(r)) for r in rows)
        return self._ledgers[member_id]

    def _ledger_entry(self, rec: Rec, values: dict[str, Any], creating: bool) -> pts.Entry:
        member = self._parent("member", values.get("member_id"))
        self.run._check_scope(member, member.area_id, False, None)
        if values.get("source_kind") == pts.REDEMPTION:
            raise self.reject(
                "server_writes", "兑换积分由服务器在兑换时记账", "Redemption entries are written by the server when it decides a redemption"
            )
        values.update(area_id=member.area_id, verified_by=self.run.user.id)
        entry = entry_of(Rec("ledger_entry", rec.id, data=values))
        self._check_due(entry)
        refusal = self.ledger(member.id).check(entry)
        if refusal is not None:
            raise self.refused(refusal)
        rec.parent_id = member.id
        return entry

    def _check_due(self, entry: pts.Entry) -> None:
        """An award pays work the rules say is due to that member: a verified order they took, an activity
        they attended, a wish they fulfilled and staff confirmed."""
        if entry.source_kind not in pts.AWARDS:
            return
        parent_entity = {"order": "service_order", "activity": "activity", "wish": "wish"}[entry.source_kind]
        parent = self.run.get(parent_entity, entry.source_id)
        state = self.state_of(parent) if parent is not None and not parent.deleted else None
        if state is None or entry.member_id not in state.points_due_to:
            raise self.reject("not_due", "该党员尚无此项积分（工作未核实或未参加）",
                              "No points are due to this member for that work (not verified, or not attended)")

    def taken(self, item: Rec) -> int:
        """Pieces of the item requested or handed over (not cancelled): they are off the stock."""
        if item.id not in self._taken:
            self._lock("shop_item", item.id)
            rows = self.run.conn.execute(
                select(records.c.data).where(records.c.parent_id == item.id, records.c.entity == "redemption")
            )
            self._taken[item.id] = sum(rec_data_qty(r.data) for r in rows)
        return self._taken[item.id]

    def _shop_item(self, rec: Rec, values: dict[str, Any], creating: bool) -> None:
        taken = 0 if creating else self.taken(rec)
        total = values.get("stock_total", rec.data.get("stock_total")) or 0
        if total < taken:
            raise self.reject(
                "stock_below_redeemed", f"累计入库数量不能少于已兑换的{taken}件", f"The stock supplied cannot be below the {taken} pieces redeemed",
                {"fields": [{"field": "stock_total", "code": "stock_below_redeemed"}]},
            )
        self._derived[rec.key] = {"stock": total - taken}
        if creating:
            values.setdefault("active", True)

    def _redemption(self, rec: Rec, values: dict[str, Any], creating: bool) -> Any:
        if not creating:
            return self._redemption_change(rec, values)
        member = self._parent("member", values.get("member_id"))
        if self.role == "member" and member.id != self.run.user.id:
            raise self.reject("not_owner", "只能为自己兑换", "You can only redeem for yourself")
        if self.role != "member":
            self.run._check_scope(member, member.area_id, False, None)
        item = self._parent("shop_item", values.get("item_id"))
        if values.get("status", "requested") != "requested":
            raise self.reject("wrong_state", "新兑换单的状态须为待领取", "A new redemption must be requested")
        ledger, taken = self.ledger(member.id), self.taken(item)
        goods = shop.Item(item.id, item.data.get("name") or "", int(item.data.get("price") or 1), bool(item.data.get("active", True)))
        stock = (item.data.get("stock_total") or 0) - taken
        decision = shop.decide_redemption(ledger.balance(member.id), stock, goods, values["qty"])
        if not decision.ok:
            raise self.reject(decision.code, decision.zh, decision.en, {"item_id": item.id})
        values.update(
            area_id=member.area_id, status="requested", points=goods.price * values["qty"], recorded_by=self.run.user.id,
            requested_at=values.get("requested_at") or _now(),
        )  # fmt: skip
        rec.parent_id, rec.assignee_id = item.id, member.id
        return item

    def _redemption_change(self, rec: Rec, values: dict[str, Any]) -> Any:
        fixed = [f for f in ("member_id", "item_id", "qty") if f in values and values[f] != rec.data.get(f)]
        if fixed:
            raise self.reject("redemption_fixed", "兑换单的党员、商品和数量不能修改", "A redemption's member, item and quantity cannot change",
                              {"fields": [{"field": f, "code": "redemption_fixed"} for f in fixed]})
        status = values.get("status", rec.data.get("status"))
        if status == rec.data.get("status"):
            return None
        if rec.data.get("status") != shop.REQUESTED:
            zh, en = shop.STATUS_LABELS.get(rec.data.get("status"), ("已关闭", "closed"))
            raise self.reject("redemption_closed", f"兑换单{zh}", f"The redemption is already {en}")
        if status == shop.HANDED_OVER and self.role not in STAFF:
            raise self.reject("role_not_allowed", "只有社区工作人员可以登记领取", "Only community staff record a hand-over")
        if status == shop.CANCELLED and self.role == "member" and rec.data["member_id"] != self.run.user.id:
            raise self.reject("not_owner", "只能取消自己的兑换", "You can cancel only your own redemptions")
        if status == shop.CANCELLED and self.role != "member" and not (values.get("reason") or "").strip():
            raise self.reject("reason_required", "取消兑换须填写原因", "A reason is required to cancel a redemption")
        if status not in (shop.HANDED_OVER, shop.CANCELLED):
            raise self.reject("wrong_state", "兑换单不能回到待领取", "A redemption cannot go back to requested")
        values.update(closed_by=self.run.user.id, closed_at=_now())
        return status

    def _redemption_saved(self, rec: Rec, prepared: Any, creating: bool) -> None:
        member_id, points, item_id = rec.data["member_id"], rec.data.get("points") or 0, rec.data["item_id"]
        if creating:
            self._write_entry(rec, "spend", -points)
            self._taken[item_id] = self._taken.get(item_id, 0) + rec.data["qty"]
        elif prepared == shop.CANCELLED:
            self.ledger(member_id)  # loaded before the refund is added
            self._write_entry(rec, "refund", points)
            self._taken[item_id] = self.taken(self.run.get("shop_item", item_id)) - rec.data["qty"]
        else:
            return
        item = self.run.get("shop_item", item_id)
        self._set(item, {"stock": (item.data.get("stock_total") or 0) - self._taken[item_id]})

    def _write_entry(self, redemption: Rec, what: str, points: int) -> None:
        member_id = redemption.data["member_id"]
        data = {
            "area_id": redemption.area_id, "member_id": member_id, "points": points, "source_kind": pts.REDEMPTION,
            "source_id": redemption.id, "at": _now(), "note": redemption.data.get("reason") if what == "refund" else None,
        }  # fmt: skip
        entry = entry_of(Rec("ledger_entry", entry_id(redemption.id, what), data=data))
        self.ledger(member_id).append(entry)  # raises if it broke the ledger's rules: the push is rolled back
        self._new("ledger_entry", entry.id, data, parent_id=member_id)


def rec_data_qty(data: str) -> int:
    d = json.loads(data)
    return 0 if d.get("status") == shop.CANCELLED else int(d.get("qty") or 0)


def entry_of(rec: Rec) -> pts.Entry:
    d = rec.data
    return pts.Entry(
        rec.id, d.get("member_id") or "", d.get("points") or 0, d.get("source_kind") or "", _when(d.get("at")),
        source_id=d.get("source_id"), rule_item=d.get("rule_item"), verified_by=d.get("verified_by"),
        reverses=d.get("reverses"), note=d.get("note"),
    )  # fmt: skip
