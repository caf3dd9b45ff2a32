"""The points ledger (积分): awards for verified work, manual entries, reversals — append-only, checked offline.

A new entry is checked against the member's own entries replayed into `domain.participation.points.Ledger`
(every rule of the ledger concerns one member: their balance, their awards, the entry reversed), so the
desk refuses what would take a balance below zero or pay the same work twice, with the rule's words.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlmodel import Session, select

from ...domain import validation as v
from ...domain.errors import ValidationError
from ...domain.participation.common import STAFF, Refusal, check_actor
from ...domain.participation.points import MANUAL, REVERSAL, Entry, Ledger
from ...domain.errors import Refused
from ...domain.participation_records import LedgerEntry, Member, PointRule
from ..base import Tx, get_live, operation
from ..changes import apply_fields, record_upsert
from ..rule_items import rule_items_in
from .common import append, derived_id, when


def to_entry(row: LedgerEntry) -> Entry:
    return Entry(row.id, row.member_id, row.points, row.source_kind, row.at, source_id=row.source_id,
                 rule_item=row.rule_item, verified_by=row.verified_by, reverses=row.reverses, note=row.note)


def member_ledger(s: Session, member_id: str) -> Ledger:
    rows = s.exec(
        select(LedgerEntry).where(LedgerEntry.member_id == member_id, LedgerEntry.deleted == False)  # noqa: E712
        .order_by(LedgerEntry.at, LedgerEntry.updated_at)
    )
    ledger = Ledger()
    for row in rows:
        entry = to_entry(row)
        if ledger.check(entry) is None:  # the server's order may differ from ours: keep what replays
            ledger.append(entry)
    return ledger


def _write(tx: Tx, entry: Entry, area_id: str | None) -> LedgerEntry:
    ledger = member_ledger(tx.s, entry.member_id)
    if ledger.get(entry.id) is not None:  # the same derived id: say why in the rule's words (reversed already …)
        refusal = ledger.check(replace(entry, id=f"{entry.id}:again"))
        if refusal is not None:
            raise refusal
    ledger.append(entry)  # raises the ledger's Refusal (not enough points, paid already, a duplicate …)
    values = {
        "area_id": area_id, "member_id": entry.member_id, "points": entry.points, "source_kind": entry.source_kind,
        "source_id": entry.source_id, "rule_item": entry.rule_item, "verified_by": entry.verified_by,
        "reverses": entry.reverses, "note": entry.note, "at": entry.at,
    }
    row = LedgerEntry(id=entry.id, **values)
    append(tx, row, values)
    return row


def _area_of(tx: Tx, member_id: str, area_id: str | None) -> str | None:
    if area_id is not None:
        return area_id
    member = tx.s.get(Member, member_id)
    return member.area_id if member is not None else None


def award(tx: Tx, kind: str, source_id: str, member_id: str, rule_item: str, points: int, *, verified_by: str,
          at: datetime, area_id: str | None = None) -> LedgerEntry:
    """Points for verified work (an order, an activity, a wish): once per member and source."""
    ledger = member_ledger(tx.s, member_id)
    round_, entry_id = 0, derived_id(f"{kind}:{source_id}:{member_id}")
    while ledger.get(entry_id) is not None and ledger.is_reversed(entry_id):  # paid, reversed, now paid again
        round_ += 1
        entry_id = derived_id(f"{kind}:{source_id}:{member_id}:{round_}")
    if ledger.get(entry_id) is not None:
        raise Refusal("already_awarded", "这项工作已给该党员记过分", "This member already has the points for this work",
                      action="ledger")
    entry = Entry(entry_id, member_id, points, kind, at, source_id=source_id, rule_item=rule_item, verified_by=verified_by)
    return _write(tx, entry, _area_of(tx, member_id, area_id))


def _rule_item(s, code: str | None) -> str:
    if not code or code not in rule_items_in(s):
        raise ValidationError("rule_item", "请选择积分细则条目", "Choose an item of the point rules", code="required")
    return code


@operation
def manual_entry(tx: Tx, member_id: str, points: int, rule_item: str, note: str, *, verified_by: str, actor_role: str,
                 at: datetime | None = None) -> LedgerEntry:
    """A manual award (or deduction) with its rule item and reason, by community staff."""
    check_actor(verified_by, actor_role, "manual", STAFF, "记录积分", "record points")
    get_live(tx.s, Member, member_id)
    reason = v.text("note", note, max_len=200)
    entry = Entry(derived_id(f"manual:{member_id}:{when(at).isoformat()}:{points}:{reason}"), member_id, points, MANUAL,
                  when(at), rule_item=_rule_item(tx.s, rule_item), verified_by=verified_by, note=reason)
    return _write(tx, entry, _area_of(tx, member_id, None))  # the member's area: the server scopes entries by it


@operation
def reverse(tx: Tx, entry_id: str, note: str, *, verified_by: str, actor_role: str,
            at: datetime | None = None) -> LedgerEntry:
    """Correct a wrong entry by another of the opposite points (the wrong one is never edited), by community staff."""
    check_actor(verified_by, actor_role, "reversal", STAFF, "冲正积分记录", "reverse a points entry")
    original = get_live(tx.s, LedgerEntry, entry_id)
    entry = Entry(derived_id(f"reversal:{entry_id}"), original.member_id, -original.points, REVERSAL,
                  when(at, original.at), source_id=original.source_id, rule_item=original.rule_item,
                  verified_by=verified_by, reverses=entry_id, note=v.text("note", note, max_len=200))
    return _write(tx, entry, original.area_id)


MAX_RULE_POINTS = 1000  # as the server's (server/sync/participation.py)


@operation
def set_rule_points(tx: Tx, code: str, points: int, *, actor_id: str, actor_role: str) -> PointRule:
    """Community staff set the points of an item of the rules (the seeds name areas, never points); sent to the
    server at the next sync, which gives every desk and the members' pages the new points."""
    check_actor(actor_id, actor_role, "rules", STAFF, "修改积分细则的分值", "change the points of the rules")
    rule = tx.s.exec(select(PointRule).where(PointRule.code == code, PointRule.deleted == False)).first()  # noqa: E712
    if rule is None:
        raise Refused("积分细则来自服务器：请先同步一次，再修改分值", "The rules come from the server: sync once, then set their points.",
                      code="rules_not_synced")
    if not isinstance(points, int) or not 0 <= points <= MAX_RULE_POINTS:
        raise ValidationError("points", f"分值应为 0 到 {MAX_RULE_POINTS} 的整数", f"Points are a whole number from 0 to {MAX_RULE_POINTS}",
                              code="out_of_range")
    record_upsert(tx.s, rule, apply_fields(rule, {"points": points}), tx.changes)
    return rule


__all__ = ["award", "manual_entry", "member_ledger", "reverse", "set_rule_points", "to_entry"]
