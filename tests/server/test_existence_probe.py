"""No push answer tells whether a record the user may not see exists: "not yours" reads as "not there" (issue 11)."""

from __future__ import annotations

from .conftest import new_id
from .helpers import report


def _answer(api, mutation: dict) -> tuple:
    res = api.push([mutation])[0]
    err = res.get("error") or {}
    return res["status"], res["version"], err.get("code"), err.get("message"), err.get("details")


def test_pushes_about_another_grids_records_answer_as_for_ids_nobody_has(world):
    w1, w3 = world.api("w1"), world.api("w3")
    theirs = {"building": new_id(), "person": new_id()}
    assert w3.upsert("building", theirs["building"], {"name": "别人的楼", "area_id": world.area_ids["G3"]})["status"] == "applied"
    assert w3.upsert("person", theirs["person"], {"name": "别人", "area_id": world.area_ids["G3"]})["status"] == "applied"
    theirs["incident"] = report(world, w3, "G3")
    probes = [
        ("building", "delete", {}),
        ("person", "delete", {}),
        ("incident", "delete", {}),
        ("building", "upsert", {"notes": "x"}),
        ("building", "upsert", {"name": "改名"}),
        ("building", "upsert", {"floors": 900}),
        ("building", "upsert", {"name": "越界", "area_id": world.area_ids["G3"]}),
        ("building", "upsert", {"name": "拿来", "area_id": world.area_ids["G1"]}),
        ("person", "upsert", {"phone": "13800138000"}),
        ("person", "upsert", {"phone": "not a phone"}),
        ("incident", "upsert", {"description": "改"}),
    ]
    for entity, op, fields in probes:
        existing = _answer(w1, w1.mutation(entity, theirs[entity], fields, op=op, base=None))
        nobody = _answer(w1, w1.mutation(entity, new_id(), fields, op=op, base=None))
        if fields.get("area_id") == world.area_ids["G1"]:
            # The only difference left: a full create in one's own grid succeeds for a free id. The taken
            # id answers out_of_scope, as any other "not yours".
            assert nobody[0] == "applied" and existing[0] == "rejected" and existing[2] == "out_of_scope"
            continue
        assert existing == nobody, (entity, op, fields, existing, nobody)
        assert existing[0] == "rejected" and existing[1] is None
    # Nothing was changed by any of it.
    w3.pull()
    assert w3.records[("building", theirs["building"])]["name"] == "别人的楼"
    assert not w3.records[("building", theirs["building"])]["_deleted"]
    assert not w3.records[("incident", theirs["incident"])]["_deleted"]
