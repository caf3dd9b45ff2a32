"""The main window: navigation between the pages, the account menu, settings, and the status bar.

It holds no business logic: pages do the work, the controller (app.py)
opens and closes accounts. The window rebuilds its pages when the language
changes, so every label is retranslated by the same code that made it.

The status bar holds the sync indicator (widgets/sync_status.py).
"""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import (
    QCoreApplication,
    QEventLoop,
    QRect,
    QSize,
    Qt,
    QTimer,
    QUrl,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QColor,
    QDesktopServices,
    QGuiApplication,
    QPainter,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QStatusBar,
    QWidget,
)

from .. import __version__
from ..domain.enums import Role
from ..logs import current_log_file
from .context import AppContext
from .errors import ErrorReporter
from .pages import PAGES
from .settings import LANGUAGE, Settings, install_translators, window_geometry
from .tasks import TaskRunner
from .widgets.calendar_warning import make_calendar_warning
from .widgets.sync_status import make_status_widget
from .style import WARNING

log = logging.getLogger(__name__)

BADGE = WARNING  # a navigation entry with things waiting for the user
DRAIN_LIMIT_S = 30.0
DEFAULT_SIZE = QSize(1366, 800)
MIN_REMEMBERED = QSize(320, 240)  # a smaller remembered size is a mistake: the default is used
FRAME_ALLOWANCE = QSize(16, 40)  # title bar and borders, before the window manager has told us its own


def fit_rect(wanted: QRect, available: QRect, frame: QSize = FRAME_ALLOWANCE) -> QRect:
    """`wanted` (the window without its frame) moved and shrunk so that, frame included, it lies inside `available`."""
    width = min(wanted.width(), available.width() - frame.width())
    height = min(wanted.height(), available.height() - frame.height())
    left_extra, top_extra = frame.width() // 2, frame.height() - frame.width() // 2
    x = min(max(wanted.x(), available.left() + left_extra), available.right() + 1 - width - frame.width() // 2)
    y = min(max(wanted.y(), available.top() + top_extra), available.bottom() + 1 - height - frame.width() // 2)
    return QRect(x, y, width, height)


def drain(runner: TaskRunner) -> None:
    """Let the tasks under way finish and deliver their results, before the widgets waiting for them go.

    A result delivered to a deleted widget, or a follow-up task started on a
    closed runner, would be an error; waiting a moment for them is not.
    """
    deadline = time.monotonic() + DRAIN_LIMIT_S
    while runner.busy and time.monotonic() < deadline:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.005)
    if runner.busy:
        log.warning("tasks still running after %.0f s; closing anyway", DRAIN_LIMIT_S)

STYLE = """
QListWidget#navigation { background: #f3f6fa; border: none; border-right: 1px solid #d5dde8; font-size: 11pt; }
QListWidget#navigation::item { padding: 10px 10px; }
QListWidget#navigation::item:selected { background: #1f4e79; color: white; }
QTableView { gridline-color: #e3e8ef; }
QHeaderView::section { background: #eef2f7; padding: 4px 6px; border: none; border-right: 1px solid #d5dde8;
                       border-bottom: 1px solid #d5dde8; font-weight: bold; }
QStatusBar QLabel { padding: 0 6px; }
QTableView, QTreeView { border: 2px solid #e3e8ef; }
QTableView:focus, QTreeView:focus { border: 2px solid #2563eb; }
"""


class ElidedLabel(QLabel):
    """One line of text cut short with … where there is no room (the whole of it in the tooltip), never widening the window."""

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setToolTip(text)

    def minimumSizeHint(self) -> QSize:
        return QSize(self.fontMetrics().horizontalAdvance("M") * 8, super().minimumSizeHint().height())

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        rect = self.contentsRect()
        text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), text)


class PathDialog(QDialog):
    """A folder's path to read, select and copy (where the PC cannot open it)."""

    def __init__(self, title: str, text: str, path, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.path = QLineEdit(str(path))
        self.path.setReadOnly(True)
        self.path.setMinimumWidth(min(self.path.fontMetrics().horizontalAdvance(str(path)) + 24, 720))
        self.copy_button = QPushButton(self.tr("Copy the path"))
        self.copy_button.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.path.text()))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        label = QLabel(text)
        label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.path)
        layout.addWidget(buttons)
        self.path.selectAll()


class MainWindow(QMainWindow):
    switch_account_requested = Signal()
    sign_out_requested = Signal()
    language_changed = Signal(str)
    closed = Signal()

    def __init__(self, ctx: AppContext, *, settings: Settings, reporter: ErrorReporter | None = None):
        super().__init__()
        self.ctx = ctx
        self.settings = settings
        self.reporter = reporter or ErrorReporter(lang_of=lambda: ctx.lang, account_of=lambda: ctx.account.name, parent=self)
        self.pages: dict[str, QWidget] = {}
        self.log_folder_dialog: QDialog | None = None  # shown where no file manager opens the log folder
        self.setStyleSheet(STYLE)
        ctx.runner.failed.connect(self.show_error)
        self._build()
        self.place_on_screen()

    # -- size and place ---------------------------------------------------------------------------
    def _geometry_setting(self):
        return window_geometry(self.ctx.account.name)

    def place_on_screen(self, available: QRect | None = None) -> None:
        """This account's last size and place, else the default size; always inside the screen's free area.

        `available` is the screen's area less the task bar (the primary screen's unless given).
        """
        screen = self.screen() or QGuiApplication.primaryScreen()
        available = available if available is not None else screen.availableGeometry()
        saved = self.settings.get(self._geometry_setting()).split()
        numbers = [int(part) for part in saved[:4] if part.lstrip("-").isdigit()]
        if len(numbers) == 4 and numbers[2] >= MIN_REMEMBERED.width() and numbers[3] >= MIN_REMEMBERED.height():
            wanted = QRect(*numbers)
            maximized = saved[4:] == ["maximized"]
        else:  # never saved, or unreadable
            wanted = QRect(available.topLeft(), DEFAULT_SIZE)
            wanted.moveCenter(available.center())
            # a small screen (a 1366×768 laptop, a 1024×600 netbook) starts with the window maximized
            maximized = (DEFAULT_SIZE.width() + FRAME_ALLOWANCE.width() > available.width()
                         or DEFAULT_SIZE.height() + FRAME_ALLOWANCE.height() > available.height())  # fmt: skip
        frame = FRAME_ALLOWANCE
        if self.isVisible():
            frame = self.frameGeometry().size() - self.geometry().size()
        self._placed = fit_rect(wanted, available, frame)
        self.setGeometry(self._placed)
        if maximized:
            self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)

    # -- building (again on a language change) -----------------------------------------------
    def _build(self, current: str | None = None) -> None:
        # Qt adds the application's name to every window's title ("张伟 — 网格员工作台"): the name once, in the UI's language.
        QGuiApplication.setApplicationDisplayName(self.tr("GridWorker"))
        self.setWindowTitle(self.ctx.actor.display_name)
        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setFixedWidth(150)
        self.stack = QStackedWidget()
        if self.pages:
            drain(self.ctx.runner)  # the old pages' tasks deliver to them, not to deleted widgets
        for old in self.pages.values():
            old.deleteLater()
        self.pages = {}
        for cls in PAGES:
            page = cls(self.ctx)
            self.pages[cls.page_id] = page
            self.stack.addWidget(page)
            item = QListWidgetItem(page.title())
            item.setData(Qt.ItemDataRole.UserRole, cls.page_id)
            self.navigation.addItem(item)
            if hasattr(page, "badge_changed"):  # e.g. the sync page: things waiting for the user
                page.badge_changed.connect(lambda n, item=item, page=page: self._show_badge(item, page, n))
                self._show_badge(item, page, page.badge())
        self.navigation.currentRowChanged.connect(self._page_chosen)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.navigation)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        # As wide as its longest entry in the list's own font (Chinese needs less than English): pages keep the rest.
        self.navigation.ensurePolished()
        widest = max((self.navigation.fontMetrics().horizontalAdvance(p.title()) for p in self.pages.values()), default=0)
        self.navigation.setFixedWidth(min(170, max(96, widest + 2 * 10 + 2 * self.navigation.frameWidth() + 10)))
        self.navigation.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._build_menus()
        self._build_status_bar()
        self.show_page(current if current in self.pages else next(iter(self.pages), ""))

    def _build_menus(self) -> None:
        bar = self.menuBar()
        bar.clear()
        account = bar.addMenu(self.tr("&Account"))
        self.switch_action = account.addAction(self.tr("&Switch account…"))
        self.switch_action.triggered.connect(self.switch_account_requested)
        self.sign_out_action = account.addAction(self.tr("Sign &out"))
        self.sign_out_action.triggered.connect(self.sign_out_requested)
        self.sign_out_action.setToolTip(self.tr("Close this account; a linked account also signs out of the server"))
        self.qr_action = account.addAction(self.tr("Community &QR codes…"), self.community_qr_codes)
        account.addSeparator()
        quit_action = account.addAction(self.tr("&Quit"), self.close)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)

        self.go_menu = bar.addMenu(self.tr("&Go"))
        for number, (page_id, page) in enumerate(self.pages.items(), start=1):
            action = self.go_menu.addAction(page.title(), lambda page_id=page_id: self.show_page(page_id))
            action.setData(page_id)
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
        self.go_menu.addSeparator()
        self.sync_action = self.go_menu.addAction(self.tr("Sync &now"), self.sync_now)
        self.sync_action.setShortcut(QKeySequence.StandardKey.Refresh)  # F5 (Ctrl+R on macOS)
        if self.sync_action.shortcut().isEmpty():
            self.sync_action.setShortcut(QKeySequence("F5"))

        settings = bar.addMenu(self.tr("&Settings"))
        language = settings.addMenu(self.tr("&Language"))
        group = QActionGroup(self)
        self.language_actions: dict[str, QAction] = {}
        for lang, label in (("zh", "中文"), ("en", "English")):
            action = language.addAction(label)
            action.setCheckable(True)
            action.setChecked(lang == self.ctx.lang)
            action.triggered.connect(lambda _checked=False, lang=lang: self.set_language(lang))
            group.addAction(action)
            self.language_actions[lang] = action

        help_menu = bar.addMenu(self.tr("&Help"))
        help_menu.addAction(self.tr("Open the &log folder"), self.open_log_folder)
        help_menu.addAction(self.tr("&About GridWorker"), self.about)

    def community_qr_codes(self) -> None:
        """The phone pages' QR codes, one per community, to print for the notice boards."""
        from .community_qr import open_dialog

        open_dialog(self.ctx, self)

    def _build_status_bar(self) -> None:
        bar = QStatusBar()
        self.setStatusBar(bar)
        self.identity_label = ElidedLabel()  # a linked user's long name never pushes the window past a netbook's screen
        self._show_identity()
        self.ctx.identity_changed.connect(self._show_identity)
        self.busy_label = QLabel(self.tr("Working…"))
        self.busy_label.setVisible(self.ctx.runner.busy)
        self.ctx.runner.busy_changed.connect(self.busy_label.setVisible)
        bar.addWidget(self.identity_label, 1)
        bar.addWidget(self.busy_label)
        self.calendar_warning = make_calendar_warning(self.ctx)
        bar.addWidget(self.calendar_warning)
        bar.addPermanentWidget(make_status_widget(self.ctx))

    @Slot()
    def _show_identity(self) -> None:
        actor = self.ctx.actor
        self.setWindowTitle(actor.display_name)  # linking to a server names the user anew
        role = Role(actor.role).label(self.ctx.lang) if actor.role in {r.value for r in Role} else actor.role
        linked = bool((self.ctx.account.info.get("server") or {}).get("url"))
        where = self.tr("linked to a server") if linked else self.tr("offline account")
        # The bar shows who (short: 1024×600 in English has room for little else); the tooltip says it all.
        self.identity_label.setText(self.tr("{name} · {role}").format(name=actor.display_name, role=role))
        self.identity_label.setToolTip(self.tr("{name} · {role} · account {account} ({where})").format(
            name=actor.display_name, role=role, account=self.ctx.account.name, where=where))  # fmt: skip

    def _show_badge(self, item: QListWidgetItem, page: QWidget, count: int) -> None:
        item.setText(f"{page.title()}  ⚠ {count}" if count else page.title())
        if count:
            item.setForeground(QColor(BADGE))
        else:
            item.setData(Qt.ItemDataRole.ForegroundRole, None)
        item.setToolTip(self.tr("Refused changes and conflicts waiting for you: {0}").format(count) if count else "")

    # -- pages ---------------------------------------------------------------------------------
    def show_page(self, page_id: str) -> None:
        if page_id not in self.pages:
            return
        row = list(self.pages).index(page_id)
        if self.navigation.currentRow() != row:
            self.navigation.setCurrentRow(row)  # → _page_chosen
        else:
            self._page_chosen(row)

    @Slot(int)
    def _page_chosen(self, row: int) -> None:
        if row < 0:
            return
        page = self.stack.widget(row)
        self.stack.setCurrentWidget(page)
        if hasattr(page, "on_shown"):
            page.on_shown()

    def current_page_id(self) -> str:
        page = self.stack.currentWidget()
        return getattr(page, "page_id", "")

    @Slot()
    def sync_now(self) -> None:
        from .sync_controller import controller_for

        controller_for(self.ctx).sync_now()  # an account not linked to a server has nothing to sync

    # -- settings and help ---------------------------------------------------------------------
    def set_language(self, lang: str) -> None:
        if lang == self.ctx.lang:
            return
        self.settings.set(LANGUAGE, lang)
        install_translators(lang)
        self.ctx.lang = lang
        log.info("language changed to %s", lang)
        self._build(current=self.current_page_id())
        self.language_changed.emit(lang)

    @Slot()
    def open_log_folder(self) -> None:
        path = current_log_file()
        folder = path.parent if path else self.ctx.account.logs_dir
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):  # no file manager here: say where it is
            log.info("no file manager opened %s", folder)
            self.log_folder_dialog = PathDialog(self.tr("Log folder"), self.tr(
                "No file manager could be opened on this computer. The log files are in this folder:"), folder, self)
            self.log_folder_dialog.open()

    @Slot()
    def about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("About GridWorker"),
            self.tr("GridWorker {0}\nRegisters, visits and incidents for community grid workers, offline first.").format(
                __version__
            ),
        )

    @Slot(object, str)
    def show_error(self, exc: BaseException, trace: str) -> None:
        self.reporter.show_error(exc, trace, self)

    def closeEvent(self, event: QCloseEvent) -> None:
        normal = self.normalGeometry() if self.isMaximized() else self.geometry()
        if not normal.isValid():  # maximized from the start (no window manager): its place when opened
            normal = self._placed
        state = " maximized" if self.isMaximized() else ""
        self.settings.set(self._geometry_setting(),
                          f"{normal.x()} {normal.y()} {normal.width()} {normal.height()}{state}")  # fmt: skip
        # The account closes right after the window: no debounce or page fetch may start work then.
        # (Open editors still save their draft as they are hidden.)
        for timer in self.findChildren(QTimer):
            timer.stop()
        super().closeEvent(event)
        self.closed.emit()
