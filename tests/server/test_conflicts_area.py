"""/conflicts follows the record's area now, not the area at conflict time (issue 11)."""

from __future__ import annotations

from gridworker.server.admin import operations as admin

from .conftest import PASSWORD, new_id


def _ids(api) -> set[str]:
    r = api.request("GET", "/conflicts", params={"limit": 1000})
    assert r.status_code == 200, r.text
    return {c["record_id"]: c for c in r.json()["conflicts"]}


def test_a_record_moved_out_of_a_community_takes_its_conflicts_along(world):
    with world.db.write() as conn:
        admin.add_user(conn, "disp-c2", "dispatcher", ["C2"], PASSWORD)
    a, b, boss = world.api("w1"), world.api("w1"), world.api("admin")
    disp, disp2 = world.api("disp"), world.api("disp-c2")
    bid = new_id()
    a.upsert("building", bid, {"name": "2幢", "area_id": world.area_ids["G1"], "notes": "住户电话 13800000001"})
    b.pull()
    assert a.upsert("building", bid, {"notes": "住户电话 13800000002"})["status"] == "applied"
    assert b.upsert("building", bid, {"notes": "住户电话 13800000003"})["status"] == "conflict"
    assert bid in _ids(disp) and bid not in _ids(disp2)
    boss.pull()
    assert boss.upsert("building", bid, {"area_id": world.area_ids["G3"]})["status"] in ("applied", "merged")
    assert bid not in _ids(disp)  # the values of a building now in another community are not theirs to see
    seen = _ids(disp2)
    assert bid in seen and seen[bid]["area_id"] == world.area_ids["G3"]
    assert bid in _ids(boss)
