"""One definition of each visit figure (issue 12, item 9): the walk-round, the dashboard and the Excel export agree.

A walk-round of four households where one door met someone twice, one was
not home, one refused and one is not called at yet: 已上门 3 / 4 户, 已走访住户
1 户 — and the statistics over the same households say 已走访住户 1 too.
"""

from __future__ import annotations

from datetime import date, timedelta

import openpyxl

from gridworker.services import figures
from gridworker.services import register
from gridworker.services import statistics as st
from gridworker.services.queries import visits as visit_queries
from gridworker.services import visits as vs
from tests.core.test_incidents import WORKER


def _street(store):
    c = register.register_area(store, code="C", name="幸福社区", level="community")
    g = register.register_area(store, code="G1", name="第一网格", level="grid", parent_id=c.id)
    b = register.register_building(store, {"name": "1号楼", "area_id": g.id}).id
    homes = [register.register_household(store, {"building_id": b, "unit": "1", "room": f"10{i}"}).id for i in range(1, 5)]
    register.register_person(store, {"name": "王秀英", "household_id": homes[0], "tags": ["elderly_alone"]})
    register.register_person(store, {"name": "王建国", "household_id": homes[0], "tags": ["disabled"]})
    register.register_person(store, {"name": "李建国", "household_id": homes[1], "tags": ["hardship"]})
    return c.id, homes


def test_the_walk_round_and_the_dashboard_count_households_visited_the_same_way(store):
    community, homes = _street(store)
    walk = vs.plan_walkround(store, "1号楼巡查", household_ids=homes, planner_id=WORKER)
    for home, outcome in ((homes[0], "met"), (homes[0], "met"), (homes[1], "not_home"), (homes[2], "refused")):
        vs.log_visit(store, home, visitor_id=WORKER, outcome=outcome)

    summary = next(w for w in visit_queries.open_walkrounds(store) if w.id == walk.id)
    stops = visit_queries.walkround_stops(store, walk.id)
    stats = st.compute_statistics(store, [community], date.today() - timedelta(days=1), date.today() + timedelta(days=1))

    assert (summary.done, summary.total) == (3, 4)  # doors called at, whoever answered
    assert summary.met == sum(1 for s in stops if s.met) == stats.households_visited == 1
    # Special groups: people (the dashboard) and households (the due list) are different figures, each with its unit.
    assert (stats.special_covered, stats.special_total) == (2, 3)
    assert figures.SPECIAL_PEOPLE_VISITED.fraction(2, 3, "zh") == "2 / 3 人"
    assert figures.HOUSEHOLDS_VISITED.fraction(1, 4, "zh") == "1 / 4 户"
    assert figures.HOUSEHOLDS_VISITED.fraction(1, 1, "en") == "1 of 1 household"
    assert figures.plural(1, "person", "en") == "1 person" and figures.plural(2, "person", "en") == "2 people"


def test_the_excel_export_names_the_figures_with_their_unit_in_wide_enough_columns(store, tmp_path):
    community, homes = _street(store)
    vs.log_visit(store, homes[0], visitor_id=WORKER, outcome="met")
    stats = st.compute_statistics(store, [community], date.today() - timedelta(days=1), date.today() + timedelta(days=1))
    path = st.export_statistics(stats, tmp_path / "统计.xlsx", names={community: "幸福社区"})
    sheet = openpyxl.load_workbook(path)["概览"]
    rows = {r[0]: r[1] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[figures.HOUSEHOLDS_VISITED.heading("zh")] == stats.households_visited == 1
    assert rows["已走访住户（户）"] == 1 and rows["重点人群已走访（人）"] == 2 and rows["重点人群人数（人）"] == 3
    for column in "ABC":
        cells = [c.value for c in sheet[column] if c.value is not None]
        assert sheet.column_dimensions[column].width >= max(st.display_width(v) for v in cells), column
