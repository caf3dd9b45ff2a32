"""The shell: signing in, the main window, languages, the error dialog, settings and the account's log."""

from __future__ import annotations

import json
import logging
import sys
import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog

from gridworker.logs import current_log_file, log_to_account, stop_account_log
from gridworker.services.search import find_people
from gridworker.ui.app import make_main_window
from gridworker.ui.settings import LANGUAGE, LAST_ACCOUNT, Settings
from gridworker.ui.signin import SignInDialog

from .conftest import ACCOUNT, PASSWORD

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def window(ctx, qtbot):
    win = make_main_window(ctx)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.pages["register"].lists.people.rowCount() > 0, timeout=10_000)
    return win


def sign_in_dialog(qtbot, manager) -> SignInDialog:
    dialog = SignInDialog("zh", Settings(), manager)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_unlock_offline_tells_a_wrong_password_then_opens_the_account(qtbot, chinese, demo_accounts):
    dialog = sign_in_dialog(qtbot, demo_accounts)
    assert dialog.current_page() is dialog.unlock_page
    assert dialog.account_box.currentData() == ACCOUNT

    qtbot.keyClicks(dialog.password, "not the password")
    qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.unlock_error.isVisible(), timeout=10_000)
    assert "密码错误" in dialog.unlock_error.text()
    assert dialog.isVisible() and dialog.store is None

    dialog.password.clear()
    qtbot.keyClicks(dialog.password, PASSWORD)
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    try:
        assert dialog.account.name == ACCOUNT
        assert find_people(dialog.store, "1", limit=1)  # the store is open and readable
        assert Settings().get(LAST_ACCOUNT) == ACCOUNT
    finally:
        dialog.store.close()


def test_first_run_asks_for_a_server_and_leaves_no_account_when_it_cannot_sign_in(qtbot, chinese, accounts):
    dialog = sign_in_dialog(qtbot, accounts)
    assert dialog.current_page() is dialog.online_page  # no account on this PC yet
    assert not dialog.back_button.isVisible()

    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    assert "服务器地址" in dialog.online_error.text()

    qtbot.keyClicks(dialog.server, "http://127.0.0.1:9")  # nothing listens there
    qtbot.keyClicks(dialog.username, "zhangwei")
    qtbot.keyClicks(dialog.server_password, "secret-123")
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.online_error.isVisible(), timeout=60_000)
    assert "无法连接服务器" in dialog.online_error.text()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert accounts.names() == []  # the account made for the attempt is gone again
    assert dialog.pages.isEnabled()


def test_unlocking_an_account_whose_key_asks_argon2_for_2_tib_says_so(qtbot, chinese, demo_accounts):
    info_path = demo_accounts.accounts_dir / ACCOUNT / "account.json"
    info = json.loads(info_path.read_text("utf-8"))
    info["key"]["params"]["memory_cost"] = 2**31  # KiB: 2 TiB
    info_path.write_text(json.dumps(info), "utf-8")
    dialog = sign_in_dialog(qtbot, demo_accounts)
    qtbot.keyClicks(dialog.password, PASSWORD)
    qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.unlock_error.isVisible(), timeout=10_000)
    assert "账户密钥无法使用" in dialog.unlock_error.text() and "内存" in dialog.unlock_error.text()
    assert dialog.store is None and dialog.pages.isEnabled()


@pytest.mark.parametrize("password", ["12345678", "        "])
def test_signing_in_with_a_weak_password_says_why_and_makes_no_account(qtbot, chinese, accounts, password):
    dialog = sign_in_dialog(qtbot, accounts)
    qtbot.keyClicks(dialog.server, "http://127.0.0.1:9")
    qtbot.keyClicks(dialog.username, "zhangwei")
    qtbot.keyClicks(dialog.server_password, password)
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.online_error.isVisible(), timeout=30_000)
    text = dialog.online_error.text()
    assert ("太常见" in text or "只有空格" in text) and "管理员" in text
    assert "weak_password" not in text and "Traceback" not in text
    assert accounts.names() == [] and dialog.pages.isEnabled() and dialog.result() != QDialog.DialogCode.Accepted


def test_switching_to_english_relabels_the_window_and_is_remembered(window, ctx, qtbot):
    page = window.pages["register"]
    assert window.navigation.item(0).text() == "人房台账"
    assert page.new_household_action.text() == "新增住户"

    window.language_actions["en"].trigger()
    assert ctx.lang == "en"
    english = window.pages["register"]
    assert english is not page
    assert window.navigation.item(0).text() == "Registers"
    assert english.new_household_action.text() == "New household"
    assert "People" in english.lists.tabText(0)
    assert Settings().get(LANGUAGE) == "en"


def test_a_failing_task_shows_the_error_dialog_and_the_work_stays(window, ctx, qtbot, monkeypatch):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # put back after the test: the app's hooks go in now
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    window.reporter.install_hooks()  # as app.main does: what escapes an async slot reaches the error dialog
    page = window.pages["register"]
    qtbot.keyClicks(page.search, "zhang")

    def broken():
        raise RuntimeError("disk on fire")

    ctx.runner.start(ctx.runner.call(broken))
    qtbot.waitUntil(lambda: bool(window.reporter.dialogs) and window.reporter.dialogs[-1].isVisible(), timeout=10_000)
    dialog = window.reporter.dialogs[-1]
    assert "RuntimeError: disk on fire" in dialog.report
    assert f"Account: {ACCOUNT}" in dialog.report
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == dialog.report
    assert window.isVisible() and window.current_page_id() == "register"
    assert page.search.text() == "zhang"
    dialog.close()


def test_settings_live_under_the_gridworker_home(gridworker_home, qapp):
    settings = Settings()
    assert settings.path.is_relative_to(gridworker_home)
    assert settings.language() == "zh"  # Chinese by default
    settings.set(LANGUAGE, "en")
    assert Settings().language() == "en"


def test_each_account_logs_to_its_own_rotating_file(tmp_path):
    first, second = tmp_path / "a" / "logs", tmp_path / "b" / "logs"
    try:
        log_to_account(first)
        logging.getLogger("gridworker.test").info("first account at work")
        log_to_account(second)
        logging.getLogger("gridworker.test").info("second account at work")
        assert current_log_file() == second / "gridworker.log"
    finally:
        stop_account_log()
    first_text = (first / "gridworker.log").read_text("utf-8")
    second_text = (second / "gridworker.log").read_text("utf-8")
    assert "first account at work" in first_text and "second account" not in first_text
    assert "second account at work" in second_text and "first account" not in second_text
    assert current_log_file() is None


def test_a_shared_pc_session_signs_in_switches_account_and_quits(qapp, qtbot, chinese, demo_accounts, monkeypatch):
    from gridworker.ui.app import AppController

    quits = []
    monkeypatch.setattr(qapp, "quit", lambda: quits.append(True))
    controller = AppController(qapp, Settings(), "zh")
    controller.start()
    first = controller.dialog
    qtbot.keyClicks(first.password, PASSWORD)
    qtbot.mouseClick(first.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.window is not None and controller.window.isVisible(), timeout=10_000)
    ctx, window = controller.ctx, controller.window
    assert ctx.actor.role == "worker" and ctx.account.name == ACCOUNT
    assert current_log_file() == ctx.account.logs_dir / "gridworker.log"

    window.switch_action.trigger()  # the next person at this PC
    assert controller.ctx is None and not window.isVisible()
    assert current_log_file() is None
    assert ctx.runner.start(ctx.runner.call(find_people, ctx.store, "1")).cancelled()  # the account's work has stopped
    second = controller.dialog
    assert second is not first and second.isVisible()
    assert second.account_box.currentData() == ACCOUNT and second.password.text() == ""

    second.reject()  # nobody signs in: the app ends
    assert quits == [True]


def test_the_actor_is_the_linked_server_user_else_a_stable_local_worker(demo_accounts):
    from gridworker.identity import identity_of, normalise_server_url

    account = demo_accounts.get(ACCOUNT)
    local = identity_of(account)
    assert (local.role, local.display_name, local.linked) == ("worker", ACCOUNT, False)
    assert identity_of(demo_accounts.get(ACCOUNT)) == local  # kept in account.json: the same id next run

    account.info["server"] = {"url": "https://grid.example.cn", "username": "zw", "user_id": "u-1",
                              "display_name": "张伟", "role": "dispatcher"}  # fmt: skip
    assert identity_of(account) == type(local)("u-1", "dispatcher", "张伟", True)

    assert normalise_server_url(" grid.example.cn/ ") == "https://grid.example.cn"
    assert normalise_server_url("127.0.0.1:8000") == "http://127.0.0.1:8000"
    assert normalise_server_url("http://10.0.0.5:8000") == "http://10.0.0.5:8000"


def test_first_sign_in_to_a_real_server_links_a_new_local_account(qtbot, chinese, accounts, tmp_path):
    from gridworker.identity import identity_of
    from tests.sync.server import SERVER_PASSWORD, ServerProcess

    server = ServerProcess(tmp_path / "server").set_up(users=[("zhangwei", "worker", ["G1"])]).start()
    try:
        dialog = sign_in_dialog(qtbot, accounts)
        qtbot.keyClicks(dialog.server, server.url)
        qtbot.keyClicks(dialog.username, "zhangwei")
        qtbot.keyClicks(dialog.server_password, SERVER_PASSWORD)
        with qtbot.waitSignal(dialog.accepted, timeout=60_000):
            qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    finally:
        server.stop()
    try:
        account = dialog.account
        assert accounts.names() == ["zhangwei"]
        assert account.info["server"]["url"] == server.url and account.info["server"]["username"] == "zhangwei"
        who = identity_of(account)
        assert who.linked and who.role == "worker" and who.id == account.info["server"]["user_id"]
    finally:
        dialog.store.close()
    # Next time this PC offers the account for an offline unlock, with the password of the server.
    again = sign_in_dialog(qtbot, accounts)
    assert again.current_page() is again.unlock_page
    assert again.account_box.currentData() == "zhangwei"
    qtbot.keyClicks(again.password, SERVER_PASSWORD)
    with qtbot.waitSignal(again.accepted, timeout=10_000):
        qtbot.mouseClick(again.unlock_button, Qt.MouseButton.LeftButton)
    again.store.close()


def test_signing_in_links_the_only_offline_account_the_password_opens(qtbot, chinese, accounts, tmp_path):
    """The app follows the sign-in rules of `gridworker login` (gridworker.identity.sign_in_online): the only
    account on this PC, never linked, is linked when the password opens it, so its offline work goes to the server."""
    from gridworker.services import register
    from tests.sync.server import SERVER_PASSWORD, ServerProcess

    accounts.create("field", SERVER_PASSWORD)
    _account, store = accounts.open("field", SERVER_PASSWORD)
    area = register.register_area(store, code="G1", name="一网格(本机)", level="grid")
    building = register.register_building(store, {"name": "离线楼", "area_id": area.id})
    store.close()
    server = ServerProcess(tmp_path / "server").set_up(users=[("zhangwei", "worker", ["G1"])]).start()
    try:
        dialog = sign_in_dialog(qtbot, accounts)
        dialog.show_page(dialog.online_page)
        qtbot.keyClicks(dialog.server, server.url.removeprefix("http://"))  # as people type it
        qtbot.keyClicks(dialog.username, "zhangwei")
        qtbot.keyClicks(dialog.server_password, SERVER_PASSWORD)
        with qtbot.waitSignal(dialog.accepted, timeout=60_000):
            qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    finally:
        server.stop()
    try:
        assert accounts.names() == ["field"]  # linked, not a new account
        assert dialog.account.name == "field"
        assert dialog.account.info["server"]["url"] == server.url
        assert dialog.account.info["server"]["username"] == "zhangwei"
        with dialog.store.read() as s:
            from gridworker.domain.models import Building

            assert s.get(Building, building.id) is not None
    finally:
        dialog.store.close()
