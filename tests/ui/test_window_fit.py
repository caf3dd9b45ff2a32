"""The main window on small screens: usable at 1024×600, inside a 1366×768 laptop's screen, its place remembered per account."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QScrollArea, QToolButton

from gridworker.ui.app import make_main_window
from gridworker.ui.main_window import FRAME_ALLOWANCE, fit_rect
from gridworker.ui.settings import Settings, window_geometry

pytestmark = pytest.mark.timeout(120)

NETBOOK = QRect(0, 0, 1024, 600)
LAPTOP = QRect(0, 0, 1366, 768 - 40)  # less a task bar


@pytest.fixture
def window(ctx, qtbot):
    win = make_main_window(ctx)
    qtbot.addWidget(win)
    win.setWindowState(Qt.WindowState.WindowNoState)
    win.show()
    qtbot.waitUntil(lambda: win.pages["register"].lists.people.rowCount() > 0, timeout=10_000)
    return win


def inside(win, widget) -> bool:
    top_left = widget.mapTo(win, QPoint(0, 0))
    return QRect(QPoint(0, 0), win.size()).contains(QRect(top_left, widget.size()))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_fits_a_1024x600_netbook_with_the_status_bar_in_view(window, qtbot, lang):
    if lang != "zh":
        window.language_actions[lang].trigger()  # English labels are longer
        qtbot.wait(20)
    from gridworker.ui.context import Actor

    ctx = window.ctx  # a linked user's long name and role in the status bar (what Xvfb showed at 1024×600)
    ctx.actor = Actor(ctx.actor.id, ctx.actor.role, "欧阳晓红（西湖区翠苑街道翡翠社区第12网格专职网格员）")
    ctx.identity_changed.emit()
    from datetime import datetime, timezone

    from gridworker.sync.worker import SyncStatus
    from gridworker.ui.widgets.sync_status import SyncStatusWidget

    indicator = window.statusBar().findChild(SyncStatusWidget)  # as linked: online, waiting, last sync, Sync now
    # Everything the bar can say at once: the December holiday warning (no table for next year) and refusals.
    indicator.show_status(SyncStatus("ok", True, False, 1234, 3, 12, 0, datetime.now(timezone.utc), None))
    assert indicator.review_button.isVisibleTo(window)
    window.calendar_warning.show_missing([2027])
    assert window.calendar_warning.isVisibleTo(window)
    assert window.calendar_warning.toolTip().startswith(window.calendar_warning.text())  # the whole text in the tooltip
    hint = window.minimumSizeHint()
    # a netbook's screen less its task bar (40) and the window's title bar and borders
    assert hint.width() <= NETBOOK.width() - FRAME_ALLOWANCE.width()
    assert hint.height() <= NETBOOK.height() - 40 - FRAME_ALLOWANCE.height()
    window.resize(NETBOOK.width() - FRAME_ALLOWANCE.width(), NETBOOK.height() - 40 - FRAME_ALLOWANCE.height())
    qtbot.wait(50)
    assert window.navigation.horizontalScrollBar().maximum() == 0  # every page's name whole
    names = window.navigation.fontMetrics()
    for row in range(window.navigation.count()):
        item = window.navigation.item(row)
        assert names.horizontalAdvance(item.text()) + 2 * 10 <= window.navigation.viewport().width(), item.text()
    sync = window.statusBar().findChild(QToolButton)
    for page_id, page in window.pages.items():
        window.show_page(page_id)
        qtbot.wait(20)
        assert page.minimumSizeHint().width() <= window.stack.width(), page_id
        assert page.minimumSizeHint().height() <= window.stack.height(), page_id
        assert window.statusBar().isVisible() and inside(window, window.statusBar()), page_id
        assert inside(window, window.identity_label)
        if sync is not None and sync.isVisibleTo(window):
            assert inside(window, sync)
        assert inside(window, indicator.last_label) and inside(window, indicator.review_button)
    report = window.pages["report"]  # the form whole, scrolling up and down only
    window.show_page("report")
    qtbot.wait(20)
    form = report.description.parentWidget()
    while form.parentWidget() is not None and not isinstance(form.parentWidget().parentWidget(), QScrollArea):
        form = form.parentWidget()
    assert form.width() >= form.minimumSizeHint().width()

    register = window.pages["register"]
    window.show_page("register")
    qtbot.wait(20)
    assert register.toolbar.sizeHint().width() <= register.toolbar.width()  # every action on the bar, none behind »

    sync = window.pages["sync"]  # the refused changes get room for more than a row or two
    window.show_page("sync")
    sync.lists.setCurrentWidget(sync.rejected_box)
    qtbot.wait(20)
    view = sync.rejected_view
    assert view.viewport().height() >= 6 * view.verticalHeader().defaultSectionSize()


def test_the_due_lists_with_their_counts_fit_a_1024x600_netbook_in_english(window, qtbot):
    """The households due and the places due side by side, the count said in full (it once pushed the bar wide).

    In the app's own font size (app.configure_application: the tests' default font is smaller)."""
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QApplication

    from gridworker.ui.app import BASE_POINT_SIZE

    app = QApplication.instance()
    before = QFont(app.font())
    font = QFont(before)
    font.setPointSize(max(font.pointSize(), BASE_POINT_SIZE))
    app.setFont(font)
    try:
        window.language_actions["en"].trigger()
        qtbot.wait(20)
        window.resize(NETBOOK.width() - FRAME_ALLOWANCE.width(), NETBOOK.height() - 40 - FRAME_ALLOWANCE.height())
        window.show_page("visits")
        visits = window.pages["visits"]
        visits.tabs.setCurrentIndex(1)
        qtbot.waitUntil(lambda: "households due" in visits.due_count.text(), timeout=10_000)
        qtbot.wait(20)
        assert visits.tabs.currentWidget().minimumSizeHint().width() <= window.stack.width()  # the bar, the lists
        assert visits.due_places.isVisibleTo(window) and inside(window, visits.plan_due)
    finally:
        app.setFont(before)


def test_the_window_opens_inside_a_1366x768_laptop_screen(ctx, qtbot):
    win = make_main_window(ctx)
    qtbot.addWidget(win)
    win.place_on_screen(LAPTOP)
    assert LAPTOP.contains(win.geometry().adjusted(-8, -32, 8, 8))
    assert win.windowState() & Qt.WindowState.WindowMaximized  # 1366×800 does not fit: it starts maximized


def test_fit_rect_moves_and_shrinks_a_window_into_the_free_area():
    frame = FRAME_ALLOWANCE
    rect = fit_rect(QRect(900, 500, 1366, 800), LAPTOP, frame)
    assert LAPTOP.contains(rect.adjusted(-frame.width() // 2, -(frame.height() - frame.width() // 2),
                                         frame.width() // 2, frame.width() // 2))  # fmt: skip
    assert rect.width() == LAPTOP.width() - frame.width() and rect.height() == LAPTOP.height() - frame.height()
    small = fit_rect(QRect(-300, -200, 800, 500), NETBOOK, frame)
    assert small.size() == QRect(0, 0, 800, 500).size() and NETBOOK.contains(small)


def test_size_and_place_are_remembered_per_account(ctx, qtbot):
    big = QRect(0, 0, 2560, 1400)
    win = make_main_window(ctx)
    qtbot.addWidget(win)
    win.place_on_screen(big)
    assert not win.windowState() & Qt.WindowState.WindowMaximized
    assert win.size().width() == 1366  # the default where it fits
    win.setGeometry(QRect(120, 90, 1100, 640))
    win.close()
    assert Settings().get(window_geometry(ctx.account.name)).split()[:4] == ["120", "90", "1100", "640"]
    assert Settings().get(window_geometry("someone-else")) == ""

    again = make_main_window(ctx)
    qtbot.addWidget(again)
    again.place_on_screen(big)
    assert again.geometry().size() == QRect(0, 0, 1100, 640).size()
    assert again.geometry().topLeft() == QPoint(120, 90)


def test_a_window_maximized_from_the_start_remembers_a_usable_size(ctx, qtbot):
    settings = Settings()
    win = make_main_window(ctx, settings=settings)
    qtbot.addWidget(win)
    win.place_on_screen(NETBOOK)  # maximized at once: its normal geometry was never shown
    win.show()
    win.close()
    x, y, width, height, *state = settings.get(window_geometry(ctx.account.name)).split()
    assert int(width) >= 800 and int(height) >= 500 and state == ["maximized"]

    settings.set(window_geometry(ctx.account.name), "0 0 -1 -1 maximized")  # what an earlier build wrote
    again = make_main_window(ctx, settings=settings)
    qtbot.addWidget(again)
    again.place_on_screen(LAPTOP)
    assert again.geometry().width() > 800 and again.geometry().height() > 500
