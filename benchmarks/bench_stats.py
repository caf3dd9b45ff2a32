"""Statistics of one year of a 50,000-person community with 20,000 incidents (target: under 1 s).

The data is bulk-inserted (SQLAlchemy Core, one transaction) into a real
encrypted account database: 10 grids, 200 buildings, 18,000 households,
50,000 people (about 8 % in special groups), ~100,000 visits and 20,000
incidents over 2025. `compute_statistics` then runs on the community.

Baseline: the same aggregates as hand-written SQL on the stdlib `sqlite3`
module, against a plain (unencrypted) copy of the same database made with
`sqlcipher_export`, with none of our code: no area-tree walk, no ORM types,
no working-day arithmetic (it only fetches the pairs of times it would need).
"""

from __future__ import annotations

import os
import random
import sqlite3
import statistics
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from benchmarks.common import Report
from gridworker.domain.fieldwork import CHINA_TZ, Incident, Visit
from gridworker.domain.models import Area, Building, Household, Person
from gridworker.services.statistics import compute_statistics
from gridworker.store.database import Store

YEAR = (date(2025, 1, 1), date(2025, 12, 31))
SPECIAL = ("elderly_alone", "disabled", "hardship", "left_behind_child", "key_person")
CATEGORIES = ("E0101", "E0102", "E0103", "E0201", "E0501", "C0101", "C0201", "G0101", "G0201", "G0401")
REPEATS = 3


def _ids(n: int) -> list[str]:
    return [str(uuid.uuid4()) for _ in range(n)]


def build(store: Store, people: int, incidents: int, rng: random.Random) -> str:
    """Fill the store; returns the community's area id."""
    community = str(uuid.uuid4())
    grids = _ids(10)
    households_n = round(people / 2.78)
    buildings = _ids(max(10, households_n // 90))
    households = _ids(households_n)
    workers = _ids(20)
    start = datetime(2025, 1, 1, tzinfo=CHINA_TZ)
    year_s = 365 * 86400

    def moment() -> datetime:
        return start + timedelta(seconds=rng.randrange(year_s))

    area_rows = [dict(id=community, area_id=community, code="C", name="幸福社区", level="community")]
    area_rows += [
        dict(id=g, area_id=g, parent_id=community, code=f"G{i}", name=f"第{i}网格", level="grid") for i, g in enumerate(grids)
    ]
    building_grid = {b: grids[i % len(grids)] for i, b in enumerate(buildings)}
    building_rows = [dict(id=b, area_id=building_grid[b], name=f"{i}号楼") for i, b in enumerate(buildings)]
    household_rows, household_grid = [], {}
    for i, h in enumerate(households):
        b = buildings[i % len(buildings)]
        household_grid[h] = building_grid[b]
        room = f"{i % 15 // 3 + 1}{i % 3 + 1:02d}"
        household_rows.append(dict(id=h, area_id=building_grid[b], building_id=b, unit=str(i % 6 + 1), room=room))
    person_rows, special_households = [], set()
    for i in range(people):
        h = households[i % households_n]
        tags = [rng.choice(SPECIAL)] if rng.random() < 0.08 else (["party_member"] if rng.random() < 0.05 else [])
        if tags and tags[0] in SPECIAL:
            special_households.add(h)
        person_rows.append(dict(id=str(uuid.uuid4()), area_id=household_grid[h], household_id=h, name=f"居民{i}", tags=tags))
    visit_rows = []
    for h in households:
        for _ in range(3 + (12 if h in special_households else 0)):
            visit_rows.append(dict(
                id=str(uuid.uuid4()), area_id=household_grid[h], household_id=h, visited_at=moment(),
                visitor_id=rng.choice(workers), outcome="met" if rng.random() < 0.8 else "not_home",
            ))  # fmt: skip
    incident_rows = [_incident(rng, grids, workers, moment()) for _ in range(incidents)]
    with store.write() as s:
        for model, rows in ((Area, area_rows), (Building, building_rows), (Household, household_rows),
                            (Person, person_rows), (Visit, visit_rows), (Incident, incident_rows)):  # fmt: skip
            s.execute(insert(model), rows)
    return community


def _incident(rng: random.Random, grids: list[str], workers: list[str], reported: datetime) -> dict:
    roll = rng.random()
    handled = reported + timedelta(hours=rng.uniform(0.5, 96)) if roll < 0.9 else None
    status = (
        "closed" if roll < 0.85 else "handled" if roll < 0.9 else "rejected" if roll < 0.93
        else rng.choice(["reported", "accepted", "dispatched", "in_progress"])
    )  # fmt: skip
    return dict(
        id=str(uuid.uuid4()), area_id=rng.choice(grids), title="事件", description="描述", category=rng.choice(CATEGORIES),
        reported_at=reported, reporter_id=rng.choice(workers), status=status,
        deadline=reported + timedelta(days=rng.choice((1, 3))), handled_at=handled if status != "rejected" else None,
        closed_at=handled + timedelta(hours=rng.uniform(1, 48)) if status == "closed" else None,
        overdue=rng.random() < 0.1, rework_count=1 if rng.random() < 0.05 else 0,
    )  # fmt: skip


_MET = (
    "EXISTS (SELECT 1 FROM visit v WHERE v.household_id = {col} AND v.visited_at >= :lo AND v.visited_at < :hi"
    " AND v.outcome = 'met' AND v.deleted = 0)"
)
BASELINE_SQL = [
    "SELECT count(*), count(CASE WHEN " + _MET.format(col="h.id") + " THEN 1 END) FROM household h"
    " WHERE h.deleted = 0 AND h.area_id IN ({areas})",
    "SELECT count(*), count(CASE WHEN " + _MET.format(col="p.household_id") + " THEN 1 END) FROM person p"
    " WHERE p.area_id IN ({areas}) AND p.status = 'active' AND p.deleted = 0 AND json_array_length(p.tags) > 0"
    " AND EXISTS (SELECT 1 FROM json_each(p.tags) j WHERE j.value IN ({special}))",
    "SELECT visitor_id, count(*), count(CASE WHEN outcome = 'met' THEN 1 END) FROM visit"
    " WHERE area_id IN ({areas}) AND visited_at >= :lo AND visited_at < :hi AND deleted = 0 GROUP BY visitor_id",
    "SELECT category, status, count(*), count(CASE WHEN status = 'closed' AND closed_at < :hi THEN 1 END),"
    " count(CASE WHEN status = 'closed' AND closed_at < :hi AND overdue = 0 THEN 1 END),"
    " sum(rework_count), count(CASE WHEN rework_count > 0 THEN 1 END), count(handled_at),"
    " sum((julianday(handled_at) - julianday(reported_at)) * 24) FROM incident"
    " WHERE area_id IN ({areas}) AND reported_at >= :lo AND reported_at < :hi AND deleted = 0 GROUP BY category, status",
    "SELECT julianday(reported_at, '+8 hours'), julianday(handled_at, '+8 hours') FROM incident"
    " WHERE area_id IN ({areas}) AND reported_at >= :lo AND reported_at < :hi AND deleted = 0 AND handled_at IS NOT NULL",
    "SELECT id, title, category, status, level, assignee_id, reported_at, deadline FROM incident"
    " WHERE area_id IN ({areas}) AND reported_at >= :lo AND reported_at < :hi AND deleted = 0"
    " AND (overdue = 1 OR (status IN ('dispatched', 'in_progress') AND deadline < :hi)) ORDER BY deadline",
]


def baseline(conn: sqlite3.Connection, areas: list[str]) -> float:
    """The same aggregates in hand-written SQL on stdlib sqlite3 (plain copy of the database)."""
    in_areas = ",".join(f"'{a}'" for a in areas)
    special = ",".join(f"'{t}'" for t in SPECIAL)
    params = {"lo": "2024-12-31 16:00:00.000000", "hi": "2025-12-31 16:00:00.000000"}  # China year in stored UTC text
    started = time.perf_counter()
    for sql in BASELINE_SQL:
        conn.execute(sql.format(areas=in_areas, special=special), params).fetchall()
    return time.perf_counter() - started


def run(report: Report, scale: str) -> None:
    people, incidents = (50_000, 20_000) if scale == "full" else (5_000, 2_000)
    rng = random.Random(2025)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "stats.db", os.urandom(32))
        started = time.perf_counter()
        community = build(store, people, incidents, rng)
        print(f"  built {people} people, {incidents} incidents in {time.perf_counter() - started:.1f} s", flush=True)
        plain = Path(tmp) / "plain.db"
        export_plain_copy(store, plain)
        areas = sorted({community} | _grids(store, community))
        # First run from cold page caches (fresh connections), as when the statistics page
        # is first opened after login; then warm runs on the same connections.
        store.engine.dispose()
        conn = sqlite3.connect(plain)
        timings: dict[str, list[float]] = {"ours": [], "raw": []}
        for _ in range(1 + REPEATS):
            t = time.perf_counter()
            stats = compute_statistics(store, [community], *YEAR, as_of=datetime(2026, 1, 1, tzinfo=CHINA_TZ))
            timings["ours"].append(time.perf_counter() - t)
            timings["raw"].append(baseline(conn, areas))
        conn.close()
        store.close()
    print(f"  {stats.households_total} households, {stats.visits_total} visits, {stats.incidents_reported} incidents,"
          f" completion {stats.completion_rate:.1%}, on time {stats.on_time_rate:.1%}", flush=True)
    name = f"statistics, one year, {people:,} people, {incidents:,} incidents"
    label = "hand-written SQL, stdlib sqlite3, plain copy"
    target = "< 1 s" if scale == "full" else ""
    ours, raw = timings["ours"], timings["raw"]
    report.add(f"{name}, first run", ours[0], "s", baseline=raw[0], baseline_label=label, target=target)
    report.add(f"{name}, warm", statistics.median(ours[1:]), "s",
               baseline=statistics.median(raw[1:]), baseline_label=label, target=target)


def export_plain_copy(store: Store, plain: Path) -> None:
    """An unencrypted copy for the stdlib baseline (SQLCipher's sqlcipher_export)."""
    raw_conn = store.engine.raw_connection()  # autocommit: ATTACH cannot run inside a transaction
    try:
        raw_conn.execute(f"ATTACH DATABASE '{plain}' AS plaintext KEY ''")
        raw_conn.execute("SELECT sqlcipher_export('plaintext')")
        raw_conn.execute("DETACH DATABASE plaintext")
    finally:
        raw_conn.close()


def _grids(store: Store, community: str) -> set[str]:
    with store.engine.connect() as c:
        return {r[0] for r in c.exec_driver_sql("SELECT id FROM area WHERE parent_id = ?", (community,))}
