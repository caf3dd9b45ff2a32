"""The push answer's `exact` (docs/sync-protocol.md §4.2): only where the record stored is its version before the
edit with the fields exactly as sent, so that a device holding that version may keep its own copy."""

from __future__ import annotations

from .conftest import new_id


def _stored(world, entity: str, record_id: str) -> dict:
    reader = world.api("w1")
    reader.pull()
    return {k: v for k, v in reader.records[(entity, record_id)].items() if k != "_deleted"}


def test_an_edit_stored_as_sent_is_exact_and_the_record_is_the_old_one_with_the_fields(world):
    w1 = world.api("w1")
    bid = new_id()
    w1.upsert("building", bid, {"name": "3幢", "area_id": world.area_ids["G1"], "floors": 6})
    before = _stored(world, "building", bid)
    res = w1.upsert("building", bid, {"floors": 7, "units": 2})
    assert res["status"] == "applied" and res.get("exact") is True
    assert _stored(world, "building", bid) == before | {"floors": 7, "units": 2}
    assert w1.upsert("building", bid, {"floors": 7}).get("exact") is True  # the same value again: nothing changes


def test_a_cleaned_or_derived_value_is_applied_but_not_exact(world):
    w1 = world.api("w1")
    g1 = world.area_ids["G1"]
    pid, hid, bid = new_id(), new_id(), new_id()
    w1.upsert("person", pid, {"name": "张美玲", "area_id": g1})
    res = w1.upsert("person", pid, {"phone": "+86 138 0013 8000"})  # stored as 13800138000
    assert res["status"] == "applied" and "exact" not in res
    assert w1.upsert("person", pid, {"notes": "  留言  "}).get("exact") is None  # trimmed
    w1.upsert("building", bid, {"name": "5幢", "area_id": g1})
    w1.upsert("household", hid, {"building_id": bid, "room": "101", "area_id": g1})
    res = w1.upsert("household", hid, {"room": "1502"})  # the server derives the floor from the room
    assert res["status"] == "applied" and "exact" not in res and _stored(world, "household", hid)["floor"] == 15


def test_merged_conflict_rejected_and_deleted_answers_are_not_exact(world):
    a, b = world.api("w1"), world.api("w1")
    bid = new_id()
    a.upsert("building", bid, {"name": "7幢", "area_id": world.area_ids["G1"]})
    b.pull()
    a.upsert("building", bid, {"floors": 7})
    merged = b.upsert("building", bid, {"units": 3})  # b's base is version 1
    assert merged["status"] == "merged" and "exact" not in merged
    conflict = b.upsert("building", bid, {"floors": 9}, base=1)
    assert conflict["status"] == "conflict" and "exact" not in conflict
    rejected = a.upsert("building", bid, {"name": "楼" * 1000})  # too long
    assert rejected["status"] == "rejected" and "exact" not in rejected
    a.pull()
    deleted = a.push([a.mutation("building", bid, op="delete")])[0]
    assert deleted["status"] == "applied" and "exact" not in deleted


def test_a_replayed_mutation_gets_its_first_answer_with_the_flag(world):
    w1 = world.api("w1")
    bid = new_id()
    w1.upsert("building", bid, {"name": "8幢", "area_id": world.area_ids["G1"]})
    m = w1.mutation("building", bid, {"floors": 4})
    first = w1.push([m])[0]
    w1.upsert("building", bid, {"floors": 5})
    assert first.get("exact") is True and w1.push([m])[0] == first


def test_an_edit_on_an_older_base_of_the_same_device_is_applied_but_not_exact(world):
    """The versions between the base and now are this device's own (a restored local backup, say): the record
    is not the base with the fields, so the device must take the echo."""
    w1 = world.api("w1")
    bid = new_id()
    w1.upsert("building", bid, {"name": "9幢", "area_id": world.area_ids["G1"]})
    assert w1.upsert("building", bid, {"floors": 4}).get("exact") is True  # version 2
    res = w1.upsert("building", bid, {"units": 2}, base=1)
    assert res["status"] == "applied" and "exact" not in res
