"""Dispatch takes only a user who may handle incidents of that area (issue 11)."""

from __future__ import annotations

import uuid

from gridworker.server.admin import operations as admin

from .conftest import PASSWORD
from .helpers import event, report


def test_dispatch_refuses_anyone_who_may_not_handle_incidents_of_the_area(world):
    w1, disp = world.api("w1"), world.api("disp")
    with world.db.write() as conn:
        admin.add_user(conn, "h-gone", "handler", ["C1"], PASSWORD)
        admin.set_disabled(conn, "h-gone", True)
    with world.db.read() as conn:
        gone = next(u["id"] for u in admin.list_users(conn) if u["username"] == "h-gone")
    iid = report(world, w1)  # in G1, community C1
    assert event(disp, iid, "accept")["status"] == "applied"
    refused = {
        "a random id": str(uuid.uuid4()),
        "a worker of the other community": world.user_ids["w3"],
        "a worker of the sibling grid": world.user_ids["w2"],
        "the admin": world.user_ids["admin"],
        "a dispatcher": world.user_ids["disp"],
        "a disabled handler": gone,
    }
    for who, user_id in refused.items():
        res = event(disp, iid, "dispatch", assignee_id=user_id)
        assert res["status"] == "rejected", who
        assert res["error"]["code"] == "invalid_assignee", (who, res)
        assert "assignee" in res["error"]["message"] and res["error"]["details"]["fields"][0]["field"] == "assignee_id"
    assert event(disp, iid, "dispatch", assignee_id=world.user_ids["h1"])["status"] == "applied"
    # A grid worker of the incident's own grid may be given it too (the client's picker offers them).
    jid = report(world, w1)
    assert event(disp, jid, "accept")["status"] == "applied"
    assert event(disp, jid, "dispatch", assignee_id=world.user_ids["w1"])["status"] == "applied"
