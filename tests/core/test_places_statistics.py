"""Places inspected / total and hazards found / rectified / overdue, by kind and by grid, counted by hand."""

from datetime import datetime

from gridworker.domain.places.statistics import HazardRow, InspectionRow, PlaceRow, place_statistics
from gridworker.domain.workdays import TZ


def _d(m, d, h=10):
    return datetime(2025, m, d, h, tzinfo=TZ)


PLACES = [
    PlaceRow("p1", "restaurant", "g1"),
    PlaceRow("p2", "restaurant", "g2"),
    PlaceRow("p3", "shop", "g1"),
    PlaceRow("p4", "hotel", "g2"),
]
INSPECTIONS = [
    InspectionRow("p1", _d(10, 5)),
    InspectionRow("p1", _d(10, 20)),  # the same place twice: inspected once
    InspectionRow("p3", _d(9, 30)),  # before the period
    InspectionRow("p4", _d(10, 31, 23)),
    InspectionRow("p5", _d(10, 10)),  # a place of another area
]
HAZARDS = [
    HazardRow("p1", _d(10, 5), _d(10, 8), rectified_at=_d(10, 7)),  # rectified on time
    HazardRow("p1", _d(10, 5), _d(10, 10), rectified_at=_d(10, 15)),  # rectified late
    HazardRow("p1", _d(10, 20), _d(10, 23)),  # open, overdue
    HazardRow("p4", _d(10, 31), _d(11, 5)),  # open, not yet due
    HazardRow("p4", _d(10, 31), _d(11, 3), escalated_at=_d(10, 31, 12)),  # escalated
    HazardRow("p3", _d(9, 30), _d(10, 3)),  # found before the period
    HazardRow("p5", _d(10, 10), _d(10, 13)),  # another area
    HazardRow("p1", _d(10, 20), _d(10, 25), rectified_at=_d(11, 2)),  # signed off after as_of: open, overdue then
]


def _figures(f):
    return (f.places, f.inspected, f.found, f.rectified, f.on_time, f.escalated, f.open, f.overdue)


def test_figures_counted_by_hand():
    s = place_statistics(PLACES, INSPECTIONS, HAZARDS, start=_d(10, 1, 0), end=_d(11, 1, 0), as_of=_d(11, 1, 0))
    assert _figures(s.total) == (4, 2, 6, 2, 1, 1, 3, 2)
    assert s.total.inspected_rate == 0.5 and s.total.rectified_rate == 2 / 6
    assert _figures(s.by_kind["restaurant"]) == (2, 1, 4, 2, 1, 0, 2, 2)
    assert _figures(s.by_kind["hotel"]) == (1, 1, 2, 0, 0, 1, 1, 0)
    assert _figures(s.by_kind["shop"]) == (1, 0, 0, 0, 0, 0, 0, 0) and s.by_kind["shop"].rectified_rate is None
    assert _figures(s.by_grid["g1"]) == (2, 1, 4, 2, 1, 0, 2, 2)
    assert _figures(s.by_grid["g2"]) == (2, 1, 2, 0, 0, 1, 1, 0)


def test_as_of_a_later_moment():
    s = place_statistics(PLACES, INSPECTIONS, HAZARDS, start=_d(10, 1, 0), end=_d(11, 1, 0), as_of=_d(11, 10))
    # the late sign-off on 2 Nov now counts; the hazard due 5 Nov is overdue
    assert _figures(s.total) == (4, 2, 6, 3, 1, 1, 2, 2)


def test_no_places_no_figures():
    s = place_statistics([], INSPECTIONS, HAZARDS, start=_d(10, 1, 0), end=_d(11, 1, 0), as_of=_d(11, 1, 0))
    assert _figures(s.total) == (0,) * 8 and s.total.inspected_rate is None and s.by_kind == {}
