"""The registers page's Excel import and export, the building editor, and moving a person into an empty household."""

from __future__ import annotations

import threading
from datetime import date

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox
from sqlmodel import select

from gridworker.domain import idnumber
from gridworker.domain.enums import Gender
from gridworker.domain.models import Building, Person
from gridworker.services import register
from gridworker.services import register_excel
from gridworker.services.queries.register import Scope
from gridworker.ui.pages.register import RegisterPage
from gridworker.ui.register.lists import PEOPLE

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


def new_number(serial: int) -> str:
    return idnumber.make("330106", date(1985, 4, 2), serial, Gender.male if serial % 2 else Gender.female)


def workbook_with_a_bad_phone(path, community) -> list[str]:
    """A building, two households and three people; the third person's phone (row 4, column E) is wrong.
    Returns the names of the two good people."""
    grid = next(a for a in community.areas if a["level"] == "grid")
    wb = openpyxl.Workbook()
    buildings = wb.active
    buildings.title = "楼栋"
    buildings.append(["社区", "网格", "小区", "楼栋", "单元数", "层数"])
    buildings.append(["翠苑社区", grid["name"], "新苑", "8幢", 2, 6])
    households = wb.create_sheet("住户")
    households.append(["网格", "小区", "楼栋", "单元", "房号"])
    households.append([grid["name"], "新苑", "8幢", "1", "101"])
    households.append([grid["name"], "新苑", "8幢", "1", "102"])
    people = wb.create_sheet("人员")
    people.append(["小区", "楼栋", "单元", "房号", "电话", "姓名", "身份证号", "与户主关系"])
    people.append(["新苑", "8幢", "1", "101", "13800001111", "导入甲", new_number(301), "户主"])
    people.append(["新苑", "8幢", "1", "102", "13800002222", "导入乙", new_number(302), "户主"])
    people.append(["新苑", "8幢", "1", "102", "12345", "导入丙", new_number(303), "配偶"])
    wb.save(path)
    return ["导入甲", "导入乙"]


def test_import_checks_first_names_the_bad_cell_and_imports_the_good_rows(page, ctx, qtbot, community, tmp_path):
    path = tmp_path / "新苑.xlsx"
    good = workbook_with_a_bad_phone(path, community)
    page.import_excel(path)
    flow = page.transfer
    assert flow.progress.isVisible()  # at once, while the check runs on the database thread
    qtbot.waitUntil(lambda: flow.report_dialog is not None and flow.report_dialog.isVisible(), timeout=WAIT)
    check = flow.report_dialog
    assert not flow.progress.isVisible()
    assert flow.progress.bar.maximum() == 6 and flow.progress.bar.value() == 6  # every row counted
    assert check.report.dry_run and "1" in check.heading.text()
    model = check.errors_model
    assert model.rowCount() == 1
    cells = [model.data(model.index(0, c)) for c in range(4)]
    assert cells[:3] == ["人员", "4", "E（电话）"]
    assert "12345" in cells[3]
    with ctx.store.read() as s:  # the check changed nothing
        assert not s.exec(select(Person).where(Person.name.in_(good))).all()
    check.copy_button.click()
    copied = QApplication.clipboard().text()
    assert "第4行" in copied and "E列" in copied and "12345" in copied

    check.import_button.click()  # "import the good rows only"
    qtbot.waitUntil(lambda: flow.report_dialog is not check and flow.report_dialog.isVisible(), timeout=WAIT)
    done = flow.report_dialog
    assert done.report.committed and done.import_button is None
    assert [(r.kind, r.new, r.errors) for r in done.report.sheets] == [
        ("building", 1, 0), ("household", 2, 0), ("person", 2, 1)]  # fmt: skip
    assert done.errors_model.rowCount() == 1
    with ctx.store.read() as s:
        added = {p.name: p.id for p in s.exec(select(Person).where(Person.name.in_([*good, "导入丙"])))}
    assert set(added) == set(good)
    # The lists refresh themselves from the change notice.
    qtbot.waitUntil(lambda: set(added.values()) <= set(page.lists.people.ids), timeout=WAIT)
    done.reject()
    assert page.transfer is None


def test_a_stopped_import_changes_nothing(ctx, community, tmp_path):
    path = tmp_path / "新苑.xlsx"
    workbook_with_a_bad_phone(path, community)
    with pytest.raises(register_excel.ImportStopped):
        register_excel.import_workbook(ctx.store, path, create_areas=True, dry_run=False, skip_errors=True,
                                stop_requested=lambda: True)  # fmt: skip
    with ctx.store.read() as s:
        assert not s.exec(select(Building).where(Building.estate == "新苑")).all()


def test_stop_in_the_progress_dialog_ends_the_check_without_a_report(page, ctx, qtbot, community, tmp_path):
    path = tmp_path / "新苑.xlsx"
    workbook_with_a_bad_phone(path, community)
    gate = threading.Event()
    ctx.runner.start(ctx.runner.call(gate.wait, 10))  # holds the database thread: the check waits behind it
    page.import_excel(path)
    flow = page.transfer
    qtbot.mouseClick(flow.progress.stop_button, Qt.MouseButton.LeftButton)
    assert not flow.progress.stop_button.isEnabled()
    gate.set()
    qtbot.waitUntil(lambda: page.transfer is None, timeout=WAIT)
    assert flow.report_dialog is None


def people_sheet_ids(path) -> list[str]:
    sheet = openpyxl.load_workbook(path, read_only=True)["人员"]
    rows = list(sheet.values)
    column = rows[0].index("身份证号")
    return [r[column] for r in rows[1:]]


def test_export_writes_the_people_of_the_whole_register_or_of_a_grid(page, ctx, qtbot, community, tmp_path):
    everyone = tmp_path / "all.xlsx"
    page.export_excel(everyone, scope=Scope())
    flow = page.transfer
    assert flow.progress.isVisible()
    qtbot.waitUntil(lambda: flow.done_box is not None and flow.done_box.isVisible(), timeout=WAIT)
    assert str(everyone) in flow.done_box.text()
    numbers = people_sheet_ids(everyone)
    assert sorted(numbers) == sorted(p["id_number"] for p in community.persons)
    flow.done_box.done(0)
    qtbot.waitUntil(lambda: page.transfer is None, timeout=WAIT)

    grid = next(a for a in community.areas if a["level"] == "grid")
    areas = {grid["id"]} | {a["id"] for a in community.areas if a["parent_id"] == grid["id"]}
    homes = {h["id"] for h in community.households if h["area_id"] in areas}
    part = tmp_path / "grid.xlsx"
    page.export_excel(part, scope=Scope(area_id=grid["id"]))
    qtbot.waitUntil(lambda: page.transfer.done_box is not None, timeout=WAIT)
    expected = sorted(p["id_number"] for p in community.persons if p["household_id"] in homes)
    assert 0 < len(expected) < len(community.persons)
    assert sorted(people_sheet_ids(part)) == expected


def test_the_template_is_saved_where_asked(page, qtbot, tmp_path):
    path = tmp_path / "模板.xlsx"
    page.download_template(path)
    qtbot.waitUntil(lambda: any(box.isVisible() for box in page.findChildren(QMessageBox)), timeout=WAIT)
    box = next(box for box in page.findChildren(QMessageBox) if box.isVisible())
    assert str(path) in box.text()
    assert openpyxl.load_workbook(path, read_only=True).sheetnames == ["说明", "楼栋", "住户", "人员"]
    box.close()


def open_to(page, qtbot, key: tuple) -> None:
    """Open the area tree until the node `key` is loaded."""
    tree = page.tree_model

    def opened() -> bool:
        if tree.find(key).isValid():
            return True
        stack = [tree.index(r, 0) for r in range(tree.rowCount())]
        while stack:
            index = stack.pop()
            if tree.node(index).kind == "area":
                page.tree.expand(index)
                stack += [tree.index(r, 0, index) for r in range(tree.rowCount(index))]
        return False

    qtbot.waitUntil(opened, timeout=WAIT)


def test_building_editor_refuses_a_bad_value_then_creates_a_building_shown_in_the_tree(page, ctx, qtbot, community):
    micro = next(a for a in community.areas if a["level"] == "microgrid")
    open_to(page, qtbot, ("area", micro["id"]))
    page.tree.setCurrentIndex(page.tree_model.find(("area", micro["id"])))
    page.new_building_action.trigger()
    qtbot.waitUntil(lambda: page.editor is not None and page.editor.isVisible(), timeout=WAIT)
    editor = page.editor
    assert editor.area.currentData() == micro["id"]  # the area chosen in the tree
    editor.name.insert("9幢")
    qtbot.keyClicks(editor.floors, "abc")
    qtbot.keyClicks(editor.lat, "95")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.messages["floors"].isVisible(), timeout=WAIT)
    assert "abc" in editor.messages["floors"].text()
    assert editor.messages["lat"].isVisible() and not editor.messages["name"].isVisible()
    assert editor.isVisible()

    editor.floors.setText("18")
    editor.lat.setText("30.28")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not editor.isVisible(), timeout=WAIT)
    with ctx.store.read() as s:
        saved = s.exec(select(Building).where(Building.name == "9幢")).one()
    assert (saved.area_id, saved.floors, saved.lat) == (micro["id"], 18, 30.28)
    qtbot.waitUntil(lambda: page.tree_model.find(("building", saved.id)).isValid(), timeout=WAIT)
    node = page.tree_model.node(page.tree_model.find(("building", saved.id)))
    assert node.label == "9幢"

    edit = next(a for a in page.tree_menu(node).actions() if a.text() == "编辑楼栋…")  # the tree's context menu
    page.editor = None
    edit.trigger()
    qtbot.waitUntil(lambda: page.editor is not None and page.editor.isVisible(), timeout=WAIT)
    assert page.editor.building.id == saved.id and page.editor.floors.text() == "18"


def test_a_person_moves_into_a_household_nobody_lives_in(page, ctx, qtbot, community):
    building = community.buildings[0]
    empty = register.register_household(ctx.store, {"building_id": building["id"], "unit": "9", "room": "909"})
    person = page.lists.people.row_at(0)
    page.lists.select_row(PEOPLE, 0)
    page.move_action.trigger()
    dialog = page.editor
    qtbot.keyClicks(dialog.search, "909")
    qtbot.waitUntil(lambda: dialog.results.count() == 1, timeout=WAIT)
    assert dialog.results.item(0).data(Qt.ItemDataRole.UserRole) == empty.id
    assert empty.address in dialog.results.item(0).text()
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)
    with ctx.store.read() as s:
        assert s.get(Person, person.id).household_id == empty.id
