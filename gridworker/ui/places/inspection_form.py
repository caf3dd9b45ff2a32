"""The inspection form: a kind's checklist, each item passed / failed / not applicable.

Built from domain checklist items (gridworker/domain/places/checklists.py).
A failed item opens beneath it: the hazard it is, its grade, the working days
the place has and the day that falls on (the domain's HazardRules, so the
form shows the deadline the saved hazard will have), the photo picker of the
report page, a reason when there is no photo, and a note. Under the list: the
person in charge's typed name (their acknowledgement) and notes. `answers()`
is what the service saves; `show_errors` puts each error of the domain's
validation (InvalidRecord, fields `answers.<item>`, `acknowledged_by`, …)
under the item or field it names.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ...domain.places.checklists import ChecklistItem, severity_label
from ...domain.places.escalation import day_text
from ...domain.places.inspections import HazardRules
from ..fieldwork.forms import add_field_row
from ..fieldwork.photos import PhotoFilesStrip
from ..fieldwork.text import error_field, error_text, esc
from ..style import ACCENT, MUTED, WARNING, error_label
from .notice import days_text

RESULT_ORDER = ("pass", "fail", "na")


@dataclass(frozen=True)
class FormAnswer:
    """One item as the form holds it: the photos are files not saved yet (path, quarter turns)."""

    item_code: str
    result: str | None  # pass | fail | na | None (not answered)
    photos: tuple[tuple[str, int], ...] = ()
    photo_waiver: str | None = None
    note: str | None = None


class ItemRow(QFrame):
    """One checklist item: the three answers; when failed, the hazard, its deadline, photos or a reason, a note."""

    changed = Signal()

    def __init__(self, item: ChecklistItem, lang: str, deadline_of: Callable[[int], datetime], parent=None):
        super().__init__(parent)
        self.item = item
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName(f"item-{item.code}")
        title = QLabel(f"<b>{esc(item.label(lang))}</b>")
        title.setWordWrap(True)
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        answers = QHBoxLayout()
        for result, text in zip(RESULT_ORDER, (self.tr("Passed"), self.tr("Failed"), self.tr("Not applicable"))):
            button = QRadioButton(text)
            self.group.addButton(button)
            self.buttons[result] = button
            answers.addWidget(button)
            button.toggled.connect(self._toggled)
        answers.addStretch(1)
        deadline = deadline_of(item.days)
        self.hazard = QLabel(
            self.tr("Hazard: {hazard} · grade {grade} · to be rectified within {days}, by {day}").format(
                hazard=esc(item.hazard_label(lang)), grade=esc(severity_label(item.severity, lang)),
                days=esc(days_text(item.days)), day=esc(day_text(deadline, lang)))
        )  # fmt: skip
        self.hazard.setWordWrap(True)
        self.hazard.setStyleSheet(f"color: {WARNING};")
        self.photos = PhotoFilesStrip(icon=64)
        self.photos.changed.connect(self.changed)
        self.waiver = QLineEdit()
        self.waiver.setPlaceholderText(self.tr("Why there is no photo (only when none can be taken)"))
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("Note (what was seen, where)"))
        self.failed_box = QWidget()
        failed = QVBoxLayout(self.failed_box)
        failed.setContentsMargins(12, 0, 0, 0)
        failed.addWidget(self.hazard)
        failed.addWidget(self.photos)
        failed.addWidget(self.waiver)
        failed.addWidget(self.note)
        self.failed_box.hide()
        self.error = error_label()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(title)
        layout.addLayout(answers)
        layout.addWidget(self.failed_box)
        layout.addWidget(self.error)

    def result(self) -> str | None:
        return next((r for r, b in self.buttons.items() if b.isChecked()), None)

    def set_result(self, result: str) -> None:
        self.buttons[result].setChecked(True)

    def _toggled(self, _checked: bool) -> None:
        self.failed_box.setVisible(self.result() == "fail")
        self.show_error("")
        self.changed.emit()

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def answer(self) -> FormAnswer:
        failed = self.result() == "fail"
        return FormAnswer(
            self.item.code, self.result(),
            tuple(self.photos.files()) if failed else (),
            (self.waiver.text().strip() or None) if failed else None,
            (self.note.text().strip() or None) if failed else None,
        )  # fmt: skip


class InspectionForm(QWidget):
    """The checklist of one kind of place as a form (see the module docstring)."""

    changed = Signal()

    def __init__(self, items: Sequence[ChecklistItem], lang: str, *, rules: HazardRules | None = None,
                 at: Callable[[], datetime] | None = None, parent=None):  # fmt: skip
        super().__init__(parent)
        self.lang = lang
        self.rules = rules or HazardRules()
        now = at or (lambda: datetime.now().astimezone())
        self.rows: dict[str, ItemRow] = {}
        self.errors: dict[str, QLabel] = {}
        self.count = QLabel()
        self.count.setStyleSheet(f"color: {ACCENT}; font-weight: bold;")
        self.all_passed = QPushButton(self.tr("Mark the rest passed"))
        self.all_passed.setToolTip(self.tr("Every item not answered yet is marked passed"))
        self.all_passed.clicked.connect(self.mark_rest_passed)
        top = QHBoxLayout()
        top.addWidget(self.count, 1)
        top.addWidget(self.all_passed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        for item in items:
            row = ItemRow(item, lang, lambda days: self.rules.deadline(now(), days))
            row.changed.connect(self._changed)
            self.rows[item.code] = row
            layout.addWidget(row)
        self.acknowledged_by = QLineEdit()
        self.acknowledged_by.setPlaceholderText(self.tr("The person in charge types their name"))
        self.acknowledged_by.textChanged.connect(lambda: self._clear("acknowledged_by"))
        self.notes = QPlainTextEdit()
        self.notes.setFixedHeight(60)
        self.notes.textChanged.connect(lambda: self._clear("notes"))
        form = QFormLayout()
        add_field_row(form, self.tr("Acknowledged by"), [self.acknowledged_by], self.acknowledged_by, self.errors,
                      "acknowledged_by")  # fmt: skip
        add_field_row(form, self.tr("Notes"), [self.notes], self.notes, self.errors, "notes")
        layout.addLayout(form)
        self.general_error = error_label()
        layout.addWidget(self.general_error)
        hint = QLabel(self.tr("A failed item needs a photo, or the reason there is none. When an item failed, the "
                              "person in charge acknowledges the notice by typing their name."))  # fmt: skip
        hint.setWordWrap(True)
        hint.setStyleSheet(f"color: {MUTED};")
        layout.addWidget(hint)
        layout.addStretch(1)
        self._changed()

    # -- what was answered ---------------------------------------------------------------------------
    def answers(self) -> list[FormAnswer]:
        return [row.answer() for row in self.rows.values()]

    def failed_codes(self) -> list[str]:
        return [code for code, row in self.rows.items() if row.result() == "fail"]

    def set_result(self, code: str, result: str) -> None:
        self.rows[code].set_result(result)

    def mark_rest_passed(self) -> None:
        for row in self.rows.values():
            if row.result() is None:
                row.set_result("pass")

    def _changed(self) -> None:
        answered = sum(1 for r in self.rows.values() if r.result())
        failed = len(self.failed_codes())
        self.count.setText(self.tr("{answered} of {total} items answered, {failed} failed").format(
            answered=answered, total=len(self.rows), failed=failed))  # fmt: skip
        self.changed.emit()

    # -- errors ----------------------------------------------------------------------------------------
    def _clear(self, field: str) -> None:
        if field in self.errors:
            self.errors[field].hide()

    def clear_errors(self) -> None:
        for row in self.rows.values():
            row.show_error("")
        for label in self.errors.values():
            label.hide()
        self.general_error.hide()

    def show_errors(self, exc: BaseException) -> None:
        """Each error under what it names: an item (answers.<code>), a field, or at the foot of the form."""
        self.clear_errors()
        errors = getattr(exc, "errors", None) or [exc]
        general: list[str] = []
        by_item: dict[str, list[str]] = {}
        for e in errors:
            field = error_field(e) or ""
            text = error_text(e, self.lang)
            if field.startswith("answers.") and field[len("answers."):] in self.rows:
                by_item.setdefault(field[len("answers."):], []).append(text)
            elif field in self.errors:
                self.errors[field].setText(text)
                self.errors[field].show()
            else:
                general.append(text)
        for code, texts in by_item.items():
            self.rows[code].show_error("\n".join(texts))
        if general:
            self.general_error.setText("\n".join(general))
            self.general_error.show()

    def error_texts(self) -> dict[str, str]:
        """What each item or field says now (tests read it)."""
        out = {code: row.error.text() for code, row in self.rows.items() if not row.error.isHidden()}
        out.update({f: label.text() for f, label in self.errors.items() if not label.isHidden()})
        if not self.general_error.isHidden():
            out[""] = self.general_error.text()
        return out
