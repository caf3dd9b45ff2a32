"""The points shop on this computer: items with the stock left, redemptions with their state (and the
server's reason where it refused one made at this desk)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import select

from ...domain.participation_records import Member, Redemption, ShopItem
from ..refused import refusals
from .points import stock_in


@dataclass(frozen=True)
class ItemRow:
    id: str
    name: str
    price: int
    stock: int  # left, as this computer knows it (less what is requested here and not yet decided)
    active: bool
    description: str | None


def items(store: Any) -> list[ItemRow]:
    with store.read() as s:
        rows = list(s.exec(select(ShopItem).where(ShopItem.deleted == False).order_by(ShopItem.name)))  # noqa: E712
        return [ItemRow(i.id, i.name, i.price, stock_in(s, i.id), i.active, i.description) for i in rows]


@dataclass(frozen=True)
class RedemptionRow:
    id: str
    member: str
    item: str
    qty: int
    points: int
    status: str  # requested | handed_over | cancelled | refused (the server would not take it)
    requested_at: datetime
    reason: str | None  # a cancellation's reason, or the server's refusal


def redemptions(store: Any, lang: str = "zh", status: str | None = None) -> list[RedemptionRow]:
    with store.read() as s:
        rows = list(s.exec(select(Redemption).where(Redemption.deleted == False).order_by(Redemption.requested_at.desc())))  # noqa: E712
        names = dict(s.exec(select(Member.id, Member.name)).all())
        things = {i.id: i for i in s.exec(select(ShopItem))}
        refused = refusals(s, "redemption", [r.id for r in rows])
    out = []
    for r in rows:
        item = things.get(r.item_id)
        why = refused.get(r.id)
        state = "refused" if why is not None else r.status
        if status is not None and state != status:
            continue
        points = r.points or (item.price * r.qty if item is not None else 0)
        out.append(RedemptionRow(r.id, names.get(r.member_id, ""), item.name if item else "", r.qty, points, state,
                                 r.requested_at, why.message(lang) if why is not None else r.reason))
    return out


__all__ = ["ItemRow", "RedemptionRow", "items", "redemptions"]
