"""List comparison (名单比对) on the register page: an outside list against the register, the groups in tabs.

The flow a clerk follows: choose the .xlsx or .csv list; its header row is
found and the ID number, name and phone columns are guessed, shown with the
first rows so the guess can be checked and changed; Compare; the four
groups (missing from the list, not in the register, different details,
ambiguous) each in a tab with its count; each group exported to Excel; the
missing people's households planned as a walk-round in one click.

The file is read on the task runner's file pool and compared on its database
thread (services.listcompare), with a busy bar: a 50,000-row list leaves the
window responsive. The tables are models over the rows the service built.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from ...domain.permissions import may_plan_visits
from ...domain.listcompare import FIELDS, Columns
from ...services import listcompare as svc
from ...services.search import mask_id_number, mask_phone
from ..context import AppContext
from ..fieldwork.text import error_text
from ..style import ERROR_STYLE, MUTED, error_label
from ..tables import fit_columns, make_table
from ..tasks import async_slot
from .excel_export import ask_save_path, safe_file_name


MASKS = {"id_number": mask_id_number, "phone": mask_phone}


class TextTableModel(QAbstractTableModel):
    """Headers and rows of values, shown as text; Qt asks only for the cells on screen (50,000 rows are fine).
    ID numbers and phones are masked (110105********1247, 138****8000) as in the register, until revealed."""

    def __init__(self, headers: list[str] | None = None, rows: list | None = None, parent=None):
        super().__init__(parent)
        self.headers, self.rows = headers or [], rows or []
        self.masks: dict[int, str] = {}  # column → "id_number" or "phone"
        self.revealed = False

    def set_table(self, headers: list[str], rows: list, masks: dict[int, str] | None = None) -> None:
        self.beginResetModel()
        self.headers, self.rows, self.masks = headers, rows, masks or {}
        self.endResetModel()

    def reveal(self, on: bool) -> None:
        self.revealed = on
        if self.rows and self.masks:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(self.headers) - 1))

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole) or not index.isValid():
            return None
        row, column = self.rows[index.row()], index.column()
        text = svc.cell_text(row[column]) if column < len(row) else ""
        kind = self.masks.get(column)
        return MASKS[kind](text) if kind and not self.revealed else text

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal and section < len(self.headers):
            return self.headers[section]
        return None


def compare_and_tabulate(store: Any, listfile: svc.ListFile, columns: Columns, lang: str):
    """On the database thread: the comparison and each group's table, so the GUI thread only shows them."""
    comparison = svc.compare_list(store, listfile, columns)
    with svc.collector_paused():
        return comparison, {g: svc.group_table(comparison, g, lang) for g in svc.GROUPS}


class ListCompareDialog(QDialog):
    """Choose a list, check its columns, compare, then export the groups or plan visits to the missing."""

    planned = Signal(object)  # the Walkround planned for the missing people

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.listfile: svc.ListFile | None = None
        self.comparison: svc.ListComparison | None = None
        self.planned_for: svc.ListComparison | None = None  # the comparison whose missing people have a walk-round
        self.setWindowTitle(self.tr("Compare a list with the register"))
        self.resize(940, 560)

        self.choose_button = QPushButton(self.tr("Choose a list…"))
        self.choose_button.clicked.connect(lambda: self.choose_file())
        self.file_label = QLabel(self.tr("An .xlsx or .csv file with ID numbers, or names and phone numbers."))
        self.file_label.setWordWrap(True)
        self.file_label.setStyleSheet(f"color: {MUTED};")
        top = QHBoxLayout()
        top.addWidget(self.choose_button)
        top.addWidget(self.file_label, 1)

        self.combos: dict[str, QComboBox] = {}
        columns = QGridLayout()
        for i, (field, label) in enumerate(zip(FIELDS, (self.tr("ID number"), self.tr("Name"), self.tr("Phone")))):
            combo = QComboBox()
            combo.setMinimumContentsLength(12)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.currentIndexChanged.connect(self._columns_changed)
            caption = QLabel(label)
            caption.setBuddy(combo)
            columns.addWidget(caption, 0, 2 * i)
            columns.addWidget(combo, 0, 2 * i + 1, 1, 1)
            self.combos[field] = combo
        columns.setColumnStretch(6, 1)
        self.compare_button = QPushButton(self.tr("Compare"))
        self.compare_button.setDefault(True)
        self.compare_button.clicked.connect(self.compare)
        columns.addWidget(self.compare_button, 0, 7)

        self.preview_model = TextTableModel(parent=self)
        self.preview = make_table(self.preview_model, word_wrap=False)
        self.preview.setMaximumHeight(6 * self.preview.verticalHeader().defaultSectionSize())  # room for the results
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.hide()
        self.error = error_label()
        self.summary = QLabel()
        self.summary.setWordWrap(True)

        self.tabs = QTabWidget()
        self.models: dict[str, TextTableModel] = {}
        for group in svc.GROUPS:
            model = TextTableModel(parent=self)
            view = make_table(model, multi=True, word_wrap=False, alternate=True)
            view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
            view.horizontalHeader().setStretchLastSection(True)
            self.models[group] = model
            self.tabs.addTab(view, svc.group_label(group, ctx.lang))
        self.export_button = QPushButton(self.tr("Export this group…"))
        self.export_button.clicked.connect(lambda: self.export_group())
        self.plan_button = QPushButton(self.tr("Plan visits to the missing"))
        self.may_plan = may_plan_visits(ctx.actor.role)
        self.plan_button.setToolTip(
            self.tr("A walk-round over the households of the people missing from the list, in walking order") if self.may_plan
            else self.tr("Only grid workers, dispatchers and administrators plan visits"))
        self.plan_button.clicked.connect(self.plan_visits)
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.clicked.connect(self.reject)
        self.done_label = QLabel()
        self.done_label.setWordWrap(True)
        self.reveal = QCheckBox(self.tr("Show numbers"))
        self.reveal.setToolTip(self.tr("Show ID and phone numbers whole (the exported files always have them whole)"))
        self.reveal.toggled.connect(self._reveal)
        bottom = QHBoxLayout()
        bottom.addWidget(self.export_button)
        bottom.addWidget(self.plan_button)
        bottom.addWidget(self.reveal)
        bottom.addWidget(self.done_label, 1)
        bottom.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(columns)
        layout.addWidget(self.preview)
        layout.addWidget(self.busy)
        layout.addWidget(self.error)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        self._show_state()

    # -- the list -----------------------------------------------------------------------------------
    def choose_file(self, path: str | Path | None = None) -> None:
        if path is None:
            path, _filter = QFileDialog.getOpenFileName(self, self.tr("Choose a list"), "",
                                                        self.tr("Lists (*.xlsx *.csv)"))  # fmt: skip
            if not path:
                return
        self.choose_button.setEnabled(False)  # with the click itself
        self.ctx.runner.start(self._read(Path(path)), "read list")

    async def _read(self, path: Path) -> None:
        self._working(True)
        try:
            listfile = await self.ctx.runner.call(svc.read_list, path, pool="net", guard=self)
        except Exception as exc:  # noqa: BLE001 - said in words in the dialog (error_text)
            if isValid(self):
                self._failed(exc)
            return
        self._working(False)
        self._show_list(listfile)

    def _show_list(self, listfile: svc.ListFile) -> None:
        self.listfile, self.comparison = listfile, None
        said = (self.tr("{0} · sheet “{1}” · header on row {2} · 1 row") if len(listfile.rows) == 1
                else self.tr("{0} · sheet “{1}” · header on row {2} · {3} rows"))  # fmt: skip
        self.file_label.setText(said.format(
            listfile.name, listfile.sheet, listfile.header_row, len(listfile.rows)))  # fmt: skip
        self.file_label.setStyleSheet("")
        labels = [listfile.column_label(i) for i in range(len(listfile.headers))]
        for field, combo in self.combos.items():
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(self.tr("(none)"), None)
            for i, label in enumerate(labels):
                combo.addItem(label, i)
            guessed = getattr(listfile.columns, field)
            combo.setCurrentIndex(0 if guessed is None else guessed + 1)
            combo.blockSignals(False)
        self.preview_model.set_table(labels, listfile.preview(), self._preview_masks())
        self.preview.resizeColumnsToContents()
        self._clear_results()

    def _preview_masks(self) -> dict[int, str]:
        return {i: f for f, i in self.chosen_columns().chosen().items() if f != "name"}

    def _reveal(self, on: bool) -> None:
        for model in (self.preview_model, *self.models.values()):
            model.reveal(on)

    def chosen_columns(self) -> Columns:
        return Columns(**{f: combo.currentData() for f, combo in self.combos.items()})

    def _columns_changed(self) -> None:
        if self.listfile is not None:
            self.preview_model.set_table(self.preview_model.headers, self.preview_model.rows, self._preview_masks())
        if self.comparison is not None:
            self._clear_results()

    # -- comparing ----------------------------------------------------------------------------------
    def compare(self) -> None:
        if self.listfile is None:
            return
        self.compare_button.setEnabled(False)  # with the click itself: one comparison at a time
        self.ctx.runner.start(self._compare(self.listfile, self.chosen_columns()), "compare list")

    async def _compare(self, listfile: svc.ListFile, columns: Columns) -> None:
        self._working(True)
        try:
            comparison, tables = await self.ctx.runner.call(compare_and_tabulate, self.ctx.store, listfile, columns,
                                                            self.ctx.lang, guard=self)  # fmt: skip
        except Exception as exc:  # noqa: BLE001 - said in words in the dialog (error_text)
            if isValid(self):
                self._failed(exc)
            return
        self._working(False)
        self._show_results(comparison, tables)

    def _show_results(self, comparison: svc.ListComparison, tables: dict) -> None:
        self.comparison = comparison
        for i, group in enumerate(svc.GROUPS):
            headers, rows = tables[group]
            self.models[group].set_table(headers, rows, svc.number_columns(comparison, group))
            self.tabs.setTabText(i, self.tr("{0} ({1})").format(svc.group_label(group, self.ctx.lang), len(rows)))
            view = self.tabs.widget(i)
            fit_columns(view, 260)
        c = comparison.counts()
        rows = self.tr("1 row") if c["rows"] == 1 else self.tr("{0} rows").format(c["rows"])
        people = self.tr("1 person") if c["people"] == 1 else self.tr("{0} people").format(c["people"])
        text = self.tr("{0} of the list compared with {1} of the register; {2} the same.").format(rows, people, c["same"])
        if c["skipped"] == 1:
            text += " " + self.tr("1 row has nothing in the chosen columns and was not compared.")
        elif c["skipped"]:
            text += " " + self.tr("{0} rows have nothing in the chosen columns and were not compared.").format(c["skipped"])
        self.summary.setStyleSheet("")
        if comparison.damaged_ids:
            rows = ", ".join(map(str, comparison.damaged_ids[:5])) + ("…" if len(comparison.damaged_ids) > 5 else "")
            text += " " + self.tr("{0} ID numbers were stored by Excel as numbers and lost their last digits (rows {1}): "
                                  "they cannot match anyone. Format the column as Text in the list and type them "
                                  "again.").format(c["damaged_ids"], rows)  # fmt: skip
            self.summary.setStyleSheet(ERROR_STYLE)
        self.summary.setText(text)
        self.tabs.setCurrentIndex(0)
        self._show_state()

    def _clear_results(self) -> None:
        self.comparison = None
        for i, group in enumerate(svc.GROUPS):
            self.models[group].set_table([], [])
            self.tabs.setTabText(i, svc.group_label(group, self.ctx.lang))
        self.summary.clear()
        self.done_label.clear()
        self._show_state()

    # -- export and visits --------------------------------------------------------------------------
    def current_group(self) -> str:
        return svc.GROUPS[self.tabs.currentIndex()]

    def export_group(self, path: str | Path | None = None) -> None:
        if self.comparison is None:
            return
        group = self.current_group()
        if path is None:
            name = safe_file_name(f"{Path(self.comparison.file.name).stem}-{svc.group_label(group, self.ctx.lang)}")
            path = ask_save_path(self, self.tr("Export this group"), name + ".xlsx")
            if path is None:
                return
        self.export_button.setEnabled(False)  # with the click itself
        self.ctx.runner.start(self._export(self.comparison, group, Path(path)), "export list group")

    async def _export(self, comparison: svc.ListComparison, group: str, path: Path) -> None:
        try:
            written = await self.ctx.runner.call(svc.export_group, comparison, group, path, self.ctx.lang, pool="net",
                                                 guard=self)  # fmt: skip
        except Exception as exc:  # noqa: BLE001 - said in words in the dialog (error_text)
            if isValid(self):
                self._failed(exc)
            return
        self.done_label.setText(self.tr("Saved to {0}").format(str(written)))
        self._show_state()

    def plan_visits(self) -> None:
        if self.comparison is None:
            return
        self.plan_button.setEnabled(False)  # with the click itself: one walk-round per click
        self.ctx.runner.start(self._plan(self.comparison), "plan visits to the missing")

    async def _plan(self, comparison: svc.ListComparison) -> None:
        try:
            walk = await self.ctx.runner.call(svc.plan_visits_for_missing, self.ctx.store, comparison,
                                              planner_id=self.ctx.actor.id, lang=self.ctx.lang,
                                              planner_role=self.ctx.actor.role, guard=self)  # fmt: skip
        except Exception as exc:  # noqa: BLE001 - said in words in the dialog (error_text)
            if isValid(self):
                self._failed(exc)
            return
        self.planned_for = comparison
        said = (self.tr("Walk-round “{0}” planned: 1 household, on the Visits page.") if len(walk.household_ids) == 1
                else self.tr("Walk-round “{0}” planned: {1} households, on the Visits page."))  # fmt: skip
        self.done_label.setText(said.format(
            walk.name, len(walk.household_ids)))  # fmt: skip
        self.planned.emit(walk)
        self._show_state()

    # -- state --------------------------------------------------------------------------------------
    def _working(self, on: bool) -> None:
        self.busy.setVisible(on)
        if on:
            self.error.hide()
            for widget in (self.choose_button, self.compare_button, self.export_button, self.plan_button,
                           *self.combos.values()):  # the columns too: the result must be of the columns shown
                widget.setEnabled(False)
        else:
            self._show_state()

    def _failed(self, exc: BaseException) -> None:
        self.busy.hide()
        self.error.setText(error_text(exc, self.ctx.lang))
        self.error.show()
        self._show_state()

    def _show_state(self) -> None:
        has_list, has_result = self.listfile is not None, self.comparison is not None
        self.choose_button.setEnabled(True)
        self.compare_button.setEnabled(has_list)
        for combo in self.combos.values():
            combo.setEnabled(has_list)
        self.preview.setVisible(has_list)
        self.tabs.setEnabled(has_result)
        self.export_button.setEnabled(has_result)
        missing = bool(has_result and self.comparison.result.missing)
        self.plan_button.setEnabled(self.may_plan and missing and self.planned_for is not self.comparison)
