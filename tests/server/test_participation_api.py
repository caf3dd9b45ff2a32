"""The participation API (issue 16) end to end: residents and members on their phones, staff on /sync, the same
records — an order raised by a resident, published by staff, taken and closed with a photo by a member, rated,
verified, paid; activities with a check-in code; the shop; notices and opinions."""

from __future__ import annotations

import uuid

from .conftest import new_id
from .participation_helpers import P, Web, checked_in_member, jpeg_with_exif, now, rule_item


def test_an_order_from_a_resident_is_taken_closed_with_a_photo_rated_verified_and_paid(world):
    disp = world.api("disp")
    resident = Web(world, "resident", "13900000001")
    member = checked_in_member(world, disp, "13900000002", skills=("repair",))
    order = resident.ok("POST", "/orders", json={"title": "修水龙头", "need": "厨房水龙头漏水"})
    assert order["status"] == "raised"
    disp.pull()
    assert disp.records[("service_order", order["id"])]["status"] == "raised"
    res = disp.upsert("order_event", new_id(), {"order_id": order["id"], "action": "publish", "skill": "repair", "at": now()})
    assert res["status"] == "applied", res
    listed = member.ok("GET", "/orders")["orders"]
    assert [o["id"] for o in listed] == [order["id"]] and "take" in listed[0]["can"]
    assert member.ok("POST", f"/orders/{order['id']}/take")["status"] == "taken"
    photo = member.call("POST", "/photos", content=jpeg_with_exif(), headers={"Content-Type": "image/jpeg"})
    assert photo.status_code == 201, photo.text
    assert photo.json()["taken_at"] == "2026-11-21T09:30:00"
    kept = world.app.state.gw.blobs.path(photo.json()["photo_id"]).read_bytes()
    assert b"Exif" not in kept and b"PhoneMaker" not in kept  # the EXIF (GPS, device) is not kept
    no_photo = member.call("POST", f"/orders/{order['id']}/close", json={"write_up": "已修好", "photo_ids": []})
    assert no_photo.status_code == 422 and no_photo.json()["error"]["details"]["field"] == "photo_ids"
    closed = member.ok("POST", f"/orders/{order['id']}/close", json={"write_up": "已修好", "photo_ids": [photo.json()["photo_id"]]})
    assert closed["status"] == "closed"
    self_rating = member.call("POST", f"/orders/{order['id']}/rate", json={"rating": 5})
    assert self_rating.status_code in (404, 409)  # a taker never rates
    assert resident.ok("POST", f"/orders/{order['id']}/rate", json={"rating": 5, "comment": "很好"})["rating"] == 5
    assert disp.upsert("order_event", new_id(), {"order_id": order["id"], "action": "verify", "at": now()})["status"] == "applied"
    award = {"member_id": member.id, "points": 10, "source_kind": "order", "source_id": order["id"], "rule_item": rule_item(), "at": now()}
    assert disp.upsert("ledger_entry", new_id(), award)["status"] == "applied"
    assert disp.upsert("ledger_entry", new_id(), award)["error"]["code"] == "already_awarded"
    assert member.ok("GET", "/points")["balance"] == 10
    disp.pull()
    o = disp.records[("service_order", order["id"])]
    assert o["status"] == "verified" and o["takers"] == [member.id] and o["rating"] == 5 and o["comment"] == "很好"
    photos = [d for (e, _i), d in disp.records.items() if e == "photo" and d.get("entity") == "order_event"]
    assert photos and photos[0]["sha256"] == photo.json()["photo_id"]


def test_an_award_for_work_not_verified_is_refused(world):
    disp = world.api("disp")
    member = checked_in_member(world, disp, "13900000003")
    oid = new_id()
    disp.upsert("service_order", oid, {"title": "陪诊", "area_id": world.area_ids["G1"]})
    award = {"member_id": member.id, "points": 10, "source_kind": "order", "source_id": oid, "rule_item": rule_item(), "at": now()}
    assert disp.upsert("ledger_entry", new_id(), award)["error"]["code"] == "not_due"


def test_activity_sign_up_and_check_in_with_the_code(world):
    disp = world.api("disp")
    member = checked_in_member(world, disp, "13900000004")
    aid = new_id()
    fields = {"title": "垃圾分类宣讲", "kind": "outreach", "place": "社区礼堂", "starts_at": now(10), "ends_at": now(70),
              "signup_deadline": now(5), "capacity": 2, "points": 3, "area_id": world.area_ids["C1"]}  # fmt: skip
    assert disp.upsert("activity", aid, fields)["status"] == "applied"
    assert disp.upsert("activity_event", new_id(), {"activity_id": aid, "action": "publish", "at": now()})["status"] == "applied"
    listed = member.ok("GET", "/activities")["activities"]
    assert listed[0]["id"] == aid and listed[0]["places_left"] == 2 and listed[0]["kind_name"] == "Outreach" or listed[0]["kind_name"]
    assert member.ok("POST", f"/activities/{aid}/signup")["signed_up"] is True
    again = member.call("POST", f"/activities/{aid}/signup")
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_signed_up"
    early = member.call("POST", f"/activities/{aid}/checkin", json={"code": "123456"})
    assert early.status_code == 409 and early.json()["error"]["code"] == "no_code"
    assert disp.upsert("activity_event", new_id(), {"activity_id": aid, "action": "open_checkin", "code": "482913", "at": now()})["status"] == "applied"
    wrong = member.call("POST", f"/activities/{aid}/checkin", json={"code": "000000"})
    assert wrong.status_code == 409 and wrong.json()["error"]["code"] == "wrong_code"
    assert member.ok("POST", f"/activities/{aid}/checkin", json={"code": "482913"})["attended"] is True
    for _ in range(2):  # 5 tries per member and activity in all
        assert member.call("POST", f"/activities/{aid}/checkin", json={"code": "111111"}).status_code == 409
    guessing = member.call("POST", f"/activities/{aid}/checkin", json={"code": "222222"})
    assert guessing.status_code == 429 and guessing.json()["error"]["code"] == "rate_limited"
    disp.pull()
    assert disp.records[("activity", aid)]["attended"] == [member.id]
    typed = [d for (e, _i), d in disp.records.items() if e == "activity_event" and d["action"] == "check_in"]
    assert typed and all(d.get("code") is None for d in typed)  # compared, never kept


def test_the_shop_on_the_phone(world):
    disp = world.api("disp")
    member = checked_in_member(world, disp, "13900000005")
    manual = {"member_id": member.id, "points": 25, "source_kind": "manual", "rule_item": rule_item(), "note": "补录", "at": now()}
    assert disp.upsert("ledger_entry", new_id(), manual)["status"] == "applied"
    item = new_id()
    assert disp.upsert("shop_item", item, {"name": "洗衣液", "price": 10, "stock_total": 5, "area_id": world.area_ids["C1"]})["status"] == "applied"
    shop = member.ok("GET", "/shop")
    assert shop["balance"] == 25 and {"id": item, "name": "洗衣液", "description": None, "price": 10, "stock": 5} in shop["items"]
    got = member.ok("POST", "/shop/redeem", json={"item_id": item, "qty": 2})
    assert got["balance"] == 5 and got["redemption"]["status"] == "requested"
    refused = member.call("POST", "/shop/redeem", json={"item_id": item, "qty": 1})
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "not_enough_points"
    assert "Not enough points" in refused.json()["error"]["message"]
    back = member.ok("POST", f"/redemptions/{got['redemption']['id']}/cancel", json={})
    assert back["balance"] == 25 and back["redemption"]["status"] == "cancelled"
    kept = member.ok("POST", "/shop/redeem", json={"item_id": item, "qty": 1})["redemption"]
    disp.pull()
    assert disp.upsert("redemption", kept["id"], {"status": "handed_over"})["status"] in ("applied", "merged")
    late = member.call("POST", f"/redemptions/{kept['id']}/cancel", json={})
    assert late.status_code == 409 and late.json()["error"]["code"] == "redemption_closed"
    assert member.ok("GET", "/redemptions")["redemptions"][0]["status"] == "handed_over"
    again = member.call("PUT", "/member/checkin", json={"name": "李强", "phone": "13900000005", "employer": "县医院", "estate": "x",
                                                       "building": "y", "community_id": world.area_ids["C1"]})  # fmt: skip
    assert again.status_code == 200 and again.json()["member"]["to_place"] is True  # a changed check-in: reviewed again
    twice = member.call("PUT", "/member/checkin", json={"name": "李强", "phone": "13900000005", "employer": "县医院", "estate": "x",
                                                       "building": "y", "community_id": world.area_ids["C1"]})  # fmt: skip
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "already_submitted"


def test_notices_are_read_once_and_opinions_answered(world):
    disp = world.api("disp")
    resident = Web(world, "resident", "13900000006")
    nid = new_id()
    assert disp.upsert("notice", nid, {"title": "停水通知", "body": "明天停水", "area_id": world.area_ids["C1"]})["status"] == "applied"
    notices = resident.ok("GET", "/notices")["notices"]
    assert [n["id"] for n in notices if n["id"] == nid] and not notices[0]["read"]
    resident.ok("POST", f"/notices/{nid}/read")
    resident.ok("POST", f"/notices/{nid}/read")
    disp.pull()
    assert disp.records[("notice", nid)]["read_count"] == 1
    op = resident.ok("POST", "/opinions", json={"topic": "环境", "content": "垃圾桶太少"})
    assert op["status"] == "open"
    disp.pull()
    res = disp.upsert("opinion", op["id"], {"answer": "已增设两个"})
    assert res["status"] in ("applied", "merged"), res
    mine = resident.ok("GET", "/opinions")["opinions"]
    assert mine[0]["answer"] == "已增设两个" and mine[0]["status"] == "answered"


def test_bad_input_gets_4xx_naming_the_field_in_the_users_language(world):
    c = world.client
    body = {"role": "resident", "phone": "12345", "password": "secret-pass-1", "name": "王芳", "community_id": world.area_ids["C1"]}
    zh = c.post(P + "/auth/register", json=body)
    assert zh.status_code == 422 and zh.json()["error"]["details"]["field"] == "phone" and "电话" in zh.json()["error"]["message"]
    en = c.post(P + "/auth/register", json=body, headers={"Accept-Language": "en"})
    assert "phone" in en.json()["error"]["message"].lower()
    short = c.post(P + "/auth/register", json=body | {"phone": "13900000099", "password": "x"}, headers={"Accept-Language": "en"})
    assert short.status_code == 422 and short.json()["error"]["details"]["field"] == "password"
    assert "Password" in short.json()["error"]["message"]
    grid = c.post(P + "/auth/register", json=body | {"phone": "13900000099", "community_id": world.area_ids["G1"]})
    assert grid.status_code == 422 and grid.json()["error"]["details"]["field"] == "community_id"
    member = Web(world, "member", "13900000007")
    r = member.call("POST", "/shop/redeem", json={"item_id": str(uuid.uuid4()), "qty": 0})
    assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "qty"
    r = member.call("PUT", "/member/checkin", json={"name": "李强", "phone": "13900000007", "employer": "x", "estate": "y",
                                                   "building": "z", "community_id": world.area_ids["C1"], "skills": ["nope"]})  # fmt: skip
    assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "skills"
    r = member.call("POST", "/photos", content=b"GIF89a....", headers={"Content-Type": "image/gif"})
    assert r.status_code == 415 and r.json()["error"]["code"] == "not_jpeg"


def test_staff_use_the_desktop_and_web_accounts_sign_in_by_phone(world):
    c = world.client
    disp = world.api("disp")
    r = c.get(P + "/me", headers={"Authorization": f"Bearer {disp.token}"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "desktop_only"
    assert c.post(P + "/auth/login", json={"phone": "disp", "password": "password-1"}).status_code == 401
    Web(world, "resident", "13900000008")
    r = c.post(P + "/auth/login", json={"phone": "139 0000 0008", "password": "secret-pass-1"})
    assert r.status_code == 200 and r.json()["user"]["role"] == "resident" and "gw_session" in r.cookies
    me = c.get(P + "/me", cookies={"gw_session": r.cookies["gw_session"]})
    assert me.status_code == 200 and me.json()["phone"] == "13900000008"
    taken = c.post(P + "/auth/register", json={"role": "member", "phone": "13900000008", "password": "secret-pass-1", "name": "x",
                                              "community_id": world.area_ids["C1"]})  # fmt: skip
    assert taken.status_code == 409 and taken.json()["error"]["code"] == "phone_taken"


def _verified_resident(world, phone: str, special: bool = True) -> Web:
    import datetime as dt

    from gridworker.domain.enums import Gender
    from gridworker.domain.idnumber import make

    number = make("330106", dt.date(1950, 3, 4), int(phone[-3:]), Gender.female)
    w1 = world.api("w1")
    tags = ["hardship"] if special else []
    assert w1.upsert("person", new_id(), {"name": "赵兰", "id_number": number, "area_id": world.area_ids["G1"], "tags": tags})["status"] == "applied"
    resident = Web(world, "resident", phone)
    assert resident.ok("POST", "/resident/verify", json={"name": "赵兰", "id_number": number})["special_group"] is special
    return resident


def test_a_micro_wish_from_a_verified_resident_is_published_claimed_fulfilled_confirmed_and_paid(world):
    disp = world.api("disp")
    plain = Web(world, "resident", "13900000010")
    refused = plain.call("POST", "/wishes", json={"wish": "一个新书包"})
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "not_eligible"
    resident = _verified_resident(world, "13900000011")
    wish = resident.ok("POST", "/wishes", json={"wish": "一个新书包"})
    assert wish["status"] is None and wish["status_name"] == "awaiting publication"
    member = checked_in_member(world, disp, "13900000012")
    assert member.ok("GET", "/wishes")["wishes"] == []  # not published yet
    assert disp.upsert("wish_event", new_id(), {"wish_id": wish["id"], "action": "publish", "at": now()})["status"] == "applied"
    assert member.ok("POST", f"/wishes/{wish['id']}/claim")["claimed_by_me"] is True
    photo = member.call("POST", "/photos", content=jpeg_with_exif(), headers={"Content-Type": "image/jpeg"}).json()["photo_id"]
    done = member.ok("POST", f"/wishes/{wish['id']}/fulfil", json={"note": "已送到", "photo_ids": [photo]})
    assert done["status"] == "fulfilled"
    assert disp.upsert("wish_event", new_id(), {"wish_id": wish["id"], "action": "confirm", "at": now()})["status"] == "applied"
    award = {"member_id": member.id, "points": 5, "source_kind": "wish", "source_id": wish["id"], "rule_item": rule_item(), "at": now()}
    assert disp.upsert("ledger_entry", new_id(), award)["status"] == "applied"
    assert member.ok("GET", "/points")["balance"] == 5
    assert resident.ok("GET", "/wishes")["wishes"][0]["status"] == "confirmed"


def test_nobody_sees_anothers_orders_or_anything_of_the_register(world):
    disp = world.api("disp")
    asker = Web(world, "resident", "13900000013")
    other = Web(world, "resident", "13900000014")
    far = Web(world, "member", "13900000015", community="C2")
    order = asker.ok("POST", "/orders", json={"title": "修灯", "need": "楼道灯坏了"})
    assert other.call("GET", f"/orders/{order['id']}").status_code == 404
    assert other.ok("GET", "/orders")["orders"] == []
    disp.upsert("order_event", new_id(), {"order_id": order["id"], "action": "publish", "at": now()})
    assert far.call("POST", f"/orders/{order['id']}/take").status_code == 404  # another community's order
    r = other.call("POST", f"/orders/{order['id']}/cancel", json={"reason": "x"})
    assert r.status_code == 404
    # No route of the API answers with register records: every GET a resident may call, scanned.
    w1 = world.api("w1")
    pid = new_id()
    w1.upsert("person", pid, {"name": "钱多多", "phone": "13512345678", "area_id": world.area_ids["G1"]})
    for path in ("/me", "/activities", "/orders", "/wishes", "/notices", "/opinions", "/communities", "/tables"):
        text = other.call("GET", path).text
        assert "钱多多" not in text and "13512345678" not in text and pid not in text, path


def test_rankings_show_names_and_points_of_the_members_group_only(world):
    disp = world.api("disp")
    first = checked_in_member(world, disp, "13900000020")
    second = checked_in_member(world, disp, "13900000021")
    for member, points in ((first, 30), (second, 50)):
        entry = {"member_id": member.id, "points": points, "source_kind": "manual", "rule_item": rule_item(), "note": "x", "at": now()}
        assert disp.upsert("ledger_entry", new_id(), entry)["status"] == "applied"
    rows = first.ok("GET", "/rankings", params={"by": "grid", "period": "year"})["rows"]
    mine = [r for r in rows if r["me"]]
    assert mine and mine[0]["points"] == 30 and set(rows[0]) == {"rank", "name", "points", "me"}
    assert [r["points"] for r in rows] == sorted((r["points"] for r in rows), reverse=True)
    assert first.call("GET", "/rankings", params={"by": "street"}).status_code == 422


def test_staff_work_through_sync_lands_in_the_same_records(world):
    """A grid worker raises an order from a visit, staff assign it to a member without the skill, the member takes
    it on the phone; staff mark attendance of an activity, and its points are due to those who attended only."""
    disp, w1 = world.api("disp"), world.api("w1")
    member = checked_in_member(world, disp, "13900000030", skills=())
    oid, vid = new_id(), new_id()
    raised = w1.push([
        w1.mutation("service_order", oid, {"title": "陪同就医", "need": "独居老人需要陪诊", "area_id": world.area_ids["G1"], "visit_id": vid}),
        w1.mutation("order_event", new_id(), {"order_id": oid, "action": "raise", "resident_id": new_id(), "visit_id": vid, "at": now()}),
    ])  # fmt: skip
    assert [r["status"] for r in raised] == ["applied", "applied"], raised
    published = disp.upsert("order_event", new_id(), {"order_id": oid, "action": "publish", "skill": "medical", "at": now()})
    assert published["status"] == "applied"
    assert oid not in {o["id"] for o in member.ok("GET", "/orders")["orders"]}  # published to a skill the member lacks
    assigned = disp.upsert("order_event", new_id(), {"order_id": oid, "action": "assign", "member_ids": [member.id], "at": now()})
    assert assigned["status"] == "applied", assigned
    assert member.ok("POST", f"/orders/{oid}/take")["taken_by_me"] is True
    w1.pull()
    order = w1.records[("service_order", oid)]
    assert order["source"] == "visit" and order["status"] == "taken" and order["deadline"]
    worker_verify = w1.upsert("order_event", new_id(), {"order_id": oid, "action": "verify", "at": now()})
    assert worker_verify["error"]["code"] in ("role_not_allowed", "wrong_state")

    aid = new_id()
    fields = {"title": "议事会", "kind": "deliberation", "place": "会议室", "starts_at": now(-20), "ends_at": now(40),
              "signup_deadline": now(-30), "points": 4, "area_id": world.area_ids["C1"]}  # fmt: skip
    assert disp.upsert("activity", aid, fields)["status"] == "applied"
    assert disp.upsert("activity_event", new_id(), {"activity_id": aid, "action": "publish", "at": now(-40)})["status"] == "applied"
    marked = disp.upsert("activity_event", new_id(), {"activity_id": aid, "action": "mark_attended", "member_ids": [member.id], "at": now()})
    assert marked["status"] == "applied", marked
    other = checked_in_member(world, disp, "13900000031")
    due = {"points": 4, "source_kind": "activity", "source_id": aid, "rule_item": rule_item(), "at": now()}
    assert disp.upsert("ledger_entry", new_id(), due | {"member_id": member.id})["status"] == "applied"
    assert disp.upsert("ledger_entry", new_id(), due | {"member_id": other.id})["error"]["code"] == "not_due"
    assert member.ok("GET", "/activities")["activities"][0]["attended"] is True
