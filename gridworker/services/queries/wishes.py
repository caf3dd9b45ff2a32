"""Micro-wishes (微心愿) on this computer: the list, newest first, with who claimed them and their steps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import select

from ...domain.models import Household, Person
from ...domain.participation_records import Member, Wish
from ..participation import wishes as wish_service
from ..scope import in_scope


@dataclass(frozen=True)
class WishRow:
    id: str
    wish: str
    resident: str  # the person's name, else the household's address
    status: str | None
    claimed_by: str
    raised_at: datetime
    points: int


def wishes(store: Any) -> list[WishRow]:
    with store.read() as s:
        rows = list(s.exec(in_scope(s, select(Wish).where(Wish.deleted == False), Wish).order_by(Wish.raised_at.desc())))  # noqa: E712
        people = dict(s.exec(select(Person.id, Person.name).where(Person.id.in_([w.person_id for w in rows if w.person_id]))).all())
        homes = dict(s.exec(select(Household.id, Household.address).where(
            Household.id.in_([w.household_id for w in rows if w.household_id]))).all())
        members = dict(s.exec(select(Member.id, Member.name)).all())
    return [WishRow(w.id, w.wish, people.get(w.person_id or "") or homes.get(w.household_id or "") or "", w.status,
                    members.get(w.claimed_by or "", ""), w.raised_at, w.points) for w in rows]


def allowed(store: Any, wish_id: str, actor_id: str, actor_role: str) -> list[str]:
    return wish_service.allowed(store, wish_id, actor_id, actor_role)


__all__ = ["WishRow", "allowed", "wishes"]
