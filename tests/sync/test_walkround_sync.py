"""Field work made on one device reaches the other worker of the grid: walk-round, visit, incident with photo."""

import os

from PIL import Image
from sqlmodel import select

from gridworker import photos
from gridworker.domain.categories import load_categories
from gridworker.domain.fieldwork import Incident, Photo, Visit, Walkround
from gridworker.domain.models import Outbox
from gridworker.services import incidents, visits

from .helpers import area_ids, new_household, synced_values


def _rejected(client) -> list[Outbox]:
    with client.store.read() as s:
        return list(s.exec(select(Outbox).where(Outbox.state == "rejected")))


def test_walkround_visit_and_incident_with_photo_reach_the_other_worker(
    server, clients, tmp_path
):
    a, b = clients(server, "w1a"), clients(server, "w1b")
    a.sync_ok()
    # Rooms given out of walking order: the plan must put them in order, and B must get that order.
    homes = [new_household(a, room=room)[1] for room in ("303", "101", "202")]
    entry = a.account.info["server"]
    walk = visits.plan_walkround(
        a.store,
        "周三扫楼",
        household_ids=[h.id for h in homes],
        planner_id=entry["user_id"],
    )
    # Buildings 101号楼 < 202号楼 < 303号楼: an order that is not the order they were given in.
    assert walk.household_ids == [homes[1].id, homes[2].id, homes[0].id]
    visit = visits.log_visit(
        a.store,
        homes[0].id,
        visitor_id=entry["user_id"],
        outcome="met",
        notes="家中无人需要帮助",
    )
    picture = tmp_path / "scene.jpg"
    Image.frombytes("RGB", (320, 240), os.urandom(320 * 240 * 3)).save(
        picture, quality=90
    )
    category = next(c.code for c in load_categories() if c.parent_code)
    incident = incidents.report_incident(
        a.store, a.account.photos_dir, reporter_id=entry["user_id"], reporter_role=entry["role"],
        category=category, description="楼道堆放杂物", photos=[picture], household_id=homes[1].id,
    )  # fmt: skip

    pushed = a.sync_ok()
    assert pushed.rejected == 0 and _rejected(a) == []
    b.sync_ok()

    with b.store.read() as s:
        got_walk = s.get(Walkround, walk.id)
        got_visit = s.get(Visit, visit.id)
        got_incident = s.get(Incident, incident.id)
        got_photos = list(s.exec(select(Photo).where(Photo.entity_id == incident.id)))
    assert got_walk is not None, "the walk-round did not reach the other worker"
    assert got_walk.household_ids == walk.household_ids
    assert (got_walk.name, got_walk.status, got_walk.area_id) == (
        "周三扫楼",
        "open",
        area_ids(b)["G1"],
    )
    assert synced_values(b, "walkround", walk.id) == synced_values(
        a, "walkround", walk.id
    )
    assert got_visit is not None and got_visit.notes == "家中无人需要帮助"
    assert got_incident is not None and got_incident.description == "楼道堆放杂物"
    assert got_incident.photo_ids == incident.photo_ids and len(got_photos) == 1
    assert [p.id for p in got_photos] == incident.photo_ids
    assert photos.has_thumbnail(b.account.photos_dir, got_photos[0].sha256)
    # B's own progress view of the plan reads the visit A made.
    progress = visits.walkround_progress(b.store, walk.id)
    assert (progress.done, progress.total) == (1, 3)
    # An edit of the plan travels too: cancelled on A, cancelled on B.
    visits.cancel_walkround(a.store, walk.id)
    assert a.sync_ok().rejected == 0 and _rejected(a) == []
    b.sync_ok()
    assert synced_values(b, "walkround", walk.id)["status"] == "cancelled"
    assert synced_values(b, "walkround", walk.id) == synced_values(
        a, "walkround", walk.id
    )
