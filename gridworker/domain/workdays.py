"""Working days in China: weekends and public holidays off, make-up working days (调休) on.

The holiday table (resources/holidays.json, format in
docs/incident-lifecycle.md) is the only source: the State Council publishes
each year's arrangement late in the year before, so an admin imports later
years as a table of the same shape. Outside the covered years only weekends
are off, and `is_covered` says so.

Working time is counted in whole calendar days of China time: a working day
contributes its 24 hours, a non-working day none. "n working days after a
moment" is the moment at which n × 24 hours of working time have passed —
the same clock time n working days later; from a non-working day the count
starts at midnight of the next working day. When the count ends at the
midnight that begins a non-working day, the result is the midnight that
begins the next working day (no working time passes in between), so a
deadline never falls on a non-working day.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .. import resources_path
from .errors import GridWorkerError


def _china_tz() -> tzinfo:
    try:
        return ZoneInfo("Asia/Shanghai")
    except ZoneInfoNotFoundError:
        # Windows without the tzdata package: China has kept UTC+8 without DST since 1991.
        return timezone(timedelta(hours=8), "CST")


TZ = _china_tz()
DAY = timedelta(days=1)
TABLE_FORMAT = "gridworker-holidays"
TABLE_VERSION = 1
_ENTRY_KEYS = {"name", "name_en", "from", "to", "workdays"}
# A holiday period and its make-up days sit close together; a larger gap is a typo (e.g. a wrong year).
MAX_PERIOD_DAYS = 31
MAX_MAKEUP_DISTANCE_DAYS = 31


class HolidayTableError(GridWorkerError):
    """The holiday table is malformed; the message names the entry."""

    code = "invalid_holiday_table"


@dataclass(frozen=True)
class HolidayPeriod:
    """One line of a State Council notice: days off from `first` to `last`, and the make-up working days."""

    year: int
    name: str
    name_en: str
    first: date
    last: date
    workdays: tuple[date, ...]

    def days_off(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range((self.last - self.first).days + 1)]

    def to_entry(self) -> dict:
        return {
            "name": self.name,
            "name_en": self.name_en,
            "from": self.first.isoformat(),
            "to": self.last.isoformat(),
            "workdays": [d.isoformat() for d in self.workdays],
        }


class WorkCalendar:
    """Answers "is this a working day" and counts working time, from a validated holiday table."""

    def __init__(self, periods: list[HolidayPeriod]):
        self.periods: tuple[HolidayPeriod, ...] = tuple(sorted(periods, key=lambda p: (p.year, p.first)))
        self.years: tuple[int, ...] = tuple(sorted({p.year for p in self.periods}))
        self._off = frozenset(d for p in self.periods for d in p.days_off())
        self._on = frozenset(d for p in self.periods for d in p.workdays)
        self._prefix: dict[int, tuple[int, tuple[int, ...]]] = {}  # year → running count of working days (_year)
        clash = self._off & self._on
        if clash:
            day = min(clash)
            raise HolidayTableError(
                f"节假日表：{day.isoformat()} 同时被列为假日和调休上班日",
                f"Holiday table: {day.isoformat()} is listed both as a day off and as a make-up working day",
            )

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def default(cls) -> "WorkCalendar":
        """The table shipped with the app (resources/holidays.json)."""
        return _default_calendar()

    @classmethod
    def from_table(cls, table: dict) -> "WorkCalendar":
        return cls(parse_table(table))

    @classmethod
    def from_file(cls, path: str | Path) -> "WorkCalendar":
        return cls.from_table(_read_json(Path(path).read_text(encoding="utf-8"), str(path)))

    def merged(self, table: dict) -> "WorkCalendar":
        """This calendar with the years of `table` added; a year present in both is taken from `table`."""
        incoming = parse_table(table)
        replaced = {p.year for p in incoming}
        return WorkCalendar([p for p in self.periods if p.year not in replaced] + incoming)

    @classmethod
    def from_periods(cls, periods: list[dict]) -> "WorkCalendar":
        """From holiday records as the server sends them: {year, name, name_en, from, to, workdays}."""
        return cls.from_table(table_of_periods(periods))

    def with_years_of(self, other: "WorkCalendar") -> "WorkCalendar":
        """This calendar with every year `other` covers taken from `other` (the others kept)."""
        return WorkCalendar([p for p in self.periods if p.year not in other.years] + list(other.periods))

    def missing_years(self, today: date) -> list[int]:
        """The years a deadline set today may need that the table does not cover: this year, and from
        December (the State Council publishes the next year's arrangement in November) the next."""
        wanted = [today.year] + ([today.year + 1] if today.month == 12 else [])
        return [y for y in wanted if y not in self.years]

    def to_table(self) -> dict:
        years: dict[str, list[dict]] = {}
        for p in self.periods:
            years.setdefault(str(p.year), []).append(p.to_entry())
        return {"format": TABLE_FORMAT, "version": TABLE_VERSION, "years": years}

    # -- days ---------------------------------------------------------------------------------

    def is_covered(self, day: date) -> bool:
        """Whether the holiday table knows `day`'s year (otherwise only weekends are off)."""
        return day.year in self.years

    def is_workday(self, day: date) -> bool:
        if isinstance(day, datetime):  # a moment: its day in China time (a datetime never equals a date)
            day = _to_china(day).date()
        if day in self._off:
            return False
        if day in self._on:
            return True
        return day.weekday() < 5

    def next_workday(self, day: date) -> date:
        """The first working day strictly after `day`."""
        day += DAY
        while not self.is_workday(day):
            day += DAY
        return day

    # -- working time -------------------------------------------------------------------------

    def add_working_time(self, start: datetime, amount: timedelta) -> datetime:
        """The moment at which `amount` of working time has passed since `start` (China time)."""
        if amount < timedelta(0):
            raise ValueError("working time to add must not be negative")
        local = _to_china(start)
        day = local.date()
        if self.is_workday(day):
            offset = local - _midnight(day)
        else:
            day, offset = self.next_workday(day), timedelta(0)
        remaining = amount
        while remaining >= DAY - offset:
            remaining -= DAY - offset
            day, offset = self.next_workday(day), timedelta(0)
        return _midnight(day) + offset + remaining

    def add_workdays(self, start: datetime, n: int) -> datetime:
        """The deadline n working days after `start`: same clock time, see the module docstring."""
        return self.add_working_time(start, n * DAY)

    def working_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Working time in [a, b); negative when b is before a.

        In time that does not grow with the span (an incident a year late on a
        board page, a year of statistics): only the first and the last day are
        measured; the whole days in between come from a per-year running count
        of working days, kept on this calendar (a working day is 24 hours).
        """
        if b < a:
            return -self.working_time_between(b, a)
        a, b = _to_china(a), _to_china(b)
        (jan1_a, before_a), (jan1_b, before_b) = self._year(a.year), self._year(b.year)
        i, j = a.toordinal() - jan1_a, b.toordinal() - jan1_b  # the first and last day, in their years
        work_a, work_b = before_a[i + 1] - before_a[i], before_b[j + 1] - before_b[j]
        into_a, into_b = _micros_into_day(a), _micros_into_day(b)
        if a.year == b.year and i == j:
            return timedelta(0, 0, into_b - into_a) if work_a else timedelta(0)
        whole = before_b[j] - before_a[i + 1]
        if a.year != b.year:
            whole += sum(self._year(y)[1][-1] for y in range(a.year, b.year))
        return timedelta(whole, 0, (_DAY_MICROS - into_a) * work_a + into_b * work_b)  # days, seconds, microseconds

    def _year(self, year: int) -> tuple[int, tuple[int, ...]]:
        """1 January's ordinal, and for each day of `year` (0 = 1 January) the working days of the year before it
        (the last entry: the year's total). Counted once per calendar and year: the calendar never changes."""
        counts = self._prefix.get(year)
        if counts is None:
            jan1, running = date(year, 1, 1), [0]
            for n in range((date(year + 1, 1, 1) - jan1).days):
                running.append(running[-1] + self.is_workday(jan1 + timedelta(days=n)))
            counts = self._prefix[year] = (jan1.toordinal(), tuple(running))
        return counts

    def workdays_between(self, a: datetime, b: datetime) -> float:
        """Working time from a to b in days (1.0 = one whole working day)."""
        return self.working_time_between(a, b) / DAY


def _to_china(moment: datetime) -> datetime:
    zone = moment.tzinfo
    if zone is TZ:
        return moment
    if zone is None or (zone is not timezone.utc and moment.utcoffset() is None):
        raise ValueError("working days need a timezone-aware datetime")
    return moment.astimezone(TZ)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=TZ)


_DAY_MICROS = 86_400_000_000


def _micros_into_day(local: datetime) -> int:
    return ((local.hour * 60 + local.minute) * 60 + local.second) * 1_000_000 + local.microsecond


# -- the table ----------------------------------------------------------------------------------


def _read_json(text: str, where: str) -> dict:
    def no_duplicate_keys(pairs):
        counts = Counter(k for k, _ in pairs)
        dupes = [k for k, n in counts.items() if n > 1]
        if dupes:
            raise HolidayTableError(f"节假日表 {where}：键 “{dupes[0]}” 重复", f"Holiday table {where}: key '{dupes[0]}' appears twice")
        return dict(pairs)

    try:
        return json.loads(text, object_pairs_hook=no_duplicate_keys)
    except json.JSONDecodeError as exc:
        raise HolidayTableError(
            f"节假日表 {where} 不是有效的 JSON（第{exc.lineno}行第{exc.colno}列）",
            f"Holiday table {where} is not valid JSON (line {exc.lineno}, column {exc.colno})",
        ) from exc


def table_of_periods(periods: list[dict]) -> dict:
    """A holiday table (the file format) from holiday records: {year, name, name_en, from, to, workdays}."""
    years: dict[str, list[dict]] = {}
    for p in periods:
        entry = {"name": p.get("name"), "from": p.get("from"), "to": p.get("to"), "workdays": p.get("workdays") or []}
        if p.get("name_en"):
            entry["name_en"] = p["name_en"]
        years.setdefault(str(p.get("year")), []).append(entry)
    return {"format": TABLE_FORMAT, "version": TABLE_VERSION, "years": years}


def parse_table(table: dict) -> list[HolidayPeriod]:
    """Validate a holiday table and return its periods; errors name the year and entry."""
    if not isinstance(table, dict):
        raise HolidayTableError("节假日表必须是一个 JSON 对象", "The holiday table must be a JSON object")
    if table.get("format") != TABLE_FORMAT:
        raise HolidayTableError(
            f"节假日表的 format 必须是 “{TABLE_FORMAT}”", f"The holiday table's 'format' must be '{TABLE_FORMAT}'"
        )
    if table.get("version") != TABLE_VERSION:
        raise HolidayTableError(
            f"不支持的节假日表版本：{table.get('version')!r}（支持 {TABLE_VERSION}）",
            f"Unsupported holiday table version {table.get('version')!r} (supported: {TABLE_VERSION})",
        )
    years = table.get("years")
    if not isinstance(years, dict) or not years:
        raise HolidayTableError("节假日表缺少 years", "The holiday table has no 'years'")
    periods: list[HolidayPeriod] = []
    for key, entries in years.items():
        if not (isinstance(key, str) and key.isdigit() and len(key) == 4):
            raise HolidayTableError(f"节假日表：年份 “{key}” 无效（应为四位数字）", f"Holiday table: year '{key}' is not a 4-digit year")
        if not isinstance(entries, list):
            raise HolidayTableError(f"节假日表 {key} 年：应为假日列表", f"Holiday table, year {key}: expected a list of holidays")
        for index, entry in enumerate(entries, start=1):
            periods.append(_parse_entry(int(key), index, entry))
    return periods


def _parse_entry(year: int, index: int, entry: object) -> HolidayPeriod:
    where_zh = f"节假日表 {year} 年第{index}项"
    where_en = f"Holiday table, year {year}, entry {index}"
    if not isinstance(entry, dict):
        raise HolidayTableError(f"{where_zh}：应为对象", f"{where_en}: expected an object")
    name = entry.get("name")
    if isinstance(name, str) and name.strip():
        where_zh, where_en = f"{where_zh}（{name}）", f"{where_en} ({entry.get('name_en') or name})"
    else:
        raise HolidayTableError(f"{where_zh}：缺少名称 name", f"{where_en}: 'name' is missing")
    unknown = sorted(set(entry) - _ENTRY_KEYS)
    if unknown:
        raise HolidayTableError(
            f"{where_zh}：未知字段 {', '.join(unknown)}（允许：{', '.join(sorted(_ENTRY_KEYS))}）",
            f"{where_en}: unknown field(s) {', '.join(unknown)} (allowed: {', '.join(sorted(_ENTRY_KEYS))})",
        )

    def day(field: str, value: object) -> date:
        try:
            if isinstance(value, str) and len(value) == 10:
                return date.fromisoformat(value)
        except ValueError:
            pass
        raise HolidayTableError(
            f"{where_zh}：{field} 日期 {value!r} 无效（格式 YYYY-MM-DD）",
            f"{where_en}: {field} date {value!r} is not a valid date (YYYY-MM-DD)",
        )

    first, last = day("from", entry.get("from")), day("to", entry.get("to"))
    if last < first:
        raise HolidayTableError(f"{where_zh}：to 早于 from", f"{where_en}: 'to' is before 'from'")
    if year not in (first.year, last.year) or (last - first).days >= MAX_PERIOD_DAYS:
        raise HolidayTableError(
            f"{where_zh}：{first}–{last} 不在 {year} 年或超过{MAX_PERIOD_DAYS}天",
            f"{where_en}: {first} to {last} is not in {year} or longer than {MAX_PERIOD_DAYS} days",
        )
    raw_workdays = entry.get("workdays", [])
    if not isinstance(raw_workdays, list):
        raise HolidayTableError(f"{where_zh}：workdays 应为日期列表", f"{where_en}: 'workdays' must be a list of dates")
    workdays = tuple(day("workdays", w) for w in raw_workdays)
    for w in workdays:
        if w.weekday() < 5:
            raise HolidayTableError(
                f"{where_zh}：调休上班日 {w} 不是周末", f"{where_en}: make-up working day {w} is not a Saturday or Sunday"
            )
        if first <= w <= last:
            raise HolidayTableError(
                f"{where_zh}：调休上班日 {w} 在假期之内", f"{where_en}: make-up working day {w} lies inside the holiday"
            )
        if min(abs((w - first).days), abs((w - last).days)) > MAX_MAKEUP_DISTANCE_DAYS:
            raise HolidayTableError(
                f"{where_zh}：调休上班日 {w} 离假期太远", f"{where_en}: make-up working day {w} is too far from the holiday"
            )
    name_en = entry.get("name_en") or name
    if not isinstance(name_en, str):
        raise HolidayTableError(f"{where_zh}：name_en 应为文字", f"{where_en}: 'name_en' must be text")
    return HolidayPeriod(year, name.strip(), name_en.strip(), first, last, workdays)


@lru_cache(maxsize=1)
def _default_calendar() -> WorkCalendar:
    text = resources_path("holidays.json").read_text(encoding="utf-8")
    return WorkCalendar.from_table(_read_json(text, "holidays.json"))
