"""The register's named operations that need a few answers: move a person, moved out or deceased, merge duplicates.

Each dialog calls one service of services/register.py through the task
runner and closes when it is saved; a refusal of the core is shown in the
dialog, which stays open.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ...domain.enums import Gender, Relation
from ...domain.errors import GridWorkerError
from ...services import register
from ...services.queries import register as register_queries
from ...services.search import mask_id_number, mask_phone
from ...services.queries.register import HouseholdChoice, PersonRow
from ..context import AppContext
from ..models.register_tables import label_of
from .form import field_message, report_unexpected
from .person_editor import combo_value, enum_combo
from ..style import MUTED
from ..tasks import async_slot


class OperationDialog(QDialog):
    """A small dialog that runs one service call on OK and shows its refusal."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.form = QFormLayout()
        self.message = field_message()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.run)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def call(self) -> tuple[Any, ...] | None:
        """(service function, *args, **kwargs as a dict last) to run, or None when an answer is missing."""
        raise NotImplementedError

    @Slot()
    def run(self) -> None:
        planned = self.call()
        if planned is None:
            return
        self.buttons.setEnabled(False)  # with the click itself: a second click cannot run it twice
        self.ctx.runner.start(self._run(*planned), "register operation")

    async def _run(self, fn, args, kwargs) -> None:
        try:
            await self.ctx.runner.call(fn, self.ctx.store, *args, initiator="register", **kwargs, guard=self)
        except Exception as exc:  # noqa: BLE001 - refusals are shown here, the rest goes to the error dialog
            self._failed(exc)
            return
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        if isinstance(exc, GridWorkerError):
            self.message.setText(exc.message(self.ctx.lang))
            self.message.show()
        else:
            report_unexpected(self.ctx, exc)

    def say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))


def date_edit() -> QDateEdit:
    edit = QDateEdit(QDate.currentDate())
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setMaximumDate(QDate.currentDate())
    return edit


def to_date(edit: QDateEdit) -> date:
    d = edit.date()
    return date(d.year(), d.month(), d.day())


class MoveDialog(OperationDialog):
    """Move a person to another household: find it by its place (empty ones too) or a name of someone living there."""

    def __init__(self, ctx: AppContext, person: PersonRow, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.person = person
        self.setWindowTitle(self.tr("Move {0} to another household").format(person.name))
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("building and room (e.g. 3幢 502), address, or a resident's name"))
        self.results = QListWidget()
        self.results.setMinimumHeight(180)
        self.relation = enum_combo(Relation, ctx.lang)
        self.on = date_edit()
        self.reason = QLineEdit()
        for text, widget in ((self.tr("&Find the household:"), self.search), ("", self.results),
                             (self.tr("&Relation to head:"), self.relation), (self.tr("Moved &on:"), self.on),
                             (self.tr("&Reason:"), self.reason)):
            label = QLabel(text)
            label.setBuddy(widget)
            self.form.addRow(label, widget)  # fmt: skip
        self.setMinimumWidth(560)
        self._timer = QTimer(self, singleShot=True, interval=250)
        self._timer.timeout.connect(self._find)
        self.search.textChanged.connect(self._timer.start)
        self._query = ""

    @async_slot()
    async def _find(self) -> None:
        query = self.search.text().strip()
        self._query = query
        if not query:
            self.results.clear()
            return
        self._found(query, await self.ctx.runner.call(register_queries.find_households, self.ctx.store, query, guard=self))

    def _found(self, query: str, rows: list[HouseholdChoice]) -> None:
        if query != self._query:
            return
        self.results.clear()
        nobody = self.tr("(nobody lives here yet)")
        for choice in rows:
            if choice.household_id == self.person.household_id:
                continue
            item = QListWidgetItem(f"{choice.address}　{choice.people or nobody}")
            item.setData(Qt.ItemDataRole.UserRole, choice.household_id)
            self.results.addItem(item)
        if self.results.count():
            self.results.setCurrentRow(0)

    def call(self):
        item = self.results.currentItem()
        if item is None:
            self.say(self.tr("Find and choose the household to move to."))
            return None
        kwargs = {
            "relation": combo_value(self.relation) or None,
            "on": to_date(self.on),
            "reason": self.reason.text().strip() or None,
        }
        return register.move_person, (self.person.id, item.data(Qt.ItemDataRole.UserRole)), kwargs


class LeaveDialog(OperationDialog):
    """Record that a person moved out of the area, or died: their stay ends, the history is kept."""

    def __init__(self, ctx: AppContext, person: PersonRow, *, deceased: bool, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.person = person
        self.deceased = deceased
        self.setWindowTitle(
            self.tr("{0} has died").format(person.name) if deceased else self.tr("{0} moved out").format(person.name)
        )
        self.on = date_edit()
        label = QLabel(self.tr("Date of death:") if deceased else self.tr("Moved out &on:"))
        label.setBuddy(self.on)
        self.form.addRow(label, self.on)
        self.reason = QLineEdit()
        if not deceased:
            self.reason.setPlaceholderText(self.tr("e.g. moved to another city"))
            reason_label = QLabel(self.tr("&Reason:"))
            reason_label.setBuddy(self.reason)
            self.form.addRow(reason_label, self.reason)
        note = QLabel(self.tr("The person stays in the register's history; their stay in the household ends on this date."))
        note.setWordWrap(True)
        note.setStyleSheet(f"color: {MUTED};")
        self.form.addRow(note)
        self.setMinimumWidth(420)

    def call(self):
        if self.deceased:
            return register.mark_deceased, (self.person.id,), {"on": to_date(self.on)}
        reason = self.reason.text().strip() or None
        return register.mark_moved_out, (self.person.id,), {"on": to_date(self.on), "reason": reason}


class MergeDialog(OperationDialog):
    """Two records of one person: choose the one to keep; the other's details fill its gaps, then it is deleted."""

    def __init__(self, ctx: AppContext, first: PersonRow, second: PersonRow, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.people = (first, second)
        self.setWindowTitle(self.tr("Merge duplicate records"))
        grid = QGridLayout()
        self.choice = QButtonGroup(self)
        headers = (self.tr("Name"), self.tr("Gender"), self.tr("Birth date"), self.tr("ID number"), self.tr("Phone"),
                   self.tr("Address"))  # fmt: skip
        for row, header in enumerate(headers, start=1):
            grid.addWidget(QLabel(header), row, 0)
        for column, p in enumerate(self.people, start=1):
            keep = QRadioButton(self.tr("Keep this record"))
            keep.setChecked(column == 1)
            self.choice.addButton(keep, column - 1)
            grid.addWidget(keep, 0, column)
            values = (p.name, label_of(Gender, p.gender, ctx.lang), p.birth_date.isoformat() if p.birth_date else "",
                      mask_id_number(p.id_number), mask_phone(p.phone), p.address)  # fmt: skip
            for row, value in enumerate(values, start=1):
                grid.addWidget(QLabel(value), row, column)
        self.form.addRow(grid)
        note = QLabel(self.tr("Empty details of the record kept are filled from the other; its history moves over; "
                              "the other record is deleted."))  # fmt: skip
        note.setWordWrap(True)
        note.setStyleSheet(f"color: {MUTED};")
        self.form.addRow(note)
        self.setMinimumWidth(560)

    def call(self):
        keep = self.choice.checkedId()
        return register.merge_persons, (self.people[keep].id, self.people[1 - keep].id), {}
