"""A walk-round that mixes households and places, in one walking order (issue 15).

The walkround entity keeps its households in `household_ids` and, in the
extension field `place_ids`, the places to inspect on the way (docs/sync-
protocol.md §3.2.1): an older client keeps `place_ids` untouched in `extra`
and still walks the households. The one walking order of both is the
households' (domain.places.schedule.walking_key: building → unit → floor →
room → address; a shop in a building with no room number at street level),
computed when read, so a place moved to another building is walked where it
now is. A household stop is done once visited since the plan (as in
services.visits); a place stop once inspected since the plan. The walk-round
is done when every stop is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, select

from ..domain import validation as v
from ..domain.errors import ValidationError
from ..domain.fieldwork import Walkround
from ..domain.permissions import check_may_plan_visits
from ..domain.models import Building, Household, utcnow
from ..domain.places.schedule import Stop, walking_order
from ..domain.placework import Inspection, Place
from .base import Tx, get_live, operation
from .changes import apply_fields, record_upsert
from .scope import stored_role
from .incidents import present
from .visits import _common_area, walkround_progress


@dataclass(frozen=True)
class WalkStop:
    kind: str  # "household" | "place"
    id: str
    address: str | None
    name: str | None  # a place's name; None for a household
    done: bool
    when: datetime | None  # the visit or inspection that did it


def _stops(s: Session, household_ids: Sequence[str], place_ids: Sequence[str]) -> list[Stop]:
    households = list(s.exec(select(Household).where(Household.id.in_(list(household_ids))))) if household_ids else []
    places = list(s.exec(select(Place).where(Place.id.in_(list(place_ids))))) if place_ids else []
    building_ids = {r.building_id for r in (*households, *places) if r.building_id}
    buildings = {b.id: b for b in s.exec(select(Building).where(Building.id.in_(building_ids)))} if building_ids else {}

    def stop(kind: str, r: Any) -> Stop:
        b = buildings.get(r.building_id)
        return Stop(kind, r.id, r.address, r.building_id if b else None, b.estate if b else None, b.name if b else None,
                    getattr(r, "unit", None), getattr(r, "floor", None), getattr(r, "room", None))  # fmt: skip

    return walking_order([stop("household", h) for h in households] + [stop("place", p) for p in places])


@operation
def plan_mixed_walkround(
    tx: Tx, name: str, *, household_ids: Sequence[str] = (), place_ids: Sequence[str] = (),
    planner_id: str | None = None, planned_for: date | None = None, planner_role: str | None = None,
) -> Walkround:  # fmt: skip
    """Plan a walk-round over households and places, each list stored in the one walking order."""
    check_may_plan_visits(planner_role)
    check_may_plan_visits(stored_role(tx.s))
    title = v.text("name", name, required=True, max_len=100)
    households = [get_live(tx.s, Household, i) for i in dict.fromkeys(household_ids)]
    places = [get_live(tx.s, Place, i) for i in dict.fromkeys(place_ids)]
    if not households and not places:
        raise ValidationError("place_ids", "巡查计划至少要包含一户或一个场所", "A walk-round needs at least one household or place",
                              code="required")  # fmt: skip
    ordered = _stops(tx.s, [h.id for h in households], [p.id for p in places])
    walk = Walkround(name=title)
    values = {
        "name": title, "area_id": _common_area(tx.s, [r.area_id for r in (*households, *places)]),
        "planner_id": planner_id, "planned_at": utcnow(), "planned_for": planned_for,
        "household_ids": [s.id for s in ordered if s.kind == "household"],
        "place_ids": [s.id for s in ordered if s.kind == "place"], "status": "open",
    }  # fmt: skip
    apply_fields(walk, values)
    record_upsert(tx.s, walk, present(values), tx.changes)
    return walk


def _inspected(s: Session, walk: Walkround) -> dict[str, datetime]:
    if not walk.place_ids:
        return {}
    q = select(Inspection.place_id, Inspection.at).where(
        Inspection.place_id.in_(list(walk.place_ids)), Inspection.at >= walk.planned_at, Inspection.deleted == False  # noqa: E712
    )
    out: dict[str, datetime] = {}
    for place_id, at in s.exec(q):
        out[place_id] = max(at, out.get(place_id, at))
    return out


def places_left(s: Session, walk: Walkround) -> int:
    """Places of the walk-round not inspected since it was planned (services.visits asks before marking it done)."""
    return len(set(walk.place_ids) - set(_inspected(s, walk)))


def walkround_stops(store: Any, walkround_id: str) -> list[WalkStop]:
    """Every stop of a walk-round, households and places, in walking order, each with whether it is done."""
    with store.read() as s:
        walk = get_live(s, Walkround, walkround_id)
        visited = {st.household_id: st for st in walkround_progress(s, walk.id).stops}
        inspected = _inspected(s, walk)
        names = dict(s.exec(select(Place.id, Place.name).where(Place.id.in_(list(walk.place_ids)))).all()) if walk.place_ids else {}
        order = _stops(s, walk.household_ids, walk.place_ids)
    out = []
    for stop in order:
        if stop.kind == "household":
            st = visited.get(stop.id)
            out.append(WalkStop("household", stop.id, stop.address, None, bool(st and st.visited), st.visited_at if st else None))
        else:
            out.append(WalkStop("place", stop.id, stop.address, names.get(stop.id), stop.id in inspected, inspected.get(stop.id)))
    return out


def advance_after_inspection(tx: Tx, place_id: str, at: datetime) -> None:
    """An inspection may finish an open walk-round that includes its place (and whose households are done)."""
    for walk in tx.s.exec(select(Walkround).where(Walkround.status == "open", Walkround.deleted == False)).all():  # noqa: E712
        if place_id not in (walk.place_ids or []) or walk.planned_at > at:
            continue
        if places_left(tx.s, walk) == 0 and walkround_progress(tx.s, walk.id).next_stop is None:
            record_upsert(tx.s, walk, apply_fields(walk, {"status": "done", "finished_at": at}), tx.changes)
