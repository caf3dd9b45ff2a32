"""Activities (E动态): sign-up rules, check-in codes and their window, attendance, minutes, random logs."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridworker.domain.participation import activities as act
from gridworker.domain.participation.activities import ActivityState, Event
from gridworker.domain.participation.common import Refusal
from gridworker.domain.workdays import TZ

STAFF, M1, M2, M3 = ("s1", "dispatcher"), ("m1", "member"), ("m2", "member"), ("m3", "member")
START = datetime(2025, 6, 14, 9, tzinfo=TZ)  # Saturday 9:00–11:00
MEETING = dict(title="成立业委会议事会", kind="deliberation", place="湖语山小区会所", starts_at=START,
               ends_at=START + timedelta(hours=2), signup_deadline=START - timedelta(days=1), capacity=2, points=3)


def ev(action, actor, at, **fields) -> Event:
    return Event(action, actor[0], actor[1], at, **fields)


def run(events) -> ActivityState:
    return act.replay(events)


def refused(state, event) -> str:
    refusal = act.check(state, event)
    assert refusal is not None and refusal.zh and refusal.en
    with pytest.raises(Refusal):
        act.apply(state, event)
    return refusal.code


def published(**overrides) -> ActivityState:
    return act.apply(ActivityState(), ev("publish", STAFF, START - timedelta(days=7), **{**MEETING, **overrides}))


def test_sign_up_capacity_deadline_and_no_double_sign_up():
    s = published()
    early = START - timedelta(days=3)
    s = act.apply(s, ev("sign_up", M1, early))
    assert refused(s, ev("sign_up", M1, early)) == "already_signed_up"
    s = act.apply(s, ev("sign_up", M2, early))
    assert s.places_left == 0
    assert refused(s, ev("sign_up", M3, early)) == "full"
    s = act.apply(s, ev("cancel_signup", M2, early))
    assert s.signed_up == ("m1",) and s.places_left == 1
    # The deadline is inclusive: 9:00 the day before is still in time, one second later is not.
    assert refused(s, ev("sign_up", M3, START - timedelta(days=1, seconds=-1))) == "signup_closed"
    s = act.apply(s, ev("sign_up", M3, START - timedelta(days=1)))
    assert s.signed_up == ("m1", "m3")
    assert refused(s, ev("cancel_signup", M2, START - timedelta(hours=2))) == "not_signed_up"
    assert refused(s, ev("cancel_signup", M1, START)) == "already_started"
    assert refused(s, ev("sign_up", STAFF, START)) == "role_not_allowed"


def test_unlimited_places():
    s = published(capacity=None)
    for n in range(30):
        s = act.apply(s, ev("sign_up", (f"m{n}", "member"), START - timedelta(days=2)))
    assert len(s.signed_up) == 30 and s.places_left is None


def test_check_in_code_is_valid_only_in_the_window_around_the_activity():
    s = published()
    s = act.apply(s, ev("sign_up", M1, START - timedelta(days=2)))
    s = act.apply(s, ev("sign_up", M2, START - timedelta(days=2)))
    code = act.new_checkin_code()
    # The window: 8:30 (30 minutes before the 9:00 start) to 11:30 (30 minutes after the 11:00 end).
    assert s.checkin_window() == (datetime(2025, 6, 14, 8, 30, tzinfo=TZ), datetime(2025, 6, 14, 11, 30, tzinfo=TZ))
    assert refused(s, ev("open_checkin", STAFF, datetime(2025, 6, 14, 8, 29, tzinfo=TZ), code=code)) == "checkin_not_open"
    assert refused(s, ev("check_in", M1, datetime(2025, 6, 14, 8, 45, tzinfo=TZ), code=code)) == "no_code"
    assert refused(s, ev("open_checkin", STAFF, datetime(2025, 6, 14, 8, 30, tzinfo=TZ), code="12345")) == "invalid_code"
    assert refused(s, ev("open_checkin", STAFF, datetime(2025, 6, 14, 8, 30, tzinfo=TZ), code="١٢٣٤٥٦")) == "invalid_code"
    s = act.apply(s, ev("open_checkin", STAFF, datetime(2025, 6, 14, 8, 30, tzinfo=TZ), code=code))
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    assert refused(s, ev("check_in", M1, datetime(2025, 6, 14, 8, 40, tzinfo=TZ), code=wrong)) == "wrong_code"
    assert refused(s, ev("check_in", M3, datetime(2025, 6, 14, 8, 40, tzinfo=TZ), code=code)) == "not_signed_up"
    s = act.apply(s, ev("check_in", M1, datetime(2025, 6, 14, 8, 40, tzinfo=TZ), code=f" {code} "))
    assert refused(s, ev("check_in", M1, datetime(2025, 6, 14, 8, 41, tzinfo=TZ), code=code)) == "already_attended"
    # 11:30 is the last moment; a minute later the code is refused.
    assert refused(s, ev("check_in", M2, datetime(2025, 6, 14, 11, 31, tzinfo=TZ), code=code)) == "checkin_closed"
    s = act.apply(s, ev("check_in", M2, datetime(2025, 6, 14, 11, 30, tzinfo=TZ), code=code))
    assert s.attended == ("m1", "m2") and s.points_due_to == ("m1", "m2")


def test_check_in_codes_are_six_digits_and_not_predictable():
    codes = [act.new_checkin_code() for _ in range(2000)]
    assert all(len(c) == 6 and c.isdigit() for c in codes)
    assert len(set(codes)) > 1990  # 2,000 draws from a million: a handful of repeats at most
    assert len({c[0] for c in codes}) == 10  # leading zeros kept, every first digit drawn


def test_staff_tick_attendance_and_undo_it():
    s = published(capacity=None)
    s = act.apply(s, ev("sign_up", M1, START - timedelta(days=2)))
    assert refused(s, ev("mark_attended", STAFF, START - timedelta(hours=1), member_ids=("m1",))) == "not_started"
    s = act.apply(s, ev("mark_attended", STAFF, START + timedelta(hours=3), member_ids=("m1", "m9", "m1")))
    assert s.attended == ("m1", "m9")  # a walk-in ticked by staff counts too
    assert refused(s, ev("unmark_attended", STAFF, START + timedelta(hours=4), member_ids=("m2",))) == "not_attended"
    s = act.apply(s, ev("unmark_attended", STAFF, START + timedelta(hours=4), member_ids=("m9",)))
    assert s.attended == ("m1",)
    assert refused(s, ev("mark_attended", M1, START + timedelta(hours=4), member_ids=("m1",))) == "role_not_allowed"


def test_deliberation_keeps_minutes_and_decisions():
    s = published()
    at = START + timedelta(hours=2)
    assert refused(s, ev("record_minutes", STAFF, START - timedelta(hours=1), minutes="x")) == "not_started"
    assert refused(s, ev("record_minutes", STAFF, at, minutes=" ")) == "minutes_required"
    assert refused(s, ev("record_minutes", STAFF, at, minutes="纪要", decisions=("",))) == "empty_decision"
    s = act.apply(s, ev("record_minutes", STAFF, at, minutes="20余名党员参加，讨论成立业委会",
                        decisions=("成立筹备组", "下月召开业主大会")))
    assert s.decisions == ("成立筹备组", "下月召开业主大会")
    talk = published(kind="outreach")
    assert refused(talk, ev("record_minutes", STAFF, at, minutes="纪要")) == "not_deliberation"


def test_publish_and_cancel_rules():
    at = START - timedelta(days=7)
    for overrides, code in [
        (dict(title=" "), "title_required"),
        (dict(kind="party"), "unknown_kind"),
        (dict(place=""), "place_required"),
        (dict(ends_at=START), "invalid_time"),
        (dict(starts_at=datetime(2025, 6, 14, 9)), "invalid_time"),
        (dict(signup_deadline=START + timedelta(minutes=1)), "invalid_signup_deadline"),
        (dict(capacity=0), "invalid_capacity"),
        (dict(points=-1), "invalid_points"),
    ]:
        assert refused(ActivityState(), ev("publish", STAFF, at, **{**MEETING, **overrides})) == code
    assert refused(ActivityState(), ev("sign_up", M1, at)) == "not_published"
    s = published()
    assert refused(s, ev("publish", STAFF, at, **MEETING)) == "already_published"
    assert refused(s, ev("cancel", STAFF, at)) == "reason_required"
    assert refused(s, ev("cancel", STAFF, START + timedelta(hours=2), reason="下雨")) == "already_held"
    s = act.apply(s, ev("cancel", STAFF, at, reason="下雨"))
    assert refused(s, ev("sign_up", M1, at)) == "cancelled"
    assert s.points_due_to == ()


# -- random logs ---------------------------------------------------------------------------------------

ACTORS = [STAFF, M1, M2, M3, ("m4", "member"), ("w1", "worker")]


@settings(max_examples=100, deadline=None, database=None)
@given(seed=st.integers(0, 2**64), length=st.integers(1, 40), capacity=st.sampled_from([None, 1, 2, 3]))
def test_random_logs_never_overfill_or_double_count(seed, length, capacity):
    rnd = random.Random(seed)
    code = act.new_checkin_code()
    s = published(capacity=capacity, signup_deadline=START - timedelta(hours=rnd.choice([0, 12])))
    at = START - timedelta(days=2)
    for _ in range(length):
        at += timedelta(minutes=rnd.randint(0, 240))
        actor = rnd.choice(ACTORS)
        action = rnd.choice(act.ACTIONS[1:])
        event = ev(action, actor, at, code=rnd.choice([code, "000000", None]),
                   member_ids=tuple(rnd.sample(["m1", "m2", "m3", "m4"], rnd.randint(1, 2))),
                   minutes="纪要", reason=rnd.choice([None, "原因"]))
        refusal = act.check(s, event)
        if refusal is not None:
            assert refusal.code and refusal.zh and refusal.en
            continue
        if action == "check_in":
            assert event.code == s.checkin_code
            opens, closes = s.checkin_window()
            assert opens <= at <= closes and actor[0] in s.signed_up
        if action == "sign_up":
            assert at <= s.signup_deadline
        new = act.apply(s, event)
        assert len(set(new.signed_up)) == len(new.signed_up) and len(set(new.attended)) == len(new.attended)
        assert capacity is None or len(new.signed_up) <= capacity
        s = new
