"""Places, inspections and hazards on the server: scoped by area, create-only, checked with the core's rules."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from gridworker import resources_path

from gridworker.domain.places.checklists import load_checklists
from gridworker.domain.places.inspections import hazard_id
from gridworker.server.admin import checklists as admin

from .conftest import new_id
from .helpers import CHINA, report

SHOP_ITEMS = [i.code for i in load_checklists().for_kind("shop")]
WHEN = datetime(2026, 11, 20, 10, 0, tzinfo=CHINA)  # a Friday


def _place(api, world, area="G1", **extra) -> str:
    pid = new_id()
    res = api.upsert("place", pid, {"name": "老王便利店", "kind": "小商店", "area_id": world.area_ids[area]} | extra)
    assert res["status"] == "applied", res
    return pid


def _answers(fails=()):
    return [{"item_code": c, "result": "fail" if c in fails else "pass", "photo_ids": [], "photo_waiver": "店主拒绝拍照" if c in fails else None}
            for c in SHOP_ITEMS]  # fmt: skip


def _inspection_push(api, place_id, fails, when=WHEN, **extra):
    """What a client pushes for an inspection: the inspection, then each new hazard and its `found` event."""
    iid = new_id()
    muts = [api.mutation("inspection", iid, {"place_id": place_id, "at": when.isoformat(), "purpose": "routine",
                                             "answers": _answers(fails), "acknowledged_by": "王建国" if fails else None} | extra)]  # fmt: skip
    hazards = {}
    table = load_checklists()
    for code in fails:
        hid = hazard_id(iid, code)
        hazards[code] = hid
        item = table.get(code)
        deadline = (when + timedelta(days=3)).isoformat()
        muts.append(api.mutation("hazard", hid, {"place_id": place_id, "inspection_id": iid, "item_code": code,
                                                 "severity": item.severity, "found_at": when.isoformat()}))  # fmt: skip
        muts.append(api.mutation("hazard_event", new_id(), {"hazard_id": hid, "action": "found", "at": when.isoformat(),
                                                            "inspection_id": iid, "deadline": deadline,
                                                            "severity": item.severity, "item_code": code}))  # fmt: skip
    return iid, hazards, api.push(muts)


def test_places_are_scoped_by_area_and_kept_field_by_field(world):
    w1, w2, disp = world.api("w1"), world.api("w2"), world.api("disp")
    pid = _place(w1, world, licence_number="91350100m0001000-6a")
    disp.pull()
    assert disp.records[("place", pid)]["kind"] == "shop"
    assert disp.records[("place", pid)]["licence_number"] == "91350100M00010006A"
    w2.pull()
    assert not w2.holds("place", pid)  # another grid's worker
    res = w2.upsert("place", new_id(), {"name": "x", "kind": "shop", "area_id": world.area_ids["G1"]})
    assert res["error"]["code"] == "out_of_scope"
    res = w1.upsert("place", new_id(), {"name": "", "kind": "bakery", "area_id": world.area_ids["G1"], "licence_number": "123"})
    assert res["error"]["code"] == "invalid_value"
    assert {f["field"] for f in res["error"]["details"]["fields"]} == {"name", "kind", "licence_number"}


def test_an_inspection_its_hazards_and_events_reach_the_grid_and_the_dispatcher(world):
    w1, disp = world.api("w1"), world.api("disp")
    pid = _place(w1, world)
    iid, hazards, results = _inspection_push(w1, pid, ["EXIT", "WIRING"])
    assert [r["status"] for r in results] == ["applied"] * 5, results
    disp.pull()
    inspection = disp.records[("inspection", iid)]
    assert inspection["area_id"] == world.area_ids["G1"] and inspection["kind"] == "shop"
    assert inspection["inspector_id"] == w1.user["id"]
    exit_h = disp.records[("hazard", hazards["EXIT"])]
    assert (exit_h["status"], exit_h["extensions"], exit_h["area_id"]) == ("open", 0, world.area_ids["G1"])
    assert datetime.fromisoformat(exit_h["deadline"]) == WHEN + timedelta(days=3)
    # Create only: the same inspection again is fine, a changed one is refused, a delete too.
    again = w1.upsert("inspection", iid, {"place_id": pid, "at": WHEN.isoformat(), "answers": _answers(["EXIT", "WIRING"]),
                                          "acknowledged_by": "王建国", "purpose": "routine"})  # fmt: skip
    assert again["status"] == "applied"
    changed = w1.upsert("inspection", iid, {"place_id": pid, "at": WHEN.isoformat(), "notes": "改了"})
    assert changed["error"]["code"] == "create_only"
    assert w1.push([w1.mutation("inspection", iid, op="delete")])[0]["error"]["code"] == "create_only"


def test_the_server_checks_inspections_with_the_domain_rules(world):
    w1 = world.api("w1")
    pid = _place(w1, world)
    answers = _answers(["EXIT"])[1:]  # the first item unanswered
    res = w1.upsert("inspection", new_id(), {"place_id": pid, "at": WHEN.isoformat(), "answers": answers, "acknowledged_by": "王"})
    assert res["error"]["code"] == "unanswered"
    assert res["error"]["details"]["fields"][0]["field"] == f"answers.{SHOP_ITEMS[0]}"
    res = w1.upsert("inspection", new_id(), {"place_id": pid, "at": WHEN.isoformat(), "answers": _answers(["EXIT"])})
    assert res["error"]["code"] == "acknowledgement_required"
    bad = [dict(a, photo_waiver=None) for a in _answers(["EXIT"])]
    res = w1.upsert("inspection", new_id(), {"place_id": pid, "at": WHEN.isoformat(), "answers": bad, "acknowledged_by": "王"})
    assert res["error"]["code"] == "photo_required"
    res = w1.upsert("inspection", new_id(), {"place_id": new_id(), "at": WHEN.isoformat(), "answers": _answers()})
    assert res["error"]["code"] == "unknown_place"
    res = w1.upsert("inspection", new_id(), {"place_id": pid, "at": WHEN.isoformat(), "answers": _answers(),
                                             "inspector_id": world.user_ids["w2"]})  # fmt: skip
    assert res["error"]["code"] == "actor_mismatch"
    res = w1.upsert("inspection", new_id(), {"place_id": pid, "at": WHEN.isoformat(), "purpose": "recheck", "verdicts": []})
    assert res["error"]["code"] == "nothing_to_recheck"


def test_a_reinspection_and_hazard_events_follow_the_hazard_rules(world):
    w1, disp = world.api("w1"), world.api("disp")
    pid = _place(w1, world)
    _iid, hazards, _ = _inspection_push(w1, pid, ["EXIT", "NO-SLEEP"])
    later = WHEN + timedelta(days=1)
    # A recheck must decide on both open hazards.
    rid = new_id()
    only_one = [{"hazard_id": hazards["EXIT"], "outcome": "rectified"}]
    res = w1.upsert("inspection", rid, {"place_id": pid, "at": later.isoformat(), "purpose": "recheck", "verdicts": only_one})
    assert res["error"]["code"] == "verdict_missing"
    verdicts = only_one + [{"hazard_id": hazards["NO-SLEEP"], "outcome": "not_rectified"}]
    results = w1.push([
        w1.mutation("inspection", rid, {"place_id": pid, "at": later.isoformat(), "purpose": "recheck", "verdicts": verdicts}),
        w1.mutation("hazard_event", new_id(), {"hazard_id": hazards["EXIT"], "action": "rectified", "at": later.isoformat(),
                                               "inspection_id": rid}),
        w1.mutation("hazard_event", new_id(), {"hazard_id": hazards["NO-SLEEP"], "action": "not_rectified",
                                               "at": later.isoformat(), "inspection_id": rid}),
    ])  # fmt: skip
    assert [r["status"] for r in results] == ["applied"] * 3, results
    # A hazard signed off cannot be signed off again; an extension needs a reason; out of order is refused.
    res = w1.upsert("hazard_event", new_id(), {"hazard_id": hazards["EXIT"], "action": "rectified", "at": later.isoformat(),
                                               "inspection_id": rid})  # fmt: skip
    assert res["error"]["code"] == "wrong_state"
    res = w1.upsert("hazard_event", new_id(), {"hazard_id": hazards["NO-SLEEP"], "action": "extended", "inspection_id": rid,
                                               "at": later.isoformat(), "deadline": (later + timedelta(days=9)).isoformat()})  # fmt: skip
    assert res["error"]["code"] == "reason_required"
    res = w1.upsert("hazard_event", new_id(), {"hazard_id": hazards["NO-SLEEP"], "action": "not_rectified", "inspection_id": rid,
                                               "at": WHEN.isoformat()})  # fmt: skip
    assert res["error"]["code"] == "out_of_order"
    res = w1.upsert("hazard_event", new_id(), {"hazard_id": new_id(), "action": "escalated", "at": later.isoformat(),
                                               "incident_id": new_id()})  # fmt: skip
    assert res["error"]["code"] == "unknown_hazard"
    # A major hazard escalates: the hazard names the incident, which must exist.
    res = w1.upsert("hazard_event", new_id(), {"hazard_id": hazards["NO-SLEEP"], "action": "escalated", "at": later.isoformat(),
                                               "incident_id": new_id()})  # fmt: skip
    assert res["error"]["code"] == "unknown_incident"
    incident = report(world, w1)
    res = w1.upsert("hazard_event", new_id(), {"hazard_id": hazards["NO-SLEEP"], "action": "escalated", "at": later.isoformat(),
                                               "incident_id": incident})  # fmt: skip
    assert res["status"] == "applied", res
    disp.pull()
    assert disp.records[("hazard", hazards["EXIT"])]["status"] == "rectified"
    assert disp.records[("hazard", hazards["EXIT"])]["rectified_at"] is not None
    esc = disp.records[("hazard", hazards["NO-SLEEP"])]
    assert (esc["status"], esc["incident_id"]) == ("escalated", incident)
    res = w1.upsert("hazard", hazards["EXIT"], {"status": "open"})
    assert res["error"]["code"] == "read_only_field"


def test_checklists_are_server_managed_and_an_admin_edits_them(world):
    w1 = world.api("w1")
    res = w1.upsert("checklist", new_id(), {"code": "X", "name": "x", "hazard": "y"})
    assert res["error"]["code"] == "server_managed"
    shipped = json.loads(resources_path("checklists.json").read_text(encoding="utf-8"))
    sign = {"code": "SIGN", "kinds": ["shop"], "severity": "general", "days": 5, "name": "门头招牌牢固",
            "name_en": "Shop sign secure", "hazard": "招牌松动", "hazard_en": "Loose shop sign"}
    with world.db.write() as conn:
        counts = admin.import_checklists(conn, dict(shipped, items=shipped["items"] + [sign]))
    assert counts.created == len(shipped["items"]) + 1
    w1.pull()
    codes = {d["code"] for (e, _i), d in w1.records.items() if e == "checklist" and not d["_deleted"]}
    assert "SIGN" in codes
    # The server checks inspections against the checklist in force: SIGN is now an item of shops.
    pid = _place(w1, world)
    res = w1.upsert("inspection", new_id(), {"place_id": pid, "at": WHEN.isoformat(), "answers": _answers()})
    assert res["error"]["code"] == "unanswered" and res["error"]["details"]["fields"][0]["field"] == "answers.SIGN"
    with world.db.write() as conn:
        admin.withdraw_checklist_item(conn, "SIGN")
        admin.withdraw_checklist_item(conn, "DUTY")  # a shipped item: withdrawn with a tombstone naming it
    res = w1.upsert("inspection", new_id(), {"place_id": pid, "at": WHEN.isoformat(), "answers": _answers()})
    assert res["error"]["code"] == "unknown_item"  # DUTY is no longer asked
    answers = [a for a in _answers() if a["item_code"] != "DUTY"]
    res = w1.upsert("inspection", new_id(), {"place_id": pid, "at": WHEN.isoformat(), "answers": answers})
    assert res["status"] == "applied", res
    changes = [c for c in w1.pull() if c["entity"] == "checklist"]
    assert {(c["data"]["code"], c["op"]) for c in changes} >= {("SIGN", "delete"), ("DUTY", "delete")}
    with world.db.write() as conn:  # the shipped table again, for the other tests of the module
        admin.import_checklists(conn, shipped)
    w1.pull()
    assert {d["code"] for (e, _i), d in w1.records.items() if e == "checklist" and not d["_deleted"]} >= {"DUTY"}


def test_roster_members_are_scoped_by_grid(world):
    w1, w2 = world.api("w1"), world.api("w2")
    mid = new_id()
    assert w1.upsert("roster_member", mid, {"area_id": world.area_ids["G1"], "role": "网格长", "name": "李书记"})["status"] == "applied"
    w1.pull()
    assert w1.records[("roster_member", mid)]["role"] == "leader"
    w2.pull()
    assert not w2.holds("roster_member", mid)
    res = w1.upsert("roster_member", new_id(), {"area_id": world.area_ids["G1"], "role": "队长", "name": "x"})
    assert res["error"]["code"] == "invalid_value"


def test_the_demo_seed_holds_places_whose_hazards_the_rules_can_follow(tmp_path, monkeypatch):
    """demo-seed writes the demo's places with the parents the server's checks look hazards and events up by:
    a re-inspection of a demo place with open hazards is accepted, one that forgets a hazard is not."""
    from fastapi.testclient import TestClient

    from gridworker.demo.seed import demo_seed
    from gridworker.domain.models import to_wire

    from gridworker.demo.data import DEMO_PASSWORD

    from . import conftest
    from .conftest import World, make_server

    monkeypatch.setattr(conftest, "PASSWORD", DEMO_PASSWORD)  # World.login signs in with it
    app, settings = make_server(tmp_path / "data", None)
    db = app.state.gw.db
    with db.write() as conn:
        counts = demo_seed(conn, persons=300, seed=2)
    assert counts["place"] > 200 and counts["roster_member"] > 0
    with TestClient(app) as client:
        world = World("sqlite", app, client, settings, {}, {})
        api = world.api("demo_worker1")
        api.pull()
        places = {k[1]: d for k, d in api.records.items() if k[0] == "place"}
        hazards = [(k[1], d) for k, d in api.records.items() if k[0] == "hazard" and d["status"] == "open"]
        assert places and hazards, "the demo worker's grid has places with open hazards"
        hid, hazard = hazards[0]
        open_here = [h for h, d in hazards if d["place_id"] == hazard["place_id"]]
        now = datetime.now(CHINA)
        fields = {"place_id": hazard["place_id"], "at": to_wire(now), "purpose": "recheck",
                  "verdicts": [{"hazard_id": h, "outcome": "rectified"} for h in open_here]}  # fmt: skip
        forgetful = dict(fields, verdicts=fields["verdicts"][1:])
        res = api.upsert("inspection", new_id(), forgetful)
        assert res["error"]["code"] in ("verdict_missing", "nothing_to_recheck")
        rid = new_id()
        steps = [api.mutation("hazard_event", new_id(), {"hazard_id": h, "action": "rectified", "at": to_wire(now),
                                                         "inspection_id": rid}) for h in open_here]  # fmt: skip
        results = api.push([api.mutation("inspection", rid, fields)] + steps)
        assert {r["status"] for r in results} == {"applied"}, results
        api.pull()
        assert api.records[("hazard", hid)]["status"] == "rectified"
    db.dispose()


def test_a_place_moved_to_another_grid_takes_its_inspections_hazards_events_and_photos(world):
    w1, w2, disp = world.api("w1"), world.api("w2"), world.api("disp")
    pid = _place(w1, world)
    iid, hazards, results = _inspection_push(w1, pid, ["EXIT"])
    assert {r["status"] for r in results} == {"applied"}
    photo = new_id()
    photo_fields = {"sha256": "d" * 64, "entity": "inspection", "entity_id": iid, "mime": "image/jpeg", "width": 10,
                    "height": 10, "bytes": 100, "area_id": world.area_ids["G1"]}  # fmt: skip
    assert w1.upsert("photo", photo, photo_fields)["status"] == "applied"
    w1.pull()
    disp.pull()
    assert disp.upsert("place", pid, {"area_id": world.area_ids["G2"]})["status"] == "applied"
    w2.pull()
    assert w2.holds("place", pid) and w2.holds("inspection", iid) and w2.holds("hazard", hazards["EXIT"])
    assert w2.holds("photo", photo)
    assert any(e == "hazard_event" and d["hazard_id"] == hazards["EXIT"] for (e, _i), d in w2.records.items())
    w1.pull()
    assert not w1.holds("inspection", iid) and not w1.holds("hazard", hazards["EXIT"]) and not w1.holds("photo", photo)
    # The new grid's worker re-inspects it: the hazard's log moved with it.
    rid, later = new_id(), (WHEN + timedelta(days=1)).isoformat()
    results = w2.push([
        w2.mutation("inspection", rid, {"place_id": pid, "at": later, "purpose": "recheck",
                                        "verdicts": [{"hazard_id": hazards["EXIT"], "outcome": "rectified"}]}),
        w2.mutation("hazard_event", new_id(), {"hazard_id": hazards["EXIT"], "action": "rectified", "at": later, "inspection_id": rid}),
    ])  # fmt: skip
    assert {r["status"] for r in results} == {"applied"}, results
