"""Scope: who receives what, evict when a record leaves a scope, handlers, and scope changes."""

from __future__ import annotations

from gridworker.server.admin import operations as admin

from .conftest import new_id
from .helpers import dispatch_to, event, photo_fields, report


def _register(world, api, area):
    bid, hid, pid = new_id(), new_id(), new_id()
    a = world.area_ids[area]
    results = api.push(
        [
            api.mutation("building", bid, {"name": "1幢", "area_id": a}),
            api.mutation("household", hid, {"room": "101", "building_id": bid, "area_id": a}),
            api.mutation("person", pid, {"name": "王芳", "household_id": hid, "area_id": a}),
        ]
    )
    assert all(r["status"] == "applied" for r in results), results
    return bid, hid, pid


def test_each_role_receives_its_scope(world):
    g1 = _register(world, world.api("w1"), "G1")
    g2 = _register(world, world.api("w2"), "G2")
    g3 = _register(world, world.api("w3"), "G3")
    seen = {}
    for name in ("admin", "disp", "w1", "w2", "w3", "h1"):
        api = world.api(name)
        api.pull()
        seen[name] = {i for (_e, i) in api.records}
        # Everyone gets the server-managed tables.
        assert any(e == "area" for e, _ in api.records) and any(e == "category" for e, _ in api.records)
        assert any(e == "user" for e, _ in api.records) and any(e == "holiday" for e, _ in api.records)
    assert set(g1 + g2 + g3) <= seen["admin"]
    assert set(g1 + g2) <= seen["disp"] and not set(g3) & seen["disp"]
    assert set(g1) <= seen["w1"] and not set(g2 + g3) & seen["w1"]
    assert set(g3) <= seen["w3"] and not set(g1 + g2) & seen["w3"]
    assert not set(g1 + g2 + g3) & seen["h1"]


def test_pushes_outside_the_scope_are_refused(world):
    w1 = world.api("w1")
    res = w1.upsert("building", new_id(), {"name": "越界", "area_id": world.area_ids["G2"]})
    assert res["status"] == "rejected" and res["error"]["code"] == "out_of_scope"
    bid, _hid, _pid = _register(world, world.api("w2"), "G2")
    res = w1.upsert("building", bid, {"name": "改别人的"})
    assert res["status"] == "rejected" and res["error"]["code"] == "out_of_scope"
    mine = _register(world, w1, "G1")[0]
    res = w1.upsert("building", mine, {"area_id": world.area_ids["G3"]})  # giving it away to another community
    assert res["status"] == "rejected" and res["error"]["code"] == "out_of_scope"
    # A create without an area reads like an edit of a record that is not there: the answer for "not yours".
    res = w1.upsert("building", new_id(), {"name": "无网格"})
    assert res["status"] == "rejected" and res["error"]["code"] == "out_of_scope"
    h1 = world.api("h1")
    res = h1.upsert("building", new_id(), {"name": "处置人员", "area_id": world.area_ids["G1"]})
    assert res["status"] == "rejected" and res["error"]["code"] == "role_not_allowed"


def test_a_moved_record_is_evicted_from_the_old_scope_and_sent_to_the_new(world):
    w1, w2, disp = world.api("w1"), world.api("w2"), world.api("disp")
    bid, hid, pid = _register(world, w1, "G1")
    for api in (w1, w2, disp):
        api.pull()
    assert w1.holds("person", pid) and not w2.holds("person", pid)
    assert disp.upsert("person", pid, {"area_id": world.area_ids["G2"], "notes": "搬到第2网格"})["status"] == "applied"
    out = w1.pull()
    assert [(c["id"], c["op"], c["data"]) for c in out if c["id"] == pid] == [(pid, "evict", None)]
    assert not w1.holds("person", pid)
    into = w2.pull()
    assert [(c["id"], c["op"]) for c in into if c["id"] == pid] == [(pid, "upsert")]
    assert w2.records[("person", pid)]["notes"] == "搬到第2网格"
    both = disp.pull()
    assert [c["op"] for c in both if c["id"] == pid] == ["upsert"]


def test_handlers_get_assigned_incidents_with_their_events_and_photos_only(world):
    w1, disp, h1, h2 = world.api("w1"), world.api("disp"), world.api("h1"), world.api("h2")
    iid = report(world, w1)
    pid = new_id()
    assert w1.upsert("photo", pid, photo_fields(world, iid))["status"] == "applied"
    h1.pull(), h2.pull()
    assert not h1.holds("incident", iid)
    dispatch_to(world, disp, iid, "h1")
    h1.pull(), h2.pull()
    assert h1.holds("incident", iid) and h1.holds("photo", pid)
    assert h1.records[("incident", iid)]["status"] == "dispatched"
    assert h1.records[("incident", iid)]["assignee_id"] == world.user_ids["h1"]
    events = {i for (e, i) in h1.records if e == "incident_event"}
    assert len(events) == 3  # report, accept, dispatch
    assert not h2.holds("incident", iid)
    assert not any(e in ("person", "household", "building") for (e, _i) in h1.records)
    # Reassigned: the first handler drops it all, the second receives it all.
    assert event(disp, iid, "dispatch", assignee_id=world.user_ids["h2"])["status"] == "applied"
    gone = h1.pull()
    assert {c["id"] for c in gone if c["op"] == "evict"} >= {iid, pid} | events
    assert not h1.holds("incident", iid) and not h1.holds("photo", pid)
    h2.pull()
    assert h2.holds("incident", iid) and h2.holds("photo", pid)
    assert {i for (e, i) in h2.records if e == "incident_event"} >= events
    # The first handler may no longer act on it.
    res = event(h1, iid, "start")
    assert res["status"] == "rejected" and res["error"]["code"] == "out_of_scope"


def test_scope_change_sends_the_difference(world):
    w_old = _register(world, world.api("w1"), "G1")
    w_new = _register(world, world.api("w2"), "G2")
    with world.db.write() as conn:
        admin.add_user(conn, "mover", "worker", ["G1"], "password-1")
    mover = world.api("mover")
    mover.pull()
    assert all(mover.holds(e, i) for e, i in zip(("building", "household", "person"), w_old))
    with world.db.write() as conn:
        admin.update_user(conn, "mover", area_codes=["G2"])
    changes = mover.pull(limit=2)
    evicted = {c["id"] for c in changes if c["op"] == "evict"}
    assert set(w_old) <= evicted
    assert all(not mover.holds(e, i) for e, i in zip(("building", "household", "person"), w_old))
    assert all(mover.holds(e, i) for e, i in zip(("building", "household", "person"), w_new))
    # After catching up, the new scope's feed continues as usual.
    w2 = world.api("w2")
    w2.upsert("person", w_new[2], {"notes": "after the move"})
    mover.pull()
    assert mover.records[("person", w_new[2])]["notes"] == "after the move"


def test_a_scope_change_during_a_first_pull_asks_for_a_resync(world):
    with world.db.write() as conn:
        admin.add_user(conn, "early", "worker", ["G1"], "password-1")
    for _ in range(3):
        _register(world, world.api("w1"), "G1")
    early = world.api("early")
    r = early.request("GET", "/sync/pull", params={"limit": 2})
    body = r.json()
    assert body["has_more"]
    with world.db.write() as conn:
        admin.update_user(conn, "early", area_codes=["G2"])
    r = early.request("GET", "/sync/pull", params={"limit": 2, "cursor": body["cursor"]})
    assert r.status_code == 410 and r.json()["error"]["code"] == "resync_required"


def test_a_role_change_drops_the_register(world):
    own = _register(world, world.api("w1"), "G1")
    with world.db.write() as conn:
        admin.add_user(conn, "turncoat", "worker", ["G1"], "password-1")
    api = world.api("turncoat")
    api.pull()
    assert api.holds("person", own[2])
    with world.db.write() as conn:
        admin.update_user(conn, "turncoat", role="handler")
    out = api.pull(limit=50)
    assert {("building", own[0]), ("household", own[1]), ("person", own[2])} <= {
        (c["entity"], c["id"]) for c in out if c["op"] == "evict"
    }
    assert not any(e in ("person", "household", "building") for (e, _i) in api.records)
