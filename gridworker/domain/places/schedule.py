"""Which places are due an inspection, and one walking order for places and households.

The due list has the shape of the households' (services.visits.due_households):
one row per place due, with its interval, the day it was last inspected and
how many days overdue it is (0: due today; None: never inspected). A place
with an overdue hazard is due a re-inspection whatever its routine interval
says, and such places come first — as special groups come first among
households — then the never inspected, then the most overdue.

The walking order is the households' notion (services.visits.walking_order):
building (estate, name) → unit → floor → room → address. A place in a
building is ordered like a household in it: a shop with no unit comes after
the building's units, its floor from its room number when it has one, else
the street level (1). Places and households outside any building come last,
by address. `natural_key` here is the same function as the services'
(tests/core/test_places_schedule.py checks they agree).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from ..register import floor_of_room
from ..workdays import TZ
from .inspections import HazardRules, HazardState
from .kinds import PlaceKindTable, load_kinds
from .place import Place


@dataclass
class DuePlace:
    place_id: str
    name: str
    address: str | None
    area_id: str | None
    kind: str
    interval_days: int
    last_inspected: date | None  # day (China) of the last inspection
    days_overdue: int | None  # 0 = due today; None = never inspected; < 0: only a hazard makes it due
    open_hazards: int = 0
    overdue_hazards: int = 0

    @property
    def recheck(self) -> bool:
        """Due because a hazard is past its deadline."""
        return self.overdue_hazards > 0


def interval_of(kind: str, kinds: PlaceKindTable, overrides: Mapping[str, int] | None = None) -> int:
    if overrides and kind in overrides:
        return overrides[kind]
    k = kinds.get(kind)
    return k.interval_days if k else max(k.interval_days for k in kinds)


def due_places(
    places: Iterable[Place],
    last_inspected: Mapping[str, datetime],
    *,
    today: date,
    now: datetime | None = None,
    hazards: Mapping[str, Iterable[HazardState]] | None = None,
    intervals: Mapping[str, int] | None = None,
    kinds: PlaceKindTable | None = None,
    rules: HazardRules | None = None,
) -> list[DuePlace]:
    """Places due by `today`: last inspection (`last_inspected` by place id) older than the kind's interval
    (`intervals` overrides it per kind), never inspected, or with a hazard overdue at `now`."""
    kinds = kinds or load_kinds()
    hazards = hazards or {}
    now = now or datetime.now(TZ)
    is_overdue = (rules or HazardRules()).is_overdue
    due = []
    for p in places:
        interval = interval_of(p.kind, kinds, intervals)
        last = last_inspected.get(p.id)
        last_day = last.astimezone(TZ).date() if last is not None else None
        overdue = None if last_day is None else (today - last_day).days - interval
        states = list(hazards.get(p.id, ()))
        open_n = sum(1 for s in states if s.status == "open")
        late_n = sum(1 for s in states if is_overdue(s, now))
        if overdue is not None and overdue < 0 and not late_n:
            continue
        due.append(DuePlace(p.id, p.name, p.address, p.area_id, p.kind, interval, last_day, overdue, open_n, late_n))
    due.sort(key=lambda d: (not d.recheck, d.days_overdue is not None, -(d.days_overdue or 0), natural_key(d.address)))
    return due


# -- walking order ---------------------------------------------------------------
def natural_key(text: str | None) -> tuple:
    """Sort key that puts "2" before "10" and "2-3" before "2-12"; empty text last (as services.visits)."""
    if not text:
        return ((2, 0, ""),)
    parts = re.split(r"(\d+)", str(text).strip())
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p.lower()) for p in parts if p)


@dataclass(frozen=True)
class Stop:
    """One stop of a mixed walk-round: a household or a place, with where it is."""

    kind: str  # "household" | "place"
    id: str
    address: str | None = None
    building_id: str | None = None
    estate: str | None = None  # the building's
    building_name: str | None = None
    unit: str | None = None
    floor: int | None = None
    room: str | None = None


def walking_key(stop: Stop) -> tuple:
    """The households' walking key (services.visits.walking_order) for any stop."""
    if stop.building_id:
        place = (0, natural_key(stop.estate), natural_key(stop.building_name), stop.building_id)
    else:
        place = (1, (), (), "")
    floor = stop.floor if stop.floor is not None else floor_of_room(stop.room)
    if floor is None and stop.kind == "place" and stop.building_id:
        floor = 1  # a shop or office in a building with no room number: at street level
    return (
        place,
        natural_key(stop.unit),
        (0, floor) if floor is not None else (1, 0),
        natural_key(stop.room),
        natural_key(stop.address),
        stop.id,
    )


def walking_order(stops: Iterable[Stop]) -> list[Stop]:
    return sorted(stops, key=walking_key)
