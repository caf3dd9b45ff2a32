"""The dashboard's periods: a preset (this month, last month, this year) as the dates it covers."""

from __future__ import annotations

from datetime import date, timedelta


def period_dates(preset: str, today: date) -> tuple[date, date]:
    """First and last day of a named period around `today` (China days)."""
    if preset == "this_month":
        return today.replace(day=1), today
    if preset == "last_month":
        last = today.replace(day=1) - timedelta(days=1)
        return last.replace(day=1), last
    if preset == "this_year":
        return today.replace(month=1, day=1), today
    raise ValueError(f"unknown period {preset!r}")
