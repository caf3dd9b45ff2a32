"""The person editor: register a new resident of a household, or correct one already registered.

Typing an 18-character ID number fills in the birth date and gender at once
(domain.idnumber, no database); leaving a field checks it with the core's
rules and shows the message under it. Moving, moving out, death, deletion
and merging are named operations of the register page, not fields here.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from ...domain import idnumber
from ...domain.enums import Gender, Labelled, Relation, Residence, Tag
from ...domain.errors import GridWorkerError, ValidationError
from ...domain.models import Person
from ...domain.register import clean_person
from ...services import drafts, register
from ...services.queries import register as register_queries
from ..context import AppContext
from .form import EditorDialog, read_for_editor

IDENTITY = ("id_number", "gender", "birth_date")


def enum_combo(cls: type[Labelled], lang: str) -> QComboBox:
    """A choice of the enumeration's labels, and a blank for "not known"."""
    box = QComboBox()
    box.addItem("", "")
    for member in cls:
        box.addItem(member.label(lang), member.value)
    return box


def combo_value(box: QComboBox) -> str:
    return box.currentData() or ""


def set_combo(box: QComboBox, value: str | None) -> None:
    index = box.findData(value or "")
    box.setCurrentIndex(index if index >= 0 else 0)


class TagPicker(QWidget):
    """The special-group and other tags as check boxes, three to a row."""

    changed = Signal()

    def __init__(self, lang: str, parent: QWidget | None = None):
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[str, QCheckBox] = {}
        for i, tag in enumerate(Tag):
            box = QCheckBox(tag.label(lang))
            box.toggled.connect(self.changed)
            self.boxes[tag.value] = box
            grid.addWidget(box, i // 3, i % 3)

    def value(self) -> list[str]:
        return [tag for tag, box in self.boxes.items() if box.isChecked()]

    def set_value(self, tags: list[str]) -> None:
        for tag, box in self.boxes.items():
            box.setChecked(tag in tags)


class PersonEditor(EditorDialog):
    def __init__(self, ctx: AppContext, person: Person | None, household_id: str | None, address: str, parent=None):
        key = f"person:{person.id}" if person else f"person:new:{household_id or '-'}"
        super().__init__(ctx, key, parent)
        self.person = person
        self.household_id = household_id
        self._id_filled = False
        lang = ctx.lang
        self.setWindowTitle(self.tr("Edit {0}").format(person.name) if person else self.tr("New resident"))

        self.name = QLineEdit()
        self.id_number = QLineEdit()
        self.id_number.setMaxLength(20)
        self.id_number.setPlaceholderText(self.tr("18 characters; fills in birth date and gender"))
        self.gender = enum_combo(Gender, lang)
        self.birth_date = QLineEdit()
        self.birth_date.setPlaceholderText("1980-05-17")
        self.phone = QLineEdit()
        self.phone.setPlaceholderText(self.tr("mobile or landline"))
        self.relation = enum_combo(Relation, lang)
        self.residence = enum_combo(Residence, lang)
        self.tags = TagPicker(lang)
        self.skills = QLineEdit()
        self.skills.setPlaceholderText(self.tr("e.g. legal advice, electrical repairs"))
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)  # Tab leaves the field, as in every other field
        self.notes.setFixedHeight(64)

        left, right = QFormLayout(), QFormLayout()
        where = QLabel(address or self.tr("(no household)"))
        where.setWordWrap(True)
        left.addRow(self.tr("Household:"), where)
        self.add_row(left, "name", self.tr("&Name:"), self.name)
        self.add_row(left, "id_number", self.tr("&ID number:"), self.id_number)
        self.add_row(left, "gender", self.tr("&Gender:"), self.gender)
        self.add_row(left, "birth_date", self.tr("&Birth date:"), self.birth_date)
        self.add_row(left, "phone", self.tr("&Phone:"), self.phone)
        self.add_row(right, "relation", self.tr("&Relation to head:"), self.relation)
        self.add_row(right, "residence", self.tr("R&esidence:"), self.residence)
        self.add_row(right, "tags", self.tr("&Tags:"), self.tags)
        self.add_row(right, "skills", self.tr("S&kills:"), self.skills)
        self.add_row(right, "notes", self.tr("N&otes:"), self.notes)
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addSpacing(16)
        columns.addLayout(right, 1)
        self.body.addLayout(columns)
        self.setMinimumWidth(820)

        self.id_number.textEdited.connect(self._id_typed)
        for field, editor in (("name", self.name), ("phone", self.phone), ("birth_date", self.birth_date),
                              ("skills", self.skills)):
            editor.editingFinished.connect(lambda field=field: self._check_field(field))
        self.id_number.editingFinished.connect(lambda: self._check_field("id_number"))  # fmt: skip

    # -- the form ------------------------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        return {
            "name": self.name.text().strip(),
            "id_number": self.id_number.text().strip(),
            "gender": combo_value(self.gender),
            "birth_date": self.birth_date.text().strip(),
            "phone": self.phone.text().strip(),
            "relation": combo_value(self.relation),
            "residence": combo_value(self.residence),
            "tags": self.tags.value(),
            "skills": self.skills.text().strip(),
            "notes": self.notes.toPlainText().strip(),
        }

    def set_values(self, values: dict[str, Any]) -> None:
        self.name.setText(values.get("name") or "")
        self.id_number.setText(values.get("id_number") or "")
        set_combo(self.gender, values.get("gender"))
        self.birth_date.setText(values.get("birth_date") or "")
        self.phone.setText(values.get("phone") or "")
        set_combo(self.relation, values.get("relation"))
        set_combo(self.residence, values.get("residence"))
        self.tags.set_value(values.get("tags") or [])
        self.skills.setText(values.get("skills") or "")
        self.notes.setPlainText(values.get("notes") or "")

    # -- live help -------------------------------------------------------------------------------------
    @Slot(str)
    def _id_typed(self, text: str) -> None:
        number = idnumber.normalise(text)
        self._id_filled = False
        if len(number) < 18:
            self.show_message("id_number", "")
            return
        try:
            info = idnumber.parse(number)
        except ValidationError as exc:
            self.show_message("id_number", exc.message(self.ctx.lang))
            return
        set_combo(self.gender, info.gender.value)
        self.birth_date.setText(info.birth_date.isoformat())
        self.show_message("gender", "")
        self.show_message("birth_date", "")
        self._id_filled = True
        self.show_message("id_number", self.tr("Birth date and gender filled in from the ID number."), hint=True)

    def _check_field(self, field: str) -> None:
        value = self.values()
        if field == "id_number" and not idnumber.normalise(value["id_number"]):
            self.show_message(field, "")
            return
        if field == "id_number" and self._id_filled:
            return  # a good number: its hint stays
        raw = {k: value[k] for k in IDENTITY} if field in IDENTITY else {field: value[field]}
        self.check(field, lambda: clean_person(raw, partial=True))

    # -- saving ----------------------------------------------------------------------------------------
    def changed_fields(self, values: dict[str, Any]) -> dict[str, Any]:
        if self.person is None:
            return {k: v for k, v in values.items() if v not in ("", [])} | {"household_id": self.household_id}
        fields = {k: v for k, v in values.items() if v != self._baseline.get(k)}
        if fields.keys() & set(IDENTITY):  # checked together: an ID number and the gender and birth date it implies
            fields |= {k: values[k] for k in IDENTITY}
        return fields

    def save_record(self, store, values: dict[str, Any]) -> Person:
        fields = self.changed_fields(values)
        if self.person is None:
            return register.register_person(store, fields, initiator="register")
        return register.update_person(store, self.person.id, fields, initiator="register")

    def field_of(self, exc: GridWorkerError) -> str | None:
        return "id_number" if exc.code == "duplicate_id_number" else None


BLANK: dict[str, Any] = {
    "name": "", "id_number": "", "gender": "", "birth_date": "", "phone": "", "relation": "", "residence": "",
    "tags": [], "skills": "", "notes": "",
}  # fmt: skip


def person_values(person: Person | None) -> dict[str, Any]:
    """A person record as the form holds it (what a draft is compared with)."""
    if person is None:
        return dict(BLANK, tags=[])
    return {
        "name": person.name or "",
        "id_number": person.id_number or "",
        "gender": person.gender or "",
        "birth_date": person.birth_date.isoformat() if person.birth_date else "",
        "phone": person.phone or "",
        "relation": person.relation or "",
        "residence": person.residence or "",
        "tags": list(person.tags or []),
        "skills": person.skills or "",
        "notes": person.notes or "",
    }


def load_for_editor(store, person_id: str | None, household_id: str | None) -> tuple[Person | None, str | None, str, Any]:
    """Off the GUI thread: the person (or None for a new one), their household id and address, and any draft."""
    person = register_queries.get_person(store, person_id) if person_id else None
    household_id = person.household_id if person else household_id
    address = register_queries.get_household(store, household_id).address or "" if household_id else ""
    key = f"person:{person.id}" if person else f"person:new:{household_id or '-'}"
    return person, household_id, address, drafts.load_draft(store, key)


def open_person_editor(ctx: AppContext, parent: QWidget, *, person_id: str | None = None,
                       household_id: str | None = None, on_open=None, on_gone=None) -> None:
    """Open the editor once the record and its draft are read; `on_open(editor)` is told (tests, screenshots)."""

    def show(result) -> None:
        person, hh_id, address, draft = result
        editor = PersonEditor(ctx, person, hh_id, address, parent)
        editor.start(person_values(person), draft)
        editor.open()
        if on_open:
            on_open(editor)

    async def load() -> None:
        result = await read_for_editor(ctx, parent, load_for_editor, ctx.store, person_id, household_id, on_gone=on_gone)
        if result is not None:
            show(result)

    ctx.runner.start(load(), "open person editor")
