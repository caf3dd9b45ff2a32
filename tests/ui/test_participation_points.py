"""积分 driven like community staff: a manual award with its rule item and reason, a deduction beyond the
balance refused in the ledger's words, a wrong entry reversed once, and the rankings by grid and team."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from sqlmodel import select

from gridworker.domain.models import Outbox
from gridworker.domain.participation_records import LedgerEntry
from gridworker.services.queries import points as point_queries
from gridworker.ui.participation.points import PointsTab

from .conftest_participation import STAFF, WORKER, p_account, p_ctx, p_store, participation_template, show  # noqa: F401

pytestmark = pytest.mark.timeout(120)


def choose_member(qtbot, tab, index: int = 0):
    qtbot.waitUntil(lambda: tab.model.rowCount() > index, timeout=10_000)
    member = tab.model.row(index)
    tab.table.selectRow(index)
    qtbot.waitUntil(lambda: tab.balance.text().startswith(member.name), timeout=10_000)
    return member


def test_award_refused_deduction_and_reversal(qtbot, p_ctx, p_store):
    tab = show(qtbot, PointsTab(p_ctx(STAFF)))
    tab.on_shown()
    member = choose_member(qtbot, tab)
    before = point_queries.ledger(p_store, member.id)[0]

    tab.rule.setCurrentIndex(tab.rule.findData("A07.02"))  # 调解成功: 8 points by default
    assert tab.points.value() == 8
    tab.note.setText("调解邻里漏水纠纷")
    qtbot.mouseClick(tab.award_button, Qt.LeftButton)
    assert not tab.award_button.isEnabled()  # off with the click itself
    qtbot.waitUntil(lambda: tab.message.text() == "Recorded.", timeout=10_000)
    qtbot.waitUntil(lambda: tab.balance.text() == f"{member.name}: {before + 8} points", timeout=10_000)
    assert tab.note.text() == ""

    tab.points.setValue(-(before + 9))
    tab.note.setText("扣分")
    qtbot.waitUntil(lambda: tab.award_button.isEnabled())
    qtbot.mouseClick(tab.award_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: tab.message.text() == f"Not enough points: the balance is {before + 8}", timeout=10_000)

    # Reverse the award just made: the newest entry is at the top.
    qtbot.waitUntil(lambda: tab.ledger_model.rowCount() > 0 and tab.ledger_model.row(0).points == 8, timeout=10_000)
    tab.ledger_table.selectRow(0)
    assert tab.reverse_button.isEnabled()
    tab.note.setText("记错了人")
    qtbot.mouseClick(tab.reverse_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: tab.message.text() == "Reversed.", timeout=10_000)
    qtbot.waitUntil(lambda: tab.balance.text() == f"{member.name}: {before} points", timeout=10_000)
    reversed_row = next(r for r in tab.ledger_model.rows() if r.points == 8 and r.note == "调解邻里漏水纠纷")
    assert reversed_row.reversed
    with p_store.read() as s:
        entries = list(s.exec(select(LedgerEntry).where(LedgerEntry.member_id == member.id, LedgerEntry.reverses == reversed_row.id)))
        assert len(entries) == 1 and entries[0].points == -8 and entries[0].verified_by == STAFF.id
        assert s.exec(select(Outbox).where(Outbox.entity == "ledger_entry", Outbox.record_id == entries[0].id)).one()
    # A reversed entry is not offered for reversal again.
    index = tab.ledger_model.rows().index(reversed_row)
    tab.ledger_table.selectRow(index)
    assert not tab.reverse_button.isEnabled()


def test_rankings_by_grid_team_and_groups_in_chinese(qtbot, p_ctx, p_store):
    tab = show(qtbot, PointsTab(p_ctx(STAFF, "zh")))
    tab.on_shown()
    qtbot.waitUntil(lambda: tab.board_model.rowCount() > 0, timeout=10_000)
    tab.period.setCurrentIndex(tab.period.count() - 1)  # 全部时间
    tab.by.setCurrentIndex(tab.by.findData("team"))
    tab.groups.setChecked(True)
    expected = point_queries.board(p_store, "team", None, groups=True)
    qtbot.waitUntil(lambda: [(r.name, r.points) for r in tab.board_model.rows()] == [(r.name, r.points) for r in expected],
                    timeout=10_000)
    ranks = [r.rank for r in tab.board_model.rows()]
    assert ranks == sorted(ranks) and ranks[0] == 1
    assert tab.period.currentText() == "全部时间" and tab.by.currentText() == "按服务队"
    tab.groups.setChecked(False)
    tab.by.setCurrentIndex(tab.by.findData("grid"))
    qtbot.waitUntil(lambda: tab.board_model.rowCount() > 0 and all(r.group for r in tab.board_model.rows()), timeout=10_000)


def test_a_grid_worker_cannot_record_or_reverse_points(qtbot, p_ctx, p_store):
    """Manual entries and reversals are community staff's (the server takes ledger entries from staff only):
    a grid worker's click is refused on the tab, in the rule's words, and nothing is written or queued."""
    tab = show(qtbot, PointsTab(p_ctx(WORKER)))
    tab.on_shown()
    qtbot.waitUntil(lambda: tab.model.rowCount() > 0, timeout=10_000)

    def reversible(member_id):
        return [r for r in point_queries.ledger(p_store, member_id)[1]
                if not r.reversed and r.source_kind not in ("reversal", "redemption")]

    index = next(i for i, m in enumerate(tab.model.rows()) if reversible(m.id))
    member = choose_member(qtbot, tab, index)
    before = point_queries.ledger(p_store, member.id)
    with p_store.read() as s:
        queued = len(s.exec(select(Outbox).where(Outbox.entity == "ledger_entry")).all())
    tab.note.setText("帮忙搬运物资")
    qtbot.mouseClick(tab.award_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: tab.message.text() == "A grid worker cannot record points", timeout=10_000)
    entry_id = reversible(member.id)[0].id
    tab.ledger_table.selectRow(next(i for i, r in enumerate(tab.ledger_model.rows()) if r.id == entry_id))
    qtbot.waitUntil(tab.reverse_button.isEnabled)
    qtbot.mouseClick(tab.reverse_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: tab.message.text() == "A grid worker cannot reverse a points entry", timeout=10_000)
    assert point_queries.ledger(p_store, member.id) == before
    with p_store.read() as s:
        assert len(s.exec(select(Outbox).where(Outbox.entity == "ledger_entry")).all()) == queued


def _pulled_rules(store) -> None:
    """The server's rules as a pull brings them (the shipped table; the server's ids are its own)."""
    import uuid

    from gridworker.domain.participation import tables
    from gridworker.domain.participation_records import PointRule
    from gridworker.services.base import transaction

    with transaction(store) as tx:
        for area in tables.rule_areas():
            for item in area.items:
                tx.s.add(PointRule(id=str(uuid.uuid4()), version=1, code=item.code, name=item.name, name_en=item.name_en,
                                   area_code=area.code, area_name=area.name, area_name_en=area.name_en, points=item.points,
                                   from_seed=area.from_seed))


def test_community_staff_set_the_points_of_a_rule_the_seeds_leave_to_them(qtbot, p_ctx, p_store):
    from gridworker.domain.participation_records import PointRule

    tab = show(qtbot, PointsTab(p_ctx(STAFF)))
    tab.on_shown()
    qtbot.waitUntil(lambda: tab.rule.count() > 0 and not tab.ctx.runner.busy, timeout=10_000)
    tab.rule.setCurrentIndex(tab.rule.findData("A06.01"))  # 参加宣讲活动: no seed gives its points
    assert tab.rule_source.text() == "Points set by the community"
    tab.points.setValue(4)
    qtbot.mouseClick(tab.rule_points_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: tab.message.text() == "The rules come from the server: sync once, then set their points.",
                    timeout=10_000)
    _pulled_rules(p_store)
    tab.reload()
    qtbot.waitUntil(lambda: tab.rule_points_button.isEnabled() and not tab.ctx.runner.busy, timeout=10_000)
    tab.rule.setCurrentIndex(tab.rule.findData("A01.01"))
    assert tab.rule_source.text() == "Area named in the seed rules; points set by the community"
    tab.rule.setCurrentIndex(tab.rule.findData("A06.01"))
    tab.points.setValue(4)
    qtbot.mouseClick(tab.rule_points_button, Qt.LeftButton)
    assert not tab.rule_points_button.isEnabled()  # off with the click itself
    qtbot.waitUntil(lambda: tab.message.text() == "The rule's points are changed: members see them after the next sync.",
                    timeout=10_000)
    qtbot.waitUntil(lambda: tab.rule.itemText(tab.rule.findData("A06.01")).endswith("(4)"), timeout=10_000)
    with p_store.read() as s:
        rule = s.exec(select(PointRule).where(PointRule.code == "A06.01")).one()
        pushed = [o.fields for o in s.exec(select(Outbox).where(Outbox.entity == "point_rule", Outbox.record_id == rule.id))]
    assert rule.points == 4 and pushed == [{"points": 4}]


def test_a_grid_worker_does_not_set_the_rules_points(qtbot, p_ctx):
    tab = show(qtbot, PointsTab(p_ctx(WORKER)))
    tab.on_shown()
    qtbot.waitUntil(lambda: tab.rule.count() > 0 and not tab.ctx.runner.busy, timeout=10_000)
    assert not tab.rule_points_button.isEnabled()


def test_a_reload_keeps_the_points_typed_and_the_entry_chosen_to_reverse(qtbot, p_ctx, p_store):
    """Points recorded for another member (a sync, another desk) reload the tab: the points typed for this award
    stay (not put back to the rule's), and the ledger entry chosen to reverse stays chosen."""
    from gridworker.services.participation import points as point_service

    tab = show(qtbot, PointsTab(p_ctx(STAFF)))
    tab.on_shown()
    index = next(i for i, m in enumerate(_rows(qtbot, tab)) if any(
        not r.reversed and r.source_kind not in ("reversal", "redemption") for r in point_queries.ledger(p_store, m.id)[1]))
    member = choose_member(qtbot, tab, index)
    other = next(m for m in tab.model.rows() if m.id != member.id)
    qtbot.waitUntil(lambda: tab.ledger_model.rowCount() > 0 and not tab.ctx.runner.busy, timeout=10_000)
    tab.rule.setCurrentIndex(tab.rule.findData("A07.02"))  # 8 points by default
    tab.points.setValue(5)
    entry = next(i for i, r in enumerate(tab.ledger_model.rows())
                 if not r.reversed and r.source_kind not in ("reversal", "redemption"))
    entry_id = tab.ledger_model.row(entry).id
    tab.ledger_table.selectRow(entry)
    assert tab.reverse_button.isEnabled()

    point_service.manual_entry(p_store, other.id, 3, "A17.02", "演示", verified_by=STAFF.id, actor_role=STAFF.role)
    qtbot.waitUntil(lambda: any(m.id == other.id and m.balance == other.balance + 3 for m in tab.model.rows())
                    and not tab.ctx.runner.busy, timeout=10_000)
    assert tab.current.id == member.id and tab.rule.currentData() == "A07.02"
    assert tab.points.value() == 5
    assert tab.chosen_entry() is not None and tab.chosen_entry().id == entry_id and tab.reverse_button.isEnabled()


def _rows(qtbot, tab):
    qtbot.waitUntil(lambda: tab.model.rowCount() > 1, timeout=10_000)
    return tab.model.rows()
