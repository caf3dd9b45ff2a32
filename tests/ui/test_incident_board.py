"""The incident board driven by three people: accept → dispatch → start → handle → verify → closed.

Three AppContexts over one store stand for the dispatcher's, the handler's and
the grid worker's computers; at each step the buttons enabled are exactly the
actions the core allows that person, and a refused step shows the core's reason.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from sqlmodel import select

from gridworker.domain.fieldwork import IncidentEvent
from gridworker.domain.models import Outbox
from gridworker.services import incidents
from gridworker.services.queries import places as place_queries
from gridworker.ui.fieldwork.text import local_time
from gridworker.ui.pages.incidents import IncidentBoardPage

from .conftest_fieldwork import DISPATCHER, HANDLER, WORKER, activate, click_row, jpeg_with_gps, show
from .conftest_fieldwork import demo_account, demo_store, make_ctx, spot  # noqa: F401 (fixtures)

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def reported(make_ctx, demo_store, tmp_path, spot):
    """A manhole cover reported by the grid worker (the report page is tested on its own)."""
    ctx = make_ctx(WORKER)
    grid = next(a.id for a in place_queries.area_choices(demo_store) if a.level == "grid")
    return incidents.report_incident(
        demo_store, ctx.photos_dir, reporter_id=WORKER.id, reporter_role="worker", category="C0101",
        description="北门井盖破损，有行人踩空危险", photos=[jpeg_with_gps(tmp_path / "cover.jpg", *spot)], area_id=grid,
    )  # fmt: skip


def open_board(qtbot, ctx, incident_id: str, view: str = "all") -> IncidentBoardPage:
    board = show(qtbot, IncidentBoardPage(ctx))
    board.tabs.setCurrentIndex(board.views.index(view))
    qtbot.waitUntil(lambda: any(r.id == incident_id for r in board.model.rows()), timeout=10_000)
    row = next(i for i, r in enumerate(board.model.rows()) if r.id == incident_id)
    click_row(qtbot, board.table, row)
    qtbot.waitUntil(
        lambda: board.detail.detail is not None and board.detail.detail.incident.id == incident_id, timeout=10_000
    )
    return board


def enabled(board) -> set[str]:
    return {a for a, button in board.detail.buttons.items() if button.isEnabled()}


def allowed(store, incident_id: str, actor) -> set[str]:
    return set(incidents.allowed_actions(store, incident_id, actor.id, actor.role))


def act(qtbot, board, action: str, fill=None):
    """Click the action's button, fill the dialog, press its OK; returns the dialog."""
    activate(qtbot, board)
    qtbot.mouseClick(board.detail.buttons[action], Qt.LeftButton)
    qtbot.waitUntil(lambda: board.action_dialog is not None and board.action_dialog.action == action, timeout=10_000)
    dialog = board.action_dialog
    if fill:
        fill(dialog)
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.Ok), Qt.LeftButton)
    return dialog


def wait_status(qtbot, board, status: str) -> None:
    qtbot.waitUntil(
        lambda: board.detail.detail is not None and board.detail.detail.state.status == status, timeout=10_000
    )


def test_accept_dispatch_handle_verify_close_with_three_people(qtbot, make_ctx, demo_store, reported, tmp_path, spot):
    dispatcher = open_board(qtbot, make_ctx(DISPATCHER), reported.id, "to_accept")
    assert (
        enabled(dispatcher)
        == allowed(demo_store, reported.id, DISPATCHER)
        == {"accept", "reject", "escalate", "comment"}
    )
    assert "Accept the incident before dispatching it" in dispatcher.detail.buttons["dispatch"].toolTip()
    assert dispatcher.detail.photos.count() == 1  # the report's photo, as a thumbnail

    act(qtbot, dispatcher, "accept")
    wait_status(qtbot, dispatcher, "accepted")
    act(qtbot, dispatcher, "dispatch", lambda d: d.inputs["assignee_id"].setEditText(HANDLER.id))
    wait_status(qtbot, dispatcher, "dispatched")
    assert dispatcher.detail.detail.state.assignee_id == HANDLER.id
    assert dispatcher.detail.detail.time_left is not None  # the clock runs from the dispatch
    assert enabled(dispatcher) == allowed(demo_store, reported.id, DISPATCHER)

    handler = open_board(qtbot, make_ctx(HANDLER), reported.id, "open")
    assert handler.mine.isChecked()  # a handler sees their own work first
    assert enabled(handler) == allowed(demo_store, reported.id, HANDLER) == {"start", "return", "comment"}
    assert "Start the work before handling" in handler.detail.buttons["handle"].toolTip()
    act(qtbot, handler, "start")
    wait_status(qtbot, handler, "in_progress")

    # Handling without a write-up or an "after" photo is refused with the core's reason, in the dialog.
    dialog = act(qtbot, handler, "handle")
    qtbot.waitUntil(lambda: dialog.errors["note"].isVisible(), timeout=10_000)
    assert "write-up" in dialog.errors["note"].text()
    assert dialog.isVisible()
    dialog.inputs["note"].setPlainText("已更换井盖，设置警示标志")
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.Ok), Qt.LeftButton)
    qtbot.waitUntil(lambda: dialog.errors["photos"].isVisible(), timeout=10_000)
    assert "after" in dialog.errors["photos"].text()
    dialog.inputs["photos"].add_files([str(jpeg_with_gps(tmp_path / "fixed.jpg", *spot, colour=(40, 160, 60)))])
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.Ok), Qt.LeftButton)
    wait_status(qtbot, handler, "handled")
    assert enabled(handler) == allowed(demo_store, reported.id, HANDLER) == {"comment"}

    worker = open_board(qtbot, make_ctx(WORKER), reported.id, "to_verify")
    assert enabled(worker) == allowed(demo_store, reported.id, WORKER)
    assert {"verify_pass", "verify_fail"} <= enabled(worker)
    act(qtbot, worker, "verify_pass")
    wait_status(qtbot, worker, "closed")
    assert enabled(worker) == allowed(demo_store, reported.id, WORKER) == {"rate", "comment"}

    with demo_store.read() as s:
        events = incidents.incident_events(s, reported.id)
        outbox = {r.record_id: r for r in s.exec(select(Outbox).where(Outbox.entity == "incident_event"))}
    assert [(e.action, e.actor_id) for e in events] == [
        ("report", WORKER.id), ("accept", DISPATCHER.id), ("dispatch", DISPATCHER.id), ("start", HANDLER.id),
        ("handle", HANDLER.id), ("verify_pass", WORKER.id),
    ]  # fmt: skip
    assert len(events[4].photo_ids) == 1 and events[4].note == "已更换井盖，设置警示标志"
    assert all(outbox[e.id].state == "pending" for e in events)
    # Every board showing it caught up by itself (data-changed notices), without a click.
    qtbot.waitUntil(lambda: dispatcher.detail.detail.state.status == "closed", timeout=10_000)
    assert enabled(dispatcher) == allowed(demo_store, reported.id, DISPATCHER)


def test_a_refusal_from_the_server_shows_on_the_incident(qtbot, make_ctx, demo_store, reported):
    incidents.transition_incident(demo_store, reported.id, "accept", actor_id=DISPATCHER.id, actor_role="dispatcher")
    with demo_store.write() as s:
        accept = s.exec(select(IncidentEvent).where(IncidentEvent.action == "accept")).one()
        row = s.exec(select(Outbox).where(Outbox.record_id == accept.id)).one()
        row.state = "rejected"
        row.result = {
            "mutation_id": row.mutation_id, "status": "rejected",
            "error": {"code": "role_not_allowed", "message": "Only a dispatcher or an admin can accept incidents",
                      "message_zh": "只有社区工作人员或管理员可以受理"},
        }  # fmt: skip
        s.add(row)
    board = open_board(qtbot, make_ctx(DISPATCHER), reported.id)
    assert board.detail.rejections.isVisible()
    assert "Only a dispatcher or an admin can accept incidents" in board.detail.rejections.text()
    assert "Accept" in board.detail.rejections.text()
    assert "Refused" in board.detail.timeline.text()  # the refused step is marked in the timeline
    made = datetime.fromtimestamp(int(row.hlc[:13]) / 1000, timezone.utc)  # the edit's stamp is its time
    assert f"({local_time(made)})" in board.detail.rejections.text()


def test_the_board_lists_by_status_and_marks_late_work(qtbot, make_ctx, demo_store, reported, tmp_path, spot):
    # A second incident, dispatched ten days ago: its working day is long past.
    ten_days_ago = datetime.now(timezone.utc) - timedelta(days=10)
    grid = reported.area_id
    late = incidents.report_incident(
        demo_store, make_ctx(WORKER).photos_dir, reporter_id=WORKER.id, reporter_role="worker", category="E0101",
        description="垃圾桶旁乱堆装修垃圾", photos=[jpeg_with_gps(tmp_path / "rubbish.jpg", *spot)], area_id=grid,
        reported_at=ten_days_ago,
    )  # fmt: skip
    for action, extra in (("accept", {}), ("dispatch", {"assignee_id": HANDLER.id})):
        ten_days_ago += timedelta(minutes=5)
        incidents.transition_incident(
            demo_store, late.id, action, actor_id=DISPATCHER.id, actor_role="dispatcher", at=ten_days_ago, **extra
        )

    board = show(qtbot, IncidentBoardPage(make_ctx(DISPATCHER)))
    qtbot.waitUntil(lambda: "(1)" in board.tabs.tabText(board.views.index("overdue")), timeout=10_000)
    assert "(1)" in board.tabs.tabText(board.views.index("to_accept"))
    assert "(1)" in board.tabs.tabText(board.views.index("open"))
    board.tabs.setCurrentIndex(board.views.index("overdue"))
    qtbot.waitUntil(lambda: [r.id for r in board.model.rows()] == [late.id], timeout=10_000)
    row = board.model.row(0)
    assert row.late_now and row.time_left < timedelta(0)
    time_left = board.model.index(0, 4)
    assert board.model.data(time_left).endswith("overdue")
    assert board.model.data(time_left, Qt.ForegroundRole).name() == "#dc2626"
    assert board.model.data(board.model.index(0, 6)) == "Waiting to sync"

    board.tabs.setCurrentIndex(board.views.index("to_accept"))
    qtbot.waitUntil(lambda: [r.id for r in board.model.rows()] == [reported.id], timeout=10_000)
    assert board.model.data(board.model.index(0, 4)) == ""  # no clock runs before dispatch


def test_detail_labels_line_up_with_their_values(qtbot, make_ctx, demo_store, tmp_path, spot):
    from PySide6.QtWidgets import QFormLayout

    ctx = make_ctx(WORKER)
    grid = next(a.id for a in place_queries.area_choices(demo_store) if a.level == "grid")
    incident = incidents.report_incident(
        demo_store, ctx.photos_dir, reporter_id=WORKER.id, reporter_role="worker", category="C0101",
        description="北门井盖破损，有行人踩空危险", photos=[jpeg_with_gps(tmp_path / "cover.jpg", *spot)], area_id=grid,
        location_text="翡翠家园北门进门左手边第二个路灯杆旁边的绿化带与人行道交界处，靠近快递柜和垃圾分类亭",
    )  # fmt: skip
    board = open_board(qtbot, ctx, incident.id)
    board.resize(900, 700)  # a narrow detail pane: the place wraps over lines
    qtbot.wait(50)
    form: QFormLayout = board.detail.facts
    rows = [(form.itemAt(r, QFormLayout.LabelRole).widget(), form.itemAt(r, QFormLayout.FieldRole).widget())
            for r in range(form.rowCount())]  # fmt: skip
    assert len(rows) >= 2 and any(value.height() > 2 * label.sizeHint().height() for label, value in rows)  # wraps

    def text_top(label) -> int:  # where the label's words are drawn in its box
        spare = label.height() - label.sizeHint().height()
        return label.geometry().top() + (spare // 2 if label.alignment() & Qt.AlignVCenter else 0)

    for label, value in rows:
        assert abs(text_top(label) - value.geometry().top()) <= 1, label.text()  # first lines side by side
    rights = {label.geometry().right() for label, _value in rows}
    assert max(rights) - min(rights) <= 1  # one column of labels, right-aligned
