"""The register search at 50,000 people: rebuilding the index, query latency, opening a household card.

The register is a generated demo community (gridworker.demo.data) bulk-loaded
into an encrypted account. Latencies go through the services facade
(find_people, household_card), so each includes opening a read session.

Baselines, measured in the same run on the same rows, with none of our code:
stdlib sqlite3, in memory, unencrypted —
- rebuild: inserting the rows into an FTS5 trigram table;
- queries: plain `LIKE '%q%'` scans of one column, LIMIT 50, no ranking;
- household card: the three raw joins (household + building, members, history).
"""

from __future__ import annotations

import os
import random
import sqlite3
import tempfile
import time
from collections.abc import Callable

from benchmarks.common import Report, percentile, timer

SAMPLES = 100
SIZES = {"small": 5_000, "full": 50_000}


def run(report: Report, scale: str) -> None:
    os.environ.setdefault("GRIDWORKER_KDF", "fast")
    from gridworker.demo.data import generate
    from gridworker.demo.load import load_demo
    from gridworker.store import AccountManager

    persons = SIZES[scale]
    demo = generate(persons=persons, seed=11)
    with tempfile.TemporaryDirectory() as home:
        accounts = AccountManager(home)
        accounts.create("bench", "bench-password")
        _account, store = accounts.open("bench", "bench-password")
        raw = _raw_copy(demo)
        try:
            load_demo(store, demo)
            _rebuild(report, store, raw, persons)
            _queries(report, store, raw, demo)
            _household_cards(report, store, raw, demo)
        finally:
            store.close()
            raw.close()


# -- the baseline database ---------------------------------------------------------
def _raw_copy(demo) -> sqlite3.Connection:
    from gridworker.domain.names import pinyin_of

    db = sqlite3.connect(":memory:")
    db.executescript(
        """
        CREATE TABLE building (id TEXT PRIMARY KEY, estate TEXT, name TEXT, address TEXT);
        CREATE TABLE household (id TEXT PRIMARY KEY, building_id TEXT, unit TEXT, room TEXT, address TEXT,
                                phone TEXT, head_person_id TEXT);
        CREATE TABLE person (id TEXT PRIMARY KEY, household_id TEXT, name TEXT, pinyin TEXT, initials TEXT,
                             id_number TEXT, phone TEXT, relation TEXT, status TEXT, address TEXT);
        CREATE TABLE membership (id TEXT PRIMARY KEY, person_id TEXT, household_id TEXT, relation TEXT,
                                 moved_in TEXT, moved_out TEXT);
        CREATE INDEX ix_person_household ON person (household_id);
        CREATE INDEX ix_membership_household ON membership (household_id);
        """
    )
    db.executemany("INSERT INTO building VALUES (?, ?, ?, ?)",
                   [(b["id"], b["estate"], b["name"], b["address"]) for b in demo.buildings])
    db.executemany("INSERT INTO household VALUES (?, ?, ?, ?, ?, ?, ?)",
                   [(h["id"], h["building_id"], h["unit"], h["room"], h["address"], h["phone"], h["head_person_id"])
                    for h in demo.households])
    address = {h["id"]: h["address"] for h in demo.households}
    db.executemany(
        "INSERT INTO person VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(p["id"], p["household_id"], p["name"], *pinyin_of(p["name"]), p["id_number"], p["phone"], p["relation"],
          p["status"], address.get(p["household_id"])) for p in demo.persons],
    )
    db.executemany("INSERT INTO membership VALUES (?, ?, ?, ?, ?, ?)",
                   [(m["id"], m["person_id"], m["household_id"], m["relation"], str(m["moved_in"]),
                     str(m["moved_out"]) if m["moved_out"] else None) for m in demo.memberships])
    db.commit()
    return db


# -- rebuilding ----------------------------------------------------------------------
def _rebuild(report: Report, store, raw: sqlite3.Connection, persons: int) -> None:
    from gridworker.services.search import rebuild_index

    with timer() as ours:
        count = rebuild_index(store)
    with timer() as base:
        raw.execute("CREATE VIRTUAL TABLE fts USING fts5(name, pinyin, initials, numbers, address, tokenize='trigram')")
        raw.execute("INSERT INTO fts SELECT name, pinyin, initials, coalesce(id_number, '') || ' ' || coalesce(phone, ''),"
                    " address FROM person")
        raw.commit()
    assert count == persons, (count, persons)
    report.add(f"search: rebuild the index of {count} people", ours["s"], "s",
               baseline=base["s"], baseline_label="raw sqlite3 FTS5 trigram insert, in memory", target="a few seconds")


# -- queries -------------------------------------------------------------------------
def _latencies(fn: Callable[[str], object], queries: list[str]) -> list[float]:
    fn(queries[0])  # the first query pays for the page cache: not what a user sees all day
    samples = []
    for q in queries:
        t = time.perf_counter()
        fn(q)
        samples.append((time.perf_counter() - t) * 1000)
    return samples


def _queries(report: Report, store, raw: sqlite3.Connection, demo) -> None:
    from gridworker.domain.names import pinyin_of
    from gridworker.services.search import find_people

    rng = random.Random(5)
    people = [p for p in demo.persons if p["id_number"]]
    picks = [rng.choice(people) for _ in range(SAMPLES)]
    shapes = {
        "a full name": ([p["name"] for p in picks], "name"),
        "pinyin initials": ([pinyin_of(p["name"])[1] for p in picks], "initials"),
        "an ID fragment (8 digits)": ([p["id_number"][8:16] for p in picks], "id_number"),
        "one character (a surname)": ([p["name"][0] for p in picks], "name"),
    }
    for label, (queries, column) in shapes.items():
        ours = _latencies(lambda q: find_people(store, q), queries)
        base = _latencies(
            lambda q, c=column: raw.execute(f"SELECT * FROM person WHERE {c} LIKE ? LIMIT 50", (f"%{q}%",)).fetchall(),
            queries,
        )
        for p in (50, 95):
            report.add(f"search: {label}, p{p}", percentile(ours, p), "ms", baseline=percentile(base, p),
                       baseline_label="raw sqlite3 LIKE scan", target="p95 < 30 ms" if p == 95 else "")


# -- household cards -----------------------------------------------------------------
def _raw_card(raw: sqlite3.Connection, household_id: str) -> tuple:
    head = raw.execute("SELECT * FROM household h LEFT JOIN building b ON b.id = h.building_id WHERE h.id = ?",
                       (household_id,)).fetchone()
    members = raw.execute("SELECT * FROM person WHERE household_id = ? AND status = 'active'", (household_id,)).fetchall()
    history = raw.execute("SELECT m.*, p.name FROM membership m LEFT JOIN person p ON p.id = m.person_id "
                          "WHERE m.household_id = ? ORDER BY m.moved_in DESC", (household_id,)).fetchall()
    return head, members, history


def _household_cards(report: Report, store, raw: sqlite3.Connection, demo) -> None:
    from gridworker.services.search import household_card

    rng = random.Random(6)
    lived_in = sorted({p["household_id"] for p in demo.persons if p["household_id"]})
    ids = [rng.choice(lived_in) for _ in range(SAMPLES)]
    ours = _latencies(lambda h: household_card(store, h), ids)
    base = _latencies(lambda h: _raw_card(raw, h), ids)
    for p in (50, 95):
        report.add(f"household card (提户知人), p{p}", percentile(ours, p), "ms", baseline=percentile(base, p),
                   baseline_label="raw sqlite3 joins, in memory", target="< 10 ms" if p == 95 else "")
