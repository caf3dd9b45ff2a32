"""The building editor: register a building in a grid, or correct one (its grid, name, address, size, location).

Built like the household and person editors (register.form.EditorDialog):
each field is checked with the core's rules when it is left, a refusal is
shown under the field it names, what is typed is kept as a draft. Moving a
building to another grid takes its households and people with it (the
service does that).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QPlainTextEdit, QWidget

from ...domain.enums import AreaLevel
from ...domain.errors import ValidationError
from ...domain.models import Building
from ...domain.register import clean_building
from ...services import drafts, register
from ...services.queries import register as register_queries
from ...services.queries.places import AreaChoice, area_choices
from ..context import AppContext
from .form import EditorDialog, read_for_editor

TEXT_FIELDS = ("estate", "name", "address", "units", "floors", "lat", "lon")
FIELDS = ("area_id", *TEXT_FIELDS, "notes")
GRID_LEVELS = (AreaLevel.grid.value, AreaLevel.microgrid.value)
PLACE_LEVELS = (AreaLevel.community.value, *GRID_LEVELS)


class BuildingEditor(EditorDialog):
    def __init__(self, ctx: AppContext, building: Building | None, areas: list[AreaChoice], parent: QWidget | None = None):
        super().__init__(ctx, draft_key(building.id if building else None), parent)
        self.building = building
        self.setWindowTitle(self.tr("Edit building {0}").format(building.name) if building else self.tr("New building"))

        self.area = QComboBox()
        self.area.addItem("", "")
        # Buildings are in a community, a grid or a micro-grid: those are listed, indented under each other.
        places = [a for a in areas if a.level in PLACE_LEVELS or (building and a.id == building.area_id)]
        top = min((a.depth for a in places), default=0)
        for a in places:
            self.area.addItem("\u3000" * (a.depth - top) + a.name, a.id)
        self.estate = QLineEdit()
        self.estate.setPlaceholderText(self.tr("e.g. 翡翠家园; empty for a street"))
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("e.g. 3幢"))
        self.address = QLineEdit()
        self.address.setPlaceholderText(self.tr("street and number"))
        self.units = QLineEdit()
        self.floors = QLineEdit()
        self.lat = QLineEdit()
        self.lat.setPlaceholderText("30.2741")
        self.lon = QLineEdit()
        self.lon.setPlaceholderText("120.1551")
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)  # Tab leaves the field, as in every other field
        self.notes.setFixedHeight(64)

        form = QFormLayout()
        self.add_row(form, "area_id", self.tr("&Grid:"), self.area)
        self.add_row(form, "estate", self.tr("&Estate:"), self.estate)
        self.add_row(form, "name", self.tr("&Building:"), self.name)
        self.add_row(form, "address", self.tr("&Address:"), self.address)
        self.add_row(form, "units", self.tr("&Units:"), self.units)
        self.add_row(form, "floors", self.tr("&Floors:"), self.floors)
        self.add_row(form, "lat", self.tr("&Latitude:"), self.lat)
        self.add_row(form, "lon", self.tr("L&ongitude:"), self.lon)
        self.add_row(form, "notes", self.tr("N&otes:"), self.notes)
        for small in (self.units, self.floors, self.lat, self.lon):
            small.setMaximumWidth(160)
        self.body.addLayout(form)
        self.setMinimumWidth(500)
        for field in TEXT_FIELDS:
            getattr(self, field).editingFinished.connect(lambda field=field: self._check_field(field))

    def values(self) -> dict[str, Any]:
        return {"area_id": self.area.currentData() or ""} | {
            field: getattr(self, field).text().strip() for field in TEXT_FIELDS
        } | {"notes": self.notes.toPlainText().strip()}

    def set_values(self, values: dict[str, Any]) -> None:
        index = self.area.findData(values.get("area_id") or "")
        self.area.setCurrentIndex(max(index, 0))
        for field in TEXT_FIELDS:
            getattr(self, field).setText(values.get(field) or "")
        self.notes.setPlainText(values.get("notes") or "")

    def _check_field(self, field: str) -> None:
        self.check(field, lambda: clean_building({field: self.values()[field]}, partial=True))

    def save_record(self, store, values: dict[str, Any]) -> Building:
        if not values["area_id"]:
            raise ValidationError("area_id", "请选择楼栋所在的网格", "Choose the grid the building is in",
                                  code="required")  # fmt: skip
        if self.building is None:
            return register.register_building(store, {k: v for k, v in values.items() if v}, initiator="register")
        fields = {k: (v or None) for k, v in values.items() if v != self._baseline.get(k)}
        return register.update_building(store, self.building.id, fields, initiator="register")


def draft_key(building_id: str | None) -> str:
    return f"building:{building_id}" if building_id else "building:new"


def building_values(building: Building | None, area_id: str | None = None) -> dict[str, Any]:
    """A building as the form holds it (what a draft is compared with); a new one in `area_id`."""
    if building is None:
        return {field: "" for field in FIELDS} | {"area_id": area_id or ""}
    shown = {field: "" if getattr(building, field) is None else str(getattr(building, field)) for field in TEXT_FIELDS}
    return {"area_id": building.area_id or "", "notes": building.notes or ""} | shown


def load_for_editor(store, building_id: str | None) -> tuple[Building | None, list[AreaChoice], Any]:
    """Off the GUI thread: the building (None for a new one), the areas to choose from, and any draft."""
    building = register_queries.get_building(store, building_id) if building_id else None
    return building, area_choices(store), drafts.load_draft(store, draft_key(building_id))


def grid_of(areas: list[AreaChoice], area_id: str | None) -> str | None:
    """The area a new building goes in: the one chosen in the tree if the picker offers it, else the only grid there
    is (or the one grid all the others lie in); None leaves the choice to the user among several."""
    places = [a for a in areas if a.level in PLACE_LEVELS]
    if area_id and any(a.id == area_id for a in places):
        return area_id  # (a place the picker does not offer would show blank, and read as an unsaved edit)
    grids = [a for a in places if a.level in GRID_LEVELS]
    if len(grids) == 1:
        return grids[0].id
    tops = [a for a in places if a.depth == min((p.depth for p in places), default=0)]
    return tops[0].id if len(tops) == 1 and tops[0].level == AreaLevel.grid.value else None


def open_building_editor(ctx: AppContext, parent: QWidget, *, building_id: str | None = None,
                         area_id: str | None = None, on_open=None, on_gone=None) -> None:  # fmt: skip
    """Open the editor once the record, the areas and the draft are read; `on_open(editor)` is told."""

    def show(result) -> None:
        building, areas, draft = result
        editor = BuildingEditor(ctx, building, areas, parent)
        editor.start(building_values(building, grid_of(areas, area_id)), draft)
        editor.open()
        if on_open:
            on_open(editor)

    async def load() -> None:
        result = await read_for_editor(ctx, parent, load_for_editor, ctx.store, building_id, on_gone=on_gone)
        if result is not None:
            show(result)

    ctx.runner.start(load(), "open building editor")
