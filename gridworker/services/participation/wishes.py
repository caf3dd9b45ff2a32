"""Micro-wishes (微心愿): published by staff or a grid worker (often for a special-group household, also
in one step from a visit), claimed and fulfilled by a member on the web, confirmed by staff (the
member's points) or sent back, withdrawn. Replayed and checked with `domain.participation.wishes`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, literal_column
from sqlmodel import Session, select

from ...domain import validation as v
from ...domain.errors import ValidationError
from ...domain.models import Household, Person
from ...domain.participation import wishes as rules
from ...domain.participation.wishes import Event, WishState
from ...domain.participation_records import Wish, WishEvent
from ..base import Tx, get_live, operation
from ..rule_items import pick_item, rule_items_in
from ..changes import record_upsert
from .common import append, present, when
from .points import award

DEFAULT_RULE_ITEM = "A10.02"  # 认领并实现微心愿


def events(s: Session, wish_id: str) -> list[WishEvent]:
    q = (
        select(WishEvent)
        .where(WishEvent.wish_id == wish_id, WishEvent.deleted == False)  # noqa: E712
        .order_by(func.min(WishEvent.at, WishEvent.updated_at), literal_column("wish_event.rowid"))
    )
    return list(s.exec(q))


def state_of(s: Session, wish: Wish) -> WishState:
    state = WishState()
    for row in events(s, wish.id):
        state = rules.apply(state, Event(row.action, row.actor_id, row.actor_role, row.at,
                                         wish=wish.wish if row.action == "publish" else None,
                                         household_id=wish.household_id, note=row.note, photo_ids=tuple(row.photo_ids),
                                         reason=row.reason))
    return state


def _append(tx: Tx, wish: Wish, state: WishState, event: Event) -> WishState:
    new = rules.apply(state, event)
    values = {"area_id": wish.area_id, "wish_id": wish.id, "action": event.action, "actor_id": event.actor_id,
              "actor_role": event.actor_role, "at": event.at, "note": event.note, "photo_ids": list(event.photo_ids),
              "reason": event.reason}
    append(tx, WishEvent(**values), values)
    wish.status, wish.claimed_by, wish.confirmed_by = new.status, new.claimed_by, new.confirmed_by  # for display
    wish.photo_ids = list(new.photo_ids)
    tx.s.add(wish)
    tx.changes.add(wish.entity, wish.id)
    return new


@operation
def publish(tx: Tx, *, actor_id: str, actor_role: str, wish: str, person_id: str | None = None,
            household_id: str | None = None, area_id: str | None = None, points: int | None = None,
            at: datetime | None = None) -> Wish:
    """A wish for a resident of the register, published at once to the members."""
    at = when(at)
    person = get_live(tx.s, Person, person_id) if person_id else None
    household_id = household_id or (person.household_id if person else None)
    household = get_live(tx.s, Household, household_id) if household_id else None
    event = Event("publish", actor_id, actor_role, at, wish=(wish or "").strip(), household_id=household_id)
    rules.apply(WishState(), event)  # the rule's refusal first
    area = area_id or (person.area_id if person else None) or (household.area_id if household else None)
    if area is None:
        raise ValidationError("household_id", "请选择心愿所属的居民或住户", "Choose the resident or household of the wish",
                              code="required")
    item = rule_items_in(tx.s)[pick_item(tx.s, None, DEFAULT_RULE_ITEM)]
    values = {"area_id": area, "wish": event.wish, "person_id": person_id, "household_id": household_id, "raised_at": at,
              "rule_item": item.code, "points": points if points is not None else item.points}
    record = Wish(**values)
    record_upsert(tx.s, record, present(values), tx.changes)
    _append(tx, record, WishState(), event)
    return record


@operation
def act(tx: Tx, wish_id: str, action: str, *, actor_id: str, actor_role: str, reason: str | None = None,
        note: str | None = None, photo_ids: tuple[str, ...] = (), at: datetime | None = None) -> WishState:
    """confirm (the member's points), reject (back to claimed), withdraw — or the member's own steps."""
    wish = get_live(tx.s, Wish, wish_id)
    state = state_of(tx.s, wish)
    event = Event(action, actor_id, actor_role, when(at, state.last_at), note=v.text("note", note, max_len=2000),
                  photo_ids=tuple(photo_ids), reason=v.text("reason", reason, max_len=200))
    refusal = rules.check(state, event)
    if refusal:
        raise refusal
    new = _append(tx, wish, state, event)
    for member in new.points_due_to if action == "confirm" else ():
        item = pick_item(tx.s, wish.rule_item, DEFAULT_RULE_ITEM)
        award(tx, "wish", wish.id, member, item, wish.points or rule_items_in(tx.s)[item].points, verified_by=actor_id,
              at=event.at)
    return new


def allowed(store: Any, wish_id: str, actor_id: str, actor_role: str) -> list[str]:
    with store.read() as s:
        return rules.allowed_actions(state_of(s, get_live(s, Wish, wish_id)), actor_id, actor_role)


__all__ = ["act", "allowed", "publish", "state_of"]
