"""The status bar says plainly when the holiday calendar lacks a year deadlines need (issue 12, item 4)."""

from __future__ import annotations

import uuid
from datetime import date

from gridworker.services.changes import Changes, publish
from gridworker.sync import pull


def test_a_missing_year_is_warned_of_until_the_server_s_table_arrives(qtbot, ctx, monkeypatch):
    from gridworker.ui.app import make_main_window
    from gridworker.ui.widgets import calendar_warning

    monkeypatch.setattr(calendar_warning, "today", lambda: date(2026, 12, 7))  # the shipped table ends in 2026
    window = make_main_window(ctx)
    qtbot.addWidget(window)
    window.show()
    warning = window.calendar_warning
    qtbot.waitUntil(lambda: warning.isVisible(), timeout=5000)
    assert warning.text() == "⚠ 节假日表缺少 2027 年"  # short: the status bar of a netbook; the whole in the tooltip
    assert warning.toolTip().startswith("⚠ 节假日表缺少 2027 年：这些年份的期限只按周一至周五计算")
    assert "国务院" in warning.toolTip()

    # A sync brings the server's 2027 table: the warning goes.
    with ctx.store.write() as s:
        pull.apply_page(s, [{"entity": "holiday", "id": str(uuid.uuid4()), "op": "upsert", "version": 1, "data": {
            "year": 2027, "name": "元旦", "name_en": "New Year's Day", "from": "2027-01-01", "to": "2027-01-01", "workdays": []}}])  # fmt: skip
    changed = Changes(initiator="sync")
    changed.add("holiday", "any")
    publish(changed)
    qtbot.waitUntil(lambda: not warning.isVisible(), timeout=5000)
    assert warning.missing == []


def test_no_warning_while_the_calendar_covers_this_year(qtbot, ctx, monkeypatch):
    from gridworker.ui.app import make_main_window
    from gridworker.ui.widgets import calendar_warning

    monkeypatch.setattr(calendar_warning, "today", lambda: date(2026, 6, 1))
    window = make_main_window(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.calendar_warning.missing == [] and not ctx.runner.busy, timeout=5000)
    assert not window.calendar_warning.isVisible()
