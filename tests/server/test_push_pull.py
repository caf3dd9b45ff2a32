"""Push and pull: create, replay, merge, conflicts, tombstones, create-only and read-only rules, paging."""

from __future__ import annotations

import json
import time

from sqlalchemy import func, select

from gridworker.domain import hlc
from gridworker.server.core.schema import changes, conflicts, records

from .conftest import new_id


def stamp(offset_ms: int, device: str) -> str:
    """An HLC `offset_ms` from now: tests decide which edit is later instead of racing the clock."""
    return str(hlc.Hlc(int(time.time() * 1000) + offset_ms, 0, device))


def test_create_then_pull_and_replay_changes_nothing(world):
    w1 = world.api("w1")
    g1 = world.area_ids["G1"]
    bid = new_id()
    m = w1.mutation("building", bid, {"name": "9幢", "area_id": g1, "floors": 6})
    first = w1.push([m])[0]
    assert first["status"] == "applied" and first["version"] == 1
    with world.db.read() as conn:
        feed_before = conn.execute(select(func.count()).select_from(changes)).scalar()
    again = w1.push([m])[0]
    assert again == first
    with world.db.read() as conn:
        assert conn.execute(select(func.count()).select_from(changes)).scalar() == feed_before
    other = world.api("w1")
    other.pull()
    assert other.records[("building", bid)]["name"] == "9幢"
    assert other.records[("building", bid)]["floors"] == 6


def test_values_are_cleaned_like_the_client_does(world):
    w1 = world.api("w1")
    pid = new_id()
    res = w1.upsert("person", pid, {"name": " 张美玲 ", "id_number": "11010519491231002x", "area_id": world.area_ids["G1"], "phone": "+86 138 0013 8000"})
    assert res["status"] == "applied"
    w1.pull()
    person = w1.records[("person", pid)]
    assert person["name"] == "张美玲"
    assert person["id_number"] == "11010519491231002X"
    assert person["gender"] == "female" and person["birth_date"] == "1949-12-31"
    assert person["phone"] == "13800138000"


def test_invalid_values_are_rejected_and_nothing_is_stored(world):
    w1 = world.api("w1")
    pid, hid = new_id(), new_id()
    results = w1.push(
        [
            w1.mutation("person", pid, {"name": "李四", "id_number": "110105194912310021", "area_id": world.area_ids["G1"]}),
            w1.mutation("household", hid, {"room": "301", "area_id": world.area_ids["G1"], "phone": "12345"}),
        ]
    )
    assert [r["status"] for r in results] == ["rejected", "rejected"]
    assert results[0]["error"]["code"] == "invalid_value"
    assert results[0]["error"]["details"]["fields"][0]["field"] == "id_number"
    assert results[1]["error"]["details"]["fields"][0]["field"] == "phone"
    with world.db.read() as conn:
        assert conn.execute(select(records.c.id).where(records.c.id.in_([pid, hid]))).first() is None


def test_non_colliding_edits_merge(world):
    a, b = world.api("w1"), world.api("w1")
    bid = new_id()
    a.upsert("building", bid, {"name": "1幢", "area_id": world.area_ids["G1"]})
    b.pull()
    assert a.upsert("building", bid, {"floors": 7})["status"] == "applied"
    res = b.upsert("building", bid, {"units": 3})  # b's base is version 1
    assert res["status"] == "merged" and res["version"] == 3
    a.pull()
    rec = a.records[("building", bid)]
    assert (rec["name"], rec["floors"], rec["units"]) == ("1幢", 7, 3)


def test_colliding_edits_later_hlc_wins_and_loser_is_recorded(world):
    a, b = world.api("w1"), world.api("w1")
    bid = new_id()
    a.upsert("building", bid, {"name": "2幢", "area_id": world.area_ids["G1"], "notes": "old"})
    b.pull()
    early = b.mutation("building", bid, {"notes": "from b (earlier)"})
    late = a.mutation("building", bid, {"notes": "from a (later)"})
    early["hlc"], late["hlc"] = stamp(-5000, b.device), stamp(0, a.device)
    assert a.push([late])[0]["status"] == "applied"
    res = b.push([early])[0]
    assert res["status"] == "conflict"
    detail = res["error"]["details"]["notes"]
    assert detail == {"mine": "from b (earlier)", "theirs": "from a (later)", "winner": "server"}
    # And the other way round: a later edit beats the stored one, and the stored value is the loser.
    b.pull()
    a_stale = a.mutation("building", bid, {"name": "2幢甲"}, base=1)
    b_edit = b.mutation("building", bid, {"name": "2幢乙"})
    b_edit["hlc"], a_stale["hlc"] = stamp(1000, b.device), stamp(2000, a.device)
    b.push([b_edit])
    res = a.push([a_stale])[0]
    assert res["status"] == "conflict"
    assert res["error"]["details"]["name"]["winner"] == "client"
    c = world.api("w1")
    c.pull()
    assert c.records[("building", bid)]["name"] == "2幢甲"
    assert c.records[("building", bid)]["notes"] == "from a (later)"
    with world.db.read() as conn:
        rows = conn.execute(select(conflicts).where(conflicts.c.record_id == bid).order_by(conflicts.c.id)).all()
    assert [(r.field, json.loads(r.mine), json.loads(r.theirs), r.winner) for r in rows] == [
        ("notes", "from b (earlier)", "from a (later)", "server"),
        ("name", "2幢甲", "2幢乙", "client"),
    ]


def test_same_device_edits_never_conflict(world):
    a = world.api("w1")
    bid = new_id()
    first = a.mutation("building", bid, {"name": "3幢", "area_id": world.area_ids["G1"]})
    # Both edits made offline, before the first push: both carry base_version null.
    second = a.mutation("building", bid, {"name": "3幢（东）"}, base=None)
    third = a.mutation("building", bid, {"name": "3幢（西）"}, base=None)
    assert [r["status"] for r in a.push([first, second, third])] == ["applied", "applied", "applied"]


def test_delete_is_a_tombstone_and_an_edit_racing_it_is_kept(world):
    a, b = world.api("w1"), world.api("w1")
    bid = new_id()
    a.upsert("building", bid, {"name": "4幢", "area_id": world.area_ids["G1"]})
    b.pull()
    assert a.push([a.mutation("building", bid, op="delete")])[0]["status"] == "applied"
    res = b.upsert("building", bid, {"notes": "edited offline"})
    assert res["status"] == "conflict"
    assert res["error"]["details"]["deleted"] == {"mine": False, "theirs": True, "winner": "server"}
    c = world.api("w1")
    c.pull()
    assert not c.holds("building", bid)  # a first pull sends live records only
    b.pull()
    assert b.records[("building", bid)]["_deleted"] is True
    assert b.records[("building", bid)]["notes"] == "edited offline"  # the edit is kept in the tombstone
    # A delete racing an edit: the delete wins and the race is recorded.
    cid = new_id()
    a.upsert("building", cid, {"name": "5幢", "area_id": world.area_ids["G1"]})
    b.pull()
    a.upsert("building", cid, {"floors": 9})
    res = b.push([b.mutation("building", cid, op="delete")])[0]
    assert res["status"] == "conflict" and res["error"]["details"]["deleted"]["winner"] == "client"


def test_create_only_records_refuse_edits_and_deletes(world):
    w1 = world.api("w1")
    visit, photo = new_id(), new_id()
    w1.upsert("visit", visit, {"area_id": world.area_ids["G1"], "visited_at": "2026-11-21T09:30:00+08:00", "outcome": "met"})
    fields = {"sha256": "a" * 64, "entity": "visit", "entity_id": visit, "area_id": world.area_ids["G1"], "mime": "image/jpeg", "width": 10, "height": 10, "bytes": 100}
    assert w1.upsert("photo", photo, fields)["status"] == "applied"
    assert w1.upsert("photo", photo, fields)["status"] == "applied"  # same content again (new mutation id): fine
    res = w1.upsert("photo", photo, {"caption": "changed"})
    assert res["status"] == "rejected" and res["error"]["code"] == "create_only"
    res = w1.push([w1.mutation("photo", photo, op="delete")])[0]
    assert res["status"] == "rejected" and res["error"]["code"] == "create_only"


def test_server_managed_entities_and_read_only_fields_are_refused_with_a_reason(world):
    admin = world.api("admin")
    res = admin.upsert("area", world.area_ids["G1"], {"name": "改名"})
    assert res["status"] == "rejected" and res["error"]["code"] == "server_managed"
    # The reason reaches the user as it is: the record named in words, never the wire's entity name.
    assert "area" not in res["error"]["message_zh"] and "网格" in res["error"]["message_zh"]
    assert "'area'" not in res["error"]["message_en"]
    w1 = world.api("w1")
    iid = new_id()
    res = w1.upsert("incident", iid, {"title": "井盖缺失", "area_id": world.area_ids["G1"], "status": "closed"})
    assert res["status"] == "rejected" and res["error"]["code"] == "read_only_field"
    assert res["error"]["details"]["fields"] == ["status"]
    with world.db.read() as conn:
        assert conn.execute(select(records.c.id).where(records.c.id == iid)).first() is None


def test_paging_never_misses_or_repeats(world):
    w1 = world.api("w1")
    ids = [new_id() for _ in range(37)]
    w1.push([w1.mutation("building", i, {"name": f"{n}幢", "area_id": world.area_ids["G1"]}) for n, i in enumerate(ids)])
    reader = world.api("w1")
    got = reader.pull(limit=5)
    keys = [(c["entity"], c["id"]) for c in got]
    assert len(keys) == len(set(keys))
    assert {("building", i) for i in ids} <= set(keys)
    # Later edits arrive through the feed, in commit order, once each.
    w1.push([w1.mutation("building", i, {"floors": 3}) for i in ids[:10]])
    more = reader.pull(limit=3)
    assert [c["id"] for c in more] == ids[:10]
    assert all(reader.records[("building", i)]["floors"] == 3 for i in ids[:10])


def test_cursor_errors(world):
    w1 = world.api("w1")
    w1.pull()
    r = w1.request("GET", "/sync/pull", params={"cursor": "not-a-cursor"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_cursor"
    from gridworker.server.sync.pull import Cursor

    good = Cursor.decode(w1.cursor)
    other_epoch = Cursor("0000000000000000", good.mode, good.seq, good.scope_id).encode()
    r = w1.request("GET", "/sync/pull", params={"cursor": other_epoch})
    assert r.status_code == 410 and r.json()["error"]["code"] == "resync_required"
    ahead = Cursor(good.epoch, good.mode, good.seq + 10_000, good.scope_id).encode()
    assert w1.request("GET", "/sync/pull", params={"cursor": ahead}).status_code == 410
    w2 = world.api("w2")
    w2.pull()
    foreign = Cursor.decode(w2.cursor)
    r = w1.request("GET", "/sync/pull", params={"cursor": foreign.encode()})
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_cursor"


def _first_pages_through(reader, ids):
    """Pull pages of a first pull until all of `ids` came (with more pages to come)."""
    got, cursor = [], None
    while not set(ids) <= set(got):
        body = reader.request("GET", "/sync/pull", params={"limit": 50} | ({"cursor": cursor} if cursor else {})).json()
        assert body["has_more"]
        got += [c["id"] for c in body["changes"]]
        cursor = body["cursor"]
    reader.cursor = cursor


def test_records_deleted_or_moved_during_a_first_pull_are_deleted_or_evicted(world):
    w1, disp = world.api("w1"), world.api("disp")
    ids = [new_id() for _ in range(2)]
    filler = [new_id() for _ in range(60)]  # so that the first pull is still going after the page with `ids`
    w1.push([w1.mutation("building", i, {"name": "楼", "area_id": world.area_ids["G1"]}) for i in ids + filler])
    deleting, moving = world.api("w1"), world.api("w1")
    gone, moved = ids
    _first_pages_through(deleting, ids)
    _first_pages_through(moving, ids)
    assert w1.push([w1.mutation("building", gone, op="delete")])[0]["status"] == "applied"
    disp.pull()
    assert disp.upsert("building", moved, {"area_id": world.area_ids["G2"]})["status"] == "applied"
    assert [c["op"] for c in deleting.pull() if c["id"] == gone] == ["delete"]
    assert [c["op"] for c in moving.pull() if c["id"] == moved][-1] == "evict"
    assert not moving.holds("building", moved)
