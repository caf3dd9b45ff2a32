"""Findings of the s5 round, driven through the widgets: plural counts, the roster's Remove button, the places
page's grid filter after a sync, a handler's walk-rounds, deleting a place, the dashboard's words, the refused
edits' discard, the party members' scope."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from sqlmodel import select

from gridworker.domain.placework import Place
from gridworker.services import places as place_service
from gridworker.ui.pages.places import PlacesPage

from .conftest_fieldwork import HANDLER, WORKER, show
from .conftest_fieldwork import demo_account, demo_store, make_ctx  # noqa: F401 (fixtures)
from .conftest_participation import p_account, p_ctx, p_store, participation_template  # noqa: F401 (fixtures)

pytestmark = pytest.mark.timeout(180)


def _a_grid(store) -> str:
    from gridworker.domain.models import Area

    with store.read() as s:
        return s.exec(select(Area.id).where(Area.level == "grid", Area.deleted == False).order_by(Area.code)).first()  # noqa: E712


# -- item 2: "1 place", not "1 places" --------------------------------------------------------------
def test_one_place_is_counted_in_the_singular_in_english(qtbot, make_ctx, demo_store):
    for name in ("独一无二修鞋铺", "街角便利店"):
        place_service.register_place(demo_store, {"name": name, "kind": "shop", "area_id": _a_grid(demo_store)})
    page = show(qtbot, PlacesPage(make_ctx(WORKER, "en")))
    qtbot.waitUntil(lambda: page.model.rowCount() > 1, timeout=10_000)
    assert page.count.text() == f"{page.model.rowCount()} places"
    page.search.setText("独一无二修鞋铺")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)
    assert page.count.text() == "1 place"


# -- item 3: the roster's Remove button after a failed removal ---------------------------------------
def test_remove_comes_back_after_a_failed_removal_and_the_failure_is_said_in_the_dialog(qtbot, make_ctx, demo_store,
                                                                                          monkeypatch):  # fmt: skip
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    from gridworker.services import roster
    from gridworker.ui.register.roster import RosterDialog

    grid = _a_grid(demo_store)
    member = roster.add_member(demo_store, {"area_id": grid, "role": "doctor", "name": "王医生"})
    dialog = RosterDialog(make_ctx(WORKER, "en"), grid, "Grid 1")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=10_000)
    dialog.table.selectRow(0)
    assert dialog.remove_button.isEnabled()
    roster.remove_member(demo_store, member.id)  # removed meanwhile (another device, through a sync)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    assert not dialog.remove_button.isEnabled()  # off with the click itself
    qtbot.waitUntil(lambda: dialog.message.text() != "", timeout=10_000)
    assert "Traceback" not in dialog.message.text() and member.id not in dialog.message.text()
    qtbot.waitUntil(dialog.remove_button.isEnabled, timeout=5_000)


# -- item 4: the places page's grid filter follows areas that arrive --------------------------------------
def test_the_grid_filter_takes_in_areas_that_arrive_and_keeps_the_choice(qtbot, make_ctx, demo_store):
    from gridworker.domain.models import Area
    from gridworker.services import register

    page = show(qtbot, PlacesPage(make_ctx(WORKER, "en")))
    qtbot.waitUntil(lambda: page.grid.count() > 2, timeout=10_000)
    before = [page.grid.itemData(i) for i in range(page.grid.count())]
    chosen = before[2]
    page.grid.setCurrentIndex(2)
    with demo_store.read() as s:
        community = s.exec(select(Area).where(Area.level == "community")).first()
    grid = register.register_area(demo_store, code="G-NEW", name="新来的网格", level="grid", parent_id=community.id)
    qtbot.waitUntil(lambda: page.grid.findData(grid.id) >= 0, timeout=10_000)
    assert page.grid.currentData() == chosen
    items = [page.grid.itemData(i) for i in range(page.grid.count())]
    assert len(items) == len(set(items)) == len(before) + 1  # each grid once


# -- item 5: a handler does not plan walk-rounds ------------------------------------------------------------
def test_a_handler_cannot_plan_walk_rounds_anywhere(qtbot, make_ctx, demo_store, tmp_path):
    from PySide6.QtCore import Qt

    from gridworker.ui.pages.visits import VisitsPage
    from gridworker.ui.register.list_compare import ListCompareDialog

    from .test_listcompare_flow import write_list

    why = "Only grid workers, dispatchers and administrators plan visits"
    handler, worker = make_ctx(HANDLER, "en"), make_ctx(WORKER, "en")
    visits = show(qtbot, VisitsPage(handler))
    assert visits.plan_buttons and all(not b.isEnabled() and b.toolTip() == why for b in visits.plan_buttons)
    assert all(b.isEnabled() for b in show(qtbot, VisitsPage(worker)).plan_buttons)

    write_list(tmp_path / "list.xlsx", demo_store)
    dialogs = {}
    for name, ctx in (("handler", handler), ("worker", worker)):
        dialog = dialogs[name] = ListCompareDialog(ctx)
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.choose_file(tmp_path / "list.xlsx")
        qtbot.waitUntil(lambda dialog=dialog: dialog.listfile is not None, timeout=10_000)
        qtbot.mouseClick(dialog.compare_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda dialog=dialog: dialog.comparison is not None and dialog.compare_button.isEnabled(), timeout=15_000)
    assert dialogs["worker"].plan_button.isEnabled()
    assert not dialogs["handler"].plan_button.isEnabled() and dialogs["handler"].plan_button.toolTip() == why


# -- item 6: deleting a place -----------------------------------------------------------------------------
def test_a_place_is_deleted_from_its_card_after_a_question_and_queued_as_a_delete(qtbot, make_ctx, demo_store, monkeypatch):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    from gridworker.domain.models import Outbox

    grid = _a_grid(demo_store)
    keep = place_service.register_place(demo_store, {"name": "街角便利店", "kind": "shop", "area_id": grid})
    gone = place_service.register_place(demo_store, {"name": "要关门的小饭馆", "kind": "restaurant", "area_id": grid})
    page = show(qtbot, PlacesPage(make_ctx(WORKER, "en")))
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=10_000)
    page.select_place(gone.id)
    qtbot.waitUntil(lambda: page.card.card is not None and page.card.card.place.id == gone.id, timeout=10_000)
    button = page.card.delete_button
    assert button.isVisible() and button.isEnabled() and button.text() == "Delete…"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert not button.isEnabled()  # off with the click itself
    box = page.confirm
    assert box is not None and "要关门的小饭馆" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()  # "no": nothing deleted, the button back
    qtbot.waitUntil(button.isEnabled, timeout=5_000)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    page.confirm.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: [r.id for r in page.model.rows()] == [keep.id], timeout=10_000)
    assert page.message.isVisible() and page.message.text() == "“要关门的小饭馆” was deleted."
    with demo_store.read() as s:
        assert s.get(Place, gone.id).deleted
        assert s.exec(select(Outbox).where(Outbox.record_id == gone.id, Outbox.op == "delete")).first() is not None


def test_a_handler_cannot_delete_a_place_and_the_service_refuses(qtbot, make_ctx, demo_store):
    from gridworker.domain.errors import Refused

    place = place_service.register_place(demo_store, {"name": "街角便利店", "kind": "shop", "area_id": _a_grid(demo_store)})
    page = show(qtbot, PlacesPage(make_ctx(HANDLER, "en")))
    qtbot.waitUntil(lambda: page.card.card is not None, timeout=10_000)
    assert not page.card.delete_button.isEnabled()
    assert page.card.delete_button.toolTip() == "Only grid workers, dispatchers and administrators change the places' register"
    with pytest.raises(Refused) as refused:
        place_service.delete_place(demo_store, place.id, actor_role="handler")
    assert refused.value.code == "role_not_allowed"


# -- item 7: the dashboard's places figures say which are the period's and which are now's --------------------
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_places_figures_say_period_or_now(qtbot, make_ctx, lang, request):
    from gridworker.ui.places.figures_panel import PlaceFiguresPanel

    if lang == "zh":
        request.getfixturevalue("chinese")
    panel = PlaceFiguresPanel(make_ctx(WORKER, lang))
    qtbot.addWidget(panel)
    captions = {k: c.caption.text() for k, c in panel.cards.items()}
    headers = [panel.figures_model.headerData(i, Qt.Orientation.Horizontal) for i in range(panel.figures_model.columnCount())]
    if lang == "en":
        assert (captions["found"], captions["overdue"]) == ("Found in this period", "Overdue now")
        assert headers[2] == "Found" and headers[4] == "Of those overdue"
    else:
        assert (captions["found"], captions["overdue"]) == ("本期发现隐患", "当前逾期隐患")
        assert headers[4] == "其中逾期"


# -- item 8: the status bar's texts fit 1024×600 in English, whole in their tooltips ----------------------------
def _elided(bar) -> list[str]:
    from PySide6.QtWidgets import QLabel, QToolButton

    out = []
    for widget in [*bar.findChildren(QLabel), *bar.findChildren(QToolButton)]:
        if widget.isVisible() and widget.text():
            room = widget.contentsRect().width() - (8 if isinstance(widget, QToolButton) else 0)
            if widget.fontMetrics().horizontalAdvance(widget.text()) > room:
                out.append(widget.text())
    return out


def test_the_status_bar_fits_a_netbook_in_english(qtbot, make_ctx, monkeypatch):
    from datetime import datetime, timezone

    from PySide6.QtWidgets import QLabel, QToolButton

    from gridworker.sync.status import SyncStatus
    from gridworker.ui.app import make_main_window
    from gridworker.ui.context import Actor
    from gridworker.ui.widgets.sync_status import SyncStatusWidget

    ctx = make_ctx(WORKER, "en")
    window = make_main_window(ctx)
    qtbot.addWidget(window)
    window.setWindowState(Qt.WindowState.WindowNoState)
    window.show()
    window.resize(1024, 600)
    ctx.actor = Actor(WORKER.id, "worker", "张伟（第1网格网格员）")  # as a server names a linked user
    ctx.identity_changed.emit()
    indicator = window.findChild(SyncStatusWidget)
    indicator.show_status(SyncStatus("ok", True, False, 12, 1, 2, 0, datetime(2026, 12, 7, 4, 12, tzinfo=timezone.utc), None))
    window.calendar_warning.show_missing([2027])
    qtbot.waitUntil(lambda: indicator.review_button.isVisible() and window.calendar_warning.isVisible(), timeout=5_000)
    qtbot.waitUntil(lambda: not ctx.runner.busy, timeout=10_000)  # "Working…" gone: the bar as it mostly is
    qtbot.wait(200)  # the bar lays itself out
    bar = window.statusBar()
    assert window.width() == 1024
    assert _elided(bar) == []
    # the words cut for room are whole in the tooltips
    assert "account" in window.identity_label.toolTip() and "Grid worker" in window.identity_label.text()
    assert "deadlines count Monday to Friday only" in window.calendar_warning.toolTip()
    assert "2 refused by the server" in indicator.review_button.toolTip()
    assert indicator.pending_label.toolTip() == "12 waiting to send"
    # while a sync runs: the moving bar and the count received, everything else still whole
    syncing = SyncStatus("syncing", True, True, 12, 1, 2, 0, datetime(2026, 12, 7, 4, 12, tzinfo=timezone.utc), None)
    indicator.show_status(syncing)
    monkeypatch.setattr(indicator.controller, "status", lambda: syncing)
    indicator.show_progress(12345)
    qtbot.wait(200)
    assert indicator.state_label.text() == "Syncing… 12,345"
    assert indicator.state_label.toolTip() == "Syncing… 12,345 records received"
    assert _elided(bar) == []


def _refused_visit(demo_account, notes: str):
    """The demo account linked as WORKER, with one visit logged that the server refused: (store, visit, mutation id)."""
    from gridworker.domain.models import Household
    from gridworker.services import visits
    from tests.core.test_permissions_and_discards import _server_refuses

    account, store = demo_account
    account.info["server"] = {"url": "http://127.0.0.1:9", "user_id": WORKER.id, "role": "worker", "username": "w"}
    with store.read() as s:
        household = s.exec(select(Household.id).where(Household.deleted == False)).first()  # noqa: E712
    visit = visits.log_visit(store, household, visitor_id=WORKER.id, outcome="met", notes=notes)
    [mutation] = _server_refuses(store, "visit")
    return store, visit, mutation


# -- item 9: discarding a refused record on the sync page --------------------------------------------------------
def test_a_refused_record_is_discarded_from_the_sync_page_after_a_question(qtbot, make_ctx, demo_account, caplog):
    from PySide6.QtWidgets import QMessageBox

    from gridworker.domain.fieldwork import Visit
    from gridworker.ui.pages.sync import SyncPage
    from gridworker.ui.sync_controller import controller_for

    store, visit, mutation = _refused_visit(demo_account, "门口堆物")
    ctx = make_ctx(WORKER, "en")
    try:
        page = show(qtbot, SyncPage(ctx))
        page.refresh()
        qtbot.waitUntil(lambda: page.rejected_model.rowCount() == 1, timeout=10_000)
        page.lists.setCurrentIndex(1)
        page.rejected_view.selectRow(0)
        assert page.discard_button.isEnabled() and page.rejected_model.row(0).mutation_id == mutation
        qtbot.mouseClick(page.discard_button, Qt.MouseButton.LeftButton)
        assert not page.discard_button.isEnabled()  # off with the click itself
        assert page.confirm is not None and page.confirm.text().startswith("Discard visit ")
        page.confirm.button(QMessageBox.StandardButton.Cancel).click()
        qtbot.waitUntil(page.discard_button.isEnabled, timeout=5_000)
        with store.read() as s:
            assert not s.get(Visit, visit.id).deleted  # "no": nothing dropped
        qtbot.mouseClick(page.discard_button, Qt.MouseButton.LeftButton)
        with caplog.at_level("INFO", logger="gridworker.services.refused"):
            page.confirm.button(QMessageBox.StandardButton.Yes).click()
            qtbot.waitUntil(lambda: page.rejected_model.rowCount() == 0, timeout=10_000)
        assert page.discarded_label.isVisible() and page.discarded_label.text().startswith("Discarded: visit ")
        assert "门口堆物" in page.discarded_label.text() and visit.id not in page.discarded_label.text()
        assert any("discarded refused visit" in r.getMessage() for r in caplog.records)
        with store.read() as s:
            assert s.get(Visit, visit.id).deleted
    finally:
        controller_for(ctx).stop()


# -- item 10: the 党员报到 tab of a grid worker lists their grids' members only --------------------------------
def test_the_members_tab_of_a_grid_worker_lists_the_members_of_their_grid(qtbot, p_ctx, p_store):
    from gridworker.domain.participation_records import Member
    from gridworker.services.base import transaction
    from gridworker.services.scope import remember_scope
    from gridworker.ui.participation.members import MembersTab

    from .conftest_participation import WORKER as P_WORKER

    with p_store.read() as s:
        placed = sorted({m.area_id for m in s.exec(select(Member).where(Member.to_place == False))})  # noqa: E712
        everyone = len(s.exec(select(Member)).all())
    mine = placed[0]
    with transaction(p_store) as tx:  # linked as the worker of one grid
        remember_scope(tx.s, "worker", [mine])
    tab = show(qtbot, MembersTab(p_ctx(P_WORKER)))
    tab.on_shown()
    tab.tabs.setCurrentIndex(tab.views.index("all"))
    qtbot.waitUntil(lambda: tab.model.rowCount() > 0 and not tab.ctx.runner.busy, timeout=10_000)
    rows = tab.model.rows()
    assert 0 < len(rows) < everyone
    assert {r.grid_id for r in rows} == {mine}
    assert f"({len(rows)})" in tab.tabs.tabText(tab.views.index("all"))


def test_a_refusal_on_the_sync_page_stays_when_the_status_is_read_again(qtbot, make_ctx, demo_account):
    """Discard refused (the record was discarded in another window while the question was open) is said on the
    page; the status read again after the next local change (or sync) must not wipe it."""
    from PySide6.QtWidgets import QLabel, QMessageBox

    from gridworker.domain.models import Household
    from gridworker.services import visits
    from gridworker.services.refused import discard_refused
    from gridworker.ui.pages.sync import SyncPage
    from gridworker.ui.sync_controller import controller_for
    from tests.core.test_permissions_and_discards import _server_refuses

    account, store = demo_account
    account.info["server"] = {"url": "http://127.0.0.1:9", "user_id": WORKER.id, "role": "worker", "username": "w"}
    with store.read() as s:
        first, second = s.exec(select(Household.id).where(Household.deleted == False).limit(2)).all()  # noqa: E712
    visits.log_visit(store, first, visitor_id=WORKER.id, outcome="met", notes="门口堆物")
    [mutation] = _server_refuses(store, "visit")
    ctx = make_ctx(WORKER, "en")
    controller = controller_for(ctx)
    refusal = "No such refused change: it may have been dealt with already"

    def said() -> list[str]:
        return [label.text() for label in page.findChildren(QLabel) if label.isVisible() and label.text()]

    try:
        page = show(qtbot, SyncPage(ctx))
        page.refresh()
        qtbot.waitUntil(lambda: page.rejected_model.rowCount() == 1, timeout=10_000)
        page.lists.setCurrentIndex(1)
        page.rejected_view.selectRow(0)
        qtbot.mouseClick(page.discard_button, Qt.MouseButton.LeftButton)
        discard_refused(store, mutation)  # another window, while the question is open
        page.confirm.button(QMessageBox.StandardButton.Yes).click()
        qtbot.waitUntil(lambda: refusal in said() and not ctx.runner.busy, timeout=10_000)
        shown = controller.status()

        visits.log_visit(store, second, visitor_id=WORKER.id, outcome="met")  # a change: the status is read again
        qtbot.waitUntil(lambda: controller.status() is not shown and not ctx.runner.busy, timeout=10_000)
        assert refusal in said()
    finally:
        controller.stop()


def test_the_reason_of_a_refusal_is_in_sight_beside_a_long_change(qtbot, make_ctx, demo_account):
    """A refused change with long text: the reason (the last column, what the user must read) starts inside the
    list, not past its right edge after a Change column sized to the whole text."""
    from gridworker.ui.pages.sync import SyncPage
    from gridworker.ui.sync_controller import controller_for

    _refused_visit(demo_account, "楼道堆放杂物，已提醒住户清理。" * 12)
    ctx = make_ctx(WORKER, "en")
    try:
        page = show(qtbot, SyncPage(ctx))
        page.resize(1100, 600)
        page.refresh()
        qtbot.waitUntil(lambda: page.rejected_model.rowCount() == 1, timeout=10_000)
        page.lists.setCurrentIndex(1)
        view = page.rejected_view
        qtbot.waitUntil(lambda: view.isVisible() and view.viewport().width() > 300, timeout=10_000)
        page.refresh()
        qtbot.waitUntil(lambda: not ctx.runner.busy, timeout=10_000)
        last = page.rejected_model.columnCount() - 1
        assert view.columnViewportPosition(last) + 60 < view.viewport().width()
    finally:
        controller_for(ctx).stop()


def test_marking_a_refusal_as_read_clears_the_warning_at_once_and_keeps_the_list(qtbot, make_ctx, demo_account):
    """Mark as read: the status (the bar's and the navigation's warning) counts it no more at once, not at the
    next sync; the page stays on the refused list it was on."""
    from gridworker.ui.pages.sync import SyncPage
    from gridworker.ui.sync_controller import controller_for

    _refused_visit(demo_account, "门口堆物")
    ctx = make_ctx(WORKER, "en")
    controller = controller_for(ctx)
    try:
        page = show(qtbot, SyncPage(ctx))
        page.refresh()
        qtbot.waitUntil(lambda: page.rejected_model.rowCount() == 1, timeout=10_000)
        controller.reread_status()
        qtbot.waitUntil(lambda: controller.status().rejected == 1 and not ctx.runner.busy, timeout=10_000)
        page.lists.setCurrentIndex(1)
        page.rejected_view.selectRow(0)
        assert page.dismiss_button.isEnabled()
        qtbot.mouseClick(page.dismiss_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: page.rejected_model.rowCount() == 0 and not ctx.runner.busy, timeout=10_000)
        assert controller.status().rejected == 0 and page.lists.currentIndex() == 1
    finally:
        controller.stop()


def test_a_status_refresh_keeps_the_refusal_the_user_chose(qtbot, make_ctx, demo_account):
    """A sync that brings another refusal refills the lists: the row the user had chosen stays chosen."""
    from gridworker.services import visits
    from gridworker.ui.pages.sync import SyncPage
    from gridworker.ui.sync_controller import controller_for
    from tests.core.test_permissions_and_discards import _server_refuses

    store, visit, first = _refused_visit(demo_account, "门口堆物")
    second_visit = visits.log_visit(store, visit.household_id, visitor_id=WORKER.id, outcome="met", notes="楼道堆物")
    [second] = _server_refuses(store, "visit")
    ctx = make_ctx(WORKER, "en")
    controller = controller_for(ctx)
    try:
        page = show(qtbot, SyncPage(ctx))
        page.refresh()
        qtbot.waitUntil(lambda: page.rejected_model.rowCount() == 2 and not ctx.runner.busy, timeout=10_000)
        page.lists.setCurrentIndex(1)
        row = next(i for i in range(2) if page.rejected_model.row(i).mutation_id == second)
        page.rejected_view.selectRow(row)
        visits.log_visit(store, second_visit.household_id, visitor_id=WORKER.id, outcome="met", notes="消防通道堆物")
        [third] = _server_refuses(store, "visit")
        controller.reread_status()  # what the end of a sync does: the counts changed, the lists are read again
        qtbot.waitUntil(lambda: page.rejected_model.rowCount() == 3 and not ctx.runner.busy, timeout=10_000)
        chosen = page.rejected_view.selectionModel().selectedRows()
        assert [page.rejected_model.row(i.row()).mutation_id for i in chosen] == [second] != [third]
        assert page.dismiss_button.isEnabled()
    finally:
        controller.stop()
