"""Exporting the register (all of it, or the part chosen in the area tree) and saving the empty template.

Both write a file off the GUI thread; the export shows its progress. The
export's workbook is in the import's own layout, so it re-imports unchanged.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QStandardPaths, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QWidget
from shiboken6 import isValid

from ...domain.errors import GridWorkerError
from ...services import excel
from ...services import register_excel
from ...services.queries.register import Scope
from ..context import AppContext
from .form import report_unexpected
from .excel_import import ProgressDialog, ProgressRelay

XLSX_FILTER = "Excel (*.xlsx)"


def documents_folder() -> Path:
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or Path.home())


def ask_save_path(parent: QWidget, title: str, name: str) -> Path | None:
    """A .xlsx path chosen by the user (the suffix added if left out), or None."""
    chosen, _filter = QFileDialog.getSaveFileName(parent, title, str(documents_folder() / name), XLSX_FILTER)
    if not chosen:
        return None
    path = Path(chosen)
    return path if path.suffix.lower() == ".xlsx" else path.with_name(path.name + ".xlsx")


def safe_file_name(text: str) -> str:
    """A scope's title as part of a file name: no path separators or characters Windows refuses."""
    return "".join("_" if c in '\\/:*?"<>|' else c for c in text).replace(" › ", "-").strip() or "register"


class ExcelExport(QObject):
    """One export: the file chosen, the rows written with a progress dialog, then where the file is."""

    finished = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget):
        super().__init__(parent)
        self.ctx = ctx
        self.window = parent
        self.progress: ProgressDialog | None = None
        self.done_box: QMessageBox | None = None
        self.dialogs: list[QWidget] = []

    def ask_scope(self, scope: Scope, title: str) -> Scope | None:
        """The part chosen in the tree, or the whole register: asked when something is chosen; None: cancelled."""
        if scope == Scope():
            return scope
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Export"), self.tr("What should be exported?"),
                          parent=self.window)  # fmt: skip
        part = box.addButton(self.tr("Only “{0}”").format(title), QMessageBox.ButtonRole.AcceptRole)
        whole = box.addButton(self.tr("The whole register"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(part)
        box.exec()
        clicked = box.clickedButton()
        box.deleteLater()
        return scope if clicked is part else Scope() if clicked is whole else None

    def dispose(self) -> None:
        """The flow is over: its dialogs go, and so does it (later: the signal that ended it is still being sent)."""
        for dialog in self.dialogs:
            dialog.deleteLater()
        self.deleteLater()

    def start(self, path: Path, scope: Scope) -> None:
        relay = ProgressRelay()
        self.progress = ProgressDialog(self.tr("Export"), self.tr("Writing {0}…").format(path.name), relay,
                                       can_stop=False, parent=self.window)  # fmt: skip
        self.dialogs.append(self.progress)
        self.progress.open()
        self.ctx.runner.start(self._export(path, scope, relay), "export register")

    async def _export(self, path: Path, scope: Scope, relay: ProgressRelay) -> None:
        try:
            counts = await self.ctx.runner.call(register_excel.export_workbook, self.ctx.store, path, self.ctx.lang,
                                                scope, relay.report, guard=self)  # fmt: skip
        except Exception as exc:  # noqa: BLE001 - shown by show_refusal: refusals in words, the rest as a report
            if isValid(self):
                self._failed(exc)
            return
        self._written(path, counts)

    def _written(self, path: Path, counts: dict[str, int]) -> None:
        self.progress.done(QDialog.DialogCode.Accepted)
        text = self.tr("Exported to {0}:\nbuildings {1}, households {2}, people {3}.").format(
            path, counts.get("building", 0), counts.get("household", 0), counts.get("person", 0))
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("Export"), text, parent=self.window)
        show = box.addButton(self.tr("Show the folder"), QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Close)
        show.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent))))
        box.finished.connect(self.finished)
        self.done_box = box
        self.dialogs.append(box)
        box.open()

    def _failed(self, exc: BaseException) -> None:
        self.progress.done(QDialog.DialogCode.Rejected)
        self.finished.emit()
        show_refusal(self.ctx, self.window, self.tr("Export"), exc)


def show_refusal(ctx: AppContext, parent: QWidget, title: str, exc: BaseException) -> None:
    """A refusal of the core, or a file that cannot be written, in a message box; anything else as an error report."""
    if isinstance(exc, GridWorkerError):
        QMessageBox.warning(parent, title, exc.message(ctx.lang))
    elif isinstance(exc, OSError):
        text = QCoreApplication.translate("ExcelExport", "Could not write {0}: {1}")
        QMessageBox.warning(parent, title, text.format(exc.filename or "", exc.strerror or exc))
    else:
        report_unexpected(ctx, exc)


def save_template(ctx: AppContext, parent: QWidget, path: Path, on_saved=None) -> None:
    """Write the empty workbook to fill in (file work: the network pool, so a long import does not hold it up);
    `on_saved(message box)` is told when it is written (tests, screenshots)."""
    title = QCoreApplication.translate("ExcelExport", "Download template")

    def written(result: Path) -> None:
        text = QCoreApplication.translate("ExcelExport", "The template was saved to {0}.").format(result)
        box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, parent)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        if on_saved:
            on_saved(box)

    async def write() -> None:
        try:
            result = await ctx.runner.call(excel.write_template, path, ctx.lang, pool="net", guard=parent)
        except Exception as exc:  # noqa: BLE001 - shown by show_refusal: refusals in words, the rest as a report
            if isValid(parent):
                show_refusal(ctx, parent, title, exc)
            return
        written(result)

    ctx.runner.start(write(), "write template")


def template_file_name(lang: str) -> str:
    return "台账导入模板.xlsx" if lang.startswith("zh") else "register-template.xlsx"


def export_file_name(title: str) -> str:
    return f"{safe_file_name(title)}-{date.today().isoformat()}.xlsx"
