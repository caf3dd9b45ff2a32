"""What the participation tabs share: a list that reloads when its records change, labels, the busy buttons."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QItemSelectionModel, QTimer
from PySide6.QtWidgets import QHeaderView, QLabel, QPushButton, QWidget
from shiboken6 import isValid

from ...domain.errors import GridWorkerError
from ..models.column import Column
from ..models.rows import RowsModel
from ..style import ERROR_STYLE, OK_STYLE
from ..tables import make_table


def pick(lang: str, pair: tuple[str, str]) -> str:
    """The Chinese or English word of a (zh, en) pair of the domain's tables, the English as a label
    ("Handed over"; the tables' lower-case words read as the codes they name)."""
    if lang.startswith("zh"):
        return pair[0]
    return pair[1][:1].upper() + pair[1][1:]


def named(lang: str, table: dict, code: str | None) -> str:
    """The name of a resource-table entry (skill, post, rule item) in the UI's language; '' for none."""
    entry = table.get(code or "")
    return entry.label(lang) if entry is not None else ""


class ListTab(QWidget):
    """A tab with one table of rows from a query, reloaded (debounced) when records it shows change."""

    watched: frozenset[str] = frozenset()

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self._stale = True
        self._generation = 0  # reloads overlap (a view change while one is under way): only the latest shows
        self.model = RowsModel(self.columns(), self)
        self.table = make_table(self.model, word_wrap=False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(lambda current, _prev: self._chosen(current))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.hide()
        self._timer = QTimer(self, singleShot=True, interval=150)
        self._timer.timeout.connect(self.reload)
        ctx.data_changed.connect(self._data_changed)

    # -- to fill in --------------------------------------------------------------------------------
    def columns(self) -> list[Column]:
        raise NotImplementedError

    def reload(self) -> None:
        raise NotImplementedError

    def row_chosen(self, row) -> None:
        """The selected row changed (None: nothing selected)."""

    # -- shared ----------------------------------------------------------------------------------------
    def begin_load(self) -> int:
        self._generation += 1
        return self._generation

    def is_latest(self, generation: int) -> bool:
        return generation == self._generation

    def on_shown(self) -> None:
        if self._stale:
            self._stale = False
            self.reload()

    def _data_changed(self, changes) -> None:
        if not self.watched & set(changes.ids):
            return
        if self.isVisible():
            self._timer.start()
        else:
            self._stale = True

    def selected(self):
        index = self.table.currentIndex()
        return self.model.row(index.row()) if index.isValid() else None

    def _chosen(self, current) -> None:
        self.row_chosen(self.model.row(current.row()) if current.isValid() else None)

    def show_rows(self, rows, keep_id: str | None = None) -> None:
        """New rows; the row with `keep_id` (the one being worked on) stays selected."""
        self.model.set_rows(rows)
        index = next((i for i, r in enumerate(self.model.rows()) if r.id == keep_id), None)
        if index is None:
            self.row_chosen(None)
            return
        self.table.selectionModel().setCurrentIndex(
            self.model.index(index, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.row_chosen(self.model.row(index))

    def say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet(ERROR_STYLE if error else OK_STYLE)
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def refused(self, exc: GridWorkerError) -> None:
        self.say(exc.message(self.ctx.lang), error=True)

    def start_work(self, buttons: Iterable[QPushButton], fn: Callable, *args, done: str = "",
                   after: Callable[[object], None] | None = None, **kwargs) -> None:
        """Call a service with the buttons off — off with the click itself, before anything awaits, so a
        double click does the work once; a refusal is shown on this tab in the rule's words."""
        for button in buttons:
            button.setEnabled(False)
        self.ctx.runner.start(self._work(fn, args, kwargs, done, after), getattr(fn, "__name__", "work"))

    async def _work(self, fn: Callable, args, kwargs, done: str, after) -> None:
        try:
            result = await self.ctx.runner.call(fn, self.ctx.store, *args, guard=self, **kwargs)
        except GridWorkerError as exc:
            if isValid(self):  # a refusal arrives even if the tab went while it waited (runner.call's guard is
                self.refused(exc)  # checked only on success)
                self.enable_buttons()
            return
        self.say(done)
        self.enable_buttons()
        if after is not None:
            after(result)
        self.reload()

    def enable_buttons(self) -> None:
        """Turn on the buttons that fit the selection (after work, or a new selection)."""
