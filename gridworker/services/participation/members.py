"""Check-in review (党员报到): place a member in a grid, approve (with a volunteer team), return with a reason;
the member's skills and posts as the community records them.

The review is the record's status (docs/sync-protocol.md §3.4: no event log), each step checked with
`domain.participation.checkin.apply` against the state the record holds before it is written.
The grid a check-in names is found from the register (estate + building → the building's grid):
`grid_of` here is that lookup, also used by the member's web form on the server side.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from ...domain.errors import ValidationError
from ...domain.models import Area, Building
from ...domain.participation import checkin as rules
from ...domain.participation import tables as rule_tables
from ...domain.participation.checkin import Checkin, Event, ReviewState
from ...domain.participation.common import STAFF, check_actor
from ...domain.participation_records import Member
from ..base import Tx, get_live, operation
from ..changes import apply_fields, record_upsert
from .common import present, when


def grid_of(s: Session, estate: str, building: str) -> str | None:
    """The grid holding that building of that estate in the register, or None (to place by hand).

    A building of a micro-grid is in the grid above it: members are placed in grids (the server approves
    no one placed elsewhere)."""
    found = _building(s, estate, building)
    return _grid_above(s, found[1]) if found is not None else None


def _grid_above(s: Session, area_id: str | None) -> str | None:
    seen = set()
    while area_id is not None and area_id not in seen:
        seen.add(area_id)
        area = s.get(Area, area_id)
        if area is None or area.deleted:
            return None
        if area.level == "grid":
            return area.id
        area_id = area.parent_id
    return None


def _building(s: Session, estate: str, building: str) -> tuple[str, str] | None:
    row = s.exec(
        select(Building.id, Building.area_id).where(
            Building.estate == estate.strip(), Building.name == building.strip(), Building.deleted == False  # noqa: E712
        )
    ).first()
    return (row[0], row[1]) if row is not None and row[1] else None


def state_of(member: Member) -> ReviewState:
    """The review as the record holds it (its status, the grid it was placed in)."""
    grid = None if member.to_place else member.area_id
    form = Checkin(member.name, member.phone or "", member.employer or "", member.estate or "", member.building or "",
                   grid, tuple(member.skills), tuple(member.posts))
    return ReviewState(status=member.status, member_id=member.id, checkin=form, grid_id=grid, team=member.team,
                       reviewed_by=member.reviewed_by, return_reason=member.return_reason,
                       last_at=member.reviewed_at or member.submitted_at)


def _save(tx: Tx, member: Member, values: dict[str, Any], local: dict[str, Any]) -> None:
    """Push `values` that changed; set `local` (the server's read-only fields) for display only."""
    changed = apply_fields(member, values)
    for name, value in local.items():
        setattr(member, name, value)
    if changed:
        record_upsert(tx.s, member, changed, tx.changes)
    else:
        tx.s.add(member)
        tx.changes.add(member.entity, member.id)


@operation
def submit(tx: Tx, form: dict[str, Any], *, member_id: str, community_id: str, at: datetime | None = None,
           offered_posts: Iterable[str] | None = None) -> Member:
    """A member's check-in (the web form's; the demo and tests use it): checked field by field, placed if the
    register knows the building, else left in the community to place by hand."""
    checked = rules.validate_checkin(form, lambda e, b: grid_of(tx.s, e, b), offered_posts)
    at = when(at)
    existing = tx.s.get(Member, member_id)
    state = state_of(existing) if existing is not None else ReviewState()
    rules.apply(state, Event("submit", member_id, "member", max(at, state.last_at or at), checkin=checked))
    building = _building(tx.s, checked.estate, checked.building)
    values = {
        "area_id": checked.grid_id or community_id, "name": checked.name, "phone": checked.phone,
        "employer": checked.employer, "estate": checked.estate, "building": checked.building,
        "building_id": building[0] if building else None, "skills": list(checked.skills), "posts": list(checked.posts),
        "submitted_at": at, "status": rules.SUBMITTED, "return_reason": None,
    }
    if existing is None:
        member = Member(id=member_id, to_place=checked.to_place, **values)
        record_upsert(tx.s, member, present(values), tx.changes)
        return member
    _save(tx, existing, values, {"to_place": checked.to_place})
    return existing


@operation
def review(tx: Tx, member_id: str, action: str, *, actor_id: str, actor_role: str, grid_id: str | None = None,
           team: str | None = None, reason: str | None = None, at: datetime | None = None) -> ReviewState:
    """place (in a grid), approve (with a team), or return (with a reason): checked by the rules, then the
    record's new status (and grid, team, reason) pushed."""
    member = get_live(tx.s, Member, member_id)
    state = state_of(member)
    event = Event(action, actor_id, actor_role, when(at, state.last_at), grid_id=grid_id,
                  team=team.strip() if team and team.strip() else None, reason=reason)
    new = rules.apply(state, event)  # the rule's refusal before anything is written
    if action == "place":
        if get_live(tx.s, Area, grid_id).level != "grid":
            raise ValidationError("area_id", "党员须划入网格（不是社区或微网格）", "Members are placed in a grid (not a community or a micro-grid)",
                                  code="not_a_grid")
        _save(tx, member, {"area_id": grid_id}, {"to_place": False})
        return new
    values = {"status": new.status, "reviewed_at": event.at, "return_reason": new.return_reason}
    if action == "approve":
        values["team"] = new.team
    _save(tx, member, values, {"reviewed_by": actor_id})
    return new


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
def set_profile(tx: Tx, member_id: str, *, skills: Sequence[str], posts: Sequence[str], team: str | None, actor_id: str,
                actor_role: str) -> Member:
    """The skills (特长), posts (岗位) and volunteer team (服务队) as the community (staff) records them."""
    check_actor(actor_id, actor_role, "profile", STAFF, "修改党员的特长、岗位和服务队", "change a member's skills, posts and team")
    member = get_live(tx.s, Member, member_id)
    values = {
        "skills": _codes("skills", skills, rule_tables.skills(), len(rule_tables.skills())),
        "posts": _codes("posts", posts, rule_tables.posts(), rules.MAX_POSTS),
        "team": team.strip() if team and team.strip() else None,
    }
    record_upsert(tx.s, member, apply_fields(member, values), tx.changes)
    return member


__all__ = ["grid_of", "review", "set_profile", "state_of", "submit"]
