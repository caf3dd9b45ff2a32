"""The points ledger (积分): append-only entries; balances and rankings (晾晒比拼) are derived.

An entry is never edited or deleted: a wrong one is reversed by another entry of the opposite points
(a reversal of a reversal is refused, and so is reversing an entry twice). Spending goes through the
points shop as `redemption` entries, a cancelled redemption gives the points back with a second one.
Nobody's balance goes below zero: an entry that would take it there is refused (a deduction, a
redemption, or the reversal of points already spent: cancel the redemption first).

Rankings count points *earned* (awards, manual entries and their reversals), not spending, so redeeming
a prize does not drop a member down the board. A reversal counts in the period of the entry it
corrects, so last month's board is right once corrected.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from .common import Refusal, has_text

ACTIVITY, ORDER, WISH, MANUAL, REDEMPTION, REVERSAL = "activity", "order", "wish", "manual", "redemption", "reversal"
SOURCE_KINDS = frozenset({ACTIVITY, ORDER, WISH, MANUAL, REDEMPTION, REVERSAL})
AWARDS = frozenset({ACTIVITY, ORDER, WISH})  # earned for verified work, positive, once per member and source
MAX_POINTS = 100_000


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    member_id: str
    points: int
    source_kind: str
    at: datetime
    source_id: str | None = None  # the activity, order, wish or redemption
    rule_item: str | None = None  # point_rules.json item code (awards, manual entries)
    verified_by: str | None = None  # the staff member who verified the work (every kind but redemption)
    reverses: str | None = None  # reversal: the entry it corrects
    note: str | None = None  # manual entries and reversals: why


@dataclass(frozen=True, slots=True)
class RankRow:
    rank: int  # competition ranking: equal points share a rank, the next rank skips (1, 2, 2, 4)
    key: str  # a member id, or a group (grid, community, team) for group rankings
    points: int


Period = tuple[datetime, datetime]  # [start, end)


def _refuse(code: str, zh: str, en: str) -> Refusal:
    return Refusal(code, zh, en, action="ledger")


class Ledger:
    """The entries of one server (or one community's copy), with running balances kept as they are appended."""

    def __init__(self, entries: Iterable[Entry] = ()):
        self._entries: list[Entry] = []
        self._by_id: dict[str, Entry] = {}
        self._reversed: set[str] = set()
        self._live_award: set[tuple[str, str, str]] = set()  # (kind, source id, member) of awards not reversed
        self._redemption_net: dict[str, int] = {}
        self._balance: dict[str, int] = {}
        self._earned: dict[str, int] = {}
        # Earned points as parallel columns (time stamp, member, points), for period rankings.
        self._ts: list[float] = []
        self._who: list[str] = []
        self._pts: list[int] = []
        for entry in entries:
            self.append(entry)

    # -- appending -----------------------------------------------------------------------------------

    def check(self, entry: Entry) -> Refusal | None:
        try:
            self._validate(entry)
        except Refusal as refusal:
            return refusal
        return None

    def append(self, entry: Entry) -> None:
        self._validate(entry)
        self._entries.append(entry)
        self._by_id[entry.id] = entry
        member, points, kind = entry.member_id, entry.points, entry.source_kind
        self._balance[member] = self._balance.get(member, 0) + points
        if kind in AWARDS:
            self._live_award.add((kind, entry.source_id, member))
        elif kind == REDEMPTION:
            self._redemption_net[entry.source_id] = self._redemption_net.get(entry.source_id, 0) + points
        if kind == REVERSAL:
            original = self._by_id[entry.reverses]
            self._reversed.add(original.id)
            self._live_award.discard((original.source_kind, original.source_id, member))
            when = original.at
        else:
            when = entry.at
        if kind != REDEMPTION:
            self._earned[member] = self._earned.get(member, 0) + points
            self._ts.append(when.timestamp())
            self._who.append(member)
            self._pts.append(points)

    def _validate(self, e: Entry) -> None:
        if not has_text(e.id) or e.id in self._by_id:
            raise _refuse("duplicate_entry", "积分记录编号为空或重复", "The ledger entry's id is missing or already used")
        if not has_text(e.member_id):
            raise _refuse("member_required", "积分记录须指明党员", "A ledger entry must name the member")
        if not isinstance(e.points, int) or isinstance(e.points, bool) or e.points == 0 or abs(e.points) > MAX_POINTS:
            raise _refuse("invalid_points", f"分值须为非零整数（绝对值不超过{MAX_POINTS}）",
                          f"Points must be a whole number other than zero (at most {MAX_POINTS} either way)")
        if e.source_kind not in SOURCE_KINDS:
            raise _refuse("unknown_source", "未知的积分来源", "Unknown source of points")
        if not isinstance(e.at, datetime) or e.at.tzinfo is None or e.at.utcoffset() is None:
            raise _refuse("naive_time", "积分记录时间缺少时区", "The entry's time has no timezone")
        if e.source_kind != REDEMPTION and not has_text(e.verified_by):
            raise _refuse("verifier_required", "积分须经社区工作人员核实", "Points need the staff member who verified them")
        _KIND_CHECKS[e.source_kind](self, e)
        if e.points < 0 and self._balance.get(e.member_id, 0) + e.points < 0:
            raise _refuse("not_enough_points", f"积分不足：现有{self._balance.get(e.member_id, 0)}分",
                          f"Not enough points: the balance is {self._balance.get(e.member_id, 0)}")

    def _check_award(self, e: Entry) -> None:
        if not has_text(e.source_id) or not has_text(e.rule_item):
            raise _refuse("source_required", "积分须指明来源和积分细则条目", "Points must name their source and rule item")
        if e.points < 0:
            raise _refuse("award_negative", "奖励积分须为正数；扣错的分请冲正", "An award must be positive; correct a wrong one by reversing it")
        if (e.source_kind, e.source_id, e.member_id) in self._live_award:
            raise _refuse("already_awarded", "这项工作已给该党员记过分", "This member already has the points for this work")

    def _check_manual(self, e: Entry) -> None:
        if not has_text(e.rule_item) or not has_text(e.note):
            raise _refuse("note_required", "手工记分须选择细则条目并说明理由", "A manual entry needs a rule item and a reason")

    def _check_redemption(self, e: Entry) -> None:
        if not has_text(e.source_id):
            raise _refuse("source_required", "兑换记录须指明兑换单", "A redemption entry must name the redemption")
        net = self._redemption_net.get(e.source_id)
        if e.points < 0 and net is not None:
            raise _refuse("already_spent", "该兑换单已扣过积分", "This redemption has already been paid for")
        if e.points > 0 and (net is None or net >= 0 or e.points != -net):
            raise _refuse("refund_mismatch", "退还积分须与该兑换单所扣积分相同且只退一次",
                          "A refund must return exactly what the redemption took, once")

    def _check_reversal(self, e: Entry) -> None:
        original = self._by_id.get(e.reverses or "")
        if original is None:
            raise _refuse("reversed_entry_missing", "找不到要冲正的积分记录", "The entry to reverse does not exist")
        if original.source_kind == REVERSAL:
            raise _refuse("reversal_of_reversal", "冲正记录不能再冲正；如需恢复请重新记分",
                          "A reversal cannot be reversed; award the points again instead")
        if original.source_kind == REDEMPTION:
            raise _refuse("redemption_not_reversible", "兑换积分不能冲正，请取消兑换单",
                          "Redemption entries are not reversed: cancel the redemption")
        if original.id in self._reversed:
            raise _refuse("already_reversed", "该记录已冲正过", "This entry has already been reversed")
        if e.member_id != original.member_id or e.points != -original.points:
            raise _refuse("reversal_mismatch", "冲正须针对同一党员、分值相反",
                          "A reversal must be for the same member with the opposite points")
        if not has_text(e.note):
            raise _refuse("note_required", "冲正须说明理由", "A reversal needs a reason")
        if e.at < original.at:
            raise _refuse("reversal_before_original", "冲正时间早于原记录", "The reversal is dated before the entry it reverses")

    # -- reading --------------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self):
        return iter(self._entries)

    def get(self, entry_id: str) -> Entry | None:
        return self._by_id.get(entry_id)

    def is_reversed(self, entry_id: str) -> bool:
        return entry_id in self._reversed

    def balance(self, member_id: str) -> int:
        return self._balance.get(member_id, 0)

    def balances(self) -> dict[str, int]:
        return dict(self._balance)

    def history(self, member_id: str) -> list[Entry]:
        return [e for e in self._entries if e.member_id == member_id]

    def earned(self, period: Period | None = None) -> dict[str, int]:
        """Points earned per member (awards, manual entries, reversals; not spending), in [start, end) if given."""
        if period is None:
            return dict(self._earned)
        lo, hi = period[0].timestamp(), period[1].timestamp()
        totals: dict[str, int] = {}
        get = totals.get
        for t, who, p in zip(self._ts, self._who, self._pts):
            if lo <= t < hi:
                totals[who] = get(who, 0) + p
        return totals

    def ranking(self, members: Iterable[str] | None = None, period: Period | None = None) -> list[RankRow]:
        """Members by points earned; `members` (e.g. a community's) also ranks those with no points."""
        earned = self.earned(period)
        if members is None:
            return rank(earned)
        return rank({m: earned.get(m, 0) for m in members})

    def rankings_by(self, group_of: Mapping[str, str], period: Period | None = None) -> dict[str, list[RankRow]]:
        """One ranking per group (grid, community, team): every member `group_of` places, with or without points."""
        earned = self.earned(period)
        groups: dict[str, dict[str, int]] = {}
        for member, group in group_of.items():
            groups.setdefault(group, {})[member] = earned.get(member, 0)
        return {group: rank(points) for group, points in groups.items()}

    def group_ranking(self, group_of: Mapping[str, str], period: Period | None = None) -> list[RankRow]:
        """The groups themselves (teams, grids) by the points their members earned."""
        earned = self.earned(period)
        totals: dict[str, int] = {}
        for member, group in group_of.items():
            totals[group] = totals.get(group, 0) + earned.get(member, 0)
        return rank(totals)


def awards(kind: str, source_id: str, members: Iterable[str], rule_item: str, points: int, verified_by: str,
           at: datetime, *, round_: int = 0) -> list[Entry]:
    """The entries for work whose points are due (an order's takers, an activity's attendees, a wish's claimer).

    Their ids derive from the source and the member, so the same award made twice (two desks, a retried
    request) is refused as a duplicate instead of paying twice. Work awarded again after its award was
    reversed is a new round (`round_=1`, 2, …).
    """
    suffix = f":{round_}" if round_ else ""
    return [Entry(f"{kind}:{source_id}:{member}{suffix}", member, points, kind, at, source_id=source_id, rule_item=rule_item,
                  verified_by=verified_by) for member in dict.fromkeys(members)]


def rank(points: Mapping[str, int]) -> list[RankRow]:
    """Highest first, ties by key; equal points share a rank (1, 2, 2, 4)."""
    ordered = sorted(points.items(), key=lambda kv: (-kv[1], kv[0]))
    rows, previous, current = [], None, 0
    for position, (key, value) in enumerate(ordered, start=1):
        if value != previous:
            current, previous = position, value
        rows.append(RankRow(current, key, value))
    return rows


_KIND_CHECKS = {
    ACTIVITY: Ledger._check_award, ORDER: Ledger._check_award, WISH: Ledger._check_award,
    MANUAL: Ledger._check_manual, REDEMPTION: Ledger._check_redemption, REVERSAL: Ledger._check_reversal,
}
