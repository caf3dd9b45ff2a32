"""The register page's Excel menu: import a workbook (checked first), export the register or a part, the template,
and compare an outside list with the register (名单比对).

A mixin of RegisterPage (ui/pages/register.py); one import or export at a time.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox
from shiboken6 import isValid

from ...services.queries.register import Scope
from .excel_export import ExcelExport, ask_save_path, export_file_name, save_template, template_file_name
from .excel_import import ExcelImport
from .list_compare import ListCompareDialog


class ExcelTransfers:
    # -- Excel -------------------------------------------------------------------------------------------
    def _busy_with_transfer(self) -> bool:
        if self.transfer is None:
            return False
        QMessageBox.information(self, self.tr("Excel"), self.tr("An import or export is under way; wait for it to end."))
        return True

    def _transfer_ended(self) -> None:
        if self.transfer is not None:
            self.transfer.dispose()
        self.transfer = None

    def import_excel(self, path: str | Path | None = None) -> None:
        """Check, then import, the workbook at `path` (asked for when not given)."""
        if self._busy_with_transfer():
            return
        if path is None:
            path, _filter = QFileDialog.getOpenFileName(self, self.tr("Import from Excel"), "",
                                                        self.tr("Workbooks (*.xlsx *.csv)"))  # fmt: skip
            if not path:
                return
        self.transfer = ExcelImport(self.ctx, path, self)
        self.transfer.finished.connect(self._transfer_ended)
        self.transfer.check()

    def export_excel(self, path: str | Path | None = None, scope: Scope | None = None) -> None:
        """Export `scope` (asked: the part chosen in the tree, or all) to `path` (asked for when not given)."""
        if self._busy_with_transfer():
            return
        export = ExcelExport(self.ctx, self)
        if scope is None:
            scope = export.ask_scope(self.scope, self.scope_title)
        if scope is not None and not path:
            title = self.scope_title if scope == self.scope and scope != Scope() else self.tr("register")
            path = ask_save_path(self, self.tr("Export"), export_file_name(title))
        if scope is None or not path:
            export.dispose()
            return
        self.transfer = export
        export.finished.connect(self._transfer_ended)
        export.start(Path(path), scope)

    def download_template(self, path: str | Path | None = None) -> None:
        path = Path(path) if path else ask_save_path(self, self.tr("Download template"), template_file_name(self.ctx.lang))
        if path is not None:
            save_template(self.ctx, self, path)

    def compare_list(self, path: str | Path | None = None) -> ListCompareDialog:
        """The list comparison dialog (one at a time), reading `path` at once when given, else asking for a list."""
        dialog = getattr(self, "compare_dialog", None)
        if dialog is None or not isValid(dialog) or not dialog.isVisible():
            dialog = self.compare_dialog = ListCompareDialog(self.ctx, self)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.open()
        if path is not None or dialog.listfile is None:
            dialog.choose_file(path)
        return dialog
