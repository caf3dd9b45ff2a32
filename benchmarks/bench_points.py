"""Points balances and rankings (晾晒比拼) for 5,000 members and 200,000 ledger entries (target: under 200 ms).

A year of ledger: 5,000 members in 4 communities, 40 grids and 120 teams; 200,000 entries (awards
for orders, activities and wishes, manual entries, a few hundred reversals and redemptions). Timed:
every balance, the all-time ranking of each community, of each grid, the team board, and one month's
ranking by grid, all from `Ledger` (pure Python, no database). Appending (with every entry checked)
is reported beside it, not in the target.

Baseline: the same sums with none of our code, a `collections.Counter` over (member, points) tuples
and `sorted`, for the month's board.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from datetime import datetime, timedelta

from benchmarks.common import Report, median
from gridworker.domain.participation.points import (
    ACTIVITY, MANUAL, ORDER, REDEMPTION, REVERSAL, WISH, Entry, Ledger,
)
from gridworker.domain.workdays import TZ

SIZES = {"small": (500, 20_000), "full": (5_000, 200_000)}
REPEATS = 5


def build(members: int, entries: int, rng: random.Random) -> tuple[list[Entry], dict[str, str], dict[str, str], dict[str, str]]:
    ids = [f"m{i:05d}" for i in range(members)]
    grid_of = {m: f"grid-{i % 40:02d}" for i, m in enumerate(ids)}
    community_of = {m: f"community-{i % 4}" for i, m in enumerate(ids)}
    team_of = {m: f"team-{i % 120:03d}" for i, m in enumerate(ids)}
    start = datetime(2025, 1, 1, tzinfo=TZ)
    out: list[Entry] = []
    balance: Counter = Counter()
    reversed_ids: set[str] = set()
    for n in range(entries):
        member = rng.choice(ids)
        at = start + timedelta(seconds=rng.randrange(365 * 86400))
        roll = rng.random()
        if roll < 0.002 and out:  # a reversal of an earlier award that has not been spent
            original = out[rng.randrange(len(out))]
            if original.source_kind in (ORDER, ACTIVITY, WISH) and balance[original.member_id] >= original.points \
                    and original.id not in reversed_ids:
                reversed_ids.add(original.id)
                out.append(Entry(f"e{n}", original.member_id, -original.points, REVERSAL, max(at, original.at),
                                 verified_by="staff", reverses=original.id, note="冲正"))
                balance[original.member_id] -= original.points
                continue
        if roll < 0.01 and balance[member] >= 20:
            out.append(Entry(f"e{n}", member, -20, REDEMPTION, at, source_id=f"red-{n}"))
            balance[member] -= 20
            continue
        kind = MANUAL if roll < 0.05 else rng.choice((ORDER, ACTIVITY, WISH))
        points = rng.randint(1, 10)
        out.append(Entry(f"e{n}", member, points, kind, at, source_id=f"src-{n}", rule_item="A13.01",
                         verified_by="staff", note="手工记分" if kind == MANUAL else None))
        balance[member] += points
    return out, grid_of, community_of, team_of


def run(report: Report, scale: str) -> None:
    members, entries = SIZES[scale]
    rng = random.Random(16)
    log, grid_of, community_of, team_of = build(members, entries, rng)
    t = time.perf_counter()
    ledger = Ledger(log)
    report.add(f"points: append {len(ledger):,} entries, each checked", (time.perf_counter() - t) * 1000, "ms")
    month = (datetime(2025, 6, 1, tzinfo=TZ), datetime(2025, 7, 1, tzinfo=TZ))

    def boards():
        ledger.balances()
        ledger.rankings_by(community_of)
        ledger.rankings_by(grid_of)
        ledger.group_ranking(team_of)
        ledger.rankings_by(grid_of, month)

    def month_board():
        ledger.rankings_by(grid_of, month)

    pairs = [(e.member_id, e.points, e.at if e.source_kind != REVERSAL else ledger.get(e.reverses).at)
             for e in ledger if e.source_kind != REDEMPTION]
    lo, hi = month

    def raw_month():
        totals: Counter = Counter()
        for member, points, at in pairs:
            if lo <= at < hi:
                totals[member] += points
        by_grid: dict[str, list] = {}
        for member, grid in grid_of.items():
            by_grid.setdefault(grid, []).append((-totals[member], member))
        return {g: sorted(rows) for g, rows in by_grid.items()}

    samples, month_samples, raw_samples = [], [], []
    for _ in range(REPEATS):
        for fn, box in ((boards, samples), (month_board, month_samples), (raw_month, raw_samples)):
            t = time.perf_counter()
            fn()
            box.append((time.perf_counter() - t) * 1000)
    report.add(f"points: month's board by grid, {members:,} members", median(month_samples), "ms",
               baseline=median(raw_samples), baseline_label="Counter + sorted over tuples")
    report.add(f"points: balances + community, grid, team, month boards", median(samples), "ms", target="< 200 ms")
