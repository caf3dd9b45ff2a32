"""The places page (场所): the register of places and their safety inspections.

A search box (name, pinyin initials, address, person in charge, licence,
phone digits), a kind and a grid filter over the list of places; beside it
the chosen place's card (places/card.py) with its hazards and inspections.
From the card: edit the place (places/editor.py), inspect it, re-inspect
its open hazards (places/dialogs.py), print the rectification notice of its
last inspection that failed an item, escalate a serious hazard into an
incident in one step. Every read and write goes through the services
(services.places, services.queries.places_register); the lists refresh
themselves when the services announce a change.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from ...domain.enums import AreaLevel, Role
from ...domain.errors import NotFound
from ...domain.places.checklists import ChecklistTable, load_checklists
from ...domain.places.kinds import load_kinds
from ...services import places as place_service
from ...services import tables
from ...services.queries import hazards as hazard_queries
from ...services.queries import places_register
from ...services.queries.places import area_choices
from ..fieldwork.text import error_text, local_time
from ..models.column import Column
from ..models.rows import RowsModel
from ..places.card import PlaceCardView, hazard_state
from ..places.dialogs import InspectDialog, RecheckDialog
from ..places.editor import open_place_editor
from ..places.excel import PlacesExcel
from ..places.notice import write_notice
from ..places.records import aware, hazard_of, inspection_of, place_of
from ..register.excel_export import documents_folder, safe_file_name
from ..style import ERROR, ERROR_STYLE, MUTED, OK_STYLE
from ..tables import make_table
from ..tasks import async_slot

SEARCH_DELAY_MS = 200
WATCHED = {"place", "inspection", "hazard", "hazard_event", "area", "checklist"}
EDITORS = {Role.admin.value, Role.dispatcher.value, Role.worker.value}


class PlacesPage(QWidget):
    page_id = "places"

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.editor = None  # the editor or dialog open now (tests and screenshots look at it)
        self.dialog: InspectDialog | RecheckDialog | None = None
        self.confirm: QMessageBox | None = None  # the question before escalating
        self.checklists: ChecklistTable = load_checklists()
        self._stale = True
        self._current_id: str | None = None
        self.read_only = ctx.actor.role not in EDITORS

        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search: name, pinyin initials, address, person in charge, phone…"))
        self.search.setClearButtonEnabled(True)
        self.kind = QComboBox()
        self.kind.addItem(self.tr("All kinds"), "")
        for k in load_kinds():
            self.kind.addItem(k.label(ctx.lang), k.code)
        self.grid = QComboBox()
        self.grid.addItem(self.tr("All my grids"), "")
        for combo in (self.kind, self.grid):  # long kind names do not take the search box's room (1024×600)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
        self.new_button = QPushButton(self.tr("New place…"))
        self.new_button.clicked.connect(self.new_place)
        self.new_button.setEnabled(not self.read_only)
        self.excel = PlacesExcel(ctx, self)
        self.excel.message.connect(self._say)
        self.excel_button = QToolButton()
        self.excel_button.setText(self.tr("Excel"))
        self.excel_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.excel_button)
        self.import_action = menu.addAction(self.tr("Import places…"), self.excel.ask_import)
        self.import_action.setEnabled(not self.read_only)
        menu.addAction(self.tr("Export places…"),
                       lambda: self.excel.ask_export(self.grid.currentData() or None, self.grid.currentText()))
        self.excel_button.setMenu(menu)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.kind)
        top.addWidget(self.grid)
        top.addWidget(self.new_button)
        top.addWidget(self.excel_button)

        self.model = RowsModel(self._columns())
        self.table = make_table(self.model, word_wrap=False)  # "Small restau…", not "Small …" (English, 1024×600)
        digit = self.table.fontMetrics().horizontalAdvance("0")
        for i, column in enumerate(self.model.columns):  # widths in digits (a Chinese character is two); tooltips: all
            self.table.setColumnWidth(i, column.width * digit + 12)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(self._row_chosen)
        self.count = QLabel()
        self.count.setStyleSheet(f"color: {MUTED};")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.hide()
        self.card = PlaceCardView(ctx.lang, photos_dir=ctx.photos_dir, ctx=ctx)
        self.card.hazard_chosen.connect(self._show_hazard_photos)
        self.card.read_only = self.read_only
        self.card.edit.connect(self.edit_place)
        self.card.inspect.connect(self.inspect_place)
        self.card.recheck.connect(self.recheck_place)
        self.card.notice.connect(self.ask_notice_path)
        self.card.escalate.connect(self.escalate)
        self.card.delete.connect(self.ask_delete)
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.table, 1)
        column.addWidget(self.count)
        self.splitter = QSplitter()
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.card)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.card.setMinimumWidth(360)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.splitter, 1)

        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.reload)
        self.search.textChanged.connect(self._search_timer.start)
        self.kind.currentIndexChanged.connect(self.reload)
        self.grid.currentIndexChanged.connect(self.reload)
        ctx.data_changed.connect(self._data_changed)
        self._load_grids()

    def title(self) -> str:
        return self.tr("Places")

    def _columns(self) -> list[Column]:
        kinds = load_kinds()
        lang = self.ctx.lang

        def hazards(r) -> str:
            if not r.open_hazards:
                return ""
            if r.overdue_hazards:
                return self.tr("{0} open, {1} overdue").format(r.open_hazards, r.overdue_hazards)
            return self.tr("{0} open").format(r.open_hazards)

        return [
            Column(self.tr("Place"), lambda r: r.name, 14),
            Column(self.tr("Kind"), lambda r: kinds[r.kind].label(lang) if r.kind in kinds else "", 10),
            Column(self.tr("Address"), lambda r: r.address or "", 14),
            Column(self.tr("Person in charge"), lambda r: r.person_in_charge or "", 8),
            Column(self.tr("Last inspected"), lambda r: local_time(aware(r.last_inspected), year=True)
                   if r.last_inspected else self.tr("never"), 14),  # fmt: skip
            Column(self.tr("Hazards"), hazards, 10, colour=lambda r: QColor(ERROR) if r.overdue_hazards else None),
        ]

    # -- loading ----------------------------------------------------------------------------------
    def on_shown(self) -> None:
        if self._stale:
            self.reload()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.on_shown()

    @async_slot()
    async def _load_grids(self) -> None:
        areas, checklists = await self.ctx.runner.call(
            lambda: (area_choices(self.ctx.store), tables.checklists_of(self.ctx.store)), guard=self)
        self.checklists = checklists
        keep = self.grid.currentData()
        self.grid.blockSignals(True)
        while self.grid.count() > 1:  # "All my grids" stays; the grids are read again (areas arrive by sync)
            self.grid.removeItem(1)
        for a in areas:
            if a.level in (AreaLevel.grid.value, AreaLevel.microgrid.value, AreaLevel.community.value):
                self.grid.addItem(a.name, a.id)
        self.grid.setCurrentIndex(max(self.grid.findData(keep), 0))
        self.grid.blockSignals(False)

    def reload(self) -> None:
        self._stale = False
        self._load()

    @async_slot()
    async def _load(self) -> None:
        text = self.search.text().strip()
        kind = self.kind.currentData() or None
        grid = self.grid.currentData()
        rows = await self.ctx.runner.call(places_register.list_places, self.ctx.store, area_ids=[grid] if grid else None,
                                          kind=kind, text=text or None, guard=self)  # fmt: skip
        self.model.set_rows(rows)
        self.count.setText(self.tr("1 place") if len(rows) == 1 else self.tr("{0} places").format(len(rows)))
        index = next((i for i, r in enumerate(rows) if r.id == self._current_id), 0 if rows else -1)
        if index >= 0:
            self.table.selectRow(index)
            self._show_card(rows[index].id)
        else:
            self._current_id = None
            self.card.show_card(None)

    def _row_chosen(self, current, _previous) -> None:
        if current.isValid():
            row = self.model.row(current.row())
            if row.id != self._current_id or self.card.card is None:
                self._show_card(row.id)

    def _show_card(self, place_id: str) -> None:
        if place_id != self._current_id and self._current_id is not None:
            self._say("")  # what was said (a refusal, a notice saved) was about the place shown before
        self._current_id = place_id
        self._load_card(place_id)

    @async_slot()
    async def _load_card(self, place_id: str) -> None:
        try:
            card = await self.ctx.runner.call(places_register.place_card, self.ctx.store, place_id, guard=self)
        except NotFound as exc:  # deleted meanwhile (a sync): said above the list, if it is still the place wanted
            if isValid(self) and place_id == self._current_id:
                self._current_id = None
                self.card.show_card(None)
                self._say(error_text(exc, self.ctx.lang), ok=False)
            return
        if place_id == self._current_id:
            self.card.show_card(card)

    @async_slot()
    async def _show_hazard_photos(self, hazard) -> None:
        photos = await self.ctx.runner.call(hazard_queries.hazard_photos, self.ctx.store,
                                            hazard.photo_ids if hazard else (), guard=self)  # fmt: skip
        if hazard is self.card.current_hazard():
            self.card.photos.set_photos(photos)

    def _data_changed(self, changes) -> None:
        if not WATCHED & set(changes.ids):
            return
        if {"area", "checklist"} & set(changes.ids):
            self._load_grids()  # the grid filter and the checklists, keeping the grid chosen
        if self.isVisible():
            self._search_timer.start()
        else:
            self._stale = True

    def select_place(self, place_id: str) -> None:
        """Show this place's card (and its row, if the list holds it)."""
        self._current_id = place_id
        for i, r in enumerate(self.model.rows()):
            if r.id == place_id:
                self.table.selectRow(i)
        self._show_card(place_id)

    # -- actions ----------------------------------------------------------------------------------
    def _say(self, text: str, ok: bool = True) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
        self.message.setVisible(bool(text))

    def new_place(self) -> None:
        open_place_editor(self.ctx, self, area_id=self.grid.currentData() or None, on_open=self._editor_opened)

    def edit_place(self) -> None:
        if self.card.card is not None:
            open_place_editor(self.ctx, self, place_id=self.card.card.place.id, on_open=self._editor_opened,
                              on_gone=lambda text: self._say(text, ok=False))

    def _editor_opened(self, editor) -> None:
        self.editor = editor
        editor.saved.connect(lambda place: self.select_place(place.id))

    def inspect_place(self) -> None:
        if self.card.card is None:
            return
        self.dialog = InspectDialog(self.ctx, self.card.card.place, self.checklists, self)
        self.dialog.saved.connect(lambda _r: self._show_card(self._current_id))
        self.dialog.open()

    def recheck_place(self) -> None:
        card = self.card.card
        if card is None:
            return
        hazards = [(hazard_of(h), hazard_state(h)) for h in self.card.open_hazards()]
        self.dialog = RecheckDialog(self.ctx, card.place, hazards, self.checklists, self)
        self.dialog.saved.connect(lambda _r: self._show_card(self._current_id))
        self.dialog.open()

    # -- the rectification notice ---------------------------------------------------------------------
    def ask_notice_path(self) -> None:
        card = self.card.card
        if card is None:
            return
        title = self.tr("Rectification notice")
        name = safe_file_name(f"{title}_{card.place.name}") + ".pdf"
        chosen, _ = QFileDialog.getSaveFileName(self, self.tr("Save the rectification notice"),
                                                str(documents_folder() / name), "PDF (*.pdf)")  # fmt: skip
        if chosen:
            self.save_notice(Path(chosen) if chosen.lower().endswith(".pdf") else Path(chosen + ".pdf"))

    def save_notice(self, path: Path) -> Path | None:
        """The notice of the place's last inspection that failed an item, written to `path`."""
        card = self.card.card
        inspection = self.card.notice_inspection() if card else None
        if inspection is None:
            return None
        hazards = [hazard_of(h, inspection.id) for h in self.card.notice_hazards(inspection)]
        try:
            write_notice(path, place_of(card.place), inspection_of(inspection), hazards, self.checklists,
                         inspector=self.ctx.actor.display_name, lang=self.ctx.lang)  # fmt: skip
        except OSError as exc:
            self._say(self.tr("The notice was not saved: {0}").format(error_text(exc, self.ctx.lang)), ok=False)
            return None
        self._say(self.tr("The rectification notice was saved: {0}").format(path))
        return path

    # -- deleting ----------------------------------------------------------------------------------
    def ask_delete(self) -> None:
        card = self.card.card
        if card is None:
            return
        self.confirm = box = QMessageBox(
            QMessageBox.Icon.Question, self.tr("Delete the place"),
            self.tr("Delete “{0}” from the places' register? Its inspections stay on record; the place is deleted "
                    "on the server at the next sync.").format(card.place.name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self,
        )  # fmt: skip
        yes = box.button(QMessageBox.StandardButton.Yes)
        yes.setText(self.tr("Delete"))
        place_id = card.place.id
        box.finished.connect(lambda _result: self._delete_confirmed(place_id, box.clickedButton() is yes))
        box.open()

    def _delete_confirmed(self, place_id: str, yes: bool) -> None:
        self.confirm = None
        if yes:
            self.delete_now(place_id)
        else:
            self.card._update_buttons()

    @async_slot()
    async def delete_now(self, place_id: str) -> None:
        try:
            place = await self.ctx.runner.call(place_service.delete_place, self.ctx.store, place_id,
                                               actor_role=self.ctx.actor.role, guard=self)  # fmt: skip
        except Exception as exc:  # noqa: BLE001 - said in words above the list (error_text)
            self._say(self.tr("Not deleted: {0}").format(error_text(exc, self.ctx.lang)), ok=False)
            self.card._update_buttons()
            return
        if self._current_id == place_id:
            self._current_id = None  # the list reloads (data changed) and shows the first place left
        self._say(self.tr("“{0}” was deleted.").format(place.name))

    # -- escalation ---------------------------------------------------------------------------------
    def escalate(self, hazard_id: str) -> None:
        card = self.card.card
        hazard = next((h for h in (card.hazards if card else []) if h.id == hazard_id), None)
        if hazard is None:
            return
        item = self.checklists.get(hazard.item_code)
        self.confirm = box = QMessageBox(
            QMessageBox.Icon.Question, self.tr("Escalate into an incident"),
            self.tr("Report “{0}” at {1} as an incident? It goes on the incident board and follows the incident's "
                    "closed loop; the hazard is marked escalated.").format(
                item.hazard_label(self.ctx.lang) if item else "", card.place.name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self,
        )  # fmt: skip
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("Escalate"))
        yes = box.button(QMessageBox.StandardButton.Yes)
        box.finished.connect(lambda _result: self._confirmed(hazard_id, box.clickedButton() is yes))
        box.open()

    def _confirmed(self, hazard_id: str, yes: bool) -> None:
        self.confirm = None
        if yes:
            self.escalate_now(hazard_id)
        else:
            self.card._update_buttons()

    @async_slot()
    async def escalate_now(self, hazard_id: str) -> None:
        actor = self.ctx.actor
        try:
            await self.ctx.runner.call(place_service.escalate_hazard, self.ctx.store, hazard_id, actor_id=actor.id,
                                       actor_role=actor.role, lang=self.ctx.lang, guard=self)  # fmt: skip
        except Exception as exc:  # noqa: BLE001 - said in words above the list (error_text)
            self._say(self.tr("Not escalated: {0}").format(error_text(exc, self.ctx.lang)), ok=False)
            self.card._update_buttons()
            return
        self._say(self.tr("The hazard is now an incident on the incident board."))
        self._show_card(self._current_id)
