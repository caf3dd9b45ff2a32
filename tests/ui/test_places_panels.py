"""Places on the other pages (issue 15): the dashboard's place figures and overdue hazards, the places due an
inspection beside the households on the visits page, and one walk-round of both, in walking order."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from sqlmodel import select

from gridworker.domain.fieldwork import Walkround, local_day
from gridworker.domain.models import Area, Building, utcnow
from gridworker.services import places as place_service
from gridworker.services import tables
from gridworker.ui.pages.dashboard import DashboardPage
from gridworker.ui.pages.visits import VisitsPage

from .conftest_fieldwork import WORKER, click_row, show
from .conftest_fieldwork import demo_account, demo_store, make_ctx, spot  # noqa: F401 (fixtures)

pytestmark = pytest.mark.timeout(120)


def _place(store, name: str):
    with store.read() as s:
        grid = s.exec(select(Area).where(Area.level == "grid", Area.deleted == False).order_by(Area.code)).first()  # noqa: E712
        building = s.exec(select(Building).where(Building.area_id == grid.id)).first()
    return place_service.register_place(store, {"name": name, "kind": "restaurant", "area_id": grid.id,
                                                "building_id": building.id if building else None, "address": "幸福路12号"})


def _inspect_days_ago(store, place, days: int, failed=("EXIT",)):
    items = tables.checklists_of(store).for_kind(place.kind)
    answers = [place_service.ItemAnswer(i.code, "fail" if i.code in failed else "pass", photo_waiver="店主不在" if i.code in failed else None)
               for i in items]  # fmt: skip
    return place_service.save_inspection(store, None, place_id=place.id, inspector_id=WORKER.id, answers=answers,
                                         acknowledged_by="王建国", at=utcnow() - timedelta(days=days))  # fmt: skip


def test_the_dashboard_shows_place_figures_and_overdue_hazards(qtbot, make_ctx, demo_store, chinese):
    place = _place(demo_store, "老王川菜馆")
    _inspect_days_ago(demo_store, place, 6)  # 1 working day to clear the exit: overdue by now
    other = _place(demo_store, "小李便利店")
    ctx = make_ctx(WORKER, "zh")
    page = show(qtbot, DashboardPage(ctx), size=(1366, 800))
    page.on_shown()
    panel = page.places
    qtbot.waitUntil(lambda: panel.stats is not None, timeout=10_000)
    today = local_day(utcnow())
    panel.compute(page.area.currentData(), today - timedelta(days=10), today, {})  # a period holding the inspection
    qtbot.waitUntil(lambda: panel.stats is not None and panel.stats.total.found >= 1, timeout=10_000)
    total = panel.stats.total
    assert total.places >= 2 and total.inspected >= 1 and total.overdue >= 1
    assert [h.place_name for h in panel.overdue_model.rows()] == ["老王川菜馆"]
    assert panel.cards["overdue"].value.text() == "1"
    assert panel.cards["inspected"].value.text() == f"{total.inspected}/{total.places}"
    labels = [r.label for r in panel.figures_model.rows()]
    assert labels[0] == "全部场所" and "小餐饮" in labels
    kind_row = next(r for r in panel.figures_model.rows() if r.label == "小餐饮")
    assert kind_row.figures.places >= 2 and kind_row.figures.found >= 1
    assert other.id  # never inspected: counted in the places, not the inspected


def test_places_due_beside_households_and_one_walk_round_of_both(qtbot, make_ctx, demo_store, chinese):
    place = _place(demo_store, "老王川菜馆")
    ctx = make_ctx(WORKER, "zh")
    page = show(qtbot, VisitsPage(ctx), size=(1366, 800))
    page.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: page.due_model.rowCount() >= 2 and page.due_places.model.rowCount() >= 1, timeout=10_000)
    due = page.due_places.model.rows()
    assert place.id in [d.place_id for d in due]
    row = next(i for i, d in enumerate(due) if d.place_id == place.id)
    assert page.due_places.model.data(page.due_places.model.index(row, 3)) == "从未检查"
    click_row(qtbot, page.due, 0)
    click_row(qtbot, page.due, 1, Qt.ShiftModifier)
    click_row(qtbot, page.due_places.table, row)
    households = [page.due_model.row(i).household_id for i in range(2)]
    qtbot.mouseClick(page.plan_due, Qt.LeftButton)
    qtbot.waitUntil(lambda: page.tabs.currentIndex() == 0 and page.walk_places.model.rowCount() == 1, timeout=10_000)
    with demo_store.read() as s:
        walk = s.exec(select(Walkround)).one()
    assert set(walk.household_ids) == set(households) and walk.place_ids == [place.id]
    n, total, stop = page.walk_places.model.row(0)
    assert total == 3 and stop.id == place.id and not stop.done
    assert "0/1" in page.walk_places.title.text()
    # inspecting it from the walk-round marks the stop done
    qtbot.mouseClick(page.walk_places.inspect_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: getattr(page, "place_dialog", None) is not None and page.place_dialog.isVisible(), timeout=10_000)
    dialog = page.place_dialog
    dialog.form.mark_rest_passed()
    qtbot.mouseClick(dialog.save_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    qtbot.waitUntil(lambda: page.walk_places.model.rowCount() == 1 and page.walk_places.model.row(0)[2].done, timeout=10_000)
    assert "1/1" in page.walk_places.title.text()


def test_a_handler_reads_places_but_does_not_inspect_them(qtbot, make_ctx, demo_store, chinese):
    from gridworker.ui.pages.places import PlacesPage

    from .conftest_fieldwork import HANDLER

    place = _place(demo_store, "老王川菜馆")
    _inspect_days_ago(demo_store, place, 6, failed=("LPG",))  # major: it would qualify for escalation
    page = show(qtbot, PlacesPage(make_ctx(HANDLER, "zh")))
    qtbot.waitUntil(lambda: page.card.card is not None and bool(page.card.open_hazards()), timeout=10_000)
    card = page.card
    assert card.qualifies(card.current_hazard())
    assert not any(b.isEnabled() for b in (card.edit_button, card.inspect_button, card.recheck_button,
                                           card.escalate_button, page.new_button))  # fmt: skip
    assert card.notice_button.isEnabled()  # printing the notice again is reading


def test_the_registers_search_box_finds_places_and_opens_their_card(qtbot, ctx, demo_store):
    from gridworker.ui.app import make_main_window

    place = _place(demo_store, "老王川菜馆")
    window = make_main_window(ctx)
    qtbot.addWidget(window)
    window.show()
    register = window.pages["register"]
    register.search.setText("lwcc")  # pinyin initials
    qtbot.waitUntil(lambda: register.places_found.isVisible(), timeout=10_000)
    assert [p.id for p in register.places_found.places] == [place.id]
    assert "老王川菜馆" in register.places_found.text()
    register.places_found.linkActivated.emit(place.id)
    assert window.current_page_id() == "places"
    places = window.pages["places"]
    qtbot.waitUntil(lambda: places.card.card is not None and places.card.card.place.id == place.id, timeout=10_000)
    register.search.setText("zzzzqqq")
    qtbot.waitUntil(lambda: not register.places_found.isVisible() or not register.places_found.places, timeout=10_000)


def test_a_refusal_about_one_place_goes_when_another_place_is_chosen(qtbot, make_ctx, demo_store, chinese):
    from gridworker.ui.pages.places import PlacesPage

    first = _place(demo_store, "阿福面馆")
    _place(demo_store, "阿贵饭店")
    result = _inspect_days_ago(demo_store, first, 0, failed=("EXIT",))  # significant, not overdue: not escalated yet
    page = show(qtbot, PlacesPage(make_ctx(WORKER, "zh")))
    page.search.setText("阿")
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=10_000)
    page.select_place(first.id)
    qtbot.waitUntil(lambda: page.card.card is not None and page.card.card.place.id == first.id, timeout=10_000)
    page.escalate_now(result.new_hazards[0].id)
    qtbot.waitUntil(lambda: page.message.isVisible(), timeout=10_000)
    assert "阿福面馆" not in page.message.text() and "not_serious" not in page.message.text()
    other = next(i for i, r in enumerate(page.model.rows()) if r.id != first.id)
    click_row(qtbot, page.table, other)
    qtbot.waitUntil(lambda: page.card.card is not None and page.card.card.place.id != first.id, timeout=10_000)
    assert not page.message.isVisible()  # it was about the other place


def test_a_handler_cannot_inspect_from_a_walk_round_either(qtbot, make_ctx, demo_store, chinese):
    from gridworker.services.place_walks import plan_mixed_walkround
    from gridworker.ui.places.walk import WalkPlacesPanel

    from .conftest_fieldwork import HANDLER

    place = _place(demo_store, "老王川菜馆")
    walk = plan_mixed_walkround(demo_store, "场所巡查", place_ids=[place.id])
    panels = {}
    for actor in (WORKER, HANDLER):
        panel = panels[actor.role] = WalkPlacesPanel(make_ctx(actor, "zh"))
        qtbot.addWidget(panel)
        panel.show_walk(walk.id)
        qtbot.waitUntil(lambda p=panel: p.model.rowCount() == 1, timeout=10_000)
    assert panels["worker"].inspect_button.isEnabled()
    assert not panels["handler"].inspect_button.isEnabled()  # as on the places page: inspecting is staff work


def test_a_double_click_on_inspect_in_a_walk_round_opens_one_inspection(qtbot, make_ctx, demo_store, chinese):
    from gridworker.services.place_walks import plan_mixed_walkround
    from gridworker.ui.places.dialogs import InspectDialog

    place = _place(demo_store, "老王川菜馆")
    plan_mixed_walkround(demo_store, "场所巡查", place_ids=[place.id])
    ctx = make_ctx(WORKER, "zh")
    page = show(qtbot, VisitsPage(ctx), size=(1366, 800))
    qtbot.waitUntil(lambda: page.walk_places.model.rowCount() == 1, timeout=10_000)
    button = page.walk_places.inspect_button
    qtbot.mouseClick(button, Qt.LeftButton)
    qtbot.mouseClick(button, Qt.LeftButton)  # before the first dialog is up: the place is still being read
    qtbot.waitUntil(lambda: getattr(page, "place_dialog", None) is not None and page.place_dialog.isVisible(), timeout=10_000)
    qtbot.waitUntil(lambda: not ctx.runner.busy, timeout=10_000)  # a second click's dialog would be open by now
    assert len([d for d in page.findChildren(InspectDialog) if d.isVisible()]) == 1
    page.place_dialog.reject()
    qtbot.mouseClick(button, Qt.LeftButton)  # closed without saving: it can be opened again
    qtbot.waitUntil(lambda: page.place_dialog.isVisible(), timeout=10_000)


def test_the_hazard_chosen_stays_chosen_when_the_card_is_read_again(qtbot, make_ctx, demo_store, chinese):
    """A change arriving (a sync, another place registered) reads the list and the place's card again: the hazard
    chosen (to escalate, to see its photos) stays chosen — not the first one again, which Escalate would then be about."""
    from gridworker.ui.pages.places import PlacesPage

    place = _place(demo_store, "阿福面馆")
    result = _inspect_days_ago(demo_store, place, 0, failed=("EXIT", "LPG"))
    ctx = make_ctx(WORKER, "zh")
    page = show(qtbot, PlacesPage(ctx))
    page.search.setText("阿")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)
    page.select_place(place.id)
    qtbot.waitUntil(lambda: page.card.card is not None and len(page.card.open_hazards()) == 2 and not ctx.runner.busy,
                    timeout=10_000)
    second = page.card.hazards_model.row(1)
    assert {second.id} < {h.id for h in result.new_hazards}
    page.card.select_hazard(second.id)

    _place(demo_store, "阿贵饭店")
    qtbot.waitUntil(lambda: page.model.rowCount() == 2 and not ctx.runner.busy, timeout=10_000)
    assert page.card.card.place.id == place.id
    assert page.card.current_hazard().id == second.id


def test_the_households_and_places_chosen_for_a_walk_round_stay_chosen_when_the_due_lists_reload(
        qtbot, make_ctx, demo_store, chinese):
    """A change arriving while the walk-round is being chosen (a sync, a place registered) reads both due lists
    again: the households and the place selected stay selected, so Plan plans what the worker chose."""
    place = _place(demo_store, "老王川菜馆")
    ctx = make_ctx(WORKER, "zh")
    page = show(qtbot, VisitsPage(ctx), size=(1366, 800))
    page.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: page.due_model.rowCount() >= 4 and page.due_places.model.rowCount() >= 1
                    and not ctx.runner.busy, timeout=10_000)
    click_row(qtbot, page.due, 1)
    click_row(qtbot, page.due, 3, Qt.ShiftModifier)
    households = sorted(page.due_model.row(i).household_id for i in (1, 2, 3))
    click_row(qtbot, page.due_places.table, next(i for i, d in enumerate(page.due_places.model.rows()) if d.place_id == place.id))
    places = page.due_places.model.rowCount()

    _place(demo_store, "小李便利店")  # due at once (never inspected): both lists are read again
    qtbot.waitUntil(lambda: page.due_places.model.rowCount() == places + 1 and not ctx.runner.busy, timeout=10_000)
    chosen = sorted(page.due_model.row(i.row()).household_id for i in page.due.selectionModel().selectedRows())
    assert chosen == households
    assert page.due_places.selected_ids() == [place.id]


def test_the_place_chosen_on_a_walk_round_stays_chosen_when_it_is_read_again(qtbot, make_ctx, demo_store, chinese):
    """The walk-round's places read again (a sync, another place registered) keep the place chosen to inspect next,
    instead of going back to the first not yet inspected."""
    from gridworker.services import place_walks

    first, second = _place(demo_store, "老王川菜馆"), _place(demo_store, "阿福面馆")
    place_walks.plan_mixed_walkround(demo_store, "场所巡查", place_ids=[first.id, second.id], planner_id=WORKER.id,
                                     planned_for=local_day(utcnow()), planner_role=WORKER.role)
    ctx = make_ctx(WORKER, "zh")
    page = show(qtbot, VisitsPage(ctx), size=(1366, 800))
    qtbot.waitUntil(lambda: page.walk_places.model.rowCount() == 2 and not ctx.runner.busy, timeout=10_000)
    assert page.walk_places.table.currentIndex().row() == 0
    click_row(qtbot, page.walk_places.table, 1)
    chosen = page.walk_places.model.row(1)[2].id
    places = page.due_places.model.rowCount()

    _place(demo_store, "小李便利店")
    qtbot.waitUntil(lambda: page.due_places.model.rowCount() == places + 1 and not ctx.runner.busy, timeout=10_000)
    row = page.walk_places.table.currentIndex().row()
    assert page.walk_places.model.row(row)[2].id == chosen


def test_a_place_deleted_meanwhile_shows_no_card_and_no_error(qtbot, make_ctx, demo_store, chinese):
    """A place opened (from the register's search, a list not yet refreshed) after a sync deleted it: its card is
    not found — the card is emptied, no error dialog with a traceback."""
    from gridworker.ui.pages.places import PlacesPage

    place = _place(demo_store, "要拆的小卖部")
    ctx = make_ctx(WORKER, "zh")
    page = show(qtbot, PlacesPage(ctx))
    qtbot.waitUntil(lambda: any(r.id == place.id for r in page.model.rows()) and not ctx.runner.busy, timeout=10_000)
    place_service.delete_place(demo_store, place.id, actor_role=WORKER.role)  # another computer's delete, synced
    page.select_place(place.id)
    # The list is read again too (the delete arrived): wait for both, then nothing of the place is shown.
    qtbot.waitUntil(lambda: all(r.id != place.id for r in page.model.rows()) and not page._search_timer.isActive()
                    and not ctx.runner.busy, timeout=10_000)
    assert page.card.card is None or page.card.card.place.id != place.id
    assert page.message.isVisible() and page.message.text() == "找不到该场所：它可能已被删除"


def test_a_place_deleted_meanwhile_is_said_when_inspected_from_a_walk_round(qtbot, make_ctx, demo_store, chinese):
    """Inspect on a walk-round for a place a sync has just deleted (the list not yet refreshed): said beside the
    walk-round's places in words, not an error dialog with a traceback."""
    from PySide6.QtWidgets import QLabel

    from gridworker.services.place_walks import plan_mixed_walkround

    place = _place(demo_store, "要拆的小卖部")
    plan_mixed_walkround(demo_store, "场所巡查", place_ids=[place.id])
    ctx = make_ctx(WORKER, "zh")
    page = show(qtbot, VisitsPage(ctx), size=(1366, 800))
    qtbot.waitUntil(lambda: page.walk_places.model.rowCount() == 1 and not ctx.runner.busy, timeout=10_000)
    place_service.delete_place(demo_store, place.id, actor_role=WORKER.role)  # another computer's delete, synced
    qtbot.mouseClick(page.walk_places.inspect_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not page._refresh_timer.isActive() and not ctx.runner.busy, timeout=10_000)  # refreshed too
    said = [label.text() for label in page.walk_places.findChildren(QLabel) if label.isVisible()]
    assert "找不到该场所：它可能已被删除" in said
    assert getattr(page, "place_dialog", None) is None


def test_editing_a_place_deleted_meanwhile_says_so(qtbot, make_ctx, demo_store, chinese):
    """Edit… on the card of a place a sync has just deleted (the list not yet refreshed): said above the list in
    words, no editor and no error dialog with a traceback."""
    from gridworker.ui.pages.places import PlacesPage

    place = _place(demo_store, "要拆的小卖部")
    ctx = make_ctx(WORKER, "zh")
    page = show(qtbot, PlacesPage(ctx))
    page.search.setText("要拆")
    qtbot.waitUntil(lambda: page.card.card is not None and page.card.card.place.id == place.id and not ctx.runner.busy,
                    timeout=10_000)
    place_service.delete_place(demo_store, place.id, actor_role=WORKER.role)  # another computer's delete, synced
    qtbot.mouseClick(page.card.edit_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not page._search_timer.isActive() and not ctx.runner.busy, timeout=10_000)  # the list too
    assert page.message.isVisible() and page.message.text() == "找不到该场所：它可能已被删除"
    assert getattr(page, "editor", None) is None
