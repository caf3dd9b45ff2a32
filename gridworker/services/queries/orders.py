"""Service orders (服务点单) on this computer: the board by status, overdue now in working days, one order's steps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import select

from ...domain.models import Area, Person, utcnow
from ...domain.participation.orders import CLOCK_RUNNING
from ...domain.participation_records import Member, OrderEvent, Resident, ServiceOrder
from ..refused import refusals
from ..participation import orders as order_service
from ..scope import in_scope

VIEWS = ("to_publish", "open", "to_verify", "overdue", "done", "all")
_STATUSES = {
    "to_publish": ("raised",),
    "open": ("published", "assigned", "taken"),
    "to_verify": ("closed",),
    "done": ("verified", "cancelled"),
}


@dataclass(frozen=True)
class OrderRow:
    id: str
    title: str
    need: str | None
    skill: str | None
    status: str
    source: str
    resident: str
    grid_name: str
    takers: tuple[str, ...]  # names
    raised_at: datetime
    deadline: datetime | None
    late_now: bool
    overdue: bool
    rating: int | None
    points: int
    refused: str | None  # the server's reason, in both languages "zh / en", if it refused the order


def _late(o: ServiceOrder, now: datetime) -> bool:
    return o.status in CLOCK_RUNNING and o.deadline is not None and now > o.deadline


def _query(view: str, now: datetime):
    q = select(ServiceOrder).where(ServiceOrder.deleted == False)  # noqa: E712
    if view in _STATUSES:
        q = q.where(ServiceOrder.status.in_(_STATUSES[view]))
    elif view == "overdue":
        q = q.where(ServiceOrder.status.in_(tuple(CLOCK_RUNNING)), ServiceOrder.deadline < now)
    return q.order_by(ServiceOrder.raised_at.desc())


@dataclass(frozen=True)
class _Names:
    people: dict[str, str]  # register person → name
    web: dict[str, str]  # a resident's web account → name (orders raised on the web)
    members: dict[str, str]
    areas: dict[str, str]

    def resident(self, o: ServiceOrder) -> str:
        return self.people.get(o.person_id or "") or self.web.get(o.resident_id or "", "")


def _names(s, rows: list[ServiceOrder]) -> _Names:
    people = dict(s.exec(select(Person.id, Person.name).where(Person.id.in_([o.person_id for o in rows if o.person_id]))).all())
    web = dict(s.exec(select(Resident.id, Resident.name).where(
        Resident.id.in_([o.resident_id for o in rows if o.resident_id and not o.person_id]))).all())
    return _Names(people, web, dict(s.exec(select(Member.id, Member.name)).all()), dict(s.exec(select(Area.id, Area.name)).all()))


def orders(store: Any, view: str = "all", lang: str = "zh", now: datetime | None = None, *,
           also: str | None = None) -> list[OrderRow]:
    """The orders of a view, newest first; `also`: the order being worked on, at the end if its step took it
    out of the view."""
    now = now or utcnow()
    with store.read() as s:
        rows = list(s.exec(in_scope(s, _query(view, now), ServiceOrder)))
        if also is not None and not any(o.id == also for o in rows):
            rows += list(s.exec(select(ServiceOrder).where(ServiceOrder.id == also, ServiceOrder.deleted == False)))  # noqa: E712
        names = _names(s, rows)
        refused = refusals(s, "service_order", [o.id for o in rows])
    return [
        OrderRow(o.id, o.title, o.need, o.skill, o.status, o.source, names.resident(o), names.areas.get(o.area_id or "", ""),
                 tuple(names.members.get(t, "") for t in o.takers), o.raised_at, o.deadline, _late(o, now),
                 o.overdue or _late(o, now), o.rating, o.points or 0,
                 refused[o.id].message(lang) if o.id in refused else None)
        for o in rows
    ]


def counts(store: Any, now: datetime | None = None) -> dict[str, int]:
    now = now or utcnow()
    with store.read() as s:
        rows = list(s.exec(in_scope(s, select(ServiceOrder.status, ServiceOrder.deadline).where(ServiceOrder.deleted == False),  # noqa: E712
                                    ServiceOrder)))  # fmt: skip
    out = {view: 0 for view in VIEWS}
    for status, deadline in rows:
        out["all"] += 1
        for view, statuses in _STATUSES.items():
            if status in statuses:
                out[view] += 1
        if status in CLOCK_RUNNING and deadline is not None and now > deadline:
            out["overdue"] += 1
    return out


@dataclass(frozen=True)
class StepRow:
    action: str
    actor: str
    at: datetime
    note: str | None
    reason: str | None
    rating: int | None


@dataclass(frozen=True)
class OrderDetail:
    order: OrderRow
    steps: list[StepRow]
    allowed: list[str]


def detail(store: Any, order_id: str, actor_id: str, actor_role: str, lang: str = "zh") -> OrderDetail | None:
    """The order with its steps and what the actor may do; None if it is gone (deleted or out of scope
    since it was listed)."""
    row = next((r for r in orders(store, "all", lang) if r.id == order_id), None)
    if row is None:
        return None
    with store.read() as s:
        events = order_service.events(s, order_id)
        members = dict(s.exec(select(Member.id, Member.name)).all())
    steps = [StepRow(e.action, members.get(e.actor_id, ""), e.at, e.note, e.reason, e.rating) for e in events]
    return OrderDetail(row, steps, order_service.allowed(store, order_id, actor_id, actor_role))


__all__ = ["OrderDetail", "OrderRow", "StepRow", "VIEWS", "counts", "detail", "orders"]
