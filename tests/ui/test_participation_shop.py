"""积分商城 driven like community staff: add an item and stock, redeem at the desk for a member (refused
offline when the points are short), hand over, cancel with a reason (points and stock back); a desk
redemption the server refused shows as refused with the server's reason, in both languages."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from sqlmodel import select

from gridworker.domain.models import Outbox
from gridworker.domain.participation_records import Redemption, ShopItem
from gridworker.services.participation import points as point_service
from gridworker.services.queries import points as point_queries
from gridworker.ui.participation.shop import ShopTab

from .conftest_participation import STAFF, WORKER, p_account, p_ctx, p_store, participation_template, show  # noqa: F401

pytestmark = pytest.mark.timeout(120)


def add_item(qtbot, tab, name: str, price: int, stock: int) -> str:
    qtbot.waitUntil(lambda: tab.model.rowCount() > 0 and tab.community.count() > 0, timeout=10_000)
    qtbot.mouseClick(tab.new_button, Qt.LeftButton)
    assert tab.save_button.text() == "Add the item"
    tab.name.setText(name)
    tab.price.setValue(price)
    qtbot.mouseClick(tab.save_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: any(r.name == name for r in tab.model.rows()), timeout=10_000)
    row = next(i for i, r in enumerate(tab.model.rows()) if r.name == name)
    tab.table.selectRow(row)
    tab.restock_qty.setValue(stock)
    qtbot.waitUntil(lambda: tab.restock_button.isEnabled())
    qtbot.mouseClick(tab.restock_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: any(r.name == name and r.stock == stock for r in tab.model.rows()), timeout=10_000)
    return tab.model.rows()[row].id


def test_redeem_hand_over_and_cancel_at_the_desk(qtbot, p_ctx, p_store):
    tab = show(qtbot, ShopTab(p_ctx(STAFF)))
    tab.on_shown()
    item_id = add_item(qtbot, tab, "电饭煲", 100, 2)
    member_id = tab.member.itemData(0)
    balance = point_queries.ledger(p_store, member_id)[0]
    if balance < 150:  # make the member rich enough for one, not for two
        point_service.manual_entry(p_store, member_id, 150 - balance, "A17.02", "演示", verified_by=STAFF.id, actor_role=STAFF.role)
    qtbot.waitUntil(lambda: tab.member.itemText(0).endswith("(150 points)") or "150" in tab.member.itemText(0), timeout=10_000)
    tab.member.setCurrentIndex(0)

    tab.qty.setValue(2)
    qtbot.mouseClick(tab.redeem_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: tab.message.text() == "Not enough points: 200 needed, the balance is 150", timeout=10_000)
    tab.qty.setValue(1)
    qtbot.waitUntil(lambda: tab.redeem_button.isEnabled())
    qtbot.mouseClick(tab.redeem_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: tab.message.text().startswith("Recorded"), timeout=10_000)
    qtbot.waitUntil(lambda: any(r.item == "电饭煲" for r in tab.redemption_model.rows()), timeout=10_000)
    assert point_queries.ledger(p_store, member_id)[0] == 50
    assert next(r.stock for r in tab.model.rows() if r.id == item_id) == 1

    mine = next(i for i, r in enumerate(tab.redemption_model.rows()) if r.item == "电饭煲")
    tab.redemption_table.selectRow(mine)
    qtbot.mouseClick(tab.cancel_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: tab.message.text() == "A reason is required to cancel a redemption", timeout=10_000)
    tab.reason.setText("会员改选其他商品")
    qtbot.waitUntil(lambda: tab.cancel_button.isEnabled())
    qtbot.mouseClick(tab.cancel_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: tab.message.text() == "Cancelled: the points and the stock come back.", timeout=10_000)
    assert point_queries.ledger(p_store, member_id)[0] == 150
    qtbot.waitUntil(lambda: next(r.stock for r in tab.model.rows() if r.id == item_id) == 2, timeout=10_000)
    with p_store.read() as s:
        pushed = [o.fields for o in s.exec(select(Outbox).where(Outbox.entity == "redemption"))]
        item = s.get(ShopItem, item_id)
    assert {"status": "cancelled", "reason": "会员改选其他商品"} in pushed
    assert not any("closed_by" in f or "points" in f for f in pushed)  # the server's fields, never pushed
    assert item.stock_total == 2

    qtbot.mouseClick(tab.redeem_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: sum(r.item == "电饭煲" for r in tab.redemption_model.rows()) == 2, timeout=10_000)
    fresh = next(i for i, r in enumerate(tab.redemption_model.rows()) if r.item == "电饭煲" and r.status == "requested")
    tab.redemption_table.selectRow(fresh)
    qtbot.mouseClick(tab.hand_over_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: tab.message.text() == "Handed over.", timeout=10_000)
    qtbot.waitUntil(lambda: any(r.item == "电饭煲" and r.status == "handed_over" for r in tab.redemption_model.rows()),
                    timeout=10_000)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_redemption_the_server_refused_is_shown_refused_with_its_reason(qtbot, p_ctx, p_store, lang):
    with p_store.write() as s:
        made = s.exec(select(Redemption).where(Redemption.status == "requested")).first()
        s.add(Outbox(entity="redemption", record_id=made.id, op="upsert", fields={"status": "requested"}, hlc="0",
                     state="rejected", result={"error": {"code": "not_enough_points", "message_zh": "积分不足：需要60分，现有20分",
                                                         "message_en": "Not enough points: 60 needed, the balance is 20"}}))
    tab = show(qtbot, ShopTab(p_ctx(STAFF, lang)))
    tab.on_shown()
    qtbot.waitUntil(lambda: any(r.id == made.id for r in tab.redemption_model.rows()), timeout=10_000)
    row = next(i for i, r in enumerate(tab.redemption_model.rows()) if r.id == made.id)
    status = tab.redemption_model.data(tab.redemption_model.index(row, 4))
    reason = tab.redemption_model.data(tab.redemption_model.index(row, 6))
    if lang == "zh":
        assert (status, reason) == ("服务器已拒绝", "积分不足：需要60分，现有20分")
    else:
        assert (status, reason) == ("Refused by the server", "Not enough points: 60 needed, the balance is 20")
    assert tab.redemption_model.data(tab.redemption_model.index(row, 4), Qt.ForegroundRole).name() == "#dc2626"
    tab.redemption_table.selectRow(row)
    assert not tab.hand_over_button.isEnabled() and not tab.cancel_button.isEnabled()


def test_a_grid_worker_cannot_add_items_or_stock(qtbot, p_ctx, p_store):
    """Items and stock are community staff's (the server takes shop items from staff only): refused on the tab."""
    tab = show(qtbot, ShopTab(p_ctx(WORKER)))
    tab.on_shown()
    qtbot.waitUntil(lambda: tab.model.rowCount() > 0 and tab.community.count() > 0, timeout=10_000)
    with p_store.read() as s:
        before = {i.id: (i.name, i.stock) for i in s.exec(select(ShopItem))}
    qtbot.mouseClick(tab.new_button, Qt.LeftButton)
    tab.name.setText("网格员的商品")
    qtbot.mouseClick(tab.save_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: tab.message.text() == "A grid worker cannot change the points shop", timeout=10_000)
    tab.table.selectRow(0)
    qtbot.waitUntil(tab.restock_button.isEnabled)
    qtbot.mouseClick(tab.restock_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: tab.message.text() == "A grid worker cannot add stock", timeout=10_000)
    with p_store.read() as s:
        assert {i.id: (i.name, i.stock) for i in s.exec(select(ShopItem))} == before
        assert not s.exec(select(Outbox).where(Outbox.entity == "shop_item", Outbox.state == "pending")).all()


def test_a_reload_keeps_the_item_being_edited_and_the_redemption_chosen(qtbot, p_ctx, p_store):
    """Points arriving (a sync, another desk) reload the shop: the item being edited keeps what is typed, and the
    redemption chosen to hand over stays chosen, its buttons on."""
    ctx = p_ctx(STAFF)
    tab = show(qtbot, ShopTab(ctx))
    tab.on_shown()
    qtbot.waitUntil(lambda: tab.model.rowCount() > 0 and tab.member.count() > 0 and not ctx.runner.busy, timeout=10_000)
    with p_store.read() as s:
        made = s.exec(select(Redemption).where(Redemption.status == "requested")).first()
    item = tab.model.rows()[0]
    tab.table.selectRow(0)
    tab.redemption_table.selectRow(next(i for i, r in enumerate(tab.redemption_model.rows()) if r.id == made.id))
    assert tab.hand_over_button.isEnabled()
    tab.name.setText(item.name + "（新款）")
    tab.price.setValue(item.price + 7)

    member_id = tab.member.itemData(0)
    balance = point_queries.ledger(p_store, member_id)[0]
    point_service.manual_entry(p_store, member_id, 3, "A17.02", "演示", verified_by=STAFF.id, actor_role=STAFF.role)
    qtbot.waitUntil(lambda: f"({balance + 3} points)" in tab.member.itemText(0) and not ctx.runner.busy, timeout=10_000)
    assert tab.selected().id == item.id and tab.current.id == item.id
    assert tab.chosen_redemption() is not None and tab.chosen_redemption().id == made.id
    assert tab.hand_over_button.isEnabled()
    assert (tab.name.text(), tab.price.value()) == (item.name + "（新款）", item.price + 7)


def test_a_reload_keeps_a_new_item_being_written(qtbot, p_ctx, p_store):
    ctx = p_ctx(STAFF)
    tab = show(qtbot, ShopTab(ctx))
    tab.on_shown()
    qtbot.waitUntil(lambda: tab.model.rowCount() > 0 and tab.member.count() > 0 and not ctx.runner.busy, timeout=10_000)
    assert tab.save_button.text() == "Add the item"  # nothing chosen yet: the form is for a new item
    qtbot.mouseClick(tab.new_button, Qt.LeftButton)
    tab.name.setText("保温杯")
    tab.price.setValue(40)
    member_id = tab.member.itemData(0)
    balance = point_queries.ledger(p_store, member_id)[0]
    point_service.manual_entry(p_store, member_id, 3, "A17.02", "演示", verified_by=STAFF.id, actor_role=STAFF.role)
    qtbot.waitUntil(lambda: f"({balance + 3} points)" in tab.member.itemText(0) and not ctx.runner.busy, timeout=10_000)
    assert (tab.name.text(), tab.price.value(), tab.save_button.text()) == ("保温杯", 40, "Add the item")
    qtbot.mouseClick(tab.save_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: any(r.name == "保温杯" for r in tab.model.rows()) and not ctx.runner.busy, timeout=10_000)
    assert tab.name.text() == "" and tab.save_button.text() == "Add the item"  # blank for the next one, not added twice
