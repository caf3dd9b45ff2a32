"""The places due an inspection, and one walking order for places and households."""

from datetime import date, datetime, timezone

from hypothesis import given
from hypothesis import strategies as st

from gridworker.domain.places.inspections import HazardState
from gridworker.domain.places.place import Place
from gridworker.domain.places.schedule import Stop, due_places, natural_key, walking_order
from gridworker.domain.workdays import TZ
from gridworker.services.visits import natural_key as households_natural_key

TODAY = date(2025, 10, 20)
NOW = datetime(2025, 10, 20, 9, tzinfo=TZ)


def _at(y, m, d, hour=10):
    return datetime(y, m, d, hour, tzinfo=TZ)


PLACES = [
    Place("A", "面馆", "restaurant", "g1", "幸福路2号"),
    Place("B", "便利店", "shop", "g1", "幸福路4号"),
    Place("C", "烟酒店", "shop", "g1", "幸福路6号"),
    Place("D", "烧烤店", "restaurant", "g2", "幸福路8号"),
    Place("E", "五金店", "shop", "g2", "幸福路10号"),
    Place("F", "旅馆", "hotel", "g2", "幸福路12号"),
]
LAST = {
    # 19 Sep 16:30 UTC is 20 Sep 00:30 in China: the day counted is the 20th, 30 days ago — due today.
    "A": datetime(2025, 9, 19, 16, 30, tzinfo=timezone.utc),
    "B": _at(2025, 9, 1),  # 49 days, shops every 90: not due
    "D": _at(2025, 8, 1),  # 80 days, restaurants every 30: 50 days overdue
    "E": _at(2025, 10, 10),  # routine not due, but a hazard is overdue
    "F": _at(2025, 10, 15),  # a hazard open, not overdue: not due
}
HAZARDS = {
    "E": [HazardState(status="open", severity="general", deadline=_at(2025, 10, 15)),
          HazardState(status="rectified", severity="general", deadline=_at(2025, 10, 1))],
    "F": [HazardState(status="open", severity="major", deadline=_at(2025, 10, 22))],
}  # fmt: skip


def test_the_due_list_by_interval_last_inspection_and_overdue_hazards():
    due = due_places(PLACES, LAST, today=TODAY, now=NOW, hazards=HAZARDS)
    assert [(d.place_id, d.days_overdue, d.recheck) for d in due] == [
        ("E", -80, True), ("C", None, False), ("D", 50, False), ("A", 0, False),
    ]  # fmt: skip
    e, c = due[0], due[1]
    assert (e.open_hazards, e.overdue_hazards, e.interval_days, e.last_inspected) == (1, 1, 90, date(2025, 10, 10))
    assert c.last_inspected is None and c.interval_days == 90
    assert due[3].last_inspected == date(2025, 9, 20)


def test_intervals_can_be_overridden_per_kind():
    due = due_places(PLACES, LAST, today=TODAY, now=NOW, hazards=HAZARDS, intervals={"shop": 30})
    assert [(d.place_id, d.days_overdue) for d in due] == [("E", -20), ("C", None), ("D", 50), ("B", 19), ("A", 0)]


def test_places_and_households_in_one_walking_order():
    b1 = dict(building_id="b1", estate="幸福小区", building_name="2栋")
    b2 = dict(building_id="b2", estate="幸福小区", building_name="10栋")
    stops = [
        Stop("household", "h1", unit="1", room="301", **b2),
        Stop("household", "h2", unit="2", room="1201", **b1),
        Stop("household", "h3", unit="1", room="502", **b1),
        Stop("place", "s1", address="2栋底商", **b1),  # no unit: after the building's units
        Stop("place", "s2", address="幸福路3号"),
        Stop("household", "h4", address="幸福路10号"),
        Stop("place", "s3", unit="1", room="101", **b1),
    ]
    assert [s.id for s in walking_order(stops)] == ["s3", "h3", "h2", "s1", "h1", "s2", "h4"]


@given(st.text(alphabet="0123456789-栋单元号ABab ", max_size=12) | st.none())
def test_natural_key_is_the_households_one(text):
    assert natural_key(text) == households_natural_key(text)


@given(st.lists(st.text(alphabet="0123456789-栋", min_size=1, max_size=6), min_size=2, max_size=8))
def test_rooms_sort_as_the_households_do(rooms):
    assert sorted(rooms, key=natural_key) == sorted(rooms, key=households_natural_key)


def test_a_place_without_a_known_kind_gets_the_longest_interval():
    odd = [Place("X", "?", "bakery", None, None)]
    due = due_places(odd, {"X": _at(2025, 4, 1)}, today=TODAY, now=NOW)
    assert due[0].interval_days == 180 and due[0].days_overdue == 202 - 180
    assert due_places(odd, {"X": _at(2025, 5, 1)}, today=TODAY, now=NOW) == []  # 172 days
