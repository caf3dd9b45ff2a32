"""Auth: argon2 passwords, hashed tokens with expiry and revocation, login rate limits, schema header."""

from __future__ import annotations

import hashlib
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from gridworker.server.admin import operations as admin
from gridworker.server.core.schema import tokens, users

from .conftest import PASSWORD, build_world, make_server

H = {"X-Gridworker-Schema": "1", "Accept-Language": "en"}


def _login(client, username, password=PASSWORD, device="d1"):
    return client.post("/api/v1/auth/login", json={"username": username, "password": password, "device_id": device}, headers=H)


def _me(client, token):
    return client.get("/api/v1/me", headers=H | {"Authorization": f"Bearer {token}"})


def test_login_gives_a_token_stored_only_as_its_hash(world):
    r = _login(world.client, "w1")
    assert r.status_code == 200
    body = r.json()
    assert body["user"] == {
        "id": world.user_ids["w1"], "username": "w1", "display_name": "w1", "role": "worker",
        "area_ids": [world.area_ids["G1"]],
    }  # fmt: skip
    assert _me(world.client, body["token"]).json()["username"] == "w1"
    with world.db.read() as conn:
        stored = conn.execute(select(tokens.c.token_hash)).scalars().all()
        pw_hash = conn.execute(select(users.c.password_hash).where(users.c.username == "w1")).scalar()
    assert hashlib.sha256(body["token"].encode()).hexdigest() in stored
    assert body["token"] not in stored
    assert pw_hash.startswith("$argon2id$")


def test_wrong_credentials_and_missing_or_bad_tokens_are_401(world):
    assert _login(world.client, "w1", "wrong password").json()["error"]["code"] == "bad_credentials"
    assert _login(world.client, "nobody").status_code == 401
    assert world.client.get("/api/v1/me", headers=H).status_code == 401
    r = _me(world.client, "made-up-token")
    assert r.status_code == 401 and r.json()["error"]["code"] == "bad_token"
    assert r.headers["WWW-Authenticate"] == "Bearer"


def test_logout_revocation_expiry_and_disabling_stop_tokens_at_once(world):
    with world.db.write() as conn:
        admin.add_user(conn, "temp1", "worker", ["G1"], PASSWORD)
    t1, t2, t3 = (_login(world.client, "temp1", device=d).json()["token"] for d in ("a", "b", "c"))
    assert world.client.post("/api/v1/auth/logout", headers=H | {"Authorization": f"Bearer {t1}"}).status_code == 204
    assert _me(world.client, t1).status_code == 401
    assert _me(world.client, t2).status_code == 200
    with world.db.write() as conn:
        assert admin.revoke_tokens(conn, token_id=None, username="temp1", device_id="b") == 1
    assert _me(world.client, t2).status_code == 401
    with world.db.write() as conn:
        conn.execute(update(tokens).where(tokens.c.device_id == "c").values(expires_at=1.0))
    assert _me(world.client, t3).status_code == 401
    t4 = _login(world.client, "temp1", device="d").json()["token"]
    assert _me(world.client, t4).status_code == 200
    with world.db.write() as conn:
        admin.set_disabled(conn, "temp1", True)
    assert _me(world.client, t4).status_code == 401
    assert _login(world.client, "temp1").status_code == 401
    with world.db.write() as conn:
        admin.set_disabled(conn, "temp1", False)
    assert _login(world.client, "temp1").status_code == 200
    with world.db.write() as conn:
        admin.reset_password(conn, "temp1", "a new password")
    assert _login(world.client, "temp1").status_code == 401
    assert _login(world.client, "temp1", "a new password").status_code == 200


def test_schema_header_is_checked_on_every_request(world):
    token = _login(world.client, "w1").json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    r = world.client.get("/api/v1/me", headers=auth)
    assert r.status_code == 400 and r.json()["error"]["code"] == "schema_header_missing"
    r = world.client.get("/api/v1/me", headers=auth | {"X-Gridworker-Schema": "2"})
    assert r.status_code == 426 and r.json()["error"]["details"]["supported"] == [1]
    r = world.client.post("/api/v1/auth/login", json={"username": "w1", "password": PASSWORD, "device_id": "x"}, headers={"X-Gridworker-Schema": "0"})
    assert r.status_code == 426
    r = world.client.put("/api/v1/blobs/" + "a" * 64, headers=auth | {"X-Gridworker-Schema": "9"}, content=b"x")
    assert r.status_code == 426
    health = world.client.get("/api/v1/health").json()  # no header, no token
    assert health["status"] == "ok" and health["schema"] == 1


@pytest.fixture
def strict_fresh(backend, pg_cluster, tmp_path_factory):
    """Like `strict`, but new for each test: its counters start at zero."""
    yield from _strict_server(backend, pg_cluster, tmp_path_factory)


@pytest.fixture(scope="module")
def strict(backend, pg_cluster, tmp_path_factory):
    yield from _strict_server(backend, pg_cluster, tmp_path_factory)


def _strict_server(backend, pg_cluster, tmp_path_factory):
    """A server with small login limits, so rate limiting is tested without touching the shared world."""
    url = None
    if backend == "postgresql":
        name = pg_cluster.fresh_database()
        url = pg_cluster.url(name)
    app, _settings = make_server(
        tmp_path_factory.mktemp("strict"), url, login_max_per_user=3, login_max_per_address=6, login_window_s=600
    )
    build_world(app)
    with TestClient(app) as client:
        yield client
    app.state.gw.db.dispose()
    if url:
        pg_cluster.drop(name)


def test_parallel_guesses_cannot_outrun_the_limit(strict_fresh):
    """Found by review: checking and counting apart let forty guesses at once all reach the password check."""
    with ThreadPoolExecutor(16) as pool:
        codes = Counter(pool.map(lambda i: _login(strict_fresh, "w3", f"guess-{i}").status_code, range(16)))
    assert codes[401] == 3 and codes[429] == 13  # login_max_per_user=3: only three guesses are checked


def test_repeated_failures_are_limited_per_username_and_per_address(strict):
    for _ in range(3):
        assert _login(strict, "w1", "wrong").status_code == 401
    r = _login(strict, "w1")  # even the right password waits now
    assert r.status_code == 429 and r.json()["error"]["details"]["by"] == "username"
    assert 1 <= int(r.headers["Retry-After"]) <= 600
    assert _login(strict, "w2").status_code == 200  # another user is not locked out
    for name in ("w2", "w3", "disp"):
        _login(strict, name, "wrong")
    r = _login(strict, "h1")
    assert r.status_code == 429 and r.json()["error"]["details"]["by"] == "address"
