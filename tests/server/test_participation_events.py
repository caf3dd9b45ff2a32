"""Order events through /sync (issue 16): any sequence of actions by staff and a grid worker is answered without a
server error, and the order's derived fields are always the rules' fold of the events the server accepted."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridworker.domain.participation import orders

from .conftest import new_id

ACTIONS = st.sampled_from(orders.ACTIONS)
ACTORS = st.sampled_from(["disp", "w1", "admin"])
STEP = st.tuples(ACTORS, ACTIONS, st.sampled_from([None, "repair", "legal", "nope"]), st.sampled_from([None, 1, 2, 0, 99]),
                 st.sampled_from([None, "原因"]), st.sampled_from([None, 1, 5, 9]))  # fmt: skip


def test_any_order_events_give_no_server_error_and_the_rules_fold(world):
    apis = {name: world.api(name) for name in ("disp", "w1", "admin")}
    clock = [datetime(2026, 11, 2, 9, 0, tzinfo=timezone(timedelta(hours=8)))]

    @given(steps=st.lists(STEP, min_size=1, max_size=12))
    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def run(steps):
        oid = new_id()
        res = apis["w1"].upsert("service_order", oid, {"title": "修水管", "need": "漏水", "area_id": world.area_ids["G1"]})
        assert res["status"] == "applied", res
        accepted = []
        for actor, action, skill, wanted, reason, rating in steps:
            clock[0] += timedelta(hours=1)
            fields = {"order_id": oid, "action": action, "at": clock[0].isoformat(), "skill": skill, "takers_wanted": wanted,
                      "reason": reason, "rating": rating, "note": "说明", "resident_id": new_id() if action == "raise" else None}  # fmt: skip
            r = apis[actor].push_raw([apis[actor].mutation("order_event", new_id(), {k: v for k, v in fields.items() if v is not None})])
            assert r.status_code < 500, r.text
            if r.status_code != 200:
                continue
            result = r.json()["results"][0]
            if result["status"] == "applied":
                accepted.append((actor, fields))
            else:
                assert result["error"]["code"] and result["error"]["message_en"], result
        disp = apis["disp"]
        disp.pull()
        state = orders.OrderRules().replay(
            orders.Event(f["action"], world.user_ids[a], {"disp": "dispatcher", "w1": "worker", "admin": "admin"}[a],
                         datetime.fromisoformat(f["at"]), note=f.get("note") if f["action"] != "raise" else "漏水",
                         reason=f.get("reason"), skill=f.get("skill"), takers_wanted=f.get("takers_wanted"),
                         rating=f.get("rating"), resident_id=f.get("resident_id"))
            for a, f in accepted
        )  # fmt: skip
        assert disp.records[("service_order", oid)].get("status") == state.status

    run()
