"""The visit form of the walk-round (one household: outcome, notes, needs, photos) and the planning dialog."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from ...domain.enums import Outcome, Urgency
from ...domain.participation import tables as participation_tables
from ...services import visits as visit_service
from ...services.queries.visits import BuildingChoice, StopRow
from .category import CategoryButton
from ..models.column import Column
from ..models.rows import RowsModel
from .photos import PhotoFilesStrip
from .text import error_field, error_text, esc, tags_text
from .forms import add_field_row
from ..style import ERROR_STYLE, MUTED, SPECIAL
from ..tables import make_table

# One key per outcome, in the order a grid worker meets them most.
OUTCOME_KEYS = (Outcome.met, Outcome.not_home, Outcome.refused, Outcome.moved_away, Outcome.other)


class VisitForm(QWidget):
    """What is recorded at one door. The page logs the visit when an outcome is chosen (button or key 1–5)."""

    outcome_chosen = Signal(str)
    edited = Signal()

    def __init__(self, lang: str, parent=None):
        super().__init__(parent)
        self.lang = lang
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 14pt; font-weight: bold;")
        self.heading.setWordWrap(True)
        self.residents = QLabel()
        self.residents.setWordWrap(True)
        self.residents.setTextFormat(Qt.RichText)
        self.outcome_buttons: dict[str, QPushButton] = {}
        grid = QGridLayout()
        for n, outcome in enumerate(OUTCOME_KEYS, start=1):
            button = QPushButton(f"{n}  {outcome.label(lang)}")
            button.setObjectName(f"outcome_{outcome.value}")
            button.setMinimumHeight(36)
            button.setToolTip(self.tr("Press {0} to record this outcome and go to the next household").format(n))
            button.clicked.connect(lambda _c=False, o=outcome.value: self.outcome_chosen.emit(o))
            self.outcome_buttons[outcome.value] = button
            grid.addWidget(button, (n - 1) // 3, (n - 1) % 3)
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)  # Tab leaves the field, as in every other field
        self.notes.setPlaceholderText(self.tr("What you found: changes in the household, how they are"))
        self.notes.setFixedHeight(70)
        self.needs = QPlainTextEdit()
        self.needs.setTabChangesFocus(True)  # Tab leaves the field, as in every other field
        self.needs.setPlaceholderText(self.tr("Requests or problems the residents raised"))
        self.needs.setFixedHeight(70)
        self.raise_incident = QCheckBox(self.tr("Report the needs as an incident"))
        self.category = CategoryButton(lang)
        self.urgency = QComboBox()
        for u in Urgency:
            self.urgency.addItem(u.label(lang), u.value)
        self.urgency.setCurrentIndex(self.urgency.findData(Urgency.normal.value))
        self.raise_order = QCheckBox(self.tr("Raise the needs as a service order for party members"))
        self.raise_wish = QCheckBox(self.tr("Publish the needs as a micro-wish"))
        self.skill = QComboBox()
        self.skill.addItem(self.tr("Any member"), None)
        for skill in participation_tables.skills().values():
            self.skill.addItem(skill.label(lang), skill.code)
        self.photos = PhotoFilesStrip(icon=72)
        self.errors: dict[str, QLabel] = {}

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignRight)
        self._row(form, self.tr("Notes"), self.notes, "notes")
        self._row(form, self.tr("Needs raised"), self.needs, "needs")
        form.addRow("", self.raise_incident)
        self._row(form, self.tr("Category"), self.category, "category")
        self._row(form, self.tr("Urgency"), self.urgency, "urgency")
        form.addRow("", self.raise_order)
        self._row(form, self.tr("Skill needed"), self.skill, "skill")
        form.addRow("", self.raise_wish)
        self._row(form, self.tr("Photos"), self.photos, "photos")
        self.general_error = QLabel()
        self.general_error.setStyleSheet(ERROR_STYLE)
        self.general_error.setWordWrap(True)
        self.general_error.hide()
        hint = QLabel(self.tr("Keys 1–5 record the outcome while the list has the focus."))
        hint.setStyleSheet(f"color: {MUTED};")

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.residents)
        layout.addLayout(grid)
        layout.addWidget(hint)
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addStretch(1)

        for signal in (self.notes.textChanged, self.needs.textChanged, self.raise_incident.toggled,
                       self.category.chosen, self.urgency.currentIndexChanged, self.photos.changed,
                       self.raise_order.toggled, self.skill.currentIndexChanged, self.raise_wish.toggled):  # fmt: skip
            signal.connect(lambda *_args: self.edited.emit())
        # A field's error goes as soon as the field is changed (the photo added, the need typed, …).
        for field, signal in (("notes", self.notes.textChanged), ("needs", self.needs.textChanged),
                              ("category", self.category.chosen), ("urgency", self.urgency.currentIndexChanged),
                              ("photos", self.photos.changed)):  # fmt: skip
            signal.connect(lambda *_args, label=self.errors[field]: label.hide())
        self.raise_incident.toggled.connect(self._incident_fields)
        self._incident_fields(False)
        self.raise_order.toggled.connect(self.skill.setEnabled)
        self.skill.setEnabled(False)
        self.set_stop(None)

    def _row(self, form: QFormLayout, label: str, widget: QWidget, field: str) -> None:
        add_field_row(form, label, [widget], widget, self.errors, field)

    def _incident_fields(self, on: bool) -> None:
        self.category.setEnabled(on)
        self.urgency.setEnabled(on)

    # -- the household -----------------------------------------------------------------------
    def set_stop(self, stop: StopRow | None) -> None:
        for button in self.outcome_buttons.values():
            button.setEnabled(stop is not None)
        if stop is None:
            self.heading.setText(self.tr("No household chosen"))
            self.residents.setText("")
            return
        self.heading.setText(stop.address)
        who = (
            self.tr("{0} and others, {1} living here").format(stop.head_name, stop.members)
            if stop.head_name and stop.members > 1
            else (stop.head_name or self.tr("Nobody registered here"))
        )
        special = tags_text(stop.special_tags, self.lang)
        self.residents.setText(esc(who) + (f" · <b style='color:{SPECIAL}'>{esc(special)}</b>" if special else ""))

    # -- values --------------------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        return {
            "notes": self.notes.toPlainText().strip() or None,
            "needs": self.needs.toPlainText().strip() or None,
            "raise_incident": self.raise_incident.isChecked(),
            "raise_order": self.raise_order.isChecked(),
            "raise_wish": self.raise_wish.isChecked(),
            "skill": self.skill.currentData(),
            "category": self.category.code() or None,
            "urgency": self.urgency.currentData(),
            "photos": self.photos.paths(),
        }

    def set_values(self, values: dict[str, Any]) -> None:
        self.notes.setPlainText(values.get("notes") or "")
        self.needs.setPlainText(values.get("needs") or "")
        self.raise_incident.setChecked(bool(values.get("raise_incident")))
        self.raise_order.setChecked(bool(values.get("raise_order")))
        self.raise_wish.setChecked(bool(values.get("raise_wish")))
        self.skill.setCurrentIndex(max(self.skill.findData(values.get("skill")), 0))
        self.category.set_code(values.get("category") or "")
        index = self.urgency.findData(values.get("urgency") or Urgency.normal.value)
        self.urgency.setCurrentIndex(max(index, 0))
        self.photos.clear()
        self.photos.add_files(values.get("photos") or [])

    def is_blank(self) -> bool:
        v = self.values()
        return not (v["notes"] or v["needs"] or v["photos"] or v["raise_incident"] or v["raise_order"] or v["raise_wish"])

    def clear(self) -> None:
        self.set_values({})
        self.clear_errors()

    # -- errors ----------------------------------------------------------------------------------
    def clear_errors(self) -> None:
        for label in (*self.errors.values(), self.general_error):
            label.hide()

    def show_error(self, exc: BaseException) -> QLabel:
        """Show the error under its field (or below the form); the label, for the page to scroll to."""
        field = error_field(exc)
        field = {"need_category": "category", "outcome": None}.get(field, field) if field else None
        label = self.errors.get(field or "", self.general_error)
        label.setText(error_text(exc, self.lang))
        label.show()
        return label

    def show_message(self, field: str, text: str) -> None:
        label = self.errors.get(field, self.general_error)
        label.setText(text)
        label.show()


class BuildingPlanDialog(QDialog):
    """Plan a walk-round over one or more whole buildings (扫楼), in walking order."""

    planned = Signal(object)  # the Walkround

    def __init__(self, ctx, buildings: list[BuildingChoice], today: date, parent=None):
        super().__init__(parent)
        self.ctx, self.buildings, self.today = ctx, buildings, today
        self.setWindowTitle(self.tr("Plan a walk-round from buildings"))
        self.resize(560, 520)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(self.tr("Filter buildings by estate or name"))
        self.filter.setClearButtonEnabled(True)
        self.model = RowsModel(
            [
                Column(self.tr("Building"), lambda b: b.label, tooltip=lambda b: b.address),
                Column(self.tr("Households"), lambda b: str(b.households), align_right=True),
            ],
            self,
        )
        self.table = make_table(self.model, multi=True)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._suggest_name)
        self.name = QLineEdit()
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.button(QDialogButtonBox.Ok).setText(self.tr("Plan"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        name_label = QLabel(self.tr("Name"))
        name_label.setBuddy(self.name)
        form.addRow(name_label, self.name)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self._filter_timer = QTimer(self, singleShot=True, interval=150)
        self._filter_timer.timeout.connect(self._apply_filter)
        self.filter.textChanged.connect(self._filter_timer.start)
        self._apply_filter()

    def _apply_filter(self) -> None:
        text = self.filter.text().strip()
        self.model.set_rows([b for b in self.buildings if text in b.label or text in (b.address or "")])

    def chosen(self) -> list[BuildingChoice]:
        return [self.model.row(i.row()) for i in self.table.selectionModel().selectedRows()]

    def _suggest_name(self) -> None:
        chosen = self.chosen()
        if chosen:
            what = chosen[0].label + (self.tr(" and {0} more").format(len(chosen) - 1) if len(chosen) > 1 else "")
            self.name.setText(self.tr("Walk-round {0} · {1}").format(self.today.strftime("%m-%d"), what))

    def submit(self) -> None:
        chosen = self.chosen()
        if not chosen:
            self.error.setText(self.tr("Choose at least one building"))
            self.error.show()
            return
        self.buttons.setEnabled(False)  # with the click itself: a second click cannot plan twice
        self.ctx.runner.start(self._plan(chosen), "plan walk-round")

    async def _plan(self, chosen) -> None:
        try:
            walk = await self.ctx.runner.call(
                visit_service.plan_walkround, self.ctx.store, self.name.text(),
                building_ids=[b.id for b in chosen], planner_id=self.ctx.actor.id, planned_for=self.today,
                planner_role=self.ctx.actor.role, guard=self,
            )  # fmt: skip
        except Exception as exc:  # noqa: BLE001 - said in words in the dialog (error_text)
            if isValid(self):
                self._failed(exc)
            return
        self._planned(walk)

    def _planned(self, walk) -> None:
        self.planned.emit(walk)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.error.setText(error_text(exc, self.ctx.lang))
        self.error.show()
