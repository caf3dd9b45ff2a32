"""Figures of places and their hazards, by kind and by grid: pure functions over plain rows.

For a period [start, end) and a moment `as_of` (normally the period's end or now):

- places:      places in the rows (the caller picks the area);
- inspected:   places with at least one inspection in the period;
- found:       hazards found in the period;
- rectified:   of those, signed off by `as_of`; on_time: signed off by their (last) deadline;
- escalated:   of those, turned into incidents and not signed off by `as_of`;
- open:        of those, neither signed off nor escalated by `as_of`;
- overdue:     of the open ones, past their deadline at `as_of`.

Inspections and hazards of places not in the rows are ignored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class PlaceRow:
    place_id: str
    kind: str
    grid_id: str | None


@dataclass(frozen=True)
class InspectionRow:
    place_id: str
    at: datetime


@dataclass(frozen=True)
class HazardRow:
    place_id: str
    found_at: datetime
    deadline: datetime
    rectified_at: datetime | None = None
    escalated_at: datetime | None = None


@dataclass
class PlaceFigures:
    places: int = 0
    inspected: int = 0
    found: int = 0
    rectified: int = 0
    on_time: int = 0
    escalated: int = 0
    open: int = 0
    overdue: int = 0

    @property
    def inspected_rate(self) -> float | None:
        return self.inspected / self.places if self.places else None

    @property
    def rectified_rate(self) -> float | None:
        return self.rectified / self.found if self.found else None


@dataclass
class PlaceStatistics:
    total: PlaceFigures = field(default_factory=PlaceFigures)
    by_kind: dict[str, PlaceFigures] = field(default_factory=dict)
    by_grid: dict[str | None, PlaceFigures] = field(default_factory=dict)


def place_statistics(
    places: Iterable[PlaceRow],
    inspections: Iterable[InspectionRow],
    hazards: Iterable[HazardRow],
    *,
    start: datetime,
    end: datetime,
    as_of: datetime,
) -> PlaceStatistics:
    stats = PlaceStatistics()
    where: dict[str, tuple[PlaceFigures, PlaceFigures]] = {}
    for p in places:
        kind = stats.by_kind.setdefault(p.kind, PlaceFigures())
        grid = stats.by_grid.setdefault(p.grid_id, PlaceFigures())
        where[p.place_id] = (kind, grid)
        for f in (stats.total, kind, grid):
            f.places += 1
    inspected = {i.place_id for i in inspections if i.place_id in where and start <= i.at < end}
    for place_id in inspected:
        for f in (stats.total, *where[place_id]):
            f.inspected += 1
    for h in hazards:
        if h.place_id not in where or not start <= h.found_at < end:
            continue
        rectified = h.rectified_at is not None and h.rectified_at <= as_of
        escalated = not rectified and h.escalated_at is not None and h.escalated_at <= as_of
        for f in (stats.total, *where[h.place_id]):
            f.found += 1
            if rectified:
                f.rectified += 1
                f.on_time += h.rectified_at <= h.deadline
            elif escalated:
                f.escalated += 1
            else:
                f.open += 1
                f.overdue += as_of > h.deadline
    return stats
