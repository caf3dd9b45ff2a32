"""The dashboard shows what compute_statistics computes for the same store, and exports a real workbook."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from gridworker.services import incidents, statistics, visits
from gridworker.services.queries import places as place_queries
from gridworker.ui.pages.dashboard import DashboardPage

from .conftest_fieldwork import DISPATCHER, WORKER, jpeg_with_gps, show
from .conftest_fieldwork import demo_account, demo_store, make_ctx, spot  # noqa: F401 (fixtures)

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def some_work(make_ctx, demo_store, tmp_path, spot):
    """Visits by two workers, and incidents that were closed, rejected, or are still open."""
    due = visits.due_households(demo_store)[:6]
    for d, outcome in zip(due, ["met", "met", "not_home", "met", "refused", "met"]):
        visits.log_visit(demo_store, d.household_id, visitor_id=WORKER.id, outcome=outcome)
    visits.log_visit(demo_store, due[2].household_id, visitor_id=DISPATCHER.id, outcome="met")
    photos_dir = make_ctx(WORKER).photos_dir
    made = []
    for i, category in enumerate(["C0101", "C0101", "E0101", "G0201"]):
        made.append(
            incidents.report_incident(
                demo_store, photos_dir, reporter_id=WORKER.id, reporter_role="worker", category=category,
                description=f"问题{i}", photos=[jpeg_with_gps(tmp_path / f"p{i}.jpg", *spot)], household_id=due[i].household_id,
            )
        )  # fmt: skip
    step = incidents.transition_incident
    step(demo_store, made[0].id, "accept", actor_id=DISPATCHER.id, actor_role="dispatcher")
    step(demo_store, made[0].id, "close", actor_id=DISPATCHER.id, actor_role="dispatcher", reason="居民已自行解决")
    step(demo_store, made[1].id, "reject", actor_id=DISPATCHER.id, actor_role="dispatcher", reason="重复上报")
    step(demo_store, made[2].id, "accept", actor_id=DISPATCHER.id, actor_role="dispatcher")
    return made


def test_figures_match_the_statistics_and_export_to_excel(
    qtbot, make_ctx, demo_store, some_work, tmp_path, monkeypatch
):
    page = show(qtbot, DashboardPage(make_ctx(WORKER)))
    qtbot.waitUntil(lambda: page.stats is not None, timeout=10_000)
    area_id = page.area.currentData()
    assert next(a for a in place_queries.area_choices(demo_store) if a.id == area_id).level == "community"
    start, end = page.period_range()
    assert start == end.replace(day=1)  # this month, by default
    expected = statistics.compute_statistics(demo_store, [area_id], start, end)

    cards = page.cards
    # Each figure with its unit, as services.figures defines and names it (English here).
    assert cards["visited"].value.text() == f"{expected.households_visited} of {expected.households_total} households"
    assert expected.households_visited == 5  # four doors met by the worker, one by the dispatcher
    assert cards["special"].value.text() == f"{expected.special_covered} of {expected.special_total} people"
    assert cards["visited"].caption.text() == "Households visited" and cards["special"].caption.text() == "Special-group people visited"
    assert cards["visits"].value.text() == str(expected.visits_total) == "7"
    assert cards["reported"].value.text() == str(expected.incidents_reported) == "4"
    assert cards["completion"].value.text() == f"{expected.completion_rate * 100:.1f}%" == "33.3%"
    assert cards["on_time"].value.text() == "100.0%"
    assert cards["rework"].value.text() == str(expected.rework_total)
    categories = {s.label: s.value for s in page.by_category.slices}
    assert categories == {"Public utilities › Manhole cover": 2, "City appearance › Exposed rubbish": 1,
                          "Safety hazards › Private charging wires": 1}  # fmt: skip
    assert sum(s.value for s in page.by_status.slices) == expected.incidents_reported
    assert {s.label: s.value for s in page.by_worker.slices} == {"张伟": 6, f"{DISPATCHER.id[:8]}…": 1}

    # Another period: last month holds none of this.
    page.period.setCurrentIndex(page.period.findData("last_month"))
    qtbot.waitUntil(lambda: page.stats.end < start, timeout=10_000)
    assert cards["reported"].value.text() == "0"
    assert cards["completion"].value.text() == "—"
    page.period.setCurrentIndex(page.period.findData("this_year"))
    qtbot.waitUntil(lambda: page.stats.start == date(end.year, 1, 1), timeout=10_000)

    target = tmp_path / "统计"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "Excel workbook (*.xlsx)"))
    qtbot.mouseClick(page.export_button, Qt.LeftButton)
    written = tmp_path / "统计.xlsx"
    qtbot.waitUntil(written.exists, timeout=10_000)
    qtbot.waitUntil(lambda: "Exported" in page.outcome.text(), timeout=10_000)
    book = load_workbook(written)
    summary = {row[0]: row[1] for row in book["概览"].iter_rows(min_row=2, values_only=True)}
    assert summary["上报事件"] == page.stats.incidents_reported == 4
    assert summary["已走访住户（户）"] == page.stats.households_visited
    assert summary["办结率"] == "33.3%"
    workers = {row[0]: row[1] for row in book["走访统计"].iter_rows(min_row=2, values_only=True)}
    assert workers["张伟"] == 6  # the signed-in worker by name


def _said(page) -> list[str]:
    """Every line of words the page shows (whichever label carries it)."""
    from PySide6.QtWidgets import QLabel

    return [label.text() for label in page.findChildren(QLabel) if label.isVisible() and label.text()]


def test_where_the_export_went_stays_said_when_the_figures_are_computed_again(
    qtbot, make_ctx, demo_store, tmp_path, monkeypatch
):
    """A visit logged (a sync, another window) computes the figures again: "Exported to …" is still said."""
    ctx = make_ctx(WORKER)
    page = show(qtbot, DashboardPage(ctx))
    qtbot.waitUntil(lambda: page.stats is not None and not page._compute_timer.isActive() and not ctx.runner.busy,
                    timeout=10_000)
    target = tmp_path / "统计.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "Excel workbook (*.xlsx)"))
    qtbot.mouseClick(page.export_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: any("Exported to" in text for text in _said(page)), timeout=10_000)
    before = page.stats

    household = visits.due_households(demo_store)[0].household_id
    visits.log_visit(demo_store, household, visitor_id=WORKER.id, outcome="met")
    qtbot.waitUntil(lambda: page.stats is not before and not page._compute_timer.isActive() and not ctx.runner.busy,
                    timeout=10_000)
    assert page.stats.visits_total == before.visits_total + 1
    assert any(text == f"Exported to {target}" for text in _said(page))


def test_a_period_refused_stays_refused_when_figures_asked_before_arrive(qtbot, make_ctx):
    """The end moved before the start while the figures of the period before are still being computed (a big
    community takes seconds): they arrive late and must not replace the refusal with a period no longer chosen."""
    import threading

    ctx = make_ctx(WORKER)
    page = show(qtbot, DashboardPage(ctx))
    qtbot.waitUntil(lambda: page.stats is not None and not page._compute_timer.isActive() and not ctx.runner.busy,
                    timeout=10_000)
    page.period.setCurrentIndex(page.period.findData("custom"))
    qtbot.waitUntil(lambda: not page._compute_timer.isActive() and not ctx.runner.busy, timeout=10_000)
    gate = threading.Event()
    ctx.runner.db.submit(gate.wait, 10)  # the database thread busy: the figures asked next wait behind it
    try:
        page.compute()
        page.end.setDate(page.start.date().addDays(-1))
        qtbot.waitUntil(lambda: not page._compute_timer.isActive(), timeout=10_000)
        assert page.message.text() == "The period ends before it starts."
    finally:
        gate.set()
    qtbot.waitUntil(lambda: not ctx.runner.busy, timeout=10_000)  # the late figures arrived (and were let go)
    assert page.message.text() == "The period ends before it starts."


def test_the_overdue_incident_chosen_stays_chosen_when_the_figures_are_computed_again(qtbot, make_ctx, demo_store, some_work):
    from datetime import datetime, timedelta, timezone

    from gridworker.domain.fieldwork import Incident

    with demo_store.write() as s:  # two incidents judged overdue (as a transition past the deadline judges them)
        for made in some_work[2:]:
            incident = s.get(Incident, made.id)
            incident.deadline, incident.overdue = datetime.now(timezone.utc) - timedelta(hours=1), True
            s.add(incident)
    ctx = make_ctx(WORKER)
    page = show(qtbot, DashboardPage(ctx))
    page.period.setCurrentIndex(page.period.findData("this_year"))
    qtbot.waitUntil(lambda: page.stats is not None and page.stats.start.month == 1 and not ctx.runner.busy, timeout=10_000)
    assert page.overdue_model.rowCount() >= 2  # the demo's overdue incidents
    page.overdue.selectRow(1)
    chosen = page.overdue_model.row(1).incident_id
    before = page.stats
    household = visits.due_households(demo_store)[0].household_id
    visits.log_visit(demo_store, household, visitor_id=WORKER.id, outcome="met")
    qtbot.waitUntil(lambda: page.stats is not before and not page._compute_timer.isActive() and not ctx.runner.busy,
                    timeout=10_000)
    rows = page.overdue.selectionModel().selectedRows()
    assert [page.overdue_model.row(i.row()).incident_id for i in rows] == [chosen]
