"""The desktop app's entry point: `python -m gridworker.ui.app [--demo] [--lang zh|en]`.

    main(argv)              set up Qt (name, fonts, translations, error hooks), sign in, run
    make_main_window(ctx)   the main window of an open account (the installer's self-test renders it)

The controller owns the cycle of a session on a shared PC: sign in →
account open (AppContext, its log file, the main window) → switch account
or sign out → sign in again; closing the main window ends the app.
"""

from __future__ import annotations

import gc

import argparse
import asyncio
import logging
import sys

from PySide6.QtCore import QObject, QTimer, Slot
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QDialog

from ..demo.account import DEMO_ACCOUNT
from ..identity import identity_of
from ..logs import log_to_account, stop_account_log
from ..store.accounts import Account, AccountManager
from ..store.database import Store
from .context import Actor, AppContext
from .errors import ErrorReporter, format_traceback
from .main_window import MainWindow, drain
from .settings import LANGUAGES, Settings, install_translators, prefer_chinese_dates
from .signin import SignInDialog

log = logging.getLogger(__name__)

APP_NAME = "GridWorker"
# Tried in this order for every character the default font lacks: Linux, Linux, Windows, macOS.
CJK_FONTS = ("WenQuanYi Zen Hei", "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC")
BASE_POINT_SIZE = 10


def configure_application(app: QApplication) -> None:
    """Names, and a font that renders Chinese on a bare Linux as well as on Windows and macOS."""
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationDisplayName("网格员工作台")
    app.setQuitOnLastWindowClosed(False)  # between two accounts no window is open: the controller quits
    installed = set(QFontDatabase.families())
    cjk = [f for f in CJK_FONTS if f in installed]
    if not cjk:
        log.warning("none of the Chinese fonts %s is installed: Chinese may show as boxes", ", ".join(CJK_FONTS))
    font = QFont(app.font())
    font.setFamilies([font.family(), *cjk])
    font.setPointSize(max(font.pointSize(), BASE_POINT_SIZE))
    app.setFont(font)


def make_context(account: Account, store: Store, lang: str) -> AppContext:
    who = identity_of(account)
    return AppContext(account, store, Actor(who.id, who.role, who.display_name), lang=lang)


def make_main_window(
    ctx: AppContext, *, settings: Settings | None = None, reporter: ErrorReporter | None = None
) -> MainWindow:
    """The main window of an open account, not yet shown. Needs no network and no sync server."""
    window = MainWindow(ctx, settings=settings or Settings(), reporter=reporter)
    # What is alive now (modules, Qt wrappers, the pages) lives as long as the window: out of the collector's
    # sight, a full collection in the middle of a sync takes a few ms instead of over 100 (tests/ui/test_responsiveness).
    gc.freeze()
    return window


class AppController(QObject):
    def __init__(self, app: QApplication, settings: Settings, lang: str, *, demo: bool = False):
        super().__init__(app)
        self.app = app
        self.settings = settings
        self.lang = lang
        self.demo = demo
        self.manager = AccountManager()
        self.ctx: AppContext | None = None
        self.window: MainWindow | None = None
        self.dialog: SignInDialog | None = None  # the sign-in dialog shown last
        self.reporter = ErrorReporter(lang_of=lambda: self.lang, account_of=self._account_name, parent=self)

    def _account_name(self) -> str | None:
        return self.ctx.account.name if self.ctx else None

    def start(self) -> None:
        self.ask_sign_in(demo=self.demo)

    def ask_sign_in(self, *, demo: bool = False) -> None:
        self.dialog = dialog = SignInDialog(self.lang, self.settings, self.manager)
        dialog.failed.connect(lambda exc, trace: self.reporter.show_error(exc, trace, dialog))
        dialog.finished.connect(lambda code: self._sign_in_finished(dialog, code))
        dialog.show()
        if demo:
            dialog.open_demo()

    def _sign_in_finished(self, dialog: SignInDialog, code: int) -> None:
        dialog.deleteLater()
        if code == QDialog.DialogCode.Accepted and dialog.account is not None:
            self.signed_in(dialog.account, dialog.store)
        else:
            self.app.quit()

    def signed_in(self, account: Account, store: Store) -> None:
        log_to_account(account.logs_dir)
        log.info("account %s opened", account.name)
        self.ctx = make_context(account, store, self.lang)
        self.window = make_main_window(self.ctx, settings=self.settings, reporter=self.reporter)
        self.window.switch_account_requested.connect(self.leave_account)
        self.window.sign_out_requested.connect(self.sign_out)
        self.window.closed.connect(self.quit)
        self.window.language_changed.connect(self._language_changed)
        self.window.show()
        if self.demo and account.name == DEMO_ACCOUNT:
            self._start_demo_server()  # links the account, then syncs (SyncController.account_linked)
        else:
            self._first_sync()

    def _first_sync(self) -> None:
        """A linked account syncs the moment it is opened: not an empty register until the timer fires."""
        from .sync_controller import controller_for, is_linked

        if is_linked(self.ctx):
            controller_for(self.ctx).sync_now()

    def _start_demo_server(self) -> None:
        """`make run`: a local sync server for the demo account; if it fails the app stays usable offline."""
        from ..demo.server import start_for_demo
        from .sync_controller import controller_for

        ctx = self.ctx

        async def start() -> None:
            await ctx.runner.call(start_for_demo, ctx.account, ctx.store, pool="net")
            controller_for(ctx).account_linked()

        ctx.runner.start(start(), "demo server")

    @Slot(str)
    def _language_changed(self, lang: str) -> None:
        self.lang = lang

    @Slot()
    def sign_out(self) -> None:
        """Sign out of the server (the token is revoked there if it can be reached, and forgotten here),
        then close the account. An account never linked just closes."""
        ctx = self.ctx
        if ctx is None or not (ctx.account.info.get("server") or {}).get("url"):
            self.leave_account()
            return
        from ..sync import link

        async def sign_out() -> None:
            try:
                await ctx.runner.call(link.logout, ctx.account, ctx.store, pool="net")
            except Exception as exc:  # noqa: BLE001 - the account still closes; the error is shown
                self.reporter.show_error(exc, format_traceback(exc))
            if self.ctx is ctx:
                # After this task: closing the account waits for the runner's tasks (drain), this one included.
                QTimer.singleShot(0, self.leave_account)

        ctx.runner.start(sign_out(), "sign out")

    @Slot()
    def leave_account(self) -> None:
        """Close this account (window, tasks, database, log) and show the sign-in dialog for the next one."""
        self._close_account()
        self.ask_sign_in()

    @Slot()
    def quit(self) -> None:
        self._close_account()
        self.app.quit()

    def _close_account(self) -> None:
        if self.window is not None:
            self.window.closed.disconnect(self.quit)
            self.window.close()  # its timers stop: nothing new is started
        if self.ctx is not None:
            drain(self.ctx.runner)  # what is under way finishes, delivered to widgets still there
        if self.window is not None:
            self.window.deleteLater()
            self.window = None
        if self.ctx is not None:
            log.info("account %s closed", self.ctx.account.name)
            self.ctx.close()
            self.ctx = None
        stop_account_log()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="gridworker-app")
    parser.add_argument("--demo", action="store_true", help="open the demo community (created on first use)")
    parser.add_argument("--lang", choices=LANGUAGES, help="language of this run (default: the one chosen in settings)")
    args = parser.parse_args(argv)

    console = logging.StreamHandler()
    console.setLevel(logging.WARNING)  # the account's log file gets the rest
    console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logging.getLogger().addHandler(console)
    settings = Settings()
    lang = args.lang or settings.language()
    prefer_chinese_dates(lang)  # read by Qt when the application is made
    app = QApplication.instance() or QApplication(sys.argv[:1])
    configure_application(app)
    install_translators(lang)
    controller = AppController(app, settings, lang, demo=args.demo)
    controller.reporter.install_hooks()

    import qasync  # asyncio in the Qt event loop, for `await ctx.runner.call(...)`

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    app.aboutToQuit.connect(controller._close_account)
    with loop:
        loop.call_soon(controller.start)
        return int(loop.run_forever() or 0)  # returns when the app quits


if __name__ == "__main__":
    sys.exit(main())
