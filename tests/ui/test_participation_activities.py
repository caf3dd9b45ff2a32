"""活动 driven like community staff: publish a deliberation meeting (refused without a place), and on the day
open the 6-digit check-in code shown big, tick attendance, keep the minutes and decisions, award the points
once; everything offline, in the outbox."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import QDateTime, Qt
from sqlmodel import select

from gridworker.domain.models import Outbox, utcnow
from gridworker.domain.participation_records import Activity, ActivityEvent
from gridworker.services.participation import activities as activity_service
from gridworker.services.queries import points as point_queries
from gridworker.ui.participation.activities import ActivitiesTab
from gridworker.ui.participation.members import checked

from .conftest_participation import STAFF, p_account, p_ctx, p_store, participation_template, show  # noqa: F401

pytestmark = pytest.mark.timeout(120)


def test_publish_a_meeting_in_the_dialog(qtbot, p_ctx, p_store):
    tab = show(qtbot, ActivitiesTab(p_ctx(STAFF)))
    tab.on_shown()
    # No activity chosen: nothing to tick or type that no button would save.
    assert tab.current is None and not any(w.isEnabled() for w in (tab.attendance, tab.minutes, tab.decisions, tab.reason))
    qtbot.waitUntil(lambda: bool(tab.communities), timeout=10_000)
    qtbot.mouseClick(tab.new_button, Qt.LeftButton)
    dialog = tab.new_dialog
    dialog.title.setText("小区停车议事会")
    dialog.kind.setCurrentIndex(dialog.kind.findData("deliberation"))
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: dialog.error.text() == "Give the place of the activity", timeout=10_000)
    dialog.place.setText("社区二楼会议室")
    qtbot.waitUntil(dialog.buttons.isEnabled)
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: any(r.title == "小区停车议事会" for r in tab.model.rows()), timeout=10_000)
    with p_store.read() as s:
        meeting = s.exec(select(Activity).where(Activity.title == "小区停车议事会")).one()
        [event] = s.exec(select(ActivityEvent).where(ActivityEvent.activity_id == meeting.id)).all()
    assert (meeting.kind, meeting.place, meeting.status, event.action) == ("deliberation", "社区二楼会议室", "published", "publish")


def test_on_the_day_code_attendance_minutes_and_points(qtbot, p_ctx, p_store):
    start = utcnow() - timedelta(minutes=20)  # under way now
    meeting = activity_service.publish(
        p_store, area_id=next(iter(_communities(p_store))), actor_id=STAFF.id, actor_role=STAFF.role, title="垃圾分类议事会",
        kind="deliberation", place="社区会议室", starts_at=start, ends_at=start + timedelta(hours=2), points=3,
        rule_item="A12.01", at=start - timedelta(days=2))
    tab = show(qtbot, ActivitiesTab(p_ctx(STAFF, "zh")))
    tab.on_shown()
    qtbot.waitUntil(lambda: any(r.id == meeting.id for r in tab.model.rows()), timeout=10_000)
    tab.table.selectRow(next(i for i, r in enumerate(tab.model.rows()) if r.id == meeting.id))
    qtbot.waitUntil(tab.code_button.isEnabled, timeout=10_000)

    qtbot.mouseClick(tab.code_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: len(tab.code.text().replace(" ", "")) == 6, timeout=10_000)
    assert tab.code.font().pointSize() >= 40  # big enough for the venue's screen
    assert tab.code.text().replace(" ", "") == activity_service.code_of(p_store, meeting.id)

    for i in (0, 1):
        tab.attendance.item(i).setCheckState(Qt.CheckState.Checked)
    ticked = checked(tab.attendance)
    qtbot.mouseClick(tab.attendance_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: tab.message.text() == "已保存到场登记。", timeout=10_000)
    tab.minutes.setPlainText("讨论垃圾分类投放点调整")
    tab.decisions.setPlainText("东门投放点改到北侧\n每周六开展督导")
    qtbot.waitUntil(tab.minutes_button.isEnabled, timeout=10_000)
    qtbot.mouseClick(tab.minutes_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: tab.message.text() == "已保存会议纪要。", timeout=10_000)
    before = {m: point_queries.ledger(p_store, m)[0] for m in ticked}
    qtbot.waitUntil(tab.award_button.isEnabled, timeout=10_000)
    qtbot.mouseClick(tab.award_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: tab.message.text() == "已为2名党员记分。", timeout=10_000)
    qtbot.waitUntil(tab.award_button.isEnabled, timeout=10_000)
    qtbot.mouseClick(tab.award_button, Qt.LeftButton)  # again: nobody is paid twice
    qtbot.waitUntil(lambda: tab.message.text() == "已为0名党员记分。", timeout=10_000)
    assert {m: point_queries.ledger(p_store, m)[0] for m in ticked} == {m: b + 3 for m, b in before.items()}
    with p_store.read() as s:
        activity = s.get(Activity, meeting.id)
        pushed = [o.fields.get("action") for o in s.exec(
            select(Outbox).where(Outbox.entity == "activity_event").order_by(Outbox.seq))]
    assert sorted(activity.attended) == sorted(ticked) and activity.decisions == ["东门投放点改到北侧", "每周六开展督导"]
    assert pushed == ["publish", "open_checkin", "mark_attended", "record_minutes"]


def _communities(store):
    from gridworker.services.queries import members

    return [area_id for area_id, _name in members.communities(store)]


def test_a_reload_keeps_the_minutes_being_typed_and_the_ticks_not_yet_saved(qtbot, p_ctx, p_store):
    """The list reloads whenever an activity changes (a sync, another desk): the activity chosen stays, and so
    does what is typed or ticked about it and not yet saved; what nobody touched shows the new state."""
    start = utcnow() - timedelta(minutes=20)
    meeting = activity_service.publish(
        p_store, area_id=next(iter(_communities(p_store))), actor_id=STAFF.id, actor_role=STAFF.role, title="停车议事会",
        kind="deliberation", place="社区会议室", starts_at=start, ends_at=start + timedelta(hours=2), points=3,
        rule_item="A12.01", at=start - timedelta(days=2))
    ctx = p_ctx(STAFF)
    tab = show(qtbot, ActivitiesTab(ctx))
    tab.on_shown()
    qtbot.waitUntil(lambda: any(r.id == meeting.id for r in tab.model.rows()), timeout=10_000)
    tab.table.selectRow(next(i for i, r in enumerate(tab.model.rows()) if r.id == meeting.id))
    qtbot.waitUntil(lambda: tab.minutes_button.isEnabled() and not ctx.runner.busy, timeout=10_000)
    tab.minutes.setPlainText("讨论停车位划线")
    tab.attendance.item(0).setCheckState(Qt.CheckState.Checked)
    ticked = checked(tab.attendance)

    # Another desk opens the check-in code: the change arrives, the list reloads (debounced) and is read again.
    activity_service.act(p_store, meeting.id, "open_checkin", actor_id=STAFF.id, actor_role=STAFF.role)
    qtbot.waitUntil(lambda: len(tab.code.text().replace(" ", "")) == 6 and not ctx.runner.busy, timeout=10_000)
    assert tab.current.id == meeting.id and tab.selected().id == meeting.id
    assert tab.minutes.toPlainText() == "讨论停车位划线"
    assert checked(tab.attendance) == ticked
    assert tab.decisions.toPlainText() == ""  # untouched: the activity's (still none)


def test_a_member_approved_during_the_meeting_keeps_the_ticks_not_yet_saved(qtbot, p_ctx, p_store):
    """A check-in approved at another desk while attendance is being ticked: the list of members to tick is filled
    again with the new member, and the ticks not yet saved stay on the members ticked."""
    from gridworker.domain.participation_records import Member
    from gridworker.services.participation import members as member_service

    start = utcnow() - timedelta(minutes=20)
    meeting = activity_service.publish(
        p_store, area_id=next(iter(_communities(p_store))), actor_id=STAFF.id, actor_role=STAFF.role, title="楼道议事会",
        kind="deliberation", place="社区会议室", starts_at=start, ends_at=start + timedelta(hours=2), points=3,
        rule_item="A12.01", at=start - timedelta(days=2))
    with p_store.read() as s:
        waiting = next(m for m in s.exec(select(Member).where(Member.status == "submitted")) if not m.to_place)
    ctx = p_ctx(STAFF)
    tab = show(qtbot, ActivitiesTab(ctx))
    tab.on_shown()
    qtbot.waitUntil(lambda: any(r.id == meeting.id for r in tab.model.rows()), timeout=10_000)
    tab.table.selectRow(next(i for i, r in enumerate(tab.model.rows()) if r.id == meeting.id))
    qtbot.waitUntil(lambda: tab.attendance_button.isEnabled() and not ctx.runner.busy, timeout=10_000)
    count = tab.attendance.count()
    for i in (0, count - 1):
        tab.attendance.item(i).setCheckState(Qt.CheckState.Checked)
    ticked = sorted(checked(tab.attendance))

    member_service.review(p_store, waiting.id, "approve", actor_id=STAFF.id, actor_role=STAFF.role)
    qtbot.waitUntil(lambda: tab.attendance.count() == count + 1 and not tab._timer.isActive() and not ctx.runner.busy,
                    timeout=10_000)
    assert sorted(checked(tab.attendance)) == ticked
    assert waiting.id in [tab.attendance.item(i).data(Qt.ItemDataRole.UserRole) for i in range(tab.attendance.count())]
