"""The visits page driven like a walk-round: plan from the due list, one key per door, needs raised, photos."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from sqlmodel import select

from gridworker.domain.fieldwork import Incident, Photo, Visit, Walkround
from gridworker.domain.models import Outbox
from gridworker.services import drafts
from gridworker.ui.pages.visits import VisitsPage
from gridworker.ui.fieldwork.category import CategoryPicker

from .conftest_fieldwork import WORKER, activate, click_row, jpeg_with_gps, show
from .conftest_fieldwork import demo_account, demo_store, make_ctx, spot  # noqa: F401 (fixtures)

pytestmark = pytest.mark.timeout(120)


def plan_five_from_due_list(qtbot, page) -> list[str]:
    """Select the first five households of the due list with the mouse and plan a walk-round of them."""
    page.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: page.due_model.rowCount() >= 5, timeout=10_000)
    click_row(qtbot, page.due, 0)
    click_row(qtbot, page.due, 4, Qt.ShiftModifier)
    chosen = [page.due_model.row(i).household_id for i in range(5)]
    qtbot.mouseClick(page.plan_due, Qt.LeftButton)
    qtbot.waitUntil(lambda: page.tabs.currentIndex() == 0 and page.stops_model.rowCount() == 5, timeout=10_000)
    return chosen


def test_a_walkround_of_five_households_logged_with_one_key_each(qtbot, make_ctx, demo_store):
    ctx = make_ctx(WORKER)
    page = show(qtbot, VisitsPage(ctx))
    chosen = plan_five_from_due_list(qtbot, page)
    with demo_store.read() as s:
        walk = s.exec(select(Walkround)).one()
    shown = [stop.household_id for stop in page.stops_model.rows()]
    assert set(shown) == set(chosen)
    assert shown == walk.household_ids  # the stops in the planned walking order
    assert page.current_stop().household_id == shown[0]

    # Digits typed into the notes are text, not outcomes.
    qtbot.keyClicks(page.form.notes, "Room 301: 2 people, 1 new tenant")
    assert page.form.notes.toPlainText() == "Room 301: 2 people, 1 new tenant"
    assert page.progress.value() == 0

    keys = [Qt.Key_1, Qt.Key_2, Qt.Key_1, Qt.Key_3, Qt.Key_4]
    for n, key in enumerate(keys, start=1):
        page.stops.setFocus()
        qtbot.keyClick(page.stops, key)
        qtbot.waitUntil(lambda n=n: page.progress.value() == n, timeout=10_000)
    qtbot.waitUntil(lambda: all(stop.visit_id for stop in page.stops_model.rows()), timeout=10_000)

    with demo_store.read() as s:
        visits = s.exec(select(Visit).order_by(Visit.visited_at)).all()
        outbox = s.exec(select(Outbox).where(Outbox.entity == "visit")).all()
        walk = s.get(Walkround, walk.id)
    assert [v.household_id for v in visits] == shown
    assert [v.outcome for v in visits] == ["met", "not_home", "met", "refused", "moved_away"]
    assert {v.visitor_id for v in visits} == {WORKER.id}
    assert visits[0].notes == "Room 301: 2 people, 1 new tenant"
    assert visits[1].notes is None  # the form was cleared for the next door
    assert {r.record_id for r in outbox} == {v.id for v in visits}
    assert {r.state for r in outbox} == {"pending"}
    assert walk.status == "done"
    assert page.form.outcome_buttons["met"].isEnabled() is False  # no door left


def test_needs_become_an_incident_with_the_visit_photos(qtbot, make_ctx, demo_store, tmp_path, spot):
    ctx = make_ctx(WORKER)
    page = show(qtbot, VisitsPage(ctx))
    plan_five_from_due_list(qtbot, page)
    stop = page.current_stop()
    form = page.form

    # "Report as an incident" without a category: refused beside the category, nothing saved.
    form.needs.insertPlainText("楼道灯坏了，老人晚上看不见")  # typed through an input method
    form.raise_incident.setChecked(True)
    qtbot.mouseClick(form.outcome_buttons["met"], Qt.LeftButton)
    assert form.errors["category"].isVisible()
    assert page.current_stop().household_id == stop.household_id

    qtbot.mouseClick(form.category, Qt.LeftButton)
    picker_dialog = form.category.dialog
    picker = picker_dialog.findChild(CategoryPicker)
    qtbot.keyClicks(picker.search, "ldss")  # 楼道设施 by pinyin initials
    qtbot.keyClick(picker.search, Qt.Key_Return)
    picker_dialog.accept()
    assert form.category.code() == "C0501"
    form.photos.add_files([str(jpeg_with_gps(tmp_path / "dark-stairs.jpg", *spot))])
    qtbot.mouseClick(form.outcome_buttons["met"], Qt.LeftButton)
    qtbot.waitUntil(
        lambda: any(s.household_id == stop.household_id and s.visit_id for s in page.stops_model.rows()), timeout=10_000
    )

    with demo_store.read() as s:
        visit = s.exec(select(Visit)).one()
        incident = s.exec(select(Incident)).one()
        photos = s.exec(select(Photo)).all()
    assert visit.needs == "楼道灯坏了，老人晚上看不见"
    assert len(visit.photo_ids) == 1
    assert visit.lat == pytest.approx(spot[0], abs=1e-5)  # the photo's EXIF position
    assert (incident.source, incident.category, incident.household_id) == ("visit", "C0501", stop.household_id)
    assert incident.description == visit.needs
    assert {(p.owner_entity, p.sha256) for p in photos} == {("visit", photos[0].sha256), ("incident", photos[0].sha256)}


def test_a_refused_visit_keeps_what_was_typed_and_the_draft_survives(qtbot, make_ctx, demo_store):
    ctx = make_ctx(WORKER)
    page = show(qtbot, VisitsPage(ctx))
    plan_five_from_due_list(qtbot, page)
    stop = page.current_stop()
    page.form.notes.insertPlainText("租户换了，新租户姓王")
    key = f"visit:{stop.household_id}"
    qtbot.waitUntil(lambda: drafts.load_draft(demo_store, key) is not None, timeout=10_000)
    assert drafts.load_draft(demo_store, key).data["notes"] == "租户换了，新租户姓王"

    # A page opened afresh (the app restarted) offers the draft back for that door.
    again = show(qtbot, VisitsPage(make_ctx(WORKER)))
    qtbot.waitUntil(lambda: again.form.notes.toPlainText() == "租户换了，新租户姓王", timeout=10_000)

    # The core refuses a need to report with no needs described: the message names the field, the notes stay.
    page.form.raise_incident.setChecked(True)
    page.form.category.set_code("G0401")
    page.resize(1000, 360)  # a short screen: the needs field is below the fold
    page.form_scroll.verticalScrollBar().setValue(0)
    activate(qtbot, page)
    page.stops.setFocus()
    qtbot.keyClick(page.stops, Qt.Key_1)
    qtbot.waitUntil(lambda: page.form.errors["needs"].isVisible(), timeout=10_000)
    assert "needs" in page.form.errors["needs"].text().lower()
    # Said where the user looks: on a short screen the form scrolls to the error.
    label = page.form.errors["needs"]
    qtbot.waitUntil(lambda: not label.visibleRegion().isEmpty(), timeout=5_000)
    assert page.current_stop().household_id == stop.household_id
    assert page.form.notes.toPlainText() == "租户换了，新租户姓王"
    with demo_store.read() as s:
        assert s.exec(select(Visit)).all() == []
