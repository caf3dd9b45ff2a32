"""Dispatching by name: the handler picker lists the server's users of the incident's area by name and role,
and the board and the timeline name the person the work went to."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

from gridworker.domain.users import User
from gridworker.services import incidents
from gridworker.services.queries import people as people_queries
from gridworker.services.queries import places as place_queries

from .conftest_fieldwork import DISPATCHER, HANDLER, WORKER, jpeg_with_gps
from .conftest_fieldwork import demo_account, demo_store, make_ctx, spot  # noqa: F401 (fixtures)
from .test_incident_board import act, open_board, wait_status

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def grids(demo_store) -> list[str]:
    grids = [a.id for a in place_queries.area_choices(demo_store) if a.level == "grid"]
    assert len(grids) >= 2
    return grids


@pytest.fixture
def users(demo_store, grids):
    """The server's users as a sync leaves them: the handler of the first grid, and some who must not be offered."""
    people = [
        User(id=HANDLER.id, username="chengang", display_name="陈刚", role="handler", area_ids=[grids[0]], version=1),
        User(id=WORKER.id, username="zhangwei", display_name="张伟", role="worker", area_ids=[grids[0]], version=1),
        User(username="lina", display_name="李娜", role="handler", area_ids=[grids[1]], version=1),  # other grid
        User(username="zhaolei", display_name="赵磊", role="handler", area_ids=[grids[0]], disabled=True, version=1),
        User(username="sunmin", display_name="孙敏", role="dispatcher", area_ids=[grids[0]], version=1),
        User(id=DISPATCHER.id, username="wangli", display_name="王丽", role="dispatcher", area_ids=[grids[0]], version=1),
    ]
    with demo_store.write() as s:
        for user in people:
            s.add(user)
    return people


def test_the_dispatcher_picks_the_handler_by_name_and_the_board_names_them(
    qtbot, make_ctx, demo_store, grids, users, tmp_path, spot
):
    incident = incidents.report_incident(
        demo_store, make_ctx(WORKER).photos_dir, reporter_id=WORKER.id, reporter_role="worker", category="C0101",
        description="北门井盖破损，有行人踩空危险", photos=[jpeg_with_gps(tmp_path / "cover.jpg", *spot)], area_id=grids[0],
    )  # fmt: skip
    board = open_board(qtbot, make_ctx(DISPATCHER), incident.id, "to_accept")
    act(qtbot, board, "accept")
    wait_status(qtbot, board, "accepted")

    def choose_chengang(dialog) -> None:
        combo = dialog.inputs["assignee_id"]
        assert isinstance(combo, QComboBox)
        offered = [combo.itemText(i) for i in range(combo.count())]
        # Handlers first, then the grid's worker; not the other grid's handler, the disabled one, the dispatchers.
        assert offered == ["陈刚 (Handler)", "张伟 (Grid worker)"]
        assert combo.itemData(0, Qt.ToolTipRole) == "chengang"
        combo.setCurrentIndex(0)

    act(qtbot, board, "dispatch", choose_chengang)
    wait_status(qtbot, board, "dispatched")
    assert board.detail.detail.state.assignee_id == HANDLER.id
    assigned = next(i for i in range(board.model.columnCount()) if board.model.headerData(i, Qt.Horizontal) == "Assigned to")
    board.tabs.setCurrentIndex(board.views.index("open"))

    def assigned_text() -> str | None:
        rows = [i for i, r in enumerate(board.model.rows()) if r.id == incident.id]
        return board.model.data(board.model.index(rows[0], assigned)) if rows else None

    qtbot.waitUntil(lambda: assigned_text() == "陈刚", timeout=10_000)
    assert "to 陈刚" in board.detail.timeline.text()
    assert "王丽 (Dispatcher)" in board.detail.timeline.text()  # who dispatched: the signed-in dispatcher


def test_an_unknown_assignee_keeps_the_short_id(qtbot, make_ctx, demo_store, grids, tmp_path, spot):
    """An account that never synced holds no users: the picker offers who it has seen, by short id, as before."""
    incident = incidents.report_incident(
        demo_store, make_ctx(WORKER).photos_dir, reporter_id=WORKER.id, reporter_role="worker", category="C0101",
        description="路灯不亮", photos=[jpeg_with_gps(tmp_path / "lamp.jpg", *spot)], area_id=grids[0],
    )  # fmt: skip
    for action, extra in (("accept", {}), ("dispatch", {"assignee_id": HANDLER.id}), ("return", {"reason": "不归我管"})):
        actor = HANDLER if action == "return" else DISPATCHER
        incidents.transition_incident(demo_store, incident.id, action, actor_id=actor.id, actor_role=actor.role, **extra)
    board = open_board(qtbot, make_ctx(DISPATCHER), incident.id, "all")
    assert f"to {HANDLER.id[:8]}…" in board.detail.timeline.text()

    def look(dialog) -> None:
        combo = dialog.inputs["assignee_id"]
        assert combo.itemText(0) == f"{HANDLER.id[:8]}… (Handler)"
        combo.setCurrentIndex(0)

    act(qtbot, board, "dispatch", look)
    wait_status(qtbot, board, "dispatched")


def test_people_known_from_events_are_offered_only_while_they_are_active_users(demo_account, grids, users, spot, tmp_path):
    account, store = demo_account
    disabled, elsewhere = users[3], users[2]
    incident = incidents.report_incident(
        store, account.photos_dir, reporter_id=WORKER.id, reporter_role="worker", category="C0101",
        description="井盖松动", photos=[jpeg_with_gps(tmp_path / "c.jpg", *spot)], area_id=grids[0],
    )  # fmt: skip
    incidents.transition_incident(store, incident.id, "accept", actor_id=DISPATCHER.id, actor_role="dispatcher")
    incidents.transition_incident(
        store, incident.id, "dispatch", actor_id=DISPATCHER.id, actor_role="dispatcher", assignee_id=disabled.id
    )
    stranger = "5f0c1e2d-0000-4000-8000-00000000beef"  # seen at work, unknown to the stored users: by id, after the named
    incidents.transition_incident(store, incident.id, "comment", actor_id=stranger, actor_role="worker", note="已到现场")
    offered = [p.id for p in people_queries.known_people(store, DISPATCHER, area_id=grids[0])]
    assert offered == [HANDLER.id, WORKER.id, stranger]
    everyone = {p.id for p in people_queries.known_people(store, DISPATCHER)}
    assert elsewhere.id in everyone and disabled.id not in everyone


def test_the_dashboard_and_its_workbook_name_users_and_areas(demo_store, grids, users):
    names = people_queries.export_names(demo_store)
    assert names[HANDLER.id] == "陈刚" and names[WORKER.id] == "张伟"
    assert names[users[3].id] == "赵磊"  # disabled: their past work keeps the name
    assert names[grids[0]] == next(a.name for a in place_queries.area_choices(demo_store) if a.id == grids[0])
