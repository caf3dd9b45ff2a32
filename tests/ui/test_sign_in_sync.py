"""A sync starts the moment someone signs in, with its progress shown (issue 12, item 3).

A real server process holds a building another device registered; a new
grid worker signs in from the sign-in dialog, and without waiting for the
periodic timer (two minutes) the status bar shows a sync under way, then the
building is on this computer and the bar no longer says "never synced".
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlmodel import select

from gridworker.domain.models import Building
from gridworker.services import register
from gridworker.ui.settings import Settings
from tests.sync.helpers import area_ids
from tests.sync.server import SERVER_PASSWORD, ServerProcess, make_client


def test_signing_in_starts_a_sync_at_once_and_shows_it(qapp, qtbot, chinese, gridworker_home, tmp_path, monkeypatch):
    from gridworker.ui.app import AppController
    from gridworker.ui.sync_controller import PERIOD_MS, controller_for
    from gridworker.ui.widgets.sync_status import SyncStatusWidget

    server = ServerProcess(tmp_path / "server").set_up(users=[("zw", "worker", ["G1"]), ("ls", "worker", ["G1"])]).start()
    controller = None
    try:
        other = make_client(tmp_path / "other-home", server, "ls")
        other.sync_ok()
        building = register.register_building(other.store, {"name": "7号楼", "estate": "幸福小区", "area_id": area_ids(other)["G1"]})
        other.sync_ok()
        other.close()

        monkeypatch.setattr(qapp, "quit", lambda: None)
        controller = AppController(qapp, Settings(), "zh")
        controller.start()
        dialog = controller.dialog
        dialog.show_page(dialog.online_page)
        qtbot.keyClicks(dialog.server, server.url)
        qtbot.keyClicks(dialog.username, "zw")
        qtbot.keyClicks(dialog.server_password, SERVER_PASSWORD)
        qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: controller.window is not None and controller.window.isVisible(), timeout=60_000)

        ctx, window = controller.ctx, controller.window
        sync = controller_for(ctx)
        [indicator] = window.statusBar().findChildren(SyncStatusWidget)
        results = []
        sync.synced.connect(results.append)
        assert sync.running, "no sync started at sign-in: the first one would wait for the timer"
        assert sync._period.remainingTime() > PERIOD_MS - 60_000  # it is not the periodic timer's
        assert indicator.progress.isVisible() and indicator.state_label.text() == "正在同步…"

        qtbot.waitUntil(lambda: bool(results), timeout=60_000)
        assert results[0].error is None and results[0].pulled >= 1
        with ctx.store.read() as s:
            assert building.id in {b.id for b in s.exec(select(Building))}
        qtbot.waitUntil(lambda: not indicator.progress.isVisible(), timeout=10_000)
        assert indicator.last_label.text() != "从未同步"
    finally:
        if controller is not None:
            controller.quit()  # closes the window and the account (the app's quit is a no-op here)
        server.stop()
