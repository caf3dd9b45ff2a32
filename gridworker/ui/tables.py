"""The one way a list of records is set up as a table view."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel
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
