"""What the participation tabs share: a list that reloads when its records change, labels, the busy buttons."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTabBar,
    QVBoxLayout,
    QWidget,
)
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


def pair(first: QWidget, second: QWidget) -> QWidget:
    """Two widgets in a row, the first taking the room (a field and its button)."""
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(first, 1)
    row.addWidget(second)
    return box


def refill(shown, was, now, put: Callable[[object], None]) -> None:
    """A form field when its row is read again: one the user changed (it no longer shows what the row said, `was`)
    keeps what they typed or ticked; an untouched one shows the row's new value."""
    if shown == was and shown != now:
        put(now)


def room_below(form: QFormLayout) -> None:
    """The last row of a detail panel's form: takes the room its lists and text boxes (each with a maximum height)
    do not, so on a tall screen they grow and the rows stay together at the top. A stretch below the form instead
    took all the room and kept the lists at their smallest (see members.checklist)."""
    room = QWidget()
    policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
    policy.setVerticalStretch(1)
    room.setSizePolicy(policy)
    form.addRow(room)


def scrolled(panel: QWidget) -> QScrollArea:
    """A detail panel that scrolls down, never across."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setWidget(panel)
    scroll.setMinimumWidth(300)
    return scroll


class ListTab(QWidget):
    """A tab with one table of rows from a query, reloaded (debounced) when records it shows change."""

    watched: frozenset[str] = frozenset()

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self._stale = True
        self._generation = 0  # reloads overlap (a view change while one is under way): only the latest shows
        self._chosen_id: str | None = None  # the row the message (if any) is about
        self._refilling = False
        self.model = RowsModel(self.columns(), self)
        self.table = make_table(self.model, word_wrap=False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)  # not the first: a stretched name was squeezed to a few pixels at 1024×600
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

    def row_refreshed(self, row) -> None:
        """The chosen row was read again (a reload; None: nothing was chosen, nothing is): tabs with a form keep
        what is being typed (`refill`)."""
        self.row_chosen(row)

    def row_id(self, row) -> str | None:
        """What tells the rows apart (the selection kept over a reload, the message about a row)."""
        return getattr(row, "id", None)

    def view_label(self, view: str, count: int | None = None) -> str:
        """The label of a view's tab (tabs that have `views`)."""
        raise NotImplementedError

    # -- layout ----------------------------------------------------------------------------------------
    def view_tabs(self) -> QTabBar:
        """self.tabs: one tab a view of self.views, reloading on a change."""
        self.tabs = QTabBar()
        self.tabs.setExpanding(False)
        for view in self.views:
            self.tabs.addTab(self.view_label(view))
        self.tabs.currentChanged.connect(lambda _i: self.reload())
        return self.tabs

    def search_box(self, placeholder: str) -> QLineEdit:
        """self.search: typing reloads (debounced)."""
        self.search = QLineEdit()
        self.search.setPlaceholderText(placeholder)
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        return self.search

    def lay_out(self, detail: QWidget, above: Iterable[QWidget | QLayout] = (), below: Iterable[QWidget] = ()) -> None:
        """The list (with what goes above and below it) beside the detail panel, 3 : 2; buttons as they fit."""
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        for part in above:
            column.addLayout(part) if isinstance(part, QLayout) else column.addWidget(part)
        column.addWidget(self.table, 1)
        for part in below:
            column.addWidget(part)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)
        self.enable_buttons()

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
        row = self.model.row(current.row()) if current.isValid() else None
        if self._refilling:
            return  # show_rows chooses the kept row itself
        self._note_choice(self.row_id(row) if row is not None else None)
        self.row_chosen(row)

    def _note_choice(self, row_id: str | None) -> None:
        if row_id != self._chosen_id:
            self.say("")  # a refusal or a done message was about the record chosen before: never read as this one's
        self._chosen_id = row_id

    def show_rows(self, rows, keep_id: str | None = None) -> None:
        """New rows; the row with `keep_id` (the one being worked on) stays selected, and a message about it
        (a refusal, "Confirmed") stays shown."""
        self._refilling = True
        try:
            self.model.set_rows(rows)
            index = next((i for i, r in enumerate(self.model.rows()) if self.row_id(r) == keep_id), None)
            if index is not None:
                self.table.selectionModel().setCurrentIndex(
                    self.model.index(index, 0),
                    QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
                )
        finally:
            self._refilling = False
        if index is None:
            self._chosen_id = None  # the row worked on left this view: what was said about it still stands
            # Nothing was chosen (a new record's form, maybe being typed): that stays as it was.
            self.row_refreshed(None) if keep_id is None else self.row_chosen(None)
            return
        row = self.model.row(index)
        again = self.row_id(row) == self._chosen_id  # the same row read again: what is typed about it stays
        self._note_choice(self.row_id(row))
        self.row_refreshed(row) if again else self.row_chosen(row)

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
