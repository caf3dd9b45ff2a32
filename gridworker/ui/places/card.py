"""A place's card: its facts, its hazards (open first) and its inspections, and what can be done next.

Shown beside the list of places. The buttons say what the page does:
edit, inspect, re-inspect (when a hazard is open), print the rectification
notice of the last inspection that found hazards, and escalate the chosen
hazard into an incident (only one that qualifies: major, or significant and
overdue, or overdue with its extensions used — the domain's rule).
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QPushButton, QVBoxLayout, QWidget

from ...domain.places.checklists import load_checklists, severity_label
from ...domain.places.escalation import day_text
from ...domain.places.inspections import PURPOSES, HazardRules, HazardState, hazard_id, status_label
from ...domain.places.kinds import load_kinds
from ..fieldwork.photos import StoredPhotosStrip
from ..fieldwork.text import esc, local_time
from ..models.column import Column
from ..models.rows import RowsModel
from ..style import ACCENT, ERROR, MUTED, OK, TEXT
from ..tables import make_table
from .records import aware


def hazard_state(view) -> HazardState:
    """A hazard of the card (services' HazardView) as the domain's state, for its rules."""
    return HazardState(status=view.status, item_code=view.item_code, severity=view.severity,
                       found_at=aware(view.found_at), deadline=aware(view.deadline), extensions=view.extensions)  # fmt: skip


class PlaceCardView(QWidget):
    edit = Signal()
    inspect = Signal()
    recheck = Signal()
    notice = Signal()
    escalate = Signal(str)  # hazard id
    delete = Signal()
    hazard_chosen = Signal(object)  # the hazard (services' HazardView) now chosen, or None: the page shows its photos

    def __init__(self, lang: str, parent=None, *, photos_dir=None, ctx=None):
        super().__init__(parent)
        self.lang = lang
        self.card = None
        self.read_only = False  # a handler reads places; inspecting is a grid worker's (the page says which)
        self.rules = HazardRules()
        self.checklists = load_checklists()
        self.title = QLabel()
        self.title.setStyleSheet(f"font-size: 13pt; font-weight: bold; color: {ACCENT};")
        self.title.setWordWrap(True)
        self.facts = QLabel()
        self.facts.setWordWrap(True)
        self.facts.setStyleSheet(f"color: {TEXT};")
        self.edit_button = QPushButton(self.tr("Edit…"))
        self.inspect_button = QPushButton(self.tr("Inspect…"))
        self.recheck_button = QPushButton(self.tr("Re-inspect…"))
        self.notice_button = QPushButton(self.tr("Rectification notice…"))
        self.notice_button.setToolTip(self.tr("The notice of the last inspection that found hazards, as a PDF"))
        self.edit_button.clicked.connect(self.edit)
        self.inspect_button.clicked.connect(self.inspect)
        self.recheck_button.clicked.connect(self.recheck)
        self.notice_button.clicked.connect(self.notice)
        self.delete_button = QPushButton(self.tr("Delete…"))
        self.delete_button.clicked.connect(self._delete)
        title_row = QHBoxLayout()
        title_row.addWidget(self.title, 1)
        title_row.addWidget(self.delete_button)
        buttons = QHBoxLayout()
        for b in (self.edit_button, self.inspect_button, self.recheck_button, self.notice_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.hazards_model = RowsModel(self._hazard_columns())
        self.hazards = make_table(self.hazards_model)
        self.hazards.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.hazards.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.hazards.selectionModel().currentRowChanged.connect(self._hazard_row_changed)
        self.photos = StoredPhotosStrip(photos_dir or ".", icon=72, ctx=ctx)  # the chosen hazard's, when found
        self.photos.hide()
        self.escalate_button = QPushButton(self.tr("Escalate into an incident…"))
        self.escalate_button.setToolTip(self.tr("A major hazard, or a significant one overdue, or one overdue with "
                                                "no extension left, becomes an incident on the incident board"))  # fmt: skip
        self.escalate_button.clicked.connect(self._escalate)
        self.inspections_model = RowsModel(self._inspection_columns())
        self.inspections = make_table(self.inspections_model)
        self.inspections.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.inspections.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.empty = QLabel(self.tr("Choose a place in the list, or register a new one."))
        self.empty.setStyleSheet(f"color: {MUTED};")
        self.empty.setWordWrap(True)
        hazard_row = QHBoxLayout()
        self.hazards_label = QLabel(self.tr("Hazards"))
        self.hazards_label.setStyleSheet("font-weight: bold;")
        hazard_row.addWidget(self.hazards_label, 1)
        hazard_row.addWidget(self.escalate_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 0, 0)
        layout.addWidget(self.empty)
        layout.addLayout(title_row)
        layout.addWidget(self.facts)
        layout.addLayout(buttons)
        layout.addLayout(hazard_row)
        layout.addWidget(self.hazards, 3)
        layout.addWidget(self.photos)
        label = QLabel(self.tr("Inspections"))
        label.setStyleSheet("font-weight: bold;")
        layout.addWidget(label)
        layout.addWidget(self.inspections, 2)
        self.show_card(None)

    # -- columns -------------------------------------------------------------------------------------
    def _hazard_columns(self) -> list[Column]:
        lang = self.lang

        def name(h) -> str:
            item = self.checklists.get(h.item_code)
            return item.hazard_label(lang) if item else ""

        def state(h) -> str:
            if h.overdue:
                return self.tr("overdue")
            return status_label(h.status, lang)

        def colour(h) -> QColor | None:
            return QColor(ERROR) if h.overdue else QColor(OK) if h.status == "rectified" else None

        return [
            Column(self.tr("Hazard"), name, 24),
            Column(self.tr("Grade"), lambda h: severity_label(h.severity, lang), 6),
            Column(self.tr("Rectify by"), lambda h: day_text(aware(h.deadline), lang) if h.deadline else "", 12),
            Column(self.tr("State"), state, 8, colour=colour),
        ]

    def _inspection_columns(self) -> list[Column]:
        lang = self.lang

        def purpose(i) -> str:
            zh, en = PURPOSES.get(i.purpose, ("", ""))
            return zh if lang.startswith("zh") else en

        def failed(i) -> str:
            n = sum(1 for a in i.answers if isinstance(a, dict) and a.get("result") == "fail")
            return self.tr("{0} failed").format(n) if n else self.tr("all passed") if i.answers else ""

        return [
            Column(self.tr("When"), lambda i: local_time(aware(i.at), year=True), 14),
            Column(self.tr("Kind of inspection"), purpose, 8),
            Column(self.tr("Result"), failed, 10),
        ]

    # -- showing a place ------------------------------------------------------------------------------
    def show_card(self, card) -> None:
        """A place's card; the same place read again (after work, a sync) keeps the hazard chosen."""
        keep = self._hazard_to_keep(card)
        self.card = card
        shown = card is not None
        for w in (self.title, self.facts, self.hazards, self.inspections, self.hazards_label, self.escalate_button,
                  self.edit_button, self.inspect_button, self.recheck_button, self.notice_button, self.delete_button):  # fmt: skip
            w.setVisible(shown)
        self.empty.setVisible(not shown)
        if card is None:
            self.photos.set_photos([])
            self.hazards_model.set_rows([])
            self.inspections_model.set_rows([])
            return
        self.title.setText(card.place.name)
        self.facts.setText(self._facts_html(card.place))
        self.hazards_model.set_rows(card.hazards)
        self.inspections_model.set_rows(card.inspections)
        open_count = sum(1 for h in card.hazards if h.status == "open")
        self.hazards_label.setText(self.tr("Hazards ({0} open)").format(open_count))
        if card.hazards:  # open ones come first: the one escalation would be about, unless another was chosen
            self.hazards.selectRow(next((i for i, h in enumerate(card.hazards) if h.id == keep), 0))
        self._update_buttons()

    def _hazard_to_keep(self, card) -> str | None:
        """The hazard chosen, when `card` is the place shown already."""
        chosen = self.current_hazard()
        same = self.card is not None and card is not None and self.card.place.id == card.place.id
        return chosen.id if same and chosen is not None else None

    def _facts_html(self, place) -> str:
        kind = load_kinds().get(place.kind)
        lines = [kind.label(self.lang) if kind else ""]
        if place.address:
            lines.append(esc(place.address))
        person = " ".join(x for x in (place.person_in_charge, place.phone) if x)
        if person:
            lines.append(self.tr("Person in charge: {0}").format(esc(person)))
        if place.licence_number:
            lines.append(self.tr("Unified social credit code: {0}").format(esc(place.licence_number)))
        if kind:
            lines.append(self.tr("Inspected every day") if kind.interval_days == 1
                         else self.tr("Inspected every {0} days").format(kind.interval_days))  # fmt: skip
        return "<br/>".join(line for line in lines if line)

    def open_hazards(self) -> list:
        return [h for h in (self.card.hazards if self.card else []) if h.status == "open"]

    def current_hazard(self):
        row = self.hazards.currentIndex().row()
        return self.hazards_model.row(row) if 0 <= row < self.hazards_model.rowCount() else None

    def select_hazard(self, hazard_id: str) -> None:
        for i, h in enumerate(self.hazards_model.rows()):
            if h.id == hazard_id:
                self.hazards.selectRow(i)
                return

    def notice_inspection(self):
        """The last inspection that failed an item (whose notice can be printed), or None."""
        for inspection in self.card.inspections if self.card else []:
            if any(isinstance(a, dict) and a.get("result") == "fail" for a in inspection.answers or []):
                return inspection
        return None

    def notice_hazards(self, inspection) -> list:
        """The hazards that inspection found (their ids come from the inspection and the item)."""
        ids = {hazard_id(inspection.id, a.get("item_code", "")) for a in inspection.answers or []
               if isinstance(a, dict) and a.get("result") == "fail"}  # fmt: skip
        return [h for h in self.card.hazards if h.id in ids]

    def qualifies(self, hazard, now: datetime | None = None) -> bool:
        return hazard is not None and self.rules.qualifies_for_escalation(
            hazard_state(hazard), now or datetime.now().astimezone())

    def _update_buttons(self) -> None:
        has_open = bool(self.open_hazards())
        for button in (self.edit_button, self.inspect_button):
            button.setEnabled(not self.read_only)
        self.delete_button.setEnabled(not self.read_only and not has_open)  # the service refuses both too
        self.delete_button.setToolTip(
            self.tr("Only grid workers, dispatchers and administrators change the places' register") if self.read_only
            else self.tr("Sign off or escalate its open hazards first") if has_open
            else self.tr("Delete this place from the register (its inspections stay on record)"))
        self.recheck_button.setEnabled(has_open and not self.read_only)
        self.notice_button.setEnabled(self.notice_inspection() is not None)
        self.escalate_button.setEnabled(not self.read_only and self.qualifies(self.current_hazard()))

    def _hazard_row_changed(self, *_args) -> None:
        self._update_buttons()
        self.hazard_chosen.emit(self.current_hazard())

    def _delete(self) -> None:
        if self.card is not None:
            self.delete_button.setEnabled(False)  # with the click itself
            self.delete.emit()

    def _escalate(self) -> None:
        hazard = self.current_hazard()
        if hazard is not None:
            self.escalate_button.setEnabled(False)  # with the click itself
            self.escalate.emit(hazard.id)
