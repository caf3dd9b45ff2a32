"""A push's working state is freed when the push ends, by reference counting alone.

The push's helpers (places, participation) pointed back at the run: the run, its records' data and
meta (~35 objects an edit) and its results were a cycle that only the garbage collector could free.
It was found by the young collections, carried into the older generations and walked there: the
server's full collections were a tenth of its CPU for a push of 500 edits (issue 14)."""

from __future__ import annotations

import gc
import traceback

from gridworker.server.sync.places import PlacePush
from gridworker.server.sync.push import PushRun
from gridworker.server.sync.records import Rec

from .conftest import new_id


def _alive(*types) -> list:
    return [o for o in gc.get_objects() if isinstance(o, types)]


def test_a_push_leaves_no_garbage_only_the_collector_could_free(world):
    w1 = world.api("w1")
    g1 = world.area_ids["G1"]
    people = [new_id() for _ in range(20)]
    w1.push([w1.mutation("person", pid, {"name": f"张{i}", "area_id": g1}) for i, pid in enumerate(people)])
    gc.collect()
    gc.disable()
    try:
        before = len(_alive(PushRun, PlacePush, Rec))
        # New records, then edits of them, then a place (its rules run in PlacePush).
        w1.push([w1.mutation("person", new_id(), {"name": f"李{i}", "area_id": g1}) for i in range(20)])
        results = w1.push([w1.mutation("person", pid, {"notes": "走访"}) for pid in people])
        assert {r["status"] for r in results} == {"applied"}
        assert w1.upsert("place", new_id(), {"area_id": g1, "name": "小卖部", "kind": "shop"})["status"] == "applied"
        left = len(_alive(PushRun, PlacePush, Rec))
    finally:
        gc.enable()
    assert left == before == 0


def test_the_collector_does_not_walk_a_push_while_it_is_applied(world):
    """A push of 500 makes ~20 objects a record that live until it ends and die by reference counting:
    collections started inside it only walked them (and carried them into older generations)."""
    w1 = world.api("w1")
    g1 = world.area_ids["G1"]
    inside = []

    def seen(phase, info):
        if phase == "start" and any(f.name == "apply_push" for f in traceback.extract_stack()):
            inside.append(info["generation"])

    gc.collect()
    gc.callbacks.append(seen)
    try:
        results = w1.push([w1.mutation("person", new_id(), {"name": f"王{i}", "area_id": g1}) for i in range(500)])
    finally:
        gc.callbacks.remove(seen)
    assert {r["status"] for r in results} == {"applied"}
    assert gc.isenabled()
    assert inside == []
