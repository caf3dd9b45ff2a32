"""Incidents on the server: events checked by the core lifecycle rules, derived fields, holidays, moves."""

from __future__ import annotations

from datetime import datetime

from gridworker.server.admin import operations as admin

from .conftest import new_id
from .helpers import at, dispatch_to, event, photo_fields, report


def _incident(api, iid):
    api.pull()
    return api.records[("incident", iid)]


def test_the_closed_loop_derives_status_on_the_server(world):
    w1, disp, h1 = world.api("w1"), world.api("disp"), world.api("h1")
    iid = report(world, w1)
    assert _incident(w1, iid)["status"] == "reported"
    dispatch_to(world, disp, iid, "h1")
    state = _incident(w1, iid)
    assert (state["status"], state["assignee_id"], state["level"]) == ("dispatched", world.user_ids["h1"], "community")
    assert datetime.fromisoformat(state["deadline"]) > datetime.fromisoformat(at())
    assert event(h1, iid, "start")["status"] == "applied"
    after = new_id()
    assert h1.upsert("photo", after, photo_fields(world, iid, "c" * 64))["status"] == "applied"
    assert event(h1, iid, "handle", note="已补装井盖", photo_ids=[after])["status"] == "applied"
    assert _incident(w1, iid)["status"] == "handled"
    assert event(w1, iid, "verify_pass")["status"] == "applied"
    assert event(w1, iid, "rate", rating=5)["status"] == "applied"
    final = _incident(w1, iid)
    assert (final["status"], final["rating"], final["rework_count"], final["overdue"]) == ("closed", 5, 0, False)
    # The events carry the actor's role as the server knows it.
    roles = {d["action"]: d["actor_role"] for (e, _i), d in w1.records.items() if e == "incident_event" and d["incident_id"] == iid}
    assert roles["handle"] == "handler" and roles["dispatch"] == "dispatcher" and roles["report"] == "worker"


def test_events_the_rules_refuse_are_rejected_with_the_rule_s_reason(world):
    w1, disp, h1 = world.api("w1"), world.api("disp"), world.api("h1")
    iid = report(world, w1)
    res = event(w1, iid, "accept")
    assert res["status"] == "rejected" and res["error"]["code"] == "role_not_allowed"
    dispatch_to(world, disp, iid, "h1")
    event(h1, iid, "start")
    res = event(h1, iid, "handle", note="done")  # no "after" photo
    assert res["status"] == "rejected" and res["error"]["code"] == "photo_required"
    res = w1.upsert("incident_event", new_id(), {"incident_id": iid, "action": "comment", "note": "x", "at": at(), "actor_id": world.user_ids["w2"]})
    assert res["status"] == "rejected" and res["error"]["code"] == "actor_mismatch"
    res = w1.upsert("incident_event", new_id(), {"incident_id": iid, "action": "comment", "note": "x", "at": "2020-01-01T00:00:00+08:00"})
    assert res["status"] == "rejected" and res["error"]["code"] == "out_of_order"
    res = event(w1, new_id(), "comment", note="x")
    assert res["status"] == "rejected" and res["error"]["code"] == "unknown_incident"
    res = w1.upsert("incident_event", new_id(), {"incident_id": iid, "action": "comment", "note": "x", "at": at(), "actor_role": "admin"})
    assert res["status"] == "rejected" and res["error"]["code"] == "read_only_field"
    assert _incident(w1, iid)["status"] == "in_progress"


def test_an_incident_moved_to_another_grid_takes_its_events_and_photos(world):
    w1, w2, disp = world.api("w1"), world.api("w2"), world.api("disp")
    iid = report(world, w1)
    pid = new_id()
    w1.upsert("photo", pid, photo_fields(world, iid, "d" * 64))
    w1.pull(), w2.pull(), disp.pull()
    events = {i for (e, i), d in w1.records.items() if e == "incident_event" and d["incident_id"] == iid}
    assert disp.upsert("incident", iid, {"area_id": world.area_ids["G2"]})["status"] == "applied"
    gone = w1.pull()
    assert {c["id"] for c in gone if c["op"] == "evict"} >= {iid, pid} | events
    w2.pull()
    assert w2.holds("incident", iid) and w2.holds("photo", pid)
    assert all(w2.records[("incident_event", e)]["area_id"] == world.area_ids["G2"] for e in events)


def test_deadlines_count_the_server_s_holiday_table(world):
    from datetime import date, timedelta

    # A Monday some weeks ahead (event times may not lie more than a year ahead), in a year the shipped table
    # does not cover.
    monday = date.today() + timedelta(days=60)
    monday += timedelta(days=-monday.weekday() % 7)
    tuesday, wednesday = (monday + timedelta(days=n) for n in (1, 2))
    year = str(monday.year)
    w1, disp = world.api("w1"), world.api("disp")
    iid = report(world, w1)
    event(disp, iid, "accept")
    dispatched_at = f"{monday}T10:00:00+08:00"
    assert event(disp, iid, "dispatch", assignee_id=world.user_ids["h1"], at=dispatched_at)["status"] == "applied"
    assert _incident(w1, iid)["deadline"].startswith(f"{tuesday}T10:00")
    with world.db.write() as conn:
        admin.import_holidays(
            conn,
            {"format": "gridworker-holidays", "version": 1,
             "years": {year: [{"name": "测试假日", "from": str(tuesday), "to": str(tuesday), "workdays": []}]}},
        )  # fmt: skip
    jid = report(world, w1)
    event(disp, jid, "accept")
    assert event(disp, jid, "dispatch", assignee_id=world.user_ids["h1"], at=f"{monday}T10:01:00+08:00")["status"] == "applied"
    assert _incident(w1, jid)["deadline"].startswith(f"{wednesday}T10:01")
    holidays = [d for (e, _i), d in w1.records.items() if e == "holiday" and d["year"] == int(year)]
    assert [h["from"] for h in holidays] == [str(tuesday)]


def test_unknown_categories_are_refused(world):
    w1 = world.api("w1")
    res = w1.upsert("incident", new_id(), {"title": "x", "category": "NOPE", "area_id": world.area_ids["G1"]})
    assert res["status"] == "rejected" and res["error"]["details"]["fields"][0]["code"] == "unknown_category"


def test_an_event_a_wrong_clock_dated_ahead_does_not_freeze_the_incident(world):
    """Issue 11: one event dated 2099 made every later close, dispatch, comment and start `out_of_order`."""
    import json
    from datetime import timedelta, timezone

    from sqlalchemy import update

    from gridworker.server.core.schema import records

    w1, disp, h1 = world.api("w1"), world.api("disp"), world.api("h1")
    now = datetime.now(timezone.utc)
    # Within the window of times the server takes, but months ahead: a device clock set wrong.
    iid = report(world, w1)
    ahead = w1.upsert("incident_event", new_id(), {"incident_id": iid, "action": "comment", "note": "钟快了",
                                                   "at": (now + timedelta(days=300)).isoformat()})  # fmt: skip
    assert ahead["status"] == "applied"
    right_now = lambda: datetime.now(timezone.utc).isoformat()  # noqa: E731
    assert event(disp, iid, "accept", at=right_now())["status"] == "applied"
    assert event(disp, iid, "dispatch", assignee_id=world.user_ids["h1"], at=right_now())["status"] == "applied"
    # An event dated before the one that arrived last is still out of order.
    late = event(h1, iid, "start", at=(now - timedelta(days=1)).isoformat())
    assert late["status"] == "rejected" and late["error"]["code"] == "out_of_order"
    assert event(h1, iid, "start", at=right_now())["status"] == "applied"
    assert _incident(w1, iid)["status"] == "in_progress"

    # An event dated 2099 that a server before the bounds took: stored as it was, it freezes nothing.
    jid = report(world, w1)
    frozen = new_id()
    assert event(w1, jid, "comment", note="x")["status"] == "applied"
    assert w1.upsert("incident_event", frozen, {"incident_id": jid, "action": "comment", "note": "2099",
                                                "at": right_now()})["status"] == "applied"  # fmt: skip
    with world.db.write() as conn:
        data = json.loads(conn.execute(records.select().where(records.c.id == frozen)).one().data)
        meta = json.loads(conn.execute(records.select().where(records.c.id == frozen)).one().meta)
        meta.pop("r", None)  # stored before receipt times were kept
        conn.execute(update(records).where(records.c.id == frozen).values(
            data=json.dumps(data | {"at": "2099-01-01T00:00:00+08:00"}), meta=json.dumps(meta)))  # fmt: skip
    assert event(disp, jid, "accept", at=right_now())["status"] == "applied"
    assert event(w1, jid, "comment", note="还在", at=right_now())["status"] == "applied"
