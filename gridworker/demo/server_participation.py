"""The server demo's participation (issues 16 and 17): phone accounts and their work, so that `make run` shows
the phone pages (/h5) and the desktop's 参与 tabs with content.

Members check in, staff approve them; residents register (one confirmed by staff as a person of the register
in a special group, one waiting); posts are claimed; orders stand in each state; activities have sign-ups
(one held, with attendance and points, one to come); wishes, notices, opinions, a year of points and a shop
with stock and a redemption. Every record goes through the server's own push (server/sync/push.apply_push) as
the user who would write it — the rules decide, as for a real phone or desk — in the seed's transaction.

Phone accounts (password DEMO_PHONE_PASSWORD): members DEMO_MEMBER_PHONES, residents DEMO_RESIDENT_PHONES
(README, docs/user-guide.md). Imports gridworker.domain and gridworker.server only (demo/seed.py).
"""

from __future__ import annotations

import json
import random
import time
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ..domain import hlc
from ..domain.enums import SPECIAL_GROUP_TAGS
from ..domain.participation import tables as rule_tables
from ..server.core.auth import User, user_from_row
from ..server.core.schema import records, users
from ..server.sync.incidents import CalendarCache
from ..server.sync.push import Mutation, PushRun, apply_push
from ..server.sync.scope import ALL, Scope, area_tree, closure
from ..server.web import residents as web_accounts

DEMO_PHONE_PASSWORD = "demo1234"
DEMO_MEMBER_PHONES = tuple(f"1380000{n:04d}" for n in range(1, 9))  # 13800000001 … 13800000008
DEMO_RESIDENT_PHONES = ("13900000001", "13900000002")  # confirmed (special group), waiting
MEMBERS = (  # name, employer, skills, posts (潼南's six), team
    ("李强", "区人民医院", ["medical"], ["info_collector", "service_helper"], "医疗志愿服务队"),
    ("赵敏", "区司法局", ["legal"], ["mediator"], "法治宣传服务队"),
    ("孙浩", "市第二中学", ["education"], ["policy_promoter"], "红色先锋服务队"),
    ("周磊", "国网杭州供电公司", ["repair", "appliance_repair"], ["service_helper"], "红色先锋服务队"),
    ("吴静", "区市场监管局", ["psychology"], ["volunteer_supervisor"], None),
    ("郑杰", "区税务局", ["repair"], ["party_guide"], None),
    ("王芳", "区教育局", ["education"], [], None),
    ("冯涛", "区城管局", ["repair"], [], None),  # waits for the community's review
)
RESIDENTS = ("陈秀英", "林建国")
ITEMS = (("洗衣液", 30, 40), ("大米（5公斤）", 60, 25), ("食用油", 50, 20), ("保温杯", 80, 10), ("雨伞", 40, 0))
ORDERS = (  # need, skill, how far it went
    ("独居老人家中水龙头漏水，需上门维修", "repair", "verify"), ("想咨询遗产继承的法律问题", "legal", "rate"),
    ("老人行动不便，需要定期上门量血压", "medical", "close"), ("孩子初三数学跟不上，希望有人辅导", "education", "take"),
    ("楼道灯不亮，老人晚上出行不便", "repair", "publish"), ("帮忙代办医保报销手续", None, "raise"),
)


class Seeder:
    """Pushes as the demo's users, in the seed's transaction; a refusal is a bug of the seed: it stops it."""

    def __init__(self, conn: Connection, rng: random.Random):
        self.conn, self.rng = conn, rng
        self.calendars = CalendarCache()
        self.now = datetime.now(timezone.utc)
        self._n = 0

    def user(self, username: str) -> User:
        return user_from_row(self.conn.execute(select(users).where(users.c.username == username)).first())

    def push(self, user: User, entity: str, fields: dict[str, Any], record_id: str | None = None) -> str:
        record_id = record_id or str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        self._n += 1
        device = "demo-seed-" + user.id
        stamp = str(hlc.Hlc(int(time.time() * 1000), self._n % 60000, device))
        run = PushRun(self.conn, user, Scope(0, user.id, ALL, frozenset()), device, self.calendars, "en")
        result = apply_push(run, [Mutation(str(uuid.uuid4()), entity, record_id, "upsert", None, fields, stamp)])[0]
        if result["status"] == "rejected":
            raise RuntimeError(f"demo seed: {entity} refused: {result['error']}")
        return record_id

    def photo(self) -> str:
        """A photo id for a close or a fulfilment (the demo has no picture behind it: the desktop says so)."""
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def at(self, days: float, hour: int | None = None) -> str:
        """Now plus `days` (in order, as events must be); on the hour `hour` of that day if given."""
        moment = (self.now + timedelta(days=days)).replace(microsecond=0)
        return (moment.replace(hour=hour, minute=0, second=0) if hour is not None else moment).isoformat()


def _areas(conn: Connection, community_code: str) -> tuple[str, dict[str, dict]]:
    areas = {rid: json.loads(data) for rid, data in conn.execute(
        select(records.c.id, records.c.data).where(records.c.entity == "area", records.c.deleted.is_(False)))}  # fmt: skip
    community = next(rid for rid, a in areas.items() if a.get("code") == community_code and a.get("level") == "community")
    return community, areas


def _rows(conn: Connection, entity: str, area_ids: list[str], limit: int) -> list[tuple[str, str, dict]]:
    q = (select(records.c.id, records.c.area_id, records.c.data)
         .where(records.c.entity == entity, records.c.deleted.is_(False), records.c.area_id.in_(area_ids))
         .order_by(records.c.id).limit(limit))  # fmt: skip
    return [(rid, area, json.loads(data)) for rid, area, data in conn.execute(q)]


def seed_participation(conn: Connection, community_code: str, *, seed: int = 16) -> dict[str, int]:
    """The participation of the demo community (DEMO_* phones); counts by entity."""
    s = Seeder(conn, random.Random(seed))
    community_id, areas = _areas(conn, community_code)
    tree = area_tree(conn)
    below = sorted(closure([community_id], tree))
    parent = {child: p for p, kids in tree.items() for child in kids}

    def grid_of(area_id: str | None) -> str | None:  # buildings may stand in a microgrid below their grid
        while area_id is not None and areas.get(area_id, {}).get("level") != "grid":
            area_id = parent.get(area_id)
        return area_id

    staff = s.user("demo_dispatcher")
    community = web_accounts.community_by_id(conn, community_id)
    buildings = [(b, grid_of(a), d) for b, a, d in _rows(conn, "building", below, 200) if d.get("estate") and grid_of(a)]
    people = [p for p in _rows(conn, "person", below, 3000) if p[2].get("status") in (None, "active")]
    members = _members(s, staff, community, buildings)
    _residents(s, staff, community, people)
    counts = {"member": len(members), "resident": len(RESIDENTS)}
    counts["ledger_entry"] = _history(s, staff, members)
    counts["service_order"] = _orders(s, staff, members, people)
    counts["activity"] = _activities(s, staff, community_id, members)
    counts["wish"] = _wishes(s, staff, members, people)
    counts["notice"], counts["opinion"] = _notices(s, staff, community_id, members)
    counts["shop_item"], counts["redemption"] = _shop(s, staff, community_id, members)
    return counts


def _members(s: Seeder, staff: User, community, buildings) -> list[User]:
    """Members who signed up on the phone pages and checked in to a building; staff approved all but the last."""
    approved = []
    for n, (name, employer, skills, posts, team) in enumerate(MEMBERS):
        phone = DEMO_MEMBER_PHONES[n]
        user_id = web_accounts.register(s.conn, community, name, phone, DEMO_PHONE_PASSWORD, web_accounts.MEMBER)
        member = s.user(phone)
        _bid, grid, building = buildings[(n * 7) % len(buildings)]
        s.push(member, "member", {
            "area_id": grid, "name": name, "phone": phone, "employer": employer, "estate": building["estate"],
            "building": building["name"], "skills": skills, "posts": posts, "team": team, "status": "submitted",
            "submitted_at": s.at(-300 + n * 5),
        }, user_id)  # fmt: skip
        if n < len(MEMBERS) - 1:
            s.push(staff, "member", {"status": "approved", "team": team}, user_id)
            approved.append(member)
    return approved


def _residents(s: Seeder, staff: User, community, people) -> None:
    """One resident confirmed by staff as a person of the register in a special group (micro-wishes), one waiting."""
    special = next((p for p in people if set(p[2].get("tags") or ()) & (SPECIAL_GROUP_TAGS - {"key_person"})), people[0])
    for n, name in enumerate(RESIDENTS):
        user_id = web_accounts.register(s.conn, community, name, DEMO_RESIDENT_PHONES[n], DEMO_PHONE_PASSWORD)
        if n == 0:
            s.push(staff, "resident", {"confirmed": True, "confirm_person_id": special[0]}, user_id)


def _history(s: Seeder, staff: User, members: list[User]) -> int:
    """A year of manual awards by the rules' items, for the rankings and the shop."""
    items = [item for area in rule_tables.rule_areas() for item in area.items]
    made = 0
    for member in members:
        for _ in range(s.rng.randint(5, 12)):
            item = s.rng.choice(items)
            s.push(staff, "ledger_entry", {"member_id": member.id, "points": item.points, "source_kind": "manual",
                                           "rule_item": item.code, "note": item.name, "at": s.at(-s.rng.randint(5, 360))})  # fmt: skip
            made += 1
    return made


def _event(s: Seeder, user: User, entity: str, parent_field: str, parent_id: str, action: str, days: float, **fields) -> None:
    s.push(user, entity, {parent_field: parent_id, "action": action, "at": s.at(days)} | fields)


def _orders(s: Seeder, staff: User, members: list[User], people) -> int:
    steps = ("raise", "publish", "take", "close", "rate", "verify")
    for n, (need, skill, last) in enumerate(ORDERS):
        person_id, area_id, person = people[(n * 13) % len(people)]
        day = -20 + n * 3
        order_id = s.push(staff, "service_order", {"area_id": area_id, "title": need[:40], "need": need, "person_id": person_id,
                                                   "household_id": person.get("household_id"), "raised_at": s.at(day),
                                                   "rule_item": "A09.01", "points": 5})  # fmt: skip
        ev = {"note": need, "resident_id": person_id} | ({"skill": skill} if skill else {})
        _event(s, staff, "order_event", "order_id", order_id, "raise", day, **ev)
        taker = next((m for m, row in zip(members, MEMBERS, strict=False) if skill in row[2]), members[0])
        for step in steps[1: steps.index(last) + 1]:
            if step == "publish":
                _event(s, staff, "order_event", "order_id", order_id, "publish", day + 0.1, days_allowed=5)
            elif step == "take":
                _event(s, taker, "order_event", "order_id", order_id, "take", day + 0.2)
            elif step == "close":
                _event(s, taker, "order_event", "order_id", order_id, "close", day + 1, note="已上门处理完毕，居民满意",
                       photo_ids=[s.photo()])
            elif step == "rate":
                _event(s, staff, "order_event", "order_id", order_id, "rate", day + 1.2, rating=5, comment="服务很周到")
            else:
                _event(s, staff, "order_event", "order_id", order_id, "verify", day + 2)
                s.push(staff, "ledger_entry", {"member_id": taker.id, "points": 5, "source_kind": "order", "source_id": order_id,
                                               "rule_item": "A09.01", "at": s.at(day + 2)})  # fmt: skip
    return len(ORDERS)


def _activities(s: Seeder, staff: User, community_id: str, members: list[User]) -> int:
    """One held (sign-ups, attendance, points paid), one deliberation held with minutes, one to come with sign-ups."""
    made = 0
    for title, kind, place, days, item in (("清理楼道堆物志愿服务", "volunteering", "各小区楼道", -10, "A13.01"),
                                           ("小区停车难议事会", "deliberation", "社区二楼会议室", -4, "A12.01"),
                                           ("重阳节敬老文艺演出", "culture_sports", "社区活动中心", 6, "A04.01")):
        start = s.at(days)
        end = (datetime.fromisoformat(start) + timedelta(hours=2)).isoformat()
        points = 3
        activity_id = s.push(staff, "activity", {"area_id": community_id, "title": title, "kind": kind, "place": place,
                                                 "starts_at": start, "ends_at": end, "signup_deadline": start, "capacity": 30,
                                                 "points": points, "rule_item": item})  # fmt: skip
        _event(s, staff, "activity_event", "activity_id", activity_id, "publish", days - 7)
        made += 1
        going = members[: 4 + made]
        for member in going:
            _event(s, member, "activity_event", "activity_id", activity_id, "sign_up", days - 5)
        if days > 0:
            continue
        ids = [m.id for m in going[:-1]]
        _event(s, staff, "activity_event", "activity_id", activity_id, "mark_attended", days + 0.01, member_ids=ids)
        if kind == "deliberation":
            _event(s, staff, "activity_event", "activity_id", activity_id, "record_minutes", days + 0.05,
                   minutes="居民代表、物业和党员共同商议停车位划线方案。", decisions=["东门增设20个临时车位"])
        for member_id in ids:
            s.push(staff, "ledger_entry", {"member_id": member_id, "points": points, "source_kind": "activity",
                                           "source_id": activity_id, "rule_item": item, "at": s.at(days + 0.2)})  # fmt: skip
    return made


def _wishes(s: Seeder, staff: User, members: list[User], people) -> int:
    """Wishes published, claimed, fulfilled and confirmed (points)."""
    texts = ("想要一个新书包", "希望有人陪老人去医院复查", "家里的旧电扇坏了，想修一修")
    for n, text in enumerate(texts):
        person_id, area_id, person = people[(n * 17 + 5) % len(people)]
        day = -12 + n * 3
        wish_id = s.push(staff, "wish", {"area_id": area_id, "wish": text, "person_id": person_id,
                                         "household_id": person.get("household_id"), "raised_at": s.at(day),
                                         "rule_item": "A10.02", "points": 5})  # fmt: skip
        _event(s, staff, "wish_event", "wish_id", wish_id, "publish", day)
        if n == 0:
            continue
        member = members[n]
        _event(s, member, "wish_event", "wish_id", wish_id, "claim", day + 0.1)
        if n == 2:
            _event(s, member, "wish_event", "wish_id", wish_id, "fulfil", day + 1, note="已送到居民手中", photo_ids=[s.photo()])
            _event(s, staff, "wish_event", "wish_id", wish_id, "confirm", day + 1.5)
            s.push(staff, "ledger_entry", {"member_id": member.id, "points": 5, "source_kind": "wish", "source_id": wish_id,
                                           "rule_item": "A10.02", "at": s.at(day + 1.5)})  # fmt: skip
    return len(texts)


def _notices(s: Seeder, staff: User, community_id: str, members: list[User]) -> tuple[int, int]:
    for days, title, body in ((-8, "关于开展消防安全检查的通知", "本周六上午社区将对各楼道开展消防安全检查，请清理楼道堆物。"),
                              (-1, "重阳节敬老活动报名", "社区将于下周举办重阳节敬老文艺演出，欢迎党员志愿者报名参加服务。")):
        s.push(staff, "notice", {"area_id": community_id, "title": title, "body": body, "published_at": s.at(days)})
    opinions = ("小区东门路灯坏了很久，晚上出行不便", "希望增加电动车充电桩", "建议周末开放社区图书室")
    for n, content in enumerate(opinions):
        author = members[n]
        opinion_id = s.push(author, "opinion", {"area_id": community_id, "content": content, "submitted_at": s.at(-6 + n)})
        if n == 0:
            s.push(staff, "opinion", {"answer": "已转物业处理，感谢您的建议。", "status": "answered"}, opinion_id)
    return 2, len(opinions)


def _shop(s: Seeder, staff: User, community_id: str, members: list[User]) -> tuple[int, int]:
    """Items with stock (one sold out); a member redeems one (the server decides balance and stock)."""
    first = None
    for name, price, stock in ITEMS:
        item_id = s.push(staff, "shop_item", {"area_id": community_id, "name": name, "price": price, "stock_total": stock,
                                              "active": True})  # fmt: skip
        first = first or item_id
    member = members[0]
    s.push(member, "redemption", {"member_id": member.id, "item_id": first, "qty": 1, "status": "requested",
                                  "requested_at": s.at(-1)})  # fmt: skip
    return len(ITEMS), 1
