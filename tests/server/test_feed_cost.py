"""What a push writes and what a pull page reads do not grow with the record store (issue 14, target 5).

Costs are counted, never timed: SQLite's virtual-machine steps for a page
(`set_progress_handler`), the statements a push sends (`set_trace_callback`),
and the query plans of the lookups that the partial indexes serve.
"""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import select, text

from gridworker.server.admin import operations as admin
from gridworker.server.core.db import Database
from gridworker.server.core.schema import users
from gridworker.server.sync.pull import Puller
from gridworker.server.sync.records import FeedWriter, Rec, load
from gridworker.server.sync.scope import ScopeCache

PASSWORD = "password-1"


@pytest.fixture
def db(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'server.db'}")
    database.migrate()
    with database.write() as conn:
        admin.import_areas(conn, [
            {"code": "C", "parent_code": None, "name": "社区", "level": "community"},
            {"code": "G1", "parent_code": "C", "name": "第1网格", "level": "grid"},
            {"code": "G2", "parent_code": "C", "name": "第2网格", "level": "grid"},
        ])  # fmt: skip
        admin.add_user(conn, "w1", "worker", ["G1"], PASSWORD)
    yield database
    database.dispose()


def _area(conn, code: str) -> str:
    return next(a["id"] for a in admin.list_areas(conn) if a["code"] == code)


def _seed(db: Database, code: str, count: int) -> list[str]:
    """`count` people in grid `code`, written as pushes write them (FeedWriter)."""
    ids = [str(uuid.uuid4()) for _ in range(count)]
    with db.write() as conn:
        area, writer = _area(conn, code), FeedWriter(conn)
        for i, record_id in enumerate(ids):
            rec = Rec("person", record_id)
            before = writer.before(rec)
            rec.version = 1
            rec.set_fields({"area_id": area, "name": f"张{i}", "gender": "male"}, 1, f"{i:013d}-0000-dev", "dev")
            writer.saved(rec, before)
        writer.flush()
    return ids


def _first_page_steps(db: Database, limit: int = 100) -> tuple[int, int]:
    """(VM steps / 100, items) of the first page of w1's first pull."""
    with db.read() as conn:
        row = conn.execute(select(users.c.scope_id).where(users.c.username == "w1")).one()
        scopes = ScopeCache()
        scope = scopes.get(conn, row.scope_id)
        raw = conn.connection.driver_connection
        steps = [0]

        def count():
            steps[0] += 1
            return 0

        raw.set_progress_handler(count, 100)
        try:
            body = json.loads(Puller(conn, scope, "e", scopes).page(None, limit))
        finally:
            raw.set_progress_handler(None, 0)
    return steps[0], len(body["changes"])


def test_a_first_pull_page_costs_the_same_however_many_records_follow_it(db):
    # The grid's records, and as many again in the grid next door that w1 does not see.
    _seed(db, "G1", 300)
    _seed(db, "G2", 300)
    small, items = _first_page_steps(db)
    assert items == 100
    _seed(db, "G1", 2400)
    _seed(db, "G2", 2400)
    large, items = _first_page_steps(db)
    assert items == 100
    # Ten times the records behind the first page: the page reads the same index ranges.
    assert large < small * 1.5, (small, large)


def test_a_first_pull_gives_every_visible_record_once_in_pages_with_deleted_ones_between(db):
    mine = _seed(db, "G1", 250)
    _seed(db, "G2", 250)
    with db.write() as conn:  # every third record of the grid deleted: pages skip them
        writer = FeedWriter(conn)
        for rec in load(conn, [("person", i) for i in mine[::3]]).values():
            before = writer.before(rec)
            rec.version += 1
            rec.deleted = True
            writer.saved(rec, before)
        writer.flush()
    with db.read() as conn:
        row = conn.execute(select(users.c.scope_id).where(users.c.username == "w1")).one()
        scopes = ScopeCache()
        scope = scopes.get(conn, row.scope_id)
        cursor, seen = None, []
        for _ in range(100):
            body = json.loads(Puller(conn, scope, "e", scopes).page(cursor, 40))
            seen += [(c["entity"], c["id"]) for c in body["changes"] if c["op"] == "upsert"]
            cursor = body["cursor"]
            if not body["has_more"]:
                break
    people = [i for e, i in seen if e == "person"]
    assert sorted(people) == sorted(set(mine) - set(mine[::3]))
    assert len(seen) == len(set(seen))


def test_an_edit_assigns_only_the_indexed_columns_whose_value_changed(db):
    ids = _seed(db, "G1", 3)
    with db.write() as conn:
        other = _area(conn, "G2")
        statements: list[str] = []
        conn.connection.driver_connection.set_trace_callback(statements.append)
        writer = FeedWriter(conn)
        recs = load(conn, [("person", i) for i in ids])
        for n, rec in enumerate(recs.values()):
            before = writer.before(rec)
            rec.version += 1
            rec.set_fields({"name": "李四"} | ({"area_id": other} if n == 0 else {}), rec.version, "9" * 13 + "-0000-dev", "dev")
            writer.saved(rec, before)
        writer.flush()
        conn.connection.driver_connection.set_trace_callback(None)
    updates = [s for s in statements if s.startswith("UPDATE records")]
    assert len(updates) == 3
    moved = [s for s in updates if "area_id =" in s]
    assert len(moved) == 1  # the record that changed grid, and only it
    assert not any(col in s for s in updates for col in ("assignee_id =", "parent_id =", "sha256 ="))
    with db.read() as conn:
        after = load(conn, [("person", i) for i in ids])
    assert sorted(r.area_id == other for r in after.values()) == [False, False, True]
    assert all(r.data["name"] == "李四" and r.version == 2 for r in after.values())


def test_lookups_by_parent_hash_and_assignee_use_their_partial_indexes(backend, database_url, tmp_path):
    db = Database(database_url or f"sqlite:///{tmp_path / 'fresh.db'}")
    try:
        db.migrate()
        explain = "EXPLAIN QUERY PLAN " if db.is_sqlite else "EXPLAIN "
        with db.read() as conn:
            if not db.is_sqlite:
                conn.execute(text("SET LOCAL enable_seqscan = off"))
            for column in ("parent_id", "sha256", "assignee_id"):
                plan = " ".join(
                    str(r[-1]) for r in conn.execute(text(f"{explain}SELECT id FROM records WHERE {column} = 'x'"))
                )
                assert f"ix_records_{column}" in plan, plan
            if db.is_sqlite:
                defs = dict(conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'index'")).all())
            else:
                defs = dict(conn.execute(text("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'records'")).all())
        for column in ("parent_id", "sha256", "assignee_id"):
            assert "IS NOT NULL" in defs[f"ix_records_{column}"]  # people, households, buildings: no entry
    finally:
        db.dispose()
