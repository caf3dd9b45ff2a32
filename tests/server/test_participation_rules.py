"""The points rules are the server's (issue 16): shipped at set-up, replaced by an admin's import, pulled by every
desk; ledger entries, activities, orders and wishes must name one of its items."""

from __future__ import annotations

from datetime import datetime, timezone

from gridworker.server.admin import operations as admin

from .conftest import new_id

LOCAL = {"format": "gridworker-point-rules", "version": 1, "areas": [
    {"code": "L01", "name": "邻里互助", "name_en": "Neighbourly help", "from_seed": False, "items": [
        {"code": "L01.01", "name": "帮扶独居老人", "name_en": "Help an elderly person living alone", "points": 6}]}]}  # fmt: skip


def _entry(member: str, rule: str) -> dict:
    return {"member_id": member, "points": 6, "source_kind": "manual", "rule_item": rule, "note": "本地细则",
            "at": datetime.now(timezone.utc).isoformat()}  # fmt: skip


def test_the_shipped_rules_then_the_imported_ones_decide(world):
    disp = world.api("disp")
    disp.pull()
    shipped = {d["code"] for (e, _i), d in disp.records.items() if e == "point_rule"}
    assert "A01.01" in shipped and len(shipped) > 17  # the 17 areas' items, set up with the server
    member = new_id()
    assert disp.upsert("member", member, {"name": "李强", "area_id": world.area_ids["G1"], "status": "approved"})["status"] == "applied"
    assert disp.upsert("ledger_entry", new_id(), _entry(member, "A01.01"))["status"] == "applied"
    with world.db.write() as conn:
        counts = admin.import_point_rules(conn, LOCAL)
    assert counts.created == 1
    old = disp.upsert("ledger_entry", new_id(), _entry(member, "A01.01"))
    assert old["status"] == "rejected" and old["error"]["details"]["fields"][0]["field"] == "rule_item", old
    assert disp.upsert("ledger_entry", new_id(), _entry(member, "L01.01"))["status"] == "applied"
    changes = disp.pull()
    withdrawn = [c for c in changes if c["entity"] == "point_rule" and c["op"] == "delete"]
    assert len(withdrawn) == len(shipped)
    assert disp.records[("point_rule", next(c["id"] for c in changes if c["entity"] == "point_rule" and c["op"] == "upsert"))]["points"] == 6
    res = disp.upsert("point_rule", new_id(), {"code": "X", "name": "x", "area_code": "X", "area_name": "x", "points": 1})
    assert res["error"]["code"] == "server_managed"


def test_a_bad_rules_file_is_refused_whole(world):
    import pytest

    bad = {"format": "gridworker-point-rules", "areas": [{"code": "L02", "name": "x", "items": [{"code": "L02.01", "name": "", "points": 1}]}]}
    with world.db.write() as conn, pytest.raises(admin.AdminError):
        admin.import_point_rules(conn, bad)
    with world.db.write() as conn, pytest.raises(admin.AdminError):
        admin.import_point_rules(conn, {"format": "something-else"})
