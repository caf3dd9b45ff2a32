"""Service orders (居民点单 → 社区下单 → 党员接单): scenarios, refusals, deadlines on working days, random logs."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridworker.domain.participation.common import Refusal
from gridworker.domain.participation.orders import (
    ACTIONS, CLOCK_RUNNING, Event, OrderRules, OrderState, STATUS_LABELS, status_label,
)
from gridworker.domain.workdays import TZ

RULES = OrderRules()
STAFF, WORKER, RESIDENT = ("s1", "dispatcher"), ("w1", "worker"), ("r1", "resident")
LAWYER, MEDIC, OTHER_RESIDENT = ("m1", "member", ("legal",)), ("m2", "member", ("medical",)), ("r2", "resident")
CLOSE = {"note": "已帮助梳理证据并陪同到劳动监察大队", "photo_ids": ("photo-1",)}


def cn(y, m, d, h=0, mi=0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=TZ)


class Log:
    def __init__(self, start: datetime):
        self.at, self.events, self.state = start, [], OrderState()

    def event(self, action, actor, *, after=timedelta(hours=1), **fields) -> Event:
        skills = actor[2] if len(actor) > 2 else ()
        return Event(action, actor[0], actor[1], self.at + after, actor_skills=skills, **fields)

    def do(self, action, actor, **fields) -> OrderState:
        event = self.event(action, actor, **fields)
        self.state = RULES.apply(self.state, event)
        self.events.append(event)
        self.at = event.at
        return self.state

    def refused(self, action, actor, **fields) -> Refusal:
        event = self.event(action, actor, **fields)
        refusal = RULES.check(self.state, event)
        assert refusal is not None, f"{action} by {actor} was not refused"
        assert refusal.zh and refusal.en
        with pytest.raises(Refusal):
            RULES.apply(self.state, event)
        return refusal


def test_resident_orders_community_publishes_lawyer_takes_closes_and_is_verified():
    """潼南's wage case: a need from a visit, published to members with legal skills, taken, closed, rated, verified."""
    log = Log(cn(2025, 9, 26, 7))  # Friday before National Day 2025; raised at 8:00
    s = log.do("raise", WORKER, note="儿子被拖欠工资，需要法律帮助", resident_id="r1", skill="legal", visit_id="v1")
    assert (s.status, s.source, s.resident_id, s.skill) == ("raised", "visit", "r1", "legal")
    s = log.do("publish", STAFF, after=timedelta(hours=2))  # Friday 10:00, 5 working days by default
    # Fri 10:00–24:00 14 h, Sun 28 (make-up day) 24, Mon 29 24, Tue 30 24, 1–8 Oct off, Thu 9 24 → 110 h; 10 h on Fri 10.
    assert s.status == "published" and s.deadline == cn(2025, 10, 10, 10)
    assert log.refused("take", MEDIC).code == "skill_missing"
    assert RULES.allowed_actions(s, *MEDIC) == []
    assert RULES.allowed_actions(s, *LAWYER) == ["take"]
    s = log.do("take", LAWYER)
    assert s.status == "taken" and s.takers == ("m1",)
    assert log.refused("close", LAWYER, note="", photo_ids=("p",)).code == "note_required"
    assert log.refused("close", LAWYER, note="已完成", photo_ids=("",)).code == "photo_required"
    s = log.do("close", LAWYER, **CLOSE)
    assert (s.status, s.closed_by, s.write_up) == ("closed", "m1", CLOSE["note"])
    assert log.refused("verify", STAFF).code == "not_rated"
    assert log.refused("rate", LAWYER, rating=5).code == "role_not_allowed"
    assert log.refused("rate", OTHER_RESIDENT, rating=5).code == "not_resident"
    assert log.refused("rate", RESIDENT, rating=6).code == "invalid_rating"
    s = log.do("rate", RESIDENT, rating=5)
    assert log.refused("rate", WORKER, rating=4).code == "already_rated"
    assert s.points_due_to == ()
    s = log.do("verify", STAFF)
    assert (s.status, s.verified_by, s.on_time, s.points_due_to) == ("verified", "s1", True, ("m1",))
    assert RULES.replay(log.events) == s
    assert all(RULES.allowed_actions(s, *actor) == [] for actor in (STAFF, WORKER, RESIDENT, LAWYER))


def test_two_takers_wanted_and_give_back():
    log = Log(cn(2025, 3, 3, 8))
    log.do("raise", STAFF, note="帮独居老人搬家具", resident_id="r1", takers_wanted=2)
    s = log.do("publish", STAFF)
    assert s.status == "published"
    s = log.do("take", LAWYER)
    assert s.status == "published" and s.takers == ("m1",)  # still open for a second taker
    assert log.refused("take", LAWYER).code == "already_taken"
    assert log.refused("close", LAWYER, **CLOSE).code == "wrong_state"
    s = log.do("take", MEDIC)
    assert s.status == "taken" and s.takers == ("m1", "m2")
    assert log.refused("take", ("m3", "member")).code == "fully_taken"
    assert log.refused("give_back", MEDIC).code == "reason_required"
    s = log.do("give_back", MEDIC, reason="临时出差")
    assert s.status == "published" and s.takers == ("m1",)
    assert log.refused("close", MEDIC, **CLOSE).code == "wrong_state"
    s = log.do("take", ("m3", "member"))
    assert s.status == "taken"
    assert log.refused("close", MEDIC, **CLOSE).code == "not_taker"


def test_assigned_orders_are_for_the_named_members_only():
    log = Log(cn(2025, 3, 3, 8))
    log.do("raise", STAFF, note="辅导初三数学", resident_id="r1", skill="education")
    assert log.refused("assign", STAFF).code == "members_required"
    assert log.refused("assign", STAFF, member_ids=("m1", "m2")).code == "too_many_members"
    s = log.do("assign", STAFF, member_ids=("m2",), days_allowed=2)  # Monday 10:00 + 2 working days
    assert (s.status, s.invited, s.deadline) == ("assigned", ("m2",), cn(2025, 3, 5, 10))
    assert log.refused("take", LAWYER).code == "not_invited"
    s = log.do("take", MEDIC)  # named by staff: no skill check
    assert s.status == "taken"
    s = log.do("give_back", MEDIC, reason="家中有事")
    assert (s.status, s.invited, s.takers) == ("assigned", (), ())


def test_overdue_is_judged_at_each_event_and_kept_and_send_back_gives_a_new_deadline():
    log = Log(cn(2025, 3, 3, 7))
    log.do("raise", RESIDENT, note="楼道灯坏了")  # Monday 8:00
    s = log.do("assign", STAFF, member_ids=("m1",), days_allowed=1)  # Monday 9:00 → Tuesday 9:00
    assert s.deadline == cn(2025, 3, 4, 9)
    assert RULES.is_overdue(s, cn(2025, 3, 4, 9, 1)) and not RULES.is_overdue(s, cn(2025, 3, 4, 9))
    s = log.do("take", LAWYER, after=timedelta(hours=25))  # Tuesday 10:00: late
    assert s.overdue
    s = log.do("close", LAWYER, **CLOSE)
    assert not RULES.is_overdue(s, cn(2026, 1, 1))  # the clock stops when closed
    s = log.do("rate", WORKER, rating=2)
    assert log.refused("send_back", STAFF).code == "reason_required"
    s = log.do("send_back", STAFF, reason="居民反映仍不亮", after=timedelta(days=4))  # Saturday 8 March 12:00
    assert (s.status, s.rating, s.rework_count) == ("taken", None, 1)
    # Sat, Sun off: the 5 working days are Mon 10 to Fri 14 whole, ending at the next working day's midnight.
    assert s.deadline == cn(2025, 3, 17, 0)
    s = log.do("close", LAWYER, **CLOSE)
    s = log.do("rate", RESIDENT, rating=5)
    s = log.do("verify", STAFF)
    assert s.on_time is False and s.overdue


def test_cancel_rules():
    log = Log(cn(2025, 3, 3, 8))
    log.do("raise", RESIDENT, note="需要上门理发")
    assert log.refused("cancel", OTHER_RESIDENT, reason="x").code == "not_resident"
    assert log.refused("cancel", RESIDENT).code == "reason_required"
    log.do("publish", STAFF)
    log.do("take", LAWYER)
    assert log.refused("cancel", RESIDENT, reason="不需要了").code == "already_taken_by_member"
    s = log.do("cancel", STAFF, reason="居民已自行解决")
    assert s.status == "cancelled"
    assert log.refused("take", MEDIC).code == "cancelled"
    assert log.refused("raise", RESIDENT, note="再来一单").code == "already_raised"


def test_raise_rules():
    log = Log(cn(2025, 3, 3, 8))
    assert log.refused("publish", STAFF).code == "not_raised"
    assert log.refused("raise", ("m1", "member"), note="x").code == "role_not_allowed"
    assert log.refused("raise", STAFF, note="x").code == "resident_required"
    assert log.refused("raise", RESIDENT, note=" ").code == "need_required"
    assert log.refused("raise", RESIDENT, note="x", skill="juggling").code == "unknown_skill"
    assert log.refused("raise", RESIDENT, note="x", takers_wanted=0).code == "invalid_takers_wanted"
    assert log.refused("raise", ("", "resident"), note="x").code == "no_actor"
    assert log.refused("raise", ("x", "boss"), note="x").code == "unknown_role"
    assert log.refused("fly", RESIDENT).code == "unknown_action"
    naive = Event("raise", "r1", "resident", datetime(2025, 3, 3, 9), note="x")
    assert RULES.check(OrderState(), naive).code == "naive_time"
    s = log.do("raise", RESIDENT, note="x")
    assert s.source == "resident" and s.resident_id == "r1"
    assert log.refused("publish", STAFF, after=timedelta(hours=-2)).code == "out_of_order"


def test_refusals_speak_both_languages():
    log = Log(cn(2025, 3, 3, 8))
    log.do("raise", RESIDENT, note="x")
    r = log.refused("publish", WORKER)
    assert (r.code, r.zh, r.en) == ("role_not_allowed", "网格员不能发布", "A grid worker cannot publish orders")
    r = log.refused("close", LAWYER, **CLOSE)
    assert r.zh == "服务单处于“待派单”状态，不能结单" and r.en == "'close orders' is not possible while the order is raised"
    assert {status_label(s, "zh") for s in STATUS_LABELS} == {zh for zh, _ in STATUS_LABELS.values()}


# -- random logs ---------------------------------------------------------------------------------------

ACTORS = [STAFF, ("a1", "admin"), WORKER, RESIDENT, OTHER_RESIDENT, LAWYER, MEDIC, ("m3", "member", ()), ("h1", "handler"),
          ("m1", "dispatcher"), ("m2", "worker")]  # staff and a grid worker who are also members
MEMBERS = ["m1", "m2", "m3", "m4"]
# Cancelling ends a log and giving back idles it: picked rarely, so that random logs get to verification.
ACTION_WEIGHT = {"cancel": 0.03, "give_back": 0.3, "send_back": 0.5}
starts = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2026, 11, 30)).map(lambda d: d.replace(tzinfo=TZ))


def plausible(rnd: random.Random, action: str, actor, at: datetime) -> Event:
    return Event(action, actor[0], actor[1], at, actor_skills=actor[2] if len(actor) > 2 else (),
                 note="说明", reason="原因", skill=rnd.choice([None, "legal", "medical"]),
                 takers_wanted=rnd.choice([None, None, 1, 2, 3]), member_ids=tuple(rnd.sample(MEMBERS, rnd.randint(1, 2))),
                 photo_ids=("p1",), rating=rnd.randint(1, 5), days_allowed=rnd.choice([None, 1, 3]), resident_id="r1")


def arbitrary(rnd: random.Random, actor, at: datetime) -> Event:
    return Event(rnd.choice(list(ACTIONS) + ["bogus"]), actor[0], actor[1] if rnd.random() < 0.9 else "boss",
                 at if rnd.random() < 0.97 else at.replace(tzinfo=None),
                 actor_skills=rnd.choice([(), ("legal",), ("medical",)]), note=rnd.choice([None, "", "说明"]),
                 reason=rnd.choice([None, " ", "原因"]), skill=rnd.choice([None, "legal", "nope"]),
                 takers_wanted=rnd.choice([None, 0, 1, 2, 25, True]),
                 member_ids=rnd.choice([(), ("",), ("m1",), ("m1", "m2", "m3")]),
                 photo_ids=rnd.choice([(), ("",), ("p",)]), rating=rnd.choice([None, 0, 3, 6, True]),
                 days_allowed=rnd.choice([None, 0, 2, 31]), resident_id=rnd.choice([None, "r1", "r2"]))


def assert_invariants(prev: OrderState, event: Event, new: OrderState, log: list[Event]) -> None:
    assert new.status in STATUS_LABELS
    assert log[0].action == "raise" and new.raised_by == log[0].actor_id
    assert len(new.takers) == len(set(new.takers)) <= new.takers_wanted
    assert (new.status in ("taken", "closed", "verified")) <= (len(new.takers) == new.takers_wanted)
    if new.status in ("published", "assigned"):
        assert len(new.takers) < new.takers_wanted and new.status == new.mode
    # The deadline exists once offered and never falls on a day off.
    assert (new.deadline is not None) == (new.mode is not None)
    if new.deadline is not None:
        assert RULES.calendar.is_workday(new.deadline.astimezone(TZ).date())
    assert new.overdue >= prev.overdue
    if prev.status in CLOCK_RUNNING and event.at > prev.deadline:
        assert new.overdue
    # Verified only by staff who took no part, after a rating; points only then, to the takers.
    if new.status == "verified":
        assert new.rating is not None and new.verified_by not in new.takers and new.points_due_to == new.takers
    else:
        assert new.points_due_to == ()
    if event.action == "close":
        assert event.actor_id in new.takers and new.photo_ids and new.write_up
    if event.action == "take" and prev.status == "assigned":
        assert event.actor_id in prev.invited
    if event.action == "take" and prev.status == "published" and event.actor_id not in prev.invited:
        assert prev.skill is None or prev.skill in event.actor_skills
    assert new.rating is None or (new.status in ("closed", "verified", "cancelled") and 1 <= new.rating <= 5)
    assert new.rework_count == [e.action for e in log].count("send_back")


@settings(max_examples=120, deadline=None, database=None)
@given(start=starts, seed=st.integers(0, 2**64), length=st.integers(2, 40))
def test_random_logs_are_refused_with_a_reason_or_keep_the_invariants(start, seed, length):
    rnd = random.Random(seed)
    state, log, at = OrderState(), [], start
    for _ in range(length):
        at += timedelta(minutes=rnd.randint(-30, 3 * 24 * 60) if rnd.random() < 0.05 else rnd.randint(0, 3 * 24 * 60))
        allowed = {a: RULES.allowed_actions(state, a[0], a[1], a[2] if len(a) > 2 else ()) for a in ACTORS}
        open_actions = sorted({a for actions in allowed.values() for a in actions})
        if open_actions and rnd.random() < 0.8:
            action = rnd.choices(open_actions, [ACTION_WEIGHT.get(a, 1.0) for a in open_actions])[0]
            actor = rnd.choice([a for a, actions in allowed.items() if action in actions])
            event = plausible(rnd, action, actor, at)
        else:
            actor = rnd.choice(ACTORS)
            event = arbitrary(rnd, actor, at)
        refusal = RULES.check(state, event)
        if refusal is not None:
            assert refusal.code and refusal.zh and refusal.en
            with pytest.raises(Refusal) as err:
                RULES.apply(state, event)
            assert err.value.code == refusal.code
            continue
        new = RULES.apply(state, event)
        log.append(event)
        assert_invariants(state, event, new, log)
        state = new
    assert RULES.replay(log) == state


def test_nobody_rates_or_verifies_their_own_service():
    """A grid worker or staff member who is also a member and took the order (same person id)."""
    log = Log(cn(2025, 3, 3, 7))
    log.do("raise", RESIDENT, note="家里水管漏水")
    log.do("publish", STAFF)
    log.do("take", ("m1", "member"))
    log.do("close", ("m1", "member"), **CLOSE)
    assert log.refused("rate", ("m1", "worker"), rating=5).code == "self_rating"
    log.do("rate", RESIDENT, rating=5)
    assert log.refused("verify", ("m1", "dispatcher")).code == "self_verification"
    assert log.refused("send_back", ("m1", "admin"), reason="x").code == "self_verification"
    assert log.do("verify", STAFF).status == "verified"
