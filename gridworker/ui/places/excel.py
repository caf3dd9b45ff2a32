"""Places in and out of Excel on the places page, as the register does it: check first, then import; export.

Import: the file chosen is checked first (services.places_excel.import_places
with dry_run: every row validated, nothing saved). Every refused cell is
listed by sheet, row and column (the register's CellErrorsModel) and nothing
is imported: the import is all or nothing. A clean file is imported after a
confirmation that says how many places are new and how many are updated.
Export: the places of the grid chosen (or of all the account's grids) into
the layout the import reads back.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFileDialog, QHeaderView, QLabel, QVBoxLayout, QWidget
from shiboken6 import isValid

from ...services import places_excel
from ..fieldwork.text import error_text
from ..register.excel_export import ask_save_path, documents_folder, safe_file_name
from ..register.excel_import import CellErrorsModel
from ..tables import make_table

XLSX_FILTER = "Excel (*.xlsx);;CSV (*.csv)"


class PlacesCheckDialog(QDialog):
    """What checking a file found: how many new and updated places, and every refused cell; import or close."""

    def __init__(self, report, file_name: str, lang: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Import places from {0}").format(file_name))
        self.report = report
        text = QLabel()
        text.setWordWrap(True)
        counts = self.tr("{0} new places, {1} to update, {2} unchanged.").format(report.new, report.updated,
                                                                              report.unchanged)  # fmt: skip
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        if report.errors:
            said = (self.tr("The file has 1 problem: nothing was imported. Correct the cell below and import it again.")
                    if len(report.errors) == 1 else self.tr("The file has {0} problems: nothing was imported. Correct the "
                                                            "cells below and import it again.").format(len(report.errors)))
            text.setText(said + " " + counts)
            self.errors_model = CellErrorsModel(report.errors, lang, self)
            table = make_table(self.errors_model)
            table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
            layout.addWidget(table, 1)
            self.resize(720, 420)
        else:
            text.setText(self.tr("The file is correct.") + " " + counts)
            self.import_button = self.buttons.addButton(self.tr("Import"), QDialogButtonBox.ButtonRole.AcceptRole)
            self.buttons.accepted.connect(self.accept)
        layout.addWidget(self.buttons)


class PlacesExcel(QObject):
    """The import and export of the places page (one at a time); `message` says how it went."""

    message = Signal(str, bool)  # text, ok

    def __init__(self, ctx, parent: QWidget):
        super().__init__(parent)
        self.ctx, self.page = ctx, parent
        self.dialog: PlacesCheckDialog | None = None

    # -- import -----------------------------------------------------------------------------------
    def ask_import(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self.page, self.tr("Import places"), str(documents_folder()),
                                                XLSX_FILTER)  # fmt: skip
        if chosen:
            self.check(Path(chosen))

    def check(self, path: Path) -> None:
        self.ctx.runner.start(self._check(path), "check places file")

    async def _check(self, path: Path) -> None:
        try:
            report = await self.ctx.runner.call(places_excel.import_places, self.ctx.store, path, dry_run=True,
                                                guard=self.page)  # fmt: skip
        except Exception as exc:  # noqa: BLE001 - said in words on the page (error_text)
            self.message.emit(self.tr("The file was not read: {0}").format(error_text(exc, self.ctx.lang)), False)
            return
        self.dialog = PlacesCheckDialog(report, path.name, self.ctx.lang, self.page)
        self.dialog.accepted.connect(lambda: self._import(path))
        self.dialog.open()

    def _import(self, path: Path) -> None:
        self.ctx.runner.start(self._run_import(path), "import places")

    async def _run_import(self, path: Path) -> None:
        try:
            report = await self.ctx.runner.call(places_excel.import_places, self.ctx.store, path, guard=self.page)
        except Exception as exc:  # noqa: BLE001 - said in words on the page (error_text)
            self.message.emit(self.tr("Nothing was imported: {0}").format(error_text(exc, self.ctx.lang)), False)
            return
        if not report.committed:
            bad = len(report.errors)
            self.message.emit(self.tr("Nothing was imported: the file has 1 problem") if bad == 1
                              else self.tr("Nothing was imported: the file has {0} problems").format(bad), False)  # fmt: skip
            return
        said = self.tr("Imported: {0} new place, {1} updated") if report.new == 1 else self.tr("Imported: {0} new places, {1} updated")
        self.message.emit(said.format(report.new, report.updated), True)

    # -- export -----------------------------------------------------------------------------------
    def ask_export(self, area_id: str | None, title: str) -> None:
        places = self.tr("Places")
        name = safe_file_name(f"{places}_{title}") + ".xlsx"
        path = ask_save_path(self.page, self.tr("Export places"), name)
        if path is not None:
            self.export(path, area_id)

    def export(self, path: Path, area_id: str | None) -> None:
        self.ctx.runner.start(self._export(path, area_id), "export places")

    async def _export(self, path: Path, area_id: str | None) -> None:
        try:
            count = await self.ctx.runner.call(places_excel.export_places, self.ctx.store, path, self.ctx.lang,
                                               area_ids=[area_id] if area_id else None, guard=self.page)  # fmt: skip
        except Exception as exc:  # noqa: BLE001 - said in words on the page (error_text)
            if isValid(self.page):
                self.message.emit(self.tr("Not exported: {0}").format(error_text(exc, self.ctx.lang)), False)
            return
        said = self.tr("1 place exported to {1}") if count == 1 else self.tr("{0} places exported to {1}")
        self.message.emit(said.format(count, path), True)
