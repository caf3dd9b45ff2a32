"""The three register lists in tabs (people, households, buildings), each a paged model in a table view.

The lists follow the scope chosen in the area tree; the people list shows
the search results instead while the search box holds a query. A reload
(after an edit) keeps the selected record selected.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal, Slot
from PySide6.QtWidgets import QHeaderView, QTableView, QTabWidget, QWidget

from ...services.queries import register as register_queries
from ...services.search import find_people
from ...services.queries.register import Scope
from ..context import AppContext
from ..models.paged import PagedModel
from ..models.register_tables import BuildingsModel, HouseholdsModel, PeopleModel
from ..tables import make_table

SEARCH_LIMIT = 500
PEOPLE, HOUSEHOLDS, BUILDINGS = "person", "household", "building"


def people_in_scope(store, scope: Scope, include_inactive: bool) -> list[str]:
    return register_queries.person_ids(store, scope, include_inactive=include_inactive)


def natural_key(text: str) -> list[tuple[int, int | str]]:
    """Text with its numbers compared as numbers: 2单元 before 10单元, 302室 before 1201室."""
    return [(0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", text or "") if part]


def search_ids(store, query: str, include_inactive: bool) -> list[str]:
    """The ids of the people the search box finds, best first; people found by their address (a building's
    name) in walking order: building, unit, floor, room."""
    hits = find_people(store, query, limit=SEARCH_LIMIT, include_inactive=include_inactive)
    hits = sorted(hits, key=lambda h: (h.rank, h.status != "active", natural_key(h.address) if h.match == "address" else []))
    return [hit.person_id for hit in hits]


def table_for(model: PagedModel) -> QTableView:
    view = make_table(model, multi=True, word_wrap=False, alternate=True)
    view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
    # Fixed row heights and column widths: nothing ever measures 50,000 rows.
    rows = view.verticalHeader()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(view.fontMetrics().height() + 10)
    columns = view.horizontalHeader()
    columns.setHighlightSections(False)
    columns.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    digit = view.fontMetrics().horizontalAdvance("0")
    for i, column in enumerate(model.columns):
        view.setColumnWidth(i, column.width * digit + 14)
    columns.setStretchLastSection(True)
    return view


class RegisterLists(QTabWidget):
    current_household = Signal(object)  # household id or None: what the household view should show
    activated = Signal(str, str)  # kind, record id: open its editor
    selection_changed = Signal()
    counts_changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.people = PeopleModel(ctx, self)
        self.households = HouseholdsModel(ctx, self)
        self.buildings = BuildingsModel(ctx, self)
        self.models = {PEOPLE: self.people, HOUSEHOLDS: self.households, BUILDINGS: self.buildings}
        self.views: dict[str, QTableView] = {}
        # The record current, those selected and the current row, by kind: a current record gone (deleted, moved
        # out of the list) gives its place to the one that follows, not to the top of the list.
        self._keep: dict[str, tuple[str | None, list[str], int]] = {}
        self._announced: tuple | None = None
        for kind, model in self.models.items():
            view = table_for(model)
            self.views[kind] = view
            self.addTab(view, "")
            view.selectionModel().currentRowChanged.connect(lambda cur, _prev, kind=kind: self._current_changed(kind, cur))
            view.selectionModel().selectionChanged.connect(lambda *_: self.selection_changed.emit())
            # activated covers a double-click and Enter (connecting doubleClicked too opened two editors)
            view.activated.connect(lambda index, kind=kind: self._activate(kind, index.row()))
            model.loaded.connect(lambda kind=kind: self._loaded(kind))
            # A row's page may arrive after it became current: tell the household view then.
            model.dataChanged.connect(lambda *_a, kind=kind: self._page_arrived(kind))
        self.currentChanged.connect(lambda _i: self._tab_changed())
        self._update_titles()

    # -- loading ----------------------------------------------------------------------------------
    def load(self, scope: Scope, query: str, include_inactive: bool) -> None:
        for kind in self.models:
            self._remember(kind, in_place=False)  # another list: its top row, unless the current record is in it
        if query:
            self.people.load(search_ids, query, include_inactive)
        else:
            self.people.load(people_in_scope, scope, include_inactive)
        self.households.load(register_queries.household_ids, scope)
        self.buildings.load(register_queries.building_ids, scope)

    def reload(self) -> None:
        for kind, model in self.models.items():
            self._remember(kind)
            model.reload()

    def _remember(self, kind: str, *, in_place: bool = True) -> None:
        chosen = [self.models[kind].id_at(row) for row in self.selected_rows(kind)]
        current = self.views[kind].selectionModel().currentIndex()
        self._keep[kind] = (self.current_id(kind), [record_id for record_id in chosen if record_id], current.row() if in_place else -1)

    def _loaded(self, kind: str) -> None:
        """Select again the record that was current, else the one now in its row (or the last), else the first
        one (its household shows at once), and the others that were selected with it (several people chosen to
        merge or move out: a sync keeps them)."""
        model = self.models[kind]
        keep, chosen, was_row = self._keep.pop(kind, (None, [], -1))
        row = model.row_of(keep) if keep else -1
        if row < 0 and model.rowCount():
            row = min(max(was_row, 0), model.rowCount() - 1)
        if row >= 0:
            self.select_row(kind, row)
            self.views[kind].scrollTo(model.index(row, 0))
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for other in (model.row_of(record_id) for record_id in chosen if record_id != keep):
            if other >= 0:
                self.views[kind].selectionModel().select(model.index(other, 0), flags)
        self._announce()
        self._update_titles()
        self.counts_changed.emit()

    def _update_titles(self) -> None:
        titles = {
            PEOPLE: self.tr("People ({0})"),
            HOUSEHOLDS: self.tr("Households ({0})"),
            BUILDINGS: self.tr("Buildings ({0})"),
        }
        for i, (kind, model) in enumerate(self.models.items()):
            self.setTabText(i, titles[kind].format(f"{model.rowCount():,}"))

    # -- selection ----------------------------------------------------------------------------------
    def current_kind(self) -> str:
        return list(self.models)[self.currentIndex()]

    def current_id(self, kind: str) -> str | None:
        index = self.views[kind].selectionModel().currentIndex()
        return self.models[kind].id_at(index.row()) if index.isValid() else None

    def selected_rows(self, kind: str) -> list[int]:
        return sorted({i.row() for i in self.views[kind].selectionModel().selectedRows()})

    def selected_records(self, kind: str) -> list:
        return [r for r in (self.models[kind].row_at(row) for row in self.selected_rows(kind)) if r is not None]

    def select_row(self, kind: str, row: int) -> None:
        view = self.views[kind]
        index = self.models[kind].index(row, 0)
        view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )

    def household_of_current(self) -> str | None:
        kind = self.current_kind()
        if kind == HOUSEHOLDS:
            return self.current_id(HOUSEHOLDS)
        if kind == PEOPLE:
            index = self.views[PEOPLE].selectionModel().currentIndex()
            person = self.people.row_at(index.row()) if index.isValid() else None
            return person.household_id if person else None
        return None

    def _announce(self) -> None:
        """Tell which household the current record is in, once per change (a page arriving may tell it late)."""
        kind = self.current_kind()
        if kind == BUILDINGS:
            return
        now = (kind, self.current_id(kind), self.household_of_current())
        if now != self._announced:
            self._announced = now
            self.current_household.emit(now[2])

    def _current_changed(self, kind: str, _current: QModelIndex) -> None:
        if kind == self.current_kind():
            self._announce()

    def _page_arrived(self, kind: str) -> None:
        if kind == self.current_kind():
            self._announce()

    def _tab_changed(self) -> None:
        self._announce()
        self.selection_changed.emit()

    @Slot()
    def _activate(self, kind: str, row: int) -> None:
        record_id = self.models[kind].id_at(row)
        if record_id:
            self.activated.emit(kind, record_id)

