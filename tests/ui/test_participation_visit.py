"""A grid worker's visit raises a service order (and a micro-wish) in one step (服务点单 from a visit), as it raises an incident:
the order names the household and the visit, needs the chosen skill, and waits for community staff."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from sqlmodel import select

from gridworker.domain.fieldwork import Visit
from gridworker.domain.models import Outbox
from gridworker.domain.participation_records import OrderEvent, ServiceOrder, Wish
from gridworker.ui.pages.visits import VisitsPage

from .conftest_fieldwork import WORKER, show
from .conftest_fieldwork import demo_account, demo_store, make_ctx, spot  # noqa: F401 (fixtures)
from .test_visits_page import plan_five_from_due_list

pytestmark = pytest.mark.timeout(120)


def test_needs_raised_in_a_visit_become_a_service_order_in_one_step(qtbot, make_ctx, demo_store):
    page = show(qtbot, VisitsPage(make_ctx(WORKER)))
    plan_five_from_due_list(qtbot, page)
    stop = page.current_stop()
    form = page.form
    assert not form.skill.isEnabled()

    # Without the needs described, the order is refused beside the needs field and nothing is saved.
    form.raise_order.setChecked(True)
    assert form.skill.isEnabled()
    form.skill.setCurrentIndex(form.skill.findData("repair"))
    qtbot.mouseClick(form.outcome_buttons["met"], Qt.LeftButton)
    qtbot.waitUntil(lambda: form.errors["needs"].isVisible(), timeout=10_000)
    with demo_store.read() as s:
        assert s.exec(select(ServiceOrder)).all() == []

    form.needs.insertPlainText("独居老人家的水龙头一直滴水")
    form.raise_wish.setChecked(True)  # and a micro-wish of the household, in the same step
    qtbot.mouseClick(form.outcome_buttons["met"], Qt.LeftButton)
    qtbot.waitUntil(
        lambda: any(s.household_id == stop.household_id and s.visit_id for s in page.stops_model.rows()), timeout=10_000
    )
    with demo_store.read() as s:
        visit = s.exec(select(Visit)).one()
        order = s.exec(select(ServiceOrder)).one()
        [raised] = s.exec(select(OrderEvent).where(OrderEvent.order_id == order.id)).all()
        pushed = {o.entity for o in s.exec(select(Outbox))}
    assert (order.source, order.status, order.skill) == ("visit", "raised", "repair")
    assert (order.household_id, order.visit_id, order.area_id) == (stop.household_id, visit.id, visit.area_id)
    assert order.need == "独居老人家的水龙头一直滴水" and order.raised_by == WORKER.id
    assert (raised.action, raised.visit_id, raised.resident_id, raised.skill) == ("raise", visit.id, stop.household_id, "repair")
    assert {"visit", "service_order", "order_event", "wish", "wish_event"} <= pushed
    with demo_store.read() as s:
        wish = s.exec(select(Wish)).one()
    assert (wish.wish, wish.household_id, wish.status) == ("独居老人家的水龙头一直滴水", stop.household_id, "published")
