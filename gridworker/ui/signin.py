"""Signing in: unlock a local account with its password, sign in to a server, or open the demo community.

One dialog, two faces: "unlock" when this PC already has accounts (offline:
the password unwraps the account's data key, no network), and "sign in to a
server" on first run or to add an account (gridworker.identity.sign_in_online
links or creates the local account). Either face offers the demo community
for working offline. Opening an account runs off the GUI thread: the key
derivation takes a noticeable moment on purpose.
"""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from ..domain.errors import GridWorkerError, WrongPassword
from ..identity import sign_in_online
from ..store.accounts import Account, AccountManager
from ..store.database import Store
from ..sync.errors import Offline
from .errors import format_traceback
from .settings import LAST_ACCOUNT, LAST_SERVER, LAST_USERNAME, Settings
from .tasks import TaskRunner
from .style import ACCENT, MUTED, error_label



def open_demo(manager: AccountManager) -> tuple[Account, Store]:
    """The demo account, created with a generated community on first use (blocking: run it off the GUI thread)."""
    from ..demo.account import DEMO_ACCOUNT, open_demo_store

    store = open_demo_store()
    return manager.get(DEMO_ACCOUNT), store


def account_caption(manager: AccountManager, name: str) -> str:
    """How an account is listed: its name, and the server user it belongs to."""
    entry = manager.get(name).info.get("server") or {}
    if entry.get("username"):
        who = entry.get("display_name") or entry["username"]
        return f"{name} — {who}"
    return name


def show_message(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))


class SignInDialog(QDialog):
    """Accept() leaves the opened account in `account` and `store`; the caller owns the store from then on."""

    failed = Signal(object, str)  # an unexpected error: exception, traceback

    def __init__(self, lang: str, settings: Settings, manager: AccountManager | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.lang = lang
        self.settings = settings
        self.manager = manager or AccountManager()
        self.account: Account | None = None
        self.store: Store | None = None
        self.runner = TaskRunner(self)
        self.setWindowTitle(self.tr("GridWorker — sign in"))
        self.setMinimumWidth(480)

        title = QLabel(self.tr("GridWorker"))
        title.setStyleSheet(f"font-size: 20pt; font-weight: bold; color: {ACCENT};")
        subtitle = QLabel(self.tr("Registers, visits and incidents of your grid — works offline"))
        subtitle.setStyleSheet(f"color: {MUTED};")

        # The two faces in one column, one hidden: a hidden widget takes no room (a stack would keep the taller's).
        self.pages = QWidget()
        faces = QVBoxLayout(self.pages)
        faces.setContentsMargins(0, 0, 0, 0)
        self.unlock_page = self._build_unlock_page()
        self.online_page = self._build_online_page()
        faces.addWidget(self.unlock_page)
        faces.addWidget(self.online_page)

        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        self.demo_button = QPushButton(self.tr("Work offline on the demo community"))
        self.demo_button.clicked.connect(self.open_demo)
        self.busy_label = QLabel()
        self.busy_label.setStyleSheet(f"color: {ACCENT};")
        self.busy_label.hide()

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(subtitle)
        layout.addSpacing(8)
        layout.addWidget(self.pages)
        layout.addWidget(self.busy_label)
        layout.addWidget(line)
        layout.addWidget(self.demo_button)
        self.show_start_page()

    # -- the two faces -------------------------------------------------------------------
    def _build_unlock_page(self) -> QWidget:
        page = QWidget()
        self.account_box = QComboBox()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.returnPressed.connect(self.unlock)
        self.unlock_error = error_label()
        self.unlock_button = QPushButton(self.tr("Unlock"))
        self.unlock_button.clicked.connect(self.unlock)
        to_online = QPushButton(self.tr("Sign in to a server with another account…"))
        to_online.setFlat(True)
        to_online.setStyleSheet(f"text-align: left; color: {ACCENT};")
        to_online.clicked.connect(lambda: self.show_page(self.online_page))

        form = QFormLayout()
        account_label = QLabel(self.tr("&Account:"))
        account_label.setBuddy(self.account_box)
        password_label = QLabel(self.tr("&Password:"))
        password_label.setBuddy(self.password)
        form.addRow(account_label, self.account_box)
        form.addRow(password_label, self.password)
        hint = QLabel(self.tr("The password of this computer's account opens its data, also without a network."))
        hint.setWordWrap(True)
        hint.setStyleSheet(f"color: {MUTED};")
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.unlock_error)
        layout.addWidget(hint)
        buttons = QHBoxLayout()
        buttons.addWidget(to_online)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        layout.addLayout(buttons)
        return page

    def _build_online_page(self) -> QWidget:
        page = QWidget()
        self.server = QLineEdit(self.settings.get(LAST_SERVER))
        self.server.setPlaceholderText(self.tr("e.g. https://grid.example.cn"))
        self.username = QLineEdit(self.settings.get(LAST_USERNAME))
        self.server_password = QLineEdit()
        self.server_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.server_password.returnPressed.connect(self.sign_in)
        self.online_error = error_label()
        self.sign_in_button = QPushButton(self.tr("Sign in"))
        self.sign_in_button.clicked.connect(self.sign_in)
        self.back_button = QPushButton(self.tr("Back to the accounts on this computer"))
        self.back_button.setFlat(True)
        self.back_button.setStyleSheet(f"text-align: left; color: {ACCENT};")
        self.back_button.clicked.connect(lambda: self.show_page(self.unlock_page))

        form = QFormLayout()
        for text, field in (
            (self.tr("&Server address:"), self.server),
            (self.tr("&User name:"), self.username),
            (self.tr("Pass&word:"), self.server_password),
        ):
            label = QLabel(text)
            label.setBuddy(field)
            form.addRow(label, field)
        hint = QLabel(
            self.tr(
                "The first sign-in makes an account on this computer with the same password; "
                "after that it opens offline."
            )
        )
        hint.setWordWrap(True)
        hint.setStyleSheet(f"color: {MUTED};")
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.online_error)
        layout.addWidget(hint)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.sign_in_button)
        layout.addLayout(buttons)
        return page

    def show_start_page(self) -> None:
        names = self.manager.names()
        self.account_box.clear()
        for name in names:
            self.account_box.addItem(account_caption(self.manager, name), name)
        last = self.settings.get(LAST_ACCOUNT)
        if last in names:
            self.account_box.setCurrentIndex(names.index(last))
        self.back_button.setVisible(bool(names))
        self.show_page(self.unlock_page if names else self.online_page)

    def show_page(self, page: QWidget) -> None:
        other = self.online_page if page is self.unlock_page else self.unlock_page
        other.hide()
        page.show()
        self.adjustSize()
        unlocking = page is self.unlock_page
        self.unlock_button.setDefault(unlocking)
        self.sign_in_button.setDefault(not unlocking)
        if unlocking:
            self.password.setFocus()
        else:
            first_empty = next((f for f in (self.server, self.username) if not f.text()), self.server_password)
            first_empty.setFocus()

    def current_page(self) -> QWidget:
        return self.unlock_page if self.unlock_page.isVisibleTo(self) else self.online_page

    # -- actions -------------------------------------------------------------------------
    @Slot()
    def unlock(self) -> None:
        name = self.account_box.currentData()
        if not name:
            return
        show_message(self.unlock_error, "")
        self._busy(self.tr("Opening the account…"))  # at once: a second click cannot open it twice
        self.runner.start(self._open(self._unlock_failed, self.manager.open, name, self.password.text()), "unlock")

    @Slot()
    def sign_in(self) -> None:
        server, username, password = self.server.text().strip(), self.username.text().strip(), self.server_password.text()
        if not (server and username and password):
            show_message(self.online_error, self.tr("Give the server address, your user name and your password."))
            return
        show_message(self.online_error, "")
        self._busy(self.tr("Signing in to the server…"))
        self.settings.set(LAST_SERVER, server)
        self.settings.set(LAST_USERNAME, username)
        self.runner.start(self._open(self._online_failed, sign_in_online, self.manager, server, username, password,
                                     pool="net"), "sign in")  # fmt: skip

    @Slot()
    def open_demo(self) -> None:
        self._busy(self.tr("Preparing the demo community (a few seconds the first time)…"))
        self.runner.start(self._open(self._demo_failed, open_demo, self.manager), "open demo")

    async def _open(self, failed, fn, *args, pool: str = "db") -> None:
        """Open the account off the GUI thread; a refusal is said by `failed` on the page the user acted on."""
        try:
            result = await self.runner.call(fn, *args, pool=pool, guard=self)
        except Exception as exc:  # noqa: BLE001 - refusals in words; the rest goes to the error dialog (_show_error)
            if isValid(self):
                failed(exc)
            return
        self._opened(result[:2])

    # -- results -------------------------------------------------------------------------
    def _opened(self, result: tuple[Account, Store]) -> None:
        self.account, self.store = result
        self.settings.set(LAST_ACCOUNT, self.account.name)
        self.password.clear()
        self.server_password.clear()
        self._busy("")
        self.accept()

    def _unlock_failed(self, exc: BaseException) -> None:
        self._busy("")
        self._show_error(exc, self.unlock_error)
        if isinstance(exc, WrongPassword):
            self.password.selectAll()
            self.password.setFocus()

    def _online_failed(self, exc: BaseException) -> None:
        self._busy("")
        if isinstance(exc, Offline):  # nothing was saved yet and nothing retries: say what to check
            show_message(self.online_error, self.tr(
                "Cannot reach the server. Check the network connection and the server address, then sign in again."))  # fmt: skip
            return
        self._show_error(exc, self.online_error)
        if isinstance(exc, GridWorkerError) and exc.code == "weak_password":
            # The server password also becomes the new local account's: a weak one is refused here too.
            show_message(
                self.online_error,
                exc.message(self.lang) + "\n" + self.tr(
                    "The password also locks this account's data on this computer. "
                    "Ask your administrator to set you a stronger one."
                ),
            )
            self.server_password.selectAll()
            self.server_password.setFocus()

    def _demo_failed(self, exc: BaseException) -> None:
        self._busy("")
        current = self.unlock_error if self.current_page() is self.unlock_page else self.online_error
        self._show_error(exc, current)

    def _show_error(self, exc: BaseException, label: QLabel) -> None:
        if isinstance(exc, GridWorkerError):
            show_message(label, exc.message(self.lang))
        else:
            self.failed.emit(exc, format_traceback(exc))

    def _busy(self, text: str) -> None:
        for widget in (self.pages, self.demo_button):
            widget.setEnabled(not text)
        self.busy_label.setText(text)
        self.busy_label.setVisible(bool(text))

    def done(self, result: int) -> None:
        if self.runner.busy and self.store is None:
            return  # an account is being opened: wait for it rather than leave it half-open (once open: accepted)
        self.runner.shutdown()
        super().done(result)
