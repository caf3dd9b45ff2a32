"""A place deleted on a device (`gridworker places delete`, the place card) reaches the server as a delete: accepted,
kept as a tombstone, and sent to the others of its grid as deleted."""

from __future__ import annotations

from .conftest import new_id


def test_a_workers_delete_of_a_place_is_accepted_and_pulled_as_deleted(world):
    w1, disp = world.api("w1"), world.api("disp")
    pid = new_id()
    assert w1.upsert("place", pid, {"name": "要关门的小饭馆", "kind": "restaurant", "area_id": world.area_ids["G1"]})["status"] == "applied"
    disp.pull()
    assert disp.holds("place", pid)
    [result] = w1.push([w1.mutation("place", pid, op="delete")])
    assert result["status"] == "applied", result
    changes = disp.pull()
    assert [(c["entity"], c["id"], c["op"]) for c in changes] == [("place", pid, "delete")]
    assert disp.records[("place", pid)]["_deleted"] and disp.records[("place", pid)]["name"] == "要关门的小饭馆"
