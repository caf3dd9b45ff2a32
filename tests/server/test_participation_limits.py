"""Rate limits of the participation API (issue 16): per account and per address, held in the database so that
every server worker counts the same; resident verification locks after 3 misses."""

from __future__ import annotations

import time
from datetime import date

import pytest

from gridworker.domain.enums import Gender
from gridworker.domain.idnumber import make

from .conftest import build_world, make_server, new_id
from .participation_helpers import P


@pytest.fixture(scope="module")
def two_workers(backend, database_url, tmp_path_factory):
    """Two server apps on one database, as two worker processes are, with small limits."""
    from fastapi.testclient import TestClient

    from gridworker.server.core.config import WebLimits

    data = tmp_path_factory.mktemp(f"limits-{backend}")
    web = WebLimits(per_account=3, per_address=1000, signups_per_address=4, verify_tries=3, photo_bytes=20_000)
    first, _settings = make_server(data, database_url, web=web)
    area_ids, _users = build_world(first)
    second, _settings = make_server(data, database_url, web=web)
    with TestClient(first) as a, TestClient(second) as b:
        yield a, b, area_ids, first
    first.state.gw.db.dispose()
    second.state.gw.db.dispose()


def _register(client, area_ids, phone: str, role: str = "resident"):
    return client.post(P + "/auth/register", json={"role": role, "phone": phone, "password": "secret-pass-1", "name": "王芳",
                                                   "community_id": area_ids["C1"]}, headers={"Accept-Language": "en"})  # fmt: skip


def test_sign_ups_per_address_are_counted_across_workers(two_workers):
    a, b, area_ids, _app = two_workers
    assert _register(a, area_ids, "13600000001").status_code == 201
    assert _register(b, area_ids, "13600000002").status_code == 201
    assert _register(a, area_ids, "13600000003").status_code == 201
    assert _register(b, area_ids, "13600000004").status_code == 201
    over = _register(a, area_ids, "13600000005")
    assert over.status_code == 429 and over.json()["error"]["code"] == "rate_limited"
    assert over.json()["error"]["details"]["by"] == "address" and int(over.headers["Retry-After"]) > 0
    assert _register(b, area_ids, "13600000006").status_code == 429  # the other worker counts the same


def test_what_an_account_creates_is_limited_across_workers(two_workers):
    a, b, area_ids, app = two_workers
    with app.state.gw.db.write() as conn:  # a fresh address: the sign-ups above used the test client's
        from sqlalchemy import delete

        from gridworker.server.core.schema import login_failures

        conn.execute(delete(login_failures))
    token = _register(a, area_ids, "13600000011").json()["token"]
    h = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
    for client in (a, b, a):
        assert client.post(P + "/opinions", json={"content": "垃圾桶太少"}, headers=h).status_code == 201
    over = b.post(P + "/opinions", json={"content": "垃圾桶太少"}, headers=h)
    assert over.status_code == 429 and over.json()["error"]["details"]["by"] == "account"
    assert "Too many requests" in over.json()["error"]["message"]
    assert len(a.get(P + "/opinions", headers=h).json()["opinions"]) == 3  # the refused one was not kept


def test_resident_verification_locks_after_three_misses(two_workers):
    a, b, area_ids, app = two_workers
    with app.state.gw.db.write() as conn:
        from sqlalchemy import delete

        from gridworker.server.core.schema import login_failures

        conn.execute(delete(login_failures))
    number = make("330106", date(1950, 3, 4), 12, Gender.female)
    _push_person(a, area_ids, "赵兰", number)
    token = _register(a, area_ids, "13600000021").json()["token"]
    h = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
    for client, left in ((a, 2), (b, 1)):
        miss = client.post(P + "/resident/verify", json={"name": "赵兰", "id_number": "110101199001011237"}, headers=h)
        assert miss.status_code == 422 and miss.json()["error"]["details"] == {"field": "id_number", "tries_left": left}
    ok = a.post(P + "/resident/verify", json={"name": "赵兰", "id_number": number.lower()}, headers=h)
    assert ok.status_code == 200 and ok.json() == {"verified": True, "special_group": True}
    for _ in range(3):
        a.post(P + "/resident/verify", json={"name": "赵兰", "id_number": "110101199001011237"}, headers=h)
    locked = b.post(P + "/resident/verify", json={"name": "赵兰", "id_number": number}, headers=h)
    assert locked.status_code == 429 and locked.json()["error"]["code"] == "verify_locked"
    me = a.get(P + "/me", headers=h).json()
    assert me["resident"]["verified"] is True and "id_number" not in str(me)  # nothing of the register comes back


def _push_person(client, area_ids, name: str, number: str) -> None:
    """A grid worker registers the person (with a special-group tag) through /sync."""
    r = client.post("/api/v1/auth/login", json={"username": "w1", "password": "password-1", "device_id": "w1-limits"},
                    headers={"X-Gridworker-Schema": "1"})  # fmt: skip
    h = {"X-Gridworker-Schema": "1", "Authorization": f"Bearer {r.json()['token']}"}
    m = {"mutation_id": new_id(), "entity": "person", "id": new_id(), "op": "upsert", "base_version": None,
         "fields": {"name": name, "id_number": number, "area_id": area_ids["G1"], "tags": ["elderly_alone"]},
         "hlc": f"{int(time.time() * 1000):013d}-0000-w1-limits"}  # fmt: skip
    res = client.post("/api/v1/sync/push", json={"device_id": "w1-limits", "mutations": [m]}, headers=h).json()
    assert res["results"][0]["status"] == "applied", res


def test_a_photo_over_the_limit_is_refused_before_it_is_read(two_workers):
    import io
    import os

    from PIL import Image

    a, _b, area_ids, app = two_workers
    with app.state.gw.db.write() as conn:
        from sqlalchemy import delete

        from gridworker.server.core.schema import login_failures

        conn.execute(delete(login_failures))
    token = _register(a, area_ids, "13600000031", role="member").json()["token"]
    noise = Image.frombytes("RGB", (200, 200), os.urandom(200 * 200 * 3))
    out = io.BytesIO()
    noise.save(out, "JPEG", quality=95)
    assert len(out.getvalue()) > 20_000
    r = a.post(P + "/photos", content=out.getvalue(), headers={"Authorization": f"Bearer {token}", "Content-Type": "image/jpeg"})
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"
