"""积分商城: items with their price and stock, redemptions recorded at the desk (decided here first, then by
the server), handed over or cancelled; one the server refused is shown as refused with its reason."""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from PySide6.QtCore import Qt

from ...domain.participation import shop as shop_rules
from ...services.participation import shop as shop_service
from ...services.queries import members as member_queries
from ...services.queries import shop as shop_queries
from ..fieldwork.text import local_time
from ..models.column import Column
from ..models.rows import RowsModel
from ..style import ERROR, MUTED, OK, WARNING
from ..tables import make_table, set_rows_keeping_selection
from ..tasks import async_slot
from .base import ListTab, pick, refill

STATUS_COLOURS = {"requested": WARNING, "handed_over": OK, "cancelled": MUTED, "refused": ERROR}


class ShopTab(ListTab):
    """The items are the main table; the item form, the desk's redemption form and the redemptions beside."""

    watched = frozenset({"shop_item", "redemption", "ledger_entry", "member"})

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        self.current = None
        self.new_button = QPushButton(self.tr("New item"))
        self.new_button.clicked.connect(lambda: self.table.clearSelection() or self.row_chosen(None))
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.table, 1)
        column.addWidget(self.new_button)
        column.addWidget(self._item_box())
        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.message)
        column.addWidget(self._redeem_box())
        column.addWidget(self._redemptions_box(), 1)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)
        self.row_chosen(None)  # nothing chosen: the form is for a new item (a reload keeps what is typed in it)

    def columns(self) -> list[Column]:
        return [
            Column(self.tr("Item"), lambda r: r.name, tooltip=lambda r: r.description,
                   colour=lambda r: None if r.active else QColor(MUTED)),
            Column(self.tr("Price"), lambda r: str(r.price), align_right=True),
            Column(self.tr("In stock"), lambda r: str(r.stock), align_right=True,
                   colour=lambda r: QColor(ERROR) if r.stock <= 0 else None),
            Column(self.tr("On the shelf"), lambda r: self.tr("yes") if r.active else self.tr("no")),
        ]

    def _item_box(self) -> QWidget:
        self.name = QLineEdit()
        self.community = QComboBox()  # where a new item is offered
        self.price = QSpinBox()
        self.price.setRange(1, 100_000)
        self.price.setSuffix(self.tr(" points"))
        self.description = QLineEdit()
        self.active = QCheckBox(self.tr("On the shelf"))
        self.active.setChecked(True)
        self.save_button = QPushButton(self.tr("Save the item"))
        self.save_button.clicked.connect(self.save_item)
        self.restock_qty = QSpinBox()
        self.restock_qty.setRange(1, 10_000)
        self.restock_button = QPushButton(self.tr("Add to stock"))
        self.restock_button.clicked.connect(self.restock)
        box = QGroupBox(self.tr("Item"))
        form = QFormLayout(box)
        form.addRow(self.tr("Item name"), self.name)
        form.addRow(self.tr("Community"), self.community)
        form.addRow(self.tr("Price"), self.price)
        form.addRow(self.tr("Description"), self.description)
        form.addRow("", self.active)
        form.addRow("", self.save_button)
        row = QHBoxLayout()
        row.addWidget(self.restock_qty, 1)
        row.addWidget(self.restock_button)
        form.addRow(self.tr("Stock"), row)
        return box

    def _redeem_box(self) -> QWidget:
        self.member = QComboBox()
        self.qty = QSpinBox()
        self.qty.setRange(1, shop_rules.MAX_QTY)
        self.redeem_button = QPushButton(self.tr("Redeem the chosen item"))
        self.redeem_button.clicked.connect(self.redeem)
        box = QGroupBox(self.tr("Redeem at the desk"))
        form = QFormLayout(box)
        form.addRow(self.tr("Member"), self.member)
        row = QHBoxLayout()
        row.addWidget(self.qty, 1)
        row.addWidget(self.redeem_button)
        form.addRow(self.tr("Quantity"), row)
        return box

    def _redemptions_box(self) -> QWidget:
        lang = self.ctx.lang

        def status(r) -> str:
            if r.status == "refused":
                return self.tr("Refused by the server")
            return pick(lang, shop_rules.STATUS_LABELS.get(r.status, (r.status, r.status)))

        self.redemption_model = RowsModel([
            Column(self.tr("Member"), lambda r: r.member),
            Column(self.tr("Item"), lambda r: r.item),
            Column(self.tr("Qty"), lambda r: str(r.qty), align_right=True),
            Column(self.tr("Points"), lambda r: str(r.points), align_right=True),
            Column(self.tr("Status"), status, colour=lambda r: QColor(STATUS_COLOURS.get(r.status, MUTED)),
                   bold=lambda r: r.status == "refused"),
            Column(self.tr("Requested"), lambda r: local_time(r.requested_at)),
            Column(self.tr("Reason"), lambda r: r.reason or "", tooltip=lambda r: r.reason),
        ], self)
        self.redemption_table = make_table(self.redemption_model, word_wrap=False)
        header = self.redemption_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.redemption_table.selectionModel().currentRowChanged.connect(lambda _c, _p: self.enable_buttons())
        self.hand_over_button = QPushButton(self.tr("Handed over"))
        self.hand_over_button.clicked.connect(self.hand_over)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("Reason to cancel"))
        self.cancel_button = QPushButton(self.tr("Cancel the redemption"))
        self.cancel_button.clicked.connect(self.cancel)
        box = QGroupBox(self.tr("Redemptions"))
        column = QVBoxLayout(box)
        column.addWidget(self.redemption_table, 1)
        row = QHBoxLayout()
        row.addWidget(self.hand_over_button)
        row.addWidget(self.reason, 1)
        row.addWidget(self.cancel_button)
        column.addLayout(row)
        return box

    # -- loading ----------------------------------------------------------------------------------------------
    @async_slot()
    async def reload(self) -> None:
        generation = self.begin_load()
        store = self.ctx.store
        items = await self.ctx.runner.call(shop_queries.items, store, guard=self)
        redemptions = await self.ctx.runner.call(shop_queries.redemptions, store, self.ctx.lang, guard=self)
        members = await self.ctx.runner.call(member_queries.members, store, "approved", guard=self)
        communities = await self.ctx.runner.call(member_queries.communities, store, guard=self)
        if not self.is_latest(generation):
            return
        if self.community.count() != len(communities):
            self.community.clear()
            for area_id, name in communities:
                self.community.addItem(name, area_id)
        chosen = self.member.currentData()
        self.member.clear()
        for m in members:
            said = self.tr("{0} (1 point)") if m.balance == 1 else self.tr("{0} ({1} points)")
            self.member.addItem(said.format(m.name, m.balance), m.id)
        if chosen is not None and self.member.findData(chosen) >= 0:
            self.member.setCurrentIndex(self.member.findData(chosen))
        self._show_redemptions(redemptions)
        self.show_rows(items, self.current.id if self.current is not None else None)

    def _show_redemptions(self, redemptions) -> None:
        """The redemptions again; the one chosen (to hand over, to cancel) stays chosen."""
        set_rows_keeping_selection(self.redemption_table, redemptions, lambda r: r.id)

    def row_chosen(self, row) -> None:
        self.current = row
        self.name.setText(row.name if row else "")
        self.price.setValue(row.price if row else 1)
        self.description.setText((row.description or "") if row else "")
        self.active.setChecked(row.active if row else True)
        self.save_button.setText(self.tr("Save the item") if row else self.tr("Add the item"))
        self.enable_buttons()

    def row_refreshed(self, row) -> None:
        """The item read again (a redemption, a sync): its name, price, description and state being edited stay,
        and so does a new item being written."""
        before, self.current = self.current, row
        if row is None or before is None:  # a new item being written stays as typed
            self.enable_buttons()
            return
        refill(self.name.text(), before.name, row.name, self.name.setText)
        refill(self.price.value(), before.price, row.price, self.price.setValue)
        refill(self.description.text(), before.description or "", row.description or "", self.description.setText)
        refill(self.active.isChecked(), before.active, row.active, self.active.setChecked)
        self.enable_buttons()

    def chosen_redemption(self):
        index = self.redemption_table.currentIndex()
        return self.redemption_model.row(index.row()) if index.isValid() else None

    def enable_buttons(self) -> None:
        self.restock_button.setEnabled(self.current is not None)
        self.redeem_button.setEnabled(self.current is not None and self.member.count() > 0)
        chosen = self.chosen_redemption()
        open_ = chosen is not None and chosen.status == "requested"
        self.hand_over_button.setEnabled(open_)
        self.cancel_button.setEnabled(open_)
        self.save_button.setEnabled(True)

    # -- acting ------------------------------------------------------------------------------------------------
    def _buttons(self):
        return (self.save_button, self.restock_button, self.redeem_button, self.hand_over_button, self.cancel_button)

    def save_item(self) -> None:
        self.start_work(self._buttons(), shop_service.save_item, area_id=self.community.currentData(), name=self.name.text(),
                        price=self.price.value(), active=self.active.isChecked(), description=self.description.text(),
                        item_id=self.current.id if self.current else None, actor_id=self.ctx.actor.id,
                        actor_role=self.ctx.actor.role, done=self.tr("Saved."), after=self._item_saved)

    def _item_saved(self, _item) -> None:
        if self.current is None:
            self.row_chosen(None)  # the new item is in the list: the form is blank for the next one

    def restock(self) -> None:
        if self.current is not None:
            self.start_work(self._buttons(), shop_service.restock, self.current.id, self.restock_qty.value(),
                            actor_id=self.ctx.actor.id, actor_role=self.ctx.actor.role,
                            done=self.tr("Stock added."))

    def redeem(self) -> None:
        if self.current is None or self.member.currentData() is None:
            return
        actor = self.ctx.actor
        self.start_work(self._buttons(), shop_service.request, self.member.currentData(), self.current.id, self.qty.value(),
                        actor_id=actor.id, actor_role=actor.role,
                        done=self.tr("Recorded: hand it over now, or when the member comes."))

    def hand_over(self) -> None:
        chosen = self.chosen_redemption()
        if chosen is not None:
            actor = self.ctx.actor
            self.start_work(self._buttons(), shop_service.hand_over, chosen.id, actor_id=actor.id, actor_role=actor.role,
                            done=self.tr("Handed over."))

    def cancel(self) -> None:
        chosen = self.chosen_redemption()
        if chosen is not None:
            actor = self.ctx.actor
            self.start_work(self._buttons(), shop_service.cancel, chosen.id, self.reason.text(), actor_id=actor.id,
                            actor_role=actor.role, done=self.tr("Cancelled: the points and the stock come back."),
                            after=lambda _r: self.reason.clear())
