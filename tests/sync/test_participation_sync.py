"""Participation across the desktop and the server's JSON API (issue 16), with a real server process: a service
order raised in a visit offline, taken and closed with a photo by a party member on the web, rated by the grid
worker, verified on the community's desktop — the member's points in their balance, on the web and the desk."""

from __future__ import annotations

import io
import uuid

import requests
from PIL import Image
from sqlmodel import select

from gridworker.domain.fieldwork import Photo
from gridworker.domain.models import Outbox
from gridworker.domain.participation_records import Member, ServiceOrder
from gridworker.identity import identity_of
from gridworker.services import visits
from gridworker.services.participation import members, orders
from gridworker.services.queries import points as point_queries

from .helpers import area_ids, new_household

P = "/api/v1/p"


class Phone:
    """A party member on their phone: the participation API with a bearer token, over HTTP."""

    def __init__(self, server, community_id: str, phone: str):
        self.url = server.url + P
        r = requests.post(self.url + "/auth/register", json={"role": "member", "phone": phone, "password": "secret-pass-1",
                                                            "name": "李强", "community_id": community_id}, timeout=10)
        assert r.status_code == 201, r.text
        self.token, self.id = r.json()["token"], r.json()["user"]["id"]

    def call(self, method: str, path: str, **kw):
        headers = {"Authorization": f"Bearer {self.token}", "Accept-Language": "en"} | kw.pop("headers", {})
        return requests.request(method, self.url + path, headers=headers, timeout=10, **kw)

    def ok(self, method: str, path: str, **kw):
        r = self.call(method, path, **kw)
        assert r.status_code in (200, 201), (path, r.status_code, r.text)
        return r.json()


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(out, "JPEG")
    return out.getvalue()


def test_an_order_from_a_visit_is_taken_closed_rated_verified_and_paid(server, clients):
    worker, desk = clients(server, "w1a"), clients(server, "disp")
    worker.sync_ok()
    building, household = new_household(worker, room=f"{uuid.uuid4().int % 900 + 100}")
    worker.sync_ok()
    areas = area_ids(worker)
    me = identity_of(worker.account)

    # The grid worker at the door, offline: the visit raises a service order in the same step.
    visit = visits.log_visit(worker.store, household.id, visitor_id=me.id, visitor_role="worker", outcome="met",
                             needs="独居老人家水龙头漏水，需上门维修", need_order=True, order_skill="repair")
    with worker.store.read() as s:
        order = s.exec(select(ServiceOrder).where(ServiceOrder.visit_id == visit.id)).one()
    worker.sync_ok()
    with worker.store.read() as s:
        assert not s.exec(select(Outbox).where(Outbox.state != "sent")).all(), "every change was taken"

    # A party member living in that building checks in on the web; the register places them in grid G1.
    phone = Phone(server, areas["C1"], f"139{uuid.uuid4().int % 10**8:08d}")
    got = phone.ok("PUT", "/member/checkin", json={
        "name": "李强", "phone": "13900000009", "employer": "县人民医院", "estate": building.estate, "building": building.name,
        "community_id": areas["C1"], "skills": ["repair"], "posts": []})["member"]
    assert got["area_id"] == areas["G1"] and not got["to_place"]

    # The community's desktop approves the member and publishes the order to members who repair.
    desk.sync_ok()
    staff = identity_of(desk.account)
    with desk.store.read() as s:
        assert s.get(Member, phone.id).status == "submitted"
        assert s.get(ServiceOrder, order.id).source == "visit"
    members.review(desk.store, phone.id, "approve", actor_id=staff.id, actor_role=staff.role)
    orders.act(desk.store, order.id, "publish", actor_id=staff.id, actor_role=staff.role, skill="repair", days_allowed=3)
    desk.sync_ok()

    # The member takes it on the phone and closes it with a photo and a write-up.
    listed = phone.ok("GET", "/orders")["orders"]
    assert order.id in [o["id"] for o in listed]
    assert phone.ok("POST", f"/orders/{order.id}/take")["status"] == "taken"
    photo = phone.call("POST", "/photos", data=jpeg(), headers={"Content-Type": "image/jpeg"})
    assert photo.status_code == 201, photo.text
    closed = phone.ok("POST", f"/orders/{order.id}/close", json={"write_up": "已更换阀门", "photo_ids": [photo.json()["photo_id"]]})
    assert closed["status"] == "closed"

    # The grid worker rates it for the resident; the desk verifies it, which pays the member.
    worker.sync_ok()
    with worker.store.read() as s:
        assert s.get(ServiceOrder, order.id).status == "closed"
    orders.act(worker.store, order.id, "rate", actor_id=me.id, actor_role="worker", rating=5)
    worker.sync_ok()
    desk.sync_ok()
    with desk.store.read() as s:
        local = s.get(ServiceOrder, order.id)
        assert (local.status, local.rating, local.takers, local.write_up) == ("closed", 5, [phone.id], "已更换阀门")
        assert s.exec(select(Photo).where(Photo.owner_entity == "order_event")).all()
    state = orders.act(desk.store, order.id, "verify", actor_id=staff.id, actor_role=staff.role)
    assert state.points_due_to == (phone.id,)
    desk.sync_ok()
    with desk.store.read() as s:
        refused = s.exec(select(Outbox).where(Outbox.state == "rejected")).all()
    assert not refused, [r.result for r in refused]

    assert phone.ok("GET", "/points")["balance"] == 5  # 完成服务点单
    desk.sync_ok()
    assert point_queries.ledger(desk.store, phone.id)[0] == 5
    with desk.store.read() as s:
        assert s.get(ServiceOrder, order.id).status == "verified"


def test_two_desks_redeem_the_last_piece_offline_and_the_refused_one_says_why(server, clients):
    """The same staff member on two desks (two devices), both offline: each desk finds one piece in stock and
    enough points, and records the redemption; the server takes the first and refuses the second, which that
    desk shows as refused with the server's reason — costing neither points nor stock."""
    desk_a, desk_b = clients(server, "disp"), clients(server, "disp", account="disp-laptop")
    desk_a.sync_ok()
    areas = area_ids(desk_a)
    staff = identity_of(desk_a.account)
    worker = clients(server, "w1a")
    worker.sync_ok()
    building, _household = new_household(worker, room=f"{uuid.uuid4().int % 900 + 100}")
    worker.sync_ok()
    phone = Phone(server, areas["C1"], f"138{uuid.uuid4().int % 10**8:08d}")
    phone.ok("PUT", "/member/checkin", json={
        "name": "李强", "phone": "13800000008", "employer": "区司法局", "estate": building.estate, "building": building.name,
        "community_id": areas["C1"], "skills": [], "posts": []})
    desk_a.sync_ok()
    members.review(desk_a.store, phone.id, "approve", actor_id=staff.id, actor_role=staff.role)
    from gridworker.services.participation import points, shop
    from gridworker.services.queries import shop as shop_queries

    points.manual_entry(desk_a.store, phone.id, 40, "A05.01", "义诊", verified_by=staff.id, actor_role=staff.role)
    item = shop.save_item(desk_a.store, area_id=areas["C1"], name=f"保温杯{uuid.uuid4().hex[:4]}", price=30, actor_id=staff.id, actor_role=staff.role)
    shop.restock(desk_a.store, item.id, 1, actor_id=staff.id, actor_role=staff.role)
    desk_a.sync_ok()
    desk_b.sync_ok()

    # Both desks, offline, each records one for the member: each sees 40 points and one piece.
    first = shop.request(desk_a.store, phone.id, item.id, 1, actor_id=staff.id, actor_role=staff.role)
    second = shop.request(desk_b.store, phone.id, item.id, 1, actor_id=staff.id, actor_role=staff.role)
    desk_a.sync_ok()
    desk_b.sync()  # the server refuses B's redemption: a rejected change, not an error of the sync
    desk_b.sync_ok()

    [mine] = [r for r in shop_queries.redemptions(desk_b.store, "en") if r.id == second.id]
    assert mine.status == "refused" and mine.reason and ("stock" in mine.reason or "points" in mine.reason), mine
    [zh] = [r for r in shop_queries.redemptions(desk_b.store, "zh") if r.id == second.id]
    assert zh.reason != mine.reason  # the server's own words, in each language
    # Desk B, after the pull: the first redemption holds the piece and 30 points; the refused one holds nothing.
    assert point_queries.ledger(desk_b.store, phone.id)[0] == 10
    assert [i.stock for i in shop_queries.items(desk_b.store) if i.id == item.id] == [0]
    assert [r.status for r in shop_queries.redemptions(desk_b.store, "en") if r.id == first.id] == ["requested"]
    assert phone.ok("GET", "/points")["balance"] == 10


def test_the_year_end_rating_from_an_offline_desk_and_the_members_self_assessment_meet_in_one_record(server, clients):
    """双管三评: the desk rates a member offline while the member writes their self-assessment on the phone; both
    create the same record (its id derived from member and year): after the sync each side sees both parts."""
    from datetime import datetime, timezone

    from gridworker.domain.fieldwork import local_day
    from gridworker.domain.participation.evaluation import evaluation_id
    from gridworker.domain.participation_records import Evaluation
    from gridworker.services.participation import evaluation
    from gridworker.services.queries import evaluation as evaluation_queries

    desk = clients(server, "disp")
    desk.sync_ok()
    areas = area_ids(desk)
    staff = identity_of(desk.account)
    worker = clients(server, "w1a")
    worker.sync_ok()
    building, _household = new_household(worker, room=f"{uuid.uuid4().int % 900 + 100}")
    worker.sync_ok()
    phone = Phone(server, areas["C1"], f"137{uuid.uuid4().int % 10**8:08d}")
    phone.ok("PUT", "/member/checkin", json={
        "name": "李强", "phone": "13700000007", "employer": "县人民医院", "estate": building.estate, "building": building.name,
        "community_id": areas["C1"], "skills": [], "posts": []})
    desk.sync_ok()
    members.review(desk.store, phone.id, "approve", actor_id=staff.id, actor_role=staff.role)
    desk.sync_ok()

    year = local_day(datetime.now(timezone.utc)).year
    evaluation.rate(desk.store, phone.id, year, "qualified", "按时报到", actor_id=staff.id, actor_role=staff.role)  # offline
    assert phone.ok("PUT", f"/evaluations/{year}", json={"self_assessment": "参加活动八次。"})["grade"] is None
    desk.sync_ok()
    with desk.store.read() as s:
        refused = s.exec(select(Outbox).where(Outbox.state == "rejected")).all()
        both = s.get(Evaluation, evaluation_id(phone.id, year))
    assert not refused, [r.result for r in refused]
    assert (both.self_assessment, both.grade, both.grade_note, both.rated_by) == ("参加活动八次。", "qualified", "按时报到", staff.id)
    [row] = [r for r in evaluation_queries.evaluation(desk.store, year) if r.member_id == phone.id]
    assert (row.self_assessment, row.grade) == ("参加活动八次。", "qualified")
    mine = [e for e in phone.ok("GET", "/evaluations")["evaluations"] if e["year"] == year]
    assert [(e["self_assessment"], e["grade"], e["grade_name"]) for e in mine] == [("参加活动八次。", "qualified", "Qualified")]
