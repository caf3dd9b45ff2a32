"""The demo community at 50,000 people: generating it, and loading it into an encrypted account.

The load (demo.load.load_demo) is SQLAlchemy Core bulk inserts into the
SQLCipher store, pinyin of every name, and a rebuild of the search index, in
one transaction.

Baseline, measured in the same run on the same rows, with none of our code:
stdlib sqlite3 `executemany` of the same rows into an unencrypted file database
with the same tables and indexes (DDL compiled from our models), one
transaction, no pinyin and no search index. The rows are turned into tuples
before the clock starts.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from datetime import date, datetime
from pathlib import Path

from benchmarks.common import Report, timer

SIZES = {"small": 5_000, "full": 50_000}


def run(report: Report, scale: str) -> None:
    os.environ.setdefault("GRIDWORKER_KDF", "fast")
    from gridworker.demo.data import generate
    from gridworker.demo.load import load_demo
    from gridworker.store import AccountManager

    persons = SIZES[scale]
    with timer() as made:
        demo = generate(persons=persons, seed=21)
    report.add(f"demo: generate {persons} people ({demo.count()} records)", made["s"], "s", target="a few seconds")
    with tempfile.TemporaryDirectory() as home:
        accounts = AccountManager(home)
        accounts.create("bench", "bench-password")
        _account, store = accounts.open("bench", "bench-password")
        try:
            with timer() as ours:
                load_demo(store, demo)
        finally:
            store.close()
        base = _raw_insert(Path(home) / "raw.db", demo)
    report.add(
        f"demo: load {persons} people into the encrypted store (+search index)",
        ours["s"],
        "s",
        baseline=base,
        baseline_label="stdlib sqlite3 executemany, unencrypted, same tables and indexes, no search index",
        target="< 10 s at 50,000",
    )


def _raw_insert(path: Path, demo) -> float:
    """Seconds to insert the demo's rows with stdlib sqlite3 into the same (unencrypted) schema."""
    from sqlalchemy.dialects import sqlite as sqlite_dialect
    from sqlalchemy.schema import CreateIndex, CreateTable

    from gridworker.domain.models import REGISTER_MODELS

    dialect = sqlite_dialect.dialect()
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")  # as the store: the comparison is about the work, not durability
    batches = []
    for entity, rows in demo.records().items():
        table = REGISTER_MODELS[entity].__table__
        db.execute(str(CreateTable(table).compile(dialect=dialect)))
        for index in table.indexes:
            db.execute(str(CreateIndex(index).compile(dialect=dialect)))
        columns = [c.name for c in table.columns]
        sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        batches.append((sql, [tuple(_plain(row[c]) for c in columns) for row in rows]))
    with timer() as base:
        db.execute("BEGIN")
        for sql, values in batches:
            db.executemany(sql, values)
        db.execute("COMMIT")
    db.close()
    return base["s"]


def _plain(value):
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value
