"""A sign-in whose device has stopped waiting costs no argon2 (issue 14, item 7: a district's morning).

Sign-ins take turns for argon2 (two at a time per process). In a morning's burst a
device's sign-in can wait longer than the device does (its read timeout, 60 s for the
desktop client); the device tries again, and the abandoned sign-in, still in the queue,
used to be verified all the same: the queue grew with work nobody would read, and every
later sign-in waited behind it (564 sign-ins of the 2,000-device run timed out and were
sent again). A sign-in whose client has gone by the time its turn comes is now dropped.
And the device's second sign-in, racing its first, must not deadlock on the sign-in counts.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import uvicorn
from sqlalchemy import select, text

from gridworker.server.api import routes
from gridworker.server.core.schema import login_failures

from .conftest import make_server, wait_for

H = {"X-Gridworker-Schema": "1", "Accept-Language": "en"}


def test_a_sign_in_whose_client_has_gone_is_not_verified(tmp_path, monkeypatch):
    verified = []

    def slow_verify(stored, password):  # as long as argon2 takes on a busy machine
        verified.append(password)
        time.sleep(1.0)
        return False

    monkeypatch.setattr(routes, "verify_password", slow_verify)
    app, _settings = make_server(tmp_path / "data", None)
    from tests.pgtemp import free_port

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        assert wait_for(lambda: server.started, timeout=60)
        burst = 12

        def give_up_early(i: int) -> str:
            try:  # each device waits 0.3 s for its answer, then gives up (closes its connection)
                requests.post(base + "/auth/login", json={"username": f"nobody{i}", "password": f"pw{i}", "device_id": "d"},
                              headers=H, timeout=0.3)  # fmt: skip
                return "answered"
            except requests.Timeout:
                return "gave up"

        with ThreadPoolExecutor(burst) as pool:
            outcomes = list(pool.map(give_up_early, range(burst)))
        assert outcomes == ["gave up"] * burst
        # The first two were being verified when their clients left; the others were still waiting.
        time.sleep(burst / 2 * 1.0 + 2)  # long enough for the server to verify them all, if it did
        r = requests.post(base + "/auth/login", json={"username": "nobody", "password": "last", "device_id": "d"}, headers=H, timeout=60)
        assert r.status_code == 401
        assert verified[-1] == "last"
        assert len(verified) - 1 <= 4, verified  # before: all 12 abandoned sign-ins were verified
    finally:
        server.should_exit = True
        thread.join(30)
        app.state.gw.db.dispose()


def test_a_sign_in_finishing_while_the_same_device_signs_in_again_does_not_deadlock(pg_cluster, tmp_path):
    """A device that gave up waiting signs in again while its first sign-in, verified after all, finishes:
    the success gave back the counts in the other order than an attempt takes them (the username's row,
    then the address's), and PostgreSQL broke the deadlock with a 500 (2 sign-ins of the 2,000-device run)."""
    if pg_cluster is None:
        pytest.skip("PostgreSQL 15 binaries not found")
    app, _settings = make_server(tmp_path / "data", pg_cluster.url(pg_cluster.fresh_database()))
    db, limiter = app.state.gw.db, app.state.gw.limiter
    user, address = "w1", "10.0.0.1"
    try:
        with db.plain() as conn:
            limiter.attempt(conn, user, address)  # the first sign-in, counted before its password is checked
        errors = []

        def first_succeeds():
            try:
                with db.plain() as conn:
                    limiter.succeeded(conn, user, address)
            except Exception as e:  # noqa: BLE001 - the test reports it
                errors.append(e)

        with db.plain() as again:  # the same device's second sign-in is being counted: the address's row first
            again.execute(select(login_failures).where(login_failures.c.key == "addr:" + address).with_for_update()).all()
            finisher = threading.Thread(target=first_succeeds)
            finisher.start()
            assert wait_for(lambda: _waiting_on_a_lock(db), timeout=30)  # the success waits for a row of ours
            limiter.attempt(again, user, address)  # before: deadlock detected, here or in the success
        finisher.join(30)
        assert errors == []
    finally:
        db.dispose()


def _waiting_on_a_lock(db) -> bool:
    with db.engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")).scalar() > 0
