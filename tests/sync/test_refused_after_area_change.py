"""Work made on this computer stays when the worker's area changes before it syncs (fresh-eyes review, fixD).

The admin moves the worker to another grid while visits of a walk-round wait
to be sent: the server refuses them and its feed evicts the grid's records.
The refused visits, the walk-round they were made on and the households they
name must stay, shown refused, and the refused list must name the address.
"""

from sqlmodel import select

from gridworker.domain.fieldwork import Visit, Walkround
from gridworker.domain.models import Household
from gridworker.services import register, visits
from gridworker.services.refused import refusals
from gridworker.services.queries.visits import open_walkrounds
from gridworker.sync.review import review_lists

from .helpers import local_ids, new_household


def test_refused_visits_survive_the_eviction_of_their_grid_and_are_named(fresh_server, clients):
    srv = fresh_server
    a = clients(srv, "w1a")
    a.sync_ok()
    entry = a.account.info["server"]
    homes = [new_household(a, room=room)[1] for room in ("101", "202", "303")]
    walk = visits.plan_walkround(a.store, "周三扫楼", household_ids=[h.id for h in homes], planner_id=entry["user_id"])
    a.sync_ok()  # the grid's records and the walk-round are on the server
    other, _ = new_household(a, room="404")  # a building of the grid that never left this computer either
    srv.admin("user", "update", "w1a", "--area", "G2")  # the worker moves to another grid
    made = [
        visits.log_visit(a.store, h.id, visitor_id=entry["user_id"], outcome="met", notes="上门走访")
        for h in homes[:2]
    ]
    result = a.engine.sync_once()
    assert result.rejected >= 2 and result.evicted > 0
    assert homes[2].id not in local_ids(a, "household")  # what the refused work does not need leaves with the scope

    with a.store.read() as s:
        kept = {v.id for v in s.exec(select(Visit))}
        why = refusals(s, "visit", [v.id for v in made])
        named = {h.id: h.address for h in s.exec(select(Household))}
        still_walk = s.get(Walkround, walk.id)
    assert kept >= {v.id for v in made}, "the refused visits were deleted by the eviction"
    assert set(why) == {v.id for v in made}  # shown refused, with the server's reason
    assert all(r.code == "out_of_scope" for r in why.values())
    assert still_walk is not None, "the walk-round the visits were made on left with the scope"
    assert walk.id in {w.id for w in open_walkrounds(a.store)}  # still listed under 走访
    progress = visits.walkround_progress(a.store, walk.id)
    assert [s.refused is not None for s in progress.stops[:2]] == [True, True]

    lists = review_lists(a.store)
    rows = {r.record_id: r for r in lists.rejected if r.entity == "visit"}
    assert set(rows) == {v.id for v in made}
    for visit, home in zip(made, homes):
        assert rows[visit.id].label == named[home.id] and "101" in named[homes[0].id]
        assert lists.names.get(visit.household_id) == named[home.id]
        assert lists.names.get(home.building_id), "the refused visit's building is not named"

    a.sync_ok()  # another round: nothing it keeps is dropped later
    assert {v.id for v in made} <= local_ids(a, "visit")
    assert {h.id for h in homes[:2]} <= local_ids(a, "household")
    assert other.id in local_ids(a, "building")  # refused too (made after the move): kept, not lost


def test_an_edit_pending_when_its_record_is_evicted_is_kept_until_the_user_has_read_the_refusal(fresh_server, clients):
    srv = fresh_server
    a = clients(srv, "w1a")
    a.sync_ok()
    _, home = new_household(a, room="101")
    a.sync_ok()
    srv.admin("user", "update", "w1a", "--area", "G2")
    register.update_household(a.store, home.id, {"notes": "独居老人，需每周探访"})
    a.engine.receive()  # the eviction arrives before the edit is sent: the record is held for it
    assert home.id in local_ids(a, "household")
    a.sync_ok()  # the edit is sent and refused (out of scope)
    lists = review_lists(a.store)
    rows = [r for r in lists.rejected if r.record_id == home.id]
    assert rows, "the refused edit is not listed"
    assert home.id in local_ids(a, "household"), "the record was dropped once its edit was answered"
    assert rows[0].label and "101" in rows[0].label
