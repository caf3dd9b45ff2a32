"""The one way a list of records is set up as a table view, and refilled keeping what the user chose in it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QItemSelectionModel
from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget


def make_table(
    model: QAbstractItemModel,
    *,
    multi: bool = False,
    word_wrap: bool = True,
    alternate: bool = False,
    parent: QWidget | None = None,
) -> QTableView:
    """A read-only table of rows: whole rows are selected (several with `multi`), no row numbers,
    Tab leaves the table and the arrows move in it."""
    view = QTableView(parent)
    view.setTabKeyNavigation(False)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(
        QAbstractItemView.SelectionMode.ExtendedSelection if multi else QAbstractItemView.SelectionMode.SingleSelection
    )
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.setWordWrap(word_wrap)
    view.setAlternatingRowColors(alternate)
    return view


def set_rows_keeping_selection(view: QTableView, rows: Sequence[Any], key: Callable[[Any], Any]) -> None:
    """Give a table (over a RowsModel) new rows, as a reload after work or a sync does: the rows the user had
    selected (told apart by `key`) and the current one stay so, wherever they moved; those gone are let go."""
    model, selection = view.model(), view.selectionModel()
    current = view.currentIndex()
    current_key = key(model.row(current.row())) if current.isValid() else None
    chosen = {key(model.row(i.row())) for i in selection.selectedRows()}
    model.set_rows(rows)
    where = [i for i, r in enumerate(rows) if key(r) in chosen or (current_key is not None and key(r) == current_key)]
    if not where:
        return
    while model.rowCount() <= where[-1] and model.canFetchMore():
        model.fetchMore()  # a chosen row further down than the first page
    flags = QItemSelectionModel.SelectionFlag
    for i in where:
        if key(rows[i]) == current_key:
            selection.setCurrentIndex(model.index(i, 0), flags.NoUpdate)
    for i in where:
        if key(rows[i]) in chosen:
            selection.select(model.index(i, 0), flags.Select | flags.Rows)


def fit_columns(view: QTableView, widest: int, *, but_last: bool = False) -> None:
    """Columns as wide as their text, none wider than `widest` pixels (`but_last`: the last one, the one a
    reader needs whole, is left as it fits)."""
    view.resizeColumnsToContents()
    for column in range(view.model().columnCount() - (1 if but_last else 0)):
        if view.columnWidth(column) > widest:
            view.setColumnWidth(column, widest)
