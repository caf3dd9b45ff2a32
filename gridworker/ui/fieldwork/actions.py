"""The dialog behind each action button of the incident board: what the step needs, then the core's check.

The fields shown are those the action carries (a reason to reject, a handler
to dispatch to, a write-up and "after" photos to handle, a new deadline to
extend, stars to rate). OK calls services.incidents.transition_incident,
which checks the event with the lifecycle rules before writing anything; a
refusal is shown beside the field it is about and the dialog stays open with
everything typed. The dialog opens window-modal without blocking (open()).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from PySide6.QtCore import QDateTime, Qt, QTimeZone, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from ...domain.enums import Action, Status
from ...domain.fieldwork import CHINA_TZ
from ...services import incidents as incident_service
from ...services.queries.incidents import DuplicateCard, IncidentDetail
from ...domain.roster import role_label
from ...services.queries import people as people_queries
from ...services.queries import roster as roster_queries
from ...services.queries.people import KnownPerson
from ...services.queries.roster import DispatchContact
from .photos import PhotoFilesStrip
from .text import error_field, error_text, person_text
from .forms import add_field_row
from ..style import ERROR_STYLE

# What each action asks for, in order.
FIELDS: dict[str, tuple[str, ...]] = {
    "accept": ("note",),
    "reject": ("reason", "duplicate_of"),
    "dispatch": ("assignee_id", "note"),
    "start": ("note",),
    "return": ("reason",),
    "extend": ("deadline", "reason"),
    "park": ("reason",),
    "handle": ("note", "photos"),
    "verify_pass": ("note",),
    "verify_fail": ("reason",),
    "escalate": ("note",),
    "close": ("reason",),
    "reopen": ("reason", "assignee_id"),
    "rate": ("rating", "note"),
    "comment": ("note",),
}
CHINA = QTimeZone(b"Asia/Shanghai")


def dispatch_choices(store, me, area_id: str | None) -> tuple[list[KnownPerson], list[DispatchContact]]:
    """On the database thread: the users who may take the incident, and its grid's team (1+6+N) beside them."""
    people = people_queries.known_people(store, me, area_id=area_id)
    return people, roster_queries.dispatch_contacts(store, area_id, me) if area_id else []


class ActionDialog(QDialog):
    done = Signal(object)  # the new IncidentState

    def __init__(self, ctx, detail: IncidentDetail, action: str, people: list[KnownPerson], parent=None, *,
                 contacts: list[DispatchContact] = ()):  # fmt: skip
        super().__init__(parent)
        self.ctx, self.detail, self.action = ctx, detail, action
        self.contacts = list(contacts)
        self.team: QComboBox | None = None  # the grid's roster, beside the handlers (dispatch, reopen)
        self.setWindowTitle(f"{Action(action).label(ctx.lang)} — {detail.incident.title}")
        self.setMinimumWidth(480)
        self.form = QFormLayout()
        self.general_error = QLabel()
        self.general_error.setWordWrap(True)
        self.general_error.setStyleSheet(ERROR_STYLE)
        self.general_error.hide()
        self.errors: dict[str, QLabel] = {}
        self.inputs: dict[str, QWidget] = {}
        for name in FIELDS.get(action, ("note",)):
            self._add_field(name, people)
            if name == "assignee_id" and self.contacts and action == "dispatch":
                self._add_team()
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.button(QDialogButtonBox.Ok).setText(Action(action).label(ctx.lang))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)

    # -- fields ------------------------------------------------------------------------------
    def _add_field(self, name: str, people: list[KnownPerson]) -> None:
        labels = {
            "note": self.tr("Write-up of the work") if self.action == "handle" else self.tr("Note"),
            "reason": self.tr("Reason"),
            "assignee_id": self.tr("Handler"),
            "deadline": self.tr("New deadline"),
            "rating": self.tr("Resident's rating"),
            "duplicate_of": self.tr("Duplicate of"),
            "photos": self.tr("After photos"),
        }
        widget = self._make_input(name, people)
        self.inputs[name] = widget
        error = add_field_row(self.form, labels[name], [widget], widget, self.errors, name)
        # A field's error goes as soon as the field is changed: it described the value that was there.
        for signal in _change_signals(widget, self):
            signal.connect(error.hide)

    def _make_input(self, name: str, people: list[KnownPerson]) -> QWidget:
        if name in ("note", "reason"):
            edit = QPlainTextEdit()
            edit.setTabChangesFocus(True)  # Tab leaves the field, as in every other field
            edit.setFixedHeight(80)
            if name == "reason" and self.action == "close" and self.detail.state.status == Status.handled.value:
                edit.setPlaceholderText(self.tr("Optional: the work was handled"))
            return edit
        if name == "assignee_id":
            combo = QComboBox()
            combo.setEditable(True)
            combo.lineEdit().setPlaceholderText(self.tr("Choose, or type the handler's user id"))
            named = Counter(p.display_name for p in people if p.display_name)
            for person in people:
                name = person.display_name or ""
                if named[name] > 1 and person.username:  # two 王芳: the user name tells them apart
                    name = f"{name} {person.username}"
                combo.addItem(person_text(person.id, {person.id: name}, self.ctx.lang, person.role), person.id)
                if person.username:
                    combo.setItemData(combo.count() - 1, person.username, Qt.ToolTipRole)
            combo.setCurrentIndex(-1)
            return combo
        if name == "deadline":
            edit = QDateTimeEdit()
            edit.setCalendarPopup(True)
            edit.setTimeZone(CHINA)
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
            edit.setDateTime(QDateTime.fromSecsSinceEpoch(int(self._suggested_deadline().timestamp()), CHINA))
            return edit
        if name == "rating":
            return self._stars()
        if name == "duplicate_of":
            combo = QComboBox()
            combo.setEditable(True)
            combo.lineEdit().setPlaceholderText(self.tr("Optional: the incident this one repeats"))
            combo.setCurrentIndex(-1)
            return combo
        if name == "photos":
            return PhotoFilesStrip(icon=80)
        raise ValueError(name)

    def _add_team(self) -> None:
        """The grid's team (1+6+N): a member who is a user the incident may go to becomes the handler; any
        other member is a contact, named in the note for the handler to call."""
        combo = QComboBox()
        combo.addItem(self.tr("(nobody)"), None)
        for c in self.contacts:
            parts = [role_label(c.role, self.ctx.lang), c.name, c.phone or ""]
            combo.addItem(" · ".join(p for p in parts if p), c)
            if c.skills:
                combo.setItemData(combo.count() - 1, c.skills, Qt.ToolTipRole)
        combo.setToolTip(self.tr("A member who uses GridWorker becomes the handler; anyone else is named in the note as the person to contact"))
        combo.currentIndexChanged.connect(self._team_chosen)
        caption = QLabel(self.tr("Grid team"))
        caption.setBuddy(combo)
        self.form.addRow(caption, combo)
        self.team = combo

    def _team_chosen(self, index: int) -> None:
        contact = self.team.itemData(index) if self.team is not None else None
        if not isinstance(contact, DispatchContact):
            return
        if contact.assignee_id:
            handler = self.inputs["assignee_id"]
            found = handler.findData(contact.assignee_id)
            if found < 0:
                handler.addItem(contact.name, contact.assignee_id)
                found = handler.count() - 1
            handler.setCurrentIndex(found)
            return
        note = self.inputs.get("note")
        if isinstance(note, QPlainTextEdit):
            line = self.tr("Contact: {0} ({1}, {2})").format(contact.name, role_label(contact.role, self.ctx.lang),
                                                              contact.phone or self.tr("no phone"))  # fmt: skip
            text = note.toPlainText().rstrip()
            if line not in text:
                note.setPlainText(f"{text}\n{line}" if text else line)

    def _stars(self) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        self.star_group = QButtonGroup(box)
        for n in range(1, 6):
            button = QToolButton()
            button.setText("★" * n)
            button.setCheckable(True)
            button.setObjectName(f"star_{n}")
            self.star_group.addButton(button, n)
            row.addWidget(button)
        self.partly = QCheckBox(self.tr("Partly solved"))
        row.addWidget(self.partly)
        row.addStretch(1)
        return box

    def _suggested_deadline(self) -> datetime:
        now = datetime.now(CHINA_TZ)
        base = max(self.detail.state.deadline or now, now)  # a deadline long past is extended from today
        calendar = self.detail.calendar or incident_service.default_rules().calendar
        return calendar.add_workdays(base, 1)

    def set_duplicates(self, cards: list[DuplicateCard]) -> None:
        combo = self.inputs.get("duplicate_of")
        if isinstance(combo, QComboBox):
            for card in cards:
                combo.addItem(f"{card.title}（{card.distance_m:.0f} m）", card.incident_id)
            combo.setCurrentIndex(-1)

    # -- values ---------------------------------------------------------------------------------
    def values(self) -> dict:
        out: dict = {}
        for name, widget in self.inputs.items():
            if isinstance(widget, QPlainTextEdit):
                out[name] = widget.toPlainText().strip() or None
            elif isinstance(widget, QComboBox):
                out[name] = _combo_id(widget)
            elif isinstance(widget, QDateTimeEdit):
                out[name] = datetime.fromtimestamp(widget.dateTime().toSecsSinceEpoch(), CHINA_TZ)
            elif isinstance(widget, PhotoFilesStrip):
                out[name] = widget.paths()
        if "rating" in self.inputs:
            checked = self.star_group.checkedId()
            out["rating"] = checked if checked > 0 else None
            out["partly_solved"] = self.partly.isChecked()
        return out

    def submit(self) -> None:
        self.buttons.setEnabled(False)  # with the click itself: a second click cannot act twice
        self.ctx.runner.start(self._submit(), "incident action")

    async def _submit(self) -> None:
        for label in (*self.errors.values(), self.general_error):
            label.hide()
        values = self.values()
        photos = values.pop("photos", [])
        actor = self.ctx.actor
        try:
            state = await self.ctx.runner.call(
                incident_service.transition_incident,
                self.ctx.store,
                self.detail.incident.id,
                self.action,
                actor_id=actor.id,
                actor_role=actor.role,
                photos=photos,
                photos_dir=self.ctx.photos_dir,
                guard=self,
                **values,
            )
        except Exception as exc:  # noqa: BLE001 - shown by its field in words (error_text)
            if isValid(self):
                self._failed(exc)
            return
        self._done(state)

    def _done(self, state) -> None:
        self.done.emit(state)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        message = error_text(exc, self.ctx.lang)
        label = self.errors.get(error_field(exc) or "")
        target = label if label is not None else self.general_error
        target.setText(message)
        target.show()


def _change_signals(widget: QWidget, dialog: ActionDialog) -> list:
    if isinstance(widget, QPlainTextEdit):
        return [widget.textChanged]
    if isinstance(widget, QComboBox):
        return [widget.currentIndexChanged, widget.editTextChanged]
    if isinstance(widget, QDateTimeEdit):
        return [widget.dateTimeChanged]
    if isinstance(widget, PhotoFilesStrip):
        return [widget.changed]
    if getattr(dialog, "star_group", None) is not None and widget.isAncestorOf(dialog.star_group.buttons()[0]):
        return [dialog.star_group.idClicked, dialog.partly.toggled]
    return []


def _combo_id(combo: QComboBox) -> str | None:
    """The chosen item's id, or the typed text when it names no item (a user id typed by hand)."""
    text = combo.currentText().strip()
    if not text:
        return None
    index = combo.findText(text)
    return combo.itemData(index) if index >= 0 else text
