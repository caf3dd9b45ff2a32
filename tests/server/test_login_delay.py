"""Failed sign-ins slow guessing down instead of locking the owner out (issue 11)."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from .conftest import PASSWORD, build_world, make_server

H = {"X-Gridworker-Schema": "1", "Accept-Language": "en"}


@pytest.fixture
def server(backend, pg_cluster, tmp_path):
    url = pg_cluster.url(pg_cluster.fresh_database()) if backend == "postgresql" else None
    app, _settings = make_server(
        tmp_path / "data", url, login_max_per_user=2, login_max_per_address=4, login_window_s=600,
        login_delay_s=1.0, login_delay_max_user_s=4.0, login_delay_max_address_s=30.0,
    )  # fmt: skip
    build_world(app)
    yield app
    app.state.gw.db.dispose()


def _login(app, username, password, address):
    with TestClient(app, client=(address, 40000)) as c:
        return c.post("/api/v1/auth/login", json={"username": username, "password": password, "device_id": "d"}, headers=H)


def test_a_worker_guessing_a_dispatchers_password_costs_the_dispatcher_seconds_not_a_lockout(server):
    attacker, office = "10.0.0.66", "10.0.0.7"
    assert [_login(server, "disp", "guess", attacker).status_code for _ in range(2)] == [401, 401]  # free
    early = _login(server, "disp", "guess", attacker)
    assert early.status_code == 429 and early.json()["error"]["details"]["by"] == "username"
    assert early.headers["Retry-After"] == "1"
    # The owner, from their own address, signs in once the short pause has passed.
    time.sleep(1.1)
    assert _login(server, "disp", PASSWORD, office).status_code == 200


def test_the_pause_grows_with_each_failure_up_to_the_cap(server):
    waits = []
    for address in ("10.1.0.1", "10.1.0.2", "10.1.0.3", "10.1.0.4", "10.1.0.5", "10.1.0.6"):  # spread: the username's delay
        r = _login(server, "w1", "guess", address)
        while r.status_code == 429:
            wait = int(r.headers["Retry-After"])
            waits.append(wait)
            time.sleep(wait + 0.05)
            r = _login(server, "w1", "guess", address)
        assert r.status_code == 401
    assert waits == [1, 2, 4, 4], waits  # doubling, capped at login_delay_max_user_s
    assert _login(server, "w2", PASSWORD, "10.1.0.1").status_code == 200  # other users are not slowed


def test_one_address_guessing_many_usernames_is_slowed_by_address(server):
    address = "10.2.0.9"
    codes = [_login(server, name, "guess", address).status_code for name in ("w1", "w2", "w3", "h1", "h2")]
    assert codes == [401, 401, 401, 401, 429]
    r = _login(server, "admin", PASSWORD, address)
    assert r.status_code == 429 and r.json()["error"]["details"]["by"] == "address"
    assert _login(server, "admin", PASSWORD, "10.2.0.10").status_code == 200  # another address is not slowed
