"""What the participation tabs say, in Chinese and English: no raw codes (statuses, source kinds, skills, rule
items), no ISO times and no ids in any table cell of any tab, on the demo's participation data."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt

from gridworker.domain.participation import tables as rule_tables
from gridworker.ui.pages.participation import ParticipationPage

from .conftest_participation import STAFF, p_account, p_ctx, p_store, participation_template, settled, show  # noqa: F401

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
        qtbot.waitUntil(lambda tab=tab: settled(tab), timeout=10_000)
        models = [tab.model] + [m for m in (getattr(tab, n, None) for n in
                                            ("ledger_model", "board_model", "redemption_model", "opinion_model", "month_model"))
                                if m is not None]
        for model in models:
            for text in cells(model):
                seen += 1
                assert text not in RAW, (page.tabs.tabText(index), text)
                assert not ISO_TIME.search(text) and not UUID.search(text), (page.tabs.tabText(index), text)
    assert seen > 500


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_sync_page_says_participation_values_in_words(lang):
    """A refused or conflicting change of a participation record lists its values on the sync page
    (domain.display.value_text): skills, posts, statuses, kinds, actions, sources and rule items in words."""
    from gridworker.domain.display import value_text

    skills, posts, items = list(rule_tables.skills()), list(rule_tables.posts()), list(rule_tables.rule_items())
    values = [
        ("member", "skills", skills[:3]), ("member", "posts", posts[:2]), ("member", "status", "approved"),
        ("service_order", "status", "closed"), ("service_order", "source", "visit"), ("service_order", "skill", skills[0]),
        ("service_order", "rule_item", items[0]), ("order_event", "action", "give_back"), ("order_event", "skill", skills[1]),
        ("activity", "kind", next(iter(rule_tables.activity_kinds()))), ("activity", "status", "cancelled"),
        ("activity_event", "action", "mark_attended"), ("ledger_entry", "source_kind", "reversal"),
        ("ledger_entry", "rule_item", items[1]), ("redemption", "status", "handed_over"), ("wish", "status", "fulfilled"),
        ("wish_event", "action", "confirm"), ("opinion", "status", "answered"), ("order_event", "actor_role", "member"),
    ]
    for entity, field, value in values:
        shown = value_text(entity, field, value, lang)
        words = shown.replace("、", ",").replace(", ", ",").split(",")
        assert not any(w in RAW or w in value or "_" in w for w in words), (entity, field, shown)
        assert shown not in ("其他", "other", "—"), (entity, field, shown)
    assert value_text("member", "skills", [skills[0]], lang) == rule_tables.skills()[skills[0]].label(lang)


def test_the_sync_page_names_participation_records_kept_here(p_store):
    """A refused change of a member, an order, an item … is listed by what staff know it by, not as a record
    "not on this computer" while it is here (sync.review.record_label)."""
    from sqlmodel import select

    from gridworker.domain.participation_records import (Activity, LedgerEntry, Member, Notice, Opinion, OrderEvent,
                                                         Redemption, ServiceOrder, ShopItem, Wish)
    from gridworker.sync.review import name_of, record_label

    with p_store.read() as s:
        for model in (Member, ServiceOrder, Activity, ShopItem, Redemption, Wish, Notice, Opinion, LedgerEntry):
            row = s.exec(select(model).limit(1)).first()
            assert row is not None, model.entity
            label = record_label(s, model.entity, row.id)
            assert label and not UUID.search(label) and not ISO_TIME.search(label), (model.entity, label)
        member = s.exec(select(Member).limit(1)).one()
        assert record_label(s, "member", member.id) == member.name
        # A step of an order (a rating the server refused) by its order; the order its fields name, by its title.
        event = s.exec(select(OrderEvent).limit(1)).one()
        order_label = record_label(s, "service_order", event.order_id)
        assert order_label and record_label(s, "order_event", event.id) == order_label
        assert name_of(s, event.order_id) == order_label and name_of(s, member.id) == member.name
