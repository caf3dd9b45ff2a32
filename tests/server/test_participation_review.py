"""Findings of the review of the participation API (issues 16/17), as a user and as an attacker: blank text
is refused naming its field, a member whose check-in staff have not approved cannot act as a member."""

from __future__ import annotations

import uuid

from .conftest import new_id
from .participation_helpers import Web, checked_in_member, now


def test_blank_text_is_refused_naming_the_field_not_as_out_of_scope(world):
    resident = Web(world, "resident", "13700000001")
    for path, body, field in (("/orders", {"title": "   ", "need": "漏水"}, "title"),
                              ("/orders", {"title": "修水龙头", "need": " \n "}, "need"),
                              ("/opinions", {"content": "  \t "}, "content")):  # fmt: skip
        r = resident.call("POST", path, json=body)
        assert r.status_code == 422, (path, r.status_code, r.text)
        assert r.json()["error"]["details"]["field"] == field, r.text
    order = resident.ok("POST", "/orders", json={"title": "修水龙头", "need": "漏水"})
    r = resident.call("POST", f"/orders/{order['id']}/cancel", json={"reason": "   "})
    assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "reason", r.text
    assert resident.ok("GET", "/orders")["orders"][0]["status"] == "raised"  # not cancelled


def _submitted_member(world, phone: str, name: str = "张伟") -> Web:
    """A member checked in to a building of G1 (so placed in the grid), not yet approved by staff."""
    w = world.api("w1")
    estate = f"翠苑{uuid.uuid4().hex[:6]}"
    assert w.upsert("building", new_id(), {"name": "3幢", "estate": estate, "area_id": world.area_ids["G1"]})["status"] == "applied"
    member = Web(world, "member", phone, name=name)
    body = {"name": name, "phone": phone, "employer": "县医院", "estate": estate, "building": "3幢",
            "community_id": world.area_ids["C1"], "skills": ["repair"], "posts": []}  # fmt: skip
    got = member.ok("PUT", "/member/checkin", json=body)["member"]
    assert got["status"] == "submitted" and got["area_id"] == world.area_ids["G1"]
    return member


def test_a_member_not_approved_cannot_sign_up_for_an_activity(world):
    disp = world.api("disp")
    waiting = _submitted_member(world, "13700000002")
    aid = new_id()
    fields = {"title": "垃圾分类宣讲", "kind": "outreach", "place": "社区礼堂", "starts_at": now(10), "ends_at": now(70),
              "signup_deadline": now(5), "capacity": 2, "points": 3, "area_id": world.area_ids["C1"]}  # fmt: skip
    assert disp.upsert("activity", aid, fields)["status"] == "applied"
    assert disp.upsert("activity_event", new_id(), {"activity_id": aid, "action": "publish", "at": now()})["status"] == "applied"
    r = waiting.call("POST", f"/activities/{aid}/signup")
    assert r.status_code == 403 and r.json()["error"]["code"] == "not_approved", r.text
    assert "approved" in r.json()["error"]["message"]
    disp.pull()  # approved, the same member may: the gate is the approval, nothing else
    assert disp.upsert("member", waiting.id, {"status": "approved"})["status"] in ("applied", "merged")
    assert waiting.ok("POST", f"/activities/{aid}/signup")["signed_up"] is True


def test_a_member_not_approved_cannot_take_an_order_open_to_anyone(world):
    disp = world.api("disp")
    waiting = _submitted_member(world, "13700000006")
    asker = Web(world, "resident", "13700000003")
    order = asker.ok("POST", "/orders", json={"title": "修灯", "need": "楼道灯坏了"})
    assert disp.upsert("order_event", new_id(), {"order_id": order["id"], "action": "publish", "at": now()})["status"] == "applied"
    assert waiting.ok("GET", "/orders")["orders"] == []  # not offered: a resident's need is for vetted members
    r = waiting.call("POST", f"/orders/{order['id']}/take")
    assert r.status_code in (403, 404), r.text
    assert asker.ok("GET", f"/orders/{order['id']}")["status"] == "published"  # nobody took it
    disp.pull()
    assert disp.upsert("member", waiting.id, {"status": "approved"})["status"] in ("applied", "merged")
    assert [o["id"] for o in waiting.ok("GET", "/orders")["orders"]] == [order["id"]]
    assert waiting.ok("POST", f"/orders/{order['id']}/take")["taken_by_me"] is True


def test_a_returned_member_cannot_claim_a_wish(world):
    disp = world.api("disp")
    approved = checked_in_member(world, disp, "13700000004")
    returned = _submitted_member(world, "13700000005")
    disp.pull()
    assert disp.upsert("member", returned.id, {"status": "returned", "return_reason": "单位不符"})["status"] in ("applied", "merged")
    wish_id = new_id()
    wish = {"wish": "一个新书包", "area_id": world.area_ids["G1"]}
    assert disp.upsert("wish", wish_id, wish)["status"] == "applied"
    assert disp.upsert("wish_event", new_id(), {"wish_id": wish_id, "action": "publish", "at": now()})["status"] == "applied"
    r = returned.call("POST", f"/wishes/{wish_id}/claim")
    assert r.status_code == 403 and r.json()["error"]["code"] == "not_approved", r.text
    assert approved.ok("POST", f"/wishes/{wish_id}/claim")["claimed_by_me"] is True


def test_signing_up_by_the_api_keeps_the_password_policy_of_the_pages(world):
    from .participation_helpers import P

    body = {"role": "resident", "phone": "13700000007", "name": "王芳", "community_id": world.area_ids["C1"]}
    for weak in ("12345678", "aaaaaaaa", "password"):
        r = world.client.post(P + "/auth/register", json=body | {"password": weak}, headers={"Accept-Language": "en"})
        assert r.status_code == 422, (weak, r.text)
        assert r.json()["error"]["details"]["field"] == "password" and "password" in r.json()["error"]["message"].lower()
    assert world.client.post(P + "/auth/register", json=body | {"password": "spring-garden-42"}).status_code == 201


def test_signing_up_by_the_api_is_the_pages_sign_up_mobile_number_and_name_alike(world):
    """One sign-up for the pages and the API (web/residents.register): a resident or member signs in by a mobile
    number, so a landline is refused naming the field, as on the pages; so is a name longer than the pages take."""
    from .participation_helpers import P

    body = {"role": "resident", "phone": "13700000017", "name": "王芳", "password": "spring-garden-42",
            "community_id": world.area_ids["C1"]}  # fmt: skip
    for phone in ("057188886666", "23700000017"):
        r = world.client.post(P + "/auth/register", json=body | {"phone": phone}, headers={"Accept-Language": "en"})
        assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "phone", (phone, r.text)
        assert "mobile number" in r.json()["error"]["message"].lower()
    r = world.client.post(P + "/auth/register", json=body | {"name": "名" * 40}, headers={"Accept-Language": "en"})
    assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "name", r.text
    made = world.client.post(P + "/auth/register", json=body)
    assert made.status_code == 201, made.text
    # The record the desktop pulls is the pages' one: not verified, no special group, the community as its area.
    disp = world.api("disp")
    disp.pull()
    rec = disp.records[("resident", made.json()["user"]["id"])]
    assert rec["verified"] is False and rec["special_group"] is False and rec["area_id"] == world.area_ids["C1"]


def test_rankings_by_team_need_a_team_and_rank_approved_members_only(world):
    from .participation_helpers import rule_item

    disp = world.api("disp")
    first = checked_in_member(world, disp, "13700000008")  # neither is in a volunteer team
    second = checked_in_member(world, disp, "13700000009")
    waiting = _submitted_member(world, "13700000010", name="赵待审")  # not approved: no rank, no name shown to others
    for member, points in ((first, 7), (second, 9)):
        entry = {"member_id": member.id, "points": points, "source_kind": "manual", "rule_item": rule_item(), "note": "x", "at": now()}
        assert disp.upsert("ledger_entry", new_id(), entry)["status"] == "applied"
    assert first.ok("GET", "/rankings", params={"by": "team", "period": "all"})["rows"] == []  # no team: nobody to rank with
    names = [r["name"] for r in first.ok("GET", "/rankings", params={"by": "grid", "period": "all"})["rows"]]
    assert "李强" in names and "赵待审" not in names, names
    assert waiting.ok("GET", "/rankings", params={"by": "grid", "period": "all"})["rows"] == []
