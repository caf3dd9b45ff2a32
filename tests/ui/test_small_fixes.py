"""The smaller findings of the field trial: the title, the status bar's clock, the log folder, roles, order, duplicates."""

from __future__ import annotations

import time
from datetime import datetime, timezone

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices, QGuiApplication

from gridworker.sync.worker import SyncStatus
from gridworker.ui.app import make_main_window
from gridworker.ui.widgets.sync_status import last_sync_text

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def window(ctx, qtbot):
    win = make_main_window(ctx)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.pages["register"].lists.people.rowCount() > 0, timeout=10_000)
    return win


def test_the_title_names_the_app_once_in_the_language_of_the_ui(window, ctx):
    assert window.windowTitle() == ctx.actor.display_name  # Qt adds the app's name after it
    assert QGuiApplication.applicationDisplayName() == "网格员工作台"
    window.language_actions["en"].trigger()
    assert window.windowTitle() == ctx.actor.display_name
    assert QGuiApplication.applicationDisplayName() == "GridWorker"
    from gridworker.ui.context import Actor

    ctx.actor = Actor(ctx.actor.id, "worker", "张伟（第1网格网格员）")  # as linking to a server names the user
    ctx.identity_changed.emit()
    assert window.windowTitle() == "张伟（第1网格网格员）"


def test_the_last_sync_is_shown_in_china_time_whatever_the_pc_clock_zone(chinese, monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        status = SyncStatus("ok", True, False, 0, 0, 0, 0, datetime(2026, 12, 7, 4, 12, tzinfo=timezone.utc), None)
        assert last_sync_text(status).endswith("12-07 12:12")  # as the records show 04:12 UTC: Beijing time
    finally:
        monkeypatch.undo()
        time.tzset()


def test_the_log_folder_is_shown_to_copy_where_no_file_manager_opens(window, qtbot, monkeypatch):
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or False)
    window.open_log_folder()
    assert opened
    dialog = window.log_folder_dialog
    qtbot.waitUntil(lambda: dialog.isVisible(), timeout=5_000)
    folder = opened[0].toLocalFile()
    assert dialog.path.text() == folder
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == folder
    dialog.close()


def test_a_handler_reads_the_register_but_cannot_change_it(qtbot, chinese, demo_accounts):
    from gridworker.ui.context import Actor, AppContext
    from gridworker.ui.main_window import drain
    from gridworker.ui.pages.register import RegisterPage

    from .conftest import ACCOUNT, PASSWORD

    account, store = demo_accounts.open(ACCOUNT, PASSWORD)
    ctx = AppContext(account, store, Actor("0b6c1f7e-0000-4000-8000-0000000000a3", "handler", "陈刚"), lang="zh")
    try:
        page = RegisterPage(ctx)
        qtbot.addWidget(page)
        page.show()
        page.on_shown()
        qtbot.waitUntil(lambda: page.lists.people.rowCount() > 0 and page.household.card is not None, timeout=10_000)
        for action in (page.new_building_action, page.new_household_action, page.new_person_action,
                       page.edit_action, page.delete_action, page.import_action):  # fmt: skip
            assert not action.isEnabled(), action.text()
        assert not page.household.edit_button.isEnabled() and not page.household.add_button.isEnabled()
        assert page.household.reveal_button.isEnabled()  # reading stays
        page.new_household()
        page._edit_record("person", page.lists.people.id_at(0))
        qtbot.waitUntil(lambda: not ctx.runner.busy, timeout=10_000)  # an editor asked for would be open by now
        assert page.editor is None
        page.close()
    finally:
        drain(ctx.runner)
        ctx.close()
