"""The server-managed tables in force on this device: incident categories, the holiday calendar and the
inspection checklists of places.

The server sends its category and holiday records at every sync (server-
managed entities, pull only). The pull keeps them here (`keep_changes`, in
Meta, in the transaction of the page), and from then on they are the tables
this device uses offline: deadlines are counted on the server's holiday
table, reports are checked against its categories.

They are laid over the tables shipped with the app: a synced holiday year
replaces that year of the shipped table, a synced category replaces (or
withdraws) the one of its code. So a device linked before the server's
records were kept — which receives only what changes from then on, e.g. the
next year's 调休 table imported each November — still has every year.

Parsed tables are cached by the stored text, so asking is cheap.
"""

from __future__ import annotations

import json
import logging
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlmodel import Session

from ..domain.categories import CategoryTable, load_categories, table_with_records
from ..domain.errors import GridWorkerError
from ..domain.lifecycle import Rules
from ..domain.places.checklists import ChecklistTable, load_checklists
from ..domain.places.checklists import table_with_records as checklist_table_with_records
from ..domain.workdays import TZ, WorkCalendar
from ..store.meta import get_meta, set_meta

log = logging.getLogger(__name__)

KEYS = {"holiday": "server.holiday", "category": "server.category", "checklist": "server.checklist"}  # entity → Meta key: {record id: data}
KEPT = frozenset(KEYS)


def keep_changes(s: Session, entity: str, changes: list[dict[str, Any]]) -> int:
    """Keep pulled category or holiday records (upserts and withdrawals), in the caller's transaction."""
    key = KEYS[entity]
    held: dict[str, dict] = json.loads(get_meta(s, key) or "{}")
    kept = 0
    for change in changes:
        rid, op, data = change.get("id"), change.get("op"), change.get("data")
        if not isinstance(rid, str):
            continue
        if op == "upsert" and isinstance(data, dict):
            held[rid] = data
        elif op == "delete":
            held[rid] = dict(data if isinstance(data, dict) else held.get(rid, {}), deleted=True)
        else:
            continue
        kept += 1
    if kept:
        set_meta(s, key, json.dumps(held, ensure_ascii=False, sort_keys=True))
    return kept


def _held_text(s: Session, entity: str) -> str:
    return get_meta(s, KEYS[entity]) or ""


# -- the calendar ------------------------------------------------------------------------------
@lru_cache(maxsize=8)
def _calendar(text: str) -> WorkCalendar:
    shipped = WorkCalendar.default()
    live = [r for r in json.loads(text).values() if not r.get("deleted")] if text else []
    if not live:
        return shipped
    try:
        synced = WorkCalendar.from_periods(live)
    except GridWorkerError as exc:
        log.warning("the server's holiday table cannot be used, the shipped one stays: %s", exc.message("en"))
        return shipped
    try:
        return shipped.with_years_of(synced)
    except GridWorkerError:
        return synced  # a period across the new year clashing with the shipped year: the server's word


@lru_cache(maxsize=8)
def _rules(text: str) -> Rules:
    return Rules(_calendar(text))


def work_calendar(s: Session) -> WorkCalendar:
    """The holiday calendar deadlines are counted on here: the server's, over the shipped one."""
    return _calendar(_held_text(s, "holiday"))


def rules(s: Session) -> Rules:
    """The incident lifecycle rules on the calendar in force."""
    return _rules(_held_text(s, "holiday"))


def calendar_of(store: Any) -> WorkCalendar:
    with store.read() as s:
        return work_calendar(s)


def missing_holiday_years(store: Any, today: date | None = None) -> list[int]:
    """Years the calendar in force does not cover that deadlines set now may need (then only weekends
    are off: the user must be told). See WorkCalendar.missing_years."""
    return calendar_of(store).missing_years(today or datetime.now(TZ).date())


# -- the categories ----------------------------------------------------------------------------
@lru_cache(maxsize=8)
def _categories(text: str) -> CategoryTable:
    shipped = load_categories()
    records = list(json.loads(text).values()) if text else []
    return table_with_records(shipped, records) if records else shipped


def category_table(s: Session) -> CategoryTable:
    """The categories in force here: the server's, over the shipped table."""
    return _categories(_held_text(s, "category"))


def categories_of(store: Any) -> CategoryTable:
    with store.read() as s:
        return category_table(s)


# -- the inspection checklists ------------------------------------------------------------------
@lru_cache(maxsize=8)
def _checklists(text: str) -> ChecklistTable:
    shipped = load_checklists()
    records = list(json.loads(text).values()) if text else []
    return checklist_table_with_records(shipped, records) if records else shipped


def checklist_table(s: Session) -> ChecklistTable:
    """The inspection checklists in force here: the server's items laid over the shipped table."""
    return _checklists(_held_text(s, "checklist"))


def checklists_of(store: Any) -> ChecklistTable:
    with store.read() as s:
        return checklist_table(s)
