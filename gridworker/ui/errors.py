"""The unexpected-error dialog: what happened in plain words, a report to copy, and the work left on screen.

Three roads lead here: an exception in a Qt slot or escaping an async slot of
the task runner (sys.excepthook), one in a thread that is not the task runner's
(threading.excepthook), and one a slot caught and handed on (TaskRunner.failed).
The dialog is window-modal and changes nothing else: the screen behind it,
half-typed forms included, stays as it was.
"""

from __future__ import annotations

import logging
import platform
import sys
import threading
import traceback
from datetime import datetime

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from .. import __version__
from ..domain.errors import GridWorkerError
from ..logs import current_log_file

log = logging.getLogger(__name__)


def format_traceback(exc: BaseException) -> str:
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))


def error_report(exc: BaseException, trace: str, *, account: str | None = None) -> str:
    """The text a user copies into a message to support: versions, where the log is, and the traceback."""
    log_file = current_log_file()
    lines = [
        f"GridWorker {__version__}",
        f"Time: {datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"Python {sys.version.split()[0]}, PySide6 {pyside_version}, {platform.platform(terse=True)}",
        f"Account: {account or '-'}",
        f"Log file: {log_file or '-'}",
        f"Error: {type(exc).__name__}: {exc}",
        "",
        trace.rstrip(),
    ]
    return "\n".join(lines) + "\n"


class ErrorDialog(QDialog):
    def __init__(self, exc: BaseException, report: str, lang: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Something went wrong"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.report = report

        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(40, 40))
        if isinstance(exc, GridWorkerError):
            headline = exc.message(lang)
        else:
            headline = self.tr("GridWorker ran into a problem it did not expect.")
        self.headline = QLabel(headline)
        self.headline.setWordWrap(True)
        self.headline.setStyleSheet("font-weight: bold;")
        reassure = QLabel(
            self.tr(
                "Your work is still on screen and everything already saved is safe. "
                "If it happens again, copy the report below and send it to your support contact."
            )
        )
        reassure.setWordWrap(True)

        self.details = QPlainTextEdit(report)
        self.details.setReadOnly(True)
        self.details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.details.setMinimumSize(620, 220)

        self.copy_button = QPushButton(self.tr("Copy report"))
        self.copy_button.clicked.connect(self.copy_report)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)

        top = QHBoxLayout()
        top.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        text = QVBoxLayout()
        text.addWidget(self.headline)
        text.addWidget(reassure)
        top.addLayout(text, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)

    @Slot()
    def copy_report(self) -> None:
        QGuiApplication.clipboard().setText(self.report)
        self.copy_button.setText(self.tr("Copied"))


class ErrorReporter(QObject):
    """Shows errors from anywhere in a dialog over the active window, on the GUI thread."""

    _from_thread = Signal(object, str)

    def __init__(self, lang_of=lambda: "zh", account_of=lambda: None, parent: QObject | None = None):
        super().__init__(parent)
        self._lang_of = lang_of
        self._account_of = account_of
        self.dialogs: list[ErrorDialog] = []
        self._from_thread.connect(self.show_error, Qt.ConnectionType.QueuedConnection)

    @Slot(object, str)
    def show_error(self, exc: BaseException, trace: str, parent: QWidget | None = None) -> ErrorDialog:
        report = error_report(exc, trace, account=self._account_of())
        log.error("unexpected error shown to the user:\n%s", report)
        dialog = ErrorDialog(exc, report, self._lang_of(), parent or QApplication.activeWindow())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda _=None, d=dialog: self.dialogs.remove(d) if d in self.dialogs else None)
        self.dialogs.append(dialog)
        dialog.open()
        return dialog

    def install_hooks(self) -> None:
        """Route uncaught exceptions of the GUI thread and of plain threads to the dialog (and the log)."""

        def gui_hook(exc_type, exc, tb):
            if issubclass(exc_type, KeyboardInterrupt):
                sys.__excepthook__(exc_type, exc, tb)
                return
            trace = "".join(traceback.format_exception(exc_type, exc, tb))
            if threading.current_thread() is threading.main_thread():
                self.show_error(exc, trace)
            else:
                self._from_thread.emit(exc, trace)

        def thread_hook(args: threading.ExceptHookArgs) -> None:
            if args.exc_value is None:
                return
            trace = "".join(traceback.format_exception(args.exc_type, args.exc_value, args.exc_traceback))
            self._from_thread.emit(args.exc_value, trace)

        sys.excepthook = gui_hook
        threading.excepthook = thread_hook
