"""The grid's team (1+6+N) on screen (issue 15): opened from a grid in the register's tree, a member added from the
register's people, the missing roles said, the roster exported; the dashboard lists the grids whose team is
incomplete and drops a grid once its team is complete."""

from __future__ import annotations

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from gridworker.domain.roster import load_roles
from gridworker.services import roster
from gridworker.services.queries.places import area_choices
from gridworker.services.queries.register import Scope, TreeNode, people_to_compare
from gridworker.services.queries.roster import grid_roster
from gridworker.ui.pages.dashboard import DashboardPage
from gridworker.ui.pages.register import RegisterPage

pytestmark = pytest.mark.timeout(120)
WAIT = 15_000


@pytest.fixture
def page(ctx, qtbot):
    page = RegisterPage(ctx)
    qtbot.addWidget(page)
    page.resize(1300, 760)
    page.show()
    page.on_shown()
    qtbot.waitUntil(lambda: page.lists.people.rowCount() > 0, timeout=WAIT)
    return page


def test_a_grids_team_from_the_tree_add_a_member_from_the_register_and_export(page, ctx, qtbot, tmp_path, monkeypatch):
    grid = next(a for a in area_choices(ctx.store) if a.level == "grid")
    node = TreeNode("area", ("area", grid.id), grid.name, "grid", Scope(area_id=grid.id), False)
    assert "网格力量（1+6+N）…" in [a.text() for a in page.tree_menu(node).actions()]  # the grid's menu
    assert not page.team_button.isVisible()
    qtbot.waitUntil(lambda: page.tree_model.find(("area", grid.id)).isValid(), timeout=WAIT)
    page.tree.setCurrentIndex(page.tree_model.find(("area", grid.id)))  # the grid chosen: its team beside its name
    assert page.team_button.isVisible() and page.team_button.text() == "网格力量（1+6+N）"
    qtbot.mouseClick(page.team_button, Qt.MouseButton.LeftButton)
    dialog = page.roster_dialog
    assert dialog.windowTitle() == f"网格力量（1+6+N）：{grid.name}"
    qtbot.waitUntil(lambda: dialog.missing.text() != "", timeout=WAIT)
    assert dialog.model.rowCount() == 0 and dialog.missing.text().startswith("不完整：没有")
    assert "网格长" in dialog.missing.text() and "医生" in dialog.missing.text()

    resident = next(p for p in people_to_compare(ctx.store, grid.id) if p.phone)
    form = dialog.add_member()
    form.role.setCurrentIndex(form.role.findData("building_head"))
    form.search.setText(resident.name)
    qtbot.waitUntil(lambda: form.hits.count() > 1, timeout=WAIT)
    form.hits.setCurrentIndex(next(i for i in range(1, form.hits.count()) if form.hits.itemData(i).person_id == resident.id))
    form._hit_chosen(form.hits.currentIndex())
    assert (form.name.text(), form.phone.text()) == (resident.name, resident.phone)
    form.skills.setText("熟悉本楼住户")
    qtbot.mouseClick(form.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)
    assert not form.buttons.isEnabled()  # off with the click itself
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=WAIT)
    [member] = grid_roster(ctx.store, grid.id)
    assert (member.role, member.person_id, member.name, member.skills) == ("building_head", resident.id, resident.name, "熟悉本楼住户")
    assert dialog.model.index(0, 0).data() == "楼栋长" and dialog.model.index(0, 4).data() == "台账人员"

    bad = dialog.add_member()  # a typed member with a wrong phone: said in the form, which stays open
    bad.role.setCurrentIndex(bad.role.findData("doctor"))
    bad.name.setText("王医生")
    bad.phone.setText("12345")
    qtbot.mouseClick(bad.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bad.error.isVisible(), timeout=WAIT)
    assert "电话" in bad.error.text() and bad.isVisible() and bad.buttons.isEnabled()
    bad.reject()

    dialog.export(tmp_path / "team.xlsx")
    qtbot.waitUntil(lambda: "已导出" in dialog.message.text(), timeout=WAIT)
    rows = list(openpyxl.load_workbook(tmp_path / "team.xlsx").active.values)
    assert rows[1][:4] == (grid.name, "楼栋长", resident.name, resident.phone)  # services.places_excel.export_roster

    dialog.table.selectRow(0)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 0, timeout=WAIT)
    assert grid_roster(ctx.store, grid.id) == []


def test_the_dashboard_lists_grids_whose_team_is_incomplete(ctx, qtbot):
    grids = [a for a in area_choices(ctx.store) if a.level == "grid"]
    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    page.resize(1300, 760)
    page.show()
    page.on_shown()
    qtbot.waitUntil(lambda: page.rosters.model.rowCount() == len(grids), timeout=WAIT)
    first = page.rosters.model.row(0)
    assert [r.code for r in first.missing] == [r.code for r in load_roles().required()]
    for role in first.missing:
        roster.add_member(ctx.store, {"area_id": first.area_id, "role": role.code, "name": f"测试{role.code}"})
    qtbot.waitUntil(lambda: page.rosters.model.rowCount() == len(grids) - 1, timeout=WAIT)  # the change is seen
    assert first.area_id not in [page.rosters.model.row(i).area_id for i in range(page.rosters.model.rowCount())]
    dialog = page.rosters.open_grid(page.rosters.model.row(0))
    qtbot.waitUntil(lambda: dialog.missing.text() != "", timeout=WAIT)
    assert dialog.missing.text().startswith("不完整")


def _open_team(page, ctx, qtbot):
    grid = next(a for a in area_choices(ctx.store) if a.level == "grid")
    dialog = page.open_roster(grid.id, grid.name)
    qtbot.waitUntil(lambda: dialog.missing.text() != "" and not ctx.runner.busy, timeout=WAIT)
    return grid, dialog


def test_people_found_for_words_no_longer_in_the_search_box_are_not_offered(page, ctx, qtbot):
    """The search box cleared while the register was still being searched (a big register takes a while): the late
    hits must not fill the choices, nor the name and phone, for words no longer there."""
    import threading

    grid, dialog = _open_team(page, ctx, qtbot)
    resident = next(p for p in people_to_compare(ctx.store, grid.id) if p.phone)
    form = dialog.add_member()
    gate = threading.Event()
    ctx.runner.db.submit(gate.wait, 10)  # the database thread busy: the search waits behind it
    try:
        form.search.setText(resident.name)
        qtbot.waitUntil(lambda: not form._search_timer.isActive() and ctx.runner.busy, timeout=WAIT)  # searching
        form.search.clear()
    finally:
        gate.set()
    qtbot.waitUntil(lambda: not ctx.runner.busy, timeout=WAIT)
    assert form.hits.count() == 1 and (form.name.text(), form.phone.text()) == ("", "")


def test_the_member_edited_stays_chosen_when_the_team_is_read_again(page, ctx, qtbot):
    grid, dialog = _open_team(page, ctx, qtbot)
    for name in ("甲", "乙", "丙"):
        roster.add_member(ctx.store, {"area_id": grid.id, "role": "volunteer", "name": f"志愿者{name}"})
    dialog.load()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 3 and not ctx.runner.busy, timeout=WAIT)
    dialog.table.selectRow(1)
    chosen = dialog.selected()
    form = dialog.edit_member()
    form.skills.setText("会手语")
    qtbot.mouseClick(form.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any(e.skills == "会手语" for e in dialog.model.rows()) and not ctx.runner.busy, timeout=WAIT)
    assert dialog.selected() is not None and dialog.selected().id == chosen.id
    assert dialog.edit_button.isEnabled() and dialog.remove_button.isEnabled()
