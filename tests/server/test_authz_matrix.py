"""Authorization matrix: every role × every endpoint × a target in and out of the role's scope.

Targets: records, incidents and photo blobs in grid G1 (community C1) and in
grid G3 (community C2); incident I1 in G1 is assigned to handler h1, I3 in G3
to nobody. "in" and "out" are from each role's point of view (an admin has no
"out": everything is in scope).
"""

from __future__ import annotations

import hashlib
import os

import pytest

from .conftest import new_id
from .helpers import dispatch_to, event, photo_fields, report
from .test_push_pull import stamp

ROLES = ["anonymous", "admin", "disp", "w1", "h1"]
# What each role may do: (push in, push out, pull in, pull out, blob in, blob out, conflicts)
EXPECT = {
    "admin": ("applied", "applied", True, True, 200, 200, "all"),
    "disp": ("applied", "out_of_scope", True, False, 200, 404, "own"),
    "w1": ("applied", "out_of_scope", True, False, 200, 404, 403),
    "h1": ("applied", "out_of_scope", True, False, 200, 404, 403),
}


@pytest.fixture(scope="module")
def targets(world):
    w1, w3, disp = world.api("w1"), world.api("w3"), world.api("disp")
    t = {}
    for grid, api in (("G1", w1), ("G3", w3)):
        bid = new_id()
        api.upsert("building", bid, {"name": f"{grid}楼", "area_id": world.area_ids[grid]})
        blob = b"\xff\xd8\xff" + os.urandom(1997)  # starts like a JPEG, so it is taken
        sha = hashlib.sha256(blob).hexdigest()
        r = api.request("PUT", f"/blobs/{sha}", content=blob, headers={"Content-Range": "bytes 0-1999/2000"})
        assert r.status_code == 201
        iid = report(world, api, grid)
        api.upsert("photo", new_id(), photo_fields(world, iid, sha))
        # A conflict on the building, to be listed (or not) by role.
        other = world.api("w1" if grid == "G1" else "w3")
        other.pull()
        late, early = api.mutation("building", bid, {"notes": "a"}), other.mutation("building", bid, {"notes": "b"}, base=1)
        late["hlc"], early["hlc"] = stamp(0, api.device), stamp(-1000, other.device)
        api.push([late])
        assert other.push([early])[0]["status"] == "conflict"
        t[grid] = {"building": bid, "incident": iid, "sha": sha}
    dispatch_to(world, disp, t["G1"]["incident"], "h1")
    return t


def _push(world, api, role, target):
    if role == "h1":
        return event(api, target["incident"], "comment", note="进展")
    api.pull()
    return api.upsert("building", target["building"], {"notes": f"edit by {role}"})


@pytest.mark.parametrize("role", ROLES)
def test_matrix(world, targets, role):
    inside, outside = targets["G1"], targets["G3"]
    if role == "anonymous":
        _anonymous(world, inside)
        return
    api = world.api(role)
    push_in, push_out, pull_in, pull_out, blob_in, blob_out, conflicts = EXPECT[role]

    # /health and /me and /auth/login
    assert world.client.get("/api/v1/health").status_code == 200
    assert api.request("GET", "/me").json()["username"] == role

    # /sync/push
    res = _push(world, api, role, inside)
    assert res["status"] == push_in, res
    res = _push(world, api, role, outside)
    assert (res["status"] if push_out == "applied" else res["error"]["code"]) == push_out, res
    if role == "h1":
        res = api.upsert("building", inside["building"], {"notes": "handler edit"})
        assert res["error"]["code"] == "role_not_allowed"

    # /sync/pull
    api.pull()
    key_in = ("incident", inside["incident"]) if role == "h1" else ("building", inside["building"])
    key_out = ("incident", outside["incident"]) if role == "h1" else ("building", outside["building"])
    assert api.holds(*key_in) is pull_in and api.holds(*key_out) is pull_out
    if role == "h1":
        assert not api.holds("building", inside["building"])

    # blobs: HEAD, GET, thumbnail, upload status
    for sha, expected in ((inside["sha"], blob_in), (outside["sha"], blob_out)):
        assert api.request("HEAD", f"/blobs/{sha}").status_code == expected
        assert api.request("GET", f"/blobs/{sha}").status_code == expected
        thumb = api.request("GET", f"/blobs/{sha}/thumbnail").status_code
        assert thumb == (422 if expected == 200 else 404)  # random bytes: visible but not an image
        assert api.request("GET", f"/blobs/{sha}/upload").json()["complete"] is (expected == 200)
    # PUT: every signed-in role may upload (the bytes must match the hash)
    data = b"\xff\xd8\xff" + os.urandom(97)
    sha = hashlib.sha256(data).hexdigest()
    assert api.request("PUT", f"/blobs/{sha}", content=data, headers={"Content-Range": "bytes 0-99/100"}).status_code == 201

    # /conflicts
    r = api.request("GET", "/conflicts")
    if conflicts == 403:
        assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    else:
        ids = {c["record_id"] for c in r.json()["conflicts"]}
        assert inside["building"] in ids
        assert (outside["building"] in ids) is (conflicts == "all")

    # /auth/logout: the token stops working
    assert api.request("POST", "/auth/logout").status_code == 204
    assert api.request("GET", "/me").status_code == 401


def _anonymous(world, inside):
    c = world.client
    h = {"X-Gridworker-Schema": "1"}
    sha = inside["sha"]
    assert c.get("/api/v1/health").status_code == 200
    calls = [
        ("POST", "/auth/logout", {}), ("GET", "/me", {}), ("POST", "/sync/push", {"json": {"device_id": "d", "mutations": []}}),
        ("GET", "/sync/pull", {}), ("HEAD", f"/blobs/{sha}", {}), ("GET", f"/blobs/{sha}", {}),
        ("GET", f"/blobs/{sha}/thumbnail", {}), ("GET", f"/blobs/{sha}/upload", {}),
        ("PUT", f"/blobs/{sha}", {"content": b"x", "headers": {"Content-Range": "bytes 0-0/1"}}), ("GET", "/conflicts", {}),
    ]  # fmt: skip
    for method, path, kw in calls:
        headers = h | kw.pop("headers", {})
        r = c.request(method, "/api/v1" + path, headers=headers, **kw)
        assert r.status_code == 401, (method, path, r.status_code)
        if method != "HEAD":
            assert r.json()["error"]["code"] == "no_token"
    r = c.post("/api/v1/auth/login", json={"username": "w1", "password": "wrong", "device_id": "d"}, headers=h)
    assert r.status_code == 401


# -- members and residents (issue 16): the participation API only, nothing of the sync protocol ----------
def _web_account(world, username: str, role: str) -> tuple[str, str]:
    """A member's or resident's account and a token for it (issued directly: /auth/login refuses them)."""
    from gridworker.server.admin import operations as admin
    from gridworker.server.core.auth import issue_token

    with world.db.write() as conn:
        user_id = admin.add_user(conn, username, role, [], "password-1")
        token, _expires = issue_token(conn, user_id, "phone", None, 3600)
    return user_id, token


@pytest.mark.parametrize("role", ["member", "resident"])
def test_web_roles_reach_nothing_of_the_sync_protocol(world, targets, role):
    username = f"1380000{'1111' if role == 'member' else '2222'}"
    user_id, token = _web_account(world, username, role)
    h = {"X-Gridworker-Schema": "1", "Accept-Language": "en"}
    r = world.client.post("/api/v1/auth/login", json={"username": username, "password": "password-1", "device_id": "d"}, headers=h)
    assert r.status_code == 403 and r.json()["error"]["code"] == "web_only"
    wrong = world.client.post("/api/v1/auth/login", json={"username": username, "password": "nope", "device_id": "d"}, headers=h)
    assert wrong.status_code == 401  # the refusal above is told only to who knows the password
    auth = h | {"Authorization": f"Bearer {token}"}
    sha = targets["G1"]["sha"]
    bid = targets["G1"]["building"]
    mutation = {"mutation_id": new_id(), "entity": "building", "id": bid, "op": "upsert", "base_version": None,
                "fields": {"notes": "x"}, "hlc": stamp(0, "phone")}  # fmt: skip
    calls = [
        ("GET", "/me", {}), ("POST", "/sync/push", {"json": {"device_id": "phone", "mutations": [mutation]}}),
        ("GET", "/sync/pull", {}), ("HEAD", f"/blobs/{sha}", {}), ("GET", f"/blobs/{sha}", {}),
        ("GET", f"/blobs/{sha}/thumbnail", {}), ("GET", f"/blobs/{sha}/upload", {}),
        ("PUT", f"/blobs/{sha}", {"content": b"x", "headers": {"Content-Range": "bytes 0-0/1"}}),
        ("GET", "/conflicts", {}), ("GET", "/conflicts/mine", {}),
    ]  # fmt: skip
    for method, path, kw in calls:
        r = world.client.request(method, "/api/v1" + path, headers=auth | kw.pop("headers", {}), **kw)
        assert r.status_code == 403, (method, path, r.status_code)
        if method != "HEAD":
            assert r.json()["error"]["code"] == "web_only", (method, path, r.text)
    # Nothing was written through the refused push.
    disp = world.api("disp")
    disp.pull()
    assert disp.records[("building", bid)].get("notes") != "x"
    # Their user records reach no staff device (their usernames are phone numbers).
    assert not disp.holds("user", user_id)
    assert world.client.post("/api/v1/auth/logout", headers=auth).status_code == 204
