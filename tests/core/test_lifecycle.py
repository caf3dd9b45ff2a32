"""The incident closed loop: scenarios with three actors, each refusal and its message, and random logs."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridworker.domain.enums import Action, Status
from gridworker.domain.lifecycle import Event, Refusal, Rules, initial_state
from gridworker.domain.workdays import TZ

RULES = Rules()
DISPATCHER, WORKER, HANDLER = ("d1", "dispatcher"), ("w1", "worker"), ("h1", "handler")
OTHER_WORKER, OTHER_HANDLER, ADMIN = ("w2", "worker"), ("h2", "handler"), ("a1", "admin")


class Log:
    """Builds an incident's log step by step, each event one hour after the last unless told; refused ones are not kept."""

    def __init__(self, start: datetime):
        self.at = start
        self.events: list[Event] = []
        self.state = initial_state()

    def event(self, action: str, actor: tuple[str, str], *, after=timedelta(hours=1), **fields) -> Event:
        return Event(action=action, actor_id=actor[0], actor_role=actor[1], at=self.at + after, **fields)

    def do(self, action: str, actor: tuple[str, str], **fields):
        event = self.event(action, actor, **fields)
        self.state = RULES.apply(self.state, event)
        self.events.append(event)
        self.at = event.at
        return self.state

    def refused(self, action: str, actor: tuple[str, str], **fields) -> Refusal:
        event = self.event(action, actor, **fields)
        refusal = RULES.check(self.state, event)
        assert refusal is not None, f"{action} by {actor} was not refused"
        with pytest.raises(Refusal):
            RULES.apply(self.state, event)
        return refusal


HANDLE = {"note": "已更换公告栏玻璃", "photo_ids": ("photo-after-1",)}


def cn(y, m, d, h=0, mi=0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=TZ)


def dispatched(start=cn(2025, 3, 3, 7)) -> Log:
    """Reported by w1 at start + 1 h, accepted and dispatched by d1 to h1 (by default Monday 3/3 10:00)."""
    log = Log(start)
    log.do("report", WORKER)
    log.do("accept", DISPATCHER)
    log.do("dispatch", DISPATCHER, assignee_id="h1")
    return log


def handled(start=cn(2025, 3, 3, 7)) -> Log:
    log = dispatched(start)
    log.do("start", HANDLER)
    log.do("handle", HANDLER, **HANDLE)
    return log


# -- scenarios ------------------------------------------------------------------------------------


def test_full_loop_with_three_actors():
    log = Log(cn(2025, 9, 26, 7))  # Friday before National Day 2025
    s = log.do("report", WORKER, note="公告栏玻璃破损")
    assert (s.status, s.reporter_id, s.deadline) == ("reported", "w1", None)
    assert RULES.allowed_actions(s, *HANDLER) == []
    s = log.do("accept", DISPATCHER)
    s = log.do("dispatch", DISPATCHER, assignee_id="h1")  # Friday 10:00
    assert s.status == "dispatched" and s.assignee_id == "h1"
    assert s.deadline == cn(2025, 9, 28, 10)  # the make-up Sunday
    assert set(RULES.allowed_actions(s, *HANDLER)) == {"start", "return", "comment"}
    s = log.do("start", HANDLER, after=timedelta(days=2))  # on the make-up Sunday, 10:00: not late
    s = log.do("handle", HANDLER, after=timedelta(minutes=1), **HANDLE)
    assert s.status == "handled" and s.handled_by == "h1" and s.overdue  # handled one minute after the deadline
    s = log.do("verify_pass", WORKER)
    assert s.status == "closed" and s.closed_by == "w1" and s.closed_on_time is False
    s = log.do("rate", WORKER, rating=5)
    assert s.rating == 5 and RULES.allowed_actions(s, *DISPATCHER) == ["comment"]
    assert RULES.replay(log.events) == s


def test_on_the_spot_path_needs_someone_else_to_verify():
    log = Log(cn(2025, 3, 4, 9))
    log.do("report", WORKER, note="楼道飞线充电")
    s = log.do("handle", WORKER, **HANDLE)
    assert s.status == "handled" and s.on_the_spot and s.assignee_id == "w1"
    assert s.deadline is None and s.dispatched_at is None
    refusal = log.refused("verify_pass", WORKER)
    assert refusal.code == "self_verification" and refusal.zh == "不能核查自己办理的事件"
    assert log.refused("verify_pass", OTHER_WORKER).code == "not_verifier"
    s = log.do("verify_pass", DISPATCHER)
    assert s.status == "closed" and s.closed_on_time is True


def test_on_the_spot_only_for_the_reporting_worker():
    log = Log(cn(2025, 3, 4, 9))
    log.do("report", WORKER)
    refusal = log.refused("handle", OTHER_WORKER, **HANDLE)
    assert refusal.code == "not_reporter" and "当场办结" in refusal.zh
    log2 = Log(cn(2025, 3, 4, 9))
    log2.do("report", DISPATCHER)  # staff entering a request at the centre cannot "solve it on the spot"
    assert log2.refused("handle", DISPATCHER, **HANDLE).code == "not_reporter"


def test_escalate_recomputes_the_deadline():
    log = dispatched()  # dispatched Monday 10:00: community deadline Tuesday 10:00
    assert log.state.deadline == cn(2025, 3, 4, 10)
    s = log.do("escalate", DISPATCHER, level="street")  # Monday 11:00
    assert s.level == "street" and s.deadline == cn(2025, 3, 6, 11)  # 3 working days from now
    assert log.refused("escalate", DISPATCHER).code == "already_street"
    # Escalated before dispatch: the dispatch then allows 3 working days.
    log2 = Log(cn(2025, 3, 7, 8))
    log2.do("report", WORKER)
    log2.do("escalate", ADMIN)
    log2.do("accept", DISPATCHER)
    s = log2.do("dispatch", DISPATCHER, assignee_id="h1")  # Friday 12:00
    assert s.deadline == cn(2025, 3, 12, 12)


def test_escalate_never_shortens_an_extension():
    log = dispatched()
    log.do("extend", DISPATCHER, deadline=cn(2025, 3, 14, 17), reason="等待配件")
    s = log.do("escalate", DISPATCHER)
    assert s.deadline == cn(2025, 3, 14, 17)


def test_return_and_re_dispatch():
    log = dispatched()
    refusal = log.refused("return", OTHER_HANDLER, reason="不归我管")
    assert refusal.code == "not_assignee" and refusal.zh == "只有被指派的处置人员可以退回"
    assert log.refused("return", HANDLER).code == "reason_required"
    s = log.do("return", HANDLER, reason="需要电工资质")
    assert s.status == "accepted" and s.assignee_id is None
    assert log.refused("start", HANDLER).code == "wrong_state"
    s = log.do("dispatch", DISPATCHER, assignee_id="h2", after=timedelta(days=1))  # Tuesday 11:00
    assert s.assignee_id == "h2" and s.deadline == cn(2025, 3, 5, 11)
    assert log.refused("handle", HANDLER, **HANDLE).code == "wrong_state"  # h1 let it go; h2 has not started
    log.do("start", OTHER_HANDLER)
    assert log.refused("handle", HANDLER, **HANDLE).zh == "只有被指派的处置人员可以办结"
    assert log.do("handle", OTHER_HANDLER, **HANDLE).handled_by == "h2"


def test_reassign_needs_another_person():
    log = dispatched()
    assert log.refused("dispatch", DISPATCHER, assignee_id="h1").code == "same_assignee"
    assert log.do("dispatch", DISPATCHER, assignee_id="h2").assignee_id == "h2"


def test_verify_fail_sends_it_back_for_rework():
    log = handled()
    assert log.refused("verify_fail", WORKER).code == "reason_required"
    s = log.do("verify_fail", WORKER, reason="玻璃仍有裂纹")  # Monday 13:00
    assert s.status == "dispatched" and s.assignee_id == "h1" and s.rework_count == 1
    assert s.deadline == cn(2025, 3, 4, 13)  # the rework gets its own working day
    log.do("start", HANDLER)
    log.do("handle", HANDLER, **HANDLE)
    s = log.do("verify_pass", DISPATCHER)
    assert s.status == "closed" and s.rework_count == 1 and s.closed_on_time


def test_low_rating_then_reopen():
    log = handled()
    log.do("verify_pass", WORKER)
    assert log.refused("reopen", DISPATCHER, reason="居民不满意").code == "reopen_needs_low_rating"
    assert log.refused("rate", HANDLER, rating=1).code == "role_not_allowed"
    assert log.refused("rate", WORKER, rating=6).code == "invalid_rating"
    s = log.do("rate", WORKER, rating=2)
    assert log.refused("rate", WORKER, rating=4).code == "already_rated"
    assert log.refused("reopen", WORKER, reason="x").code == "role_not_allowed"
    assert log.refused("reopen", DISPATCHER).code == "reason_required"
    s = log.do("reopen", DISPATCHER, reason="居民反映仍未修好", assignee_id="h2")
    assert s.status == "dispatched" and s.assignee_id == "h2" and s.rework_count == 1
    assert s.rating is None and s.closed_at is None and s.deadline is not None


def test_partly_solved_also_allows_reopen():
    log = handled()
    log.do("verify_pass", DISPATCHER)
    log.do("rate", WORKER, rating=4, partly_solved=True)
    s = log.do("reopen", ADMIN, reason="只解决了一半")
    assert s.assignee_id == "h1" and s.status == "dispatched"


def test_reject_as_duplicate_is_final():
    log = Log(cn(2025, 3, 3, 8))
    log.do("report", WORKER)
    assert log.refused("reject", DISPATCHER).code == "reason_required"
    s = log.do("reject", DISPATCHER, reason="重复上报", duplicate_of="inc-42")
    assert s.status == "rejected" and s.duplicate_of == "inc-42"
    refusal = log.refused("accept", DISPATCHER)
    assert refusal.code == "rejected"
    assert RULES.allowed_actions(s, *DISPATCHER) == ["comment"]
    log.do("comment", WORKER, note="已告知居民")


def test_overdue_is_judged_at_each_event_and_kept():
    log = dispatched()  # deadline Tuesday 10:00
    assert not RULES.is_overdue(log.state, cn(2025, 3, 4, 10))
    assert RULES.is_overdue(log.state, cn(2025, 3, 4, 10, 1))
    assert not log.state.overdue  # nothing happened after the deadline yet
    s = log.do("comment", DISPATCHER, note="催办", after=timedelta(days=2))
    assert s.overdue
    s = log.do("extend", DISPATCHER, deadline=cn(2025, 3, 10, 17), reason="材料未到")
    assert s.overdue and s.extensions == 1 and not RULES.is_overdue(s, cn(2025, 3, 6, 12))
    log.do("start", HANDLER)
    log.do("handle", HANDLER, **HANDLE)
    assert not RULES.is_overdue(log.state, cn(2026, 1, 1))  # handled: the clock stopped
    assert log.do("close", DISPATCHER).closed_on_time is False


def test_extend_rules():
    log = dispatched(cn(2025, 9, 29, 7))  # Monday 9/29 10:00, deadline Tuesday 9/30 10:00
    assert log.refused("extend", DISPATCHER, deadline=cn(2025, 10, 9, 17)).code == "reason_required"
    refusal = log.refused("extend", DISPATCHER, deadline=cn(2025, 10, 3, 17), reason="节后处理")
    assert refusal.code == "deadline_not_workday" and "2025-10-03" in refusal.zh
    assert log.refused("extend", DISPATCHER, deadline=cn(2025, 9, 30, 9), reason="x").code == "deadline_not_later"
    assert log.refused("extend", DISPATCHER, reason="x").code == "deadline_required"
    assert log.refused("extend", WORKER, deadline=cn(2025, 10, 9, 17), reason="x").code == "role_not_allowed"
    assert log.do("extend", DISPATCHER, deadline=cn(2025, 10, 11, 17), reason="节后处理").deadline == cn(2025, 10, 11, 17)


def test_park_stops_the_clock_and_start_resumes_it():
    log = dispatched()  # deadline Tuesday 3/4 10:00
    log.do("start", HANDLER)  # Monday 11:00
    assert log.refused("park", DISPATCHER).code == "reason_required"
    s = log.do("park", DISPATCHER, reason="等待业主回家开门", after=timedelta(hours=5))  # Monday 16:00: 18 h left
    assert s.status == "parked" and s.paused_remaining == timedelta(hours=18)
    assert not RULES.is_overdue(s, cn(2025, 3, 20))
    assert log.refused("extend", DISPATCHER, deadline=cn(2025, 3, 20, 10), reason="x").code == "wrong_state"
    # Resumed the next Saturday: the 18 working hours left count from Monday 00:00.
    s = log.do("start", HANDLER, after=timedelta(days=5))
    assert s.status == "in_progress" and s.deadline == cn(2025, 3, 10, 18) and not s.overdue


def test_close_before_handling_needs_a_reason_and_handlers_cannot_close():
    log = dispatched()
    assert log.refused("close", DISPATCHER).code == "reason_required"
    assert log.refused("close", HANDLER, reason="x").zh == "只有社区工作人员或管理员可以结案"
    s = log.do("close", DISPATCHER, reason="居民已自行解决")
    assert s.status == "closed" and s.closed_on_time


@pytest.mark.parametrize(
    "setup, action, actor, fields, code, zh",
    [
        ("none", "accept", DISPATCHER, {}, "not_reported", "事件尚未上报"),
        ("none", "report", HANDLER, {}, "role_not_allowed", "处置人员不能上报事件"),
        ("reported", "report", WORKER, {}, "already_reported", "事件已上报"),
        ("reported", "accept", WORKER, {}, "role_not_allowed", "只有社区工作人员或管理员可以受理"),
        ("reported", "dispatch", DISPATCHER, {"assignee_id": "h1"}, "not_accepted", "请先受理再派单"),
        ("accepted", "dispatch", DISPATCHER, {}, "assignee_required", "派单须指定处置人员"),
        ("dispatched", "start", OTHER_HANDLER, {}, "not_assignee", "只有被指派的处置人员可以开始处置"),
        ("dispatched", "handle", HANDLER, HANDLE, "not_started", "请先开始处置再办结"),
        ("started", "handle", HANDLER, {"photo_ids": ("p",)}, "note_required", "办结须填写工作简述"),
        ("started", "handle", HANDLER, {"note": "好了"}, "photo_required", "办结须附至少一张处置后照片"),
        ("started", "handle", OTHER_HANDLER, HANDLE, "not_assignee", "只有被指派的处置人员可以办结"),
        ("started", "verify_pass", DISPATCHER, {}, "wrong_state", "事件处于“处置中”状态，不能核查通过"),
        ("handled", "verify_pass", HANDLER, {}, "self_verification", "不能核查自己办理的事件"),
        ("handled", "verify_pass", OTHER_HANDLER, {}, "not_verifier", "只有上报该事件的网格员或社区工作人员可以核查"),
        ("handled", "verify_pass", OTHER_WORKER, {}, "not_verifier", "只有上报该事件的网格员或社区工作人员可以核查"),
        ("handled", "escalate", DISPATCHER, {}, "already_handled", "事件已办理，等待核查，不能再上报街道"),
        ("handled", "rate", WORKER, {"rating": 3}, "wrong_state", "事件处于“已办理”状态，不能评价"),
        ("accepted", "escalate", DISPATCHER, {"level": "community"}, "invalid_level", "只能上报至街道"),
        ("dispatched", "comment", OTHER_HANDLER, {"note": "?"}, "not_assignee", "只能对指派给自己的事件添加备注"),
        ("dispatched", "comment", WORKER, {}, "note_required", "备注内容不能为空"),
        ("closed", "start", HANDLER, {}, "closed", "事件已办结"),
        ("reported", "fly", WORKER, {}, "unknown_action", "未知操作：fly"),
        ("reported", "accept", ("x1", "visitor"), {}, "unknown_role", "未知角色：visitor"),
    ],
)
def test_each_refusal_has_its_message(setup, action, actor, fields, code, zh):
    log = {
        "none": lambda: Log(cn(2025, 3, 3, 8)),
        "reported": lambda: _reported(),
        "accepted": lambda: _accepted(),
        "dispatched": dispatched,
        "started": _started,
        "handled": handled,
        "closed": _closed,
    }[setup]()
    refusal = log.refused(action, actor, **fields)
    assert (refusal.code, refusal.zh) == (code, zh)
    assert refusal.en and refusal.en != refusal.zh


def _reported() -> Log:
    log = Log(cn(2025, 3, 3, 8))
    log.do("report", WORKER)
    return log


def _accepted() -> Log:
    log = _reported()
    log.do("accept", DISPATCHER)
    return log


def _started() -> Log:
    log = dispatched()
    log.do("start", HANDLER)
    return log


def _closed() -> Log:
    log = handled()
    log.do("verify_pass", WORKER)
    return log


def test_refusal_messages_in_english():
    log = _started()
    refusal = log.refused("handle", OTHER_HANDLER, **HANDLE)
    assert refusal.en == "Only the assigned handler can handle this incident"
    assert refusal.message("en") == refusal.en and refusal.message() == refusal.zh


def test_events_must_be_in_time_order():
    log = dispatched()
    assert log.refused("start", HANDLER, after=timedelta(minutes=-1)).code == "out_of_order"
    assert RULES.check(log.state, Event("start", "h1", "handler", log.state.last_at)) is None  # same instant: fine
    naive = Event("start", "h1", "handler", datetime(2025, 3, 5, 9))
    assert RULES.check(log.state, naive).code == "naive_time"


def test_replay_refuses_an_invalid_log():
    log = handled()
    bad = log.events[:2] + log.events[3:]  # dispatch removed: start follows accept
    with pytest.raises(Refusal) as err:
        RULES.replay(bad)
    assert err.value.code == "wrong_state"


def test_admin_may_do_what_a_dispatcher_may():
    log = _reported()
    assert RULES.allowed_actions(log.state, *ADMIN) == RULES.allowed_actions(log.state, *DISPATCHER)
    log.do("accept", ADMIN)
    assert log.do("dispatch", ADMIN, assignee_id="w2").assignee_id == "w2"
    # A grid worker can be the assignee too: then they start and handle like a handler.
    log.do("start", OTHER_WORKER)
    assert log.do("handle", OTHER_WORKER, **HANDLE).handled_by == "w2"
    assert log.do("verify_pass", WORKER).status == Status.closed


def test_fields_an_action_does_not_use_are_ignored():
    log = _reported()
    s = log.do("accept", DISPATCHER, rating=9, deadline=cn(2020, 1, 1), assignee_id="h9")
    assert s.rating is None and s.deadline is None and s.assignee_id is None


# -- property-based: random logs by random actors -------------------------------------------------

ACTORS = [DISPATCHER, ADMIN, WORKER, OTHER_WORKER, HANDLER, OTHER_HANDLER]
PEOPLE = [a[0] for a in ACTORS] + ["h3"]
# Refusals about what the event carries, not about who acts or when: allowed_actions cannot foresee these.
PAYLOAD_CODES = {
    "reason_required", "assignee_required", "same_assignee", "deadline_required", "deadline_not_later",
    "deadline_passed", "deadline_not_workday", "note_required", "photo_required", "invalid_level", "invalid_rating",
}
OPEN_WITH_ASSIGNEE = {"dispatched", "in_progress", "parked", "handled"}

starts = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2026, 11, 30)).map(
    lambda d: d.replace(tzinfo=TZ)
)
# Each step of a random log is made from a seed: the gap since the previous event (now and then backwards),
# then mostly a guided event (an action someone may take now, sent well-formed), else an arbitrary one.
# A seeded Random instead of a dozen draws per step keeps 120 logs of up to 40 events within budget.
steps = st.integers(0, 2**32)


def gap(rnd: random.Random) -> timedelta:
    roll = rnd.random()
    if roll < 0.05:
        return timedelta(minutes=rnd.randint(-180, -1))
    return timedelta(minutes=rnd.randint(0, 600) if roll < 0.6 else rnd.randint(600, 7 * 24 * 60))


# Actions that end, shortcut or idle the loop are picked less often, so that random logs get deep into it.
ACTION_WEIGHT = {"reject": 0.1, "close": 0.1, "return": 0.3, "escalate": 0.5, "extend": 0.3, "park": 0.5,
                 "start": 2.0, "handle": 2.0}
TEXTS = [None, "", "  ", "现场情况说明"]


def plausible_event(rnd: random.Random, action: str, actor, state, at: datetime) -> Event:
    """What a well-behaved client sends for `action` (all fields: an action ignores those it does not use)."""
    deadline = None
    if action == "extend" and state.deadline is not None:
        deadline = RULES.calendar.add_workdays(max(state.deadline, at), rnd.randint(1, 5))
    return Event(
        action, actor[0], actor[1], at,
        note="现场情况说明", reason="原因说明", assignee_id=rnd.choice(PEOPLE), photo_ids=("photo-1",),
        rating=rnd.randint(1, 5), partly_solved=rnd.random() < 0.5, level=rnd.choice([None, "street"]),
        deadline=deadline, duplicate_of=rnd.choice([None, "inc-1"]),
    )


def arbitrary_event(rnd: random.Random, actor, at: datetime) -> Event:
    """Anything, mostly malformed or out of place."""
    return Event(
        action=rnd.choice([a.value for a in Action] + ["bogus"]),
        actor_id=actor[0],
        actor_role=actor[1] if rnd.random() < 0.9 else "resident",
        at=at if rnd.random() < 0.97 else at.replace(tzinfo=None),
        note=rnd.choice(TEXTS),
        reason=rnd.choice(TEXTS),
        assignee_id=rnd.choice([None, ""] + PEOPLE),
        deadline=rnd.choice([None, at + timedelta(hours=rnd.randint(-48, 240))]),
        level=rnd.choice([None, "street", "community", "city"]),
        rating=rnd.choice([None, True, rnd.randint(-1, 7)]),
        partly_solved=rnd.random() < 0.5,
        photo_ids=rnd.choice([(), ("",), ("photo-1",)]),
    )


def assert_invariants(prev, event: Event, new, log: list[Event], ever_dispatched: bool) -> None:
    actions = [e.action for e in log]
    assert new.status in {s.value for s in Status}
    assert new.reporter_id == log[0].actor_id and log[0].action == "report"
    # CLOSED is reached only by verifying a handled incident, or by a dispatcher's close.
    if new.status == "closed" and prev.status != "closed":
        assert event.action == "close" or (event.action == "verify_pass" and prev.status == "handled")
        assert new.closed_at == event.at and new.closed_on_time == (not new.overdue)
        if prev.status == "handled":
            assert event.actor_id != prev.handled_by  # nobody verifies their own work
    # A deadline exists iff the incident was dispatched at least once, and never falls on a day off.
    assert (new.deadline is not None) == ever_dispatched
    if new.deadline is not None:
        assert RULES.calendar.is_workday(new.deadline.astimezone(TZ).date())
    assert new.rework_count == actions.count("verify_fail") + actions.count("reopen")
    # Level only goes community → street, and only by escalation.
    assert new.level in {"community", "street"} and (prev.level != "street" or new.level == "street")
    assert (new.level == "street") == ("escalate" in actions)
    # A rating exists only while closed, and is given only to a closed incident.
    assert new.rating is None or (new.status == "closed" and 1 <= new.rating <= 5)
    if event.action == "rate":
        assert prev.status == "closed"
    # Overdue is judged at each event and kept.
    assert new.overdue >= prev.overdue
    if prev.status in {"dispatched", "in_progress"} and event.at > prev.deadline:
        assert new.overdue
    if new.status in OPEN_WITH_ASSIGNEE:
        assert new.assignee_id
    if new.status == "handled":
        assert new.handled_by == new.assignee_id and new.handled_at is not None


@settings(max_examples=120, deadline=None, database=None)
@given(start=starts, log_steps=st.lists(steps, min_size=3, max_size=40))
def test_random_logs_are_refused_with_a_reason_or_keep_the_invariants(start, log_steps):
    state, log, at, ever_dispatched = initial_state(), [], start, False
    for seed in log_steps:
        rnd = random.Random(seed)
        at = at + gap(rnd)
        allowed = {actor: RULES.allowed_actions(state, *actor) for actor in ACTORS}
        # Admin may do what a dispatcher may (people who took no part yet, so identity plays no role).
        assert RULES.allowed_actions(state, "a9", "admin") == RULES.allowed_actions(state, "d9", "dispatcher")
        open_actions = sorted({a for actions in allowed.values() for a in actions if a != "comment"})
        if open_actions and rnd.random() < 0.75:
            action = rnd.choices(open_actions, [ACTION_WEIGHT.get(a, 1.0) for a in open_actions])[0]
            actor = rnd.choice([actor for actor, actions in allowed.items() if action in actions])
            event = plausible_event(rnd, action, actor, state, at)
        else:
            actor = rnd.choice(ACTORS)
            event = arbitrary_event(rnd, actor, at)
        refusal = RULES.check(state, event)
        if refusal is not None:
            assert isinstance(refusal, Refusal) and refusal.code and refusal.zh and refusal.en
            with pytest.raises(Refusal) as err:
                RULES.apply(state, event)
            assert err.value.code == refusal.code
            if event.action in allowed[actor] and event.actor_role == actor[1] and event.at.tzinfo is not None:
                assert refusal.code in PAYLOAD_CODES | {"out_of_order"}, refusal
            continue
        assert event.action in allowed[actor]  # allowed_actions never hides a possible action
        new = RULES.apply(state, event)
        ever_dispatched = ever_dispatched or new.status == "dispatched"
        log.append(event)
        assert_invariants(state, event, new, log, ever_dispatched)
        state = new
    assert RULES.replay(log) == state
