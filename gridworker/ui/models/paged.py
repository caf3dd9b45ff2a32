"""A table model over a list of record ids whose rows are read a page at a time, off the GUI thread.

`load(fetch_ids, *args)` runs `fetch_ids(store, *args) -> list[str]` in the
task runner, with the first page of rows in the same task; the view then has
its full length (so the scroll bar is right at 50,000 rows) and asks for
the rows it shows. A row not in memory is drawn empty and its page is
requested; when the page arrives, those rows repaint. Pages far from the
view are dropped (LRU), so memory stays flat however far one scrolls.

Every `load` starts a new generation: results of an older one (a search
superseded by the next keystroke) are discarded when they arrive.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, QTimer, Signal

from ..context import AppContext
from .column import Column

PAGE_SIZE = 100
MAX_PAGES = 60


class PagedModel(QAbstractTableModel):
    loaded = Signal()  # a load finished: the ids (and the first page) are in

    def __init__(self, ctx: AppContext, fetch_rows: Callable[..., Sequence[Any]], parent: QObject | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self._fetch_rows = fetch_rows  # (store, ids) -> rows with an `id`, in the order of ids
        self.columns: list[Column] = []
        self.ids: list[str] = []
        self._pages: OrderedDict[int, list[Any]] = OrderedDict()
        self._pending: set[int] = set()
        self._generation = 0
        self._source: tuple[Callable[..., list[str]], tuple] | None = None
        self._wanted: list[int] = []
        self._fetch_timer = QTimer(self, singleShot=True, interval=0)
        self._fetch_timer.timeout.connect(self._start_fetches)

    # -- loading ------------------------------------------------------------------------------
    def load(self, fetch_ids: Callable[..., list[str]], *args: Any) -> None:
        """Show the records `fetch_ids(store, *args)` names, in its order."""
        self._source = (fetch_ids, args)
        self._generation += 1
        generation = self._generation
        self.ctx.runner.start(self._read_ids(generation, fetch_ids, args), "list ids")

    async def _read_ids(self, generation: int, fetch_ids: Callable[..., list[str]], args: tuple) -> None:
        result = await self.ctx.runner.call(self._ids_and_first_page, generation, fetch_ids, args, guard=self)
        self._ids_arrived(generation, result)

    def reload(self) -> None:
        """Run the last load again (after the data changed)."""
        if self._source is not None:
            self.load(self._source[0], *self._source[1])

    def clear(self) -> None:
        self._source = None
        self._generation += 1
        self._ids_arrived(self._generation, ([], []))

    def _ids_and_first_page(self, generation: int, fetch_ids, args) -> tuple[list[str], list[Any]] | None:
        if generation != self._generation:  # superseded while it waited its turn
            return None
        ids = fetch_ids(self.ctx.store, *args)
        return ids, list(self._fetch_rows(self.ctx.store, ids[:PAGE_SIZE]))

    def _ids_arrived(self, generation: int, result) -> None:
        if generation != self._generation or result is None:
            return
        ids, first = result
        self.beginResetModel()
        self.ids = list(ids)
        self._pages.clear()
        self._pending.clear()
        self._wanted.clear()
        if self.ids:
            self._pages[0] = self._align(0, first)
        self.endResetModel()
        self.loaded.emit()

    def _request(self, page: int) -> None:
        """Ask for a page; asked from inside painting, so the tasks start once the paint is over."""
        if page in self._pending:
            return
        self._pending.add(page)
        self._wanted.append(page)
        self._fetch_timer.start()

    def _start_fetches(self) -> None:
        generation = self._generation
        for page in self._wanted:
            ids = self.ids[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
            self.ctx.runner.start(self._read_page(generation, page, ids), "list page")
        self._wanted.clear()

    async def _read_page(self, generation: int, page: int, ids: list[str]) -> None:
        self._page_arrived(generation, page, await self.ctx.runner.call(self._fetch_rows, self.ctx.store, ids, guard=self))

    def _page_arrived(self, generation: int, page: int, rows: Sequence[Any]) -> None:
        if generation != self._generation:
            return
        self._pending.discard(page)
        self._pages[page] = self._align(page, rows)
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)
        first = page * PAGE_SIZE
        last = min(first + PAGE_SIZE, len(self.ids)) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(self.columns) - 1))

    def _align(self, page: int, rows: Sequence[Any]) -> list[Any]:
        """The page's rows by position; a record deleted since the ids were read leaves None."""
        by_id = {row.id: row for row in rows}
        return [by_id.get(i) for i in self.ids[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]]

    # -- access ---------------------------------------------------------------------------------
    def row_at(self, row: int) -> Any | None:
        """The record shown in `row`, if its page is in memory (asks for it otherwise)."""
        if not 0 <= row < len(self.ids):
            return None
        page = row // PAGE_SIZE
        rows = self._pages.get(page)
        if rows is None:
            self._request(page)
            return None
        self._pages.move_to_end(page)
        return rows[row % PAGE_SIZE]

    def id_at(self, row: int) -> str | None:
        return self.ids[row] if 0 <= row < len(self.ids) else None

    def row_of(self, record_id: str) -> int:
        try:
            return self.ids.index(record_id)
        except ValueError:
            return -1

    def repaint_rows(self, rows: Sequence[int]) -> None:
        for row in rows:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.columns) - 1))

    # -- QAbstractTableModel ------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role in (Qt.ItemDataRole.DisplayRole,
                                                                 Qt.ItemDataRole.ToolTipRole):
            return self.columns[section].header  # the tooltip reads a header squeezed on a small screen
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignRight if column.align_right else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.extra_data(index, role)
        record = self.row_at(index.row())
        if record is None:
            return ""
        return column.text(record)

    def extra_data(self, index: QModelIndex, role: int) -> Any:
        """Other roles (colours, fonts) for subclasses."""
        return None
