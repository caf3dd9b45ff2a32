"""The points shop at the community centre (积分商城): items and stock, redemptions requested at the desk,
handed over, or cancelled.

The server decides every redemption in one transaction (the member's balance, the item's stock). The
desk decides first with what it knows (`decide_redemption` on the local balance and stock, less what
is already requested or handed over here and not yet settled), so an obvious refusal is said at once; a request the
desk accepted offline and the server refused comes back as a rejected outbox row, and the shop page
shows it as refused with the server's reason.
"""

from __future__ import annotations

from datetime import datetime

from ...domain import validation as v
from ...domain.errors import ValidationError
from ...domain.participation.common import STAFF, Refusal, check_actor, has_text
from ...domain.participation.shop import CANCELLED, HANDED_OVER, REQUESTED, STATUS_LABELS, Item, decide_redemption
from ...domain.participation_records import Member, Redemption, ShopItem
from ..base import Tx, get_live, operation
from ..changes import apply_fields, record_upsert
from ..queries.points import balance_in, stock_in
from .common import present, when


def _whole(field: str, value: object, lo: int, zh: str, en: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < lo:
        raise ValidationError(field, zh, en, code="invalid_number")
    return value


@operation
def save_item(tx: Tx, *, area_id: str, name: str, price: int, actor_id: str, actor_role: str, active: bool = True,
              description: str | None = None, item_id: str | None = None) -> ShopItem:
    """A new item, or a new name, price or shelf state of one (requested redemptions keep what they cost); staff's."""
    check_actor(actor_id, actor_role, "save_item", STAFF, "修改积分商城", "change the points shop")
    values = {
        "area_id": area_id, "name": v.text("name", name, required=True, max_len=100),
        "price": _whole("price", price, 1, "兑换所需积分须为正整数", "The price in points must be a positive whole number"),
        "active": bool(active), "description": v.text("description", description, max_len=500),
    }
    if item_id is None:
        item = ShopItem(**values)
        record_upsert(tx.s, item, present(values) | {"active": values["active"], "stock_total": 0}, tx.changes)
        return item
    item = get_live(tx.s, ShopItem, item_id)
    record_upsert(tx.s, item, apply_fields(item, values), tx.changes)
    return item


@operation
def restock(tx: Tx, item_id: str, qty: int, *, actor_id: str, actor_role: str) -> ShopItem:
    check_actor(actor_id, actor_role, "restock", STAFF, "补货", "add stock")
    item = get_live(tx.s, ShopItem, item_id)
    qty = _whole("qty", qty, 1, "补货数量须为正整数", "The quantity added must be a positive whole number")
    changed = apply_fields(item, {"stock_total": item.stock_total + qty})
    item.stock += qty  # the pieces left, as the server will count them (read-only on the wire)
    record_upsert(tx.s, item, changed, tx.changes)
    return item


@operation
def request(tx: Tx, member_id: str, item_id: str, qty: int, *, actor_id: str, actor_role: str,
            at: datetime | None = None) -> Redemption:
    """A redemption made at the desk for a member who is there: decided here first, then by the server."""
    check_actor(actor_id, actor_role, "redeem", STAFF, "登记兑换", "record a redemption")
    member = get_live(tx.s, Member, member_id)
    row = get_live(tx.s, ShopItem, item_id)
    item = Item(row.id, row.name, row.price, row.active)
    decision = decide_redemption(balance_in(tx.s, member_id), stock_in(tx.s, item_id), item, qty)
    if not decision.ok:
        raise decision.refusal()
    values = {"area_id": member.area_id, "member_id": member_id, "item_id": item_id, "qty": qty,
              "status": REQUESTED, "requested_at": when(at)}
    redemption = Redemption(points=row.price * qty, recorded_by=actor_id, **values)
    record_upsert(tx.s, redemption, present(values) | {"status": REQUESTED}, tx.changes)
    return redemption


def _open(tx: Tx, redemption_id: str, action: str) -> Redemption:
    redemption = get_live(tx.s, Redemption, redemption_id)
    if redemption.status != REQUESTED:
        zh, en = STATUS_LABELS.get(redemption.status, (redemption.status, redemption.status))
        raise Refusal("redemption_closed", f"兑换单{zh}", f"The redemption is already {en}", action=action)
    return redemption


@operation
def hand_over(tx: Tx, redemption_id: str, *, actor_id: str, actor_role: str, at: datetime | None = None) -> Redemption:
    check_actor(actor_id, actor_role, "hand_over", STAFF, "登记领取", "record a hand-over")
    redemption = _open(tx, redemption_id, "hand_over")
    changed = apply_fields(redemption, {"status": HANDED_OVER})
    redemption.closed_at, redemption.closed_by = when(at, redemption.requested_at), actor_id  # the server's, for display
    record_upsert(tx.s, redemption, changed, tx.changes)
    return redemption


@operation
def cancel(tx: Tx, redemption_id: str, reason: str, *, actor_id: str, actor_role: str,
           at: datetime | None = None) -> Redemption:
    """Cancelled by staff with a reason: the server gives the points and the stock back."""
    check_actor(actor_id, actor_role, "cancel", STAFF, "取消兑换", "cancel a redemption")
    redemption = _open(tx, redemption_id, "cancel")
    if not has_text(reason):
        raise Refusal("reason_required", "取消兑换须填写原因", "A reason is required to cancel a redemption", action="cancel")
    changed = apply_fields(redemption, {"status": CANCELLED, "reason": v.text("reason", reason, max_len=200)})
    redemption.closed_at, redemption.closed_by = when(at, redemption.requested_at), actor_id  # the server's, for display
    record_upsert(tx.s, redemption, changed, tx.changes)
    return redemption


__all__ = ["cancel", "hand_over", "request", "restock", "save_item"]
