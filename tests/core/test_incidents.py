"""Snap and report, duplicates, the closed loop through the services, offline refusals, create-only records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import piexif
import pytest
from PIL import Image
from sqlmodel import select

from gridworker.domain import wire
from gridworker.domain.errors import Refused, ValidationError
from gridworker.domain.fieldwork import Incident, IncidentEvent, Photo
from gridworker.domain.lifecycle import Refusal
from gridworker.domain.models import Outbox
from gridworker.photos import PhotoError, has_photo
from gridworker.services import incidents as inc
from gridworker.services import register
from gridworker.services.base import transaction

WORKER = "0b6c1f7e-0000-4000-8000-000000000001"
DISPATCHER = "0b6c1f7e-0000-4000-8000-000000000002"
HANDLER = "0b6c1f7e-0000-4000-8000-000000000003"
OTHER_WORKER = "0b6c1f7e-0000-4000-8000-000000000004"
CST = timezone(timedelta(hours=8))
# A point in 幸福小区; 0.001° of latitude is 111 m.
LAT, LON = 39.9042, 116.4074


# -- shared helpers (test_visits and test_statistics import them) ---------------------------
def jpeg(path: Path, *, gps: tuple[float, float] | None = None, colour=(200, 60, 40)) -> Path:
    """A real JPEG, with EXIF GPS when asked (degrees, minutes, seconds as rationals)."""

    def dms(value: float):
        value = abs(value)
        deg = int(value)
        minutes = int((value - deg) * 60)
        seconds = round(((value - deg) * 60 - minutes) * 60 * 10000)
        return ((deg, 1), (minutes, 1), (seconds, 10000))

    exif = {"0th": {}, "Exif": {piexif.ExifIFD.DateTimeOriginal: b"2026:03:02 09:30:00"}, "GPS": {}}
    if gps:
        exif["GPS"] = {
            piexif.GPSIFD.GPSLatitudeRef: b"N" if gps[0] >= 0 else b"S",
            piexif.GPSIFD.GPSLatitude: dms(gps[0]),
            piexif.GPSIFD.GPSLongitudeRef: b"E" if gps[1] >= 0 else b"W",
            piexif.GPSIFD.GPSLongitude: dms(gps[1]),
        }
    Image.new("RGB", (96, 64), colour).save(path, "JPEG", quality=90, exif=piexif.dump(exif))
    return path


@dataclass
class Place:
    community: str
    grid: str
    other_grid: str
    building: str
    household: str


def make_place(store) -> Place:
    """A community with two grids, a building with a location in the first, one household in it."""
    community = register.register_area(store, code="C1", name="幸福社区", level="community")
    grid = register.register_area(store, code="G1", name="第一网格", level="grid", parent_id=community.id)
    other = register.register_area(store, code="G2", name="第二网格", level="grid", parent_id=community.id)
    building = register.register_building(
        store,
        {"name": "2号楼", "estate": "幸福小区", "address": "幸福路8号幸福小区2号楼", "area_id": grid.id, "lat": LAT, "lon": LON},
    )
    household = register.register_household(store, {"building_id": building.id, "unit": "1", "room": "301"})
    return Place(community.id, grid.id, other.id, building.id, household.id)


def outbox(store, entity: str | None = None) -> list[Outbox]:
    with store.read() as s:
        q = select(Outbox).order_by(Outbox.seq)
        if entity:
            q = q.where(Outbox.entity == entity)
        return list(s.exec(q))


def count_outbox(store) -> int:
    return len(outbox(store))


@pytest.fixture
def place(store) -> Place:
    return make_place(store)


@pytest.fixture
def photos_dir(account) -> Path:
    return account.photos_dir


def snap(store, photos_dir, tmp_path, **kw) -> Incident:
    defaults = dict(
        reporter_id=WORKER, reporter_role="worker", category="E0102", description="楼下堆放建筑垃圾",
        photos=[jpeg(tmp_path / "scene.jpg", gps=(LAT, LON))],
    )
    return inc.report_incident(store, photos_dir, **(defaults | kw))


# -- reporting ------------------------------------------------------------------------
def test_report_takes_the_place_from_the_photo_exif(store, place, photos_dir, tmp_path):
    photo_at = (39.9100, 116.4000)  # ~650 m from the building: the photo wins over it
    incident = inc.report_incident(
        store, photos_dir, reporter_id=WORKER, reporter_role="worker", category="E0102",
        description="楼下堆放建筑垃圾\n已持续三天", lat=10.0, lon=10.0, building_id=place.building,
        photos=[jpeg(tmp_path / "a.jpg", gps=photo_at), jpeg(tmp_path / "b.jpg", gps=(30.0, 120.0), colour=(1, 2, 3))],
    )
    assert incident.lat == pytest.approx(photo_at[0], abs=1e-6)
    assert incident.lon == pytest.approx(photo_at[1], abs=1e-6)
    assert incident.title == "楼下堆放建筑垃圾"  # the first line of the description
    assert incident.location_text == "幸福路8号幸福小区2号楼"
    assert (incident.area_id, incident.status, incident.level, incident.source) == (place.grid, "reported", "community", "snap")

    with store.read() as s:
        photos = s.exec(select(Photo).where(Photo.entity_id == incident.id)).all()
        [event] = s.exec(select(IncidentEvent)).all()
    assert sorted(p.id for p in photos) == sorted(incident.photo_ids)
    assert all(has_photo(photos_dir, p.sha256) and p.mime == "image/jpeg" for p in photos)
    assert (event.action, event.actor_id, event.actor_role) == ("report", WORKER, "worker")

    rows = [r for r in outbox(store) if r.entity in ("incident", "incident_event", "photo")]
    assert [r.entity for r in rows].count("photo") == 2
    [incident_row] = [r for r in rows if r.entity == "incident"]
    [event_row] = [r for r in rows if r.entity == "incident_event"]
    assert incident_row.fields["category"] == "E0102" and incident_row.fields["area_id"] == place.grid
    # Derived fields are never pushed; the role is the server's to state.
    assert not incident_row.fields.keys() & Incident.read_only_fields
    assert "actor_role" not in event_row.fields and event_row.fields["action"] == "report"
    photo_row = next(r for r in rows if r.entity == "photo")
    assert photo_row.fields["entity"] == "incident" and photo_row.fields["entity_id"] == incident.id
    assert len(photo_row.fields["sha256"]) == 64


def test_report_without_gps_uses_typed_coordinates_then_the_building(store, place, photos_dir, tmp_path):
    typed = inc.report_incident(
        store, photos_dir, reporter_id=WORKER, reporter_role="worker", category="E0102", description="垃圾",
        photos=[jpeg(tmp_path / "nogps.jpg")], lat=39.95, lon=116.35, area_id=place.grid,
    )
    assert (typed.lat, typed.lon) == (39.95, 116.35)
    # A resident's request at home, no photo (disputes need none): the building's place and the household's address.
    request = inc.report_incident(
        store, None, reporter_id=WORKER, reporter_role="worker", category="G0101", description="楼上漏水，邻里争执",
        household_id=place.household, source="request",
    )
    assert (request.lat, request.lon) == (LAT, LON)
    assert request.location_text == "幸福小区2号楼1单元301室"
    assert request.household_id == place.household and request.area_id == place.grid


def test_bad_reports_are_refused_and_save_nothing(store, place, photos_dir, tmp_path):
    before = count_outbox(store)
    with pytest.raises(ValidationError) as e:
        snap(store, photos_dir, tmp_path, category="X9999", area_id=place.grid)
    assert e.value.field == "category" and "X9999" in e.value.zh
    with pytest.raises(ValidationError) as e:
        snap(store, photos_dir, tmp_path, photos=[], area_id=place.grid)
    assert e.value.field == "photos"
    with pytest.raises(ValidationError) as e:
        snap(store, photos_dir, tmp_path, urgency="whenever", area_id=place.grid)
    assert e.value.field == "urgency"
    with pytest.raises(ValidationError) as e:
        snap(store, photos_dir, tmp_path)  # nothing says where it belongs
    assert e.value.field == "area_id"
    with pytest.raises(Refusal) as e:
        snap(store, photos_dir, tmp_path, reporter_id=HANDLER, reporter_role="handler", area_id=place.grid)
    assert e.value.code == "role_not_allowed"
    fake = tmp_path / "note.jpg"
    fake.write_text("这不是照片")
    with pytest.raises(PhotoError):
        snap(store, photos_dir, tmp_path, photos=[jpeg(tmp_path / "ok.jpg"), fake], area_id=place.grid)
    assert count_outbox(store) == before
    with store.read() as s:
        assert s.exec(select(Incident)).all() == [] and s.exec(select(Photo)).all() == []


def test_attach_photo_to_a_register_record(store, place, photos_dir, tmp_path):
    photo = inc.attach_photo(store, photos_dir, jpeg(tmp_path / "door.jpg", gps=(LAT, LON)), "household", place.household,
                             caption="门牌")
    assert (photo.area_id, photo.owner_entity, photo.caption) == (place.grid, "household", "门牌")
    assert has_photo(photos_dir, photo.sha256)
    [row] = outbox(store, "photo")
    assert (row.op, row.fields["entity"], row.fields["area_id"]) == ("upsert", "household", place.grid)
    assert row.fields["caption"] == "门牌"
    wire.validate("photo", row.fields, creating=True)
    before = count_outbox(store)
    big = tmp_path / "big.jpg"
    big.write_bytes(b"\xff\xd8\xff" + bytes(21 * 2**20))  # over the 20 MiB limit
    with pytest.raises(PhotoError):
        inc.attach_photo(store, photos_dir, big, "household", place.household)
    with pytest.raises(ValidationError) as e:
        inc.attach_photo(store, photos_dir, tmp_path / "door.jpg", "area", place.grid)
    assert e.value.field == "entity"
    assert count_outbox(store) == before


# -- duplicates ------------------------------------------------------------------------
def _at(store, *, category="G0301", lat=LAT, lon=LON, days_ago=1, grid) -> Incident:
    """A request reported `days_ago` before 2026-03-20 10:00 (public-order classes need no photo)."""
    return inc.report_incident(
        store, None, reporter_id=WORKER, reporter_role="worker", category=category, description=f"{category} {lat}",
        lat=lat, lon=lon, area_id=grid, source="request",
        reported_at=datetime(2026, 3, 20, 10, 0, tzinfo=CST) - timedelta(days=days_ago),
    )


def test_possible_duplicates_same_category_within_250_m_and_30_days(store, place):
    now = datetime(2026, 3, 20, 10, 0, tzinfo=CST)
    near = _at(store, lat=LAT + 0.0009, grid=place.grid)  # 100 m north
    nearer = _at(store, lon=LON + 0.0006, grid=place.grid)  # 51 m east
    _at(store, lat=LAT + 0.0024, grid=place.grid)  # 267 m: too far
    _at(store, category="G0302", grid=place.grid)  # another category
    _at(store, days_ago=31, grid=place.grid)  # too old
    rejected = _at(store, lat=LAT + 0.0001, grid=place.grid)
    inc.transition_incident(store, rejected.id, "reject", actor_id=DISPATCHER, actor_role="dispatcher",
                            at=now - timedelta(hours=20), reason="重复上报")
    found = inc.possible_duplicates(store, "G0301", LAT, LON, now)
    assert [d.incident.id for d in found] == [nearer.id, near.id]
    assert found[0].distance_m == pytest.approx(51.2, abs=1.0)
    assert found[1].distance_m == pytest.approx(100.1, abs=1.0)
    # Seen from 40 days later nothing is recent any more.
    assert inc.possible_duplicates(store, "G0301", LAT, LON, now + timedelta(days=40)) == []


def test_recently_closed_counts_as_a_duplicate_but_not_one_closed_long_ago(store, place):
    now = datetime(2026, 3, 20, 10, 0, tzinfo=CST)
    closed_lately = _at(store, category="G0101", days_ago=20, grid=place.grid)
    closed_long_ago = _at(store, category="G0101", days_ago=20, lat=LAT + 0.0002, grid=place.grid)
    for incident, closed_days_ago in ((closed_lately, 6), (closed_long_ago, 8)):
        inc.transition_incident(store, incident.id, "accept", actor_id=DISPATCHER, actor_role="dispatcher",
                                at=now - timedelta(days=19))
        inc.transition_incident(store, incident.id, "close", actor_id=DISPATCHER, actor_role="dispatcher",
                                at=now - timedelta(days=closed_days_ago), reason="已当面调解")
    # Closed 6 days ago is within RECENTLY_CLOSED_DAYS (7); closed 8 days ago is not.
    assert [d.incident.id for d in inc.possible_duplicates(store, "G0101", LAT, LON, now)] == [closed_lately.id]


# -- the closed loop -------------------------------------------------------------------
def test_full_loop_with_three_actors(store, place, photos_dir, tmp_path):
    t0 = datetime(2026, 3, 2, 9, 0, tzinfo=CST)  # a Monday
    incident = snap(store, photos_dir, tmp_path, area_id=place.grid, reported_at=t0)
    rows = count_outbox(store)

    def step(action, actor, role, hours, **kw):
        nonlocal rows
        state = inc.transition_incident(store, incident.id, action, actor_id=actor, actor_role=role,
                                        at=t0 + timedelta(hours=hours), **kw)
        new = outbox(store)[rows:]
        rows += len(new)
        return state, new

    state, new = step("accept", DISPATCHER, "dispatcher", 1)
    assert state.status == "accepted" and [r.entity for r in new] == ["incident_event"]
    state, new = step("dispatch", DISPATCHER, "dispatcher", 2, assignee_id=HANDLER)
    assert (state.status, state.assignee_id) == ("dispatched", HANDLER)
    # One working day from dispatch at 11:00 Monday, China time.
    assert state.deadline == datetime(2026, 3, 3, 11, 0, tzinfo=CST)
    assert new[0].fields["assignee_id"] == HANDLER
    state, _ = step("start", HANDLER, "handler", 3)
    assert state.status == "in_progress"
    after = jpeg(tmp_path / "after.jpg", gps=(LAT, LON), colour=(20, 160, 40))
    state, new = step("handle", HANDLER, "handler", 5, note="已清运建筑垃圾", photos=[after], photos_dir=photos_dir)
    assert state.status == "handled"
    assert sorted(r.entity for r in new) == ["incident_event", "photo"]
    event_row = next(r for r in new if r.entity == "incident_event")
    photo_row = next(r for r in new if r.entity == "photo")
    assert event_row.fields["photo_ids"] == [photo_row.record_id]
    state, _ = step("verify_pass", WORKER, "worker", 6)
    assert state.status == "closed"
    state, new = step("rate", WORKER, "worker", 7, rating=5)
    assert state.rating == 5 and new[0].fields["rating"] == 5

    with store.read() as s:
        local = s.get(Incident, incident.id)
        actions = [e.action for e in inc.incident_events(s, incident.id)]
    assert actions == ["report", "accept", "dispatch", "start", "handle", "verify_pass", "rate"]
    assert (local.status, local.assignee_id, local.rating, local.overdue, local.rework_count) == ("closed", HANDLER, 5, False, 0)
    assert local.handled_at == t0 + timedelta(hours=5) and local.closed_at == t0 + timedelta(hours=6)
    # Derived fields changed locally but never went to the outbox as incident edits.
    assert [r for r in outbox(store, "incident")][1:] == []
    # Every mutation queued is one the server's wire rules accept as a new record.
    for row in outbox(store):
        wire.validate(row.entity, row.fields, creating=True)


def test_offline_refusals_write_nothing(store, place, photos_dir, tmp_path):
    t0 = datetime(2026, 3, 2, 9, 0, tzinfo=CST)
    incident = snap(store, photos_dir, tmp_path, area_id=place.grid, reported_at=t0)
    before = count_outbox(store)

    def refused(action, actor, role, **kw) -> Refusal:
        with pytest.raises(Refusal) as e:
            inc.transition_incident(store, incident.id, action, actor_id=actor, actor_role=role,
                                    at=t0 + timedelta(hours=1), **kw)
        return e.value

    assert refused("accept", HANDLER, "handler").code == "role_not_allowed"
    assert refused("dispatch", DISPATCHER, "dispatcher", assignee_id=HANDLER).code == "not_accepted"
    inc.transition_incident(store, incident.id, "accept", actor_id=DISPATCHER, actor_role="dispatcher",
                            at=t0 + timedelta(minutes=30))
    inc.transition_incident(store, incident.id, "dispatch", actor_id=DISPATCHER, actor_role="dispatcher",
                            at=t0 + timedelta(minutes=40), assignee_id=HANDLER)
    inc.transition_incident(store, incident.id, "start", actor_id=HANDLER, actor_role="handler", at=t0 + timedelta(minutes=50))
    before = count_outbox(store)
    files_before = sorted(photos_dir.rglob("*"))
    # Handling needs an "after" photo: refused before any file is stored.
    assert refused("handle", HANDLER, "handler", note="已处理").code == "photo_required"
    assert refused("handle", OTHER_WORKER, "worker", note="已处理", photos=[jpeg(tmp_path / "x.jpg", colour=(9, 9, 9))],
                   photos_dir=photos_dir).code == "not_assignee"
    assert sorted(photos_dir.rglob("*")) == files_before
    assert refused("rate", WORKER, "worker", rating=5).code in ("wrong_state", "not_closed")
    assert count_outbox(store) == before
    assert inc.get_incident(store, incident.id).status == "in_progress"


def test_allowed_actions_follow_the_state_and_the_actor(store, place, photos_dir, tmp_path):
    incident = snap(store, photos_dir, tmp_path, area_id=place.grid)
    staff = inc.allowed_actions(store, incident.id, DISPATCHER, "dispatcher")
    assert {"accept", "reject", "escalate"} <= set(staff) and "start" not in staff
    assert "accept" not in inc.allowed_actions(store, incident.id, HANDLER, "handler")
    # The reporting worker may solve it on the spot; another worker may not.
    assert "handle" in inc.allowed_actions(store, incident.id, WORKER, "worker")
    assert "handle" not in inc.allowed_actions(store, incident.id, OTHER_WORKER, "worker")


def test_on_the_spot_report_and_handle_then_verification(store, place, photos_dir, tmp_path):
    incident = snap(
        store, photos_dir, tmp_path, area_id=place.grid,
        handle_now=inc.OnTheSpot("当场劝离并清理", [jpeg(tmp_path / "done.jpg", colour=(0, 99, 0))]),
    )
    with store.read() as s:
        events = inc.incident_events(s, incident.id)
    assert [e.action for e in events] == ["report", "handle"]
    assert len(events[1].photo_ids) == 1 and events[1].photo_ids[0] not in incident.photo_ids
    assert inc.get_incident(store, incident.id).status == "handled"
    # The worker who handled it cannot verify it; a dispatcher can.
    with pytest.raises(Refusal) as e:
        inc.transition_incident(store, incident.id, "verify_pass", actor_id=WORKER, actor_role="worker")
    assert e.value.code == "self_verification"
    state = inc.transition_incident(store, incident.id, "verify_pass", actor_id=DISPATCHER, actor_role="dispatcher")
    assert state.status == "closed"


def test_events_and_photos_are_create_only(store, place, photos_dir, tmp_path):
    snap(store, photos_dir, tmp_path, area_id=place.grid)
    before = count_outbox(store)
    with store.read() as s:
        event = s.exec(select(IncidentEvent)).one()
        photo = s.exec(select(Photo)).first()
    # Editing the saved record, or slipping in a new object with its id: both refused.
    attempts = [
        (lambda tx: tx.s.get(IncidentEvent, event.id), {"note": "改一下"}),
        (lambda tx: tx.s.get(Photo, photo.id), {"caption": "改标题"}),
        (lambda tx: IncidentEvent(id=event.id, incident_id=event.incident_id, action="comment", actor_id=WORKER,
                                  actor_role="worker"), {"note": "换一条"}),
    ]
    for load, values in attempts:
        with pytest.raises(Refused) as e, transaction(store) as tx:
            record = load(tx)
            for name, value in values.items():
                setattr(record, name, value)
            inc.append_record(tx, record, values)
        assert e.value.code == "create_only"
    assert count_outbox(store) == before
    with store.read() as s:
        assert (s.get(IncidentEvent, event.id).note, s.get(IncidentEvent, event.id).action) == (None, "report")
        assert s.get(Photo, photo.id).caption is None


def test_an_event_dated_ahead_by_a_wrong_clock_does_not_block_the_next_one_on_the_device(store, place):
    """Issue 11: the device measures the order rule against when it got an event, if that was earlier."""
    now = datetime.now(timezone.utc)
    incident = _at(store, grid=place.grid)
    inc.transition_incident(store, incident.id, "comment", actor_id=WORKER, actor_role="worker",
                            at=now + timedelta(days=300), note="钟快了")  # fmt: skip
    state = inc.transition_incident(store, incident.id, "accept", actor_id=DISPATCHER, actor_role="dispatcher",
                                    at=datetime.now(timezone.utc))  # fmt: skip
    assert state.status == "accepted"
    with pytest.raises(Refusal) as refused:  # dated before the last event arrived: still out of order
        inc.transition_incident(store, incident.id, "close", actor_id=DISPATCHER, actor_role="dispatcher",
                                at=now - timedelta(days=1), reason="已调解")
    assert refused.value.code == "out_of_order"
