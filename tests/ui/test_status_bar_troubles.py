"""The status bar never looks all well while something is stuck: records set aside, or every round failing."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

import pytest

pytestmark = pytest.mark.timeout(60)

SET_ASIDE = [{"entity": "person", "id": "p1", "fields": ["birth_date"]}, {"entity": "household", "id": "h1", "fields": ["size"]}]
REFUSED = {"code": "forbidden", "zh": "服务器拒绝了此账号的同步：请联系管理员", "en": "The server refused this account's sync: ask the administrator",
           "at": "2026-12-07T06:00:00+00:00"}  # fmt: skip


def calm():
    from gridworker.sync.worker import SyncStatus

    return SyncStatus(state="ok", online=True, syncing=False, pending=0, conflicts=0, rejected=0, photos_waiting=0,
                      last_success=datetime.now(timezone.utc), last_error=None)  # fmt: skip


@pytest.fixture
def widget(qtbot, ctx):
    from gridworker.ui.sync_controller import controller_for
    from gridworker.ui.widgets.sync_status import SyncStatusWidget

    w = SyncStatusWidget(ctx, controller_for(ctx))
    qtbot.addWidget(w)
    w.show()
    return w


def said(widget) -> str:
    return " ".join(x.text() for x in (widget.problem_label, widget.review_button, widget.state_label) if x.isVisible())


def test_records_set_aside_are_said_in_the_bar_with_a_count_and_no_green_dot(widget):
    from gridworker.ui.widgets.sync_status import GREEN

    widget.show_status(calm())
    assert GREEN in widget.dot.styleSheet() and not widget.review_button.isVisible()
    widget.show_status(replace(calm(), state="records set aside", set_aside=SET_ASIDE))
    assert GREEN not in widget.dot.styleSheet()
    assert widget.review_button.isVisible()
    assert widget.review_button.text() == "⚠ 2 条记录无法读取"
    widget.show_status(replace(calm(), state="records set aside", set_aside=SET_ASIDE, rejected=1))
    assert widget.review_button.text() == "⚠ 1 项被服务器拒绝 · 2 条记录无法读取"


def test_records_set_aside_in_english(widget):
    from gridworker.ui.settings import install_translators

    install_translators("en")
    widget.ctx.lang = "en"
    widget.show_status(replace(calm(), state="records set aside", set_aside=SET_ASIDE[:1]))
    assert widget.review_button.text() == "⚠ 1 record could not be read"
    widget.show_status(replace(calm(), state="records set aside", set_aside=SET_ASIDE))
    assert widget.review_button.text() == "⚠ 2 records could not be read"
    widget.show_status(replace(calm(), last_error=REFUSED))
    assert widget.problem_label.text() == REFUSED["en"]


def test_a_failing_sync_says_its_error_in_the_bar_and_the_dot_is_not_green(widget):
    from gridworker.ui.widgets.sync_status import GREEN

    widget.show_status(replace(calm(), last_error=REFUSED))
    assert GREEN not in widget.dot.styleSheet()
    assert widget.problem_label.isVisible()
    assert widget.problem_label.text() == REFUSED["zh"]
    assert "{" not in said(widget) and "forbidden" not in said(widget)  # words, not the code
    widget.show_status(calm())  # the next round went well: the message goes
    assert not widget.problem_label.isVisible() and GREEN in widget.dot.styleSheet()
    widget.show_status(replace(calm(), online=False, last_error={"code": "offline"}))  # "Offline" already says it
    assert not widget.problem_label.isVisible() and widget.state_label.text() == "离线"
