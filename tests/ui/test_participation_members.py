"""党员报到 driven like community staff: approve a check-in the register placed, place one by hand, return one
with a reason (refused without), record skills, posts and team — offline, in the outbox."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from sqlmodel import select

from gridworker.domain.models import Outbox
from gridworker.domain.participation_records import Member
from gridworker.ui.participation.members import MembersTab, checked

from .conftest_participation import STAFF, WORKER, p_account, p_ctx, p_store, participation_template, show  # noqa: F401

pytestmark = pytest.mark.timeout(120)


def choose(qtbot, tab, name: str) -> None:
    rows = tab.model.rows()
    index = next(i for i, r in enumerate(rows) if r.name == name)
    tab.table.selectRow(index)
    qtbot.waitUntil(lambda: tab.current is not None and tab.current.name == name)


def loaded(qtbot, tab, view: str) -> None:
    tab.tabs.setCurrentIndex(tab.views.index(view))
    qtbot.waitUntil(lambda: tab.model.rowCount() > 0 and not tab.ctx.runner.busy, timeout=10_000)


def test_approve_place_and_return_check_ins(qtbot, p_ctx, p_store):
    tab = show(qtbot, MembersTab(p_ctx(STAFF)))
    tab.on_shown()
    loaded(qtbot, tab, "to_place")
    assert "(2)" in tab.tabs.tabText(tab.views.index("to_place"))
    unplaced = tab.model.rows()[0]
    choose(qtbot, tab, unplaced.name)
    assert "place the member in a grid by hand" in tab.facts.text()

    # Approving before placing is refused with the rule's words, and nothing is written.
    qtbot.mouseClick(tab.approve_button, Qt.LeftButton)
    assert not tab.approve_button.isEnabled()  # off with the click itself
    qtbot.waitUntil(lambda: tab.message.isVisible())
    assert tab.message.text() == "Place the member in a grid first"

    tab.grid.setCurrentIndex(1)
    grid_id, grid_name = tab.grid.currentData(), tab.grid.currentText()
    qtbot.mouseClick(tab.place_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: tab.message.text() == f"Placed in {grid_name}.", timeout=10_000)
    tab.team.setText("医疗志愿服务队")
    qtbot.waitUntil(lambda: tab.approve_button.isEnabled(), timeout=10_000)
    qtbot.mouseClick(tab.approve_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: tab.message.text() == f"{unplaced.name} is approved.", timeout=10_000)
    with p_store.read() as s:
        member = s.get(Member, unplaced.id)
        assert (member.status, member.to_place, member.area_id, member.team) == ("approved", False, grid_id, "医疗志愿服务队")
        pushed = [o.fields for o in s.exec(select(Outbox).where(Outbox.entity == "member", Outbox.record_id == unplaced.id))]
        assert pushed[0] == {"area_id": grid_id} and pushed[1]["status"] == "approved"

    # Returning needs a reason.
    loaded(qtbot, tab, "submitted")
    waiting = next(r for r in tab.model.rows() if r.grid_id is not None)
    choose(qtbot, tab, waiting.name)
    qtbot.mouseClick(tab.return_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: tab.message.text() == "A reason is required to return a check-in", timeout=10_000)
    tab.reason.setText("请补充工作单位全称")
    qtbot.waitUntil(lambda: tab.return_button.isEnabled())
    qtbot.mouseClick(tab.return_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: tab.message.text() == f"Returned to {waiting.name}.", timeout=10_000)
    with p_store.read() as s:
        assert s.get(Member, waiting.id).return_reason == "请补充工作单位全称"


def test_skills_posts_and_team_are_saved_and_four_posts_refused(qtbot, p_ctx, p_store):
    tab = show(qtbot, MembersTab(p_ctx(STAFF, "zh")))
    tab.on_shown()
    loaded(qtbot, tab, "approved")
    member = tab.model.rows()[0]
    choose(qtbot, tab, member.name)
    for i in range(tab.posts.count()):
        tab.posts.item(i).setCheckState(Qt.CheckState.Checked if i < 4 else Qt.CheckState.Unchecked)
    qtbot.mouseClick(tab.save_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: tab.message.text() == "认领岗位最多选3项", timeout=10_000)
    tab.posts.item(3).setCheckState(Qt.CheckState.Unchecked)
    for i in range(tab.skills.count()):
        tab.skills.item(i).setCheckState(Qt.CheckState.Checked if i == 0 else Qt.CheckState.Unchecked)
    qtbot.waitUntil(lambda: tab.save_button.isEnabled())
    qtbot.mouseClick(tab.save_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: tab.message.text() == "已保存。", timeout=10_000)
    with p_store.read() as s:
        saved = s.get(Member, member.id)
    assert saved.posts == checked(tab.posts) and len(saved.posts) == 3
    assert saved.skills == [tab.skills.item(0).data(Qt.ItemDataRole.UserRole)]


def test_a_grid_worker_cannot_change_a_members_skills_posts_or_team(qtbot, p_ctx, p_store):
    """The member record is written by staff only (the server refuses a grid worker's push): refused on the tab."""
    tab = show(qtbot, MembersTab(p_ctx(WORKER, "zh")))
    tab.on_shown()
    loaded(qtbot, tab, "approved")
    member = tab.model.rows()[0]
    choose(qtbot, tab, member.name)
    # The buttons are off for a grid worker, saying why (they were on, and refused only when clicked) …
    buttons = (tab.place_button, tab.approve_button, tab.return_button, tab.save_button)
    assert not any(b.isEnabled() for b in buttons)
    assert {b.toolTip() for b in buttons} == {"报到审核和特长、岗位、服务队的登记由社区工作人员办理"}
    # … the lists and the team cannot be ticked or typed either (Save would not take them), and the reason is said.
    assert not any(w.isEnabled() for w in (tab.skills, tab.posts, tab.team))
    assert tab.staff_note.isVisible() and tab.staff_note.text() == "报到审核和特长、岗位、服务队的登记由社区工作人员办理"
    # … and the service refuses the change all the same (a grid worker's push is refused by the server too).
    from gridworker.domain.errors import GridWorkerError
    from gridworker.services.participation import members as member_service

    with pytest.raises(GridWorkerError) as caught:
        member_service.set_profile(p_store, member.id, skills=[], posts=[], team="网格员改的服务队",
                                   actor_id=WORKER.id, actor_role=WORKER.role)
    assert caught.value.message("zh") == "网格员不能修改党员的特长、岗位和服务队"
    with p_store.read() as s:
        saved = s.get(Member, member.id)
        assert (list(saved.skills), list(saved.posts), saved.team) == (list(member.skills), list(member.posts), member.team)
        assert not s.exec(select(Outbox).where(Outbox.entity == "member", Outbox.record_id == member.id,
                                               Outbox.state == "pending")).all()


def test_the_name_column_keeps_its_names_whole_in_a_narrow_window(qtbot, p_ctx):
    """At 1024×600 the list's pane is narrower than its columns: the name stays whole (the table scrolls
    across) instead of being squeezed to a few pixels by the columns sized to their contents (seen under Xvfb)."""
    from PySide6.QtWidgets import QSplitter, QWidget

    tab = MembersTab(p_ctx(STAFF))
    holder = QSplitter()  # as on the page: the tab's pane beside another, the window a netbook's
    holder.addWidget(tab)
    holder.addWidget(QWidget())
    tab.on_shown()  # the rows come while the page is not yet on screen
    qtbot.waitUntil(lambda: tab.model.rowCount() > 0 and not tab.ctx.runner.busy, timeout=10_000)
    show(qtbot, holder, size=(1400, 540))
    holder.setSizes([760, 640])
    qtbot.wait(100)
    longest = max(tab.table.fontMetrics().horizontalAdvance(r.name) for r in tab.model.rows())
    assert tab.table.columnWidth(0) >= longest, [tab.table.columnWidth(i) for i in range(4)]


def test_a_reload_keeps_the_team_and_skills_being_changed(qtbot, p_ctx, p_store):
    """A change arriving (a sync, another desk) reloads the list: the member chosen stays chosen, and the team
    being typed and the skills being ticked for it stay as the user left them."""
    from gridworker.services.participation import members as member_service

    tab = show(qtbot, MembersTab(p_ctx(STAFF)))
    tab.on_shown()
    loaded(qtbot, tab, "approved")
    member, other = tab.model.rows()[:2]
    choose(qtbot, tab, member.name)
    qtbot.waitUntil(lambda: not tab.ctx.runner.busy, timeout=10_000)
    tab.team.setText("新成立的服务队")
    for i in range(tab.skills.count()):
        tab.skills.item(i).setCheckState(Qt.CheckState.Checked if i == 1 else Qt.CheckState.Unchecked)
    ticked = checked(tab.skills)

    member_service.set_profile(p_store, other.id, skills=list(other.skills), posts=list(other.posts), team="另一支服务队",
                               actor_id=STAFF.id, actor_role=STAFF.role)
    qtbot.waitUntil(lambda: any(r.id == other.id and r.team == "另一支服务队" for r in tab.model.rows())
                    and not tab.ctx.runner.busy, timeout=10_000)
    assert tab.selected().id == member.id and tab.current.id == member.id
    assert tab.team.text() == "新成立的服务队"
    assert checked(tab.skills) == ticked
    assert set(checked(tab.posts)) == set(member.posts)  # untouched: the member's


def test_the_save_button_is_in_sight_on_a_small_screen_and_the_lists_grow_when_there_is_room(qtbot, p_ctx):
    """On a short screen (1024×600: the panel gets ~460 px) the lists of skills and posts give up height before the
    panel has to scroll to its Save button; on a taller one they grow to show more of their entries."""
    from PySide6.QtWidgets import QScrollArea

    tab = show(qtbot, MembersTab(p_ctx(STAFF)))
    tab.on_shown()
    scroll = next(w for w in tab.findChildren(QScrollArea) if w.widget().isAncestorOf(tab.save_button))
    tab.resize(860, 800)
    qtbot.waitUntil(lambda: scroll.viewport().height() > 700, timeout=5_000)
    qtbot.wait(50)
    tall = tab.skills.height()
    needed = tab.save_button.mapTo(scroll.widget(), tab.save_button.rect().bottomLeft()).y()
    tab.resize(860, 800 - (scroll.viewport().height() - needed) - 80)  # 80 px short of showing both lists whole
    qtbot.waitUntil(lambda: tab.skills.height() < tall, timeout=5_000)
    qtbot.wait(50)
    assert scroll.verticalScrollBar().maximum() == 0
    bottom = tab.save_button.mapTo(scroll.viewport(), tab.save_button.rect().bottomLeft()).y()
    assert bottom <= scroll.viewport().height()
