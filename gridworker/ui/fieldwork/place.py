"""Where a report is: the position (from the photo's EXIF, or typed), a household or building, a description, the grid.

`PlaceFields` is the "where" part of the snap-and-report form. The photo's
EXIF position fills the coordinates until the user types others (then the
photo's GPS is not kept: report_incident would otherwise prefer it). The
nearest building of the register is suggested as the place and sets the
grid; a household is found with the register search (`HouseholdDialog`).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...services.queries import places as place_queries
from ...services.queries import register as register_queries
from ..models.column import Column
from ..models.rows import RowsModel
from ..tasks import async_slot
from .text import esc
from .forms import add_field_row, fill_area_combo
from ..style import MUTED
from ..tables import make_table


class PlaceFields(QGroupBox):
    edited = Signal()  # anything the user changed (for the draft)
    position_changed = Signal()  # the coordinates changed (for the duplicates)

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setTitle(self.tr("Where"))
        self._exif: tuple[float, float] | None = None  # the first photo's position
        self._typed = False  # the user changed the coordinates by hand
        self.household = None  # HouseholdChoice
        self.building = None  # NearbyBuilding chosen as the place
        self.nearest_building = None
        self.errors: dict[str, QLabel] = {}
        self.household_dialog: HouseholdDialog | None = None
        self._own_area = None  # the grid the worker chose, given back when a household no longer lends its own

        self.lat, self.lon = QLineEdit(), QLineEdit()
        self.lat.setPlaceholderText(self.tr("latitude"))
        self.lon.setPlaceholderText(self.tr("longitude"))
        for edit in (self.lat, self.lon):
            edit.textEdited.connect(self._typed_by_hand)
        self.source = QLabel()
        self.source.setStyleSheet(f"color: {MUTED};")
        self.use_photo = QPushButton(self.tr("Use the photo's position"))
        self.use_photo.clicked.connect(self._use_photo_position)
        self.use_photo.hide()
        self.nearest = QLabel()
        self.nearest.setWordWrap(True)
        self.use_building = QPushButton(self.tr("Report it at this building"))
        self.use_building.clicked.connect(lambda: self.set_place(None, self.nearest_building))
        self.use_building.hide()
        self.place = QLabel()
        self.place.setWordWrap(True)
        choose = QPushButton(self.tr("Choose a household…"))
        choose.clicked.connect(self.open_household_dialog)
        self.clear_place = QPushButton(self.tr("Clear"))
        self.clear_place.clicked.connect(lambda: self.set_place(None, None))
        self.text = QLineEdit()
        self.text.setPlaceholderText(self.tr("e.g. north gate of the estate, by the bins"))
        self.text.textChanged.connect(lambda _t: self.edited.emit())
        self.area = QComboBox()
        self.area.currentIndexChanged.connect(lambda _i: self.edited.emit())
        self.area.activated.connect(lambda _i: setattr(self, "_own_area", self.area.currentData()))

        position = QHBoxLayout()
        position.addWidget(self.lat)
        position.addWidget(self.lon)
        position.addWidget(self.use_photo)
        # The place on its own line, the buttons under it: a narrow form never wraps it one character a line.
        place_row = QVBoxLayout()
        place_row.addWidget(self.place)
        place_buttons = QHBoxLayout()
        place_buttons.addWidget(choose)
        place_buttons.addWidget(self.clear_place)
        place_buttons.addStretch(1)
        place_row.addLayout(place_buttons)
        form = QFormLayout(self)
        form.setLabelAlignment(Qt.AlignRight)
        self._row(form, self.tr("Position"), [position, self.source], "lat", self.lat)
        self.errors["lon"] = self.errors["lat"]
        self._row(
            form, self.tr("Nearest building"), [self.nearest, self.use_building], "building_id", self.use_building
        )
        self._row(form, self.tr("Household"), [place_row], "household_id", choose)
        self._row(form, self.tr("Place described"), [self.text], "location_text", self.text)
        self._row(form, self.tr("Grid"), [self.area], "area_id", self.area)

        self._lookup = QTimer(self, singleShot=True, interval=400)
        self._lookup.timeout.connect(self._look_around)
        self.set_place(None, None, quiet=True)
        self._show_source()
        self._load_areas()

    def _row(self, form: QFormLayout, label: str, parts: list, field: str, buddy: QWidget) -> None:
        add_field_row(form, label, parts, buddy, self.errors, field, spacing=2)

    @async_slot()
    async def _load_areas(self) -> None:
        self._fill_areas(await self.ctx.runner.call(place_queries.area_choices, self.ctx.store, guard=self))

    def _fill_areas(self, areas) -> None:
        fill_area_combo(self.area, areas, "grid")

    # -- the position --------------------------------------------------------------------------
    def set_photo_position(self, where: tuple[float, float] | None) -> None:
        """The first photo's EXIF position: it fills the fields unless the user has typed one."""
        self._exif = where
        self._from_photo()

    def _from_photo(self) -> None:
        if not self._typed:
            self.lat.setText(f"{self._exif[0]:.6f}" if self._exif else "")
            self.lon.setText(f"{self._exif[1]:.6f}" if self._exif else "")
        self._show_source()
        self._lookup.start()

    def _typed_by_hand(self) -> None:
        self._typed = True
        self._show_source()
        self._lookup.start()
        self.edited.emit()

    def _use_photo_position(self) -> None:
        self._typed = False
        self._from_photo()
        self.edited.emit()

    def _show_source(self) -> None:
        if self._typed and (self.lat.text().strip() or self.lon.text().strip()):
            typed_over_photo = self.tr("Typed by hand (the photo's GPS will not be kept)")
            self.source.setText(typed_over_photo if self._exif else self.tr("Typed by hand"))
        elif self._exif:
            self.source.setText(self.tr("From the photo's EXIF"))
        else:
            self.source.setText(self.tr("No position yet"))
        self.use_photo.setVisible(bool(self._exif) and self._typed)

    def position(self) -> tuple[float, float] | None:
        try:
            lat, lon = float(self.lat.text()), float(self.lon.text())
        except ValueError:
            return None
        return (lat, lon) if -90 <= lat <= 90 and -180 <= lon <= 180 else None

    def keep_photo_position(self) -> bool:
        """False when the user typed a position other than the photo's: the photo's GPS must not win."""
        return not (self._typed and self._exif and self.position() != self._exif)

    @async_slot()
    async def _look_around(self) -> None:
        self.position_changed.emit()
        where = self.position()
        if where is None:
            self.nearest_building = None
            self.nearest.setText("")
            self.use_building.hide()
            return
        nearest = await self.ctx.runner.call(place_queries.nearest_building, self.ctx.store, *where, guard=self)
        if where == self.position():  # else the position changed while it was looked up: its own lookup answers
            self._show_nearest(nearest)

    def _show_nearest(self, nearest) -> None:
        self.nearest_building = nearest
        if nearest is None:
            self.nearest.setText(self.tr("No building of the register within 300 m"))
            self.use_building.hide()
            return
        self.nearest.setText(self.tr("{0}, {1:.0f} m away").format(nearest.label, nearest.distance_m))
        chosen = self.building is not None and self.building.building_id == nearest.building_id
        self.use_building.setVisible(self.household is None and not chosen)
        if self.household is None and self.building is None and nearest.area_id:
            index = self.area.findData(nearest.area_id)
            if index >= 0:
                self.area.setCurrentIndex(index)

    # -- household or building --------------------------------------------------------------------
    def open_household_dialog(self) -> None:
        self.household_dialog = HouseholdDialog(self.ctx, self)
        self.household_dialog.chosen.connect(lambda choice: self.set_place(choice, None))
        self.household_dialog.open()

    def set_place(self, household, building, *, quiet: bool = False) -> None:
        self.household, self.building = household, building
        if household is not None:
            self.place.setText(f"<b>{esc(household.address)}</b> · {esc(household.people)}")
        elif building is not None:
            self.place.setText(esc(self.tr("Building {0}").format(building.label)))
        else:
            self.place.setText(self.tr("No household or building chosen"))
        chosen = self.has_place()
        self.clear_place.setEnabled(chosen)
        # The household's or building's grid is the report's: shown, not chosen.
        was_chosen = self.area.isEnabled() is False
        if not was_chosen:
            self._own_area = self.area.currentData()
        own_area = household.area_id if household is not None else (building.area_id if building is not None else None)
        if not chosen:
            own_area = self._own_area
        if own_area and self.area.findData(own_area) >= 0:
            self.area.setCurrentIndex(self.area.findData(own_area))
        self.area.setEnabled(not chosen)
        self.use_building.setVisible(self.nearest_building is not None and not chosen)
        if not quiet:
            self.edited.emit()

    def has_place(self) -> bool:
        """A household or a building is chosen: it gives the report its place and grid."""
        return self.household is not None or self.building is not None

    # -- what the report is given ------------------------------------------------------------------
    def report_values(self) -> dict[str, Any]:
        where = self.position()
        household = self.household.household_id if self.household else None
        building = self.building.building_id if self.building and not household else None
        return {
            "lat": where[0] if where else (self.lat.text().strip() or None),
            "lon": where[1] if where else (self.lon.text().strip() or None),
            "location_text": self.text.text().strip() or None,
            "household_id": household,
            "building_id": building,
            "area_id": None if household or building else self.area.currentData(),
        }

    def draft_data(self) -> dict[str, Any]:
        return {
            "lat": self.lat.text(),
            "lon": self.lon.text(),
            "typed_position": self._typed,
            "location_text": self.text.text(),
            "household": vars(self.household) if self.household else None,
            "area_id": self.area.currentData(),
        }

    def restore(self, data: dict[str, Any]) -> None:
        self._typed = bool(data.get("typed_position"))
        self.lat.setText(data.get("lat") or "")
        self.lon.setText(data.get("lon") or "")
        self.text.setText(data.get("location_text") or "")
        household = data.get("household")
        self.set_place(register_queries.HouseholdChoice(**household) if household else None, None, quiet=True)
        index = self.area.findData(data.get("area_id"))
        if index >= 0:
            self.area.setCurrentIndex(index)
        self._show_source()
        self._lookup.start()

    def clear(self) -> None:
        self._typed = False
        self._exif = None
        self.lat.clear()
        self.lon.clear()
        self.text.clear()
        self.set_place(None, None, quiet=True)
        self._show_source()
        self._lookup.start()


class HouseholdDialog(QDialog):
    """Find a household by a resident's name, pinyin initials, phone or the address (the register search)."""

    chosen = Signal(object)  # HouseholdChoice

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("Choose the household"))
        self.resize(560, 460)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Name, pinyin initials, phone or address"))
        self.search.setClearButtonEnabled(True)
        self.model = RowsModel(
            [Column(self.tr("Address"), lambda h: h.address), Column(self.tr("Residents"), lambda h: h.people)], self
        )
        self.table = make_table(self.model)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.take())
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.accepted.connect(self.take)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)
        self._timer = QTimer(self, singleShot=True, interval=200)
        self._timer.timeout.connect(self._find)
        self.search.textChanged.connect(self._timer.start)

    @async_slot()
    async def _find(self) -> None:
        text = self.search.text()
        self._found(text, await self.ctx.runner.call(register_queries.find_households, self.ctx.store, text, guard=self))

    def _found(self, text: str, found) -> None:
        if text == self.search.text():
            self.model.set_rows(found)
            if found:
                self.table.selectRow(0)

    def take(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.chosen.emit(self.model.row(rows[0].row()))
            self.accept()
