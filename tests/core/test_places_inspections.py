"""Inspections: validated, failed items become hazards with deadlines on working days, re-inspections
sign hazards off or extend them, overdue hazards and the serious ones escalate into incidents."""

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridworker.domain.errors import ValidationError
from gridworker.domain.places.checklists import load_checklists
from gridworker.domain.places.escalation import escalation_fields
from gridworker.domain.places.inspections import (
    MAX_EXTENSIONS,
    Answer,
    HazardEvent,
    HazardRefusal,
    HazardRules,
    HazardState,
    Inspection,
    Verdict,
    hazard_id,
    inspection_events,
    validate_inspection,
)
from gridworker.domain.places.place import Place
from gridworker.domain.register import InvalidRecord
from gridworker.domain.workdays import TZ, WorkCalendar

TABLE = load_checklists()
RULES = HazardRules(WorkCalendar.default())
PLACE = Place("pl1", "老王面馆", "restaurant", area_id="g1", address="幸福路12号", building_id="b1",
              person_in_charge="王建国", phone="13800138000")  # fmt: skip
EVE_OF_NATIONAL_DAY = datetime(2025, 9, 30, 10, 0, tzinfo=TZ)  # Tue; 1–8 Oct off, Sat 11 Oct a make-up working day


def _answers(kind="restaurant", failed=(), **extra):
    out = []
    for item in TABLE.for_kind(kind):
        if item.code in failed:
            out.append(Answer(item.code, "fail", photo_ids=(f"photo-{item.code}",)))
        else:
            out.append(Answer(item.code, "pass"))
    return tuple(out)


def _inspection(failed=("WIRING", "EXIT"), at=EVE_OF_NATIONAL_DAY, **kw):
    base = Inspection("i1", PLACE.id, PLACE.kind, "worker1", at, _answers(failed=failed), acknowledged_by="王建国")
    return replace(base, **kw)


def _fields(info) -> dict[str, str]:
    return {e.field: e.code for e in info.value.errors}


def _open(failed=("WIRING", "EXIT"), at=EVE_OF_NATIONAL_DAY):
    """The open hazards after an inspection, by id."""
    insp = validate_inspection(_inspection(failed, at), TABLE, now=at)
    _, events = inspection_events(insp, TABLE, RULES)
    return {h: RULES.replay(evs) for h, evs in events.items()}


# -- validation -------------------------------------------------------------------------------
def test_a_complete_inspection_is_accepted_and_trimmed():
    insp = validate_inspection(_inspection(acknowledged_by="  王建国 ", notes=" 后厨 "), TABLE, now=EVE_OF_NATIONAL_DAY)
    assert insp.acknowledged_by == "王建国" and insp.notes == "后厨"
    assert {a.item_code for a in insp.failed()} == {"WIRING", "EXIT"}


def test_every_item_must_be_answered_and_only_once():
    answers = _answers()[1:] + (Answer("HOTEL-REG", "pass"), Answer("EBIKE", "na"))
    with pytest.raises(InvalidRecord) as info:
        validate_inspection(_inspection(answers=answers), TABLE, now=EVE_OF_NATIONAL_DAY)
    assert _fields(info) == {"answers.FIRE-EXT": "unanswered", "answers.HOTEL-REG": "unknown_item",
                             "answers.EBIKE": "duplicate_answer"}  # fmt: skip
    assert "灭火器" in info.value.zh and "Fire extinguishers" in info.value.en


def test_a_failed_item_needs_a_photo_unless_waived_with_a_reason():
    answers = tuple(replace(a, photo_ids=()) if a.item_code == "WIRING" else a for a in _answers(failed=("WIRING",)))
    with pytest.raises(InvalidRecord) as info:
        validate_inspection(_inspection(answers=answers), TABLE, now=EVE_OF_NATIONAL_DAY)
    assert _fields(info) == {"answers.WIRING": "photo_required"}
    waived = tuple(replace(a, photo_waiver="负责人不同意拍照") if a.item_code == "WIRING" else a for a in answers)
    assert validate_inspection(_inspection(answers=waived), TABLE, now=EVE_OF_NATIONAL_DAY).failed()[0].photo_waiver


def test_failed_items_need_the_person_in_charge_to_acknowledge():
    with pytest.raises(InvalidRecord) as info:
        validate_inspection(_inspection(acknowledged_by=" "), TABLE, now=EVE_OF_NATIONAL_DAY)
    assert _fields(info) == {"acknowledged_by": "acknowledgement_required"}
    validate_inspection(_inspection(failed=(), acknowledged_by=None), TABLE, now=EVE_OF_NATIONAL_DAY)  # nothing failed


def test_the_time_must_be_aware_and_not_in_the_future():
    with pytest.raises(InvalidRecord) as info:
        validate_inspection(_inspection(at=datetime(2025, 9, 30, 10)), TABLE)
    assert _fields(info) == {"at": "naive_time"}
    with pytest.raises(InvalidRecord) as info:
        validate_inspection(_inspection(), TABLE, now=EVE_OF_NATIONAL_DAY - timedelta(hours=1))
    assert _fields(info) == {"at": "future"}


# -- deadlines on working days ---------------------------------------------------------------------
def test_deadlines_skip_the_national_day_holiday_and_count_the_make_up_saturday():
    insp = validate_inspection(_inspection(), TABLE, now=EVE_OF_NATIONAL_DAY)
    hazards, events = inspection_events(insp, TABLE, RULES)
    deadlines = {h.item_code: h.deadline for h in hazards}
    # EXIT: 1 working day. 30 Sep 10:00 → midnight (14 h), 1–8 Oct off, 9 Oct 00:00–10:00 (10 h).
    assert deadlines["EXIT"] == datetime(2025, 10, 9, 10, 0, tzinfo=TZ)
    # WIRING: 3 working days. 14 h + 9 Oct (24 h) + 10 Oct (24 h) + 10 h of Saturday 11 Oct, a make-up working day.
    assert deadlines["WIRING"] == datetime(2025, 10, 11, 10, 0, tzinfo=TZ)
    assert {h.id for h in hazards} == {hazard_id("i1", "EXIT"), hazard_id("i1", "WIRING")}
    assert all(evs[0].action == "found" for evs in events.values())
    assert next(h for h in hazards if h.item_code == "WIRING").photo_ids == ("photo-WIRING",)


def test_a_deadline_counts_the_make_up_saturday_before_spring_festival():
    friday = datetime(2026, 2, 13, 15, 0, tzinfo=TZ)  # 14 Feb 2026 (Sat) is a make-up working day, 15–23 Feb off
    assert RULES.deadline(friday, 1) == datetime(2026, 2, 14, 15, 0, tzinfo=TZ)
    assert RULES.deadline(friday, 2) == datetime(2026, 2, 24, 15, 0, tzinfo=TZ)


@settings(max_examples=60, deadline=None)
@given(st.datetimes(min_value=datetime(2023, 1, 1), max_value=datetime(2026, 12, 1)), st.integers(1, 20))
def test_a_deadline_is_a_working_moment_exactly_n_working_days_on(start, days):
    start = start.replace(tzinfo=TZ)
    deadline = RULES.deadline(start, days)
    assert RULES.calendar.is_workday(deadline)
    assert RULES.calendar.workdays_between(start, deadline) == days


# -- re-inspections ------------------------------------------------------------------------------
RECHECK_AT = datetime(2025, 10, 10, 9, 0, tzinfo=TZ)  # after EXIT's deadline, before WIRING's


def _recheck(verdicts, at=RECHECK_AT, **kw):
    return Inspection("i2", PLACE.id, PLACE.kind, "worker1", at, purpose="recheck", verdicts=tuple(verdicts), **kw)


def test_a_re_inspection_must_judge_every_open_hazard():
    hazards = _open()
    with pytest.raises(InvalidRecord) as info:
        validate_inspection(_recheck([Verdict(hazard_id("i1", "EXIT"), "rectified")]), TABLE, open_hazards=hazards)
    assert _fields(info) == {f"verdicts.{hazard_id('i1', 'WIRING')}": "verdict_missing"}
    assert "私拉乱接" in info.value.zh
    with pytest.raises(InvalidRecord) as info:
        validate_inspection(_recheck([Verdict("nope", "rectified")]), TABLE, open_hazards={})
    assert _fields(info) == {"verdicts.nope": "not_open", "verdicts": "nothing_to_recheck"}


def test_re_inspection_signs_off_one_and_extends_the_other_from_the_re_inspection_day():
    hazards = _open()
    exit_id, wiring_id = hazard_id("i1", "EXIT"), hazard_id("i1", "WIRING")
    recheck = validate_inspection(_recheck([
        Verdict(exit_id, "rectified", photo_ids=("after-1",)),
        Verdict(wiring_id, "extended", reason="等电工进场", days=2),
    ]), TABLE, open_hazards=hazards, now=RECHECK_AT)  # fmt: skip
    new, events = inspection_events(recheck, TABLE, RULES, hazards)
    assert new == []
    states = {h: RULES.replay(_open_events(h) + events[h]) for h in (exit_id, wiring_id)}
    assert states[exit_id].status == "rectified" and states[exit_id].rectified_on_time is False  # 9 Oct 10:00 passed
    assert states[exit_id].overdue
    wiring = states[wiring_id]
    assert wiring.status == "open" and wiring.extensions == 1 and not wiring.overdue
    # 2 working days from Fri 10 Oct 09:00: 15 h + Sat 11 Oct (make-up, 24 h) + 9 h of Mon 13 Oct.
    assert wiring.deadline == datetime(2025, 10, 13, 9, 0, tzinfo=TZ)
    assert wiring.first_deadline == datetime(2025, 10, 11, 10, 0, tzinfo=TZ)


def _open_events(hid):
    insp = validate_inspection(_inspection(), TABLE, now=EVE_OF_NATIONAL_DAY)
    return inspection_events(insp, TABLE, RULES)[1][hid]


def test_an_extension_needs_a_reason_and_a_bounded_number_of_days():
    hazards = _open()
    wiring_id = hazard_id("i1", "WIRING")
    rest = [Verdict(hazard_id("i1", "EXIT"), "rectified")]
    for verdict, code in [(Verdict(wiring_id, "extended", days=2), "reason_required"),
                          (Verdict(wiring_id, "extended", reason="  ", days=2), "reason_required"),
                          (Verdict(wiring_id, "extended", reason="材料未到", days=0), "extension_days"),
                          (Verdict(wiring_id, "extended", reason="材料未到", days=31), "extension_days")]:  # fmt: skip
        with pytest.raises(InvalidRecord) as info:
            validate_inspection(_recheck(rest + [verdict]), TABLE, open_hazards=hazards, now=RECHECK_AT)
        assert _fields(info) == {f"verdicts.{wiring_id}": code}


def test_extensions_are_bounded():
    events = _open_events(hazard_id("i1", "WIRING"))
    state = RULES.replay(events)
    at = RECHECK_AT
    for n in range(MAX_EXTENSIONS):
        at += timedelta(days=1)
        state = RULES.apply(state, HazardEvent("extended", "worker1", at, f"r{n}", RULES.deadline(at, 3), reason="材料未到"))
    assert state.extensions == MAX_EXTENSIONS
    refusal = RULES.check(state, HazardEvent("extended", "worker1", at + timedelta(days=1), "r9",
                                             RULES.deadline(at, 5), reason="还没到"))  # fmt: skip
    assert refusal is not None and refusal.code == "extension_limit" and "最多2次" in refusal.zh
    hazards = {hazard_id("i1", "WIRING"): state}
    with pytest.raises(InvalidRecord) as info:
        validate_inspection(_recheck([Verdict(hazard_id("i1", "WIRING"), "extended", reason="x", days=2)], at=at + timedelta(days=1)),
                            TABLE, open_hazards=hazards)  # fmt: skip
    assert _fields(info) == {f"verdicts.{hazard_id('i1', 'WIRING')}": "extension_limit"}


def test_sign_off_and_extension_only_at_a_re_inspection_and_in_order():
    state = RULES.replay(_open_events(hazard_id("i1", "WIRING")))
    assert RULES.check(state, HazardEvent("rectified", "worker1", RECHECK_AT)).code == "recheck_required"
    assert RULES.check(state, HazardEvent("rectified", "worker1", EVE_OF_NATIONAL_DAY - timedelta(days=1), "i2")).code == "out_of_order"
    later = HazardEvent("extended", "worker1", RECHECK_AT, "i2", state.deadline - timedelta(hours=1), reason="x")
    assert RULES.check(state, later).code == "deadline_not_later"
    done = RULES.apply(state, HazardEvent("rectified", "worker1", RECHECK_AT, "i2"))
    assert done.rectified_on_time is True
    assert RULES.check(done, HazardEvent("extended", "worker1", RECHECK_AT, "i3", RECHECK_AT + timedelta(days=9), reason="x")).code == "wrong_state"
    assert RULES.check(done, HazardEvent("rectified", "worker1", RECHECK_AT, "i3")).code == "wrong_state"


def test_not_rectified_keeps_the_deadline_and_the_hazard_becomes_overdue():
    state = RULES.replay(_open_events(hazard_id("i1", "EXIT")))
    assert not RULES.is_overdue(state, datetime(2025, 10, 9, 9, 59, tzinfo=TZ))
    assert RULES.is_overdue(state, datetime(2025, 10, 9, 10, 1, tzinfo=TZ))
    state = RULES.apply(state, HazardEvent("not_rectified", "worker1", RECHECK_AT, "i2"))
    assert state.status == "open" and state.rechecks == 1 and state.overdue
    assert state.deadline == datetime(2025, 10, 9, 10, 0, tzinfo=TZ)


def test_a_failed_item_with_an_open_hazard_makes_no_second_hazard():
    hazards = _open()
    again = replace(_inspection(failed=("WIRING", "EBIKE"), at=RECHECK_AT), id="i3",
                    verdicts=(Verdict(hazard_id("i1", "EXIT"), "rectified"),))  # fmt: skip
    again = validate_inspection(again, TABLE, open_hazards=hazards, now=RECHECK_AT)
    new, events = inspection_events(again, TABLE, RULES, hazards)
    assert [h.item_code for h in new] == ["EBIKE"]
    assert set(events) == {hazard_id("i3", "EBIKE"), hazard_id("i1", "EXIT")}


# -- escalation ----------------------------------------------------------------------------------
def test_which_hazards_qualify_for_escalation():
    at = EVE_OF_NATIONAL_DAY
    insp = validate_inspection(_inspection(failed=("LPG", "EXIT", "FLUE")), TABLE, now=at)
    hazards, events = inspection_events(insp, TABLE, RULES)
    states = {h.item_code: RULES.replay(events[h.id]) for h in hazards}
    lpg, exit_, flue = states["LPG"], states["EXIT"], states["FLUE"]
    assert (lpg.severity, exit_.severity, flue.severity) == ("major", "significant", "general")
    assert RULES.qualifies_for_escalation(lpg, at)  # major: at once
    assert not RULES.qualifies_for_escalation(exit_, at)  # significant: not before its deadline
    assert RULES.qualifies_for_escalation(exit_, datetime(2025, 10, 9, 11, tzinfo=TZ))
    much_later = datetime(2025, 11, 30, tzinfo=TZ)
    assert not RULES.qualifies_for_escalation(flue, much_later)  # minor, overdue, but extensions left
    for n in range(MAX_EXTENSIONS):
        t = datetime(2025, 10, 20 + n, 9, tzinfo=TZ)
        flue = RULES.apply(flue, HazardEvent("extended", "worker1", t, f"r{n}", RULES.deadline(t, 1 + n * 5), reason="x"))
    assert RULES.qualifies_for_escalation(flue, much_later)
    refusal = RULES.check(exit_, HazardEvent("escalated", "worker1", at, incident_id="inc1"))
    assert refusal.code == "not_serious"
    escalated = RULES.apply(lpg, HazardEvent("escalated", "worker1", at + timedelta(hours=1), incident_id="inc1"))
    assert escalated.status == "escalated" and escalated.incident_id == "inc1"
    assert not RULES.qualifies_for_escalation(escalated, much_later) and not RULES.is_overdue(escalated, much_later)
    signed = RULES.apply(escalated, HazardEvent("rectified", "worker1", much_later, "i9"))
    assert signed.status == "rectified" and signed.rectified_on_time is None


def test_escalation_fills_the_incident_fields():
    insp = validate_inspection(_inspection(failed=("LPG",)), TABLE, now=EVE_OF_NATIONAL_DAY)
    hazards, events = inspection_events(insp, TABLE, RULES)
    h = hazards[0]
    state = RULES.replay(events[h.id])
    zh = escalation_fields(PLACE, h, state, TABLE, now=datetime(2025, 10, 10, tzinfo=TZ))
    assert zh["category"] == "G0203" and zh["urgency"] == "urgent"
    assert zh["title"] == "老王面馆：违规使用、存放液化石油气钢瓶"
    assert "重大" in zh["description"] and "2025年9月30日" in zh["description"] and "2025年10月9日" in zh["description"]
    assert "已逾期" in zh["description"] and "王建国" in zh["description"]
    assert zh["location_text"] == "幸福路12号" and zh["building_id"] == "b1" and zh["area_id"] == "g1"
    assert zh["photo_ids"] == ["photo-LPG"]
    en = escalation_fields(PLACE, h, state, TABLE, now=EVE_OF_NATIONAL_DAY, lang="en")
    assert "Grade: major" in en["description"] and "30 Sep 2025" in en["description"] and "overdue" not in en["description"]
    assert "2025-" not in en["description"] and "2025-" not in zh["description"]  # days in words, no ISO dates


def test_days_in_words_do_not_follow_the_process_locale():
    import locale

    from gridworker.domain.places.escalation import day_text

    moment = datetime(2025, 10, 8, 20, tzinfo=timezone.utc)  # 9 Oct in China
    saved = locale.setlocale(locale.LC_TIME)
    try:
        for name in ("zh_CN.UTF-8", "de_DE.UTF-8", "C.UTF-8"):
            try:
                locale.setlocale(locale.LC_TIME, name)
            except locale.Error:
                continue
            assert day_text(moment, "en") == "9 Oct 2025" and day_text(moment) == "2025年10月9日"
    finally:
        locale.setlocale(locale.LC_TIME, saved)


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(["general", "significant", "major"]),
       st.lists(st.tuples(st.sampled_from(["rectified", "extended", "not_rectified", "escalated"]),
                          st.integers(0, 200), st.integers(1, 10), st.booleans()), max_size=12))  # fmt: skip
def test_any_sequence_of_hazard_events_keeps_the_rules(severity, steps):
    found = HazardEvent("found", "w", EVE_OF_NATIONAL_DAY, "i1", RULES.deadline(EVE_OF_NATIONAL_DAY, 3),
                        severity=severity, item_code="WIRING")  # fmt: skip
    state = RULES.apply(HazardState(), found)
    at = EVE_OF_NATIONAL_DAY
    for action, hours, days, at_recheck in steps:
        at += timedelta(hours=hours)
        event = HazardEvent(action, "w", at, "r" if at_recheck else None, RULES.deadline(at, days), reason="原因",
                            incident_id="inc" if action == "escalated" else None)  # fmt: skip
        before = state
        refusal = RULES.check(state, event)
        if refusal is None:
            state = RULES.apply(state, event)
            assert before.status in ("open", "escalated")  # nothing follows a sign-off
            if action in ("rectified", "extended", "not_rectified"):
                assert at_recheck  # only at a re-inspection
            if action == "escalated":
                assert severity == "major" or RULES.is_overdue(before, at)
        else:
            assert isinstance(refusal, HazardRefusal) and refusal.zh and refusal.en
        assert state.extensions <= MAX_EXTENSIONS
        assert state.deadline >= state.first_deadline
        assert state.overdue or state.status != "rectified" or state.rectified_on_time in (True, None)
