"""Pulled categories and holidays are kept and laid over the shipped tables (no server: pages applied directly)."""

import uuid
from datetime import date

from gridworker.services import tables
from gridworker.sync import pull


def _apply(store, changes):
    with store.write() as s:
        return pull.apply_page(s, changes)


def _category(code, op="upsert", **data):
    cid = str(uuid.uuid5(uuid.NAMESPACE_URL, code))
    return {"entity": "category", "id": cid, "op": op, "version": 1,
            "data": {"code": code, "name": "测试", "name_en": "Test", "parent_code": "C01", "kind": "component",
                     "level_default": "community", "photo_required": False, "keywords": []} | data}  # fmt: skip


def test_a_withdrawn_category_leaves_and_a_renamed_one_changes(store):
    _apply(store, [_category("C0101", name="窨井盖"), _category("C0102", op="delete")])
    table = tables.categories_of(store)
    assert table.get("C0101").name == "窨井盖"
    assert "C0102" not in table
    assert "C0103" in table  # the rest of the shipped table stays
    assert [c.code for c in table.children("C01")][:2] == ["C0101", "C0103"]


def test_a_synced_holiday_year_replaces_only_that_year(store):
    assert tables.missing_holiday_years(store, date(2027, 12, 2)) == [2027, 2028]
    page = _apply(store, [{"entity": "holiday", "id": str(uuid.uuid4()), "op": "upsert", "version": 1, "data": {
        "year": 2027, "name": "元旦", "name_en": "New Year's Day", "from": "2027-01-01", "to": "2027-01-01", "workdays": []}}])  # fmt: skip
    assert page.upserts == 1 and page.skipped == 0
    calendar = tables.calendar_of(store)
    assert not calendar.is_workday(date(2027, 1, 1))
    assert not calendar.is_workday(date(2026, 10, 1))  # shipped years kept
    assert tables.missing_holiday_years(store, date(2027, 12, 2)) == [2028]
    assert tables.missing_holiday_years(store, date(2027, 6, 1)) == []  # the next year is looked for from December


def test_a_holiday_record_this_version_cannot_read_leaves_the_shipped_calendar(store):
    _apply(store, [{"entity": "holiday", "id": str(uuid.uuid4()), "op": "upsert", "version": 1, "data": {"date": "2026-10-01"}}])
    assert not tables.calendar_of(store).is_workday(date(2026, 10, 1))
