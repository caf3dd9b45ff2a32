"""A person of the register is one resident account: the first to verify as them (or be confirmed as them) holds
the claim; a second account is refused with a message that names the ID number field; staff release a wrong
claim (with a reason) and the right account can then verify. Grid workers confirm residents of their own grid
(the register's scope: the person named is in their grid) and are refused elsewhere with a clear message."""

from __future__ import annotations

import datetime as dt
import itertools

from gridworker.domain.enums import Gender
from gridworker.domain.idnumber import make

from .conftest import new_id
from .participation_helpers import Web

_serial = itertools.count(200, 2)  # even: a woman's sequence (make() rounds an odd one up, so 201 and 202 were one number)


def _person(world, grid: str = "G1", name: str = "吴春梅") -> tuple[str, str]:
    number = make("330106", dt.date(1961, 8, 9), next(_serial), Gender.female)
    pid = new_id()
    w = world.api({"G1": "w1", "G2": "w2", "G3": "w3"}[grid])
    assert w.upsert("person", pid, {"name": name, "id_number": number, "area_id": world.area_ids[grid]})["status"] == "applied"
    return pid, number


def _verified(resident: Web) -> bool:
    return resident.ok("GET", "/me")["resident"]["verified"]


def test_a_person_of_the_register_is_claimed_by_one_account_and_staff_release_a_wrong_claim(world):
    pid, number = _person(world)
    first = Web(world, "resident", "13900000301", name="吴春梅")
    second = Web(world, "resident", "13900000302", name="吴春梅")
    assert first.ok("POST", "/resident/verify", json={"name": "吴春梅", "id_number": number})["verified"] is True
    refused = second.call("POST", "/resident/verify", json={"name": "吴春梅", "id_number": number})
    assert refused.status_code == 409, refused.text
    err = refused.json()["error"]
    assert err["code"] == "identity_claimed" and err["details"]["field"] == "id_number"
    assert "another account" in err["message"].lower()
    assert _verified(second) is False
    # The community releases the wrong claim (the first account was verified by the register, not confirmed).
    disp = world.api("disp")
    disp.pull()
    released = disp.upsert("resident", first.id, {"undo_reason": "账户不是本人"})
    assert released["status"] in ("applied", "merged"), released
    assert _verified(first) is False
    disp.pull()
    rec = disp.records[("resident", first.id)]
    assert rec["person_id"] is None and rec["verified"] is False and rec["undo_reason"] == "账户不是本人"
    assert second.ok("POST", "/resident/verify", json={"name": "吴春梅", "id_number": number})["verified"] is True
    # The released account cannot take it back: the claim is the second's now.
    again = first.call("POST", "/resident/verify", json={"name": "吴春梅", "id_number": number})
    assert again.status_code == 409 and again.json()["error"]["code"] == "identity_claimed"
    assert pid  # the person stays in the register whatever the accounts do


def test_staff_cannot_confirm_a_second_account_as_a_claimed_person(world):
    pid, number = _person(world)
    holder = Web(world, "resident", "13900000303", name="吴春梅")
    assert holder.ok("POST", "/resident/verify", json={"name": "吴春梅", "id_number": number})["verified"] is True
    other = Web(world, "resident", "13900000304", name="吴春梅")
    disp = world.api("disp")
    disp.pull()
    res = disp.upsert("resident", other.id, {"confirmed": True, "confirm_person_id": pid})
    assert res["status"] == "rejected" and res["error"]["code"] == "identity_claimed", res
    assert res["error"]["details"]["fields"][0]["field"] == "confirm_person_id"
    assert _verified(other) is False


def test_a_grid_worker_confirms_residents_of_their_own_grid_and_is_refused_elsewhere(world):
    resident = Web(world, "resident", "13900000305", name="吴春梅")
    mine, _n1 = _person(world, "G1")
    theirs, _n2 = _person(world, "G2")
    w1, w2, w3 = world.api("w1"), world.api("w2"), world.api("w3")
    w1.pull()
    assert w1.holds("resident", resident.id)  # waiting residents of the grid's community reach its workers
    w3.pull()
    assert not w3.holds("resident", resident.id)  # not another community's
    # A grid worker names the person of their grid's register the resident is; without one, or with another
    # grid's person, the refusal says what to do.
    bare = w1.upsert("resident", resident.id, {"confirmed": True})
    assert bare["status"] == "rejected" and bare["error"]["code"] == "grid_person_required", bare
    assert bare["error"]["details"]["fields"][0]["field"] == "confirm_person_id"
    assert "your grid" in bare["error"]["message"]
    other = w1.upsert("resident", resident.id, {"confirmed": True, "confirm_person_id": theirs})
    assert other["status"] == "rejected" and other["error"]["code"] == "unknown_person", other
    assert "your grid" in other["error"]["message"]
    far = w3.upsert("resident", resident.id, {"confirmed": True, "confirm_person_id": mine}, base=1)
    assert far["status"] == "rejected" and far["error"]["code"] in ("out_of_scope", "unknown_record"), far
    assert _verified(resident) is False
    done = w1.upsert("resident", resident.id, {"confirmed": True, "confirm_person_id": mine})
    assert done["status"] in ("applied", "merged"), done
    assert _verified(resident) is True
    # The worker of the community's other grid cannot take it back; the resident's own grid's worker can.
    w2.pull()
    assert w2.holds("resident", resident.id)
    refused = w2.upsert("resident", resident.id, {"confirmed": False, "undo_reason": "不认识"})
    assert refused["status"] == "rejected" and refused["error"]["code"] == "outside_grid", refused
    assert _verified(resident) is True
    w1.pull()
    undone = w1.upsert("resident", resident.id, {"confirmed": False, "undo_reason": "认错了人"})
    assert undone["status"] in ("applied", "merged"), undone
    assert _verified(resident) is False


def test_a_scope_snapshot_from_an_older_server_gains_the_communitys_residents_at_start(tmp_path):
    """Scopes are snapshots: one written before workers saw their community's residents is refreshed when the
    server starts (create_app; `serve` too), not only when users or areas change."""
    import json

    from sqlalchemy import select, update

    from gridworker.server.core.schema import scopes, users

    from .conftest import build_world, make_server

    app, _settings = make_server(tmp_path / "data", None)
    area_ids, user_ids = build_world(app)
    with app.state.gw.db.write() as conn:
        scope_id = conn.execute(select(users.c.scope_id).where(users.c.id == user_ids["w1"])).scalar()
        listed = json.loads(conn.execute(select(scopes.c.areas).where(scopes.c.id == scope_id)).scalar())
        assert "^" + area_ids["C1"] in listed
        old = [a for a in listed if not a.startswith("^")]
        conn.execute(update(scopes).where(scopes.c.id == scope_id).values(areas=json.dumps(old)))  # as an older server wrote it
    app.state.gw.db.dispose()
    again, _settings = make_server(tmp_path / "data", None)
    with again.state.gw.db.engine.connect() as conn:
        scope_id = conn.execute(select(users.c.scope_id).where(users.c.id == user_ids["w1"])).scalar()
        assert "^" + area_ids["C1"] in json.loads(conn.execute(select(scopes.c.areas).where(scopes.c.id == scope_id)).scalar())
    again.state.gw.db.dispose()
