"""The dashboard (统计): a grid's or a community's figures for a period, as numbers and charts, and to Excel.

Every figure is services.statistics.compute_statistics for the area chosen
(and all below it) over the period chosen; the definitions are in
docs/fieldwork.md. Export writes the same figures with export_statistics.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ...domain.enums import Level, Status
from ...domain.fieldwork import local_day
from ...domain.models import utcnow
from ...services import figures, statistics
from ...services.queries import people as people_queries
from ...services.queries import periods as period_queries
from ...services.queries import places as place_queries
from ..fieldwork.category import categories_for
from ..fieldwork.charts import BarChart, FigureCard, RingChart, Slice
from ..models.column import Column
from ..models.rows import RowsModel
from ..tasks import async_slot
from ..fieldwork.text import LATE, STATUS_COLOURS, category_text, error_text, local_time, person_text
from ..fieldwork.forms import fill_area_combo
from ..places.figures_panel import PlaceFiguresPanel
from ..register.roster import IncompleteRosters
from ..style import ERROR, ERROR_STYLE, MUTED, OK
from ..tables import make_table, set_rows_keeping_selection

WATCHED = {
    "visit", "incident", "incident_event", "household", "person", "roster_member",
    "place", "inspection", "hazard", "hazard_event",
}  # fmt: skip
TOP = 8  # bars per chart; the rest are summed as "other"


class DashboardPage(QWidget):
    page_id = "dashboard"

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.stats: statistics.Statistics | None = None
        self.names: dict[str, str] = {}
        self._stale = True
        self._generation = 0

        self.area = QComboBox()
        self.area.setMinimumWidth(220)
        self.period = QComboBox()
        for key, label in (("this_month", self.tr("This month")), ("last_month", self.tr("Last month")),
                           ("this_year", self.tr("This year")), ("custom", self.tr("Custom"))):  # fmt: skip
            self.period.addItem(label, key)
        self.start, self.end = QDateEdit(), QDateEdit()
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.dateChanged.connect(self._dates_edited)
        self.export_button = QPushButton(self.tr("Export to Excel…"))
        self.export_button.clicked.connect(self.export)
        self.message = QLabel()  # what the figures are of (area, period, as of), or why there are none
        self.message.setWordWrap(True)
        self.outcome = QLabel()  # the export's result: it stays when the figures are computed again (a sync)
        self.outcome.setWordWrap(True)
        self.outcome.hide()
        bar = QHBoxLayout()
        for text, widget in ((self.tr("Area"), self.area), (self.tr("Period"), self.period)):
            label = QLabel(text)
            label.setBuddy(widget)
            bar.addWidget(label)
            bar.addWidget(widget)
        bar.addWidget(self.start)
        bar.addWidget(QLabel("–"))
        bar.addWidget(self.end)
        bar.addStretch(1)
        bar.addWidget(self.export_button)

        self.cards = {
            # The visit figures by their one definition (services.figures): the same words as the
            # walk-round and the Excel export, and their unit (户 or 人) beside the number.
            "visited": FigureCard(figures.HOUSEHOLDS_VISITED.name(self.ctx.lang)),
            "special": FigureCard(figures.SPECIAL_PEOPLE_VISITED.name(self.ctx.lang)),
            "visits": FigureCard(figures.VISITS_LOGGED.name(self.ctx.lang)),
            "reported": FigureCard(self.tr("Incidents reported")),
            "completion": FigureCard(self.tr("Completion rate")),
            "on_time": FigureCard(self.tr("On-time rate")),
            "handling": FigureCard(self.tr("Average handling time")),
            "overdue": FigureCard(self.tr("Overdue")),
            "rework": FigureCard(self.tr("Rework")),
        }
        # Visits on the first row, incidents on the second.
        cards = QVBoxLayout()
        for names in (
            ("visited", "special", "visits", "reported"),
            ("completion", "on_time", "handling", "overdue", "rework"),
        ):
            row = QHBoxLayout()
            for name in names:
                row.addWidget(self.cards[name], 1)
            cards.addLayout(row)
        self.by_category = BarChart(self.tr("Incidents by category"))
        self.by_status = RingChart(self.tr("Incidents by status"))
        self.by_worker = BarChart(self.tr("Visits by grid worker"))
        charts = QGridLayout()
        charts.addWidget(self.by_category, 0, 0)
        charts.addWidget(self.by_status, 0, 1)
        charts.addWidget(self.by_worker, 1, 0)
        self.overdue_model = RowsModel(self._overdue_columns(), self)
        self.overdue = make_table(self.overdue_model, multi=True)
        self.overdue.setMinimumHeight(180)
        header = self.overdue.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.Stretch)
        overdue_title = QLabel(self.tr("Overdue incidents"))
        overdue_title.setStyleSheet("font-weight: bold;")
        overdue_box = QWidget()
        overdue_layout = QVBoxLayout(overdue_box)
        overdue_layout.setContentsMargins(0, 0, 0, 0)
        overdue_layout.addWidget(overdue_title)
        overdue_layout.addWidget(self.overdue, 1)
        charts.addWidget(overdue_box, 1, 1)
        self.rosters = IncompleteRosters(ctx)  # the grids whose team (1+6+N) lacks a required role
        charts.addWidget(self.rosters, 2, 0, 1, 2)

        content = QWidget()
        body = QVBoxLayout(content)
        body.addLayout(cards)
        body.addLayout(charts)
        self.places = PlaceFiguresPanel(ctx)  # places inspected, hazards found / rectified / overdue (issue 15)
        body.addWidget(self.places)
        body.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.message)
        layout.addWidget(self.outcome)
        layout.addWidget(scroll, 1)

        self._compute_timer = QTimer(self, singleShot=True, interval=200)
        self._compute_timer.timeout.connect(self.compute)
        self.area.currentIndexChanged.connect(lambda _i: self._compute_timer.start())
        self.period.currentIndexChanged.connect(self._period_chosen)
        self._period_chosen()
        ctx.data_changed.connect(self._data_changed)

    def title(self) -> str:
        return self.tr("Dashboard")

    def on_shown(self) -> None:
        if self._stale:
            self._stale = False
            self._load_choices()

    @async_slot()
    async def _load_choices(self) -> None:
        self._fill_areas(await self.ctx.runner.call(place_queries.area_choices, self.ctx.store, guard=self))
        await self._load_names()

    @async_slot()
    async def _reload_names(self) -> None:
        await self._load_names()

    async def _load_names(self) -> None:
        self._got_names(await self.ctx.runner.call(people_queries.export_names, self.ctx.store, self.ctx.actor, guard=self))

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.on_shown()

    def _got_names(self, names: dict[str, str]) -> None:
        self.names = names

    def _fill_areas(self, areas) -> None:
        fill_area_combo(self.area, areas, "community")
        self.compute()

    # -- the period --------------------------------------------------------------------------------
    def today(self) -> date:
        return local_day(utcnow())

    def _period_chosen(self, _index: int = -1) -> None:
        key = self.period.currentData()
        custom = key == "custom"
        self.start.setEnabled(custom)
        self.end.setEnabled(custom)
        if not custom:
            start, end = period_queries.period_dates(key, self.today())
            for edit, day in ((self.start, start), (self.end, end)):
                edit.blockSignals(True)
                edit.setDate(QDate(day.year, day.month, day.day))
                edit.blockSignals(False)
        self._compute_timer.start()

    def _dates_edited(self, _date) -> None:
        if self.period.currentData() == "custom":
            self._compute_timer.start()

    def period_range(self) -> tuple[date, date]:
        return self.start.date().toPython(), self.end.date().toPython()

    # -- figures ----------------------------------------------------------------------------------
    def compute(self) -> None:
        area_id = self.area.currentData()
        if not area_id:
            return
        start, end = self.period_range()
        self._generation += 1  # figures still on their way are of an earlier choice: they no longer show
        generation = self._generation
        if end < start:
            self.message.setText(self.tr("The period ends before it starts."))
            self.message.setStyleSheet(ERROR_STYLE)
            return
        self._compute(generation, area_id, start, end)
        self.rosters.load(area_id)
        names = {self.area.itemData(i): self.area.itemText(i).strip() for i in range(self.area.count())}
        self.places.compute(area_id, start, end, names)

    @async_slot()
    async def _compute(self, generation: int, area_id: str, start, end) -> None:
        stats = await self.ctx.runner.call(statistics.compute_statistics, self.ctx.store, [area_id], start, end, guard=self)
        self._computed(generation, stats)

    def _computed(self, generation: int, stats: statistics.Statistics) -> None:
        if generation != self._generation:
            return
        self.stats = stats
        self.message.setText(
            self.tr("{0}, {1} to {2}, as of {3}").format(
                self.area.currentText().strip(),
                stats.start.isoformat(),
                stats.end.isoformat(),
                local_time(stats.as_of, year=True),
            )
        )
        self.message.setStyleSheet(f"color: {MUTED};")
        self._show_cards(stats)
        self._show_charts(stats)
        set_rows_keeping_selection(self.overdue, stats.overdue, lambda o: o.incident_id)  # a recount keeps the rows chosen

    def _show_cards(self, s: statistics.Statistics) -> None:
        c = self.cards
        lang = self.ctx.lang
        c["visited"].set(figures.HOUSEHOLDS_VISITED.fraction(s.households_visited, s.households_total, lang), _pct(s.visit_rate))
        c["special"].set(figures.SPECIAL_PEOPLE_VISITED.fraction(s.special_covered, s.special_total, lang),
                         _pct(s.special_coverage))  # fmt: skip
        for card, figure in (("visited", figures.HOUSEHOLDS_VISITED), ("special", figures.SPECIAL_PEOPLE_VISITED)):
            c[card].setToolTip(figure.means(lang))
        workers = len(s.visits_by_worker)
        c["visits"].set(str(s.visits_total), self.tr("by 1 person") if workers == 1 else self.tr("by {0} people").format(workers))
        c["reported"].set(str(s.incidents_reported), self.tr("{0} rejected").format(s.incidents_rejected))
        c["completion"].set(_pct(s.completion_rate), self.tr("{0} closed").format(s.closed))
        c["on_time"].set(_pct(s.on_time_rate), self.tr("{0} closed on time").format(s.closed_on_time))
        hours = "—" if s.avg_handling_hours is None else self.tr("{0:.1f} h").format(s.avg_handling_hours)
        days = (
            "" if s.avg_handling_workdays is None else self.tr("{0:.2f} working days").format(s.avg_handling_workdays)
        )
        c["handling"].set(hours, days)
        still = sum(1 for o in s.overdue if o.still_open)
        c["overdue"].set(str(len(s.overdue)), self.tr("{0} still open").format(still), alarm=bool(s.overdue))
        reworked = s.reworked_incidents
        c["rework"].set(str(s.rework_total), self.tr("1 incident reworked") if reworked == 1
                        else self.tr("{0} incidents reworked").format(reworked))  # fmt: skip

    def _show_charts(self, s: statistics.Statistics) -> None:
        lang = self.ctx.lang
        nothing = self.tr("Nothing in this period")
        table = categories_for(self.ctx).table
        categories = [(category_text(code, lang, full=True, table=table), n) for code, n in s.by_category.items()]
        self.by_category.set_data(_top(categories, self.tr("Other")), nothing)
        statuses = [
            Slice(Status(st).label(lang), n, STATUS_COLOURS.get(st))
            for st, n in s.by_status.items()
            if st in Status._value2member_map_
        ]
        self.by_status.set_data(statuses, str(s.incidents_reported), nothing)
        workers = [(person_text(w.visitor_id, self.names, lang), w.visits) for w in s.visits_by_worker]
        self.by_worker.set_data(_top(workers, self.tr("Others")), nothing)

    def _overdue_columns(self) -> list[Column]:
        lang, cats = self.ctx.lang, categories_for(self.ctx)
        return [
            Column(self.tr("Title"), lambda o: o.title),
            Column(
                self.tr("Category"),
                lambda o: category_text(o.category, lang, table=cats.table),
                tooltip=lambda o: category_text(o.category, lang, full=True, table=cats.table),
            ),
            Column(
                self.tr("Status"), lambda o: Status(o.status).label(lang), tooltip=lambda o: Level(o.level).label(lang)
            ),
            Column(self.tr("Deadline"), lambda o: local_time(o.deadline), colour=lambda o: LATE),
            Column(self.tr("Assigned to"), lambda o: person_text(o.assignee_id, self.names, lang)),
            Column(self.tr("Still open"), lambda o: self.tr("yes") if o.still_open else self.tr("no")),
        ]

    def _data_changed(self, changes) -> None:
        touched = set(changes.ids)
        if not (WATCHED | {"user"}) & touched:
            return
        if not self.isVisible():
            self._stale = True
            return
        if "user" in touched:  # a sync brought people's names: the per-worker table shows them
            self._reload_names()
        self._compute_timer.start()

    # -- Excel ----------------------------------------------------------------------------------------
    def export(self) -> None:
        if self.stats is None:
            return
        start, end = self.stats.start, self.stats.end
        suggested = Path.home() / f"统计_{self.area.currentText().strip()}_{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export the statistics"), str(suggested), self.tr("Excel workbook (*.xlsx)")
        )
        if path:
            self.export_to(path)

    def export_to(self, path: str) -> None:
        target = Path(path) if path.lower().endswith(".xlsx") else Path(path + ".xlsx")
        self.export_button.setEnabled(False)
        self._say_outcome("", OK)
        self._export(target)

    @async_slot()
    async def _export(self, target: Path) -> None:
        try:
            path = await self.ctx.runner.call(
                statistics.export_statistics, self.stats, target, names=self.names, pool="net", guard=self
            )
        except Exception as exc:  # noqa: BLE001 - every failure is said where the user asked (and logged)
            self.ctx.runner.report(exc, self._export_failed, "export statistics")
            return
        self._exported(path)

    def _exported(self, path: Path) -> None:
        self.export_button.setEnabled(True)
        self._say_outcome(self.tr("Exported to {0}").format(path), OK)

    def _export_failed(self, exc: BaseException) -> None:
        self.export_button.setEnabled(True)
        self._say_outcome(self.tr("Export failed: {0}").format(error_text(exc, self.ctx.lang)), ERROR)

    def _say_outcome(self, text: str, colour: str) -> None:
        self.outcome.setText(text)
        self.outcome.setStyleSheet(f"color: {colour};")
        self.outcome.setVisible(bool(text))


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.1f}%"


def _top(pairs: list[tuple[str, float]], other: str) -> list[Slice]:
    """The largest TOP as bars, the rest summed."""
    pairs = sorted(pairs, key=lambda p: -p[1])
    slices = [Slice(label, n) for label, n in pairs[:TOP]]
    rest = sum(n for _label, n in pairs[TOP:])
    return slices + ([Slice(other, rest, "#9ca3af")] if rest else [])
