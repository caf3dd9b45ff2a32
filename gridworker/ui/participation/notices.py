"""公告与意见箱: notices published to an area with how many have read them; the opinion box, answered and
closed here; notices and opinions counted per month."""

from __future__ import annotations

from PySide6.QtCore import QDate
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from PySide6.QtCore import Qt

from ...services.participation import notices as notice_service
from ...services.queries import members as member_queries
from ...services.queries import notices as notice_queries
from ..fieldwork.text import local_time
from ..models.column import Column
from ..models.rows import RowsModel
from ..style import MUTED, OK, WARNING
from ..tables import make_table, set_rows_keeping_selection
from ..tasks import async_slot
from .base import ListTab, refill

OPINION_COLOURS = {"open": WARNING, "answered": OK, "closed": MUTED}


class NoticesTab(ListTab):
    """Notices are the main table; the opinion box and the months beside them."""

    watched = frozenset({"notice", "notice_read", "opinion", "area"})

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        self._opinion = None  # the opinion whose answer the box holds
        self._refilling_opinions = False
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.table, 1)
        column.addWidget(self._notice_box())
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self._opinion_box())
        right.addWidget(self._month_box())
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.message)
        layout.addWidget(split, 1)
        self.enable_buttons()

    def columns(self) -> list[Column]:
        return [
            Column(self.tr("Notice"), lambda r: r.title, tooltip=lambda r: r.body),
            Column(self.tr("To"), lambda r: r.area_name),
            Column(self.tr("Published on"), lambda r: local_time(r.published_at)),
            Column(self.tr("Read by"), lambda r: str(r.read_count), align_right=True),
        ]

    def _notice_box(self) -> QWidget:
        self.title = QLineEdit()
        self.body = QPlainTextEdit()
        self.body.setMaximumHeight(80)
        self.area = QComboBox()
        self.expires = QDateEdit(QDate.currentDate().addDays(30))
        self.expires.setCalendarPopup(True)
        self.has_expiry = QCheckBox(self.tr("Until"))
        self.has_expiry.toggled.connect(self.expires.setEnabled)
        self.expires.setEnabled(False)
        self.publish_button = QPushButton(self.tr("Publish the notice"))
        self.publish_button.clicked.connect(self.publish)
        box = QGroupBox(self.tr("New notice"))
        form = QFormLayout(box)
        form.addRow(self.tr("Title"), self.title)
        form.addRow(self.tr("Text"), self.body)
        form.addRow(self.tr("To"), self.area)
        row = QHBoxLayout()
        row.addWidget(self.has_expiry)
        row.addWidget(self.expires, 1)
        form.addRow("", row)
        form.addRow("", self.publish_button)
        return box

    def _opinion_box(self) -> QWidget:
        lang_words = {"open": self.tr("Open"), "answered": self.tr("Answered"), "closed": self.tr("Closed")}
        self.opinion_model = RowsModel([
            Column(self.tr("Opinion"), lambda r: r.content, tooltip=lambda r: r.answer),
            Column(self.tr("Topic"), lambda r: r.topic),
            Column(self.tr("Received"), lambda r: local_time(r.submitted_at)),
            Column(self.tr("Status"), lambda r: lang_words.get(r.status, ""),
                   colour=lambda r: QColor(OPINION_COLOURS.get(r.status, MUTED))),
        ], self)
        self.opinion_table = make_table(self.opinion_model, word_wrap=False)
        header = self.opinion_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.opinion_table.selectionModel().currentRowChanged.connect(lambda _c, _p: self._opinion_chosen())
        self.answer = QPlainTextEdit()
        self.answer.setPlaceholderText(self.tr("The answer to the resident"))
        self.answer.setMaximumHeight(70)
        self.answer_button = QPushButton(self.tr("Answer"))
        self.answer_button.clicked.connect(lambda: self._answer(False))
        self.answer_close_button = QPushButton(self.tr("Answer and close"))
        self.answer_close_button.clicked.connect(lambda: self._answer(True))
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.clicked.connect(self._close)
        box = QGroupBox(self.tr("Opinion box"))
        column = QVBoxLayout(box)
        column.addWidget(self.opinion_table, 1)
        column.addWidget(self.answer)
        row = QHBoxLayout()
        for button in (self.answer_button, self.answer_close_button, self.close_button):
            row.addWidget(button)
        column.addLayout(row)
        return box

    def _month_box(self) -> QWidget:
        self.month_model = RowsModel([
            Column(self.tr("Month"), lambda r: r.month),
            Column(self.tr("Notices"), lambda r: str(r.notices), align_right=True),
            Column(self.tr("Opinions"), lambda r: str(r.opinions), align_right=True),
            Column(self.tr("Answered"), lambda r: str(r.answered), align_right=True),
        ], self)
        self.month_table = make_table(self.month_model, word_wrap=False)
        self.month_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        box = QGroupBox(self.tr("Per month"))
        QVBoxLayout(box).addWidget(self.month_table)
        return box

    @async_slot()
    async def reload(self) -> None:
        generation = self.begin_load()
        store = self.ctx.store
        rows = await self.ctx.runner.call(notice_queries.notices, store, guard=self)
        opinions = await self.ctx.runner.call(notice_queries.opinions, store, guard=self)
        months = await self.ctx.runner.call(notice_queries.by_month, store, guard=self)
        areas = await self.ctx.runner.call(member_queries.communities, store, guard=self)
        grids = await self.ctx.runner.call(member_queries.grids, store, guard=self)
        if not self.is_latest(generation):
            return
        if self.area.count() != len(areas) + len(grids):
            self.area.clear()
            for area_id, name in areas + grids:
                self.area.addItem(name, area_id)
        self._refilling_opinions = True
        try:
            set_rows_keeping_selection(self.opinion_table, opinions, lambda o: o.id)
        finally:
            self._refilling_opinions = False
        self._opinion_chosen()
        self.month_model.set_rows(months)
        self.show_rows(rows)
        self.enable_buttons()

    def chosen_opinion(self):
        index = self.opinion_table.currentIndex()
        return self.opinion_model.row(index.row()) if index.isValid() else None

    def _opinion_chosen(self) -> None:
        if self._refilling_opinions:
            return  # the list read again: told once it is refilled
        chosen, before = self.chosen_opinion(), self._opinion
        self._opinion = chosen
        if chosen is not None and before is not None and chosen.id == before.id:  # the same one read again
            refill(self.answer.toPlainText(), before.answer or "", chosen.answer or "", self.answer.setPlainText)
        else:
            self.answer.setPlainText((chosen.answer or "") if chosen is not None else "")
        self.enable_buttons()

    def enable_buttons(self) -> None:
        chosen = self.chosen_opinion()
        open_ = chosen is not None and chosen.status != "closed"
        self.answer_button.setEnabled(open_)
        self.answer_close_button.setEnabled(open_)
        self.close_button.setEnabled(open_ and chosen.status == "answered")
        self.publish_button.setEnabled(self.area.count() > 0)

    def _buttons(self):
        return (self.answer_button, self.answer_close_button, self.close_button, self.publish_button)

    def publish(self) -> None:
        expires = self.expires.date().toPython() if self.has_expiry.isChecked() else None
        self.start_work(self._buttons(), notice_service.publish_notice, area_id=self.area.currentData(),
                        title=self.title.text(), body=self.body.toPlainText(), actor_id=self.ctx.actor.id,
                        actor_role=self.ctx.actor.role,
                        expires_on=expires, done=self.tr("Published."), after=lambda _n: self._clear_notice())

    def _clear_notice(self) -> None:
        self.title.clear()
        self.body.clear()

    def _answer(self, close: bool) -> None:
        chosen = self.chosen_opinion()
        if chosen is not None:
            self.start_work(self._buttons(), notice_service.answer_opinion, chosen.id, self.answer.toPlainText(),
                            actor_id=self.ctx.actor.id, actor_role=self.ctx.actor.role, close=close,
                            done=self.tr("Answered and closed.") if close else self.tr("Answered."))

    def _close(self) -> None:
        chosen = self.chosen_opinion()
        if chosen is not None:
            self.start_work(self._buttons(), notice_service.close_opinion, chosen.id,
                            actor_id=self.ctx.actor.id, actor_role=self.ctx.actor.role, done=self.tr("Closed."))
