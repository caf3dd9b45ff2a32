"""The places part of the dashboard: places inspected / total, hazards found / rectified / overdue, by kind and
by grid, and the overdue hazards.

Two kinds of figures, and the words say which: the period's (hazards found in the chosen period, and of
those how many were rectified or are overdue: "Found in this period", "Of those overdue") and now's (every
hazard open past its deadline today, whenever it was found: "Overdue now").

The figures are services.queries.places_register.place_figures for the area
and period the dashboard shows (definitions in domain/places/statistics.py);
the overdue hazards are overdue_hazards now, the longest overdue first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QHeaderView, QLabel, QVBoxLayout, QWidget

from ...domain.fieldwork import CHINA_TZ
from ...domain.models import utcnow
from ...domain.places.checklists import load_checklists, severity_label
from ...domain.places.escalation import day_text
from ...domain.places.kinds import load_kinds
from ...services.queries import places_register
from ..fieldwork.charts import FigureCard
from ..models.column import Column
from ..models.rows import RowsModel
from ..style import ERROR
from ..tables import make_table
from ..tasks import async_slot
from .records import aware


@dataclass(frozen=True)
class FigureRow:
    """One line of the table: a kind or a grid, and its figures."""

    group: str  # "kind" | "grid"
    label: str
    figures: object  # domain.places.statistics.PlaceFigures


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.0f}%"


class PlaceFiguresPanel(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.area_names: dict[str, str] = {}
        self.stats = None
        self._generation = 0
        self.cards = {
            "inspected": FigureCard(self.tr("Places inspected")),
            "found": FigureCard(self.tr("Found in this period")),
            "rectified": FigureCard(self.tr("Hazards rectified")),
            "overdue": FigureCard(self.tr("Overdue now")),
        }
        cards = QHBoxLayout()
        for card in self.cards.values():
            cards.addWidget(card, 1)
        self.figures_model = RowsModel(self._figure_columns(), self)
        self.figures = make_table(self.figures_model)
        self.figures.setMinimumHeight(160)
        self.figures.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.figures.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.overdue_model = RowsModel(self._overdue_columns(), self)
        self.overdue = make_table(self.overdue_model)
        self.overdue.setMinimumHeight(160)
        self.overdue.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.overdue.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        grid = QGridLayout()
        for column, (title, table) in enumerate(((self.tr("This period, by kind and grid"), self.figures),
                                                 (self.tr("Overdue now, all periods"), self.overdue))):  # fmt: skip
            label = QLabel(title)
            label.setStyleSheet("font-weight: bold;")
            grid.addWidget(label, 0, column)
            grid.addWidget(table, 1, column)
        heading = QLabel(self.tr("Places and their safety inspections"))
        heading.setStyleSheet("font-weight: bold; font-size: 11pt;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(heading)
        layout.addLayout(cards)
        layout.addLayout(grid)

    # -- columns ----------------------------------------------------------------------------------
    def _figure_columns(self) -> list[Column]:
        return [
            Column(self.tr("Kind or grid"), lambda r: r.label, 14, bold=lambda r: r.group == "total"),
            Column(self.tr("Inspected"), lambda r: f"{r.figures.inspected}/{r.figures.places}", 6, align_right=True),
            Column(self.tr("Found"), lambda r: str(r.figures.found), 5, align_right=True,
                   tooltip=lambda _r: self.tr("Hazards found in this period")),  # fmt: skip
            Column(self.tr("Rectified"), lambda r: str(r.figures.rectified), 5, align_right=True),
            Column(self.tr("Of those overdue"), lambda r: str(r.figures.overdue), 5, align_right=True,
                   colour=lambda r: QColor(ERROR) if r.figures.overdue else None),  # fmt: skip
        ]

    def _overdue_columns(self) -> list[Column]:
        lang = self.ctx.lang
        checklists = load_checklists()

        def hazard(h) -> str:
            item = checklists.get(h.item_code)
            return item.hazard_label(lang) if item else ""

        return [
            Column(self.tr("Place"), lambda h: h.place_name, 10),
            Column(self.tr("Hazard"), hazard, 18),
            Column(self.tr("Grade"), lambda h: severity_label(h.severity, lang), 5),
            Column(self.tr("Rectify by"), lambda h: day_text(aware(h.deadline), lang) if h.deadline else "", 10,
                   colour=lambda _h: QColor(ERROR)),  # fmt: skip
        ]

    # -- figures ----------------------------------------------------------------------------------
    def compute(self, area_id: str, start: date, end: date, area_names: dict[str, str]) -> None:
        self.area_names = area_names
        self._generation += 1
        self._compute(self._generation, area_id, start, end)

    @async_slot()
    async def _compute(self, generation: int, area_id: str, start: date, end: date) -> None:
        begin = datetime.combine(start, time(), CHINA_TZ)
        finish = datetime.combine(end + timedelta(days=1), time(), CHINA_TZ)

        def read():
            now = utcnow()
            stats = places_register.place_figures(self.ctx.store, start=begin, end=finish, as_of=min(finish, now),
                                                  area_ids=[area_id])  # fmt: skip
            return stats, places_register.overdue_hazards(self.ctx.store, area_ids=[area_id], now=now)

        stats, overdue = await self.ctx.runner.call(read, guard=self)
        if generation == self._generation:
            self.show_figures(stats, overdue)

    def show_figures(self, stats, overdue) -> None:
        self.stats = stats
        t = stats.total
        c = self.cards
        c["inspected"].set(f"{t.inspected}/{t.places}", self.tr("{0} of the places").format(_pct(t.inspected_rate)))
        c["found"].set(str(t.found), self.tr("{0} escalated into incidents").format(t.escalated))
        c["rectified"].set(str(t.rectified), self.tr("{0} of those found, {1} on time").format(
            _pct(t.rectified_rate), t.on_time))  # fmt: skip
        c["overdue"].set(str(len(overdue)), self.tr("open and past their deadline now"), alarm=bool(overdue))
        kinds = load_kinds()
        rows = [FigureRow("total", self.tr("All places"), t)]
        rows += [FigureRow("kind", kinds[k].label(self.ctx.lang) if k in kinds else "", f)
                 for k, f in sorted(stats.by_kind.items(), key=lambda kv: -kv[1].places)]  # fmt: skip
        rows += [FigureRow("grid", self.area_names.get(g or "", self.tr("No grid")), f)
                 for g, f in sorted(stats.by_grid.items(), key=lambda kv: -kv[1].places)]  # fmt: skip
        self.figures_model.set_rows(rows)
        self.overdue_model.set_rows(overdue)
