"""Places on the visits page: the places due an inspection beside the households due a visit, and the places of
the chosen walk-round in the one walking order of its stops.

`DuePlacesPanel` lists services.queries.places_register.due_places (places
with an overdue hazard first, then the never inspected, then the most
overdue); the visits page plans one walk-round with the households and the
places chosen (services.place_walks.plan_mixed_walkround keeps them in
walking order). `WalkPlacesPanel` lists the place stops of a walk-round with
their position among all its stops (services.place_walks.walkround_stops),
whether each is inspected, and inspects the chosen one.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ...domain.enums import Role
from ...domain.places.kinds import load_kinds
from ...services import place_walks
from ...services.queries import places_register
from ..fieldwork.text import local_time
from ..models.column import Column
from ..models.rows import RowsModel
from ..style import ERROR, MUTED, OK, error_label
from ..tables import make_table, set_rows_keeping_selection
from ..tasks import async_slot
from .records import aware


def size_columns(table, model: RowsModel) -> None:
    """Columns as wide as their width in digits (a Chinese character is two), the last one taking the rest:
    a long kind of place in English does not squeeze the place's name away (the tooltip holds all of a cell)."""
    digit = table.fontMetrics().horizontalAdvance("0")
    for i, column in enumerate(model.columns):
        table.setColumnWidth(i, column.width * digit + 12)
    table.horizontalHeader().setStretchLastSection(True)


class DuePlacesPanel(QWidget):
    """The places due an inspection; several can be chosen for a walk-round."""

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.title = QLabel(self.tr("Places due for inspection"))
        self.title.setStyleSheet("font-weight: bold;")
        self.model = RowsModel(self._columns(), self)
        self.table = make_table(self.model, multi=True, word_wrap=False)  # long kinds cut at their end
        size_columns(self.table, self.model)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)

    def _columns(self) -> list[Column]:
        kinds, lang = load_kinds(), self.ctx.lang

        def why(d) -> str:
            if d.overdue_hazards:
                return (self.tr("1 hazard overdue") if d.overdue_hazards == 1
                        else self.tr("{0} hazards overdue").format(d.overdue_hazards))  # fmt: skip
            if d.days_overdue is None:
                return self.tr("never inspected")
            if d.days_overdue == 1:
                return self.tr("due 1 day ago")
            return self.tr("due {0} days ago").format(d.days_overdue) if d.days_overdue > 0 else self.tr("due today")

        return [
            Column(self.tr("Place"), lambda d: d.name, 12),
            Column(self.tr("Kind"), lambda d: kinds[d.kind].label(lang) if d.kind in kinds else "", 8),
            Column(self.tr("Address"), lambda d: d.address or "", 10),
            Column(self.tr("Why"), why, 10, colour=lambda d: QColor(ERROR) if d.overdue_hazards else None),
        ]

    @async_slot()
    async def load(self) -> None:
        rows = await self.ctx.runner.call(places_register.due_places, self.ctx.store, guard=self)
        set_rows_keeping_selection(self.table, rows, lambda d: d.place_id)  # the places chosen for a walk-round stay so
        while self.model.canFetchMore():
            self.model.fetchMore()
        self.title.setText(self.tr("Places due for inspection ({0})").format(len(rows)))

    def selected_ids(self) -> list[str]:
        return [self.model.row(i.row()).place_id for i in self.table.selectionModel().selectedRows()]

    def select_first(self, n: int) -> None:
        self.table.clearSelection()
        for i in range(min(n, self.model.rowCount())):
            self.table.selectionModel().select(
                self.model.index(i, 0), self.table.selectionModel().SelectionFlag.Select | self.table.selectionModel().SelectionFlag.Rows
            )


INSPECTORS = {Role.admin.value, Role.dispatcher.value, Role.worker.value}


class WalkPlacesPanel(QWidget):
    """The places of one walk-round, each with its place in the walking order of all the stops."""

    inspect = Signal(str)  # place id

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.walk_id: str | None = None
        self._shown_walk: str | None = None  # the walk-round whose places the table holds
        self.title = QLabel()
        self.title.setStyleSheet("font-weight: bold;")
        self.model = RowsModel(self._columns(), self)
        self.table = make_table(self.model)
        self.table.setMaximumHeight(150)
        size_columns(self.table, self.model)
        self.inspect_button = QPushButton(self.tr("Inspect…"))
        self.inspect_button.clicked.connect(self._inspect)
        self.inspect_button.setEnabled(ctx.actor.role in INSPECTORS)  # a handler reads places, as on the places page
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.inspect_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table)
        self.error = error_label()  # why the place chosen could not be inspected (deleted meanwhile)
        layout.addWidget(self.error)
        self.hide()

    def _columns(self) -> list[Column]:
        return [
            Column(self.tr("Stop"), lambda r: self.tr("{0} of {1}").format(r[0], r[1]), 6),
            Column(self.tr("Place"), lambda r: r[2].name or "", 14),
            Column(self.tr("Address"), lambda r: r[2].address or "", 12),
            Column(self.tr("Inspected"), lambda r: local_time(aware(r[2].when)) if r[2].done else self.tr("not yet"), 8,
                   colour=lambda r: QColor(OK) if r[2].done else QColor(MUTED)),  # fmt: skip
        ]

    def show_walk(self, walk_id: str | None) -> None:
        if walk_id != self.walk_id:
            self.say("")  # it was about a place of the walk-round shown before
        self.walk_id = walk_id
        if not walk_id:
            self.model.set_rows([])
            self.hide()
            return
        self._load(walk_id)

    @async_slot()
    async def _load(self, walk_id: str) -> None:
        stops = await self.ctx.runner.call(place_walks.walkround_stops, self.ctx.store, walk_id, guard=self)
        if walk_id != self.walk_id:
            return
        rows = [(n, len(stops), s) for n, s in enumerate(stops, start=1) if s.kind == "place"]
        chosen = self.table.currentIndex()
        before = self.model.row(chosen.row())[2] if chosen.isValid() and walk_id == self._shown_walk else None
        self._shown_walk = walk_id
        self.model.set_rows(rows)
        done = sum(1 for r in rows if r[2].done)
        self.title.setText(self.tr("Places on this walk-round: {0} of {1} inspected").format(done, len(rows)))
        self.setVisible(bool(rows))
        if rows:
            self.table.selectRow(self._to_choose(rows, before))

    @staticmethod
    def _to_choose(rows, before) -> int:
        """The place chosen stays chosen when the walk-round is read again (a sync), unless it was just inspected:
        then, as at first, the next place not yet inspected."""
        kept = next((i for i, r in enumerate(rows) if before is not None and r[2].id == before.id), None)
        if kept is not None and not (rows[kept][2].done and not before.done):
            return kept
        return next((i for i, r in enumerate(rows) if not r[2].done), 0)

    def _inspect(self) -> None:
        row = self.table.currentIndex().row()
        if 0 <= row < self.model.rowCount():
            self.say("")
            self.inspect.emit(self.model.row(row)[2].id)

    def say(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))
