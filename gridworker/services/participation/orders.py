"""Service orders (服务点单): raise (from the desk or a visit), publish, assign, rate, verify, send back, cancel.

The order's state is replayed from its local event log with `domain.participation.orders.OrderRules`
on the calendar in force; a refused event raises the rule's Refusal and writes nothing. Verifying
writes the takers' points to the ledger in the same transaction (ids derived from the order and the
member, so a second desk cannot pay twice).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, literal_column
from sqlmodel import Session, select

from ...domain import validation as v
from ...domain.errors import ValidationError
from ...domain.models import Household, Person
from ...domain.participation import tables as rule_tables
from ...domain.participation.orders import Event, OrderRules, OrderState
from ...domain.participation_records import Member, OrderEvent, ServiceOrder
from ..base import Tx, get_live, operation
from ..rule_items import pick_item, rule_items_in
from ..changes import record_upsert
from .. import tables
from .common import append, present, when
from .points import award

DEFAULT_RULE_ITEM = "A09.01"  # 完成服务点单


def rules(s: Session) -> OrderRules:
    return OrderRules(tables.work_calendar(s))


def events(s: Session, order_id: str) -> list[OrderEvent]:
    q = (
        select(OrderEvent)
        .where(OrderEvent.order_id == order_id, OrderEvent.deleted == False)  # noqa: E712
        .order_by(func.min(OrderEvent.at, OrderEvent.updated_at), literal_column("order_event.rowid"))
    )
    return list(s.exec(q))


def to_event(row: OrderEvent) -> Event:
    """A logged event for replay. A `take` already happened (the server took it): its skill check is not redone,
    so the taker counts as having every skill (a member's skills may have changed since)."""
    skills = tuple(rule_tables.skills()) if row.action == "take" else ()
    return Event(
        action=row.action, actor_id=row.actor_id, actor_role=row.actor_role, at=row.at, note=row.note, reason=row.reason,
        skill=row.skill, takers_wanted=row.takers_wanted, member_ids=tuple(row.member_ids), photo_ids=tuple(row.photo_ids),
        rating=row.rating, days_allowed=row.days_allowed, resident_id=row.resident_id, visit_id=row.visit_id,
        actor_skills=skills,
    )


def state_of(s: Session, order_id: str) -> OrderState:
    return rules(s).replay(to_event(e) for e in events(s, order_id))


def _rule_item(s: Session, code: str | None) -> str:
    if code is None:
        return pick_item(s, None, DEFAULT_RULE_ITEM)
    if code not in rule_items_in(s):
        raise ValidationError("rule_item", "未知的积分细则条目", "Unknown item of the point rules", code="unknown_choice")
    return code


@operation
def raise_order(
    tx: Tx, *, actor_id: str, actor_role: str, need: str, title: str | None = None, skill: str | None = None,
    takers_wanted: int | None = None, person_id: str | None = None, household_id: str | None = None,
    visit_id: str | None = None, area_id: str | None = None, rule_item: str | None = None, at: datetime | None = None,
) -> ServiceOrder:
    """A need raised for a resident (by staff at the desk, or by a grid worker from a visit)."""
    text = v.text("need", need, max_len=2000)
    at = when(at)
    event = Event("raise", actor_id, actor_role, at, note=text, skill=skill or None, takers_wanted=takers_wanted,
                  resident_id=person_id or household_id, visit_id=visit_id)
    state = rules(tx.s).apply(OrderState(), event)  # raises the rule's Refusal (no need described, no resident …)
    head = v.text("title", title, max_len=100) or text.splitlines()[0][:40]
    person = get_live(tx.s, Person, person_id) if person_id else None
    household_id = household_id or (person.household_id if person else None)
    household = get_live(tx.s, Household, household_id) if household_id else None
    area = area_id or (person.area_id if person else None) or (household.area_id if household else None)
    if area is None:
        raise ValidationError("area_id", "请选择服务单所属网格", "Choose the grid the order belongs to", code="required")
    item = _rule_item(tx.s, rule_item)
    values = {
        "area_id": area, "title": head, "need": text, "rule_item": item, "points": rule_items_in(tx.s)[item].points,
        "raised_at": at, "person_id": person_id, "household_id": household_id, "visit_id": visit_id,
    }
    order = ServiceOrder(raised_by=actor_id, source=state.source, skill=state.skill, **values)
    record_upsert(tx.s, order, present(values), tx.changes)
    _append(tx, order, OrderState(), event)
    return order


def _append(tx: Tx, order: ServiceOrder, state: OrderState, event: Event) -> OrderState:
    new = rules(tx.s).apply(state, event)
    values = {
        "area_id": order.area_id, "order_id": order.id, "action": event.action, "actor_id": event.actor_id,
        "actor_role": event.actor_role, "at": event.at, "note": event.note, "reason": event.reason, "skill": event.skill,
        "takers_wanted": event.takers_wanted, "member_ids": list(event.member_ids), "photo_ids": list(event.photo_ids),
        "rating": event.rating, "comment": None, "days_allowed": event.days_allowed, "resident_id": event.resident_id,
        "visit_id": event.visit_id,
    }
    append(tx, OrderEvent(**values), values)
    derived = {
        "status": new.status, "source": new.source, "raised_by": new.raised_by, "skill": new.skill,
        "takers_wanted": new.takers_wanted, "takers": list(new.takers), "invited": list(new.invited),
        "deadline": new.deadline, "overdue": new.overdue, "write_up": new.write_up, "closed_at": new.closed_at,
        "rating": new.rating, "verified_at": new.verified_at, "on_time": new.on_time, "rework_count": new.rework_count,
    }
    for name, value in derived.items():  # for display: never pushed (the server derives them from the events)
        setattr(order, name, value)
    tx.s.add(order)
    tx.changes.add(order.entity, order.id)
    return new


@operation
def act(
    tx: Tx, order_id: str, action: str, *, actor_id: str, actor_role: str, at: datetime | None = None,
    note: str | None = None, reason: str | None = None, skill: str | None = None, takers_wanted: int | None = None,
    member_ids: Sequence[str] = (), rating: int | None = None, days_allowed: int | None = None,
    photo_ids: Sequence[str] = (),
) -> OrderState:
    """One step of an order (publish, assign, rate, verify, send_back, cancel …); verify pays the takers."""
    order = get_live(tx.s, ServiceOrder, order_id)
    state = state_of(tx.s, order_id)
    event = Event(
        action, actor_id, actor_role, when(at, state.last_at), note=v.text("note", note, max_len=2000),
        reason=v.text("reason", reason, max_len=200), skill=skill or None, takers_wanted=takers_wanted,
        member_ids=tuple(member_ids), photo_ids=tuple(photo_ids), rating=rating, days_allowed=days_allowed,
        actor_skills=_skills_of(tx.s, actor_id) if action == "take" else (),
    )
    refusal = rules(tx.s).check(state, event)
    if refusal:
        raise refusal
    new = _append(tx, order, state, event)
    if action == "verify":
        item = pick_item(tx.s, order.rule_item, DEFAULT_RULE_ITEM)
        due = order.points or rule_items_in(tx.s)[item].points
        for member in new.points_due_to:
            award(tx, "order", order.id, member, item, due, verified_by=actor_id, at=event.at)
    return new


def _skills_of(s: Session, member_id: str) -> tuple[str, ...]:
    """A taker's skills as their member record holds them (never what a client says)."""
    member = s.get(Member, member_id)
    return tuple(member.skills) if member is not None else ()


def allowed(store: Any, order_id: str, actor_id: str, actor_role: str) -> list[str]:
    with store.read() as s:
        get_live(s, ServiceOrder, order_id)
        return rules(s).allowed_actions(state_of(s, order_id), actor_id, actor_role)


__all__ = ["act", "allowed", "events", "raise_order", "state_of"]
