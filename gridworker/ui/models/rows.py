"""One lazy table model over rows held in memory (the field-work lists and the sync panel: walk-round stops, due list, incident board, overdue list, conflicts).

Rows are plain service dataclasses. The view is given them a page at a time
(Qt asks with canFetchMore/fetchMore as the user scrolls): either from rows
already loaded (the due list comes whole from the service), or by asking the
page to load the next page from the service (the incident board), so a list
of 20,000 incidents costs one page of work until someone scrolls.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QFont

from .column import Column

PAGE = 200


class RowsModel(QAbstractTableModel):
    def __init__(self, columns: Sequence[Column], parent=None):
        super().__init__(parent)
        self.columns = list(columns)
        self._rows: list[Any] = []
        self._held: list[Any] = []  # loaded, not yet shown
        self._load_more: Callable[[], None] | None = None  # asks the service for the next page
        self._bold = QFont()
        self._bold.setBold(True)

    # -- filling --------------------------------------------------------------------------
    def set_rows(self, rows: Sequence[Any], load_more: Callable[[], None] | None = None) -> None:
        """Replace everything; `load_more` is called once when the view wants rows beyond these."""
        self.beginResetModel()
        self._rows = list(rows[:PAGE])
        self._held = list(rows[PAGE:])
        self._load_more = load_more
        self.endResetModel()

    def append_rows(self, rows: Sequence[Any], load_more: Callable[[], None] | None = None) -> None:
        """The next page arrived from the service."""
        if rows:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()
        self._load_more = load_more

    def row(self, index: int) -> Any:
        return self._rows[index]

    def rows(self) -> list[Any]:
        return list(self._rows)

    # -- lazy loading -------------------------------------------------------------------------
    def canFetchMore(self, parent=QModelIndex()) -> bool:
        return not parent.isValid() and (bool(self._held) or self._load_more is not None)

    def fetchMore(self, parent=QModelIndex()) -> None:
        if parent.isValid():
            return
        if self._held:
            batch, self._held = self._held[:PAGE], self._held[PAGE:]
            self.append_rows(batch, self._load_more)
        elif self._load_more is not None:
            load, self._load_more = self._load_more, None  # one request at a time
            load()

    # -- the table ---------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role in (Qt.DisplayRole, Qt.ToolTipRole):
            return self.columns[section].header  # the tooltip reads a header squeezed on a small screen
        return None

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        row, col = self._rows[index.row()], self.columns[index.column()]
        if role == Qt.DisplayRole:
            return col.text(row)
        if role == Qt.ForegroundRole and col.colour is not None:
            return col.colour(row)
        if role == Qt.ToolTipRole:  # the whole text of a cell cut short on a small screen
            return col.tooltip(row) if col.tooltip is not None else (col.text(row) or None)
        if role == Qt.FontRole and col.bold is not None and col.bold(row):
            return self._bold
        if role == Qt.TextAlignmentRole and col.align_right:
            return int(Qt.AlignRight | Qt.AlignVCenter)
        return None

