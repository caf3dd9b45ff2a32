"""The sync indicator of the status bar: online/offline dot, changes waiting, last sync, a bar while syncing.

The main window puts `make_status_widget(ctx)` in its status bar. The texts describing a status are shared
with the sync page, so both say the same thing the same way.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QProgressBar,
    QToolButton,
    QWidget,
)

from ...sync.worker import SyncStatus
from ..context import AppContext
from ..sync_controller import NOT_LINKED, SyncController, controller_for
from ..style import ERROR, OK, WARNING
from .elided import ElidedStatusLabel, ElidedToolButton

GREEN, GREY, RED, AMBER = OK, "#9e9e9e", ERROR, WARNING


def error_text(status: SyncStatus, lang: str) -> str:
    """The last error in plain words: what happened and what to do ("" when the last sync went well)."""
    err = status.last_error or {}
    code = err.get("code")
    if status.state.startswith("signed out") or code == "signed_out":
        return QCoreApplication.translate("SyncText", "The server no longer accepts this sign-in: please sign in again.")
    if code == "update_required" or status.state == "update the app":
        return QCoreApplication.translate("SyncText", "The server needs a newer version of GridWorker: please update the app.")
    if code == "offline":
        return QCoreApplication.translate("SyncText", "The server cannot be reached. Your work is kept on this computer and will be sent later.")
    if code == "server_busy":
        return QCoreApplication.translate("SyncText", "The server is busy; GridWorker will try again by itself.")
    if not err:
        return ""
    return str(err.get("zh" if lang == "zh" else "en") or err.get("en") or code or "")


def state_text(status: SyncStatus) -> str:
    if status.state == NOT_LINKED:
        return QCoreApplication.translate("SyncText", "Offline account — not linked to a server")
    if status.syncing:
        return QCoreApplication.translate("SyncText", "Syncing…")
    if status.online is False:
        return QCoreApplication.translate("SyncText", "Offline")
    if status.online is True:
        return QCoreApplication.translate("SyncText", "Online")
    return QCoreApplication.translate("SyncText", "Server not contacted yet")


def last_sync_text(status: SyncStatus, *, short: bool = False) -> str:
    """"last sync 12-07 12:12"; `short`: "synced 12-07 12:12" (the status bar of a netbook)."""
    if status.last_success is None:
        return QCoreApplication.translate("SyncText", "never synced")
    from ..fieldwork.text import local_time  # China time, as every record shows it (not the PC's clock zone)

    if short:
        return QCoreApplication.translate("SyncText", "synced {0}").format(local_time(status.last_success))
    return QCoreApplication.translate("SyncText", "last sync {0}").format(local_time(status.last_success))


def dot_colour(status: SyncStatus) -> str:
    if status.state == NOT_LINKED or status.online is None:
        return GREY
    if status.online is False:
        return RED
    # Never green while something is stuck: a failing round, things to review, records set aside.
    return AMBER if status.last_error or needs_review(status) or set_aside_count(status) else GREEN


def set_aside_count(status: SyncStatus) -> int:
    """Pulled records this computer could not read (kept aside as the server sent them)."""
    return len(status.set_aside) if status.state != NOT_LINKED else 0


def set_aside_text(status: SyncStatus) -> str:
    n = set_aside_count(status)
    if not n:
        return ""
    if n == 1:
        return QCoreApplication.translate("SyncText", "1 record could not be read")
    return QCoreApplication.translate("SyncText", "{0} records could not be read").format(n)


def needs_review(status: SyncStatus) -> int:
    """How many things only the user can settle: edits the server refused, and conflicts."""
    return (status.rejected + status.conflicts) if status.state != NOT_LINKED else 0


def review_text(status: SyncStatus, *, short: bool = False) -> str:
    """"2 refused by the server · 1 conflict": what the status bar warns of ("" when nothing); `short`: "2 refused · 1
    conflict", the bar's own words (1024×600 in English), the whole in its tooltip."""
    parts = []
    if status.rejected and short:
        parts.append(QCoreApplication.translate("SyncText", "{0} refused").format(status.rejected))
    elif status.rejected:
        parts.append(QCoreApplication.translate("SyncText", "{0} refused by the server").format(status.rejected))
    if status.conflicts == 1:
        parts.append(QCoreApplication.translate("SyncText", "1 conflict"))
    elif status.conflicts:
        parts.append(QCoreApplication.translate("SyncText", "{0} conflicts").format(status.conflicts))
    return " · ".join(parts)


class SyncStatusWidget(QWidget):
    def __init__(self, ctx: AppContext, controller: SyncController, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.controller = controller
        self.dot = QLabel("●")
        self.state_label = QLabel()
        self.pending_label = QLabel()
        self.last_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # the server does not say how much is left: a moving bar
        self.progress.setFixedWidth(40)  # narrow: the bar of a netbook has little room (the words say "Syncing…")
        self.progress.setMaximumHeight(14)
        self.progress.setTextVisible(False)
        self.sync_button = QToolButton()
        self.sync_button.setText(self.tr("Sync now"))
        self.sync_button.clicked.connect(controller.sync_now)
        self.problem_label = ElidedStatusLabel()  # long texts shrink with … rather than widen the window
        self.problem_label.setStyleSheet(f"color: {RED};")
        # Refusals and conflicts are said here, where the user looks, not only on the sync page.
        self.review_button = ElidedToolButton()
        self.review_button.setAutoRaise(True)
        self.review_button.setStyleSheet(f"color: {AMBER}; font-weight: bold;")
        self.review_button.setToolTip(self.tr("Open the Sync page to see why and what to do"))
        self.review_button.clicked.connect(self._open_sync_page)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        for w in (self.problem_label, self.review_button, self.dot, self.state_label, self.progress, self.pending_label,
                  self.last_label, self.sync_button):  # fmt: skip
            layout.addWidget(w)
        controller.status_changed.connect(self.show_status)
        controller.progress.connect(self.show_progress)
        self.show_status(controller.status())

    @Slot(object)
    def show_status(self, status: SyncStatus) -> None:
        linked = status.state != NOT_LINKED
        self.dot.setStyleSheet(f"color: {dot_colour(status)}; font-size: 14pt;")
        self.state_label.setText(state_text(status))
        self.state_label.setToolTip("")
        self.progress.setVisible(status.syncing)
        self.pending_label.setVisible(linked)
        self.pending_label.setText(self.tr("{0} to send").format(status.pending))  # short: the bar of a netbook
        self.pending_label.setToolTip(self.tr("{0} waiting to send").format(status.pending))
        self.last_label.setVisible(linked and not status.syncing)  # while syncing the bar says more: room at 1024×600
        self.last_label.setText(last_sync_text(status, short=True))
        self.last_label.setToolTip(last_sync_text(status))
        self.sync_button.setVisible(linked)
        self.sync_button.setEnabled(not status.syncing)
        problem = error_text(status, self.ctx.lang)
        self.setToolTip(problem)
        # A failing round is said in the bar, in words (not only by the dot's colour); being offline the state says.
        code = (status.last_error or {}).get("code")
        said = bool(problem) and linked and code != "offline" and status.online is not False
        self.problem_label.setText(self._demo_problem() or (problem if said else ""))
        self.problem_label.setToolTip(self.problem_label.text())
        self.problem_label.setVisible(bool(self.problem_label.text()))
        review = " · ".join(x for x in (review_text(status) if linked else "", set_aside_text(status)) if x)
        brief = " · ".join(x for x in (review_text(status, short=True) if linked else "", set_aside_text(status)) if x)
        self.review_button.setText(f"⚠ {brief}" if brief else "")
        self.review_button.setToolTip(f"⚠ {review}\n{self.tr('Open the Sync page to see why and what to do')}" if review else "")
        self.review_button.setVisible(bool(review))

    @Slot()
    def _open_sync_page(self) -> None:
        window = self.window()
        if hasattr(window, "show_page"):
            window.show_page("sync")

    @Slot(int)
    def show_progress(self, received: int) -> None:
        if self.controller.status().syncing:  # a late count after the sync ended is not shown
            whole = (self.tr("Syncing… 1 record received") if received == 1
                     else self.tr("Syncing… {0} records received").format(f"{received:,}"))  # fmt: skip
            self.state_label.setText(self.tr("Syncing… {0}").format(f"{received:,}"))  # short (1024×600): the tooltip says what
            self.state_label.setToolTip(whole)

    def _demo_problem(self) -> str:
        from ...demo.server import startup_problem  # core module, no Qt

        problem = startup_problem()
        if problem is None:
            return ""
        return self.tr("Demo server not started: {0}").format(problem.message(self.ctx.lang))


def make_status_widget(ctx: AppContext) -> QWidget:
    controller = controller_for(ctx)
    widget = SyncStatusWidget(ctx, controller)
    # The account closes right after its window: stop syncing then (the window is known once placed).
    QTimer.singleShot(0, lambda: _stop_with_window(widget, controller))
    return widget


def _stop_with_window(widget: QWidget, controller: SyncController) -> None:
    window = widget.window()
    if isinstance(window, QMainWindow) and hasattr(window, "closed"):
        window.closed.connect(controller.stop, Qt.ConnectionType.UniqueConnection)

