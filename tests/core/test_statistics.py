"""Statistics on a small hand-built community, checked against figures worked out by hand below."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import openpyxl
import pytest

from gridworker.domain.fieldwork import Incident
from gridworker.domain.workdays import WorkCalendar
from gridworker.services import incidents as inc
from gridworker.services import register
from gridworker.services import statistics as st
from gridworker.services import visits as vs
from tests.core.test_incidents import CST, DISPATCHER, HANDLER, WORKER, jpeg

W1, W2, W3 = WORKER, "0b6c1f7e-0000-4000-8000-0000000000a2", "0b6c1f7e-0000-4000-8000-0000000000a3"
MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=CST)


@pytest.fixture
def town(store):
    """Community C (grids G1, G2) and community D (grid G3), with households, people, visits, incidents.

    Every row below says how it counts for community C in March 2026.
    """
    c = register.register_area(store, code="C", name="幸福社区", level="community")
    g1 = register.register_area(store, code="G1", name="第一网格", level="grid", parent_id=c.id)
    g2 = register.register_area(store, code="G2", name="第二网格", level="grid", parent_id=c.id)
    d = register.register_area(store, code="D", name="和平社区", level="community")
    g3 = register.register_area(store, code="G3", name="第三网格", level="grid", parent_id=d.id)
    b1 = register.register_building(store, {"name": "1号楼", "area_id": g1.id}).id
    b2 = register.register_building(store, {"name": "2号楼", "area_id": g2.id}).id
    b3 = register.register_building(store, {"name": "3号楼", "area_id": g3.id}).id

    def household(building: str, room: str) -> str:
        return register.register_household(store, {"building_id": building, "unit": "1", "room": room}).id

    h1, h2, h3 = household(b1, "101"), household(b1, "102"), household(b1, "103")
    h4, h5 = household(b2, "101"), household(b2, "102")
    h6 = household(b3, "101")
    h7 = household(b1, "104")
    register.delete_record(store, "household", h7)  # tombstoned: counts nowhere

    def person(hh: str, name: str, tags: list[str]) -> str:
        return register.register_person(store, {"name": name, "household_id": hh, "tags": tags}).id

    person(h1, "王秀英", ["elderly_alone"])  # special, household visited
    person(h2, "李建国", ["disabled", "hardship"])  # special (once), household only knocked
    person(h4, "赵小宝", ["left_behind_child"])  # special, household visited
    register.mark_moved_out(store, person(h5, "孙强", ["key_person"]))  # moved out: not counted
    person(h3, "周卫国", ["veteran"])  # not a special group
    person(h6, "吴奶奶", ["elderly_alone"])  # community D

    def visit(hh, who, when, outcome="met", building=None):
        vs.log_visit(store, hh, building, visitor_id=who, outcome=outcome, visited_at=when)

    visit(h1, W1, at(3, 2))  # v1 in
    visit(h1, W1, at(3, 20))  # v2 in (same household again)
    visit(h2, W1, at(3, 5), "not_home")  # v3 in, but meets nobody
    visit(h4, W2, at(3, 31, 23, 30))  # v4 in: last half hour of March in China (15:30 UTC)
    visit(h5, W2, at(4, 1, 0, 10))  # v5 out: April in China, though still March 31 in UTC
    visit(h3, W2, at(2, 28, 23, 59))  # v6 out: February
    visit(None, W1, at(3, 10), "other", building=b1)  # v7 in: a building visit
    visit(h6, W3, at(3, 3))  # v8 out: community D

    def incident(area, category, reported, status, *, handled=None, closed=None, deadline=None, overdue=False, rework=0):
        with store.write() as s:
            s.add(Incident(
                area_id=area, title=category, description=category, category=category, reporter_id=W1,
                reported_at=reported, status=status, handled_at=handled, closed_at=closed, deadline=deadline,
                overdue=overdue, rework_count=rework,
            ))  # fmt: skip

    # i1: handled after 6 h (0.25 working day, Monday), closed on time
    incident(g1.id, "E0102", at(3, 2), "closed", handled=at(3, 2, 15), closed=at(3, 3, 10), deadline=at(3, 3))
    # i2: Fri 09:00 → Mon 09:00 = 72 h, 1.0 working day (15 h Friday + 9 h Monday); closed late, reworked once
    incident(g1.id, "E0102", at(3, 6), "closed", handled=at(3, 9), closed=at(3, 10, 10), deadline=at(3, 9, 8),
             overdue=True, rework=1)
    # i3: still in progress, past its deadline at the end of March
    incident(g2.id, "G0101", at(3, 10), "in_progress", deadline=at(3, 11))
    # i4: rejected
    incident(g2.id, "G0101", at(3, 12), "rejected")
    # i5: handled after 2 h (1/12 working day), but closed only in April; reworked twice
    incident(g1.id, "G0201", at(3, 20), "closed", handled=at(3, 20, 11), closed=at(4, 2, 10), rework=2)
    # i6: reported in February: out
    incident(g1.id, "E0102", at(2, 27), "closed", handled=at(2, 27, 10), closed=at(2, 27, 12))
    # i7: community D: out
    incident(g3.id, "E0102", at(3, 5), "reported")
    # i8: reported in the last hour of March
    incident(g2.id, "C0101", at(3, 31, 23), "reported")
    # i9: dispatched, deadline after the end of March: not overdue
    incident(g1.id, "C0101", at(3, 30), "dispatched", deadline=at(4, 1, 9))
    return {"C": c.id, "G1": g1.id, "G2": g2.id, "D": d.id}


def test_community_figures_match_the_hand_count(store, town):
    s = st.compute_statistics(store, [town["C"]], *MARCH)
    # Households of C: h1–h5 (h6 is in D, h7 deleted).
    assert s.households_total == 5
    # Met in March: h1 (v1, v2) and h4 (v4); h2 was only knocked, h5 and h3 fall outside March.
    assert s.households_visited == 2
    assert s.visit_rate == pytest.approx(2 / 5)
    # Special people of C: 王秀英, 李建国, 赵小宝 (孙强 moved out, 周卫国 is no special group).
    # Their households met in March: h1 and h4 → 王秀英 and 赵小宝.
    assert (s.special_total, s.special_covered) == (3, 2)
    # Visits in C in March: v1, v2, v3, v7 by W1 (v1 and v2 met someone), v4 by W2 (met).
    assert s.visits_total == 5
    assert [(w.visitor_id, w.visits, w.met) for w in s.visits_by_worker] == [(W1, 4, 2), (W2, 1, 1)]
    # Incidents reported in C in March: i1, i2, i3, i4, i5, i8, i9.
    assert s.incidents_reported == 7 and s.incidents_rejected == 1
    assert s.by_category == {"E0102": 2, "G0101": 2, "C0101": 2, "G0201": 1}
    assert s.by_status == {"closed": 3, "in_progress": 1, "rejected": 1, "reported": 1, "dispatched": 1}
    # Closed by the end of March: i1, i2 (i5 closed in April). 办结率 = 2 / (7 − 1 rejected).
    assert s.closed == 2 and s.completion_rate == pytest.approx(2 / 6)
    # On time: i1 only (i2 was overdue). 按期办结率 = 1 / 2.
    assert s.closed_on_time == 1 and s.on_time_rate == pytest.approx(0.5)
    # Handled: i1 (6 h), i2 (72 h), i5 (2 h) → 80 / 3 h; working days (0.25 + 1.0 + 1/12) / 3.
    assert s.handled == 3
    assert s.avg_handling_hours == pytest.approx(80 / 3, abs=1e-6)
    assert s.avg_handling_workdays == pytest.approx((0.25 + 1.0 + 1 / 12) / 3, abs=1e-6)
    # Overdue: i2 (judged overdue, finished late) and i3 (on the clock past 03-11 09:00), by deadline.
    assert [(o.title, o.status, o.still_open) for o in s.overdue] == [("E0102", "closed", False), ("G0101", "in_progress", True)]
    # Rework: i2 once, i5 twice.
    assert (s.rework_total, s.reworked_incidents) == (3, 2)


def test_a_grid_counts_only_itself_and_as_of_moves_the_overdue_list(store, town):
    s = st.compute_statistics(store, [town["G1"]], *MARCH, as_of=at(3, 11, 8))
    # G1: h1, h2, h3; met h1. Special: 王秀英 (covered), 李建国 (not).
    assert (s.households_total, s.households_visited, s.special_total, s.special_covered) == (3, 1, 2, 1)
    # Visits in G1: v1, v2, v3, v7, all by W1.
    assert [(w.visitor_id, w.visits) for w in s.visits_by_worker] == [(W1, 4)]
    # Incidents in G1: i1, i2, i5, i9; closed in March i1, i2 → 2 / 4.
    assert (s.incidents_reported, s.closed, s.completion_rate) == (4, 2, 0.5)
    # At 03-11 08:00 i3 is not yet late, and it is in G2 anyway: only i2.
    assert [o.title for o in s.overdue] == ["E0102"]
    # A period with nothing in it gives no rates rather than a division by zero.
    empty = st.compute_statistics(store, [town["G1"]], date(2025, 1, 1), date(2025, 1, 31))
    assert (empty.incidents_reported, empty.completion_rate, empty.on_time_rate) == (0, None, None)
    assert empty.avg_handling_hours is None and empty.avg_handling_workdays is None
    assert empty.households_visited == 0 and empty.visit_rate == 0


def test_statistics_of_an_incident_run_through_the_services(store, account, tmp_path):
    grid = register.register_area(store, code="G9", name="网格", level="grid")
    t0 = at(3, 2)  # Monday 09:00
    incident = inc.report_incident(
        store, account.photos_dir, reporter_id=WORKER, reporter_role="worker", category="E0102", description="垃圾",
        photos=[jpeg(tmp_path / "a.jpg")], area_id=grid.id, reported_at=t0,
    )
    steps = [
        ("accept", DISPATCHER, "dispatcher", 1, {}),
        ("dispatch", DISPATCHER, "dispatcher", 2, {"assignee_id": HANDLER}),
        ("start", HANDLER, "handler", 3, {}),
        ("handle", HANDLER, "handler", 4, {"note": "已清理", "photos": [jpeg(tmp_path / "b.jpg", colour=(5, 5, 5))],
                                             "photos_dir": account.photos_dir}),
        ("verify_pass", WORKER, "worker", 5, {}),
    ]
    for action, actor, role, hours, extra in steps:
        when = t0 + timedelta(hours=hours)
        inc.transition_incident(store, incident.id, action, actor_id=actor, actor_role=role, at=when, **extra)
    s = st.compute_statistics(store, [grid.id], *MARCH)
    # Reported 09:00, handled 13:00 the same working day: 4 h, 4/24 working day; closed on time.
    assert (s.incidents_reported, s.closed, s.closed_on_time, s.handled) == (1, 1, 1, 1)
    assert s.avg_handling_hours == pytest.approx(4.0, abs=1e-6)
    assert s.avg_handling_workdays == pytest.approx(4 / 24, abs=1e-6)


def test_handling_time_is_counted_in_the_calendars_working_days():
    """Spans over the 2026 Spring Festival and its make-up Saturdays (02-14, 02-28): the calendar's own clock."""
    calendar = WorkCalendar.default()
    # By hand: Friday 02-27 09:00 → Monday 03-02 09:00 = 15 h + Saturday 02-28 (make-up day) 24 h + 9 h = 2 days.
    assert calendar.workdays_between(at(2, 27), at(3, 2)) == pytest.approx(2.0)


def test_export_writes_a_workbook_with_chinese_headers(store, town, tmp_path):
    s = st.compute_statistics(store, [town["C"]], *MARCH)
    path = st.export_statistics(s, tmp_path / "三月统计.xlsx", names={town["C"]: "幸福社区", W1: "张网格", W2: "李网格"})
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["概览", "走访统计", "事件分类", "事件状态", "超期事件"]
    summary = {row[0]: row[1] for row in wb["概览"].iter_rows(min_row=2, values_only=True)}
    assert summary["统计范围"] == "幸福社区"
    assert (summary["住户总数（户）"], summary["已走访住户（户）"], summary["办结率"], summary["按期办结率"]) == (5, 2, "33.3%", "50.0%")
    visits = list(wb["走访统计"].iter_rows(values_only=True))
    assert visits == [("网格员", "走访次数", "见面次数"), ("张网格", 4, 2), ("李网格", 1, 1)]
    categories = {r[0]: (r[1], r[2]) for r in wb["事件分类"].iter_rows(min_row=2, values_only=True)}
    assert categories["E0102"] == ("市容环境 › 乱倒垃圾", 2)
    overdue = list(wb["超期事件"].iter_rows(min_row=2, values_only=True))
    assert [(r[2], r[7]) for r in overdue] == [("已办结", "否"), ("处置中", "是")]
    assert not list(tmp_path.glob(".*.tmp"))
