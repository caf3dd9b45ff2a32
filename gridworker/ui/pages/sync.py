"""The sync panel: where things stand, collisions to settle, edits the server refused, photos still to send.

Settling a conflict is an ordinary local edit (gridworker.sync.conflicts.
resolve): "re-apply mine" writes this computer's value again with a fresh
clock, so the next sync sends it and it wins; "keep theirs" only closes the
entry when the server's value is already in place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...domain import display
from ...domain.errors import GridWorkerError
from ...services.refused import discard_refused
from ...sync import conflicts
from ...sync.review import ReviewLists, review_lists
from ...sync.worker import SyncStatus
from ..context import AppContext
from ..sync_controller import NOT_LINKED, controller_for
from ..models.column import Column
from ..models.rows import RowsModel
from ..widgets.sync_status import error_text, last_sync_text, needs_review, state_text
from ..style import ERROR, WARNING
from ..tables import fit_columns, make_table, set_rows_keeping_selection
from ..tasks import async_slot

def _columns(*pairs: tuple[str, Callable[[Any], str]]) -> list[Column]:
    """Columns whose full text is also the tooltip: values and reasons may be longer than the cell."""
    return [Column(header, text, tooltip=text) for header, text in pairs]


def field_text(name: str, lang: str, entity: str | None = None) -> str:
    """The core's words for a field ("Phone" in a table cell); never its wire name."""
    return display.field_label(name, lang, entity)


def value_text(value: Any, lang: str = "zh", entity: str | None = None, field: str = "", names=None) -> str:
    """A value as a person reads it: labels, Beijing time, names for ids (see domain.display)."""
    return display.value_text(entity, field, value, lang, names)


def _table(model: RowsModel) -> QTableView:
    view = make_table(model, alternate=True)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return view


class SyncPage(QWidget):
    page_id = "sync"
    badge_changed = Signal(int)  # how many things need the user (refused edits + conflicts): the navigation shows it

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.controller = controller_for(ctx)
        self._last_counts: tuple[int, int, int] | None = None
        self._names: dict[str, str] = {}  # id → name, for ids among the values listed
        self._build()
        self.controller.status_changed.connect(self.show_status)
        self.show_status(self.controller.status())

    def title(self) -> str:
        return self.tr("Sync")

    # -- building ------------------------------------------------------------------------------
    def _build(self) -> None:
        self.state_label = QLabel()
        self.state_label.setStyleSheet("font-size: 12pt; font-weight: bold;")
        self.detail_label = QLabel()
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(f"color: {ERROR}; font-size: 11pt;")
        self.refusal_label = QLabel()  # why a step taken on this page was refused: the status read again keeps it
        self.refusal_label.setWordWrap(True)
        self.refusal_label.setStyleSheet(f"color: {ERROR}; font-size: 11pt;")
        self.refusal_label.hide()
        self.set_aside_label = QLabel()  # pulled records with a value this computer cannot read (kept as sent)
        self.set_aside_label.setWordWrap(True)
        self.set_aside_label.setStyleSheet(f"color: {WARNING}; font-size: 11pt;")
        self.sync_button = QPushButton(self.tr("Sync now"))
        self.sync_button.clicked.connect(self.controller.sync_now)
        top = QHBoxLayout()
        heading = QVBoxLayout()
        heading.addWidget(self.state_label)
        heading.addWidget(self.detail_label)
        top.addLayout(heading, 1)
        top.addWidget(self.sync_button, 0, Qt.AlignmentFlag.AlignTop)

        lang = self.ctx.lang
        self.conflicts_model = RowsModel(_columns(
            (self.tr("Record"), self._record_text),
            (self.tr("Field"), lambda c: field_text(c.field, lang, c.entity)),
            (self.tr("Mine (this computer)"), lambda c: value_text(c.mine, lang, c.entity, c.field, self._names)),
            (self.tr("Theirs (server)"), lambda c: value_text(c.theirs, lang, c.entity, c.field, self._names)),
            (self.tr("Now kept"), lambda c: self.tr("mine") if c.winner == "mine" else self.tr("theirs")),
        ), self)  # fmt: skip
        self.conflicts_view = _table(self.conflicts_model)
        self.mine_button = QPushButton(self.tr("Re-apply mine"))
        self.theirs_button = QPushButton(self.tr("Keep theirs"))
        self.mine_button.clicked.connect(lambda: self._resolve("mine"))
        self.theirs_button.clicked.connect(lambda: self._resolve("theirs"))
        self.conflicts_box = self._box(self.tr("Conflicts: the same field edited here and elsewhere"),
                                       self.conflicts_view, [self.mine_button, self.theirs_button])  # fmt: skip

        self.rejected_model = RowsModel(_columns(
            (self.tr("Record"), self._record_text),
            (self.tr("Change"), self._change_text),
            (self.tr("Reason"), lambda r: r.reason_zh if lang == "zh" else r.reason_en),
        ), self)  # fmt: skip
        self.rejected_view = _table(self.rejected_model)
        self.dismiss_button = QPushButton(self.tr("Mark as read"))
        self.dismiss_button.clicked.connect(self._dismiss)
        self.discard_button = QPushButton(self.tr("Discard…"))
        self.discard_button.clicked.connect(self.ask_discard)
        self.confirm: QMessageBox | None = None  # the question before discarding
        self.rejected_box = self._box(self.tr("Changes the server refused"), self.rejected_view,
                                      [self.discard_button, self.dismiss_button])  # fmt: skip
        self.discarded_label = QLabel()  # what the last discard dropped (the list it left may be empty and hidden)
        self.discarded_label.setWordWrap(True)
        self.discarded_label.hide()

        self.photos_model = RowsModel(_columns(
            (self.tr("Photo"), self._photo_text),
            (self.tr("Attempts"), lambda p: str(p.attempts)),
            (self.tr("Last problem"), self._photo_problem),
        ), self)  # fmt: skip
        self.photos_view = _table(self.photos_model)
        self.photos_box = self._box(self.tr("Photos waiting to upload or that cannot be shown"), self.photos_view, [])

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.error_label)
        layout.addWidget(self.refusal_label)
        layout.addWidget(self.set_aside_label)
        layout.addWidget(self.discarded_label)
        # One list at a time, each with the page's whole height (three stacked showed one row each at 1024×600).
        self.lists = QTabWidget()
        for box in (self.conflicts_box, self.rejected_box, self.photos_box):
            self.lists.addTab(box, "")
        self._name_tabs((0, 0, 0))
        layout.addWidget(self.lists, 1)
        for view in (self.conflicts_view, self.rejected_view):
            view.selectionModel().selectionChanged.connect(self._update_buttons)
        self._update_buttons()

    def _box(self, title: str, view: QTableView, buttons: list[QPushButton]) -> QGroupBox:
        box = QGroupBox(title)
        layout = QVBoxLayout(box)
        layout.addWidget(view)
        if buttons:
            row = QHBoxLayout()
            row.addStretch(1)
            for b in buttons:
                row.addWidget(b)
            layout.addLayout(row)
        return box

    def _record_text(self, row) -> str:
        kind = display.entity_label(row.entity, self.ctx.lang)
        return f"{kind} {row.label}" if row.label else f"{kind} {display.UNKNOWN_RECORD[0 if self.ctx.lang == 'zh' else 1]}"

    def _change_text(self, row) -> str:
        lang = self.ctx.lang
        parts = [f"{field_text(k, lang, row.entity)}{'：' if lang == 'zh' else ': '}{value_text(v, lang, row.entity, k, self._names)}"
                 for k, v in row.fields.items()]  # fmt: skip
        return ("；" if lang == "zh" else "; ").join(parts)

    def _photo_problem(self, row) -> str:
        if row.kind == "thumb":  # another device's photo the server would not make a thumbnail of
            if row.last_error == "not_an_image":
                return self.tr("Cannot be shown: the file on the server is not a readable picture")
            return self.tr("Cannot be shown: the server refused this photo")
        # Uploads listed are still waiting: their last problem was the network or a busy server.
        return self.tr("Not sent yet: the server could not be reached") if row.last_error else "—"

    def _photo_text(self, row) -> str:
        lang = self.ctx.lang
        owner = f"{display.entity_label(row.owner_entity, lang)} {row.owner_label}".strip() if row.owner_entity else ""
        when = display.time_text(row.taken_at) if row.taken_at else ""
        if owner and when:
            return self.tr("Photo of {0}, taken {1}").format(owner, when)
        if owner:
            return self.tr("Photo of {0}").format(owner)
        return self.tr("Photo taken {0}").format(when) if when else self.tr("Photo")

    # -- showing -------------------------------------------------------------------------------
    def on_shown(self) -> None:
        self.refresh()

    def badge(self) -> int:
        return needs_review(self.controller.status())

    @Slot(object)
    def show_status(self, status: SyncStatus) -> None:
        linked = status.state != NOT_LINKED
        self.badge_changed.emit(needs_review(status))
        self.state_label.setText(state_text(status))
        waiting = (self.tr("1 change waiting to send · {0}") if status.pending == 1
                   else self.tr("{0} changes waiting to send · {1}").format(status.pending, "{0}"))  # fmt: skip
        self.detail_label.setText(waiting.format(last_sync_text(status)) if linked else "")
        self.error_label.setText(error_text(status, self.ctx.lang))
        self.error_label.setVisible(bool(self.error_label.text()))
        self.set_aside_label.setText(
            self.tr(
                "Records from the server with a value this computer cannot read: {0}. "
                "They are kept as the server sent them, and sync goes on."
            ).format(len(status.set_aside))
            if linked and status.set_aside
            else ""
        )
        self.set_aside_label.setVisible(bool(self.set_aside_label.text()))
        self.sync_button.setEnabled(linked and not status.syncing)
        counts = (status.conflicts, status.rejected, status.photos_waiting)
        if linked and not status.syncing and counts != self._last_counts:
            self.refresh()

    @async_slot()
    async def refresh(self) -> None:
        if not self.controller.linked:
            return
        self._show_lists(await self.ctx.runner.call(review_lists, self.ctx.store, guard=self))

    def _show_lists(self, lists: ReviewLists) -> None:
        self._last_counts = (len(lists.conflicts), len(lists.rejected), len(lists.photos))
        self._names = lists.names
        # A sync's refill keeps the row the user chose (told apart by what stays the same across reads).
        set_rows_keeping_selection(self.conflicts_view, lists.conflicts, lambda r: r.id)
        set_rows_keeping_selection(self.rejected_view, lists.rejected, lambda r: r.mutation_id)
        set_rows_keeping_selection(self.photos_view, lists.photos, lambda r: (r.kind, r.sha256))
        self.conflicts_box.setTitle(self.tr("Conflicts: the same field edited here and elsewhere ({0})").format(len(lists.conflicts)))
        self.rejected_box.setTitle(self.tr("Changes the server refused ({0})").format(len(lists.rejected)))
        self.photos_box.setTitle(self.tr("Photos waiting to upload or that cannot be shown ({0})").format(len(lists.photos)))
        for view in (self.conflicts_view, self.rejected_view, self.photos_view):
            # None before the last wider than two fifths of the list: a long change pushed the reason (the
            # last column, the one the user needs) out of sight ("找不到该记…").
            fit_columns(view, max(120, view.viewport().width() * 2 // 5), but_last=True)
        self._name_tabs(self._last_counts)
        if not self._last_counts[self.lists.currentIndex()]:  # show a list with something in it, if one has
            self.lists.setCurrentIndex(next((i for i, n in enumerate(self._last_counts) if n), self.lists.currentIndex()))
        self._update_buttons()

    def _name_tabs(self, counts: tuple[int, int, int]) -> None:
        names = (self.tr("Conflicts ({0})"), self.tr("Refused ({0})"), self.tr("Photos ({0})"))
        for i, (name, count) in enumerate(zip(names, counts)):
            self.lists.setTabText(i, name.format(count))

    def _selected(self, view: QTableView, model: RowsModel):
        rows = view.selectionModel().selectedRows()
        return model.row(rows[0].row()) if rows and rows[0].row() < model.rowCount() else None

    @Slot()
    def _update_buttons(self) -> None:
        chosen = self._selected(self.conflicts_view, self.conflicts_model) is not None
        self.mine_button.setEnabled(chosen)
        self.theirs_button.setEnabled(chosen)
        refused = self._selected(self.rejected_view, self.rejected_model)
        self.dismiss_button.setEnabled(refused is not None)
        self.discard_button.setEnabled(refused is not None and refused.new_record)
        self.discard_button.setToolTip(
            self.tr("Remove this record from this computer: the server refused it and never had it")
            if refused is None or refused.new_record else
            self.tr("Only a record the server never had can be discarded; mark an edit as read and change the record "
                    "again if needed"))  # fmt: skip

    # -- acting --------------------------------------------------------------------------------
    def _resolve(self, keep: str) -> None:
        conflict = self._selected(self.conflicts_view, self.conflicts_model)
        if conflict is None:
            return
        self._say_refusal("")  # a new step: what was refused before is no longer the news
        self.mine_button.setEnabled(False)
        self.theirs_button.setEnabled(False)
        self._keep(conflict, keep)

    @async_slot()
    async def _keep(self, conflict, keep: str) -> None:
        # A queued value reaches the server with the sync that the local change triggers.
        try:
            await self.ctx.runner.call(conflicts.resolve, self.ctx.store, conflict.id, keep, guard=self)
        except GridWorkerError as exc:  # anything else is a bug: the error dialog, with the report
            self._refused(exc)
            return
        self.refresh()

    @async_slot()
    async def _dismiss(self) -> None:
        row = self._selected(self.rejected_view, self.rejected_model)
        if row is None:
            return
        self._say_refusal("")
        try:
            await self.ctx.runner.call(conflicts.dismiss_rejected, self.ctx.store, row.mutation_id, guard=self)
        except GridWorkerError as exc:
            self._refused(exc)
            return
        self.refresh()
        self.controller.reread_status()  # the bar's and the navigation's warning count it no more

    def ask_discard(self) -> None:
        row = self._selected(self.rejected_view, self.rejected_model)
        if row is None:
            return
        self._say_refusal("")
        self.discard_button.setEnabled(False)  # with the click itself
        what = self._record_text(row)
        self.confirm = box = QMessageBox(
            QMessageBox.Icon.Question, self.tr("Discard the refused record"),
            self.tr("Discard {0}? The server refused it and never had it: it is removed from this computer, "
                    "and cannot be brought back.").format(what),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self,
        )  # fmt: skip
        yes = box.button(QMessageBox.StandardButton.Yes)
        yes.setText(self.tr("Discard"))
        box.finished.connect(lambda _r: self._discard_confirmed(row, what, box.clickedButton() is yes))
        box.open()

    def _discard_confirmed(self, row, what: str, yes: bool) -> None:
        self.confirm = None
        if yes:
            self._discard(row, what)
        else:
            self._update_buttons()

    @async_slot()
    async def _discard(self, row, what: str) -> None:
        try:
            await self.ctx.runner.call(discard_refused, self.ctx.store, row.mutation_id, guard=self)
        except GridWorkerError as exc:  # anything else is a bug: the error dialog, with the report
            self._refused(exc)
            return
        change = self._change_text(row)
        self.discarded_label.setText(self.tr("Discarded: {0}").format(f"{what} ({change})" if change else what))
        self.discarded_label.show()
        self.refresh()

    def _refused(self, exc: GridWorkerError) -> None:
        self._say_refusal(exc.message(self.ctx.lang))
        self.refresh()

    def _say_refusal(self, text: str) -> None:
        self.refusal_label.setText(text)
        self.refusal_label.setVisible(bool(text))
