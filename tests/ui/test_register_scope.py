"""A linked worker's register: grids outside the granted areas may be read, never offered for writing; no blank picker."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from gridworker.services import scope
from gridworker.ui.pages.register import RegisterPage

from .test_register_page import _open_areas

pytestmark = pytest.mark.timeout(120)


def grids(community) -> list[str]:
    return [a["id"] for a in community.areas if a["level"] == "grid"]


@pytest.fixture
def page(ctx, qtbot, community):
    with ctx.store.write() as s:  # as the sync link stores it from /me: this worker holds the first grid only
        scope.remember_scope(s, "worker", [grids(community)[0]])
    page = RegisterPage(ctx)
    qtbot.addWidget(page)
    page.resize(1300, 760)
    page.show()
    page.on_shown()
    qtbot.waitUntil(lambda: page.lists.people.rowCount() > 0, timeout=10_000)
    return page


def choose(page, qtbot, area_id: str):
    tree = page.tree_model
    qtbot.waitUntil(lambda: tree.find(("area", area_id)).isValid() or _open_areas(page), timeout=10_000)
    index = tree.find(("area", area_id))
    page.tree.setCurrentIndex(index)
    qtbot.waitUntil(lambda: not page.ctx.runner.busy, timeout=10_000)
    return tree.node(index)


def menu_texts(page, node) -> list[str]:
    menu = page.tree_menu(node)
    texts = [a.text() for a in menu.actions()]
    menu.close()
    return texts


def test_write_actions_are_greyed_outside_the_workers_areas(page, qtbot, community):
    mine, other = grids(community)[:2]
    node = choose(page, qtbot, other)  # still listed: the store holds it, reading is fine
    qtbot.waitUntil(lambda: not page.new_building_action.isEnabled(), timeout=10_000)
    assert page.new_building_action.toolTip() == "不在您负责的区域内：不能在此新增"
    assert not page.new_household_action.isEnabled()  # a household typed in there would be refused too
    assert "在此新增楼栋…" not in menu_texts(page, node)
    assert any(t.startswith("导出") for t in menu_texts(page, node))  # reading and exporting stay

    node = choose(page, qtbot, mine)
    qtbot.waitUntil(lambda: page.new_building_action.isEnabled(), timeout=10_000)
    assert page.new_household_action.isEnabled()
    assert "在此新增楼栋…" in menu_texts(page, node)


def test_the_new_building_picker_is_never_blank_and_a_glance_at_it_changes_nothing(page, qtbot, community):
    mine, other = grids(community)[:2]
    page.new_building(other)  # asked for a grid outside the grant (e.g. a shortcut while the tree stood there)
    qtbot.waitUntil(lambda: page.editor is not None and page.editor.isVisible(), timeout=10_000)
    editor = page.editor
    assert editor.area.currentData(), "the grid picker opened blank"
    assert editor.area.findData(other) == -1  # only the worker's own places are offered
    assert not editor.dirty

    editor.area.showPopup()  # open the picker and close it without choosing
    qtbot.wait(50)
    editor.area.hidePopup()
    assert not editor.dirty
    asked = []

    def dismiss():
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            asked.append(box.text())
            box.button(QMessageBox.StandardButton.Cancel).click()

    from PySide6.QtCore import QTimer

    QTimer.singleShot(100, dismiss)
    editor.reject()
    qtbot.wait(200)
    assert asked == [] and not editor.isVisible()  # left without "此表单有尚未保存的修改"
