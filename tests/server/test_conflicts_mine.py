"""GET /conflicts/mine: the device whose value a later edit from elsewhere overwrote is told, and only it."""

from __future__ import annotations

import json
import time

import pytest
from alembic import command
from sqlalchemy import insert, select, update

from gridworker.domain import hlc
from gridworker.server.core.db import Database, alembic_config
from gridworker.server.core.schema import conflicts, records

from .conftest import new_id


def clock(api, ms_ago: int) -> str:
    """An edit time chosen by the test, so which edit is later never depends on timing."""
    return str(hlc.Hlc(int(time.time() * 1000) - ms_ago, 0, api.device))


def edit(api, hh: str, fields: dict, *, base: int, ms_ago: int) -> dict:
    m = api.mutation("household", hh, fields, base=base)
    m["hlc"] = clock(api, ms_ago)
    return api.push([m])[0]


def household(world, api, grid: str = "G1") -> str:
    hh = new_id()
    assert api.upsert("household", hh, {"area_id": world.area_ids[grid], "address": "幸福小区2号楼"})["status"] == "applied"
    return hh


def lost(api, **params) -> list[dict]:
    r = api.request("GET", "/conflicts/mine", params=params)
    assert r.status_code == 200, r.text
    body = r.json()
    if body["conflicts"]:
        assert body["next"] == body["conflicts"][-1]["id"]
    return body["conflicts"]


def collide(loser, winner, hh: str, field: str = "phone", values=("13800000001", "13900000002")) -> dict:
    """`loser` edits first with the earlier clock; `winner` pushes later with the later clock, on the same base."""
    assert edit(loser, hh, {field: values[0]}, base=1, ms_ago=5000)["status"] == "applied"
    res = edit(winner, hh, {field: values[1]}, base=1, ms_ago=1000)
    assert res["status"] == "conflict" and res["error"]["details"][field]["winner"] == "client", res
    return res


def test_the_overwritten_device_is_told_with_both_values(world):
    w1, disp = world.api("w1"), world.api("disp")
    hh = household(world, w1)
    collide(w1, disp, hh)
    [c] = [c for c in lost(w1) if c["record_id"] == hh]
    assert (c["entity"], c["field"], c["mine"], c["theirs"], c["winner"]) == (
        "household", "phone", "13800000001", "13900000002", "theirs",
    )  # fmt: skip
    assert c["user_id"] == world.user_ids["disp"] and c["area_id"] == world.area_ids["G1"]
    assert isinstance(c["id"], int) and c["at"].endswith("+00:00")
    # Paging on from it gives nothing more; the winner and the user's other devices are not told.
    assert lost(w1, after=c["id"]) == []
    assert lost(disp) == [] and lost(world.api("w1")) == []
    # GET /me says how far the list goes, so a client that has read it skips the request; others see 0.
    assert w1.request("GET", "/me").json()["lost_conflicts"] == c["id"]
    assert disp.request("GET", "/me").json()["lost_conflicts"] == 0
    # The dispatchers' list shows the same collision from the pusher's side.
    [row] = [r for r in disp.request("GET", "/conflicts").json()["conflicts"] if r["record_id"] == hh]
    assert (row["mine"], row["theirs"], row["winner"]) == ("13900000002", "13800000001", "client")


def test_a_pusher_that_lost_is_told_in_its_answer_only(world):
    w1, disp = world.api("w1"), world.api("disp")
    hh = household(world, w1)
    assert edit(disp, hh, {"notes": "较晚的修改"}, base=1, ms_ago=1000)["status"] == "applied"
    res = edit(w1, hh, {"notes": "较早的修改"}, base=1, ms_ago=5000)
    assert res["status"] == "conflict" and res["error"]["details"]["notes"]["winner"] == "server"
    assert lost(w1) == [] and lost(disp) == []


def test_the_same_user_on_another_device_is_told_on_the_losing_device_only(world):
    laptop, office = world.api("w1"), world.api("w1")
    hh = household(world, laptop)
    collide(laptop, office, hh, "notes", ("笔记本上写的", "办公室写的"))
    assert [(c["mine"], c["theirs"]) for c in lost(laptop) if c["record_id"] == hh] == [("笔记本上写的", "办公室写的")]
    assert lost(office) == []


def test_paging_returns_each_once_in_order(world):
    w1, disp = world.api("w1"), world.api("disp")
    homes = [household(world, w1) for _ in range(3)]
    for hh in homes:
        collide(w1, disp, hh)
    got, after = [], 0
    while page := lost(w1, after=after, limit=2):
        assert len(page) <= 2
        got += page
        after = page[-1]["id"]
    assert [c["record_id"] for c in got] == homes


def test_a_record_outside_the_users_scope_now_takes_its_conflicts_along(world):
    w1, disp = world.api("w1"), world.api("disp")
    hh = household(world, w1)
    collide(w1, disp, hh)
    assert [c["record_id"] for c in lost(w1)] == [hh]
    moved = disp.mutation("household", hh, {"area_id": world.area_ids["G2"]})
    assert disp.push([moved])[0]["status"] == "applied"
    assert lost(w1) == []  # w1 no longer sees the household: nothing about it, not even its id
    # /me agrees with the list, or a client would ask for a loss it can never read, sync after sync
    assert w1.request("GET", "/me").json()["lost_conflicts"] == 0
    # Someone who sees it now did not lose anything on it.
    assert lost(world.api("w2")) == []
    back = disp.mutation("household", hh, {"area_id": world.area_ids["G1"]})
    assert disp.push([back])[0]["status"] == "applied"
    [c] = lost(w1)
    assert c["record_id"] == hh and w1.request("GET", "/me").json()["lost_conflicts"] == c["id"]


def test_handlers_and_signed_out_callers_get_nothing(world):
    assert lost(world.api("h1")) == []
    r = world.client.get("/api/v1/conflicts/mine", headers={"X-Gridworker-Schema": "1"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "no_token"


@pytest.mark.parametrize(
    "params, field",
    [
        ({"after": "-1"}, "after"), ({"after": "x"}, "after"), ({"after": str(2**31)}, "after"),
        ({"after": "1.5"}, "after"), ({"limit": "0"}, "limit"), ({"limit": "1001"}, "limit"),
        ({"limit": ""}, "limit"), ({"limit": "9" * 40}, "limit"),
    ],
)  # fmt: skip
def test_bad_paging_is_a_422_naming_the_parameter(world, params, field):
    r = world.api("w1").request("GET", "/conflicts/mine", params=params)
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["code"] == "invalid_request"
    assert [e["loc"] for e in err["details"]["errors"]] == [["query", field]]


def _strip_authors(world, hh: str) -> None:
    """Make the record look as a server before this extension wrote it: no device → user map."""
    with world.db.write() as conn:
        meta = json.loads(conn.execute(select(records.c.meta).where(records.c.id == hh)).scalar_one())
        assert meta.pop("a")
        conn.execute(update(records).where(records.c.id == hh).values(meta=json.dumps(meta)))


def test_a_value_stamped_before_the_upgrade_is_traced_to_its_device_user(world):
    w1, disp = world.api("w1"), world.api("disp")
    hh = household(world, w1)
    assert edit(w1, hh, {"phone": "13800000001"}, base=1, ms_ago=5000)["status"] == "applied"
    _strip_authors(world, hh)
    assert edit(disp, hh, {"phone": "13900000002"}, base=1, ms_ago=1000)["status"] == "conflict"
    assert [(c["record_id"], c["mine"]) for c in lost(w1)] == [(hh, "13800000001")]


def test_a_device_id_two_users_signed_in_with_is_not_guessed(world):
    w1, disp = world.api("w1"), world.api("disp")
    world.api("w2", device=w1.device)  # someone else claimed the same device id
    hh = household(world, w1)
    assert edit(w1, hh, {"phone": "13800000001"}, base=1, ms_ago=5000)["status"] == "applied"
    _strip_authors(world, hh)
    assert edit(disp, hh, {"phone": "13900000002"}, base=1, ms_ago=1000)["status"] == "conflict"
    assert lost(w1) == []
    with world.db.read() as conn:
        row = conn.execute(select(conflicts).where(conflicts.c.record_id == hh)).one()
    assert (row.loser_user_id, row.loser_device_id) == (None, None)


def test_upgrading_keeps_the_conflicts_recorded_before(backend, pg_cluster, tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}" if backend == "sqlite" else pg_cluster.url(pg_cluster.create_database())
    db = Database(url)
    try:
        with db.engine.connect() as conn:
            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0001")
            old = {
                "at": 1.0, "entity": "household", "record_id": new_id(), "area_id": None, "field": "phone",
                "mine": '"1"', "theirs": '"2"', "winner": "client", "user_id": new_id(), "device_id": "d",
                "mutation_id": new_id(),
            }  # fmt: skip
            conn.execute(insert(conflicts).values(**old))
            conn.commit()
        db.migrate()
        with db.engine.connect() as conn:
            row = conn.execute(select(conflicts)).one()
        assert (row.record_id, row.winner, row.loser_user_id, row.loser_device_id) == (old["record_id"], "client", None, None)
    finally:
        db.dispose()
