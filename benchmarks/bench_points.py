"""Points balances and rankings (晾晒比拼) for 5,000 members and 200,000 ledger entries (target: under 200 ms).

Twice: the pure core (`Ledger`, below), and the desktop's services on the real encrypted store
(`run_store`: the same members and entries loaded as a first sync would write them, then each board
the points page shows, timed as the user waits for it).

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


# -- the same boards through the services, on the real (encrypted) store ---------------------------------
def _store(tmp: str):
    import os

    os.environ.setdefault("GRIDWORKER_KDF", "fast")
    from gridworker.store import AccountManager

    manager = AccountManager(tmp)
    manager.create("bench", "bench-pass-1")
    return manager.open("bench", "bench-pass-1")[1]


def load_store(store, log: list[Entry], grid_of: dict[str, str], community_of: dict[str, str],
               team_of: dict[str, str]) -> None:
    """Areas, approved members and the ledger as rows (bulk, as a first sync writes them)."""
    import uuid

    from sqlalchemy import insert

    from gridworker.domain.models import Area
    from gridworker.domain.participation_records import LedgerEntry, Member

    def uid(key: str) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, key))

    now = datetime.now(TZ)
    communities = sorted(set(community_of.values()))
    grids = sorted(set(grid_of.values()))
    grid_parent = {g: community_of[next(m for m, gg in grid_of.items() if gg == g)] for g in grids}
    base = {"version": 1, "deleted": False, "updated_at": now, "extra": {}}
    areas = [base | {"id": uid(c), "parent_id": None, "code": c, "name": c, "level": "community", "area_id": None}
             for c in communities]
    areas += [base | {"id": uid(g), "parent_id": uid(grid_parent[g]), "code": g, "name": g, "level": "grid", "area_id": None}
              for g in grids]
    members = [base | {"id": uid(m), "area_id": uid(grid_of[m]), "name": m, "phone": None, "employer": None,
                       "estate": None, "building": None, "building_id": None, "skills": [], "posts": [],
                       "team": team_of[m], "submitted_at": now, "status": "approved", "return_reason": None,
                       "reviewed_at": now, "to_place": False, "reviewed_by": None} for m in grid_of]
    rows = [base | {"id": uid(e.id), "area_id": uid(grid_of[e.member_id]), "member_id": uid(e.member_id),
                    "points": e.points, "source_kind": e.source_kind, "source_id": uid(e.source_id) if e.source_id else None,
                    "rule_item": e.rule_item, "verified_by": e.verified_by, "reverses": uid(e.reverses) if e.reverses else None,
                    "note": e.note, "at": e.at} for e in log]
    with store.write() as s:
        conn = s.connection()
        conn.execute(insert(Area.__table__), areas)
        conn.execute(insert(Member.__table__), members)
        for start in range(0, len(rows), 20_000):
            conn.execute(insert(LedgerEntry.__table__), rows[start:start + 20_000])


def run_store(report: Report, scale: str) -> None:
    import tempfile
    from datetime import date

    from gridworker.services.queries import points as point_queries

    members, entries = SIZES[scale]
    log, grid_of, community_of, team_of = build(members, entries, random.Random(16))
    with tempfile.TemporaryDirectory() as tmp:
        store = _store(tmp)
        try:
            t = time.perf_counter()
            load_store(store, log, grid_of, community_of, team_of)
            report.add(f"points (store): load {members:,} members and {len(log):,} entries", (time.perf_counter() - t) * 1000, "ms")
            month = (date(2025, 6, 1), date(2025, 6, 30))

            calls = {
                "every balance": lambda: point_queries.balances(store),
                "community board": lambda: point_queries.board(store, "community"),
                "grid board": lambda: point_queries.board(store, "grid"),
                "team board (teams ranked)": lambda: point_queries.board(store, "team", groups=True),
                "June's board by grid": lambda: point_queries.board(store, "grid", month),
            }
            for name, call in calls.items():  # each is one screen's read: what the user waits for
                samples = []
                for _ in range(REPEATS):
                    t = time.perf_counter()
                    call()
                    samples.append((time.perf_counter() - t) * 1000)
                report.add(f"points (store, services): {name}", median(samples), "ms", target="< 200 ms")
        finally:
            store.close()


_pure_run = run


def run(report: Report, scale: str) -> None:  # noqa: F811 - the pure core's figures, then the services' on the store
    _pure_run(report, scale)
    run_store(report, scale)
