"""服务点单 driven like community staff: raise an order for a resident at the desk, publish it to a skill, a
member takes and closes it (as a sync would bring), rate it for the resident, verify — the taker's points
are in the ledger; an order past its working days shows as overdue."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from sqlmodel import select as sql_select

from gridworker.domain.models import Outbox, utcnow
from gridworker.domain.participation_records import Member, OrderEvent, ServiceOrder
from gridworker.services.participation import orders as order_service
from gridworker.services.queries import points as point_queries
from gridworker.ui.participation.orders import OrdersTab

from .conftest_participation import STAFF, p_account, p_ctx, p_store, participation_template, settled, show  # noqa: F401

pytestmark = pytest.mark.timeout(120)


def view(qtbot, tab, name: str) -> None:
    tab.tabs.setCurrentIndex(tab.views.index(name))
    qtbot.waitUntil(lambda: settled(tab), timeout=10_000)


def select(qtbot, tab, view_name: str, order_id: str) -> None:
    """Show the view and choose the order in it (once the view's rows are loaded)."""
    tab.tabs.setCurrentIndex(tab.views.index(view_name))
    qtbot.waitUntil(lambda: any(r.id == order_id for r in tab.model.rows()), timeout=10_000)
    tab.table.selectRow(next(i for i, r in enumerate(tab.model.rows()) if r.id == order_id))


def test_raise_publish_rate_verify_pays_the_taker(qtbot, p_ctx, p_store):
    tab = show(qtbot, OrdersTab(p_ctx(STAFF)))
    tab.on_shown()
    qtbot.waitUntil(lambda: tab.model.rowCount() > 0, timeout=10_000)

    # Raise at the desk: find the resident in the register, describe the need, choose the skill.
    qtbot.mouseClick(tab.new_button, Qt.LeftButton)
    dialog = tab.new_dialog
    qtbot.waitUntil(dialog.isVisible)
    dialog.buttons.accepted.emit()  # nothing filled in: refused with the rule's words
    qtbot.waitUntil(lambda: dialog.error.text() != "", timeout=10_000)
    assert dialog.error.text() == "Describe the need"
    with p_store.read() as s:
        from gridworker.domain.models import Person
        person = s.exec(sql_select(Person).where(Person.deleted == False).order_by(Person.name)).first()  # noqa: E712
    dialog.find.setText(person.name)  # typed (keyClicks sends ASCII only)
    qtbot.waitUntil(lambda: dialog.resident.count() > 0, timeout=10_000)
    dialog.resident.setCurrentIndex(dialog.resident.findData(person.id))
    dialog.need.setPlaceholderText("")
    dialog.need.insertPlainText("厨房水管漏水，需上门维修")
    dialog.skill.setCurrentIndex(dialog.skill.findData("repair"))
    qtbot.waitUntil(lambda: dialog.buttons.isEnabled())
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    with p_store.read() as s:
        order = s.exec(sql_select(ServiceOrder).where(ServiceOrder.person_id == person.id)).one()
    assert (order.status, order.skill, order.source, order.area_id) == ("raised", "repair", "staff", person.area_id)

    # Publish it from the list: "to publish" holds it.
    select(qtbot, tab, "to_publish", order.id)
    qtbot.waitUntil(lambda: tab.publish_button.isEnabled(), timeout=10_000)
    assert not tab.verify_button.isEnabled()
    tab.days.setValue(2)
    qtbot.mouseClick(tab.publish_button, Qt.LeftButton)
    assert not tab.publish_button.isEnabled()  # off with the click itself
    qtbot.waitUntil(lambda: tab.message.text() == "Published to the members.", timeout=10_000)

    # A member with the skill takes it and closes it on the web; the sync brings the events.
    with p_store.read() as s:
        member = next(m for m in s.exec(sql_select(Member).where(Member.status == "approved").order_by(Member.name))
                      if "repair" in m.skills)
    at = utcnow()
    order_service.act(p_store, order.id, "take", actor_id=member.id, actor_role="member", at=at)
    order_service.act(p_store, order.id, "close", actor_id=member.id, actor_role="member", note="已更换阀门",
                      photo_ids=["00000000-0000-4000-8000-000000000001"], at=at + timedelta(minutes=5))
    balance_before = point_queries.ledger(p_store, member.id)[0]
    select(qtbot, tab, "to_verify", order.id)
    qtbot.waitUntil(lambda: tab.rate_button.isEnabled(), timeout=10_000)
    assert "已更换阀门" in "\n".join(tab.steps.item(i).text() for i in range(tab.steps.count()))
    assert not tab.verify_button.isEnabled()  # not rated yet: the rules do not offer verifying
    tab.rating.setValue(4)
    qtbot.waitUntil(lambda: tab.rate_button.isEnabled(), timeout=10_000)
    qtbot.mouseClick(tab.rate_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: tab.verify_button.isEnabled(), timeout=10_000)
    qtbot.mouseClick(tab.verify_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: tab.message.text() == "Verified: the takers' points are in the ledger.", timeout=10_000)

    assert point_queries.ledger(p_store, member.id)[0] == balance_before + 5  # 完成服务点单: 5 points
    with p_store.read() as s:
        actions = [e.action for e in s.exec(sql_select(OrderEvent).where(OrderEvent.order_id == order.id).order_by(OrderEvent.at))]
        pushed = {o.entity for o in s.exec(sql_select(Outbox))}
    assert actions == ["raise", "publish", "take", "close", "rate", "verify"]
    assert {"service_order", "order_event", "ledger_entry"} <= pushed


def test_an_overdue_order_is_red_in_chinese_and_the_done_ones_cannot_be_acted_on(qtbot, p_ctx):
    tab = show(qtbot, OrdersTab(p_ctx(STAFF, "zh")))
    tab.on_shown()
    qtbot.waitUntil(lambda: tab.model.rowCount() > 0, timeout=10_000)
    assert tab.tabs.tabText(tab.views.index("overdue")).startswith("已超期 (")
    tab.tabs.setCurrentIndex(tab.views.index("overdue"))
    qtbot.waitUntil(lambda: tab.model.rowCount() > 0 and all(r.late_now for r in tab.model.rows()), timeout=10_000)
    deadline = tab.model.columns.index(next(c for c in tab.model.columns if c.header == "办理期限"))
    index = tab.model.index(0, deadline)
    assert tab.model.data(index, Qt.ForegroundRole).name() == "#dc2626"
    tab.tabs.setCurrentIndex(tab.views.index("done"))
    qtbot.waitUntil(lambda: tab.model.rowCount() > 0 and all(r.status in ("verified", "cancelled") for r in tab.model.rows()),
                    timeout=10_000)
    tab.table.selectRow(0)
    qtbot.waitUntil(lambda: tab.detail is not None, timeout=10_000)
    assert not any(b.isEnabled() for b in tab._buttons())
    assert "已核实" in tab.facts.text() or "已取消" in tab.facts.text()


def test_an_order_deleted_meanwhile_is_said_and_nothing_hangs(qtbot, p_ctx, p_store):
    """An order a sync deleted while it was listed: its detail is read for nothing, said in words, and the
    runner is free again (the read raised StopIteration, which a future cannot carry: the task never ended)."""
    tab = show(qtbot, OrdersTab(p_ctx(STAFF)))
    tab.on_shown()
    qtbot.waitUntil(lambda: tab.model.rowCount() > 0, timeout=10_000)
    row = tab.model.rows()[0]
    tab.table.selectRow(0)
    qtbot.waitUntil(lambda: tab.detail is not None and settled(tab), timeout=10_000)
    with p_store.write() as s:
        s.get(ServiceOrder, row.id).deleted = True
    tab._load_detail(row.id)  # what choosing it gives, before the list has been read again
    qtbot.waitUntil(lambda: not tab.ctx.runner.busy, timeout=10_000)
    assert tab.detail is None and tab.facts.text() == "This order is no longer here: a sync removed it or moved it out of your grids."
    assert not any(b.isEnabled() for b in tab._buttons())
