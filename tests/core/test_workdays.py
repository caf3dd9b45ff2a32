"""Working days: the holiday table, deadlines that skip holidays and count make-up days, the loader's errors."""

from __future__ import annotations

import copy
import json
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridworker.domain.workdays import DAY, TZ, HolidayTableError, WorkCalendar

CAL = WorkCalendar.default()


def cn(y, m, d, h=0, mi=0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=TZ)


def small_table(**entry_changes) -> dict:
    entry = {"name": "春节", "name_en": "Spring Festival", "from": "2025-01-28", "to": "2025-02-04",
             "workdays": ["2025-01-26", "2025-02-08"]}
    entry.update(entry_changes)
    return {"format": "gridworker-holidays", "version": 1, "years": {"2025": [entry]}}


# -- the shipped table ----------------------------------------------------------------------------


def test_default_table_covers_2024_to_2026():
    assert {2024, 2025, 2026} <= set(CAL.years)
    assert CAL.is_covered(date(2025, 6, 1)) and not CAL.is_covered(date(2031, 6, 1))


@pytest.mark.parametrize(
    "day, working",
    [
        # Spring Festival 2025: 1/28 (除夕) to 2/4 off; Sunday 1/26 and Saturday 2/8 are make-up working days.
        ("2025-01-24", True), ("2025-01-25", False), ("2025-01-26", True), ("2025-01-27", True),
        ("2025-01-28", False), ("2025-02-01", False), ("2025-02-04", False), ("2025-02-05", True),
        ("2025-02-07", True), ("2025-02-08", True), ("2025-02-09", False),
        # Spring Festival 2026: 2/15 to 2/23 off (9 days); Saturdays 2/14 and 2/28 are working days.
        ("2026-02-13", True), ("2026-02-14", True), ("2026-02-15", False), ("2026-02-20", False),
        ("2026-02-23", False), ("2026-02-24", True), ("2026-02-28", True), ("2026-03-01", False),
        # National Day 2025 merged with Mid-Autumn: 10/1 to 10/8 off, Sunday 9/28 and Saturday 10/11 on.
        ("2025-09-28", True), ("2025-10-01", False), ("2025-10-08", False), ("2025-10-09", True),
        ("2025-10-11", True), ("2025-10-12", False),
        # New Year 2026: 1/1 to 1/3 off, Sunday 1/4 on.
        ("2026-01-02", False), ("2026-01-03", False), ("2026-01-04", True),
    ],
)
def test_known_days(day, working):
    assert CAL.is_workday(date.fromisoformat(day)) is working


def test_a_moment_is_judged_by_its_day_in_china():
    assert not CAL.is_workday(datetime(2025, 9, 30, 17, tzinfo=timezone.utc))  # 10/1 01:00 in Beijing
    assert CAL.is_workday(datetime(2025, 9, 30, 15, tzinfo=timezone.utc))


def test_outside_the_table_only_weekends_are_off():
    assert not CAL.is_covered(date(2031, 10, 1))
    assert CAL.is_workday(date(2031, 10, 1))  # a Wednesday: no table, so an ordinary working day
    assert not CAL.is_workday(date(2031, 10, 4))  # Saturday


def test_table_agrees_with_chinese_calendar_day_by_day():
    """The table was generated with chinese-calendar; where it is installed, every covered day must agree."""
    chinese_calendar = pytest.importorskip("chinese_calendar")
    for year in CAL.years:
        day = date(year, 1, 1)
        while day.year == year:
            assert CAL.is_workday(day) == chinese_calendar.is_workday(day), day
            day += DAY


# -- deadlines ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, n, expected",
    [
        # Friday before National Day 2025: one working day later is make-up Sunday 9/28.
        (cn(2025, 9, 26, 11), 1, cn(2025, 9, 28, 11)),
        # Three working days from that Friday: Sunday 9/28, Monday 9/29, Tuesday 9/30.
        (cn(2025, 9, 26, 11), 3, cn(2025, 9, 30, 11)),
        # Last working day before the holiday: the next one is 10/9, after eight days off.
        (cn(2025, 9, 30, 16), 1, cn(2025, 10, 9, 16)),
        # ...and at street level the third is make-up Saturday 10/11.
        (cn(2025, 9, 30, 16), 3, cn(2025, 10, 11, 16)),
        # National Day 2024: Monday 9/30 to Tuesday 10/8.
        (cn(2024, 9, 30, 15), 1, cn(2024, 10, 8, 15)),
        # Spring Festival 2025: Monday 1/27 (the day before 除夕) to Wednesday 2/5.
        (cn(2025, 1, 27, 10), 1, cn(2025, 2, 5, 10)),
        # Friday 1/24 at street level: Sunday 1/26 (make-up), Monday 1/27, Wednesday 2/5.
        (cn(2025, 1, 24, 17), 3, cn(2025, 2, 5, 17)),
        # Spring Festival 2026: Friday 2/13 to make-up Saturday 2/14; street level runs past the 9 days off.
        (cn(2026, 2, 13, 9, 30), 1, cn(2026, 2, 14, 9, 30)),
        (cn(2026, 2, 13, 9, 30), 3, cn(2026, 2, 25, 9, 30)),
        # Dispatched during the holiday: the count starts at midnight of the first working day (2/24).
        (cn(2026, 2, 18, 14), 1, cn(2026, 2, 25)),
        (cn(2026, 2, 18, 14), 3, cn(2026, 2, 27)),
        # An ordinary weekend: Saturday afternoon counts from Monday 00:00.
        (cn(2025, 3, 8, 14), 1, cn(2025, 3, 11)),
        # The count ends at the midnight that opens the National Day holiday: the deadline moves past it.
        (cn(2025, 9, 30), 1, cn(2025, 10, 9)),
        # Working days are judged in China time: 17:00 UTC on 9/30 is already 10/1 (a holiday) in Beijing.
        (datetime(2025, 9, 30, 17, tzinfo=timezone.utc), 1, cn(2025, 10, 10)),
    ],
)
def test_deadlines(start, n, expected):
    deadline = CAL.add_workdays(start, n)
    assert deadline == expected
    assert CAL.is_workday(deadline.astimezone(TZ).date())
    assert CAL.working_time_between(start, deadline) == n * DAY


def test_workdays_between_counts_only_working_hours():
    # Friday 18:00 to Monday 06:00: 6 hours on Friday, 6 on Monday.
    assert CAL.workdays_between(cn(2025, 3, 7, 18), cn(2025, 3, 10, 6)) == pytest.approx(0.5)
    assert CAL.workdays_between(cn(2025, 3, 10, 6), cn(2025, 3, 7, 18)) == pytest.approx(-0.5)
    # The whole Spring Festival 2025 holiday is worth nothing.
    assert CAL.workdays_between(cn(2025, 1, 28), cn(2025, 2, 5)) == 0


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        CAL.add_workdays(datetime(2025, 1, 1, 9), 1)


instants = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2026, 12, 20)).map(
    lambda d: d.replace(tzinfo=TZ)
)
offsets = st.sampled_from([timezone.utc, TZ, timezone(timedelta(hours=-5)), timezone(timedelta(hours=9))])


@settings(max_examples=300, deadline=None, database=None)
@given(start=instants, tz=offsets, n=st.sampled_from([1, 3]))
def test_no_deadline_falls_on_a_non_working_day(start, tz, n):
    start = start.astimezone(tz)
    deadline = CAL.add_workdays(start, n)
    local_start = start.astimezone(TZ)
    assert deadline > start
    assert CAL.is_workday(deadline.astimezone(TZ).date())
    # Exactly n days of working time have passed...
    assert CAL.working_time_between(start, deadline) == n * DAY
    # ...and not a moment of working time earlier: a second before, either less has passed or it is a day off.
    before = deadline - timedelta(seconds=1)
    assert CAL.working_time_between(start, before) < n * DAY or not CAL.is_workday(before.astimezone(TZ).date())
    # From a working day the clock time is kept; from a day off the count starts at midnight.
    if CAL.is_workday(local_start.date()):
        assert deadline.astimezone(TZ).time() == local_start.time()
    else:
        assert deadline.astimezone(TZ).time() == datetime.min.time()


def _minute_stepping(calendar: WorkCalendar, a: datetime, b: datetime) -> timedelta:
    """The reference: walk from a to b a minute at a time, counting the minutes that fall on a working day.

    The day rule is read straight off the table (days off, make-up days, else Monday to Friday)."""
    off = {d for p in calendar.periods for d in p.days_off()}
    on = {d for p in calendar.periods for d in p.workdays}
    sign = 1
    if b < a:
        a, b, sign = b, a, -1
    a = a.astimezone(TZ)
    minutes = 0
    for i in range(int((b - a) / timedelta(minutes=1))):
        day = (a + timedelta(minutes=i)).date()
        minutes += day in on or (day not in off and day.weekday() < 5)
    return sign * timedelta(minutes=minutes)


# Minutes from late 2024 to early 2027: National Day, Spring Festival and its 调休 Saturdays, year ends, and
# 2027 (not in the table: weekends only).
spans = st.tuples(
    st.integers(min_value=0, max_value=60 * 24 * 840).map(lambda m: datetime(2024, 9, 20, tzinfo=TZ) + timedelta(minutes=m)),
    st.integers(min_value=-60 * 24 * 9, max_value=60 * 24 * 9),
    offsets,
)


@settings(max_examples=150, deadline=None, database=None)
@given(span=spans)
def test_working_time_equals_counting_minute_by_minute(span):
    start, minutes, tz = span
    a = start.astimezone(tz)
    b = a + timedelta(minutes=minutes)
    assert CAL.working_time_between(a, b) == _minute_stepping(CAL, a, b)


def test_working_time_over_long_spans_is_the_sum_of_its_parts():
    """Over years (beyond what minute stepping can check): cut anywhere, the two parts add up; a year of
    the table has the working days of its days one by one."""
    a, b = cn(2023, 3, 5, 10, 17), cn(2027, 2, 1, 8)
    for cut in (cn(2024, 1, 1), cn(2025, 1, 28, 13), cn(2026, 2, 14, 23, 59)):
        assert CAL.working_time_between(a, b) == CAL.working_time_between(a, cut) + CAL.working_time_between(cut, b)
    days_2026 = sum(CAL.is_workday(date(2026, 1, 1) + timedelta(days=i)) for i in range(365))
    assert CAL.working_time_between(cn(2026, 1, 1), cn(2027, 1, 1)) == days_2026 * DAY
    # 2026's Spring Festival: 2/15 to 2/23 off; Saturdays 2/14 and 2/28 worked: ½ + 1 + 4 (2/24–27) + 1.
    assert CAL.working_time_between(cn(2026, 2, 13, 12), cn(2026, 3, 2)) == timedelta(hours=12) + 6 * DAY


def test_working_time_does_not_walk_the_days_between(monkeypatch):
    """The board shows time left on incidents years late, statistics measure a year of them: once the
    calendar has counted a year, a span of years looks at its first and last day only."""
    cal = WorkCalendar.from_table(CAL.to_table())
    a, b = cn(2016, 5, 3, 9), cn(2026, 5, 3, 9)
    expected = _minute_stepping(cal, a, a + 3 * DAY) + cal.working_time_between(a + 3 * DAY, b)
    wider = cal.working_time_between(a - DAY, b + DAY)
    looked_at = []
    real = WorkCalendar.is_workday
    monkeypatch.setattr(WorkCalendar, "is_workday", lambda self, day: looked_at.append(day) or real(self, day))
    assert cal.working_time_between(a, b) == expected
    assert cal.working_time_between(a - DAY, b + DAY) == wider
    assert len(looked_at) <= 8


# -- the table format -----------------------------------------------------------------------------


def test_a_valid_small_table_loads_and_round_trips():
    cal = WorkCalendar.from_table(small_table())
    assert cal.years == (2025,) and not cal.is_workday(date(2025, 1, 30)) and cal.is_workday(date(2025, 1, 26))
    again = WorkCalendar.from_table(cal.to_table())
    assert again.periods == cal.periods
    shipped = WorkCalendar.from_table(CAL.to_table())
    assert shipped.periods == CAL.periods


def test_an_admin_adds_a_later_year():
    later = {"format": "gridworker-holidays", "version": 1, "years": {"2031": [
        {"name": "国庆节", "name_en": "National Day", "from": "2031-10-01", "to": "2031-10-07", "workdays": ["2031-09-28"]},
    ]}}
    cal = CAL.merged(later)
    assert cal.is_covered(date(2031, 10, 1)) and not cal.is_workday(date(2031, 10, 1))
    assert cal.is_workday(date(2031, 9, 28))  # a Sunday made a working day
    assert cal.is_workday(date(2025, 10, 11)) and not cal.is_workday(date(2025, 10, 1))  # the shipped years stay
    # Importing a year again replaces it rather than adding to it.
    fixed = copy.deepcopy(later)
    fixed["years"]["2031"][0]["to"] = "2031-10-05"
    assert cal.merged(fixed).is_workday(date(2031, 10, 6))


@pytest.mark.parametrize(
    "changes, words",
    [
        ({"to": "2025-02-31"}, ["2025", "春节", "2025-02-31"]),
        ({"from": "2025/01/28"}, ["2025", "春节", "from"]),
        ({"to": "2025-01-20"}, ["春节", "to"]),
        ({"workdays": ["2025-01-27"]}, ["春节", "2025-01-27", "周末"]),
        ({"workdays": ["2025-02-01"]}, ["春节", "2025-02-01", "假期之内"]),
        ({"workdays": ["2025-06-07"]}, ["春节", "2025-06-07"]),
        ({"from": "2026-01-28", "to": "2026-02-04"}, ["2025", "春节"]),
        ({"form": "2025-01-28"}, ["春节", "form"]),
        ({"name": ""}, ["2025", "第1项", "name"]),
        ({"workdays": "2025-01-26"}, ["春节", "workdays"]),
    ],
)
def test_bad_entries_are_named(changes, words):
    with pytest.raises(HolidayTableError) as err:
        WorkCalendar.from_table(small_table(**changes))
    for word in words:
        assert word in err.value.zh
    assert err.value.en and err.value.code == "invalid_holiday_table"


def test_bad_table_shapes():
    for table, word in [
        ({"format": "other", "version": 1, "years": {}}, "format"),
        ({"format": "gridworker-holidays", "version": 2, "years": {}}, "2"),
        ({"format": "gridworker-holidays", "version": 1, "years": {}}, "years"),
        ({"format": "gridworker-holidays", "version": 1, "years": {"25": []}}, "25"),
    ]:
        with pytest.raises(HolidayTableError) as err:
            WorkCalendar.from_table(table)
        assert word in err.value.zh


def test_a_day_both_off_and_on_is_refused():
    table = small_table()
    table["years"]["2025"].append(
        {"name": "补班", "name_en": "Make-up", "from": "2025-02-10", "to": "2025-02-10", "workdays": ["2025-02-08"]}
    )
    table["years"]["2025"].append(
        {"name": "假", "name_en": "Off", "from": "2025-02-08", "to": "2025-02-08", "workdays": []}
    )
    with pytest.raises(HolidayTableError, match="2025-02-08"):
        WorkCalendar.from_table(table)


def test_files_with_duplicate_years_or_bad_json(tmp_path):
    dup = tmp_path / "dup.json"
    entry = json.dumps(small_table()["years"]["2025"])
    dup.write_text('{"format": "gridworker-holidays", "version": 1, "years": {"2025": %s, "2025": %s}}' % (entry, entry))
    with pytest.raises(HolidayTableError, match="2025"):
        WorkCalendar.from_file(dup)
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "gridworker-holidays",\n "version": 1,,}')
    with pytest.raises(HolidayTableError) as err:
        WorkCalendar.from_file(broken)
    assert "第2行" in err.value.zh and "line 2" in err.value.en
