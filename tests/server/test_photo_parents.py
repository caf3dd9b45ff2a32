"""Photos of an incident reach its handler, also those sent before the incident itself (issue 12, item 2)."""

from __future__ import annotations

import uuid

from sqlalchemy import update

from gridworker.server.sync.repairs import repair_photo_parents
from gridworker.server.core.schema import records

from .conftest import new_id
from .helpers import at, dispatch_to, photo_fields


def _report_photo_first(world, worker) -> tuple[str, str]:
    """What a client sends for a report with a photo: the photo, then the incident, then its report event."""
    iid, pid = new_id(), new_id()
    fields = {
        "title": "楼道堆物", "description": "三楼楼道堆放杂物", "category": "C0101", "area_id": world.area_ids["G1"],
        "reporter_id": worker.user["id"], "reported_at": at(), "source": "snap", "photo_ids": [pid],
    }  # fmt: skip
    results = worker.push(
        [
            worker.mutation("photo", pid, photo_fields(world, iid, uuid.uuid4().hex * 2) | {"area_id": world.area_ids["G1"]}),
            worker.mutation("incident", iid, fields),
            worker.mutation("incident_event", new_id(), {"incident_id": iid, "action": "report", "at": at(), "photo_ids": [pid]}),
        ]
    )
    assert [r["status"] for r in results] == ["applied"] * 3, results
    return iid, pid


def test_a_photo_sent_before_its_incident_reaches_the_handler(world):
    w1, disp, h1 = world.api("w1"), world.api("disp"), world.api("h1")
    h1.pull()
    iid, pid = _report_photo_first(world, w1)
    dispatch_to(world, disp, iid, "h1")
    h1.pull()
    assert h1.holds("incident", iid)
    assert h1.holds("photo", pid)


def test_the_repair_gives_orphaned_photos_their_incident_once(world):
    w1, disp, h1 = world.api("w1"), world.api("disp"), world.api("h1")
    h1.pull()
    iid, pid = _report_photo_first(world, w1)
    with world.db.write() as conn:  # as a server before the fix stored it
        conn.execute(update(records).where(records.c.entity == "photo", records.c.id == pid).values(parent_id=None))
    dispatch_to(world, disp, iid, "h1")
    h1.pull()
    assert not h1.holds("photo", pid)

    with world.db.write() as conn:
        assert repair_photo_parents(conn) >= 1
    h1.pull()
    assert h1.holds("photo", pid)
    with world.db.write() as conn:
        assert repair_photo_parents(conn) == 0  # idempotent: nothing left to repair
