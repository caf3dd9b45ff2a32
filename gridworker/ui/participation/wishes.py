"""微心愿: wishes of residents in need — published here (or from a visit), claimed and fulfilled by members on
the web, confirmed here (the member's points) or sent back, withdrawn with a reason."""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...domain.participation import wishes as wish_rules
from ...services import search as search_service
from ...services.participation import wishes as wish_service
from ...services.queries import wishes as wish_queries
from ..fieldwork.text import local_time
from ..models.column import Column
from ..style import MUTED, OK, WARNING
from ..tasks import async_slot
from .base import ListTab, pick

STATUS_COLOURS = {"published": WARNING, "fulfilled": WARNING, "confirmed": OK, "withdrawn": MUTED}


class WishesTab(ListTab):
    watched = frozenset({"wish", "wish_event", "member"})

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        self.allowed: list[str] = []
        right = QWidget()
        side = QVBoxLayout(right)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(self._new_box())
        side.addWidget(self._act_box())
        side.addStretch(1)
        self.lay_out(right, below=(self.message,))

    def columns(self) -> list[Column]:
        lang = self.ctx.lang
        return [
            Column(self.tr("Wish"), lambda r: r.wish),
            Column(self.tr("Resident"), lambda r: r.resident),
            Column(self.tr("Status"), lambda r: pick(lang, wish_rules.STATUS_LABELS[r.status]) if r.status else "",
                   colour=lambda r: QColor(STATUS_COLOURS.get(r.status, "#374151"))),
            Column(self.tr("Claimed by"), lambda r: r.claimed_by),
            Column(self.tr("Raised"), lambda r: local_time(r.raised_at)),
        ]

    def _new_box(self) -> QWidget:
        self.find = QLineEdit()
        self.find.setPlaceholderText(self.tr("Resident's name, phone or ID number"))
        self.find.textChanged.connect(self.look_up)
        self.resident = QComboBox()
        self.wish = QLineEdit()
        self.wish.setPlaceholderText(self.tr("What is wished for (a school bag, a visit, a repair…)"))
        self.publish_button = QPushButton(self.tr("Publish the wish"))
        self.publish_button.clicked.connect(self.publish)
        box = QGroupBox(self.tr("New micro-wish"))
        form = QFormLayout(box)
        form.addRow(self.tr("Find"), self.find)
        form.addRow(self.tr("Resident"), self.resident)
        form.addRow(self.tr("Wish"), self.wish)
        form.addRow("", self.publish_button)
        return box

    def _act_box(self) -> QWidget:
        self.confirm_button = QPushButton(self.tr("Confirm: fulfilled"))
        self.confirm_button.clicked.connect(lambda: self._act("confirm", self.tr("Confirmed: the member's points are in the ledger.")))
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("Reason (to send back or withdraw)"))
        self.reject_button = QPushButton(self.tr("Send back"))
        self.reject_button.clicked.connect(lambda: self._act("reject", self.tr("Sent back to the member."), reason=self.reason.text()))
        self.withdraw_button = QPushButton(self.tr("Withdraw"))
        self.withdraw_button.clicked.connect(lambda: self._act("withdraw", self.tr("Withdrawn."), reason=self.reason.text()))
        box = QGroupBox(self.tr("The chosen wish"))
        form = QFormLayout(box)
        form.addRow("", self.confirm_button)
        form.addRow(self.tr("Reason"), self.reason)
        row = QHBoxLayout()
        row.addWidget(self.reject_button)
        row.addWidget(self.withdraw_button)
        form.addRow(row)
        return box

    @async_slot()
    async def look_up(self) -> None:
        text = self.find.text()
        hits = await self.ctx.runner.call(search_service.find_people, self.ctx.store, text, limit=20, guard=self)
        if text != self.find.text():
            return
        self.resident.clear()
        for hit in hits:
            self.resident.addItem(f"{hit.name}  {hit.address}", hit.person_id)

    @async_slot()
    async def reload(self) -> None:
        generation = self.begin_load()
        rows = await self.ctx.runner.call(wish_queries.wishes, self.ctx.store, guard=self)
        if not self.is_latest(generation):
            return
        chosen = self.selected()
        self.show_rows(rows, chosen.id if chosen is not None else None)

    def row_chosen(self, row) -> None:
        self.allowed = []
        self.enable_buttons()
        if row is not None:
            self._load_allowed(row.id)

    @async_slot(str)
    async def _load_allowed(self, wish_id: str) -> None:
        actor = self.ctx.actor
        allowed = await self.ctx.runner.call(wish_queries.allowed, self.ctx.store, wish_id, actor.id, actor.role, guard=self)
        chosen = self.selected()
        if chosen is not None and chosen.id == wish_id:
            self.allowed = allowed
            self.enable_buttons()

    def enable_buttons(self) -> None:
        self.publish_button.setEnabled(True)
        self.confirm_button.setEnabled("confirm" in self.allowed)
        self.reject_button.setEnabled("reject" in self.allowed)
        self.withdraw_button.setEnabled("withdraw" in self.allowed)

    def _buttons(self):
        return (self.publish_button, self.confirm_button, self.reject_button, self.withdraw_button)

    def _act(self, action: str, done: str, **kwargs) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        actor = self.ctx.actor
        self.allowed = []
        self.start_work(self._buttons(), wish_service.act, chosen.id, action, actor_id=actor.id, actor_role=actor.role,
                        done=done, **kwargs)

    def publish(self) -> None:
        actor = self.ctx.actor
        self.start_work(self._buttons(), wish_service.publish, actor_id=actor.id, actor_role=actor.role,
                        wish=self.wish.text(), person_id=self.resident.currentData(), done=self.tr("Published."),
                        after=lambda _w: self.wish.clear())
