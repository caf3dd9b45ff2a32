"""Points and the shop on the server (issue 16): the ledger is checked against the member's whole history,
a redemption is decided with the balance and the stock in one transaction, a refused one is rejected with
its reason — also when a desk recorded it offline."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import new_id

def _rule_item() -> str:
    from gridworker.domain.participation import tables

    return next(iter(tables.rule_items()))


def now() -> str:
    return datetime.now(timezone.utc).isoformat()


def add_member(world, disp, grid: str = "G1") -> str:
    member_id = new_id()
    res = disp.upsert("member", member_id, {"name": "李强", "area_id": world.area_ids[grid], "status": "approved", "skills": ["repair"]})
    assert res["status"] == "applied", res
    return member_id


def add_item(world, disp, price: int, stock: int, community: str = "C1") -> str:
    item_id = new_id()
    res = disp.upsert("shop_item", item_id, {"name": "洗衣液", "price": price, "stock_total": stock, "area_id": world.area_ids[community]})
    assert res["status"] == "applied", res
    return item_id


def award(disp, member_id: str, points: int) -> dict:
    fields = {"member_id": member_id, "points": points, "source_kind": "manual", "rule_item": _rule_item(), "note": "补录", "at": now()}
    return disp.upsert("ledger_entry", new_id(), fields)


def redeem(api, member_id: str, item_id: str, qty: int = 1) -> dict:
    return api.upsert("redemption", new_id(), {"member_id": member_id, "item_id": item_id, "qty": qty})


def test_a_redemption_takes_points_and_stock_and_a_refused_one_says_why(world):
    disp = world.api("disp")
    member = add_member(world, disp)
    item = add_item(world, disp, price=10, stock=2)
    assert award(disp, member, 25)["status"] == "applied"
    first = redeem(disp, member, item)
    assert first["status"] == "applied", first
    refused = redeem(disp, member, item, qty=2)  # 20 points, 15 left; 2 pieces, 1 left
    assert refused["status"] == "rejected" and refused["error"]["code"] == "not_enough_stock", refused
    refused = redeem(disp, member, item, qty=1)
    assert refused["status"] == "applied", refused
    refused = redeem(disp, member, item, qty=1)
    assert refused["error"]["code"] == "out_of_stock"
    assert "out of stock" in refused["error"]["message_en"] and refused["error"]["message_zh"]
    disp.pull()
    entries = [d for (e, _i), d in disp.records.items() if e == "ledger_entry" and d["member_id"] == member]
    assert sorted(d["points"] for d in entries) == [-10, -10, 25]
    assert disp.records[("shop_item", item)]["stock"] == 0


def test_a_deduction_below_zero_and_a_reversal_of_spent_points_are_refused(world):
    disp = world.api("disp")
    member = add_member(world, disp)
    item = add_item(world, disp, price=30, stock=5)
    entry = new_id()
    fields = {"member_id": member, "points": 30, "source_kind": "manual", "rule_item": _rule_item(), "note": "补录", "at": now()}
    assert disp.upsert("ledger_entry", entry, fields)["status"] == "applied"
    assert redeem(disp, member, item)["status"] == "applied"
    reversal = {"member_id": member, "points": -30, "source_kind": "reversal", "reverses": entry, "note": "记错", "at": now()}
    res = disp.upsert("ledger_entry", new_id(), reversal)
    assert res["error"]["code"] == "not_enough_points", res
    minus = {"member_id": member, "points": -1, "source_kind": "manual", "rule_item": _rule_item(), "note": "扣分", "at": now()}
    assert disp.upsert("ledger_entry", new_id(), minus)["error"]["code"] == "not_enough_points"
    spend = {"member_id": member, "points": -5, "source_kind": "redemption", "source_id": new_id(), "at": now()}
    assert disp.upsert("ledger_entry", new_id(), spend)["error"]["code"] == "server_writes"


def test_cancelling_gives_points_and_stock_back_once(world):
    disp = world.api("disp")
    member = add_member(world, disp)
    item = add_item(world, disp, price=10, stock=1)
    award(disp, member, 10)
    rid = new_id()
    assert disp.upsert("redemption", rid, {"member_id": member, "item_id": item, "qty": 1})["status"] == "applied"
    assert redeem(disp, member, item)["error"]["code"] in ("out_of_stock", "not_enough_points")
    no_reason = disp.upsert("redemption", rid, {"status": "cancelled"})
    assert no_reason["error"]["code"] == "reason_required"
    assert disp.upsert("redemption", rid, {"status": "cancelled", "reason": "缺货"})["status"] in ("applied", "merged")
    again = disp.upsert("redemption", rid, {"status": "handed_over"})
    assert again["error"]["code"] == "redemption_closed"
    assert redeem(disp, member, item)["status"] == "applied"  # the points and the piece came back


def test_stock_supplied_cannot_go_below_what_was_redeemed(world):
    disp = world.api("disp")
    member = add_member(world, disp)
    item = add_item(world, disp, price=1, stock=3)
    award(disp, member, 5)
    assert redeem(disp, member, item, qty=2)["status"] == "applied"
    res = disp.upsert("shop_item", item, {"stock_total": 1})
    assert res["error"]["code"] == "stock_below_redeemed"
    assert disp.upsert("shop_item", item, {"stock_total": 10})["status"] in ("applied", "merged")
    disp.pull()
    assert disp.records[("shop_item", item)]["stock"] == 8


def test_a_grid_worker_cannot_award_or_redeem(world):
    disp, w1 = world.api("disp"), world.api("w1")
    member = add_member(world, disp)
    item = add_item(world, disp, price=1, stock=3)
    assert award(w1, member, 5)["error"]["code"] == "role_not_allowed"
    assert redeem(w1, member, item)["error"]["code"] == "role_not_allowed"


_STEP = st.one_of(
    st.tuples(st.just("award"), st.integers(1, 40)),
    st.tuples(st.just("deduct"), st.integers(1, 40)),
    st.tuples(st.just("redeem"), st.integers(0, 1), st.integers(1, 4)),
    st.tuples(st.just("cancel"), st.integers(0, 30)),
    st.tuples(st.just("restock"), st.integers(0, 1), st.integers(-3, 5)),
    st.tuples(st.just("reverse"), st.integers(0, 30)),
)


def test_any_sequence_leaves_no_balance_and_no_stock_below_zero(world):
    disp = world.api("disp")

    @given(steps=st.lists(_STEP, min_size=1, max_size=25))
    @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def run(steps):
        member = add_member(world, disp)
        items = [add_item(world, disp, price=7, stock=3), add_item(world, disp, price=3, stock=1)]
        totals = {items[0]: 3, items[1]: 1}
        entries, redemptions = [], []
        for step in steps:
            _step(disp, member, items, totals, entries, redemptions, step)
        _check_invariants(world, disp, member, items)

    run()


def _step(disp, member, items, totals, entries, redemptions, step):
    kind = step[0]
    if kind in ("award", "deduct"):
        eid = new_id()
        points = step[1] if kind == "award" else -step[1]
        fields = {"member_id": member, "points": points, "source_kind": "manual", "rule_item": _rule_item(), "note": "x", "at": now()}
        if disp.upsert("ledger_entry", eid, fields)["status"] == "applied":
            entries.append((eid, points))
    elif kind == "redeem":
        rid = new_id()
        if disp.upsert("redemption", rid, {"member_id": member, "item_id": items[step[1]], "qty": step[2]})["status"] == "applied":
            redemptions.append(rid)
    elif kind == "cancel" and redemptions:
        disp.upsert("redemption", redemptions[step[1] % len(redemptions)], {"status": "cancelled", "reason": "x"})
    elif kind == "restock":
        item = items[step[1]]
        if disp.upsert("shop_item", item, {"stock_total": max(0, totals[item] + step[2])})["status"] in ("applied", "merged"):
            totals[item] = max(0, totals[item] + step[2])
    elif kind == "reverse" and entries:
        eid, points = entries[step[1] % len(entries)]
        fields = {"member_id": member, "points": -points, "source_kind": "reversal", "reverses": eid, "note": "x", "at": now()}
        disp.upsert("ledger_entry", new_id(), fields)


def _check_invariants(world, disp, member, items):
    """Read straight from the server's records: the balance and every item's stock."""
    import json

    from sqlalchemy import select

    from gridworker.server.core.schema import records

    kinds = ["ledger_entry", "redemption", "shop_item"]
    with world.db.engine.connect() as conn:
        rows = conn.execute(select(records.c.entity, records.c.id, records.c.data).where(records.c.entity.in_(kinds)))
        data = {(e, i): json.loads(d) for e, i, d in rows}
    ledger = [d for (e, _i), d in data.items() if e == "ledger_entry" and d["member_id"] == member]
    assert sum(d["points"] for d in ledger) >= 0
    for item in items:
        taken = sum(d["qty"] for (e, _i), d in data.items() if e == "redemption" and d["item_id"] == item and d["status"] != "cancelled")
        assert data[("shop_item", item)]["stock_total"] - taken >= 0
        assert data[("shop_item", item)]["stock"] == data[("shop_item", item)]["stock_total"] - taken
    spent = -sum(d["points"] for d in ledger if d["source_kind"] == "redemption")
    held = sum(d["points"] for (e, _i), d in data.items() if e == "redemption" and d["member_id"] == member and d["status"] != "cancelled")
    assert spent == held  # every live redemption paid once, every cancelled one refunded once
