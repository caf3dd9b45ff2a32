"""What the participation tabs say, in Chinese and English: no raw codes (statuses, source kinds, skills, rule
items), no ISO times and no ids in any table cell of any tab, on the demo's participation data."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt

from gridworker.domain.participation import tables as rule_tables
from gridworker.ui.pages.participation import ParticipationPage

from .conftest_participation import STAFF, p_account, p_ctx, p_store, participation_template, show  # noqa: F401

pytestmark = pytest.mark.timeout(180)
ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-")
RAW = ({"activity", "order", "wish", "manual", "redemption", "reversal", "submitted", "approved", "returned", "raised",
        "published", "assigned", "taken", "closed", "verified", "cancelled", "requested", "handed_over", "open", "answered",
        "staff", "visit", "resident", "None", "True", "False"}
       | set(rule_tables.skills()) | set(rule_tables.rule_items()) | set(rule_tables.activity_kinds()))


def cells(model):
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            yield model.data(model.index(row, column), Qt.DisplayRole) or ""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_raw_words_in_any_tab(qtbot, p_ctx, lang):
    page = show(qtbot, ParticipationPage(p_ctx(STAFF, lang)), size=(1366, 768))
    seen = 0
    for index in range(page.tabs.count()):
        page.tabs.setCurrentIndex(index)
        tab = page.tabs.currentWidget()
        qtbot.waitUntil(lambda tab=tab: tab.model.rowCount() > 0, timeout=10_000)
        tab.table.selectRow(0)
        qtbot.wait(200)
        qtbot.waitUntil(lambda tab=tab: not tab.ctx.runner.busy, timeout=10_000)
        models = [tab.model] + [m for m in (getattr(tab, n, None) for n in
                                            ("ledger_model", "board_model", "redemption_model", "opinion_model", "month_model"))
                                if m is not None]
        for model in models:
            for text in cells(model):
                seen += 1
                assert text not in RAW, (page.tabs.tabText(index), text)
                assert not ISO_TIME.search(text) and not UUID.search(text), (page.tabs.tabText(index), text)
    assert seen > 500
