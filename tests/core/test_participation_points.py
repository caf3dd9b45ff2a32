"""The points ledger and the points shop: reversal rules, rankings counted by hand, and random sequences
of entries and redemptions that never leave a balance or a stock below zero."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridworker.domain.participation.common import Refusal
from gridworker.domain.participation.points import (
    ACTIVITY, MANUAL, ORDER, REDEMPTION, REVERSAL, WISH, Entry, Ledger, RankRow, awards, rank,
)
from gridworker.domain.participation.shop import (
    CANCELLED, HANDED_OVER, REQUESTED, Item, Shop, decide_redemption,
)
from gridworker.domain.workdays import TZ

T0 = datetime(2026, 3, 2, 9, tzinfo=TZ)


def award(eid, member, points, *, kind=ORDER, source=None, at=T0, item="A09.01"):
    return Entry(eid, member, points, kind, at, source_id=source or f"src-{eid}", rule_item=item, verified_by="staff-1")


def reversal(eid, original: Entry, *, at=None, points=None, member=None):
    return Entry(eid, member or original.member_id, -original.points if points is None else points, REVERSAL,
                 at or original.at, verified_by="staff-1", reverses=original.id, note="记错了人")


def refused(ledger: Ledger, entry: Entry) -> str:
    refusal = ledger.check(entry)
    assert refusal is not None, entry
    assert refusal.zh and refusal.en
    before = (len(ledger), ledger.balances())
    with pytest.raises(Refusal):
        ledger.append(entry)
    assert (len(ledger), ledger.balances()) == before
    return refusal.code


# -- the ledger's rules -------------------------------------------------------------------------------


def test_a_wrong_entry_is_reversed_once_and_a_reversal_is_never_reversed():
    ledger = Ledger()
    wrong = award("e1", "m1", 5)
    ledger.append(wrong)
    fix = reversal("e2", wrong, at=T0 + timedelta(days=1))
    ledger.append(fix)
    assert ledger.balance("m1") == 0 and ledger.is_reversed("e1")
    assert refused(ledger, reversal("e3", wrong)) == "already_reversed"
    assert refused(ledger, reversal("e4", fix)) == "reversal_of_reversal"
    # The work can be awarded again once the wrong award is reversed, to the right member.
    ledger.append(award("e5", "m1", 5, source="src-e1"))
    assert ledger.balance("m1") == 5
    assert [e.id for e in ledger.history("m1")] == ["e1", "e2", "e5"]


def test_reversal_must_mirror_the_original():
    ledger = Ledger([award("e1", "m1", 5)])
    assert refused(ledger, reversal("r", ledger.get("e1"), points=-4)) == "reversal_mismatch"
    assert refused(ledger, reversal("r", ledger.get("e1"), member="m2")) == "reversal_mismatch"
    missing = Entry("r", "m1", -5, REVERSAL, T0, verified_by="s", reverses="nope", note="x")
    assert refused(ledger, missing) == "reversed_entry_missing"
    assert refused(ledger, reversal("r", ledger.get("e1"), at=T0 - timedelta(hours=1))) == "reversal_before_original"
    no_reason = Entry("r", "m1", -5, REVERSAL, T0, verified_by="s", reverses="e1")
    assert refused(ledger, no_reason) == "note_required"


def test_entries_are_checked():
    ledger = Ledger([award("e1", "m1", 5)])
    assert refused(ledger, award("e1", "m2", 5)) == "duplicate_entry"
    assert refused(ledger, award("e2", "m1", 5, source="src-e1")) == "already_awarded"
    assert refused(ledger, award("e2", "m1", 0)) == "invalid_points"
    assert refused(ledger, award("e2", "m1", True)) == "invalid_points"
    assert refused(ledger, award("e2", "m1", -3)) == "award_negative"
    assert refused(ledger, Entry("e2", "m1", 3, ORDER, T0, source_id="o", rule_item="A09.01")) == "verifier_required"
    assert refused(ledger, Entry("e2", "m1", 3, "gift", T0, verified_by="s")) == "unknown_source"
    assert refused(ledger, Entry("e2", "m1", 3, MANUAL, T0, rule_item="A17.02", verified_by="s")) == "note_required"
    assert refused(ledger, award("e2", "", 3)) == "member_required"
    assert refused(ledger, award("e2", "m1", 3, at=datetime(2026, 3, 2, 9))) == "naive_time"


def test_no_balance_goes_below_zero():
    ledger = Ledger([award("e1", "m1", 5)])
    ledger.append(Entry("spend", "m1", -5, REDEMPTION, T0, source_id="red-1"))
    # The award was spent: reversing it would leave -5, so the redemption must be cancelled first.
    assert refused(ledger, reversal("r1", ledger.get("e1"))) == "not_enough_points"
    deduction = Entry("d1", "m1", -1, MANUAL, T0, rule_item="A17.02", verified_by="s", note="未到岗")
    assert refused(ledger, deduction) == "not_enough_points"
    ledger.append(Entry("refund", "m1", 5, REDEMPTION, T0, source_id="red-1"))
    ledger.append(reversal("r1", ledger.get("e1")))
    assert ledger.balance("m1") == 0


def test_redemption_entries_pay_once_and_refund_once():
    ledger = Ledger([award("e1", "m1", 20)])
    ledger.append(Entry("s1", "m1", -8, REDEMPTION, T0, source_id="red-1"))
    assert refused(ledger, Entry("s2", "m1", -8, REDEMPTION, T0, source_id="red-1")) == "already_spent"
    assert refused(ledger, Entry("f1", "m1", 9, REDEMPTION, T0, source_id="red-1")) == "refund_mismatch"
    assert refused(ledger, Entry("f1", "m1", 8, REDEMPTION, T0, source_id="red-2")) == "refund_mismatch"
    assert refused(ledger, reversal("r1", ledger.get("s1"))) == "redemption_not_reversible"
    ledger.append(Entry("f1", "m1", 8, REDEMPTION, T0, source_id="red-1"))
    assert refused(ledger, Entry("f2", "m1", 8, REDEMPTION, T0, source_id="red-1")) == "refund_mismatch"
    assert ledger.balance("m1") == 20


def test_awards_for_the_same_work_are_paid_once():
    ledger = Ledger()
    for entry in awards(ORDER, "order-7", ["m1", "m2", "m1"], "A09.01", 5, "staff-1", T0):
        ledger.append(entry)
    assert ledger.balances() == {"m1": 5, "m2": 5}
    again = awards(ORDER, "order-7", ["m1"], "A09.01", 5, "staff-2", T0 + timedelta(hours=1))  # a second desk
    assert refused(ledger, again[0]) == "duplicate_entry"
    ledger.append(reversal("fix", ledger.get("order:order-7:m1")))
    ledger.append(awards(ORDER, "order-7", ["m1"], "A09.01", 5, "staff-1", T0, round_=1)[0])
    assert ledger.balance("m1") == 5


# -- rankings, counted by hand ------------------------------------------------------------------------


def test_rank_shares_places_on_equal_points():
    assert rank({"c": 5, "a": 9, "b": 5, "d": 1}) == [
        RankRow(1, "a", 9), RankRow(2, "b", 5), RankRow(2, "c", 5), RankRow(4, "d", 1),
    ]
    assert rank({}) == []


def test_rankings_by_grid_team_and_period_counted_by_hand():
    march, april = T0, T0 + timedelta(days=31)  # 2 March and 2 April
    ledger = Ledger()
    ledger.append(award("1", "ann", 5, at=march))
    ledger.append(award("2", "bo", 3, at=march, kind=ACTIVITY))
    ledger.append(award("3", "bo", 4, at=april, kind=WISH))
    ledger.append(award("4", "cy", 7, at=april))
    ledger.append(award("5", "dee", 2, at=march))
    # Bo spends 6 in April: spending never moves anyone on the board.
    ledger.append(Entry("s", "bo", -6, REDEMPTION, april, source_id="red-1"))
    # A wrong March award to Dee, reversed in April: it leaves March's board, not April's.
    wrong = award("6", "dee", 3, at=march + timedelta(days=1))
    ledger.append(wrong)
    ledger.append(reversal("7", wrong, at=april))
    manual = Entry("8", "ann", 1, MANUAL, april, rule_item="A17.02", verified_by="s", note="协助布置会场")
    ledger.append(manual)
    # ann 5+1=6, bo 3+4=7, cy 7, dee 2 (+3-3); balances: bo 1.
    assert ledger.balances() == {"ann": 6, "bo": 1, "cy": 7, "dee": 2}
    assert ledger.ranking() == [RankRow(1, "bo", 7), RankRow(1, "cy", 7), RankRow(3, "ann", 6), RankRow(4, "dee", 2)]
    march_only = (datetime(2026, 3, 1, tzinfo=TZ), datetime(2026, 4, 1, tzinfo=TZ))
    assert ledger.ranking(period=march_only) == [RankRow(1, "ann", 5), RankRow(2, "bo", 3), RankRow(3, "dee", 2)]
    april_only = (datetime(2026, 4, 1, tzinfo=TZ), datetime(2026, 5, 1, tzinfo=TZ))
    assert ledger.ranking(period=april_only) == [RankRow(1, "cy", 7), RankRow(2, "bo", 4), RankRow(3, "ann", 1)]
    # A community's board lists its members with no points too.
    assert ledger.ranking(["ann", "eve"]) == [RankRow(1, "ann", 6), RankRow(2, "eve", 0)]
    grid_of = {"ann": "g1", "bo": "g1", "eve": "g1", "cy": "g2", "dee": "g2"}
    assert ledger.rankings_by(grid_of, march_only) == {
        "g1": [RankRow(1, "ann", 5), RankRow(2, "bo", 3), RankRow(3, "eve", 0)],
        "g2": [RankRow(1, "dee", 2), RankRow(2, "cy", 0)],
    }
    team_of = {"ann": "法律服务队", "cy": "法律服务队", "bo": "环境提升队", "dee": "环境提升队"}
    assert ledger.group_ranking(team_of) == [RankRow(1, "法律服务队", 13), RankRow(2, "环境提升队", 9)]


# -- the shop -----------------------------------------------------------------------------------------


BOOK = Item("book", "书籍", 10)
BAG = Item("bag", "竹编包", 30)


@pytest.mark.parametrize(
    "balance, stock, item, qty, code",
    [
        (100, 5, BOOK, 0, "invalid_quantity"),
        (100, 5, BOOK, True, "invalid_quantity"),
        (100, 5, Item("old", "旧品", 5, active=False), 1, "item_inactive"),
        (100, 0, BOOK, 1, "out_of_stock"),
        (100, 2, BOOK, 3, "not_enough_stock"),
        (29, 5, BOOK, 3, "not_enough_points"),
        (30, 3, BOOK, 3, "ok"),
    ],
)
def test_decide_redemption(balance, stock, item, qty, code):
    decision = decide_redemption(balance, stock, item, qty)
    assert decision.code == code and decision.ok == (code == "ok")
    if not decision.ok:
        assert decision.zh and decision.en


def test_request_cancel_and_hand_over():
    ledger = Ledger([award("e1", "m1", 25)])
    shop = Shop(ledger, [(BOOK, 3), (BAG, 1)])
    r = shop.request("r1", "m1", "book", 2, T0)
    assert (r.status, r.points, ledger.balance("m1"), shop.stock["book"], shop.reserved("book")) == (REQUESTED, 20, 5, 1, 2)
    with pytest.raises(Refusal) as err:
        shop.request("r2", "m1", "bag", 1, T0)
    assert err.value.code == "not_enough_points" and "需要30分，现有5分" in err.value.zh
    assert (ledger.balance("m1"), shop.stock["bag"], "r2" in shop.redemptions) == (5, 1, False)
    with pytest.raises(Refusal) as err:
        shop.cancel("r1", "m2", "member", T0)
    assert err.value.code == "not_owner"
    with pytest.raises(Refusal) as err:
        shop.cancel("r1", "s1", "dispatcher", T0)
    assert err.value.code == "reason_required"
    with pytest.raises(Refusal) as err:
        shop.hand_over("r1", "m1", "member", T0)
    assert err.value.code == "role_not_allowed"
    shop.cancel("r1", "m1", "member", T0)
    assert (ledger.balance("m1"), shop.stock["book"], shop.redemptions["r1"].status) == (25, 3, CANCELLED)
    with pytest.raises(Refusal) as err:
        shop.cancel("r1", "m1", "member", T0)
    assert err.value.code == "redemption_closed"
    shop.request("r3", "m1", "book", 1, T0)
    assert shop.hand_over("r3", "s1", "dispatcher", T0).status == HANDED_OVER
    with pytest.raises(Refusal) as err:
        shop.cancel("r3", "s1", "dispatcher", T0, "发错了")
    assert err.value.code == "redemption_closed"
    assert (ledger.balance("m1"), shop.stock["book"]) == (15, 2)


def test_price_changes_and_items_off_the_shelf():
    ledger = Ledger([award("e1", "m1", 25)])
    shop = Shop(ledger, [(BOOK, 3)])
    shop.request("r1", "m1", "book", 1, T0)
    shop.update_item(Item("book", "书籍", 15))
    shop.cancel("r1", "m1", "member", T0)
    assert ledger.balance("m1") == 25  # the refund is what was paid, not the new price
    shop.update_item(Item("book", "书籍", 15, active=False))
    with pytest.raises(Refusal) as err:
        shop.request("r2", "m1", "book", 1, T0)
    assert err.value.code == "item_inactive"
    for bad, code in [(Item("book", "书籍", 0), "invalid_price"), (Item("pen", "笔", 5), "unknown_item")]:
        with pytest.raises(Refusal) as err:
            shop.update_item(bad)
        assert err.value.code == code
    with pytest.raises(Refusal) as err:
        shop.add_item(Item("book", "书籍", 5))
    assert err.value.code == "duplicate_item"


# -- random sequences: no balance and no stock below zero ------------------------------------------------


MEMBERS = ["m1", "m2", "m3"]
ITEMS = [(Item("i1", "书籍", 7), 2), (Item("i2", "剪纸", 3), 5), (Item("i3", "竹编包", 20), 1)]


def random_operation(rnd: random.Random, shop: Shop, n: int, at: datetime) -> None:
    ledger = shop.ledger
    member = rnd.choice(MEMBERS)
    roll = rnd.random()
    if roll < 0.25:
        ledger.append(award(f"a{n}", member, rnd.randint(1, 15), kind=rnd.choice([ORDER, ACTIVITY, WISH]),
                            source=f"s{rnd.randint(0, 8)}", at=at))
    elif roll < 0.35:
        ledger.append(Entry(f"m{n}", member, rnd.randint(-10, 10) or 1, MANUAL, at, rule_item="A17.02",
                            verified_by="staff", note="手工调整"))
    elif roll < 0.5:
        entries = list(ledger)
        if entries:
            target = rnd.choice(entries)
            ledger.append(Entry(f"r{n}", target.member_id, -target.points, REVERSAL, max(at, target.at),
                                verified_by="staff", reverses=target.id, note="冲正"))
    elif roll < 0.75:
        item, _ = rnd.choice(ITEMS)
        shop.request(f"red{n}", member, item.id, rnd.choice([0, 1, 1, 2, 3]), at)
    elif roll < 0.85:
        item, _ = rnd.choice(ITEMS)
        shop.restock(item.id, rnd.choice([-1, 0, 1, 2]))
    else:
        ids = list(shop.redemptions) or ["none"]
        rid = rnd.choice(ids)
        if rnd.random() < 0.6:
            actor = rnd.choice([(member, "member"), ("staff", "dispatcher")])
            shop.cancel(rid, *actor, at, rnd.choice([None, "不要了"]))
        else:
            shop.hand_over(rid, "staff", rnd.choice(["dispatcher", "member"]), at)


class CountingShop(Shop):
    """Counts what came into stock (the initial stock too), to check stock against it."""

    def __init__(self, ledger, items):
        self.came_in: dict[str, int] = {}
        super().__init__(ledger, items)

    def restock(self, item_id, qty):
        super().restock(item_id, qty)
        self.came_in[item_id] = self.came_in.get(item_id, 0) + qty


def snapshot(shop: Shop):
    return (len(shop.ledger), shop.ledger.balances(), dict(shop.stock), dict(shop.redemptions))


@settings(max_examples=150, deadline=None, database=None)
@given(seed=st.integers(0, 2**64), length=st.integers(1, 80))
def test_any_sequence_keeps_balances_and_stock_at_or_above_zero(seed, length):
    shop = CountingShop(Ledger(), ITEMS)
    at = T0
    rnd = random.Random(seed)  # one seeded stream per sequence: hypothesis' favourite small seeds still vary
    for n in range(length):
        at += timedelta(minutes=rnd.randint(0, 300))
        before = snapshot(shop)
        try:
            random_operation(rnd, shop, n, at)
        except Refusal as refusal:
            assert refusal.code and refusal.zh and refusal.en
            assert snapshot(shop) == before  # a refused operation changes nothing
        balances = shop.ledger.balances()
        assert all(b >= 0 for b in balances.values()), balances
        assert all(s >= 0 for s in shop.stock.values()), shop.stock
        # Balances are the sum of the entries; stock is what came in minus what is requested or handed over.
        for member in MEMBERS:
            assert shop.ledger.balance(member) == sum(e.points for e in shop.ledger if e.member_id == member)
        for item, _ in ITEMS:
            out = sum(r.qty for r in shop.redemptions.values() if r.item_id == item.id and r.status != CANCELLED)
            assert shop.stock[item.id] == shop.came_in[item.id] - out
        # Each entry is reversed at most once, never a reversal nor a redemption, by its mirror image.
        targets = [e.reverses for e in shop.ledger if e.source_kind == REVERSAL]
        assert len(targets) == len(set(targets))
        for e in shop.ledger:
            if e.source_kind == REVERSAL:
                original = shop.ledger.get(e.reverses)
                assert original.source_kind not in (REVERSAL, REDEMPTION)
                assert (e.member_id, e.points) == (original.member_id, -original.points)
        # Spending equals the price of every redemption not cancelled.
        spent = sum(-e.points for e in shop.ledger if e.source_kind == REDEMPTION)
        assert spent == sum(r.points for r in shop.redemptions.values() if r.status != CANCELLED)
    # The balances replay from the entries alone.
    assert Ledger(list(shop.ledger)).balances() == shop.ledger.balances()
