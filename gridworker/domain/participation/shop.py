"""The points shop (积分商城): items with a price and stock; redemptions requested, handed over or cancelled.

The rule: nobody spends points they do not have and stock never goes below zero. `decide_redemption`
is the decision alone; `Shop` applies it together with the ledger, the way the server does inside one
transaction (points taken and stock reserved at the request; both given back when it is cancelled;
handing over only records that the member collected it at the community centre).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from .common import MEMBER, STAFF, Refusal, check_actor, has_text
from .points import REDEMPTION, Entry, Ledger

REQUESTED, HANDED_OVER, CANCELLED = "requested", "handed_over", "cancelled"
STATUS_LABELS = {REQUESTED: ("待领取", "requested"), HANDED_OVER: ("已领取", "handed over"), CANCELLED: ("已取消", "cancelled")}
MAX_QTY = 99


@dataclass(frozen=True)
class Item:
    id: str
    name: str
    price: int  # points per piece, > 0
    active: bool = True


@dataclass(frozen=True)
class Decision:
    ok: bool
    code: str = "ok"
    zh: str = ""
    en: str = ""

    def refusal(self) -> Refusal:
        return Refusal(self.code, self.zh, self.en, action="redeem")


def decide_redemption(balance: int, stock: int, item: Item, qty: int) -> Decision:
    """Whether `qty` pieces of `item` can be redeemed by a member with `balance` points while `stock` are left."""
    if not isinstance(qty, int) or isinstance(qty, bool) or not 1 <= qty <= MAX_QTY:
        return Decision(False, "invalid_quantity", f"兑换数量须为1到{MAX_QTY}", f"The quantity must be 1 to {MAX_QTY}")
    if not item.active:
        return Decision(False, "item_inactive", f"“{item.name}”已下架", f"'{item.name}' is no longer offered")
    if stock <= 0:
        return Decision(False, "out_of_stock", f"“{item.name}”已兑完", f"'{item.name}' is out of stock")
    if stock < qty:
        return Decision(False, "not_enough_stock", f"“{item.name}”仅剩{stock}件", f"Only {stock} of '{item.name}' are left")
    cost = item.price * qty
    if balance < cost:
        return Decision(False, "not_enough_points", f"积分不足：需要{cost}分，现有{balance}分",
                        f"Not enough points: {cost} needed, the balance is {balance}")
    return Decision(True)


@dataclass(frozen=True)
class Redemption:
    id: str
    member_id: str
    item_id: str
    qty: int
    points: int  # what was taken from the balance
    status: str
    requested_at: datetime
    closed_at: datetime | None = None
    closed_by: str | None = None
    reason: str | None = None


class Shop:
    """Items, stock and redemptions over a ledger: what the server keeps consistent in one transaction."""

    def __init__(self, ledger: Ledger, items: Iterable[tuple[Item, int]] = ()):
        self.ledger = ledger
        self.items: dict[str, Item] = {}
        self.stock: dict[str, int] = {}
        self.redemptions: dict[str, Redemption] = {}
        for item, stock in items:
            self.add_item(item, stock)

    def add_item(self, item: Item, stock: int = 0) -> None:
        if not has_text(item.id) or item.id in self.items:
            raise Refusal("duplicate_item", "商品编号为空或重复", "The item's id is missing or already used", action="add_item")
        _check_price(item.price, "add_item")
        self.items[item.id] = item
        self.stock[item.id] = 0
        if stock:
            self.restock(item.id, stock)

    def update_item(self, item: Item) -> None:
        """A new price or taking an item off the shelf; redemptions already requested keep what they cost."""
        self._item(item.id, "update_item")
        _check_price(item.price, "update_item")
        self.items[item.id] = item

    def restock(self, item_id: str, qty: int) -> None:
        self._item(item_id, "restock")
        if not isinstance(qty, int) or isinstance(qty, bool) or qty <= 0:
            raise Refusal("invalid_quantity", "补货数量须为正整数", "The quantity added must be a positive whole number", action="restock")
        self.stock[item_id] += qty

    def decide(self, member_id: str, item_id: str, qty: int) -> Decision:
        return decide_redemption(self.ledger.balance(member_id), self.stock[item_id], self._item(item_id, "redeem"), qty)

    def request(self, redemption_id: str, member_id: str, item_id: str, qty: int, at: datetime) -> Redemption:
        """The member's request: decided, then points taken and stock reserved together, or nothing at all."""
        if not has_text(redemption_id) or redemption_id in self.redemptions:
            raise Refusal("duplicate_redemption", "兑换单编号为空或重复", "The redemption's id is missing or already used", action="redeem")
        decision = self.decide(member_id, item_id, qty)
        if not decision.ok:
            raise decision.refusal()
        cost = self.items[item_id].price * qty
        self.ledger.append(Entry(f"{redemption_id}:spend", member_id, -cost, REDEMPTION, at, source_id=redemption_id))
        self.stock[item_id] -= qty
        redemption = Redemption(redemption_id, member_id, item_id, qty, cost, REQUESTED, at)
        self.redemptions[redemption_id] = redemption
        return redemption

    def hand_over(self, redemption_id: str, actor_id: str, actor_role: str, at: datetime) -> Redemption:
        check_actor(actor_id, actor_role, "hand_over", STAFF, "登记领取", "record a hand-over")
        redemption = self._open(redemption_id, "hand_over")
        done = replace(redemption, status=HANDED_OVER, closed_at=at, closed_by=actor_id)
        self.redemptions[redemption_id] = done
        return done

    def cancel(self, redemption_id: str, actor_id: str, actor_role: str, at: datetime, reason: str | None = None) -> Redemption:
        """Cancelled by the member who asked or by staff: the points and the stock come back."""
        check_actor(actor_id, actor_role, "cancel", STAFF | {MEMBER}, "取消兑换", "cancel a redemption")
        redemption = self._open(redemption_id, "cancel")
        if actor_role == MEMBER and actor_id != redemption.member_id:
            raise Refusal("not_owner", "只能取消自己的兑换", "You can cancel only your own redemptions", action="cancel")
        if actor_role != MEMBER and not has_text(reason):
            raise Refusal("reason_required", "取消兑换须填写原因", "A reason is required to cancel a redemption", action="cancel")
        self.ledger.append(Entry(f"{redemption_id}:refund", redemption.member_id, redemption.points, REDEMPTION, at,
                                 source_id=redemption_id, note=reason))
        self.stock[redemption.item_id] += redemption.qty
        done = replace(redemption, status=CANCELLED, closed_at=at, closed_by=actor_id, reason=reason)
        self.redemptions[redemption_id] = done
        return done

    def reserved(self, item_id: str) -> int:
        """Pieces requested and not yet collected (already off the stock)."""
        return sum(r.qty for r in self.redemptions.values() if r.item_id == item_id and r.status == REQUESTED)

    def _item(self, item_id: str, action: str) -> Item:
        item = self.items.get(item_id)
        if item is None:
            raise Refusal("unknown_item", "找不到该商品", "No such item in the shop", action=action)
        return item

    def _open(self, redemption_id: str, action: str) -> Redemption:
        redemption = self.redemptions.get(redemption_id)
        if redemption is None:
            raise Refusal("unknown_redemption", "找不到该兑换单", "No such redemption", action=action)
        if redemption.status != REQUESTED:
            zh, en = STATUS_LABELS[redemption.status]
            raise Refusal("redemption_closed", f"兑换单{zh}", f"The redemption is already {en}", action=action)
        return redemption


def _check_price(price: object, action: str) -> None:
    if not isinstance(price, int) or isinstance(price, bool) or price <= 0:
        raise Refusal("invalid_price", "兑换所需积分须为正整数", "The price in points must be a positive whole number", action=action)
