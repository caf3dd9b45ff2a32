"""The pages on issue 16's participation API, in the browser: a resident asks for a service and leaves an
opinion; a member checks in, signs up for an activity and checks in at the venue, takes an order, and redeems
points in the shop with the balance and stock shown live."""

from __future__ import annotations

import time
import uuid
from datetime import datetime, timedelta, timezone

import requests
from playwright.sync_api import expect

from gridworker.domain.participation import tables

from .helpers import PASSWORD, new_phone, register_resident

PUSH_HEADERS = {"X-Gridworker-Schema": "1"}


class Staff:
    """The community's dispatcher at the desk: records pushed through /sync, as the desktop does."""

    def __init__(self, server, username: str = "disp"):
        self.server, self.username = server, username
        self.headers = PUSH_HEADERS | {"Authorization": f"Bearer {server.token(username)}"}
        self.areas = {c["data"]["code"]: i for (e, i), c in server.records(username).items() if e == "area"}
        self.n = 0

    def upsert(self, entity: str, record_id: str, fields: dict) -> dict:
        self.n += 1
        hlc = f"{int(time.time() * 1000):013d}-{self.n:04d}-web-test-staff"
        body = {"device_id": f"test-{self.username}", "mutations": [{"mutation_id": str(uuid.uuid4()), "entity": entity, "id": record_id,
                "op": "upsert", "base_version": None, "fields": fields, "hlc": hlc}]}  # fmt: skip
        r = requests.post(self.server.url + "/api/v1/sync/push", json=body, headers=self.headers, timeout=30)
        assert r.status_code == 200, r.text
        result = r.json()["results"][0]
        assert result["status"] != "rejected", result  # a conflict the desk wins is applied too
        return result


def _now(minutes: float = 0) -> str:
    return (datetime.now(timezone.utc) + timedelta(minutes=minutes)).isoformat()


def _register_member(phone_page, name: str = "李强") -> str:
    number = new_phone()
    phone_page.goto("/h5/c/C1")
    phone_page.get_by_role("link", name="注册").click()
    phone_page.get_by_label("姓名").fill(name)
    phone_page.get_by_label("手机号").fill(number)
    phone_page.get_by_label("党员志愿者").check()
    phone_page.get_by_label("密码").fill(PASSWORD)
    phone_page.get_by_role("button", name="注册").click()
    phone_page.wait_for_url("**/h5/")
    return number


def test_a_resident_asks_for_a_service_and_leaves_an_opinion(phone, web_server):
    register_resident(phone)
    phone.goto("/h5/orders")
    phone.get_by_label("需要什么服务").fill("帮忙修水龙头")
    phone.get_by_label("具体说明").fill("厨房水龙头漏水，周末在家 <b>急</b>")
    phone.get_by_role("button", name="提交").click()
    phone.wait_for_selector("[data-items] .card")
    card = phone.inner_text("[data-items] .card")
    assert "帮忙修水龙头" in card and "<b>急</b>" in card  # shown as typed: text, never markup
    assert phone.is_visible("text=已提交，社区会安排党员志愿者")
    phone.goto("/h5/opinions")
    phone.get_by_label("您的意见或建议").fill("小区路灯晚上十点就关了，太早")
    phone.get_by_role("button", name="提交").click()
    phone.wait_for_selector("[data-items] .card")
    assert "路灯" in phone.inner_text("[data-items]")
    assert phone.errors == [] and phone.context.outside == []


def _checked_in_member(phone, staff: Staff) -> dict:
    """A member registered on the phone, checked in to 幸福小区 3号楼 with the first skill, approved by staff."""
    _register_member(phone)
    assert "党员报到" in phone.inner_text("nav")
    phone.goto("/h5/checkin")
    phone.get_by_label("工作单位").fill("县人民医院")
    phone.get_by_label("居住小区").fill("幸福小区")
    phone.get_by_label("楼栋").fill("3号楼")
    phone.get_by_label(next(iter(tables.skills().values())).label("zh")).check()
    phone.get_by_role("button", name="提交").click()
    phone.wait_for_selector("text=报到信息已提交，等待社区审核")
    me = phone.evaluate("fetch('/api/v1/p/me').then(r => r.json())")
    assert me["member"]["area_id"] == staff.areas["G1"]  # placed in the grid holding 幸福小区 3号楼
    staff.upsert("member", me["id"], {"status": "approved"})
    return me


def test_a_member_checks_in_signs_up_checks_in_at_the_venue_and_redeems_points(phone, web_server):
    staff = Staff(web_server)
    me = _checked_in_member(phone, staff)

    activity = str(uuid.uuid4())
    staff.upsert("activity", activity, {"title": "垃圾分类宣讲", "kind": next(iter(tables.activity_kinds())), "place": "社区礼堂",
                                         "starts_at": _now(10), "ends_at": _now(70), "signup_deadline": _now(5), "capacity": 2,
                                         "points": 3, "area_id": staff.areas["C1"]})  # fmt: skip
    staff.upsert("activity_event", str(uuid.uuid4()), {"activity_id": activity, "action": "publish", "at": _now()})
    phone.goto("/h5/activities")
    phone.wait_for_selector("[data-items] .card")
    assert "剩余名额 2" in phone.inner_text("[data-items] .card")
    phone.get_by_role("button", name="报名", exact=True).dblclick()  # a double tap signs up once
    phone.wait_for_selector("text=剩余名额 1")
    staff.upsert("activity_event", str(uuid.uuid4()), {"activity_id": activity, "action": "open_checkin", "code": "482913", "at": _now()})
    phone.get_by_label("现场签到码").fill("000000")
    phone.get_by_role("button", name="签到", exact=True).click()
    phone.wait_for_selector("[data-api-error]:not([hidden])")
    assert phone.inner_text("[data-api-error]")  # the API's refusal, in words
    phone.get_by_label("现场签到码").fill("482913")
    phone.get_by_role("button", name="签到", exact=True).click()
    phone.wait_for_selector("small:has-text('已签到'):visible")
    # checked in: the sign-up cannot be cancelled (the domain refuses it), nor a code typed again; neither is offered
    expect(phone.get_by_role("button", name="取消报名")).to_be_hidden()
    expect(phone.get_by_label("现场签到码")).to_be_hidden()

    staff.upsert("ledger_entry", str(uuid.uuid4()), {"member_id": me["id"], "points": 25, "source_kind": "manual",
                                                     "rule_item": next(iter(tables.rule_items())), "note": "补录", "at": _now()})  # fmt: skip
    item = str(uuid.uuid4())
    staff.upsert("shop_item", item, {"name": "洗衣液", "price": 10, "stock_total": 5, "area_id": staff.areas["C1"]})
    phone.goto("/h5/shop")
    phone.wait_for_selector("[data-items] .card")
    assert phone.inner_text("[data-root=balance]") == "25"
    phone.get_by_label("数量").fill("2")
    phone.get_by_role("button", name="兑换").click()
    phone.wait_for_selector("text=兑换成功，请到社区领取")
    expect(phone.locator("[data-root=balance]")).to_have_text("5")  # (no wait_for_function: the pages' CSP forbids eval)
    assert "库存 3" in phone.inner_text("[data-items] .card")  # the stock as it is now
    phone.get_by_role("button", name="兑换").click()  # 2 × 10 again: not enough points
    phone.wait_for_selector("[data-api-error]:not([hidden])")
    assert phone.inner_text("[data-root=balance]") == "5"
    phone.goto("/h5/points")
    phone.wait_for_selector("[data-items] .card")
    assert "25" in phone.inner_text("[data-items]") and phone.inner_text("[data-root=balance]") == "5"
    assert phone.errors == [] and phone.context.outside == []


def test_a_member_takes_an_order_closes_it_with_a_photo_and_the_resident_rates_it(phone, browser, web_server, tmp_path):
    from .helpers import gps_jpeg

    staff = Staff(web_server)
    register_resident(phone)
    phone.goto("/h5/orders")
    phone.get_by_label("需要什么服务").fill("修门锁（接单）")
    phone.get_by_label("具体说明").fill("单元门锁坏了")
    phone.get_by_role("button", name="提交").click()
    phone.wait_for_selector("[data-items] .card")
    order_id = phone.evaluate("fetch('/api/v1/p/orders').then(r => r.json()).then(d => d.orders[0].id)")

    context = browser.new_context(viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True, locale="zh-CN",
                                  base_url=web_server.url)  # fmt: skip
    member = context.new_page()
    try:
        _checked_in_member(member, staff)
        skill = next(iter(tables.skills()))
        staff.upsert("order_event", str(uuid.uuid4()), {"order_id": order_id, "action": "publish", "skill": skill, "at": _now()})
        member.goto("/h5/orders")
        member.wait_for_selector("[data-items] .card")
        member.get_by_role("button", name="接单", exact=True).click()
        member.wait_for_selector("text=接单成功")
        member.get_by_label("工作简述").fill("已更换新门锁")
        member.set_input_files("[data-if-can=close] input[type=file]", str(gps_jpeg(tmp_path / "after.jpg")))
        member.get_by_role("button", name="完成并提交纪实").click()
        member.wait_for_selector("text=已提交完成情况，等待居民评价和社区核实")
    finally:
        context.close()

    phone.reload()
    phone.wait_for_selector("[data-items] .card")
    assert "已更换新门锁" in phone.inner_text("[data-items] .card")
    phone.get_by_label("满意度").select_option("5")
    phone.get_by_label("意见（选填）").fill("很及时")
    phone.get_by_role("button", name="评价", exact=True).click()
    phone.wait_for_selector("text=感谢您的评价")
    records = web_server.records("disp")
    order = records[("service_order", order_id)]["data"]
    assert order["rating"] == 5 and order["status"] == "closed"
    photos = [c["data"] for (e, _i), c in records.items() if e == "photo" and c["data"].get("entity") == "order_event"]
    assert photos and all(p["mime"] == "image/jpeg" for p in photos)
    assert phone.errors == [] and phone.context.outside == []


def test_a_micro_wish_of_a_resident_in_need_is_claimed_and_fulfilled_by_a_member(phone, browser, web_server, tmp_path):
    from datetime import date

    from gridworker.domain import idnumber
    from gridworker.domain.enums import Gender

    from .helpers import small_jpeg, verify_resident

    staff = Staff(web_server, "w1a")  # the grid worker records a person in hardship
    number = idnumber.make("500223", date(1948, 5, 9), 37, Gender.female)
    staff.upsert("person", str(uuid.uuid4()), {"name": "卫秀兰", "id_number": number, "area_id": staff.areas["G1"], "tags": ["hardship"]})
    register_resident(phone, name="卫秀兰")
    verify_resident(phone, name="卫秀兰", id_number=number)
    phone.goto("/h5/wishes")
    phone.get_by_label("我的心愿").fill("一副老花镜（微心愿）")
    phone.get_by_role("button", name="提交").click()
    phone.wait_for_selector("[data-items] .card")
    wish_id = phone.evaluate("fetch('/api/v1/p/wishes').then(r => r.json()).then(d => d.wishes[0].id)")
    Staff(web_server).upsert("wish_event", str(uuid.uuid4()), {"wish_id": wish_id, "action": "publish", "at": _now()})

    context = browser.new_context(viewport={"width": 360, "height": 640}, is_mobile=True, locale="zh-CN", base_url=web_server.url)
    member = context.new_page()
    try:
        _checked_in_member(member, Staff(web_server))
        member.goto("/h5/wishes")
        card = member.locator(".card", has_text="一副老花镜（微心愿）")
        card.get_by_role("button", name="认领").click()
        member.wait_for_selector("text=认领成功")
        card = member.locator(".card", has_text="一副老花镜（微心愿）")
        card.get_by_label("工作简述").fill("已送到家中")
        card.locator("input[type=file]").set_input_files(files=[{"name": "g.jpg", "mimeType": "image/jpeg", "buffer": small_jpeg()}])
        card.get_by_role("button", name="已实现，提交纪实").click()
        member.wait_for_selector("text=已提交，等待社区确认")
    finally:
        context.close()
    phone.reload()
    phone.wait_for_selector("[data-items] .card")
    assert web_server.records("disp")[("wish", wish_id)]["data"]["status"] == "fulfilled"
    assert phone.errors == []


def test_a_member_writes_the_year_end_self_assessment_and_sees_the_communitys_rating(phone, web_server):
    from gridworker.domain.fieldwork import local_day
    from gridworker.domain.participation.evaluation import evaluation_id

    staff = Staff(web_server)
    me = _checked_in_member(phone, staff)
    year = local_day(datetime.now(timezone.utc)).year
    phone.goto("/h5/points")
    phone.get_by_label(f"{year}年度个人自评").fill("全年参加志愿服务十次 <b>认真</b>")
    phone.get_by_role("button", name="提交").first.dblclick()  # a double tap saves once
    phone.wait_for_selector("text=自评已保存")
    phone.wait_for_selector("article.card:has-text('全年参加志愿服务十次')")
    assert "<b>认真</b>" in phone.inner_text("article.card:has-text('全年参加志愿服务十次')")  # text, never markup
    staff.upsert("evaluation", evaluation_id(me["id"], year), {"member_id": me["id"], "year": year, "grade": "excellent",
                                                               "grade_note": "服务积极"})  # fmt: skip
    phone.reload()
    phone.wait_for_selector("article.card:has-text('优秀')")
    card = phone.inner_text("article.card:has-text('优秀')")
    assert "服务积极" in card and "全年参加志愿服务十次" in card
    phone.get_by_label(f"{year - 1}年度个人自评").fill("   ")
    phone.get_by_role("button", name="提交").nth(1).click()
    phone.wait_for_selector("[data-api-error]:not([hidden])")
    assert "自评" in phone.inner_text("[data-api-error]")  # the API's refusal names the field, in words
    assert phone.errors == [] and phone.context.outside == []


def test_the_points_page_lists_the_rules_with_the_points_the_community_set(phone, web_server):
    """The seeds give no points: the community sets them at the desk, and the member's points page lists the rules
    with the points in force and who set them."""
    staff = Staff(web_server)
    _checked_in_member(phone, staff)
    rule_id = next(i for (e, i), c in web_server.records("disp").items() if e == "point_rule" and c["data"]["code"] == "A14.01")
    staff.upsert("point_rule", rule_id, {"points": 9})
    phone.goto("/h5/points")
    phone.get_by_text("积分细则").click()  # folded under the ledger and the ranking: 30-odd items
    phone.wait_for_selector("article:has-text('授课辅导')")
    card = phone.inner_text("article:has-text('授课辅导')")
    assert "9" in card and "分值由社区确定" in card, card
    assert "细则点名的方面" in phone.inner_text("article:has-text('参加应急值守')")
    assert phone.errors == [] and phone.context.outside == []


def test_every_home_tile_opens_a_page_headed_as_the_tile_said(phone, web_server):
    """A member's 接单 tile opens the orders page as 接单 (Take orders), not the residents' 我要点单; a resident's as 我要点单."""
    _register_member(phone)
    for tile in phone.locator("nav.tiles a").all_inner_texts():
        phone.get_by_role("link", name=tile, exact=True).click()
        expect(phone.locator("h1")).to_have_text(tile)
        phone.goto("/h5/")
    phone.get_by_role("button", name="退出登录").click()
    register_resident(phone)
    phone.goto("/h5/")
    for tile in phone.locator("nav.tiles a").all_inner_texts():
        if tile in ("实名认证", "随手拍", "我的反映"):  # the resident's own pages, with headings of their own
            continue
        phone.get_by_role("link", name=tile, exact=True).click()
        expect(phone.locator("h1")).to_have_text(tile)
        phone.goto("/h5/")
    assert phone.errors == [] and phone.context.outside == []
