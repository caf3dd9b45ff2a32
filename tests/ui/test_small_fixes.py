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
