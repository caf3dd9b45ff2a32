"""A first pull sets the synced tables' secondary indexes aside and makes them once at its end (issue 14, target 1).

The guarantee kept: a first pull killed (SIGKILL) anywhere leaves a usable,
indexed database — the next opening of the account makes again what was
set aside — and the next sync finishes the pull with everything indexed and
searchable. A group of a first pull commits without waiting for the disk;
the connection goes back to synchronous FULL for everyone else.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import sqlcipher3.dbapi2 as sqlcipher

from gridworker.store import AccountManager, search
from gridworker.store.deferred_indexes import KEY
from gridworker.sync import link
from gridworker.sync.engine import PAGE_ENV, SyncEngine

from .server import BIN, SERVER_PASSWORD, ServerProcess, env_for_cli

DEMO_USER, DEMO_PASSWORD = "demo_admin", "demo1234"
ACCOUNT, PASSWORD = "first", "first-pull-pw-1"
TABLES = ("person", "household", "membership", "building")


def _demo_server(data, persons: int) -> ServerProcess:
    srv = ServerProcess(data)
    srv.admin("init", "--password-stdin", stdin=SERVER_PASSWORD + "\n")
    srv.admin("demo-seed", "--persons", str(persons))  # into an empty server only
    return srv.start()


def _indexes(conn) -> set[str]:
    marks = ", ".join("?" * len(TABLES))
    rows = conn.execute(
        f"SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({marks})", TABLES
    )
    return {r[0] for r in rows}


def _raw(path, key: bytes):
    """The database opened beside the app (no Store: opening one would make the indexes again)."""
    conn = sqlcipher.connect(str(path), isolation_level=None, timeout=30)
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    return conn


def _fresh_account(home, server_url):
    accounts = AccountManager(home)
    accounts.create(ACCOUNT, PASSWORD)
    acc, store = accounts.open(ACCOUNT, PASSWORD)
    link.login(acc, store, server_url, DEMO_USER, DEMO_PASSWORD)
    with store.engine.connect() as c:
        full = _indexes(c.connection.driver_connection)
    key, path = store.key, acc.db_path
    store.close()
    return accounts, key, path, full


def test_a_first_pull_killed_midway_leaves_an_indexed_database_and_the_next_sync_finishes_it(tmp_path, gridworker_home):
    srv = _demo_server(tmp_path / "server", 300)
    try:
        _killed_midway(srv, gridworker_home)
    finally:
        srv.stop()


def _killed_midway(srv, gridworker_home) -> None:
    accounts, key, path, full = _fresh_account(gridworker_home, srv.url)
    assert {"ix_person_id_number", "ix_person_phone", "ix_household_key", "ix_membership_person_id"} <= full

    env = env_for_cli(gridworker_home) | {PAGE_ENV: "5"}  # a transaction every 5 changes: many groups to cut
    cmd = [str(BIN / "gridworker"), "--account", ACCOUNT, "--password-stdin", "sync"]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    proc.stdin.write((PASSWORD + "\n").encode())
    proc.stdin.close()
    watch = _raw(path, key)
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            people = watch.execute("SELECT count(*) FROM person").fetchone()[0]
            if people >= 20 and not (_indexes(watch) & full):
                break  # groups committed with the indexes set aside: cut here
            time.sleep(0.02)
        assert proc.poll() is None, "the first sync ended before it could be cut: " + proc.stderr.read().decode()[-2000:]
        os.kill(proc.pid, signal.SIGKILL if sys.platform != "win32" else signal.SIGTERM)
        proc.wait(30)
        # Cut midway: the indexes are missing and Meta lists them.
        assert not (_indexes(watch) & full)
        assert watch.execute("SELECT count(*) FROM meta WHERE key = ?", (KEY,)).fetchone()[0] == 1
        assert watch.execute("SELECT value FROM meta WHERE key = 'sync.cursor'").fetchone() is not None
    finally:
        watch.close()
        if proc.poll() is None:
            proc.kill()

    acc, store = accounts.open(ACCOUNT, PASSWORD)  # the next opening makes them again, before anything else
    try:
        with store.engine.connect() as c:
            raw = c.connection.driver_connection
            assert _indexes(raw) == full
            assert raw.execute("SELECT count(*) FROM meta WHERE key = ?", (KEY,)).fetchone()[0] == 0
            plan = " ".join(str(r[-1]) for r in raw.execute("EXPLAIN QUERY PLAN SELECT id FROM person WHERE phone = '1'"))
            assert "ix_person_phone" in plan

        result = SyncEngine(acc, store, attempts=2).sync_once()  # the pull goes on from its cursor and finishes
        assert result.error is None and result.complete, result
        with store.read() as s:
            raw = s.connection().connection.driver_connection
            assert _indexes(raw) == full
            people = raw.execute("SELECT count(*) FROM person WHERE deleted = 0").fetchone()[0]
            assert people == 300
            assert raw.execute("SELECT count(*) FROM search_doc").fetchone()[0] == people  # rebuilt at the end
            name = raw.execute("SELECT name FROM person ORDER BY id LIMIT 1").fetchone()[0]
        with store.read() as s:
            assert any(hit.name == name for hit in search.search(s, name, limit=50))
    finally:
        store.close()


def test_a_first_pull_of_many_groups_ends_with_every_index(tmp_path, gridworker_home):
    srv = _demo_server(tmp_path / "server", 60)
    accounts, _key, _path, full = _fresh_account(gridworker_home, srv.url)
    acc, store = accounts.open(ACCOUNT, PASSWORD)
    try:
        engine = SyncEngine(acc, store, page_size=20, attempts=2)
        engine.group = 20  # many groups: the indexes are set aside at the first and made at the last
        seen: list[set[str]] = []
        original = engine._apply

        def spy(group, cursor, result):
            done = original(group, cursor, result)
            with store.read() as s:
                seen.append(_indexes(s.connection().connection.driver_connection))
            return done

        engine._apply = spy
        result = engine.sync_once()
        assert result.error is None and result.complete, result
        assert len(seen) > 3 and not (seen[0] & full), "the indexes were not set aside during the pull"
        assert seen[-1] == full
        with store.read() as s:
            raw = s.connection().connection.driver_connection
            assert raw.execute("SELECT count(*) FROM meta WHERE key = ?", (KEY,)).fetchone()[0] == 0
    finally:
        store.close()
        srv.stop()


def test_a_write_that_need_not_be_durable_sets_its_connection_back_to_full(store):
    with store.write(durable=False) as s:
        raw = s.connection().connection.driver_connection
        assert raw.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL for this transaction
    assert raw.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL again, before anyone else gets it
    with store.write() as s:
        assert s.connection().connection.driver_connection.execute("PRAGMA synchronous").fetchone()[0] == 2
