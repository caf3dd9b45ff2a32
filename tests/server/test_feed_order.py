"""PostgreSQL: sequence values commit out of order; the change feed must never skip a late commit.

First the trap itself, shown with a plain sequence (so this test would notice
if the scheme regressed to it); then the server's scheme — feed writers take
turns under an advisory lock and number rows inside their turn — with a
writer held open while a later one tries to commit and a reader pulls; then
many writers and a reader racing, with no change ever missed.
"""

from __future__ import annotations

import threading
import uuid

import pytest
from sqlalchemy import text

from gridworker.server.sync.push import Mutation, PushRun, apply_push
from gridworker.server.sync.pull import Puller
from gridworker.server.sync.scope import ScopeCache
from gridworker.server.core.auth import user_for_token

from .conftest import new_id


@pytest.fixture(scope="module", params=["postgresql"])
def backend(request, pg_cluster):
    if pg_cluster is None:
        pytest.skip("PostgreSQL 15 binaries not found")
    return request.param


def test_plain_sequences_commit_out_of_order_and_a_naive_reader_skips(world):
    engine = world.db.engine
    with engine.connect() as setup:
        setup.execute(text("CREATE TABLE naive_feed (seq bigserial PRIMARY KEY, note text)"))
        setup.commit()
    a, b, reader = engine.connect(), engine.connect(), engine.connect()
    try:
        a.execute(text("INSERT INTO naive_feed (note) VALUES ('A')"))  # takes seq 1, not committed yet
        b.execute(text("INSERT INTO naive_feed (note) VALUES ('B')"))  # takes seq 2
        b.commit()
        seen = reader.execute(text("SELECT seq, note FROM naive_feed WHERE seq > 0 ORDER BY seq")).all()
        reader.commit()
        cursor = seen[-1].seq
        a.commit()
        later = reader.execute(text("SELECT seq, note FROM naive_feed WHERE seq > :c ORDER BY seq"), {"c": cursor}).all()
        reader.commit()
        assert [r.note for r in seen] == ["B"] and later == []  # A is never seen: the trap
    finally:
        for c in (a, b, reader):
            c.close()


def _puller(world, username):
    api = world.api(username)
    with world.db.engine.connect() as conn:
        user = user_for_token(conn, api.token)
        scope = world.app.state.gw.scopes.get(conn, user.scope_id)
    return user, scope


def _pull_all(world, scope, cursor):
    import json

    out = []
    while True:
        with world.db.read() as conn:
            body = json.loads(Puller(conn, scope, world.app.state.gw.epoch, ScopeCache()).page(cursor, 1000))
        out += body["changes"]
        cursor = body["cursor"]
        if not body["has_more"]:
            return out, cursor


def _mutation(world, name):
    return Mutation(new_id(), "building", new_id(), "upsert", None, {"name": name, "area_id": world.area_ids["G1"]},
                    f"{1_700_000_000_000}-0000-{uuid.uuid4().hex[:8]}")  # fmt: skip


def test_a_late_commit_is_never_skipped(world):
    user, scope = _puller(world, "admin")
    _changes, cursor = _pull_all(world, scope, None)
    first, second = _mutation(world, "A"), _mutation(world, "B")
    holding = world.db.write()
    conn = holding.__enter__()  # writer A: inside its turn, row numbered, not committed
    try:
        run = PushRun(conn, user, scope, "dev-a", world.app.state.gw.calendars)
        apply_push(run, [first])
        started, done = threading.Event(), threading.Event()

        def writer_b():
            started.set()
            with world.db.write() as c2:
                apply_push(PushRun(c2, user, scope, "dev-b", world.app.state.gw.calendars), [second])
            done.set()

        thread = threading.Thread(target=writer_b)
        thread.start()
        started.wait()
        seen, cursor = _pull_all(world, scope, cursor)
        assert [c["id"] for c in seen if c["entity"] == "building"] == []  # neither is visible yet
        assert not done.is_set()  # B cannot commit while A holds the turn
    finally:
        holding.__exit__(None, None, None)  # A commits
    thread.join(30)
    assert done.is_set()
    seen, cursor = _pull_all(world, scope, cursor)
    assert [c["id"] for c in seen if c["entity"] == "building"] == [first.id, second.id]


def test_racing_writers_and_a_reader_miss_nothing(world):
    user, scope = _puller(world, "admin")
    _changes, cursor = _pull_all(world, scope, None)
    written: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def writer(n):
        for k in range(15):
            batch = [_mutation(world, f"w{n}-{k}-{j}") for j in range(3)]
            with world.db.write() as conn:
                apply_push(PushRun(conn, user, scope, f"dev-{n}", world.app.state.gw.calendars), batch)
            with lock:
                written.extend(m.id for m in batch)

    seen: list[str] = []

    def reader():
        nonlocal cursor
        while not stop.is_set():
            changes, cursor = _pull_all(world, scope, cursor)
            seen.extend(c["id"] for c in changes if c["entity"] == "building")

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    poll = threading.Thread(target=reader)
    poll.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stop.set()
    poll.join()
    changes, cursor = _pull_all(world, scope, cursor)
    seen += [c["id"] for c in changes if c["entity"] == "building"]
    assert len(written) == 8 * 15 * 3
    assert len(seen) == len(set(seen)) == len(written)  # each exactly once: created once, never skipped
    assert set(seen) == set(written)
