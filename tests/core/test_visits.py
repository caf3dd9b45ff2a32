"""Visits with photos and needs, walk-rounds in walking order, and the list of households due a visit."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlmodel import select

from gridworker.domain import wire
from gridworker.domain.errors import NotFound, ValidationError
from gridworker.domain.fieldwork import Incident, IncidentEvent, Photo, Visit, Walkround
from gridworker.services import register
from gridworker.services import visits as vs
from tests.core.test_incidents import CST, LAT, LON, WORKER, count_outbox, jpeg, make_place, outbox


@pytest.fixture
def place(store):
    return make_place(store)


def test_log_visit_writes_the_visit_its_photo_and_their_outbox_rows(store, place, account, tmp_path):
    when = datetime(2026, 3, 2, 10, 0, tzinfo=CST)
    visit = vs.log_visit(
        store, place.household, visitor_id=WORKER, outcome="见面", visited_at=when, notes="老人身体尚好",
        photos=[jpeg(tmp_path / "door.jpg", gps=(LAT + 0.0001, LON))], photos_dir=account.photos_dir,
    )
    assert (visit.outcome, visit.area_id, visit.building_id) == ("met", place.grid, place.building)
    assert visit.lat == pytest.approx(LAT + 0.0001, abs=1e-6)  # from the photo: nothing was typed
    [row] = outbox(store, "visit")
    assert row.op == "upsert" and row.record_id == visit.id
    assert row.fields["visited_at"] == "2026-03-02T10:00:00+08:00"
    assert row.fields["household_id"] == place.household and row.fields["outcome"] == "met"
    assert row.fields["photo_ids"] == visit.photo_ids and len(visit.photo_ids) == 1
    [photo_row] = outbox(store, "photo")
    assert (photo_row.fields["entity"], photo_row.fields["entity_id"]) == ("visit", visit.id)
    for queued in (row, photo_row):  # what the server's wire rules accept
        wire.validate(queued.entity, queued.fields, creating=True)


def test_a_building_visit_and_typed_coordinates(store, place):
    visit = vs.log_visit(store, building_id=place.building, visitor_id=WORKER, outcome="other", lat=39.91, lon=116.41)
    assert (visit.household_id, visit.building_id, visit.area_id) == (None, place.building, place.grid)
    assert (visit.lat, visit.lon) == (39.91, 116.41)


def test_bad_visits_are_refused_with_the_field_named_and_save_nothing(store, place):
    before = count_outbox(store)
    cases = [
        (dict(outcome="maybe"), "outcome"),
        (dict(outcome="met", visited_at=datetime.now(CST) + timedelta(days=1)), "visited_at"),
        (dict(outcome="met", lat=123.0), "lat"),
        (dict(outcome="met", need_category="G0401"), "needs"),
    ]
    for kwargs, field in cases:
        with pytest.raises(ValidationError) as e:
            vs.log_visit(store, place.household, visitor_id=WORKER, **kwargs)
        assert e.value.field == field
    with pytest.raises(ValidationError) as e:
        vs.log_visit(store, visitor_id=WORKER, outcome="met")
    assert e.value.field == "household_id"
    with pytest.raises(NotFound):
        vs.log_visit(store, "no-such-household", visitor_id=WORKER, outcome="met")
    # An unknown need category fails the whole visit: nothing half-saved.
    with pytest.raises(ValidationError) as e:
        vs.log_visit(store, place.household, visitor_id=WORKER, outcome="met", needs="想咨询低保", need_category="nope")
    assert e.value.field == "category"
    assert count_outbox(store) == before
    with store.read() as s:
        assert s.exec(select(Visit)).all() == []


def test_a_need_raised_in_a_visit_becomes_an_incident_in_the_same_step(store, place, account, tmp_path):
    visit = vs.log_visit(
        store, place.household, visitor_id=WORKER, outcome="met", needs="楼道灯坏了，晚上看不见",
        need_category="C0501", photos=[jpeg(tmp_path / "lamp.jpg")], photos_dir=account.photos_dir,
    )
    with store.read() as s:
        [incident] = s.exec(select(Incident)).all()
        [event] = s.exec(select(IncidentEvent)).all()
        photos = s.exec(select(Photo)).all()
    assert (incident.source, incident.household_id, incident.area_id) == ("visit", place.household, place.grid)
    assert incident.description == "楼道灯坏了，晚上看不见" and incident.reported_at == visit.visited_at
    assert incident.location_text == "幸福小区2号楼1单元301室" and (incident.lat, incident.lon) == (LAT, LON)
    assert (event.action, event.actor_id) == ("report", WORKER)
    # The stairwell class needs a photo: the visit's photo is the incident's too (one file, two records).
    assert {p.owner_entity for p in photos} == {"visit", "incident"} and len({p.sha256 for p in photos}) == 1
    assert incident.photo_ids and incident.photo_ids != visit.photo_ids
    assert sorted(r.entity for r in outbox(store) if r.entity != "household" and r.entity != "building") == [
        "incident", "incident_event", "photo", "photo", "visit",
    ]


# -- walk-rounds --------------------------------------------------------------------
def _household(store, building_id: str, unit: str, room: str, **extra) -> str:
    return register.register_household(store, {"building_id": building_id, "unit": unit, "room": room} | extra).id


def test_walkround_is_in_walking_order_with_natural_sort(store, place):
    b2 = place.building  # 2号楼: already holds unit 1 room 301
    b10 = register.register_building(store, {"name": "10号楼", "estate": "幸福小区", "area_id": place.grid}).id
    h = {
        "10-1-101": _household(store, b10, "1", "101"),
        "2-10-101": _household(store, b2, "10", "101"),
        "2-2-101": _household(store, b2, "2", "101"),
        "2-1-1001": _household(store, b2, "1", "1001"),
        "2-1-201": _household(store, b2, "1", "201"),
        "2-1-102": _household(store, b2, "1", "102"),
        "2-1-B05": _household(store, b2, "1", "B05", floor=5),  # the floor given, not read from the room
    }
    h["2-1-301"] = place.household
    walk = vs.plan_walkround(store, "二号楼、十号楼扫楼", building_ids=[b10, b2], planner_id=WORKER)
    # Building 2 before 10, units 1, 2, 10, floors 1, 2, 3, 5, 10 — plain string sorting would get each wrong.
    expected = ["2-1-102", "2-1-201", "2-1-301", "2-1-B05", "2-1-1001", "2-2-101", "2-10-101", "10-1-101"]
    assert walk.household_ids == [h[k] for k in expected]
    assert walk.area_id == place.grid
    [row] = outbox(store, "walkround")
    assert row.fields["household_ids"] == walk.household_ids and row.fields["status"] == "open"


def test_walkround_across_grids_belongs_to_their_community(store, place):
    b = register.register_building(store, {"name": "9号楼", "area_id": place.other_grid}).id
    other = _household(store, b, "1", "101")
    walk = vs.plan_walkround(store, "跨网格", household_ids=[other, place.household])
    assert walk.area_id == place.community


def test_visits_advance_the_walkround_until_it_is_done(store, place):
    second = _household(store, place.building, "1", "401")
    walk = vs.plan_walkround(store, "2号楼1单元", household_ids=[second, place.household])
    progress = vs.walkround_progress(store, walk.id)
    assert (progress.done, progress.total, progress.next_stop.household_id) == (0, 2, place.household)
    vs.log_visit(store, place.household, visitor_id=WORKER, outcome="not_home")
    progress = vs.walkround_progress(store, walk.id)
    assert (progress.done, progress.next_stop.household_id) == (1, second)
    assert progress.stops[0].outcome == "not_home"
    assert len(outbox(store, "walkround")) == 1  # progress is read from visits, not written
    vs.log_visit(store, second, visitor_id=WORKER, outcome="met")
    progress = vs.walkround_progress(store, walk.id)
    assert progress.next_stop is None and progress.walkround.status == "done"
    done_row = outbox(store, "walkround")[-1]
    assert done_row.fields["status"] == "done" and "finished_at" in done_row.fields
    first, *later = outbox(store, "walkround")
    wire.validate("walkround", first.fields, creating=True)
    for row in later:
        wire.validate("walkround", row.fields)
    # A visit made before the plan does not count for it.
    later = vs.plan_walkround(store, "复访", household_ids=[second])
    assert vs.walkround_progress(store, later.id).done == 0


def test_a_walkround_needs_households(store, place):
    with pytest.raises(ValidationError) as e:
        vs.plan_walkround(store, "空计划")
    assert e.value.field == "household_ids"
    with pytest.raises(ValidationError) as e:
        vs.plan_walkround(store, "  ", household_ids=[place.household])
    assert e.value.field == "name"
    with store.read() as s:
        assert s.exec(select(Walkround)).all() == []


# -- the due list ---------------------------------------------------------------------
TODAY = date(2026, 3, 10)


def _resident(store, building: str, room: str, tags: list[str], *, visits=(), grid=None) -> str:
    hh = register.register_household(store, {"building_id": building, "unit": "1", "room": room})
    if tags:
        register.register_person(store, {"name": f"住户{room}", "household_id": hh.id, "tags": tags})
    for day, outcome in visits:
        when = datetime(day.year, day.month, day.day, 10, 0, tzinfo=CST)
        vs.log_visit(store, hh.id, visitor_id=WORKER, outcome=outcome, visited_at=when)
    return hh.id


def test_due_households_special_groups_first_with_shorter_intervals(store, place):
    b = place.building
    h = {
        # elderly alone, weekly: met 9 days ago → 2 days overdue
        "A": _resident(store, b, "101", ["elderly_alone"], visits=[(date(2026, 3, 1), "met")]),
        # elderly alone, met 5 days ago → not due
        "B": _resident(store, b, "102", ["elderly_alone"], visits=[(date(2026, 3, 5), "met")]),
        # disabled, monthly: met 49 days ago → 19 days overdue
        "C": _resident(store, b, "103", ["disabled", "veteran"], visits=[(date(2026, 1, 20), "met")]),
        # nobody special, quarterly: met 99 days ago → 9 days overdue
        "D": _resident(store, b, "104", [], visits=[(date(2025, 12, 1), "met")]),
        # nobody special, met 37 days ago → not due
        "E": _resident(store, b, "105", ["veteran"], visits=[(date(2026, 2, 1), "met")]),
        # never visited
        "F": _resident(store, b, "106", []),
        # key person, only knocked (nobody home): never met → due, special
        "G": _resident(store, b, "107", ["key_person"], visits=[(date(2026, 3, 9), "not_home")]),
    }
    # The household registered by make_place was never visited either.
    h["P"] = place.household
    due = vs.due_households(store, area_ids=[place.grid], today=TODAY)
    by_id = {d.household_id: d for d in due}
    names = {v: k for k, v in h.items()}
    order = [names[d.household_id] for d in due]
    # Special first (never met first, then most overdue), then the others likewise;
    # F (room 106) and P (room 301), both never visited, in address order.
    assert order == ["G", "C", "A", "F", "P", "D"]
    assert (by_id[h["A"]].interval_days, by_id[h["A"]].days_overdue) == (7, 2)
    assert (by_id[h["C"]].interval_days, by_id[h["C"]].days_overdue, by_id[h["C"]].special_tags) == (30, 19, ["disabled"])
    assert (by_id[h["D"]].interval_days, by_id[h["D"]].days_overdue, by_id[h["D"]].special) == (90, 9, False)
    assert by_id[h["G"]].last_visited is None and by_id[h["G"]].special_tags == ["key_person"]
    assert by_id[h["A"]].last_visited == date(2026, 3, 1)


def test_due_list_follows_the_areas_and_the_schedule_of_the_account(store, place):
    b_other = register.register_building(store, {"name": "9号楼", "area_id": place.other_grid}).id
    mine = _resident(store, place.building, "105", [], visits=[(date(2026, 2, 1), "met")])
    theirs = _resident(store, b_other, "101", [])
    in_grid = {d.household_id for d in vs.due_households(store, area_ids=[place.grid], today=TODAY)}
    in_community = {d.household_id for d in vs.due_households(store, area_ids=[place.community], today=TODAY)}
    assert theirs not in in_grid and theirs in in_community and mine not in in_community
    schedule = vs.visit_schedule(store)
    assert (schedule.default_days, schedule.special_days["elderly_alone"]) == (90, 7)
    schedule.default_days = 30
    vs.set_visit_schedule(store, schedule)
    assert vs.visit_schedule(store).default_days == 30
    # Met 37 days ago: due once everyone is visited monthly.
    assert mine in {d.household_id for d in vs.due_households(store, area_ids=[place.grid], today=TODAY)}
    schedule.special_days["veteran"] = 5  # not a special group
    with pytest.raises(Exception) as e:
        vs.set_visit_schedule(store, schedule)
    assert "veteran" in str(e.value)
