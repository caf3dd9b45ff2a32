"""公告与意见箱 driven like community staff: publish a notice to a grid (refused without a title), answer an
opinion and close it; the read counts and the counts per month follow the records."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from sqlmodel import select

from gridworker.domain.fieldwork import local_day
from gridworker.domain.models import Outbox
from gridworker.domain.participation_records import Notice, NoticeRead, Opinion
from gridworker.ui.participation.notices import NoticesTab

from .conftest_participation import STAFF, WORKER, p_account, p_ctx, p_store, participation_template, show  # noqa: F401

pytestmark = pytest.mark.timeout(120)


def test_notices_opinions_and_months(qtbot, p_ctx, p_store):
    tab = show(qtbot, NoticesTab(p_ctx(STAFF)))
    tab.on_shown()
    qtbot.waitUntil(lambda: tab.model.rowCount() > 0 and tab.opinion_model.rowCount() > 0, timeout=10_000)
    with p_store.read() as s:
        reads = len(s.exec(select(NoticeRead).where(NoticeRead.notice_id == tab.model.row(0).id)).all())
    assert tab.model.row(0).read_count == reads > 0

    tab.area.setCurrentIndex(tab.area.count() - 1)  # a grid
    tab.body.setPlainText("明天上午停水检修")
    qtbot.mouseClick(tab.publish_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: tab.message.text() == "title is required", timeout=10_000)
    tab.title.setText("停水通知")
    qtbot.waitUntil(tab.publish_button.isEnabled)
    qtbot.mouseClick(tab.publish_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: any(r.title == "停水通知" for r in tab.model.rows()), timeout=10_000)
    with p_store.read() as s:
        notice = s.exec(select(Notice).where(Notice.title == "停水通知")).one()
        assert notice.area_id == tab.area.currentData() and notice.published_by == STAFF.id
        assert s.exec(select(Outbox).where(Outbox.entity == "notice", Outbox.record_id == notice.id)).one().fields.keys() \
            >= {"title", "body", "area_id"}

    first_open = next(i for i, r in enumerate(tab.opinion_model.rows()) if r.status == "open")
    opinion = tab.opinion_model.row(first_open)
    tab.opinion_table.selectRow(first_open)
    assert not tab.close_button.isEnabled()  # not answered yet
    qtbot.mouseClick(tab.answer_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: tab.message.text() == "answer is required", timeout=10_000)
    tab.answer.setPlainText("已联系物业，本周内修复。")
    qtbot.waitUntil(tab.answer_close_button.isEnabled)
    qtbot.mouseClick(tab.answer_close_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: tab.message.text() == "Answered and closed.", timeout=10_000)
    with p_store.read() as s:
        saved = s.get(Opinion, opinion.id)
        everything = list(s.exec(select(Opinion)))
        notices = list(s.exec(select(Notice)))
    assert (saved.status, saved.answer) == ("closed", "已联系物业，本周内修复。")
    month = local_day(saved.submitted_at).strftime("%Y-%m")
    answered = sum(1 for o in everything if local_day(o.submitted_at).strftime("%Y-%m") == month
                   and o.status in ("answered", "closed"))
    qtbot.waitUntil(lambda: any(r.month == month and r.answered == answered for r in tab.month_model.rows()), timeout=10_000)
    assert sum(r.opinions for r in tab.month_model.rows()) == len(everything)
    assert sum(r.notices for r in tab.month_model.rows()) == len(notices)


def test_a_grid_worker_cannot_publish_notices_or_answer_opinions(qtbot, p_ctx, p_store):
    """Notices and answers are the community's (the server takes them from staff only): refused on the tab."""
    tab = show(qtbot, NoticesTab(p_ctx(WORKER)))
    tab.on_shown()
    qtbot.waitUntil(lambda: tab.model.rowCount() > 0 and tab.opinion_model.rowCount() > 0, timeout=10_000)
    with p_store.read() as s:
        notices = len(s.exec(select(Notice)).all())
    tab.title.setText("网格员的公告")
    tab.body.setPlainText("明天上午停水检修")
    qtbot.mouseClick(tab.publish_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: tab.message.text() == "A grid worker cannot publish a notice", timeout=10_000)
    first_open = next(i for i, r in enumerate(tab.opinion_model.rows()) if r.status == "open")
    opinion = tab.opinion_model.row(first_open)
    tab.opinion_table.selectRow(first_open)
    tab.answer.setPlainText("已联系物业")
    qtbot.waitUntil(tab.answer_button.isEnabled)
    qtbot.mouseClick(tab.answer_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: tab.message.text() == "A grid worker cannot answer an opinion", timeout=10_000)
    with p_store.read() as s:
        assert len(s.exec(select(Notice)).all()) == notices
        assert (s.get(Opinion, opinion.id).status, s.get(Opinion, opinion.id).answer) == ("open", None)
        assert not s.exec(select(Outbox).where(Outbox.entity.in_(("notice", "opinion")), Outbox.state == "pending")).all()


def test_a_reload_keeps_the_answer_being_typed(qtbot, p_ctx, p_store):
    """Another opinion answered (a sync, another desk) reloads the opinion box: the opinion chosen stays chosen and
    the answer being typed to it stays — it was put back to the stored answer (none)."""
    from gridworker.services.participation import notices as notice_service

    from .conftest_participation import settled

    tab = show(qtbot, NoticesTab(p_ctx(STAFF)))
    tab.on_shown()
    qtbot.waitUntil(lambda: tab.opinion_model.rowCount() > 0 and settled(tab), timeout=10_000)
    open_rows = [i for i, r in enumerate(tab.opinion_model.rows()) if r.status == "open"]
    chosen, other = (tab.opinion_model.row(i) for i in open_rows[:2])
    tab.opinion_table.selectRow(open_rows[0])
    tab.answer.setPlainText("已联系物业，")

    notice_service.answer_opinion(p_store, other.id, "已处理", actor_id=STAFF.id, actor_role=STAFF.role)
    qtbot.waitUntil(lambda: any(r.id == other.id and r.status == "answered" for r in tab.opinion_model.rows())
                    and settled(tab), timeout=10_000)
    assert tab.chosen_opinion().id == chosen.id
    assert tab.answer.toPlainText() == "已联系物业，"
    assert tab.answer_button.isEnabled()
