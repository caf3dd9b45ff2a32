"""积分: members with their balances, one member's ledger (manual award, reversal of a wrong entry), and the
rankings (晾晒比拼) by community, grid or team, for a month, a year or all time."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...domain.display import value_text
from ...domain.fieldwork import local_day
from ...domain.models import utcnow
from ...domain.participation.common import STAFF
from ...services import rule_items
from ...services.participation import points as point_service
from ...services.queries import members as member_queries
from ...services.queries import points as point_queries
from ..fieldwork.text import local_time
from ..models.column import Column
from ..models.rows import RowsModel
from ..style import ERROR, MUTED, OK
from ..tables import make_table, set_rows_keeping_selection
from ..tasks import async_slot
from .base import ListTab, pair, scrolled

def periods(today: date) -> list[tuple[str, tuple[date, date] | None]]:
    """(key, period): this month, last month, this year, all time."""
    first = today.replace(day=1)
    last_month_end = date.fromordinal(first.toordinal() - 1)
    return [
        ("month", (first, today)),
        ("last_month", (last_month_end.replace(day=1), last_month_end)),
        ("year", (today.replace(month=1, day=1), today)),
        ("all", None),
    ]


class PointsTab(ListTab):
    """The member list (with balances) is the tab's main table; the ledger and the board are beside it."""

    watched = frozenset({"member", "ledger_entry", "redemption", "area"})

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        self.current = None
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search a member"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.search)
        column.addWidget(self.table, 1)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(scrolled(self._ledger_box()))  # its form is taller than a netbook leaves it
        right.addWidget(self._board_box())
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)
        self.enable_buttons()

    def columns(self) -> list[Column]:
        return [
            Column(self.tr("Name"), lambda r: r.name, tooltip=lambda r: r.grid_name),
            Column(self.tr("Balance"), lambda r: str(r.balance), align_right=True),
        ]

    def _ledger_box(self) -> QWidget:
        self.balance = QLabel(self.tr("Choose a member in the list."))
        self.ledger_model = RowsModel(self._ledger_columns(), self)
        self.ledger_table = make_table(self.ledger_model, word_wrap=False)
        self.ledger_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.ledger_table.selectionModel().currentRowChanged.connect(lambda _c, _p: self.enable_buttons())
        self.rule = QComboBox()  # the rules in force: the server's once pulled (filled at each reload)
        self.rule_points: dict[str, int] = {}
        self.rule.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.rule.setMinimumContentsLength(16)
        self.rule.currentIndexChanged.connect(self._rule_chosen)
        self.points = QSpinBox()
        self.points.setRange(-1000, 1000)
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("Reason"))
        self.award_button = QPushButton(self.tr("Record points"))
        self.award_button.clicked.connect(self.award)
        self.reverse_button = QPushButton(self.tr("Reverse the chosen entry"))
        self.reverse_button.clicked.connect(self.reverse)
        self.rule_sources: dict[str, bool] = {}
        self.rule_source = QLabel()  # no seed gives points: each is the community's to set
        self.rule_points_button = QPushButton(self.tr("Make these the rule's points"))
        self.rule_points_button.setToolTip(self.tr("Community staff set the points of each rule item; members see them after the next sync"))
        self.rule_points_button.clicked.connect(self.set_rule_points)
        self._rule_chosen()
        box = QGroupBox(self.tr("Ledger"))
        form = QFormLayout(box)
        form.addRow(self.balance)
        form.addRow(self.message)
        form.addRow(self.ledger_table)
        form.addRow(self.tr("Rule item"), self.rule)
        form.addRow("", self.rule_source)
        form.addRow(self.tr("Points"), pair(self.points, self.rule_points_button))
        form.addRow(self.tr("Reason"), self.note)
        row = QHBoxLayout()
        row.addWidget(self.award_button)
        row.addWidget(self.reverse_button)
        form.addRow(row)
        return box

    def _ledger_columns(self) -> list[Column]:
        lang = self.ctx.lang

        return [
            Column(self.tr("When"), lambda r: local_time(r.at, year=True)),
            Column(self.tr("Points"), lambda r: f"{r.points:+d}", align_right=True,
                   colour=lambda r: QColor(OK) if r.points > 0 else QColor(ERROR)),
            Column(self.tr("Source"), lambda r: value_text("ledger_entry", "source_kind", r.source_kind, lang)),
            Column(self.tr("Rule item"), lambda r: r.rule_name if lang.startswith("zh") else r.rule_name_en),
            Column(self.tr("Reason"), lambda r: (r.note or "") + (self.tr(" (reversed)") if r.reversed else ""),
                   colour=lambda r: QColor(MUTED) if r.reversed else None),
        ]

    def _board_box(self) -> QWidget:
        self.by = QComboBox()
        for key, label in (("community", self.tr("By community")), ("grid", self.tr("By grid")), ("team", self.tr("By team"))):
            self.by.addItem(label, key)
        self.period = QComboBox()
        names = {"month": self.tr("This month"), "last_month": self.tr("Last month"), "year": self.tr("This year"),
                 "all": self.tr("All time")}
        for key, period in periods(local_day(utcnow())):
            self.period.addItem(names[key], period)
        self.period.setCurrentIndex(2)
        self.groups = QCheckBox(self.tr("Rank the groups"))
        for signal in (self.by.currentIndexChanged, self.period.currentIndexChanged, self.groups.toggled):
            signal.connect(lambda *_: self.load_board())
        self.board_model = RowsModel([
            Column(self.tr("Rank"), lambda r: str(r.rank), align_right=True),
            Column(self.tr("Name"), lambda r: r.name),
            Column(self.tr("Group"), lambda r: r.group),
            Column(self.tr("Points"), lambda r: str(r.points), align_right=True),
        ], self)
        self.board_table = make_table(self.board_model, word_wrap=False)
        self.board_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        box = QGroupBox(self.tr("Rankings"))
        column = QVBoxLayout(box)
        row = QHBoxLayout()
        row.addWidget(self.by)
        row.addWidget(self.period)
        column.addLayout(row)
        column.addWidget(self.groups)
        column.addWidget(self.board_table, 1)
        return box

    def _rule_chosen(self, *_args) -> None:
        code = self.rule.currentData() or ""
        points = self.rule_points.get(code)
        if points is not None:
            self.points.setValue(points)
        self._show_rule_source()

    def _show_rule_source(self) -> None:
        code = self.rule.currentData() or ""
        if code in self.rule_sources:
            self.rule_source.setText(self.tr("Area named in the seed rules; points set by the community") if self.rule_sources[code]
                                     else self.tr("Points set by the community"))

    def _fill_rules(self, choices) -> None:
        labels = [label for _c, label, _p in choices]
        if labels == [self.rule.itemText(i) for i in range(self.rule.count())]:
            return
        chosen = self.rule.currentData()
        self.rule_points = {code: points for code, _label, points in choices}
        self.rule.blockSignals(True)
        self.rule.clear()
        for code, label, _points in choices:
            self.rule.addItem(label, code)
        self.rule.blockSignals(False)
        self.rule.setCurrentIndex(max(self.rule.findData(chosen), 0))
        self._rule_chosen()

    # -- loading ------------------------------------------------------------------------------------------------
    @async_slot()
    async def reload(self) -> None:
        generation = self.begin_load()
        rows = await self.ctx.runner.call(member_queries.members, self.ctx.store, "all", self.search.text(), guard=self)
        choices = await self.ctx.runner.call(rule_items.rule_choices, self.ctx.store, self.ctx.lang, guard=self)
        sources = await self.ctx.runner.call(rule_items.rule_sources, self.ctx.store, guard=self)
        if not self.is_latest(generation):
            return
        self.rule_sources = sources
        self._fill_rules(choices)  # the rule chosen stays, and so do the points typed for it
        self._show_rule_source()
        self.show_rows(rows, self.current.id if self.current is not None else None)
        self.load_board()

    @async_slot()
    async def load_board(self) -> None:
        rows = await self.ctx.runner.call(point_queries.board, self.ctx.store, self.by.currentData(), self.period.currentData(),
                                          groups=self.groups.isChecked(), guard=self)
        self.board_model.set_rows(rows)

    def row_chosen(self, row) -> None:
        self.current = row
        if row is None:
            self.balance.setText(self.tr("Choose a member in the list."))
            self.ledger_model.set_rows([])
            self.enable_buttons()
            return
        self._load_ledger(row.id)

    @async_slot(str)
    async def _load_ledger(self, member_id: str) -> None:
        balance, entries = await self.ctx.runner.call(point_queries.ledger, self.ctx.store, member_id, guard=self)
        if self.current is None or self.current.id != member_id:
            return
        said = self.tr("{0}: 1 point") if balance == 1 else self.tr("{0}: {1} points")
        self.balance.setText(said.format(self.current.name, balance))
        # The entry chosen to reverse stays chosen when the ledger is read again (after work, a sync).
        set_rows_keeping_selection(self.ledger_table, entries, lambda e: e.id)
        self.enable_buttons()

    def chosen_entry(self):
        index = self.ledger_table.currentIndex()
        return self.ledger_model.row(index.row()) if index.isValid() else None

    def enable_buttons(self) -> None:
        self.award_button.setEnabled(self.current is not None)
        self.rule_points_button.setEnabled(self.ctx.actor.role in STAFF and self.rule.currentData() is not None)
        entry = self.chosen_entry()
        self.reverse_button.setEnabled(entry is not None and not entry.reversed and entry.source_kind not in ("reversal", "redemption"))

    # -- acting ---------------------------------------------------------------------------------------------------
    def award(self) -> None:
        if self.current is None:
            return
        self.start_work((self.award_button, self.reverse_button), point_service.manual_entry, self.current.id,
                        self.points.value(), self.rule.currentData(), self.note.text(), verified_by=self.ctx.actor.id, actor_role=self.ctx.actor.role,
                        done=self.tr("Recorded."), after=lambda _r: self.note.clear())

    def set_rule_points(self) -> None:
        code = self.rule.currentData()
        if code is None:
            return
        self.start_work((self.rule_points_button,), point_service.set_rule_points, code, self.points.value(),
                        actor_id=self.ctx.actor.id, actor_role=self.ctx.actor.role,
                        done=self.tr("The rule's points are changed: members see them after the next sync."))

    def reverse(self) -> None:
        entry = self.chosen_entry()
        if entry is None:
            return
        self.start_work((self.award_button, self.reverse_button), point_service.reverse, entry.id, self.note.text(),
                        verified_by=self.ctx.actor.id, actor_role=self.ctx.actor.role, done=self.tr("Reversed."), after=lambda _r: self.note.clear())
