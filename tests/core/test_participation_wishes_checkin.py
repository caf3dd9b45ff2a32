"""Micro-wishes, members' check-in and its review, and the resource tables they stand on."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridworker.domain.errors import ValidationError
from gridworker.domain.participation import checkin as ck
from gridworker.domain.participation import tables, wishes
from gridworker.domain.participation.common import Refusal, load_table
from gridworker.domain.workdays import TZ

T0 = datetime(2025, 5, 6, 9, tzinfo=TZ)
STAFF, WORKER, M1, M2 = ("s1", "dispatcher"), ("w1", "worker"), ("m1", "member"), ("m2", "member")


def step(state, module, action, actor, n, **fields):
    return module.apply(state, module.Event(action, actor[0], actor[1], T0 + timedelta(hours=n), **fields))


def code_of(module, state, action, actor, n, **fields) -> str:
    event = module.Event(action, actor[0], actor[1], T0 + timedelta(hours=n), **fields)
    with pytest.raises(Refusal) as err:
        module.apply(state, event)
    assert err.value.zh and err.value.en
    if hasattr(module, "check"):
        assert module.check(state, event).code == err.value.code
    return err.value.code


# -- micro-wishes ---------------------------------------------------------------------------------------


def test_wish_published_claimed_fulfilled_confirmed():
    s = step(wishes.WishState(), wishes, "publish", WORKER, 0, wish="留守儿童想要一个新书包", household_id="hh-7")
    assert (s.status, s.household_id) == ("published", "hh-7")
    assert wishes.allowed_actions(s, *M1) == ["claim"]
    s = step(s, wishes, "claim", M1, 1)
    assert code_of(wishes, s, "claim", M2, 2) == "wrong_state"
    assert code_of(wishes, s, "fulfil", M2, 2, note="送到了", photo_ids=("p",)) == "not_claimer"
    assert code_of(wishes, s, "fulfil", M1, 2, note="送到了") == "photo_required"
    s = step(s, wishes, "fulfil", M1, 2, note="书包已送到孩子手中", photo_ids=("p1",))
    assert s.points_due_to == ()
    assert code_of(wishes, s, "confirm", M1, 3) == "role_not_allowed"
    assert code_of(wishes, s, "confirm", ("m1", "dispatcher"), 3) == "self_confirmation"  # staff who is also a member
    s = step(s, wishes, "reject", STAFF, 3, reason="照片看不清")
    assert s.status == "claimed"
    s = step(s, wishes, "fulfil", M1, 4, note="补拍照片", photo_ids=("p2",))
    s = step(s, wishes, "confirm", STAFF, 5)
    assert (s.status, s.confirmed_by, s.points_due_to) == ("confirmed", "s1", ("m1",))
    assert code_of(wishes, s, "withdraw", STAFF, 6, reason="x") == "wrong_state"


def test_wish_given_up_and_withdrawn():
    s = step(wishes.WishState(), wishes, "publish", STAFF, 0, wish="维修门锁")
    assert code_of(wishes, s, "publish", STAFF, 0, wish="again") == "wrong_state"
    assert code_of(wishes, wishes.WishState(), "publish", M1, 0, wish="x") == "role_not_allowed"
    assert code_of(wishes, wishes.WishState(), "publish", STAFF, 0, wish=" ") == "wish_required"
    s = step(s, wishes, "claim", M1, 1)
    assert code_of(wishes, s, "give_up", M1, 2) == "reason_required"
    s = step(s, wishes, "give_up", M1, 2, reason="出差")
    assert (s.status, s.claimed_by) == ("published", None)
    s = step(s, wishes, "withdraw", STAFF, 3, reason="居民已搬走")
    assert s.status == "withdrawn" and s.points_due_to == ()
    assert code_of(wishes, s, "claim", M2, 4) == "wrong_state"


@settings(max_examples=100, deadline=None, database=None)
@given(seed=st.integers(0, 2**64), length=st.integers(1, 30))
def test_random_wish_logs_keep_the_invariants(seed, length):
    rnd = random.Random(seed)
    actors = [STAFF, WORKER, M1, M2, ("r1", "resident"), ("m1", "dispatcher")]
    state, log = wishes.WishState(), []
    for n in range(length):
        actor = rnd.choice(actors)
        allowed = wishes.allowed_actions(state, *actor)
        action = rnd.choice(allowed) if allowed and rnd.random() < 0.8 else rnd.choice(wishes.ACTIONS)
        event = wishes.Event(action, actor[0], actor[1], T0 + timedelta(hours=n), wish=rnd.choice(["书包", " "]),
                             note=rnd.choice(["已送达", None]), photo_ids=rnd.choice([(), ("p",)]),
                             reason=rnd.choice([None, "原因"]))
        refusal = wishes.check(state, event)
        if refusal is not None:
            assert refusal.code and refusal.zh and refusal.en
            continue
        new = wishes.apply(state, event)
        log.append(event)
        assert new.status in wishes.STATUS_LABELS
        assert (new.claimed_by is not None) == (new.status in ("claimed", "fulfilled", "confirmed")) or new.status == "withdrawn"
        if new.status == "confirmed":
            assert new.confirmed_by != new.claimed_by and new.photo_ids and new.points_due_to == (new.claimed_by,)
        else:
            assert new.points_due_to == ()
        if action == "fulfil":
            assert event.actor_id == state.claimed_by
        state = new
    assert wishes.replay(log) == state


# -- check-in ---------------------------------------------------------------------------------------------

REGISTER = {("龙潭小区", "3栋"): "grid-16"}


def lookup(estate: str, building: str):
    return REGISTER.get((estate, building))


FORM = dict(name="冉文怡", phone="138 0000 1234", employer="潼南区司法局", estate="龙潭小区", building="3栋",
            skills=["legal"], posts=["mediator"])


def test_checkin_places_the_member_in_the_grid_of_the_building():
    c = ck.validate_checkin(FORM, lookup)
    assert (c.phone, c.grid_id, c.to_place, c.skills, c.posts) == ("13800001234", "grid-16", False, ("legal",), ("mediator",))
    unknown = ck.validate_checkin({**FORM, "building": "99栋"}, lookup)
    assert unknown.grid_id is None and unknown.to_place


@pytest.mark.parametrize(
    "change, field, code",
    [
        ({"name": " "}, "name", "required"),
        ({"phone": None}, "phone", "required"),
        ({"phone": "12345"}, "phone", "phone"),
        ({"employer": ""}, "employer", "required"),
        ({"employer": "单" * 101}, "employer", "too_long"),
        ({"estate": None}, "estate", "required"),
        ({"building": "3栋\x00"}, "building", "control_chars"),
        ({"skills": ["juggling"]}, "skills", "unknown_choice"),
        ({"posts": ["mediator", "caring", "environment", "convenience"]}, "posts", "too_many"),
    ],
)
def test_checkin_form_errors_name_the_field(change, field, code):
    with pytest.raises(ValidationError) as err:
        ck.validate_checkin({**FORM, **change}, lookup)
    assert (err.value.field, err.value.code) == (field, code)
    assert field not in err.value.zh  # the person reads the field's name, not its key


def test_checkin_posts_only_from_the_communitys_set():
    tongnan = [p.code for p in tables.post_sets()["tongnan"]]
    with pytest.raises(ValidationError) as err:
        ck.validate_checkin({**FORM, "posts": ["caring"]}, lookup, offered_posts=tongnan)
    assert err.value.field == "posts"
    assert ck.validate_checkin(FORM, lookup, offered_posts=tongnan).posts == ("mediator",)


def test_checkin_review_place_approve_return_resubmit():
    placed_by_hand = ck.validate_checkin({**FORM, "building": "99栋"}, lookup)
    s = step(ck.ReviewState(), ck, "submit", M1, 0, checkin=placed_by_hand)
    assert code_of(ck, s, "approve", STAFF, 1) == "not_placed"
    assert code_of(ck, s, "return", STAFF, 1) == "reason_required"
    s = step(s, ck, "return", STAFF, 1, reason="楼栋号有误")
    assert (s.status, s.return_reason) == ("returned", "楼栋号有误")
    assert code_of(ck, s, "submit", M2, 2, checkin=placed_by_hand) == "not_owner"
    s = step(s, ck, "submit", M1, 2, checkin=ck.validate_checkin(FORM, lookup))
    assert (s.status, s.grid_id, s.return_reason) == ("submitted", "grid-16", None)
    s = step(s, ck, "place", STAFF, 3, grid_id="grid-17")  # staff may still move the member
    s = step(s, ck, "approve", STAFF, 4, team="法律服务志愿小队")
    assert (s.status, s.grid_id, s.team, s.reviewed_by) == ("approved", "grid-17", "法律服务志愿小队", "s1")
    assert code_of(ck, s, "return", STAFF, 5, reason="x") == "wrong_state"
    assert code_of(ck, ck.ReviewState(), "approve", STAFF, 0) == "not_submitted"


# -- the tables ---------------------------------------------------------------------------------------------


def test_tables_from_the_seeds():
    assert [p.name for p in tables.post_sets()["tongnan"]] == ["民情收集员", "党建指导员", "政策宣传员", "纠纷调解员", "便民服务员", "义务监督员"]
    assert [p.name for p in tables.post_sets()["junan"]] == [
        "居民自治岗", "教育培训岗", "助老扶幼岗", "环境提升岗", "爱心关怀岗", "便民利民岗", "精准暖心岗"]
    areas = tables.rule_areas()
    assert len(areas) == 17 and len({a.code for a in areas}) == 17
    assert [a.name for a in areas if a.from_seed] == ["应急处置", "健康管理", "环境整治", "文体活动", "医疗保健"]
    assert all(a.items and all(i.points > 0 and i.name and i.name_en for i in a.items) for a in areas)
    for table in (tables.skills(), tables.activity_kinds(), tables.posts(), tables.rule_items()):
        assert all(v.name and v.name_en and v.label("en") == v.name_en for v in table.values())
    assert {"legal", "medical", "education", "repair", "psychology"} <= set(tables.skills())
    assert tables.deliberation_kinds() == {"deliberation"}


def test_load_table_reads_each_table_once():
    assert load_table("skills.json") is load_table("skills.json")
    assert load_table("point_rules.json")["format"] == "gridworker-point-rules"
