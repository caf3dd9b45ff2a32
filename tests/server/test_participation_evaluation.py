"""The year-end evaluation (双管三评, issue 16 item 8): the member's self-assessment through the participation
API, the community's rating through /sync — each side writes only its own part, for the member's area."""

from __future__ import annotations

from datetime import datetime, timezone

from gridworker.domain.fieldwork import local_day
from gridworker.domain.participation.evaluation import evaluation_id

from .participation_helpers import Web, checked_in_member

THIS_YEAR = local_day(datetime.now(timezone.utc)).year


def test_the_member_writes_the_self_assessment_and_staff_the_rating_neither_the_others(world):
    disp = world.api("disp")
    member = checked_in_member(world, disp, "13900000301")
    got = member.ok("PUT", f"/evaluations/{THIS_YEAR}", json={"self_assessment": "全年参加活动12次，完成点单5单。"})
    assert got["self_assessment"] == "全年参加活动12次，完成点单5单。" and got["grade"] is None and got["self_assessed_at"]
    record_id = evaluation_id(member.id, THIS_YEAR)

    disp.pull()
    assert disp.records[("evaluation", record_id)]["self_assessment"].startswith("全年参加活动")
    res = disp.upsert("evaluation", record_id, {"member_id": member.id, "year": THIS_YEAR, "grade": "excellent",
                                                "grade_note": "服务积极"})  # fmt: skip
    assert res["status"] in ("applied", "merged"), res
    mine = member.ok("GET", "/evaluations")
    this = next(e for e in mine["evaluations"] if e["year"] == THIS_YEAR)
    assert this["grade"] == "excellent" and this["grade_name"] == "Excellent" and this["grade_note"] == "服务积极"
    assert this["self_assessment"].startswith("全年参加活动")

    # staff cannot overwrite the self-assessment
    res = disp.upsert("evaluation", record_id, {"self_assessment": "由社区代写"})
    assert res["status"] == "rejected" and res["error"]["code"] == "not_owner", res
    # the member cannot write the rating, even through the push their phone uses
    r = member.call("PUT", f"/evaluations/{THIS_YEAR}", json={"self_assessment": "x", "grade": "excellent"})
    assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "grade"
    # a grid worker does not rate
    w1 = world.api("w1")
    res = w1.upsert("evaluation", record_id, {"member_id": member.id, "year": THIS_YEAR, "grade": "qualified"})
    assert res["status"] == "rejected" and res["error"]["code"] == "role_not_allowed", res
    # the self-assessment can be rewritten; the grade stays
    again = member.ok("PUT", f"/evaluations/{THIS_YEAR}", json={"self_assessment": "补充：带头参加防汛。"})
    assert again["self_assessment"] == "补充：带头参加防汛。" and again["grade"] == "excellent"
    disp.pull()
    stored = disp.records[("evaluation", record_id)]
    assert stored["rated_by"] == world.user_ids["disp"] and stored["grade"] == "excellent"


def test_staff_rate_only_members_of_their_area_and_only_with_a_known_grade(world):
    admin, disp = world.api("admin"), world.api("disp")
    far = checked_in_member(world, admin, "13900000302", grid="G3")  # in C2: not the dispatcher's
    record_id = evaluation_id(far.id, THIS_YEAR)
    disp.pull()
    res = disp.upsert("evaluation", record_id, {"member_id": far.id, "year": THIS_YEAR, "grade": "qualified"})
    assert res["status"] == "rejected", res
    near = checked_in_member(world, disp, "13900000303")
    near_id = evaluation_id(near.id, THIS_YEAR)
    res = disp.upsert("evaluation", near_id, {"member_id": near.id, "year": THIS_YEAR, "grade": "top"})
    assert res["status"] == "rejected" and res["error"]["code"] == "invalid_value", res
    assert "grade" in {f["field"] for f in res["error"]["details"]["fields"]}
    res = disp.upsert("evaluation", near_id, {"member_id": near.id, "year": THIS_YEAR - 3, "grade": "qualified"})
    assert res["status"] == "rejected" and res["error"]["code"] == "invalid_value", res  # the id is not that year's
    res = disp.upsert("evaluation", near_id, {"member_id": near.id, "year": THIS_YEAR, "grade": "basically_qualified",
                                              "rated_by": world.user_ids["disp"]})  # fmt: skip
    assert res["status"] == "rejected" and res["error"]["code"] in ("invalid_value", "read_only_field"), res


def test_bad_self_assessments_get_4xx_naming_the_field(world):
    disp = world.api("disp")
    member = checked_in_member(world, disp, "13900000304")
    for year in (THIS_YEAR - 2, THIS_YEAR + 1):
        r = member.call("PUT", f"/evaluations/{year}", json={"self_assessment": "好"})
        assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "year", r.text
    r = member.call("PUT", "/evaluations/abc", json={"self_assessment": "好"})
    assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "year", r.text
    r = member.call("PUT", f"/evaluations/{THIS_YEAR}", json={"self_assessment": "长" * 2001})
    assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "self_assessment", r.text
    r = member.call("PUT", f"/evaluations/{THIS_YEAR}", json={"self_assessment": "   "})
    assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "self_assessment", r.text
    assert "self-assessment" in r.json()["error"]["message"].lower()
    r = member.call("PUT", f"/evaluations/{THIS_YEAR}", json={"self_assessment": 5})
    assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "self_assessment", r.text
    last = member.ok("PUT", f"/evaluations/{THIS_YEAR - 1}", json={"self_assessment": "去年的自评"})
    assert last["year"] == THIS_YEAR - 1
    resident = Web(world, "resident", "13900000305")
    r = resident.call("PUT", f"/evaluations/{THIS_YEAR}", json={"self_assessment": "好"})
    assert r.status_code == 403
    waiting = Web(world, "member", "13900000306")
    r = waiting.call("PUT", f"/evaluations/{THIS_YEAR}", json={"self_assessment": "好"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_approved"
