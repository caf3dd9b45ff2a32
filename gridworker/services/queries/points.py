"""Points (积分) read on this computer: balances, a member's ledger, rankings (晾晒比拼), shop stock.

Every figure is one SQL aggregate over the ledger (index ix_ledger_entry_member_at covers it), so the
boards of 5,000 members and 200,000 entries take a few tens of milliseconds (benchmarks/bench_points.py).
A balance counts the entries this computer holds, less redemptions requested at this desk that the
server has not decided yet (refused ones count nothing), plus those cancelled here and not yet refunded.
Rankings count points earned — awards, manual entries and reversals, not spending — a reversal in the
period of the entry it corrects; equal points share a rank (1, 2, 2, 4).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from ...domain.fieldwork import day_start
from ...domain.models import Area
from ...domain.participation import tables as rule_tables
from ...domain.participation.points import REDEMPTION, rank
from ...domain.participation.shop import CANCELLED, HANDED_OVER, REQUESTED
from ...domain.participation_records import LedgerEntry, Member, Redemption, ShopItem
from ..refused import accepted
from ..rule_items import rule_items_in

LIVE = LedgerEntry.deleted == False  # noqa: E712


def _spent(kind: str):
    """Ids of redemptions the ledger holds a spending (kind 'spend', points < 0) or refund (> 0) entry of."""
    sign = LedgerEntry.points < 0 if kind == "spend" else LedgerEntry.points > 0
    return select(LedgerEntry.source_id).where(LedgerEntry.source_kind == REDEMPTION, sign, LIVE)


def _pending_by(s: Session, column, group, *where) -> dict[str, int]:
    """Points (column=points) or pieces (qty) of redemptions the server has not settled yet, per `group` (member or
    item): requested or already handed over here and not yet paid for (minus), cancelled here after being paid
    and not yet refunded (plus)."""
    where = (Redemption.deleted == False, accepted(Redemption), *where)  # noqa: E712
    out: dict[str, int] = {}
    waiting = s.exec(select(group, func.sum(column)).where(
        *where, Redemption.status.in_((REQUESTED, HANDED_OVER)), Redemption.id.not_in(_spent("spend"))).group_by(group))
    for key, n in waiting:
        out[key] = out.get(key, 0) - int(n)
    back = s.exec(select(group, func.sum(column)).where(
        *where, Redemption.status == CANCELLED, Redemption.id.in_(_spent("spend")), Redemption.id.not_in(_spent("refund")))
        .group_by(group))
    for key, n in back:
        out[key] = out.get(key, 0) + int(n)
    return out


def _pending(s: Session, column, member_id: str | None = None, item_id: str | None = None) -> int:
    if member_id is not None:
        return _pending_by(s, column, Redemption.member_id, Redemption.member_id == member_id).get(member_id, 0)
    return _pending_by(s, column, Redemption.item_id, Redemption.item_id == item_id).get(item_id, 0)


def balance_in(s: Session, member_id: str) -> int:
    total = s.exec(select(func.coalesce(func.sum(LedgerEntry.points), 0)).where(LedgerEntry.member_id == member_id, LIVE)).one()
    return int(total) + _pending(s, Redemption.points, member_id=member_id)


def stock_in(s: Session, item_id: str) -> int:
    item = s.get(ShopItem, item_id)
    return (item.stock if item is not None else 0) + _pending(s, Redemption.qty, item_id=item_id)


def balances_in(s: Session) -> dict[str, int]:
    """Every member's balance as on this computer: the ledger, less what was redeemed here and not yet settled."""
    rows = s.exec(select(LedgerEntry.member_id, func.sum(LedgerEntry.points)).where(LIVE).group_by(LedgerEntry.member_id))
    balances = {m: int(p) for m, p in rows}
    for member_id, n in _pending_by(s, Redemption.points, Redemption.member_id).items():
        balances[member_id] = balances.get(member_id, 0) + n
    return balances


Period = tuple[date, date]  # days, both included (China's calendar)


def earned_in(s: Session, period: Period | None = None) -> dict[str, int]:
    """Points earned per member, in the period if given (a reversal in its original entry's period).

    One scan of the covering index for the entries that are not reversals; the reversals (few) are
    looked up by their own index and counted in the period of what they correct."""
    earning = and_(LIVE, LedgerEntry.source_kind != REDEMPTION)
    if period is None:
        rows = s.exec(select(LedgerEntry.member_id, func.sum(LedgerEntry.points)).where(earning).group_by(LedgerEntry.member_id))
        return {m: int(p) for m, p in rows}
    lo, hi = day_start(period[0]), day_start(date.fromordinal(period[1].toordinal() + 1))
    inside = case((and_(LedgerEntry.reverses == None, LedgerEntry.at >= lo, LedgerEntry.at < hi),  # noqa: E711
                   LedgerEntry.points), else_=0)
    rows = s.exec(select(LedgerEntry.member_id, func.sum(inside)).where(earning).group_by(LedgerEntry.member_id))
    totals = {m: int(p) for m, p in rows}
    original = aliased(LedgerEntry)
    reversals = s.exec(select(LedgerEntry.member_id, func.sum(LedgerEntry.points)).join(
        original, original.id == LedgerEntry.reverses).where(
        LedgerEntry.reverses != None, earning, original.at >= lo, original.at < hi  # noqa: E711
    ).group_by(LedgerEntry.member_id).with_hint(LedgerEntry, "INDEXED BY ix_ledger_entry_reverses", "sqlite"))
    for m, p in reversals:
        totals[m] = totals.get(m, 0) + int(p)
    return totals


@dataclass(frozen=True)
class BoardRow:
    rank: int
    key: str  # member id, or the group (area id, team name)
    name: str
    group: str  # the group's name ("" for group rows)
    points: int


BY = ("community", "grid", "team")


def _groups(s: Session, by: str) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """member → group key, group key → its name, member → name (approved members only)."""
    members = list(s.exec(select(Member.id, Member.name, Member.area_id, Member.team).where(
        Member.deleted == False, Member.status == "approved")))  # noqa: E712
    names = {m: n for m, n, _a, _t in members}
    areas = {a.id: a for a in s.exec(select(Area))}
    if by == "team":
        group_of = {m: t for m, _n, _a, t in members if t}
        return group_of, {t: t for t in group_of.values()}, names
    if by == "grid":
        group_of = {m: a for m, _n, a, _t in members if a}
    else:  # community: the area of level community above the member's grid
        group_of = {}
        for m, _n, a, _t in members:
            area = areas.get(a)
            while area is not None and area.level != "community":
                area = areas.get(area.parent_id)
            if area is not None:
                group_of[m] = area.id
    return group_of, {g: areas[g].name if g in areas else g for g in set(group_of.values())}, names


def board(store: Any, by: str = "community", period: Period | None = None, *, groups: bool = False) -> list[BoardRow]:
    """Members ranked inside each group (community, grid, team), or with `groups` the groups by their total."""
    if by not in BY:
        raise ValueError(by)
    with store.read() as s:
        earned = earned_in(s, period)
        group_of, group_names, names = _groups(s, by)
    if groups:
        totals: dict[str, int] = {}
        for member, group in group_of.items():
            totals[group] = totals.get(group, 0) + earned.get(member, 0)
        return [BoardRow(r.rank, r.key, group_names[r.key], "", r.points) for r in rank(totals)]
    rows: list[BoardRow] = []
    by_group: dict[str, dict[str, int]] = {}
    for member, group in group_of.items():
        by_group.setdefault(group, {})[member] = earned.get(member, 0)
    for group in sorted(by_group, key=lambda g: group_names[g]):
        rows += [BoardRow(r.rank, r.key, names[r.key], group_names[group], r.points) for r in rank(by_group[group])]
    return rows


@dataclass(frozen=True)
class LedgerRow:
    id: str
    at: datetime
    points: int
    source_kind: str
    rule_item: str | None
    rule_name: str
    rule_name_en: str
    note: str | None
    verified_by: str | None
    reversed: bool
    reverses: str | None


def ledger(store: Any, member_id: str) -> tuple[int, list[LedgerRow]]:
    """A member's balance (as on this computer) and their entries, newest first."""
    with store.read() as s:
        rows = list(s.exec(select(LedgerEntry).where(LedgerEntry.member_id == member_id, LIVE).order_by(LedgerEntry.at.desc())))
        reversed_ids = set(s.exec(select(LedgerEntry.reverses).where(LedgerEntry.member_id == member_id, LIVE,
                                                                     LedgerEntry.reverses != None)))  # noqa: E711
        balance = balance_in(s, member_id)
        items = rule_items_in(s)
    out = []
    for r in rows:
        item = items.get(r.rule_item or "")
        out.append(LedgerRow(r.id, r.at, r.points, r.source_kind, r.rule_item, item.name if item else "",
                             item.name_en if item else "", r.note, r.verified_by, r.id in reversed_ids, r.reverses))
    return balance, out


def balances(store: Any) -> dict[str, int]:
    """Every member's balance as on this computer (ledger entries, less the desk's redemptions not yet settled)."""
    with store.read() as s:
        return balances_in(s)


__all__ = ["BY", "BoardRow", "LedgerRow", "balance_in", "balances", "board", "earned_in", "ledger", "stock_in"]
