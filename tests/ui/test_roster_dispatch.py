"""Pick a roster member when dispatching (issue 15): the incident's grid's team (1+6+N) is offered beside the
handlers; a member who is a user takes the incident, a member who is not is named in the note as the contact."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QComboBox
from sqlmodel import select

from gridworker.domain.fieldwork import IncidentEvent
from gridworker.domain.users import User
from gridworker.services import incidents, roster

from .conftest_fieldwork import DISPATCHER, HANDLER, WORKER, jpeg_with_gps
from .conftest_fieldwork import demo_account, demo_store, make_ctx, spot  # noqa: F401 (fixtures)
from .test_dispatch_picker import grids, users  # noqa: F401 (fixtures)
from .test_incident_board import act, open_board, wait_status

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def team(demo_store, grids, users):
    """Grid 1's team: a part-time worker who is a user (刘洋, a handler), the doctor and the police officer
    (names and phones only); grid 2 has a mediator who must not be offered."""
    liuyang = User(username="liuyang", display_name="刘洋", role="handler", area_ids=[grids[0]], version=1)
    with demo_store.write() as s:
        s.add(liuyang)
    roster.add_member(demo_store, {"area_id": grids[0], "role": "part_time", "user_id": liuyang.id, "skills": "水电维修"})
    roster.add_member(demo_store, {"area_id": grids[0], "role": "doctor", "name": "王医生", "phone": "13800001234"})
    roster.add_member(demo_store, {"area_id": grids[0], "role": "police", "name": "赵警官", "phone": "13800005678"})
    roster.add_member(demo_store, {"area_id": grids[1], "role": "mediator", "name": "别网格", "phone": "13800009999"})
    return liuyang


def _accepted(qtbot, make_ctx, demo_store, grids, tmp_path, spot, what: str):
    incident = incidents.report_incident(
        demo_store, make_ctx(WORKER).photos_dir, reporter_id=WORKER.id, reporter_role="worker", category="C0101",
        description=what, photos=[jpeg_with_gps(tmp_path / f"{len(what)}.jpg", *spot)], area_id=grids[0],
    )  # fmt: skip
    board = open_board(qtbot, make_ctx(DISPATCHER), incident.id, "to_accept")
    act(qtbot, board, "accept")
    wait_status(qtbot, board, "accepted")
    return incident, board


def test_a_roster_member_who_is_a_user_takes_the_incident(qtbot, make_ctx, demo_store, grids, team, tmp_path, spot):
    incident, board = _accepted(qtbot, make_ctx, demo_store, grids, tmp_path, spot, "楼道水管漏水")

    def pick_liuyang(dialog) -> None:
        assert isinstance(dialog.team, QComboBox)
        offered = [dialog.team.itemText(i) for i in range(dialog.team.count())]
        # the leader first, then the 6 in table order; not grid 2's mediator
        assert offered == ["(nobody)", "Part-time grid worker · 刘洋", "Community police officer · 赵警官 · 13800005678",
                           "Doctor · 王医生 · 13800001234"]  # fmt: skip
        assert dialog.team.itemData(1, 3) == "水电维修"  # the skills as the tooltip
        dialog.team.setCurrentIndex(1)
        assert dialog.inputs["assignee_id"].currentText().startswith("刘洋")

    act(qtbot, board, "dispatch", pick_liuyang)
    wait_status(qtbot, board, "dispatched")
    assert board.detail.detail.state.assignee_id == team.id


def test_a_roster_member_who_is_not_a_user_is_named_as_the_contact(qtbot, make_ctx, demo_store, grids, team, tmp_path, spot):
    incident, board = _accepted(qtbot, make_ctx, demo_store, grids, tmp_path, spot, "老人在家摔倒需要上门")

    def pick_doctor(dialog) -> None:
        handler = dialog.inputs["assignee_id"]
        handler.setCurrentIndex(handler.findData(HANDLER.id))  # 陈刚, a handler
        dialog.team.setCurrentIndex(dialog.team.findText("Doctor · 王医生 · 13800001234"))
        assert dialog.inputs["assignee_id"].currentText().startswith("陈刚")  # the handler stays
        dialog.team.setCurrentIndex(dialog.team.findText("Doctor · 王医生 · 13800001234"))  # twice: one line
        assert dialog.inputs["note"].toPlainText() == "Contact: 王医生 (Doctor, 13800001234)"

    act(qtbot, board, "dispatch", pick_doctor)
    wait_status(qtbot, board, "dispatched")
    assert board.detail.detail.state.assignee_id == HANDLER.id
    with demo_store.read() as s:
        [event] = s.exec(select(IncidentEvent).where(IncidentEvent.incident_id == incident.id, IncidentEvent.action == "dispatch"))
    assert event.note == "Contact: 王医生 (Doctor, 13800001234)"
