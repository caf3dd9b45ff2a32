"""The place editor: register a place (shop, restaurant, workshop, organisation …) or correct one.

Built like the register's editors (register.form.EditorDialog): each field is
checked with the core's rules (domain.places.place.clean_place) when it is
left, so a wrong 统一社会信用代码 or phone is named at once under its field;
the service checks everything again when saving; what is typed is kept as a
draft.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QPlainTextEdit, QWidget
from shiboken6 import isValid

from ...domain.enums import AreaLevel
from ...domain.errors import NotFound, ValidationError
from ...domain.places.kinds import load_kinds
from ...domain.places.place import clean_place
from ...services import drafts
from ...services import places as place_service
from ...services.queries.places import AreaChoice, area_choices
from ...services.queries.places_register import place_card
from ..context import AppContext
from ..fieldwork.text import error_text
from ..register.form import EditorDialog

TEXT_FIELDS = ("name", "address", "person_in_charge", "phone", "licence_number")
FIELDS = ("area_id", "kind", *TEXT_FIELDS, "notes")
GRID_LEVELS = (AreaLevel.grid.value, AreaLevel.microgrid.value)


class PlaceEditor(EditorDialog):
    def __init__(self, ctx: AppContext, place, areas: list[AreaChoice], parent: QWidget | None = None):
        super().__init__(ctx, draft_key(place.id if place else None), parent)
        self.place = place
        self.setWindowTitle(self.tr("Edit place {0}").format(place.name) if place else self.tr("New place"))
        self.area = QComboBox()
        self.area.addItem("", "")
        top = min((a.depth for a in areas), default=0)
        for a in areas:
            self.area.addItem("\u3000" * (a.depth - top) + a.name, a.id)
        self.kind = QComboBox()
        self.kind.addItem("", "")
        for k in load_kinds():
            self.kind.addItem(k.label(ctx.lang), k.code)
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("e.g. 老王川菜馆"))
        self.address = QLineEdit()
        self.address.setPlaceholderText(self.tr("street and number"))
        self.person_in_charge = QLineEdit()
        self.phone = QLineEdit()
        self.licence_number = QLineEdit()
        self.licence_number.setPlaceholderText(self.tr("18 characters, e.g. 91350100M000100Y43"))
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(56)
        form = QFormLayout()
        self.add_row(form, "name", self.tr("&Name:"), self.name)
        self.add_row(form, "kind", self.tr("&Kind:"), self.kind)
        self.add_row(form, "area_id", self.tr("&Grid:"), self.area)
        self.add_row(form, "address", self.tr("&Address:"), self.address)
        self.add_row(form, "person_in_charge", self.tr("&Person in charge:"), self.person_in_charge)
        self.add_row(form, "phone", self.tr("P&hone:"), self.phone)
        self.add_row(form, "licence_number", self.tr("&Unified social credit code:"), self.licence_number)
        self.add_row(form, "notes", self.tr("N&otes:"), self.notes)
        self.body.addLayout(form)
        self.setMinimumWidth(480)
        for field in TEXT_FIELDS:
            getattr(self, field).editingFinished.connect(lambda field=field: self._check_field(field))

    def values(self) -> dict[str, Any]:
        return {"area_id": self.area.currentData() or "", "kind": self.kind.currentData() or ""} | {
            field: getattr(self, field).text().strip() for field in TEXT_FIELDS
        } | {"notes": self.notes.toPlainText().strip()}

    def set_values(self, values: dict[str, Any]) -> None:
        self.area.setCurrentIndex(max(self.area.findData(values.get("area_id") or ""), 0))
        self.kind.setCurrentIndex(max(self.kind.findData(values.get("kind") or ""), 0))
        for field in TEXT_FIELDS:
            getattr(self, field).setText(values.get(field) or "")
        self.notes.setPlainText(values.get("notes") or "")

    def _check_field(self, field: str) -> None:
        values = self.values()

        def check() -> None:
            # clean_place checks every field: only this one's message is taken (EditorDialog.check)
            clean_place({"name": values["name"] or "-", "kind": values["kind"] or load_kinds().codes()[0],
                         field: values[field]})  # fmt: skip

        self.check(field, check)

    def save_record(self, store, values: dict[str, Any]):
        if not values["area_id"]:
            raise ValidationError("area_id", "请选择场所所在的网格", "Choose the grid the place is in", code="required")
        if self.place is None:
            return place_service.register_place(store, {k: v for k, v in values.items() if v})
        fields = {k: (v or None) for k, v in values.items() if v != self._baseline.get(k)}
        return place_service.update_place(store, self.place.id, fields)


def draft_key(place_id: str | None) -> str:
    return f"place:{place_id}" if place_id else "place:new"


def place_values(place, area_id: str | None = None) -> dict[str, Any]:
    if place is None:
        return {field: "" for field in FIELDS} | {"area_id": area_id or ""}
    return {field: getattr(place, field) or "" for field in FIELDS}


def load_for_editor(store, place_id: str | None):
    """Off the GUI thread: the place (None for a new one), the areas it may be in, and any draft."""
    place = place_card(store, place_id).place if place_id else None
    return place, area_choices(store), drafts.load_draft(store, draft_key(place_id))


def open_place_editor(ctx: AppContext, parent: QWidget, *, place_id: str | None = None, area_id: str | None = None,
                      on_open=None, on_gone=None) -> None:  # fmt: skip
    """Open the editor once the place, the areas and the draft are read; `on_open(editor)` is told. A place deleted
    meanwhile (a sync) is said through `on_gone(text)`, in words."""

    if getattr(parent, "_place_editor_opening", False):
        return  # a second click while the first editor is being read: one editor, not two (two new places)
    parent._place_editor_opening = True

    async def load() -> None:
        try:
            place, areas, draft = await ctx.runner.call(load_for_editor, ctx.store, place_id, guard=parent)
        except NotFound as exc:
            if isValid(parent) and on_gone is not None:
                on_gone(error_text(exc, ctx.lang))
            return
        finally:
            if isValid(parent):
                parent._place_editor_opening = False
        grids = [a for a in areas if a.level in GRID_LEVELS]
        default = area_id if any(a.id == area_id for a in areas) else (grids[0].id if len(grids) == 1 else None)
        editor = PlaceEditor(ctx, place, areas, parent)
        editor.start(place_values(place, default), draft)
        editor.open()
        if on_open:
            on_open(editor)

    ctx.runner.start(load(), "open place editor")
