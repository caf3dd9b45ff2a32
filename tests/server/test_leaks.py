"""What a user outside a record's scope can learn: nothing (found by review, kept fixed by these tests)."""

from __future__ import annotations

import base64
import json

from .conftest import new_id
from .helpers import dispatch_to, photo_fields, report
from .test_blobs import jpeg, upload


def _household_photo(world, api, grid: str, sha: str) -> str:
    hh = new_id()
    api.upsert("household", hh, {"area_id": world.area_ids[grid], "address": "幸福小区1号楼"})
    api.upsert("photo", new_id(), {"area_id": world.area_ids[grid], "sha256": sha, "entity": "household",
                                   "entity_id": hh, "mime": "image/jpeg"})  # fmt: skip
    return hh


def test_a_photo_record_cannot_claim_someone_elses_file(world):
    w1, w3, disp, h1 = world.api("w1"), world.api("w3"), world.api("disp"), world.api("h1")
    data = jpeg(200, 100, seed=21)
    sha = upload(w3, data)
    hh = _household_photo(world, w3, "G3", sha)
    forged = w1.upsert("photo", new_id(), {"area_id": world.area_ids["G1"], "sha256": sha, "entity": "household",
                                           "entity_id": hh, "mime": "image/jpeg"})  # fmt: skip
    assert forged["status"] == "rejected" and forged["error"]["code"] == "unknown_blob"
    assert w1.request("GET", f"/blobs/{sha}").status_code == 404
    iid = report(world, w1)
    dispatch_to(world, disp, iid, "h1")
    by_handler = h1.upsert("photo", new_id(), photo_fields(world, iid, sha))
    assert by_handler["status"] == "rejected" and by_handler["error"]["code"] == "unknown_blob"
    assert h1.request("GET", f"/blobs/{sha}").status_code == 404
    # The author's own file, and one not uploaded yet, may be named as before.
    mine = upload(w1, jpeg(120, 80, seed=22))
    assert w1.upsert("photo", new_id(), photo_fields(world, iid, mine))["status"] == "applied"
    assert w1.upsert("photo", new_id(), photo_fields(world, iid, "d" * 64))["status"] == "applied"


def test_replaying_a_create_only_record_of_another_grid_says_nothing(world):
    w1, w3 = world.api("w1"), world.api("w3")
    sha = upload(w3, jpeg(100, 100, seed=23))
    hh = new_id()
    w3.upsert("household", hh, {"area_id": world.area_ids["G3"], "address": "x"})
    photo = new_id()
    w3.upsert("photo", photo, {"area_id": world.area_ids["G3"], "sha256": sha, "entity": "household",
                               "entity_id": hh, "mime": "image/jpeg"})  # fmt: skip
    for guess in (sha, "c" * 64):
        res = w1.upsert("photo", photo, {"sha256": guess})
        fresh = w1.upsert("photo", new_id(), {"sha256": guess})  # the answer for an id nobody has
        assert res["status"] == "rejected" and res["version"] is None
        assert (res["error"]["code"], res["error"]["message"]) == (fresh["error"]["code"], fresh["error"]["message"])


def test_a_cursor_naming_another_users_scope_is_refused(world):
    w1 = world.api("w1")
    first = w1.request("GET", "/sync/pull").json()
    prefix, body = first["cursor"].split(".", 1)
    raw = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    for other in range(1, raw["k"] + 5):
        if other == raw["k"]:
            continue
        forged = dict(raw, m="diff", s=0, u=other)
        text = prefix + "." + base64.urlsafe_b64encode(json.dumps(forged, separators=(",", ":")).encode()).decode().rstrip("=")
        r = w1.request("GET", "/sync/pull", params={"cursor": text})
        assert r.status_code in (400, 410), r.text
        assert not r.json().get("changes")


def test_a_lone_surrogate_is_a_clear_422_not_a_500(world):
    w1 = world.api("w1")
    m = w1.mutation("household", new_id(), {"area_id": world.area_ids["G1"], "address": "x"})
    body = json.dumps({"device_id": w1.device, "mutations": [m]}).replace('"address": "x"', '"address": "\\ud800"')
    r = w1.request("POST", "/sync/push", content=body.encode(), headers={"Content-Type": "application/json"})
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "invalid_mutations"
