"""Building blocks for server tests: incidents through their lifecycle, photos, times."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from .conftest import Api, World, new_id

CHINA = timezone(timedelta(hours=8))
_clock = [datetime(2026, 11, 2, 9, 0, tzinfo=CHINA)]  # a Monday


def at() -> str:
    """Event times that always move forward (the lifecycle refuses events dated before the last one)."""
    _clock[0] += timedelta(minutes=1)
    return _clock[0].isoformat()


def report(world: World, worker: Api, area: str = "G1", **extra) -> str:
    iid = new_id()
    fields = {
        "title": "井盖缺失", "description": "文三路口井盖缺失", "category": "C0101", "area_id": world.area_ids[area],
        "reporter_id": worker.user["id"], "reported_at": at(), "source": "snap",
    } | extra  # fmt: skip
    results = worker.push(
        [
            worker.mutation("incident", iid, fields),
            worker.mutation("incident_event", new_id(), {"incident_id": iid, "action": "report", "at": at()}),
        ]
    )
    assert [r["status"] for r in results] == ["applied", "applied"], results
    return iid


def event(api: Api, incident_id: str, action: str, **fields) -> dict:
    return api.upsert("incident_event", new_id(), {"incident_id": incident_id, "action": action, "at": at()} | fields)


def dispatch_to(world: World, dispatcher: Api, incident_id: str, handler: str) -> None:
    assert event(dispatcher, incident_id, "accept")["status"] == "applied"
    res = event(dispatcher, incident_id, "dispatch", assignee_id=world.user_ids[handler])
    assert res["status"] == "applied", res


def photo_fields(world: World, incident_id: str, sha: str = "b" * 64) -> dict:
    return {"sha256": sha, "entity": "incident", "entity_id": incident_id, "mime": "image/jpeg",
            "width": 10, "height": 10, "bytes": 100}  # fmt: skip
