"""Importing the register from an Excel workbook on the registers page: check, import, report.

The flow a grid worker follows: choose the file; it is checked first (the
import's dry run: every cell validated, nothing changed), with a progress
dialog; the check's report lists every refused cell by sheet, row and
column. With no problem the import runs at once after a confirmation; with
problems, the worker fixes the file, or imports the good rows only. The
report of what was added and updated comes last, and can be copied.

The import runs on the task runner's database thread; its progress arrives
on that thread and reaches the dialog through a queued Qt signal, at most
ten times a second. Stopping is safe at any time: the import is one
transaction, and a stop rolls it back whole.
"""

from __future__ import annotations

import html
import threading
import time
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from ...domain.errors import GridWorkerError
from ...services import register_excel
from ...services.excel_import import CellError, ImportReport
from ..context import AppContext
from .form import report_unexpected
from ..style import MUTED
from ..tables import make_table

PROGRESS_INTERVAL_S = 0.1


class ProgressRelay(QObject):
    """Progress reported on a worker thread, re-emitted to the GUI thread (queued) at most every 0.1 s.

    Made without a Qt parent: the running task holds it, so it outlives a page rebuilt meanwhile (a change of
    language), and a long import never fails for want of somewhere to send its progress.
    """

    progressed = Signal(int, int)  # done, total

    def __init__(self) -> None:
        super().__init__()
        self._last = 0.0
        self._stop = threading.Event()

    def report(self, done: int, total: int) -> None:
        """Called on the worker thread; the last step (done == total) is always passed on."""
        now = time.monotonic()
        if done < total and now - self._last < PROGRESS_INTERVAL_S:
            return
        self._last = now
        self.progressed.emit(done, total)

    def request_stop(self) -> None:
        self._stop.set()

    def stop_requested(self) -> bool:
        return self._stop.is_set()


class ProgressDialog(QDialog):
    """A bar that moves with the work (busy until the first step is known), and an optional Stop button."""

    def __init__(self, title: str, text: str, relay: ProgressRelay, *, can_stop: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.relay = relay
        self.text = QLabel(text)
        self.text.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # reading the file: no count yet
        self.bar.setMinimumWidth(380)
        self.buttons = QDialogButtonBox()
        self.stop_button = self.buttons.addButton(self.tr("Stop"), QDialogButtonBox.ButtonRole.RejectRole)
        self.stop_button.setVisible(can_stop)
        self.stop_button.clicked.connect(self._stop)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(self.bar)
        layout.addWidget(self.buttons)
        relay.progressed.connect(self.set_progress)

    @Slot(int, int)
    def set_progress(self, done: int, total: int) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)
        self.bar.setFormat(self.tr("%v of %m rows"))

    def _stop(self) -> None:
        self.relay.request_stop()
        self.stop_button.setEnabled(False)
        self.text.setText(self.tr("Stopping… nothing will be changed."))

    def reject(self) -> None:  # Esc or the window's close button: stop, the dialog closes when the work has
        if self.stop_button.isVisible():
            self._stop()


class CellErrorsModel(QAbstractTableModel):
    """The refused cells of a report: sheet, row, column, and what is wrong."""

    def __init__(self, errors: list[CellError], lang: str, parent: QObject | None = None):
        super().__init__(parent)
        self.errors = errors
        self.lang = lang
        self.headers = [self.tr("Sheet"), self.tr("Row"), self.tr("Column"), self.tr("Problem")]

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.errors)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else 4

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole) or not index.isValid():
            return None
        e = self.errors[index.row()]
        problem = e.zh if self.lang.startswith("zh") else e.en
        if role == Qt.ItemDataRole.ToolTipRole:  # a long message does not fit its column
            return problem
        named = f"{e.column}（{e.header}）" if self.lang.startswith("zh") else f"{e.column} ({e.header})"
        column = named if e.column and e.header else (e.column or "")
        return (e.sheet, str(e.row), column, problem)[index.column()]

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None


class ImportReportDialog(QDialog):
    """What a check or an import found: counts per sheet, notes, every refused cell; the whole report copyable."""

    import_all = Signal()
    import_good_rows = Signal()

    def __init__(self, report: ImportReport, file_name: str, lang: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.report = report
        self.lang = lang
        self.setWindowTitle(self.tr("Import from Excel: {0}").format(file_name))
        self.heading = QLabel(self._heading())
        self.heading.setWordWrap(True)
        self.heading.setStyleSheet("font-weight: bold; font-size: 11pt;")
        self.counts = QLabel(self._counts_table())
        self.counts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        notes = self._notes()
        self.notes = QLabel("\n".join(notes))
        self.notes.setWordWrap(True)
        self.notes.setStyleSheet(f"color: {MUTED};")
        self.notes.setVisible(bool(notes))
        self.errors_model = CellErrorsModel(report.errors, lang, self)
        self.errors = make_table(self.errors_model, multi=True, alternate=True)
        header = self.errors.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setStretchLastSection(True)
        digit = self.errors.fontMetrics().horizontalAdvance("0")
        for column, width in enumerate((10, 5, 14)):
            self.errors.setColumnWidth(column, width * digit + 16)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.errors.setVisible(bool(report.errors))

        self.buttons = QDialogButtonBox()
        self.copy_button = self.buttons.addButton(self.tr("Copy the report"), QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_report)
        self.import_button = self._offer_import()
        close = self.tr("Cancel") if self.import_button else self.tr("Close")
        self.buttons.addButton(close, QDialogButtonBox.ButtonRole.RejectRole).clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.counts)
        layout.addWidget(self.notes)
        layout.addWidget(self.errors, 1)
        layout.addWidget(self.buttons)
        rows = min(len(report.errors), 12)
        self.resize(880, 250 + (rows + 1) * self.errors.verticalHeader().defaultSectionSize() if rows else 230)

    def _offer_import(self) -> QPushButton | None:
        """After a check: Import (no problem found), or Import the good rows only (some found, some rows good)."""
        if not self.report.dry_run:
            return None
        good = sum(r.new + r.updated for r in self.report.sheets)
        if self.report.errors and not good:
            return None
        text = self.tr("Import the good rows only") if self.report.errors else self.tr("Import")
        button = self.buttons.addButton(text, QDialogButtonBox.ButtonRole.AcceptRole)
        button.clicked.connect(self.accept)
        button.clicked.connect(self.import_good_rows if self.report.errors else self.import_all)
        return button

    def _heading(self) -> str:
        r, bad = self.report, len(self.report.errors)
        problems = self.tr("1 problem") if bad == 1 else self.tr("{0} problems").format(bad)
        if r.dry_run and bad:
            return self.tr("Checked: {0} found. Nothing was changed.").format(problems)
        if r.dry_run:
            return self.tr("Checked: no problem found. Nothing is changed until you import.")
        if not r.committed:
            return self.tr("Nothing was imported: {0} found.").format(problems)
        if bad:
            return self.tr("The good rows were imported; the rows with the {0} below were skipped.").format(problems)
        return self.tr("Import complete.")

    def _counts_table(self) -> str:
        head = [self.tr("Sheet"), self.tr("New"), self.tr("Updated"), self.tr("Unchanged"), self.tr("With problems")]
        if self.report.dry_run:
            head[1:3] = [self.tr("To add"), self.tr("To update")]
        cells = "".join(f"<th align='left' style='padding: 2px 14px 2px 0'>{html.escape(h)}</th>" for h in head)
        rows = [f"<tr>{cells}</tr>"]
        for s in self.report.sheets:
            values = (s.sheet, s.new, s.updated, s.unchanged, s.errors)
            rows.append("<tr>" + "".join(f"<td style='padding: 2px 14px 2px 0'>{html.escape(str(v))}</td>"
                                         for v in values) + "</tr>")  # fmt: skip
        return f"<table>{''.join(rows)}</table>"

    def _notes(self) -> list[str]:
        """The report's own lines about columns and sheets it ignored (between the counts and the cells)."""
        lines = self.report.lines(self.lang)
        return lines[len(self.report.sheets) : len(lines) - len(self.report.errors)]

    @Slot()
    def copy_report(self) -> None:
        QGuiApplication.clipboard().setText("\n".join([self._heading(), *self.report.lines(self.lang)]))


class ExcelImport(QObject):
    """One import, from choosing the file to the last report. `check()` starts it; the dialogs open as they come."""

    finished = Signal()

    def __init__(self, ctx: AppContext, path: str | Path, parent: QWidget):
        super().__init__(parent)
        self.ctx = ctx
        self.path = Path(path)
        self.window = parent
        self.progress: ProgressDialog | None = None
        self.report_dialog: ImportReportDialog | None = None
        self.dialogs: list[QDialog] = []

    @property
    def create_areas(self) -> bool:
        """A local account creates the communities and grids the file names; a linked one uses the server's."""
        return not (self.ctx.account.info.get("server") or {}).get("url")

    def check(self) -> None:
        self._run(dry_run=True, skip_errors=False)

    def dispose(self) -> None:
        """The flow is over: its dialogs go, and so does it (later: the signal that ended it is still being sent)."""
        for dialog in self.dialogs:
            dialog.deleteLater()
        self.deleteLater()

    def _run(self, *, dry_run: bool, skip_errors: bool) -> None:
        relay = ProgressRelay()
        text = self.tr("Checking {0}…") if dry_run else self.tr("Importing {0}…")
        self.progress = ProgressDialog(self.tr("Import from Excel"), text.format(self.path.name), relay, can_stop=True,
                                       parent=self.window)  # fmt: skip
        self.dialogs.append(self.progress)
        self.progress.open()
        self.ctx.runner.start(self._import(relay, dry_run, skip_errors), "import register")

    async def _import(self, relay: ProgressRelay, dry_run: bool, skip_errors: bool) -> None:
        try:
            report = await self.ctx.runner.call(
                register_excel.import_workbook, self.ctx.store, self.path, create_areas=self.create_areas,
                dry_run=dry_run, skip_errors=skip_errors, progress=relay.report, stop_requested=relay.stop_requested,
                guard=self,
            )  # fmt: skip
        except Exception as exc:  # noqa: BLE001 - refusals in words, a stop quietly, the rest as a report
            if isValid(self):
                self._failed(exc)
            return
        self._reported(report)

    def _close_progress(self) -> None:
        if self.progress is not None:
            self.progress.done(QDialog.DialogCode.Accepted)

    def _reported(self, report: ImportReport) -> None:
        self._close_progress()
        dialog = ImportReportDialog(report, self.path.name, self.ctx.lang, self.window)
        dialog.import_all.connect(lambda: self._run(dry_run=False, skip_errors=False))
        dialog.import_good_rows.connect(lambda: self._run(dry_run=False, skip_errors=True))
        dialog.rejected.connect(self.finished)
        if not report.dry_run:
            dialog.accepted.connect(self.finished)
        self.report_dialog = dialog
        self.dialogs.append(dialog)
        dialog.open()

    def _failed(self, exc: BaseException) -> None:
        self._close_progress()
        self.finished.emit()
        if isinstance(exc, register_excel.ImportStopped):
            return  # the worker asked for it; nothing changed
        if isinstance(exc, GridWorkerError):
            QMessageBox.warning(self.window, self.tr("Import from Excel"), exc.message(self.ctx.lang))
        else:
            report_unexpected(self.ctx, exc)
