"""The points of the rules' items are the community's to set (the seeds name the areas, never the points: the
shipped values are placeholders): community staff change them from the desktop through /sync, every desk pulls
the change, and the members' phone pages list the rules with the points in force."""

from __future__ import annotations

from .conftest import new_id
from .participation_helpers import checked_in_member


def _rule(api, code: str) -> tuple[str, dict]:
    return next((i, d) for (e, i), d in api.records.items() if e == "point_rule" and d["code"] == code)


def _listed(member, code: str) -> dict:
    rules = member.ok("GET", "/rules")
    return next(item for area in rules["areas"] for item in area["items"] if item["code"] == code)


def test_community_staff_set_the_points_of_a_rule_and_the_members_pages_show_them(world):
    disp = world.api("disp")
    member = checked_in_member(world, disp, "13900000401")
    disp.pull()
    rid, rule = _rule(disp, "A06.01")
    before = _listed(member, "A06.01")
    assert before["points"] == rule["points"] and before["set_by"] == "points set by the community"
    assert _listed(member, "A01.01")["set_by"] == "area named in the seed rules; points set by the community"
    done = disp.upsert("point_rule", rid, {"points": rule["points"] + 7})
    assert done["status"] in ("applied", "merged"), done
    assert _listed(member, "A06.01")["points"] == rule["points"] + 7
    w1 = world.api("w1")
    w1.pull()
    assert _rule(w1, "A06.01")[1]["points"] == rule["points"] + 7  # every desk has the change after its sync
    refused = w1.upsert("point_rule", rid, {"points": 1})
    assert refused["status"] == "rejected" and refused["error"]["code"] == "role_not_allowed", refused


def test_only_the_points_change_and_only_within_bounds(world):
    disp = world.api("disp")
    disp.pull()
    rid, _rule_data = _rule(disp, "A07.01")
    renamed = disp.upsert("point_rule", rid, {"name": "改名"})
    assert renamed["status"] == "rejected" and renamed["error"]["details"]["fields"][0]["field"] == "name", renamed
    for bad in (-1, 1001):
        res = disp.upsert("point_rule", rid, {"points": bad})
        assert res["status"] == "rejected" and res["error"]["details"]["fields"][0]["field"] == "points", (bad, res)
    made = disp.upsert("point_rule", new_id(), {"code": "X1", "name": "x", "area_code": "X", "area_name": "x", "points": 1})
    assert made["status"] == "rejected" and made["error"]["code"] == "server_managed", made
    gone = disp.push([disp.mutation("point_rule", rid, {}, op="delete")])[0]
    assert gone["status"] == "rejected" and gone["error"]["code"] == "server_managed", gone
