"""Check-in review (党员报到): place a member in a grid, approve (with a volunteer team), return with a reason;
the member's skills and posts as the community records them.

The review state is replayed from the member's check-in events with `domain.participation.checkin.apply`.
The grid a check-in names is found from the register (estate + building → the building's grid):
`grid_of` here is that lookup, also used by the member's web form on the server side.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, literal_column
from sqlmodel import Session, select

from ...domain.errors import ValidationError
from ...domain.models import Area, Building
from ...domain.participation import checkin as rules
from ...domain.participation import tables as rule_tables
from ...domain.participation.checkin import Checkin, Event, ReviewState
from ...domain.participation_records import CheckinEvent, Member
from ..base import Tx, get_live, operation
from ..changes import apply_fields, record_upsert
from .common import append, present, when


def grid_of(s: Session, estate: str, building: str) -> str | None:
    """The grid holding that building of that estate in the register, or None (to place by hand)."""
    row = s.exec(
        select(Building.area_id).where(
            Building.estate == estate.strip(), Building.name == building.strip(), Building.deleted == False  # noqa: E712
        )
    ).first()
    return row


def events(s: Session, member_id: str) -> list[CheckinEvent]:
    q = (
        select(CheckinEvent)
        .where(CheckinEvent.member_id == member_id, CheckinEvent.deleted == False)  # noqa: E712
        .order_by(func.min(CheckinEvent.at, CheckinEvent.updated_at), literal_column("checkin_event.rowid"))
    )
    return list(s.exec(q))


def _checkin_of(member: Member) -> Checkin:
    return Checkin(member.name, member.phone, member.employer, member.estate, member.building, member.grid_id,
                   tuple(member.skills), tuple(member.posts))


def state_of(s: Session, member: Member) -> ReviewState:
    state = ReviewState()
    for row in events(s, member.id):
        event = Event(row.action, row.actor_id, row.actor_role, row.at, checkin=_checkin_of(member) if row.action == "submit" else None,
                      grid_id=row.grid_id, team=row.team, reason=row.reason)
        state = rules.apply(state, event)
    return state


def _append(tx: Tx, member: Member, state: ReviewState, event: Event) -> ReviewState:
    new = rules.apply(state, event)
    values = {
        "area_id": member.area_id, "member_id": member.id, "action": event.action, "actor_id": event.actor_id,
        "actor_role": event.actor_role, "at": event.at, "grid_id": event.grid_id, "team": event.team, "reason": event.reason,
    }
    append(tx, CheckinEvent(**values), values)
    member.status = new.status
    member.reviewed_by = new.reviewed_by
    member.return_reason = new.return_reason
    tx.s.add(member)
    tx.changes.add(member.entity, member.id)
    return new


@operation
def submit(tx: Tx, form: dict[str, Any], *, member_id: str, community_id: str, at: datetime | None = None,
           offered_posts: Iterable[str] | None = None) -> Member:
    """A member's check-in (the web form's; the demo and tests use it): checked field by field, placed if the
    register knows the building, else left in the community to place by hand."""
    checked = rules.validate_checkin(form, lambda e, b: grid_of(tx.s, e, b), offered_posts)
    at = when(at)
    existing = tx.s.get(Member, member_id)
    state = state_of(tx.s, existing) if existing is not None else ReviewState()
    event = Event("submit", member_id, "member", at, checkin=checked)
    rules.apply(state, event)  # the rule's refusal before anything is written
    values = {
        "area_id": checked.grid_id or community_id, "name": checked.name, "phone": checked.phone,
        "employer": checked.employer, "estate": checked.estate, "building": checked.building, "grid_id": checked.grid_id,
        "skills": list(checked.skills), "posts": list(checked.posts), "submitted_at": at,
    }
    if existing is None:
        member = Member(id=member_id, **values)
        record_upsert(tx.s, member, present(values), tx.changes)
    else:
        member = existing
        record_upsert(tx.s, member, apply_fields(member, values), tx.changes)
    _append(tx, member, state, event)
    return member


@operation
def review(tx: Tx, member_id: str, action: str, *, actor_id: str, actor_role: str, grid_id: str | None = None,
           team: str | None = None, reason: str | None = None, at: datetime | None = None) -> ReviewState:
    """place (in a grid), approve (with a team), or return (with a reason)."""
    member = get_live(tx.s, Member, member_id)
    state = state_of(tx.s, member)
    event = Event(action, actor_id, actor_role, when(at, state.last_at), grid_id=grid_id,
                  team=team.strip() if team and team.strip() else None, reason=reason)
    rules.apply(state, event)  # refuses before anything is written
    if action == "place":
        get_live(tx.s, Area, grid_id)
        record_upsert(tx.s, member, apply_fields(member, {"grid_id": grid_id, "area_id": grid_id}), tx.changes)
    if action == "approve" and event.team != member.team:
        record_upsert(tx.s, member, apply_fields(member, {"team": event.team}), tx.changes)
    return _append(tx, member, state, event)


def _codes(field: str, values: Sequence[str], known: dict, limit: int) -> list[str]:
    codes = list(dict.fromkeys(values))
    if any(c not in known for c in codes):
        zh, en = rules.LABELS[field]
        raise ValidationError(field, f"{zh}中有未知项", f"Unknown {en}", code="unknown_choice")
    if len(codes) > limit:
        zh, en = rules.LABELS[field]
        raise ValidationError(field, f"{zh}最多选{limit}项", f"Choose at most {limit} {en}", code="too_many")
    return codes


@operation
def set_profile(tx: Tx, member_id: str, *, skills: Sequence[str], posts: Sequence[str], team: str | None) -> Member:
    """The skills (特长), posts (岗位) and volunteer team (服务队) as the community records them."""
    member = get_live(tx.s, Member, member_id)
    values = {
        "skills": _codes("skills", skills, rule_tables.skills(), len(rule_tables.skills())),
        "posts": _codes("posts", posts, rule_tables.posts(), rules.MAX_POSTS),
        "team": team.strip() if team and team.strip() else None,
    }
    record_upsert(tx.s, member, apply_fields(member, values), tx.changes)
    return member


__all__ = ["grid_of", "review", "set_profile", "state_of", "submit"]
