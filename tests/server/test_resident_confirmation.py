"""Staff confirm a resident (issue 17: "… or when a grid worker confirms them"), through /sync, and undo it with a
reason: the resident's API and phone pages then say verified (and the micro-wish a special-group resident may
make); a resident cannot verify themselves by any path; staff of another area cannot confirm."""

from __future__ import annotations

import datetime as dt

from gridworker.domain.enums import Gender
from gridworker.domain.idnumber import make

from .conftest import new_id
from .participation_helpers import Web


def _person(world, grid: str = "G1", tags=("hardship",)) -> str:
    pid = new_id()
    number = make("330106", dt.date(1948, 5, 6), 123, Gender.male)
    w = world.api("w1" if grid == "G1" else "w3")
    assert w.upsert("person", pid, {"name": "孙伯", "id_number": number, "area_id": world.area_ids[grid], "tags": list(tags)})["status"] == "applied"
    return pid


def test_a_dispatcher_confirms_a_resident_linking_the_register_and_undoes_it_with_a_reason(world):
    resident = Web(world, "resident", "13900000101")
    assert resident.ok("GET", "/me")["resident"]["verified"] is False
    assert resident.call("POST", "/wishes", json={"wish": "助行器"}).json()["error"]["code"] == "not_eligible"
    pid = _person(world)
    disp = world.api("disp")
    disp.pull()
    assert disp.holds("resident", resident.id)
    done = disp.upsert("resident", resident.id, {"confirmed": True, "confirm_person_id": pid})
    assert done["status"] in ("applied", "merged"), done
    me = resident.ok("GET", "/me")["resident"]
    assert me["verified"] is True and me["special_group"] is True
    assert resident.ok("POST", "/wishes", json={"wish": "助行器"})["wish"] == "助行器"  # what verification unlocks
    disp.pull()
    rec = disp.records[("resident", resident.id)]
    assert rec["person_id"] == pid and rec["confirmed_by"] == world.user_ids["disp"] and rec["verified"] is True
    # Undo: a reason is required, named in the refusal; then the verification is taken back.
    refused = disp.upsert("resident", resident.id, {"confirmed": False})
    assert refused["status"] == "rejected" and refused["error"]["code"] == "reason_required", refused
    assert refused["error"]["details"]["fields"][0]["field"] == "undo_reason"
    undone = disp.upsert("resident", resident.id, {"confirmed": False, "undo_reason": "认错了人"})
    assert undone["status"] in ("applied", "merged"), undone
    me = resident.ok("GET", "/me")["resident"]
    assert me["verified"] is False and me["special_group"] is False


def test_the_phone_pages_take_a_confirmed_resident_as_verified(world):
    """The phone pages (server/web) decide what a resident may open from residents.resident(): confirmed without
    a person of the register named, they are verified in their community."""
    from gridworker.server.core.auth import User
    from gridworker.server.web.residents import resident as web_resident

    resident = Web(world, "resident", "13900000102", lang="zh")
    user = User(resident.id, "13900000102", "x", "resident", [], None)
    with world.db.engine.connect() as conn:
        assert web_resident(conn, user).verified is False
    disp = world.api("disp")
    disp.pull()
    assert disp.upsert("resident", resident.id, {"confirmed": True})["status"] in ("applied", "merged")
    with world.db.engine.connect() as conn:
        res = web_resident(conn, user)
    assert res.verified is True and res.area_id == world.area_ids["C1"] and res.person_id is None


def test_staff_of_another_area_cannot_confirm(world):
    resident = Web(world, "resident", "13900000103")
    res = world.api("w3").upsert("resident", resident.id, {"confirmed": True}, base=1)  # another community's worker
    assert res["status"] == "rejected" and res["error"]["code"] in ("out_of_scope", "unknown_record"), res
    # A worker of one of the community's grids names a person of their grid (test_participation_claims.py).
    res = world.api("w1").upsert("resident", resident.id, {"confirmed": True}, base=1)
    assert res["status"] == "rejected" and res["error"]["code"] == "grid_person_required", res
    far = _person(world, grid="G3")  # another community's person cannot be linked
    disp = world.api("disp")
    disp.pull()
    res = disp.upsert("resident", resident.id, {"confirmed": True, "confirm_person_id": far})
    assert res["status"] == "rejected" and res["error"]["code"] == "unknown_person", res
    assert resident.ok("GET", "/me")["resident"]["verified"] is False


def test_a_resident_cannot_verify_themselves_by_any_path(world):
    resident = Web(world, "resident", "13900000104")
    disp = world.api("disp")
    disp.pull()
    # The server's fields are read-only on the wire, even for staff.
    res = disp.upsert("resident", resident.id, {"verified": True})
    assert res["status"] == "rejected" and res["error"]["code"] == "read_only_field", res
    # /sync refuses residents' sessions whatever they push.
    body = {"device_id": "phone", "mutations": [disp.mutation("resident", resident.id, {"confirmed": True})]}
    for headers in ({"Authorization": f"Bearer {resident.token}", "X-Gridworker-Schema": "1"},):
        r = world.client.post("/api/v1/sync/push", json=body, headers=headers)
        assert r.status_code in (401, 403), r.text
    # The push rules refuse a resident writing the confirmation, whatever route brings it there.
    for fields in ({"confirmed": True}, {"confirm_person_id": new_id()}, {"undo_reason": "x"}):
        out = _push_as(world, resident.id, "resident", resident.id, fields)
        assert out["status"] == "rejected" and out["error"]["code"] == "role_not_allowed", out
    assert resident.ok("GET", "/me")["resident"]["verified"] is False
    # Nor does the phone's API take a confirmation.
    assert resident.call("PUT", "/me", json={"confirmed": True}).status_code in (404, 405, 422)
    assert resident.ok("GET", "/me")["resident"]["verified"] is False


def test_a_grid_worker_who_sees_the_community_confirms_and_writes_nothing_else(world):
    """A worker whose areas hold the resident's community (here: a scope over everything) may confirm; the other
    fields of the resident's account stay theirs and the server's."""
    resident = Web(world, "resident", "13900000105")
    worker = world.user_ids["w1"]
    out = _push_as(world, worker, "worker", resident.id, {"name": "改名"})
    assert out["status"] == "rejected" and out["error"]["code"] == "role_not_allowed", out
    out = _push_as(world, worker, "worker", resident.id, {"confirmed": True})
    assert out["status"] in ("applied", "merged"), out
    assert resident.ok("GET", "/me")["resident"]["verified"] is True


def _push_as(world, user_id: str, role: str, record_id: str, fields: dict) -> dict:
    """A push as the participation API makes one for a web user (participation_common.act), without the HTTP."""
    import time
    import uuid

    from gridworker.domain import hlc
    from gridworker.server.core.auth import User
    from gridworker.server.sync.push import Mutation, PushRun, apply_push
    from gridworker.server.sync.scope import ALL, Scope

    gw = world.app.state.gw
    user = User(user_id, "phone", "x", role, [], None)
    stamp = str(hlc.Hlc(int(time.time() * 1000), 0, "web-" + user_id))
    with gw.db.write() as conn:
        run = PushRun(conn, user, Scope(0, user_id, ALL, frozenset()), "web-" + user_id, gw.calendars, "en")
        return apply_push(run, [Mutation(str(uuid.uuid4()), "resident", record_id, "upsert", None, fields, stamp)])[0]
