"""The keyboard paths: from the search box into the results, Tab that clears nothing and leaves text areas,
whole rows with a visible focus, and a shortcut for every main action, shown in its menu."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from gridworker.services import incidents
from gridworker.services.queries import places as place_queries
from gridworker.ui.app import make_main_window
from gridworker.ui.pages.incidents import IncidentBoardPage
from gridworker.ui.pages.report import ReportPage
from gridworker.ui.register.lists import PEOPLE, search_ids

from .conftest_fieldwork import WORKER, activate, jpeg_with_gps, show
from .conftest_fieldwork import demo_account, demo_store, make_ctx, spot  # noqa: F401 (fixtures)

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def window(ctx, qtbot):
    win = make_main_window(ctx)
    qtbot.addWidget(win)
    win.show()
    activate(qtbot, win)
    qtbot.waitUntil(lambda: win.pages["register"].lists.people.rowCount() > 0, timeout=10_000)
    return win


def searched(qtbot, page, text: str) -> None:
    page.search.setFocus()
    qtbot.keyClicks(page.search, text)
    expected = search_ids(page.ctx.store, text, False)
    qtbot.waitUntil(lambda: page.lists.people.ids == expected and page.scope_label.text().startswith("搜索"),
                    timeout=10_000)  # fmt: skip


@pytest.mark.parametrize("key", [Qt.Key.Key_Down, Qt.Key.Key_Return])
def test_down_or_enter_in_the_search_box_moves_into_the_results(window, qtbot, key):
    page = window.pages["register"]
    searched(qtbot, page, "zhang")
    qtbot.keyClick(page.search, key)
    view = page.lists.views[PEOPLE]
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view, timeout=5_000)
    assert page.lists.selected_rows(PEOPLE) == [0]
    assert page.search.text() == "zhang"


def test_tab_from_the_search_box_clears_nothing(window, qtbot):
    page = window.pages["register"]
    searched(qtbot, page, "zhang")
    found = list(page.lists.people.ids)
    for _ in range(8):  # round the page: the results, the tabs, the tree, the household
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        qtbot.wait(30)
        if QApplication.focusWidget() is page.tree:
            break
    assert QApplication.focusWidget() is page.tree  # the tree is reached by Tab …
    # … and a search that was going to replace the results would have done so by now:
    qtbot.waitUntil(lambda: not page._search_timer.isActive() and not page.ctx.runner.busy, timeout=10_000)
    assert page.search.text() == "zhang"
    assert page.lists.people.ids == found


def test_tab_leaves_the_description_without_typing_a_tab(qtbot, make_ctx):
    page = show(qtbot, ReportPage(make_ctx(WORKER)))
    page.description.setFocus()
    qtbot.keyClicks(page.description, "cover")
    qtbot.keyClick(page.description, Qt.Key.Key_Tab)
    assert "\t" not in page.description.toPlainText()
    assert QApplication.focusWidget() is not page.description


def test_the_incident_list_selects_whole_rows_and_tab_leaves_it(qtbot, make_ctx, demo_store, tmp_path, spot):
    ctx = make_ctx(WORKER)
    grid = next(a.id for a in place_queries.area_choices(demo_store) if a.level == "grid")
    for n, text in enumerate(("north gate manhole cover broken", "street lamp out by building 3")):
        incidents.report_incident(demo_store, ctx.photos_dir, reporter_id=WORKER.id, reporter_role="worker",
                                  category="C0101", description=text, area_id=grid,
                                  photos=[jpeg_with_gps(tmp_path / f"{n}.jpg", *spot)])  # fmt: skip
    board = show(qtbot, IncidentBoardPage(ctx))
    qtbot.waitUntil(lambda: board.model.rowCount() > 1, timeout=10_000)
    board.table.setFocus()
    qtbot.keyClick(board.table, Qt.Key.Key_Down)
    rows = board.table.selectionModel().selectedRows()
    assert len(rows) == 1 and len(board.table.selectionModel().selectedIndexes()) == board.model.columnCount()
    qtbot.keyClick(board.table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not board.table  # not cell by cell
    assert ":focus" in window_style()  # the list with the focus is framed


def window_style() -> str:
    from gridworker.ui.main_window import STYLE

    return STYLE


def test_every_page_and_sync_have_a_shortcut_listed_in_the_menu(window, qtbot):
    shortcuts = {a.data(): a.shortcut().toString() for a in window.go_menu.actions() if a.data()}
    assert set(shortcuts) >= set(window.pages)
    assert all(shortcuts.values())
    assert window.sync_action.shortcut().toString() and window.sync_action in window.go_menu.actions()
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page_id() == list(window.pages)[1]
    page = window.pages["register"]
    window.show_page("register")
    for action in (page.new_person_action, page.new_household_action, page.edit_action):
        assert action.shortcut().toString() and action.shortcut().toString() in action.toolTip()
