"""Participation services on the real store (issue 16): check-in review, orders through to points, the ledger,
the shop at the desk — each refused action with the rule's words, each accepted one in the outbox."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlmodel import select

from gridworker.domain.errors import Refused, ValidationError
from gridworker.domain.models import Area, Building, Household, Outbox, Person
from gridworker.domain.participation.common import Refusal
from gridworker.domain.participation_records import LedgerEntry, Member, Redemption, ServiceOrder
from gridworker.services.base import transaction
from gridworker.services.participation import members, orders, points, shop
from gridworker.services.queries import members as member_queries
from gridworker.services.queries import orders as order_queries
from gridworker.services.queries import points as point_queries
from gridworker.services.queries import shop as shop_queries

STAFF = ("staff-1", "dispatcher")
WORKER = ("worker-1", "worker")
M1, M2 = "member-0001", "member-0002"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)  # a Monday


def form(name="李明", building="3幢", **kw):
    return {"name": name, "phone": "13800138000", "employer": "县人民医院", "estate": "幸福小区", "building": building,
            "skills": ["medical"], "posts": []} | kw


@pytest.fixture
def places(store):
    with store.write() as s:
        s.add(Area(id="community", code="c", name="幸福社区", level="community"))
        s.add(Area(id="grid-1", parent_id="community", code="g1", name="第一网格", level="grid"))
        s.add(Area(id="grid-2", parent_id="community", code="g2", name="第二网格", level="grid"))
        s.add(Building(id="b3", area_id="grid-1", estate="幸福小区", name="3幢"))
        s.add(Household(id="h1", area_id="grid-1", building_id="b3", unit="1", room="101"))
        s.add(Person(id="p1", area_id="grid-1", household_id="h1", name="王奶奶"))
    return store


def approved(store, member_id, name="李明", building="3幢", team=None, at=T0):
    members.submit(store, form(name, building), member_id=member_id, community_id="community", at=at)
    if building != "3幢":
        members.review(store, member_id, "place", actor_id=STAFF[0], actor_role=STAFF[1], grid_id="grid-2", at=at)
    members.review(store, member_id, "approve", actor_id=STAFF[0], actor_role=STAFF[1], team=team, at=at)


def test_a_checkin_is_placed_by_the_register_or_by_hand_and_approved(places):
    members.submit(places, form(), member_id=M1, community_id="community", at=T0)
    members.submit(places, form("王芳", "99幢"), member_id=M2, community_id="community", at=T0)
    assert [r.name for r in member_queries.members(places, "to_place")] == ["王芳"]
    first = member_queries.members(places, "submitted")
    assert {r.id: r.grid_id for r in first} == {M1: "grid-1", M2: None}  # 3幢 is in grid-1 in the register

    with pytest.raises(Refusal) as refused:
        members.review(places, M2, "approve", actor_id=STAFF[0], actor_role=STAFF[1])
    assert refused.value.code == "not_placed" and refused.value.zh == "请先将党员划入网格"
    members.review(places, M2, "place", actor_id=STAFF[0], actor_role=STAFF[1], grid_id="grid-2")
    members.review(places, M2, "approve", actor_id=STAFF[0], actor_role=STAFF[1], team="医疗服务队")
    with pytest.raises(Refusal) as refused:
        members.review(places, M1, "return", actor_id=STAFF[0], actor_role=STAFF[1], reason=" ")
    assert refused.value.code == "reason_required"
    members.review(places, M1, "return", actor_id=STAFF[0], actor_role=STAFF[1], reason="单位名称不全")
    rows = {r.id: r for r in member_queries.members(places)}
    assert rows[M2].status == "approved" and rows[M2].grid_name == "第二网格" and rows[M2].team == "医疗服务队"
    assert rows[M1].status == "returned" and rows[M1].return_reason == "单位名称不全"
    with places.read() as s:
        pushed = [o.fields for o in s.exec(select(Outbox).where(Outbox.entity == "member", Outbox.record_id == M2))]
        assert {"area_id": "grid-2"} in pushed  # placed by hand
        assert any(f.get("status") == "approved" and f.get("team") == "医疗服务队" for f in pushed)
        assert not any("to_place" in f or "reviewed_by" in f for f in pushed)  # the server's, never pushed
        assert s.get(Member, M2).area_id == "grid-2"


def test_a_building_of_a_micro_grid_places_the_member_in_the_grid_above(places):
    with places.write() as s:
        s.add(Area(id="micro-1", parent_id="grid-2", code="m1", name="第二网格第1微网格", level="microgrid"))
        s.add(Building(id="b7", area_id="micro-1", estate="幸福小区", name="7幢"))
    members.submit(places, form(building="7幢"), member_id=M1, community_id="community", at=T0)
    with places.read() as s:
        member = s.get(Member, M1)
    assert (member.area_id, member.to_place, member.building_id) == ("grid-2", False, "b7")
    with pytest.raises(ValidationError) as bad:  # the server approves no one placed outside a grid
        members.review(places, M1, "place", actor_id=STAFF[0], actor_role=STAFF[1], grid_id="micro-1")
    assert bad.value.code == "not_a_grid"


def test_a_member_cannot_be_given_an_unknown_skill_or_four_posts(places):
    approved(places, M1)
    with pytest.raises(ValidationError) as bad:
        members.set_profile(places, M1, skills=["juggling"], posts=[], team=None, actor_id=STAFF[0], actor_role=STAFF[1])
    assert bad.value.field == "skills"
    with pytest.raises(ValidationError) as bad:
        members.set_profile(places, M1, skills=[], posts=["tn_sentiment", "tn_party", "tn_policy", "tn_mediation"], team=None, actor_id=STAFF[0], actor_role=STAFF[1])
    assert bad.value.field == "posts"


def test_an_order_raised_published_taken_closed_rated_verified_pays_its_taker_once(places):
    approved(places, M1)
    order = orders.raise_order(places, actor_id=WORKER[0], actor_role=WORKER[1], need="王奶奶家水管漏水", person_id="p1",
                               skill="repair", at=T0)
    assert order.source == "visit" and order.status == "raised"
    orders.act(places, order.id, "publish", actor_id=STAFF[0], actor_role=STAFF[1], days_allowed=2, at=T0)
    with pytest.raises(Refusal) as refused:  # the member's skills are medical, not repair
        orders.act(places, order.id, "take", actor_id=M1, actor_role="member", at=T0)
    assert refused.value.code == "skill_missing"
    orders.act(places, order.id, "assign", actor_id=STAFF[0], actor_role=STAFF[1], member_ids=[M1], at=T0)
    orders.act(places, order.id, "take", actor_id=M1, actor_role="member", at=T0 + timedelta(hours=1))
    orders.act(places, order.id, "close", actor_id=M1, actor_role="member", note="已更换阀门", photo_ids=["p1"],
               at=T0 + timedelta(days=1))
    with pytest.raises(Refusal) as refused:
        orders.act(places, order.id, "verify", actor_id=STAFF[0], actor_role=STAFF[1])
    assert refused.value.code == "not_rated"
    orders.act(places, order.id, "rate", actor_id=WORKER[0], actor_role=WORKER[1], rating=5)
    state = orders.act(places, order.id, "verify", actor_id=STAFF[0], actor_role=STAFF[1])
    assert state.status == "verified" and state.on_time
    balance, history = point_queries.ledger(places, M1)
    assert balance == 5 and [(h.source_kind, h.rule_item) for h in history] == [("order", "A09.01")]
    with pytest.raises(Refusal) as refused:  # a second desk's award of the same work
        with transaction(places) as tx:
            points.award(tx, "order", order.id, M1, "A09.01", 5, verified_by="staff-2", at=T0 + timedelta(days=3))
    assert refused.value.code == "already_awarded"
    assert [r.status for r in order_queries.orders(places, "done")] == ["verified"]


def test_an_order_not_taken_in_its_working_days_is_overdue_on_the_board(places):
    order = orders.raise_order(places, actor_id=STAFF[0], actor_role=STAFF[1], need="帮忙代购药品", household_id="h1", at=T0)
    orders.act(places, order.id, "publish", actor_id=STAFF[0], actor_role=STAFF[1], days_allowed=1, at=T0)
    # Friday: one working day from Monday 09:00 is Tuesday 09:00.
    assert [r.id for r in order_queries.orders(places, "overdue", now=T0 + timedelta(days=4))] == [order.id]
    assert order_queries.orders(places, "overdue", now=T0 + timedelta(hours=20)) == []


def test_manual_points_reversal_and_no_balance_below_zero(places):
    approved(places, M1)
    with pytest.raises(ValidationError):
        points.manual_entry(places, M1, 5, "", "组织义诊", verified_by=STAFF[0], actor_role=STAFF[1])
    entry = points.manual_entry(places, M1, 5, "A05.01", "组织义诊", verified_by=STAFF[0], actor_role=STAFF[1], at=T0)
    with pytest.raises(Refusal) as refused:
        points.manual_entry(places, M1, -8, "A17.02", "扣分", verified_by=STAFF[0], actor_role=STAFF[1], at=T0 + timedelta(hours=1))
    assert refused.value.code == "not_enough_points"
    points.reverse(places, entry.id, "记错人", verified_by=STAFF[0], actor_role=STAFF[1])
    with pytest.raises(Refusal) as refused:
        points.reverse(places, entry.id, "再冲一次", verified_by=STAFF[0], actor_role=STAFF[1])
    assert refused.value.code == "already_reversed"
    assert point_queries.ledger(places, M1)[0] == 0
    with places.read() as s:
        assert s.exec(select(Outbox).where(Outbox.entity == "ledger_entry")).all().__len__() == 2


def test_rankings_by_community_grid_team_and_period(places):
    approved(places, M1, team="红色服务队")
    approved(places, M2, "王芳", "99幢", team="红色服务队")
    points.manual_entry(places, M1, 5, "A05.01", "义诊", verified_by=STAFF[0], actor_role=STAFF[1], at=T0)
    points.manual_entry(places, M2, 8, "A07.02", "调解", verified_by=STAFF[0], actor_role=STAFF[1], at=T0 + timedelta(days=40))
    board = point_queries.board(places, "community")
    assert [(r.rank, r.name, r.group, r.points) for r in board] == [(1, "王芳", "幸福社区", 8), (2, "李明", "幸福社区", 5)]
    march = point_queries.board(places, "grid", (date(2026, 3, 1), date(2026, 3, 31)))
    assert {(r.name, r.group, r.points) for r in march} == {("李明", "第一网格", 5), ("王芳", "第二网格", 0)}
    teams = point_queries.board(places, "team", groups=True)
    assert [(r.name, r.points) for r in teams] == [("红色服务队", 13)]


def test_a_desk_redemption_is_decided_here_first_and_stock_and_balance_follow(places):
    approved(places, M1)
    points.manual_entry(places, M1, 30, "A05.01", "义诊", verified_by=STAFF[0], actor_role=STAFF[1], at=T0)
    item = shop.save_item(places, area_id="community", name="洗衣液", price=20, actor_id=STAFF[0], actor_role=STAFF[1])
    with pytest.raises(Refusal) as refused:
        shop.request(places, M1, item.id, 1, actor_id=STAFF[0], actor_role=STAFF[1])
    assert refused.value.code == "out_of_stock"
    shop.restock(places, item.id, 2, actor_id=STAFF[0], actor_role=STAFF[1])
    first = shop.request(places, M1, item.id, 1, actor_id=STAFF[0], actor_role=STAFF[1])
    assert point_queries.ledger(places, M1)[0] == 10
    assert [i.stock for i in shop_queries.items(places)] == [1]
    with pytest.raises(Refusal) as refused:
        shop.request(places, M1, item.id, 1, actor_id=STAFF[0], actor_role=STAFF[1])
    assert refused.value.code == "not_enough_points" and "需要20分，现有10分" in refused.value.zh
    shop.cancel(places, first.id, "会员改选其他商品", actor_id=STAFF[0], actor_role=STAFF[1])
    assert point_queries.ledger(places, M1)[0] == 30 and [i.stock for i in shop_queries.items(places)] == [2]
    second = shop.request(places, M1, item.id, 1, actor_id=STAFF[0], actor_role=STAFF[1])
    shop.hand_over(places, second.id, actor_id=STAFF[0], actor_role=STAFF[1])
    with pytest.raises(Refused):
        shop.hand_over(places, second.id, actor_id=STAFF[0], actor_role=STAFF[1])
    rows = shop_queries.redemptions(places)
    assert sorted(r.status for r in rows) == ["cancelled", "handed_over"]


def test_a_redemption_the_server_refused_shows_as_refused_with_its_reason_and_costs_nothing(places):
    approved(places, M1)
    points.manual_entry(places, M1, 30, "A05.01", "义诊", verified_by=STAFF[0], actor_role=STAFF[1], at=T0)
    item = shop.save_item(places, area_id="community", name="洗衣液", price=20, actor_id=STAFF[0], actor_role=STAFF[1])
    shop.restock(places, item.id, 1, actor_id=STAFF[0], actor_role=STAFF[1])
    made = shop.request(places, M1, item.id, 1, actor_id=STAFF[0], actor_role=STAFF[1])
    with places.write() as s:  # what the sync engine records when the server refuses the push
        row = s.exec(select(Outbox).where(Outbox.entity == "redemption", Outbox.record_id == made.id)).one()
        row.state = "rejected"
        row.result = {"error": {"code": "out_of_stock", "message_zh": "“洗衣液”已兑完", "message_en": "'洗衣液' is out of stock"}}
        s.add(row)
    [refused] = shop_queries.redemptions(places, "zh")
    assert refused.status == "refused" and refused.reason == "“洗衣液”已兑完"
    assert shop_queries.redemptions(places, "en")[0].reason == "'洗衣液' is out of stock"
    assert point_queries.ledger(places, M1)[0] == 30 and shop_queries.items(places)[0].stock == 1


def test_an_activity_published_attendance_ticked_code_opened_minutes_and_points_once(places):
    from gridworker.services.participation import activities

    approved(places, M1)
    approved(places, M2, "王芳", "99幢")
    start = T0 + timedelta(days=3)
    with pytest.raises(Refusal) as refused:
        activities.publish(places, area_id="community", actor_id=STAFF[0], actor_role=STAFF[1], title="议事会", kind="deliberation",
                           place="", starts_at=start, ends_at=start + timedelta(hours=2), at=T0)
    assert refused.value.code == "place_required"
    meeting = activities.publish(places, area_id="community", actor_id=STAFF[0], actor_role=STAFF[1], title="小区停车议事会",
                                 kind="deliberation", place="社区会议室", starts_at=start, ends_at=start + timedelta(hours=2),
                                 capacity=30, points=3, rule_item="A12.01", at=T0)
    with pytest.raises(Refusal) as refused:  # too early to tick anyone
        activities.act(places, meeting.id, "mark_attended", actor_id=STAFF[0], actor_role=STAFF[1], member_ids=[M1], at=T0)
    assert refused.value.code == "not_started"
    during = start + timedelta(minutes=10)
    state = activities.act(places, meeting.id, "open_checkin", actor_id=STAFF[0], actor_role=STAFF[1], at=during)
    assert len(state.checkin_code) == 6 and state.checkin_code.isdigit()
    assert activities.code_of(places, meeting.id) == state.checkin_code
    activities.act(places, meeting.id, "mark_attended", actor_id=STAFF[0], actor_role=STAFF[1], member_ids=[M1, M2],
                   at=during + timedelta(minutes=1))
    activities.act(places, meeting.id, "record_minutes", actor_id=STAFF[0], actor_role=STAFF[1], minutes="讨论停车位划线",
                   decisions=["东门增设20个车位"], at=during + timedelta(hours=1))
    assert activities.award_attendance(places, meeting.id, verified_by=STAFF[0], actor_role=STAFF[1], at=during + timedelta(hours=2)) == 2
    assert activities.award_attendance(places, meeting.id, verified_by=STAFF[0], actor_role=STAFF[1], at=during + timedelta(hours=3)) == 0
    assert point_queries.ledger(places, M1)[0] == 3
    with places.read() as s:
        pushed = [o.fields for o in s.exec(select(Outbox).where(Outbox.entity == "activity_event").order_by(Outbox.seq))]
    assert [f["action"] for f in pushed] == ["publish", "open_checkin", "mark_attended", "record_minutes"]
    assert pushed[1]["code"] == state.checkin_code and "code" not in pushed[2]


def test_an_order_a_resident_raised_on_the_web_names_them_on_the_board(places):
    """Pulled as the server sends it: the order names the resident's web account, not a register person."""
    from gridworker.domain.participation_records import Resident

    with places.write() as s:
        s.add(Resident(id="resident-1", area_id="community", name="赵阿姨", phone="13900000001", version=3))
        s.add(ServiceOrder(id="order-web", area_id="grid-1", title="修水龙头", need="厨房水龙头漏水", resident_id="resident-1",
                           raised_at=T0, status="raised", source="resident", raised_by="resident-1", version=2))
    [row] = order_queries.orders(places, "to_publish")
    assert (row.id, row.resident, row.source) == ("order-web", "赵阿姨", "resident")


def test_the_servers_point_rules_are_the_ones_in_force_once_pulled(places):
    """Until the server sends its rules the shipped table holds; then only the server's items are accepted."""
    from gridworker.domain.participation_records import PointRule
    from gridworker.services.rule_items import rule_choices

    approved(places, M1)
    points.manual_entry(places, M1, 5, "A05.01", "义诊", verified_by=STAFF[0], actor_role=STAFF[1], at=T0)  # shipped item
    with places.write() as s:  # what a pull of the server's imported rules writes
        s.add(PointRule(id="11111111-0000-4000-8000-000000000001", code="Z01.01", name="参加夜间巡逻", name_en="Night patrol",
                        area_code="Z01", area_name="平安建设", area_name_en="Safety", points=6, version=1))
    assert rule_choices(places, "zh") == [("Z01.01", "平安建设 · 参加夜间巡逻（6）", 6)]
    with pytest.raises(ValidationError) as bad:
        points.manual_entry(places, M1, 5, "A05.01", "义诊", verified_by=STAFF[0], actor_role=STAFF[1], at=T0 + timedelta(hours=1))
    assert bad.value.field == "rule_item"
    points.manual_entry(places, M1, 6, "Z01.01", "夜间巡逻", verified_by=STAFF[0], actor_role=STAFF[1], at=T0 + timedelta(hours=2))
    _balance, history = point_queries.ledger(places, M1)
    assert [(h.rule_name, h.rule_name_en) for h in history][0] == ("参加夜间巡逻", "Night patrol")


def test_staff_only_work_is_refused_to_a_grid_worker_before_anything_is_written(places):
    """Members' profiles, manual points and reversals, the shop's items and stock, notices, answers and an
    activity's points are staff's (the server takes them from staff only): a grid worker is refused here, offline."""
    from gridworker.services.participation import activities, notices

    approved(places, M1)
    entry = points.manual_entry(places, M1, 5, "A05.01", "义诊", verified_by=STAFF[0], actor_role=STAFF[1], at=T0)
    item = shop.save_item(places, area_id="community", name="洗衣液", price=20, actor_id=STAFF[0], actor_role=STAFF[1])
    start = T0 + timedelta(days=3)
    meeting = activities.publish(places, area_id="community", actor_id=STAFF[0], actor_role=STAFF[1], title="议事会",
                                 kind="deliberation", place="会议室", starts_at=start, ends_at=start + timedelta(hours=2), at=T0)
    with places.write() as s:
        from gridworker.domain.participation_records import Opinion

        s.add(Opinion(id="op-1", area_id="community", content="路灯坏了", submitted_at=T0))
    who = {"actor_id": WORKER[0], "actor_role": WORKER[1]}
    attempts = {
        "change a member's skills, posts and team": lambda: members.set_profile(places, M1, skills=[], posts=[], team="队", **who),
        "record points": lambda: points.manual_entry(places, M1, 5, "A05.01", "义诊", verified_by=WORKER[0], actor_role=WORKER[1]),
        "reverse a points entry": lambda: points.reverse(places, entry.id, "记错", verified_by=WORKER[0], actor_role=WORKER[1]),
        "change the points shop": lambda: shop.save_item(places, area_id="community", name="米", price=5, **who),
        "add stock": lambda: shop.restock(places, item.id, 3, **who),
        "publish a notice": lambda: notices.publish_notice(places, area_id="community", title="通知", body="停水", **who),
        "answer an opinion": lambda: notices.answer_opinion(places, "op-1", "已修复", **who),
        "close an opinion": lambda: notices.close_opinion(places, "op-1", **who),
        "award an activity's points": lambda: activities.award_attendance(places, meeting.id, verified_by=WORKER[0],
                                                                         actor_role=WORKER[1]),
    }
    with places.read() as s:
        queued = len(s.exec(select(Outbox)).all())
    for verb, attempt in attempts.items():
        with pytest.raises(Refusal) as refused:
            attempt()
        assert refused.value.code == "role_not_allowed" and refused.value.en == f"A grid worker cannot {verb}", verb
    with places.read() as s:
        assert len(s.exec(select(Outbox)).all()) == queued


def test_a_redemption_handed_over_before_the_server_settled_it_still_counts_in_balance_and_stock(places):
    """The member is at the desk: redeemed and handed over at once, offline. Until the server's spending entry
    and stock come back, the points and the piece are still gone here (not given back by the hand-over)."""
    approved(places, M1)
    points.manual_entry(places, M1, 30, "A05.01", "义诊", verified_by=STAFF[0], actor_role=STAFF[1], at=T0)
    item = shop.save_item(places, area_id="community", name="洗衣液", price=20, actor_id=STAFF[0], actor_role=STAFF[1])
    shop.restock(places, item.id, 1, actor_id=STAFF[0], actor_role=STAFF[1])
    made = shop.request(places, M1, item.id, 1, actor_id=STAFF[0], actor_role=STAFF[1])
    shop.hand_over(places, made.id, actor_id=STAFF[0], actor_role=STAFF[1])
    assert point_queries.ledger(places, M1)[0] == 10
    assert [i.stock for i in shop_queries.items(places)] == [0]
    assert next(r.balance for r in member_queries.members(places) if r.id == M1) == 10
    with pytest.raises(Refusal) as refused:  # the piece is gone: a second one is refused here, not by the server later
        shop.request(places, M1, item.id, 1, actor_id=STAFF[0], actor_role=STAFF[1])
    assert refused.value.code == "out_of_stock"
