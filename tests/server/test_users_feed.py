"""Each role receives only the users it needs, not every username (issue 11)."""

from __future__ import annotations

from gridworker.server.admin import operations as admin

from .conftest import PASSWORD


def _users(api) -> set[str]:
    return {rec["username"] for (entity, _id), rec in api.records.items() if entity == "user"}


def test_each_role_pulls_only_the_users_its_pickers_need(world):
    seen = {}
    for name in ("admin", "disp", "w1", "w3", "h1"):
        api = world.api(name)
        api.pull()
        seen[name] = _users(api)
    everyone = {"admin", "disp", "w1", "w2", "w3", "h1", "h2"}
    assert seen["admin"] >= everyone
    assert seen["disp"] == {"disp", "w1", "w2", "h1", "h2"}  # the community's handlers and workers
    assert seen["w1"] == {"w1", "disp", "h1", "h2"}  # the grid's people and the community's above it
    assert seen["w3"] == {"w3"}  # another community: nobody of C1
    assert seen["h1"] == {"h1", "disp"}  # itself and who may dispatch to it


def test_users_follow_changes_and_scope_moves(world):
    w1 = world.api("w1")
    w1.pull()
    with world.db.write() as conn:
        admin.add_user(conn, "h-g1", "handler", ["G1"], PASSWORD)
        admin.add_user(conn, "w-c2", "worker", ["G3"], PASSWORD)
    changes = w1.pull()
    assert "h-g1" in _users(w1) and "w-c2" not in _users(w1)
    assert not any(c["entity"] == "user" and c["op"] != "evict" and c["data"]["username"] == "w-c2" for c in changes)
    with world.db.write() as conn:
        admin.update_user(conn, "h-g1", area_codes=["G3"])  # moved away: the worker drops them
    w1.pull()
    assert "h-g1" not in _users(w1)
    with world.db.write() as conn:
        admin.update_user(conn, "w1", area_codes=["G3"])  # the worker moves to the other community
    w1.pull()
    assert "w-c2" in _users(w1) and "h1" not in _users(w1) and "disp" not in _users(w1)
    with world.db.write() as conn:
        admin.update_user(conn, "w1", area_codes=["G1"])
