"""The re-inspection form (复查): each open hazard of the place signed off (销号), extended, or left open.

Built from domain objects: the open hazards (places.inspections.Hazard) with
their states (HazardState, folded from their events). Signing off takes a
photo of the rectified spot; an extension takes a reason and a number of
working days (the new deadline is shown as the domain will compute it);
"not rectified" is recorded and the deadline stands. `verdicts()` is what the
service saves; `show_errors` puts each validation error (field
`verdicts.<hazard id>`) under its hazard.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...domain.places.checklists import ChecklistTable, severity_label
from ...domain.places.escalation import day_text
from ...domain.places.inspections import MAX_EXTENSION_DAYS, Hazard, HazardRules, HazardState
from ..fieldwork.photos import PhotoFilesStrip
from ..fieldwork.text import error_field, error_text, esc
from ..style import ERROR, MUTED, error_label

OUTCOMES = ("rectified", "extended", "not_rectified")


@dataclass(frozen=True)
class FormVerdict:
    hazard_id: str
    outcome: str | None
    reason: str | None = None
    days: int | None = None
    photos: tuple[tuple[str, int], ...] = ()
    note: str | None = None


class HazardRow(QFrame):
    changed = Signal()

    def __init__(self, hazard: Hazard, state: HazardState, checklists: ChecklistTable, lang: str,
                 rules: HazardRules, now: Callable[[], datetime], parent=None):  # fmt: skip
        super().__init__(parent)
        self.hazard, self.state, self.rules, self.now, self.lang = hazard, state, rules, now, lang
        self.setFrameShape(QFrame.Shape.StyledPanel)
        item = checklists.get(hazard.item_code)
        name = item.hazard_label(lang) if item else ""
        deadline = state.deadline or hazard.deadline
        late = rules.is_overdue(state, now())
        facts = self.tr("Grade {grade} · found {found} · rectify by {deadline}").format(
            grade=severity_label(state.severity or hazard.severity, lang), found=day_text(hazard.found_at, lang),
            deadline=day_text(deadline, lang))  # fmt: skip
        if state.extensions:
            facts += " · " + (self.tr("extended once") if state.extensions == 1
                              else self.tr("extended {0} times").format(state.extensions))  # fmt: skip
        if late:
            facts += " · " + self.tr("overdue")
        title = QLabel(f"<b>{esc(name)}</b><br/><span style='color:{ERROR if late else MUTED}'>{esc(facts)}</span>")
        title.setWordWrap(True)
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        answers = QHBoxLayout()
        texts = (self.tr("Rectified: sign off"), self.tr("Extend the deadline"), self.tr("Not rectified"))
        for outcome, text in zip(OUTCOMES, texts):
            button = QRadioButton(text)
            self.group.addButton(button)
            self.buttons[outcome] = button
            answers.addWidget(button)
            button.toggled.connect(self._toggled)
        answers.addStretch(1)
        can_extend = state.extensions < rules.max_extensions
        self.buttons["extended"].setEnabled(can_extend)
        if not can_extend:
            self.buttons["extended"].setToolTip(self.tr("This hazard has used all its extensions"))
        self.photos = PhotoFilesStrip(icon=64)
        self.photos_box = self._box(QLabel(self.tr("Photo of the rectified spot")), self.photos)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("Why the place needs more time"))
        self.days = QSpinBox()
        self.days.setRange(1, MAX_EXTENSION_DAYS)
        self.days.setValue(5)
        self.days.setSuffix(self.tr(" working days"))
        self.new_deadline = QLabel()
        self.days.valueChanged.connect(self._show_new_deadline)
        extend_row = QHBoxLayout()
        extend_row.addWidget(self.reason, 1)
        extend_row.addWidget(self.days)
        extend_row.addWidget(self.new_deadline)
        self.extend_box = self._box(extend_row)
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("Note"))
        self.error = error_label()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(title)
        layout.addLayout(answers)
        layout.addWidget(self.photos_box)
        layout.addWidget(self.extend_box)
        layout.addWidget(self.note)
        layout.addWidget(self.error)
        self._show_new_deadline()
        self._toggled(False)

    @staticmethod
    def _box(*parts) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(12, 0, 0, 0)
        for part in parts:
            column.addWidget(part) if isinstance(part, QWidget) else column.addLayout(part)
        return box

    def _show_new_deadline(self) -> None:
        day = day_text(self.rules.deadline(self.now(), self.days.value()), self.lang)
        self.new_deadline.setText(self.tr("new deadline {0}").format(day))

    def outcome(self) -> str | None:
        return next((o for o, b in self.buttons.items() if b.isChecked()), None)

    def set_outcome(self, outcome: str) -> None:
        self.buttons[outcome].setChecked(True)

    def _toggled(self, _checked: bool) -> None:
        outcome = self.outcome()
        self.photos_box.setVisible(outcome == "rectified")
        self.extend_box.setVisible(outcome == "extended")
        self.show_error("")
        self.changed.emit()

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def verdict(self) -> FormVerdict:
        outcome = self.outcome()
        return FormVerdict(
            self.hazard.id, outcome,
            (self.reason.text().strip() or None) if outcome == "extended" else None,
            self.days.value() if outcome == "extended" else None,
            tuple(self.photos.files()) if outcome == "rectified" else (),
            self.note.text().strip() or None,
        )  # fmt: skip


class RecheckForm(QWidget):
    """Every open hazard of one place, each with its verdict (see the module docstring)."""

    def __init__(self, hazards: Sequence[tuple[Hazard, HazardState]], checklists: ChecklistTable, lang: str, *,
                 rules: HazardRules | None = None, at: Callable[[], datetime] | None = None, parent=None):  # fmt: skip
        super().__init__(parent)
        self.lang = lang
        rules = rules or HazardRules()
        now = at or (lambda: datetime.now().astimezone())
        self.rows: dict[str, HazardRow] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for hazard, state in hazards:
            row = HazardRow(hazard, state, checklists, lang, rules, now)
            self.rows[hazard.id] = row
            layout.addWidget(row)
        self.general_error = error_label()
        layout.addWidget(self.general_error)
        layout.addStretch(1)

    def verdicts(self) -> list[FormVerdict]:
        return [row.verdict() for row in self.rows.values()]

    def set_outcome(self, hazard_id: str, outcome: str) -> None:
        self.rows[hazard_id].set_outcome(outcome)

    def show_errors(self, exc: BaseException) -> None:
        for row in self.rows.values():
            row.show_error("")
        general = []
        by_row: dict[str, list[str]] = {}
        for e in getattr(exc, "errors", None) or [exc]:
            field = error_field(e) or ""
            hazard_id = field[len("verdicts."):] if field.startswith("verdicts.") else ""
            if hazard_id in self.rows:
                by_row.setdefault(hazard_id, []).append(error_text(e, self.lang))
            else:
                general.append(error_text(e, self.lang))
        for hazard_id, texts in by_row.items():
            self.rows[hazard_id].show_error("\n".join(texts))
        self.general_error.setText("\n".join(general))
        self.general_error.setVisible(bool(general))
