"""The household editor: a new household in a building (or at an address), or the details of one registered."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QWidget

from ...domain.enums import Housing
from ...domain.models import Household
from ...domain.register import clean_household
from ...services import drafts, register
from ...services.queries import register as register_queries
from ...services.search import household_card
from ..context import AppContext
from .form import EditorDialog, read_for_editor
from .person_editor import combo_value, enum_combo, set_combo

FIELDS = ("unit", "room", "floor", "address", "housing", "phone", "head_person_id", "notes")


class HouseholdEditor(EditorDialog):
    def __init__(self, ctx: AppContext, household: Household | None, building_id: str | None, place: str,
                 members: list[tuple[str, str]], parent: QWidget | None = None):  # fmt: skip
        key = f"household:{household.id}" if household else f"household:new:{building_id or '-'}"
        super().__init__(ctx, key, parent)
        self.household = household
        self.building_id = building_id
        self.setWindowTitle(self.tr("Edit household") if household else self.tr("New household"))

        self.unit = QLineEdit()
        self.room = QLineEdit()
        self.floor = QLineEdit()
        self.floor.setPlaceholderText(self.tr("from the room number if empty"))
        self.address = QLineEdit()
        self.address.setPlaceholderText(self.tr("made from building, unit and room if empty"))
        self.housing = enum_combo(Housing, ctx.lang)
        self.phone = QLineEdit()
        self.head = QComboBox()
        self.head.addItem("", "")
        for person_id, name in members:
            self.head.addItem(name, person_id)
        self.head.setEnabled(bool(members))
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)  # Tab leaves the field, as in every other field
        self.notes.setFixedHeight(64)

        form = QFormLayout()
        where = QLabel(place or self.tr("(no building: give the address)"))
        where.setWordWrap(True)
        form.addRow(self.tr("Building:"), where)
        self.add_row(form, "unit", self.tr("&Unit:"), self.unit)
        self.add_row(form, "room", self.tr("&Room:"), self.room)
        self.add_row(form, "floor", self.tr("&Floor:"), self.floor)
        self.add_row(form, "address", self.tr("&Address:"), self.address)
        self.add_row(form, "housing", self.tr("&Housing:"), self.housing)
        self.add_row(form, "phone", self.tr("&Phone:"), self.phone)
        self.add_row(form, "head_person_id", self.tr("H&ead:"), self.head)
        self.add_row(form, "notes", self.tr("N&otes:"), self.notes)
        self.body.addLayout(form)
        self.setMinimumWidth(520)
        for field in ("unit", "room", "floor", "address", "phone"):
            getattr(self, field).editingFinished.connect(lambda field=field: self._check_field(field))

    def values(self) -> dict[str, Any]:
        return {
            "unit": self.unit.text().strip(),
            "room": self.room.text().strip(),
            "floor": self.floor.text().strip(),
            "address": self.address.text().strip(),
            "housing": combo_value(self.housing),
            "phone": self.phone.text().strip(),
            "head_person_id": combo_value(self.head),
            "notes": self.notes.toPlainText().strip(),
        }

    def set_values(self, values: dict[str, Any]) -> None:
        for field in ("unit", "room", "floor", "address", "phone"):
            getattr(self, field).setText(values.get(field) or "")
        set_combo(self.housing, values.get("housing"))
        set_combo(self.head, values.get("head_person_id"))
        self.notes.setPlainText(values.get("notes") or "")

    def _check_field(self, field: str) -> None:
        self.check(field, lambda: clean_household({field: self.values()[field]}, partial=True))

    def save_record(self, store, values: dict[str, Any]) -> Household:
        if self.household is None:
            fields = {k: v for k, v in values.items() if v} | {"building_id": self.building_id}
            return register.register_household(store, fields, initiator="register")
        fields = {k: (v or None) for k, v in values.items() if v != self._baseline.get(k)}
        return register.update_household(store, self.household.id, fields, initiator="register")


def household_values(household: Household | None) -> dict[str, Any]:
    if household is None:
        return {field: "" for field in FIELDS}
    return {
        "unit": household.unit or "",
        "room": household.room or "",
        "floor": "" if household.floor is None else str(household.floor),
        "address": household.address or "",
        "housing": household.housing or "",
        "phone": household.phone or "",
        "head_person_id": household.head_person_id or "",
        "notes": household.notes or "",
    }


def load_for_editor(store, household_id: str | None, building_id: str | None):
    """Off the GUI thread: the household, its building's id and name, its members, and any draft."""
    if household_id:
        card = household_card(store, household_id)
        household, building = card.household, card.building
        members = [(p.id, p.name) for p in card.members]
        key = f"household:{household.id}"
        place = f"{building.estate or ''}{building.name}" if building else ""
        return household, household.building_id, place, members, drafts.load_draft(store, key)
    rows = register_queries.building_rows(store, [building_id]) if building_id else []
    place = f"{rows[0].estate}{rows[0].name}" if rows else ""
    return None, building_id, place, [], drafts.load_draft(store, f"household:new:{building_id or '-'}")


def open_household_editor(ctx: AppContext, parent: QWidget, *, household_id: str | None = None,
                          building_id: str | None = None, unit: str | None = None, on_open=None,
                          on_gone=None) -> None:  # fmt: skip
    def show(result) -> None:
        household, b_id, place, members, draft = result
        editor = HouseholdEditor(ctx, household, b_id, place, members, parent)
        values = household_values(household)
        if household is None and unit:
            values["unit"] = unit
        editor.start(values, draft)
        editor.open()
        if on_open:
            on_open(editor)

    async def load() -> None:
        result = await read_for_editor(ctx, parent, load_for_editor, ctx.store, household_id, building_id, on_gone=on_gone)
        if result is not None:
            show(result)

    ctx.runner.start(load(), "open household editor")
