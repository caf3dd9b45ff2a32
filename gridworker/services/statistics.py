"""Statistics of a grid or a community over a period, and their Excel export.

Definitions (also in docs/fieldwork.md), for the areas chosen and every area
below them, and a period of China calendar days [start, end]:

- households visited / total: live households of the areas; visited = at
  least one visit that met someone (outcome "met") in the period.
- special-group coverage: living people tagged with a special group whose
  household was visited (as above) in the period / all such people.
- visits per worker: every visit logged in the areas in the period, by visitor
  (all outcomes), and how many of them met someone.
- incidents: those reported in the period, by category and by present status.
- completion rate (办结率): closed by the end of the period / reported in the
  period, rejected ones left out of both.
- on-time rate (按期办结率): closed ones never judged overdue / closed ones.
- handling time: report → handled (the latest handling), in hours and in
  working days (holiday table, make-up days counted), averaged over the
  incidents reported in the period that were handled.
- overdue list: incidents reported in the period judged overdue at a
  transition, or still on the clock past their deadline at `as_of`.
- rework: the sum of rework counts (verification failed, reopened) and how
  many incidents needed any.

Everything is counted by SQL aggregation over covering indexes made for it
(domain.fieldwork); only the working-day average walks rows, as pairs of
times, each measured by the calendar (WorkCalendar.working_time_between).
"""

from __future__ import annotations

import os
import unicodedata
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import and_, case, exists, func, literal_column, or_, select
from sqlmodel import Session

from ..domain.categories import load_categories
from ..domain.enums import SPECIAL_GROUP_TAGS, PersonStatus, Status
from ..domain.fieldwork import CHINA_TZ, Incident, Visit, day_start
from ..domain.lifecycle import CLOCK_RUNNING
from ..domain.models import Household, Person, utcnow
from ..domain.workdays import DAY, WorkCalendar
from ..store.areas import areas_below
from . import figures, tables
from .figures import CONTACT_OUTCOMES
from .refused import accepted


@dataclass
class WorkerVisits:
    visitor_id: str
    visits: int  # every visit logged
    met: int  # of which met someone


@dataclass
class OverdueIncident:
    incident_id: str
    title: str
    category: str
    status: str
    level: str
    assignee_id: str | None
    reported_at: datetime
    deadline: datetime | None
    still_open: bool  # on the clock past the deadline, as opposed to finished late


@dataclass
class Statistics:
    area_ids: list[str]
    start: date
    end: date
    as_of: datetime
    households_total: int = 0
    households_visited: int = 0
    special_total: int = 0
    special_covered: int = 0
    visits_total: int = 0
    visits_by_worker: list[WorkerVisits] = field(default_factory=list)
    incidents_reported: int = 0
    incidents_rejected: int = 0
    by_category: dict[str, int] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)
    closed: int = 0
    closed_on_time: int = 0
    handled: int = 0
    avg_handling_hours: float | None = None
    avg_handling_workdays: float | None = None
    overdue: list[OverdueIncident] = field(default_factory=list)
    rework_total: int = 0
    reworked_incidents: int = 0

    @property
    def visit_rate(self) -> float | None:
        return _ratio(self.households_visited, self.households_total)

    @property
    def special_coverage(self) -> float | None:
        return _ratio(self.special_covered, self.special_total)

    @property
    def completion_rate(self) -> float | None:
        return _ratio(self.closed, self.incidents_reported - self.incidents_rejected)

    @property
    def on_time_rate(self) -> float | None:
        return _ratio(self.closed_on_time, self.closed)


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def compute_statistics(
    store: Any,
    area_ids: Iterable[str],
    start: date,
    end: date,
    *,
    as_of: datetime | None = None,
    calendar: WorkCalendar | None = None,
) -> Statistics:
    """The figures for these areas (and all below them) over [start, end], China days, both included."""
    if end < start:
        raise ValueError("the period ends before it starts")
    lo, hi = day_start(start), day_start(end + timedelta(days=1))
    as_of = min(as_of or utcnow(), hi)
    stats = Statistics(list(area_ids), start, end, as_of)
    with store.read() as s:
        areas = sorted(areas_below(s, stats.area_ids))
        _visit_figures(s, stats, areas, lo, hi)
        _incident_figures(s, stats, areas, lo, hi)
        _handling_workdays(s, stats, areas, lo, hi, calendar or tables.work_calendar(s))
        stats.overdue = _overdue(s, areas, lo, hi, as_of)
    return stats


# -- visits ------------------------------------------------------------------------------------
def _met_in_period(household_id, lo: datetime, hi: datetime):
    """EXISTS a visit that met someone at this household in the period (answered from ix_visit_household_at)."""
    return exists(
        select(1).where(
            Visit.household_id == household_id,
            Visit.visited_at >= lo,
            Visit.visited_at < hi,
            Visit.outcome.in_(CONTACT_OUTCOMES),
            Visit.deleted == False,  # noqa: E712
            accepted(Visit),  # refused by the server: not a visit made (services.refused)
        )
    )


def _visit_figures(s: Session, stats: Statistics, areas: list[str], lo: datetime, hi: datetime) -> None:
    live = and_(Household.area_id.in_(areas), Household.deleted == False)  # noqa: E712
    met = _met_in_period(Household.id, lo, hi)
    stats.households_total, stats.households_visited = s.execute(
        select(func.count(), func.count(case((met, 1)))).select_from(Household).where(live)
    ).one()

    tags = func.json_each(Person.tags).table_valued("value")
    special = exists(select(1).select_from(tags).where(tags.c.value.in_([t.value for t in SPECIAL_GROUP_TAGS])))
    people = and_(
        Person.area_id.in_(areas),
        Person.status == PersonStatus.active.value,
        Person.deleted == False,  # noqa: E712
        # Stated with a literal 0, as in the partial index ix_person_tagged, so that SQLite reads that index.
        func.json_array_length(Person.tags) > literal_column("0"),
        special,
    )
    covered = _met_in_period(Person.household_id, lo, hi)
    stats.special_total, stats.special_covered = s.execute(
        select(func.count(), func.count(case((covered, 1)))).select_from(Person).where(people)
    ).one()

    # Grouped by grid and worker, the order of ix_visit_area_visitor: no sort; the grids are summed here.
    met = case((Visit.outcome.in_(CONTACT_OUTCOMES), 1))
    rows = s.execute(
        select(Visit.visitor_id, func.count(), func.count(met))
        .where(Visit.area_id.in_(areas), Visit.visited_at >= lo, Visit.visited_at < hi, Visit.deleted == False,  # noqa: E712
               accepted(Visit))  # fmt: skip
        .group_by(Visit.area_id, Visit.visitor_id)
    ).all()
    by_worker: dict[str, WorkerVisits] = {}
    for visitor_id, visits, met_visits in rows:
        w = by_worker.setdefault(visitor_id, WorkerVisits(visitor_id, 0, 0))
        w.visits += visits
        w.met += met_visits
    stats.visits_by_worker = sorted(by_worker.values(), key=lambda w: (-w.visits, w.visitor_id))
    stats.visits_total = sum(w.visits for w in stats.visits_by_worker)


# -- incidents -------------------------------------------------------------------------------------
def _reported(areas: list[str], lo: datetime, hi: datetime):
    return and_(
        Incident.area_id.in_(areas),
        Incident.reported_at >= lo,
        Incident.reported_at < hi,
        Incident.deleted == False,  # noqa: E712
        accepted(Incident),  # a report the server refused is not an incident (services.refused)
    )


def _incident_figures(s: Session, stats: Statistics, areas: list[str], lo: datetime, hi: datetime) -> None:
    """One pass over the incidents of the period, grouped by category and status; the rest is folding."""
    closed = and_(Incident.status == Status.closed.value, Incident.closed_at < hi)
    hours = (func.julianday(Incident.handled_at) - func.julianday(Incident.reported_at)) * 24.0
    rows = s.execute(
        select(
            Incident.category,
            Incident.status,
            func.count(),
            func.count(case((closed, 1))),
            func.count(case((and_(closed, Incident.overdue == False), 1))),  # noqa: E712
            func.coalesce(func.sum(Incident.rework_count), 0),
            func.count(case((Incident.rework_count > 0, 1))),
            func.count(Incident.handled_at),
            func.coalesce(func.sum(hours), 0.0),
        )
        .where(_reported(areas, lo, hi))
        .group_by(Incident.category, Incident.status)
    ).all()
    by_category: dict[str, int] = {}
    total_hours = 0.0
    for category, status, n, n_closed, on_time, rework, reworked, handled, hours_sum in rows:
        by_category[category] = by_category.get(category, 0) + n
        stats.by_status[status] = stats.by_status.get(status, 0) + n
        stats.closed += n_closed
        stats.closed_on_time += on_time
        stats.rework_total += rework
        stats.reworked_incidents += reworked
        stats.handled += handled
        total_hours += hours_sum
    stats.by_category = dict(sorted(by_category.items(), key=lambda kv: (-kv[1], kv[0])))
    stats.incidents_reported = sum(stats.by_status.values())
    stats.incidents_rejected = stats.by_status.get(Status.rejected.value, 0)
    stats.avg_handling_hours = total_hours / stats.handled if stats.handled else None


def _handling_workdays(
    s: Session, stats: Statistics, areas: list[str], lo: datetime, hi: datetime, calendar: WorkCalendar
) -> None:
    """The average working time from report to handling, in working days (the calendar's own clock)."""
    if not stats.handled:
        return
    pairs = s.execute(
        select(Incident.reported_at, Incident.handled_at).where(
            _reported(areas, lo, hi), Incident.handled_at != None  # noqa: E711
        )
    ).all()
    total = sum((calendar.working_time_between(_utc(a), _utc(b)) for a, b in pairs), timedelta(0))
    stats.avg_handling_workdays = total / DAY / len(pairs)


def _utc(moment: datetime) -> datetime:
    """A stored time (SQLite gives it back without its zone; it is UTC)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _overdue(s: Session, areas: list[str], lo: datetime, hi: datetime, as_of: datetime) -> list[OverdueIncident]:
    running = and_(
        Incident.status.in_([st.value for st in CLOCK_RUNNING]), Incident.deadline != None, Incident.deadline < as_of  # noqa: E711
    )
    rows = s.execute(
        select(
            Incident.id, Incident.title, Incident.category, Incident.status, Incident.level, Incident.assignee_id,
            Incident.reported_at, Incident.deadline, running,
        )
        .where(_reported(areas, lo, hi), or_(Incident.overdue == True, running))  # noqa: E712
        .order_by(Incident.deadline, Incident.reported_at)
    ).all()
    return [OverdueIncident(*r[:8], still_open=bool(r[8])) for r in rows]


# -- Excel ---------------------------------------------------------------------------------------
def export_statistics(stats: Statistics, path: str | Path, *, names: dict[str, str] | None = None) -> Path:
    """Write the figures to an .xlsx workbook (Chinese headers); `names` maps user and area ids to names."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    names = names or {}
    wb = Workbook()
    summary = wb.active
    summary.title = "概览"
    _table(summary, ("指标", "数值", "说明"), _summary_rows(stats, names))
    _table(
        wb.create_sheet("走访统计"),
        ("网格员", "走访次数", "见面次数"),
        [(names.get(w.visitor_id, w.visitor_id), w.visits, w.met) for w in stats.visits_by_worker],
    )
    labels = load_categories()
    _table(
        wb.create_sheet("事件分类"),
        ("类别代码", "类别", "事件数"),
        [(code, labels.path_label(code) if code in labels else code, n) for code, n in stats.by_category.items()],
    )
    _table(
        wb.create_sheet("事件状态"),
        ("状态", "事件数"),
        [(Status(st).label("zh") if st in _STATUSES else st, n) for st, n in stats.by_status.items()],
    )
    _table(
        wb.create_sheet("超期事件"),
        ("标题", "类别", "状态", "层级", "处置人", "上报时间", "办理期限", "仍在办理"),
        [
            (
                o.title,
                labels.path_label(o.category) if o.category in labels else o.category,
                Status(o.status).label("zh"),
                "街道" if o.level == "street" else "社区",
                names.get(o.assignee_id or "", o.assignee_id or ""),
                _local_text(o.reported_at),
                _local_text(o.deadline),
                "是" if o.still_open else "否",
            )
            for o in stats.overdue
        ],
    )
    for sheet in wb.worksheets:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    target = Path(path)
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        wb.save(tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


_STATUSES = {s.value for s in Status}


def _summary_rows(stats: Statistics, names: dict[str, str]) -> list[tuple]:
    def pct(x: float | None) -> str:
        return "—" if x is None else f"{x * 100:.1f}%"

    def num(x: float | None) -> Any:
        return "—" if x is None else round(x, 2)

    areas = "、".join(names.get(a, a) for a in stats.area_ids)
    return [
        ("统计范围", areas, "所选区域及其下属网格"),
        ("统计期间", f"{stats.start.isoformat()} 至 {stats.end.isoformat()}", "含首尾两日"),
        # The visit figures by their one definition (services.figures), named with their unit.
        (figures.HOUSEHOLDS_TOTAL.heading("zh"), stats.households_total, figures.HOUSEHOLDS_TOTAL.means_zh),
        (figures.HOUSEHOLDS_VISITED.heading("zh"), stats.households_visited, "期间内" + figures.HOUSEHOLDS_VISITED.means_zh),
        ("走访覆盖率", pct(stats.visit_rate), f"{figures.HOUSEHOLDS_VISITED.zh} / {figures.HOUSEHOLDS_TOTAL.zh}"),
        (figures.SPECIAL_PEOPLE.heading("zh"), stats.special_total, figures.SPECIAL_PEOPLE.means_zh),
        (figures.SPECIAL_PEOPLE_VISITED.heading("zh"), stats.special_covered, "期间内" + figures.SPECIAL_PEOPLE_VISITED.means_zh),
        ("重点人群覆盖率", pct(stats.special_coverage), f"{figures.SPECIAL_PEOPLE_VISITED.zh} / {figures.SPECIAL_PEOPLE.zh}"),
        (figures.VISITS_LOGGED.heading("zh"), stats.visits_total, figures.VISITS_LOGGED.means_zh),
        ("上报事件", stats.incidents_reported, "期间内上报"),
        ("不予受理", stats.incidents_rejected, ""),
        ("已办结", stats.closed, "期末前办结"),
        ("办结率", pct(stats.completion_rate), "已办结 / (上报 − 不予受理)"),
        ("按期办结", stats.closed_on_time, "办结且从未超期"),
        ("按期办结率", pct(stats.on_time_rate), "按期办结 / 已办结"),
        ("平均办理时长（小时）", num(stats.avg_handling_hours), "上报至办理完成"),
        ("平均办理时长（工作日）", num(stats.avg_handling_workdays), "按节假日表计算"),
        ("超期事件", len(stats.overdue), "见“超期事件”表"),
        ("返工次数", stats.rework_total, "核查不通过与重新办理"),
        ("返工事件数", stats.reworked_incidents, ""),
    ]


def _local_text(moment: datetime | None) -> str:
    return "" if moment is None else moment.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")


def display_width(value: Any) -> int:
    """Columns a text takes in Excel's default font: a Chinese character is about two."""
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _table(sheet, headers: tuple[str, ...], rows: Iterable[tuple]) -> None:
    sheet.append(list(headers))
    widths = [display_width(h) for h in headers]
    for row in rows:
        sheet.append(list(row))
        widths = [max(w, display_width(v)) for w, v in zip(widths, row, strict=False)]
    for i, width in enumerate(widths, start=1):
        # Wide enough for the longest label or value of the column (bold headers: a little more), capped.
        sheet.column_dimensions[sheet.cell(row=1, column=i).column_letter].width = min(max(10, width + 4), 80)


__all__ = ["OverdueIncident", "Statistics", "WorkerVisits", "compute_statistics", "export_statistics"]
