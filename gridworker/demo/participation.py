"""The demo community's participation (issue 16): members who checked in, service orders in every state, a
points shop with redemptions, and a year of ledger history — so `make run` shows the staff's pages at work.

Written through the participation services (every record checked by the rules, as a user's would be),
in one transaction; the outbox rows they queue are then dropped, as the register's bulk load writes
none: a demo is a fixture to look at, not edits to push.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import delete, select

from ..domain.fieldwork import CHINA_TZ
from ..domain.models import Area, Building, Outbox, Person
from ..domain.participation import tables as rule_tables
from ..domain.participation_records import PARTICIPATION_MODELS, Member
from ..services.base import transaction
from ..services.participation import activities, members, orders, points, shop
from .names import MOBILE_PREFIXES, SURNAMES

STAFF = ("demo-staff-0001", "dispatcher")  # the community staff member who reviews and verifies in the demo
_ACTOR = {"actor_id": STAFF[0], "actor_role": STAFF[1]}
EMPLOYERS = ("区人民医院", "区司法局", "市第二中学", "区市场监管局", "国网杭州供电公司", "区税务局", "浙江大学", "区城管局",
             "区教育局", "杭州银行文三路支行")
TEAMS = ("红色先锋服务队", "医疗志愿服务队", "法治宣传服务队")
GIVEN = "伟 芳 敏 静 磊 军 洋 勇 艳 杰 娟 涛 明 超 霞 平 刚 丽 建华 晓燕 志强 海燕 文杰 丽萍".split()
SKILL_CODES = ("legal", "medical", "education", "repair", "appliance_repair", "psychology")
NEEDS = (
    ("独居老人家中水龙头漏水，需上门维修", "repair"), ("想咨询遗产继承的法律问题", "legal"),
    ("老人行动不便，需要定期上门量血压", "medical"), ("孩子初三数学跟不上，希望有人辅导", "education"),
    ("家里电饭煲坏了，请人帮忙看看", "appliance_repair"), ("老伴去世后情绪低落，希望有人陪聊", "psychology"),
    ("楼道灯不亮，老人晚上出行不便", "repair"), ("帮忙代办医保报销手续", None),
)
ITEMS = (("洗衣液", 30, 40), ("大米（5公斤）", 60, 25), ("食用油", 50, 20), ("保温杯", 80, 10), ("理发券", 20, 50),
         ("雨伞", 40, 0))


def _member_id(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _name(rng: random.Random) -> str:
    surnames, weights = zip(*SURNAMES)
    return rng.choices(surnames, weights)[0] + rng.choice(GIVEN)


def _phone(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + "".join(rng.choice("0123456789") for _ in range(8))


def _moment(day: date, rng: random.Random) -> datetime:
    return datetime(day.year, day.month, day.day, rng.randint(8, 17), rng.randint(0, 59), tzinfo=CHINA_TZ)


def seed_participation(store: Any, *, today: date, count: int = 40, seed: int = 16) -> dict[str, int]:
    """Members, orders, a shop and a year of points in the demo community of `store`."""
    rng = random.Random(seed)
    with transaction(store) as tx:
        s = tx.s
        community = s.exec(select(Area).where(Area.level == "community").order_by(Area.code)).first()
        if community is None or s.exec(select(Member.id).limit(1)).first() is not None:
            return {}
        buildings = list(s.exec(select(Building).where(Building.estate != None).order_by(Building.estate, Building.name)))  # noqa: E711
        people = list(s.exec(select(Person).where(Person.deleted == False).order_by(Person.id).limit(400)))  # noqa: E712
        approved = _members(tx, rng, community, buildings, count, today)
        history = _ledger(tx, rng, approved, today)
        made = _orders(tx, rng, approved, people, today)
        redeemed = _shop(tx, rng, community, approved, today)
        held = _activities(tx, rng, community, approved, today)
        _notices(tx, rng, community, approved, today)
        _wishes(tx, rng, approved, people, today)
        _residents(tx, rng, community, people, today)
        _evaluations(tx, approved, today)
        s.exec(delete(Outbox).where(Outbox.entity.in_(tuple(PARTICIPATION_MODELS))))
    return {"member": count, "ledger_entry": history, "service_order": made, "redemption": redeemed, "activity": held}


def _members(tx, rng, community, buildings, count, today) -> list[tuple[str, str]]:
    """(member id, skill) of the approved ones; a few wait for review, two to be placed by hand, one returned."""
    approved = []
    for i in range(count):
        member_id = _member_id(rng)
        building = rng.choice(buildings)
        unknown = i in (3, 11)  # a building the register does not know: to place by hand
        skills = rng.sample(SKILL_CODES, rng.randint(1, 2))
        posts = rng.sample(sorted(p.code for p in rule_tables.post_sets()["tongnan"]), rng.randint(0, 2))
        form = {"name": _name(rng), "phone": _phone(rng), "employer": rng.choice(EMPLOYERS), "estate": building.estate,
                "building": "99幢" if unknown else building.name, "skills": skills, "posts": posts}
        at = _moment(today - timedelta(days=400 - i * 3), rng)
        members.submit(tx, form, member_id=member_id, community_id=community.id, at=at)
        if i in (3, 11) or i % 9 == 5:
            continue  # waiting for review
        if i == 7:
            members.review(tx, member_id, "return", actor_id=STAFF[0], actor_role=STAFF[1], reason="工作单位请填写全称", at=at)
            continue
        members.review(tx, member_id, "approve", actor_id=STAFF[0], actor_role=STAFF[1], team=rng.choice(TEAMS + (None,)),
                       at=at + timedelta(hours=2))
        approved.append((member_id, skills[0]))
    return approved


def _ledger(tx, rng, approved, today) -> int:
    """A year of manual awards (activities, help) for the approved members, a few corrected by a reversal."""
    items = [item for area in rule_tables.rule_areas() for item in area.items]
    made = 0
    for member_id, _skill in approved:
        for _ in range(rng.randint(6, 24)):
            item = rng.choice(items)
            at = _moment(today - timedelta(days=rng.randint(1, 360)), rng)
            entry = points.manual_entry(tx, member_id, item.points, item.code, item.name, verified_by=STAFF[0],
                                          actor_role=STAFF[1], at=at)
            made += 1
            if rng.random() < 0.03:
                points.reverse(tx, entry.id, "重复记分", verified_by=STAFF[0], actor_role=STAFF[1], at=at + timedelta(days=1))
                made += 1
    return made


def _orders(tx, rng, approved, people, today) -> int:
    if not people or not approved:
        return 0
    steps = ("raise", "publish", "assign", "taken", "closed", "rated", "verified", "verified", "verified", "late")
    for n, last in enumerate(steps):
        need, skill = NEEDS[n % len(NEEDS)]
        person = people[rng.randrange(len(people))]
        at = _moment(today - timedelta(days=30 - n * 2 if last != "late" else 20), rng)
        order = orders.raise_order(tx, actor_id=STAFF[0], actor_role=STAFF[1], need=need, skill=skill, person_id=person.id,
                                   at=at)
        _advance(tx, rng, order.id, last, approved, at)
    return len(steps)


def _advance(tx, rng, order_id, last, approved, at) -> None:
    staff = {"actor_id": STAFF[0], "actor_role": STAFF[1]}
    if last == "raise":
        return
    if last == "publish":
        orders.act(tx, order_id, "publish", days_allowed=5, at=at + timedelta(hours=1), **staff)
        return
    member_id = rng.choice(approved)[0]
    orders.act(tx, order_id, "assign", member_ids=[member_id], days_allowed=3, at=at + timedelta(hours=1), **staff)
    if last == "assign":
        return
    taken = at + timedelta(hours=3)
    orders.act(tx, order_id, "take", actor_id=member_id, actor_role="member", at=taken)
    if last in ("taken", "late"):
        return
    orders.act(tx, order_id, "close", actor_id=member_id, actor_role="member", note="已上门处理完毕，居民满意",
               photo_ids=[str(uuid.UUID(int=rng.getrandbits(128), version=4))], at=taken + timedelta(days=1))
    if last == "closed":
        return
    orders.act(tx, order_id, "rate", rating=rng.choice((4, 5, 5)), at=taken + timedelta(days=1, hours=2), **staff)
    if last == "verified":
        orders.act(tx, order_id, "verify", at=taken + timedelta(days=2), **staff)


def _shop(tx, rng, community, approved, today) -> int:
    made = []
    for name, price, stock in ITEMS:
        item = shop.save_item(tx, area_id=community.id, name=name, price=price, description=None, **_ACTOR)
        if stock:
            shop.restock(tx, item.id, stock, **_ACTOR)
        made.append(item)
    redeemed = 0
    for member_id, _skill in approved[:12]:
        item = rng.choice(made[:4])
        try:
            redemption = shop.request(tx, member_id, item.id, 1, actor_id=STAFF[0], actor_role=STAFF[1],
                                      at=_moment(today - timedelta(days=rng.randint(0, 20)), rng))
        except Exception:  # noqa: BLE001 - a member without enough points simply does not redeem
            continue
        redeemed += 1
        if rng.random() < 0.6:
            shop.hand_over(tx, redemption.id, actor_id=STAFF[0], actor_role=STAFF[1])
    return redeemed


ACTIVITIES = (  # title, kind, place, days from today, points, rule item
    ("清理楼道堆物志愿服务", "volunteering", "各小区楼道", -40, 3, "A13.01"),
    ("小区停车难议事会", "deliberation", "社区二楼会议室", -12, 3, "A12.01"),
    ("反诈宣讲进小区", "outreach", "社区广场", -5, 2, "A06.01"),
    ("重阳节敬老文艺演出", "culture_sports", "社区活动中心", 6, 2, "A04.01"),
)


def _activities(tx, rng, community, approved, today) -> int:
    """Activities held (attendance ticked, a meeting's minutes, points paid) and one to come."""
    staff = {"actor_id": STAFF[0], "actor_role": STAFF[1]}
    for title, kind, place, days, points_, item in ACTIVITIES:
        start = datetime(today.year, today.month, today.day, 14, 0, tzinfo=CHINA_TZ) + timedelta(days=days)
        activity = activities.publish(tx, area_id=community.id, title=title, kind=kind, place=place, starts_at=start,
                                      ends_at=start + timedelta(hours=2), capacity=30, points=points_, rule_item=item,
                                      at=start - timedelta(days=7), **staff)
        if days > 0:
            continue
        present = [m for m, _skill in rng.sample(approved, min(len(approved), rng.randint(6, 12)))]
        activities.act(tx, activity.id, "mark_attended", member_ids=present, at=start + timedelta(minutes=10), **staff)
        if kind == "deliberation":
            activities.act(tx, activity.id, "record_minutes", minutes="居民代表、物业和党员共同商议停车位划线方案。",
                           decisions=["东门增设20个临时车位", "每月第一个周六开展停车秩序督导"],
                           at=start + timedelta(hours=1), **staff)
        activities.award_attendance(tx, activity.id, verified_by=STAFF[0], actor_role=STAFF[1], at=start + timedelta(hours=3))
    return len(ACTIVITIES)


OPINIONS = ("小区东门路灯坏了很久，晚上出行不便", "希望增加电动车充电桩", "垃圾分类投放点离3幢太远",
            "建议周末开放社区图书室", "楼下广场舞音量太大", "希望组织老年人智能手机培训")


def _notices(tx, rng, community, approved, today) -> None:
    """Two notices (read by some members) and a few months of opinions, some answered."""
    from ..domain.participation_records import NoticeRead, Opinion
    from ..services.participation import notices

    for days, title, body in ((-20, "关于开展消防安全检查的通知", "本周六上午社区将对各楼道开展消防安全检查，请清理楼道堆物。"),
                              (-3, "重阳节敬老活动报名", "社区将于下周举办重阳节敬老文艺演出，欢迎党员志愿者报名参加服务。")):
        notice = notices.publish_notice(tx, area_id=community.id, title=title, body=body, **_ACTOR,
                                        at=_moment(today + timedelta(days=days), rng))
        for member_id, _skill in rng.sample(approved, min(len(approved), rng.randint(8, 20))):
            tx.s.add(NoticeRead(area_id=community.id, notice_id=notice.id, user_id=member_id, at=notice.published_at))
    for n, content in enumerate(OPINIONS):
        opinion = Opinion(area_id=community.id, topic=None, content=content,
                          submitted_at=_moment(today - timedelta(days=15 * n + 2), rng))
        tx.s.add(opinion)
        tx.s.flush()
        if n % 2:
            notices.answer_opinion(tx, opinion.id, "已转物业处理，感谢您的建议。", **_ACTOR, close=n % 4 == 3)


WISHES = ("想要一个新书包", "希望有人陪老人去医院复查", "家里的旧电扇坏了，想修一修", "想要一套课外读物", "希望有人上门理发")


def _wishes(tx, rng, approved, people, today) -> None:
    """Micro-wishes of residents: published, claimed, fulfilled and waiting, confirmed (points paid)."""
    from ..services.participation import wishes

    staff = {"actor_id": STAFF[0], "actor_role": STAFF[1]}
    for n, text in enumerate(WISHES):
        if not people or not approved:
            return
        at = _moment(today - timedelta(days=25 - n * 4), rng)
        wish = wishes.publish(tx, wish=text, person_id=people[rng.randrange(len(people))].id, at=at, **staff)
        if n == 0:
            continue
        member = rng.choice(approved)[0]
        wishes.act(tx, wish.id, "claim", actor_id=member, actor_role="member", at=at + timedelta(hours=2))
        if n == 1:
            continue
        wishes.act(tx, wish.id, "fulfil", actor_id=member, actor_role="member", note="已送到居民手中",
                   photo_ids=(str(uuid.UUID(int=rng.getrandbits(128), version=4)),), at=at + timedelta(days=1))
        if n >= 3:
            wishes.act(tx, wish.id, "confirm", at=at + timedelta(days=2), **staff)


def _residents(tx, rng, community, people, today) -> None:
    """Residents registered on the phone pages: three wait for verification (the first has the name of a person of
    the register, to link when confirming), one matched the register with their ID number."""
    from ..domain.participation_records import Resident

    for n in range(4):
        name = people[n].name if n in (0, 3) and len(people) > n else _name(rng)
        verified = n == 3
        tx.s.add(Resident(
            id=_member_id(rng), area_id=community.id, name=name, phone=_phone(rng),
            registered_at=_moment(today - timedelta(days=6 - n), rng), verified=verified,
            verified_at=_moment(today - timedelta(days=1), rng) if verified else None,
            person_id=people[n].id if verified else None,
        ))  # fmt: skip


SELF_ASSESSMENTS = (
    "本年度按时到社区报到，参加志愿服务活动多次，能够主动认领居民点单并按时完成。",
    "积极参加社区组织的环境整治和文明宣传活动，今后将进一步发挥专业特长服务居民。",
    "参与了防汛值守和敬老助老活动，服务次数还不够多，明年争取多参加点单服务。",
)


def _evaluations(tx, approved, today) -> None:
    """双管三评: a few members' self-assessments for the year (as pulled from the phone pages), two of them rated."""
    from ..domain.participation.evaluation import evaluation_id
    from ..domain.participation_records import Evaluation
    from ..services.participation import evaluation

    for n, (member_id, _skill) in enumerate(approved[-len(SELF_ASSESSMENTS):] if len(approved) > 5 else ()):
        area_id = tx.s.get(Member, member_id).area_id
        tx.s.add(Evaluation(id=evaluation_id(member_id, today.year), area_id=area_id, version=1, member_id=member_id,
                            year=today.year, self_assessment=SELF_ASSESSMENTS[n], self_assessed_at=_moment(today, random.Random(n))))
        tx.s.flush()
        if n < 2:
            evaluation.rate(tx, member_id, today.year, ("excellent", "qualified")[n], None, actor_id=STAFF[0], actor_role=STAFF[1])
