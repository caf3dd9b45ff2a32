"""Two workers of one grid against a real server: merges, conflicts, scope and moves between grids."""

import pytest
from sqlalchemy import select

from gridworker.services import register
from gridworker.sync.review import review_lists
from gridworker.sync import conflicts as review
from gridworker.sync.mapping import ENTITY_MAPS

from .helpers import area_ids, household, new_household, open_conflicts, settle, synced_values


@pytest.mark.parametrize("first", ["a", "b"])
def test_offline_edits_of_different_fields_are_both_kept(pair, first):
    a, b, hh = pair
    register.update_household(a.store, hh.id, {"phone": "13800000001"})
    register.update_household(b.store, hh.id, {"notes": "独居老人，每周走访"})
    order = (a, b) if first == "a" else (b, a)
    settle(*order)
    va, vb = synced_values(a, "household", hh.id), synced_values(b, "household", hh.id)
    assert va == vb
    assert va["phone"] == "13800000001" and va["notes"] == "独居老人，每周走访"
    assert open_conflicts(a) == [] and open_conflicts(b) == []


@pytest.mark.parametrize("first", ["loser", "winner"])
def test_same_field_edits_end_identical_and_the_conflict_lists_both_values(pair, first):
    a, b, hh = pair
    register.update_household(a.store, hh.id, {"phone": "13800000001"})  # earlier clock: loses
    register.update_household(b.store, hh.id, {"phone": "13900000002"})  # later clock: wins
    order = (a, b) if first == "loser" else (b, a)
    settle(*order)
    assert synced_values(a, "household", hh.id) == synced_values(b, "household", hh.id)
    assert household(a, hh.id).phone == "13900000002"
    # The side whose push met the other edit lists the collision with both values.
    second = order[1]
    [c] = open_conflicts(second)
    assert (c.field, {c.mine, c.theirs}) == ("phone", {"13800000001", "13900000002"})
    assert c.winner == ("theirs" if second is a else "mine")
    if second is a:
        # The loser can put its value back: an ordinary edit with a fresh clock, which then wins.
        review.resolve(a.store, c.id, "mine")
        settle(a, b)
        assert household(b, hh.id).phone == "13800000001" == household(a, hh.id).phone
        assert open_conflicts(a) == []


def test_a_worker_of_another_grid_never_receives_them(server, clients, pair):
    a, _b, hh = pair
    person = register.register_person(a.store, {"name": "赵六", "household_id": hh.id})
    a.sync_ok()
    other = clients(server, "w2")
    other.sync_ok()
    assert household(other, hh.id) is None and synced_values(other, "person", person.id) is None
    g1 = area_ids(other)["G1"]  # the area tree is everyone's; what is in it is not
    for entity in ("building", "household", "person", "membership"):
        emap = ENTITY_MAPS[entity]
        with other.store.read() as s:
            assert s.connection().execute(select(emap.table.c.id).where(emap.table.c.area_id == g1)).first() is None


def test_a_household_moved_to_another_grid_leaves_the_old_grid(server, clients, pair):
    a, b, hh = pair
    person = register.register_person(a.store, {"name": "钱七", "household_id": hh.id, "relation": "户主"})
    _, kept = new_household(a, room="202")
    settle(a, b)
    dispatcher = clients(server, "disp")  # a worker may not move records out of their grid; the community may
    dispatcher.sync_ok()
    g2 = area_ids(dispatcher)["G2"]
    register.update_household(dispatcher.store, hh.id, {"area_id": g2})
    register.update_household(dispatcher.store, kept.id, {"area_id": g2})
    dispatcher.sync_ok()
    # b has an unsent edit on `kept`: receiving the move must not drop it.
    register.update_household(b.store, kept.id, {"notes": "未发送的走访记录"})
    got = b.engine.receive()
    assert got.error is None and got.evicted >= 2
    assert household(b, hh.id) is None
    assert synced_values(b, "person", person.id) is None
    still = household(b, kept.id)
    assert still is not None and still.notes == "未发送的走访记录"
    # Sent at last, the edit is refused (the household is not b's any more). The record stays while the
    # refusal is listed (the list names it by its address) and goes like the other once the user has read it.
    result = b.sync_ok()
    assert result.rejected == 1 and household(b, kept.id) is not None
    _read_refusal(b, kept.id, still.address)
    assert household(b, kept.id) is None
    other = clients(server, "w2")
    other.sync_ok()
    assert household(other, hh.id).area_id == area_ids(other)["G2"]
    assert synced_values(other, "person", person.id)["area_id"] == area_ids(other)["G2"]


def test_an_area_taken_away_is_purged_but_unsent_work_stays_until_answered(fresh_server, clients):
    a, b = clients(fresh_server, "w1a"), clients(fresh_server, "w1b")
    a.sync_ok()
    _, hh = new_household(a, room="101")
    _, edited = new_household(a, room="202")
    a.sync_ok()
    b.sync_ok()
    register.update_household(b.store, edited.id, {"notes": "未发送"})
    fresh_server.admin("user", "update", "w1b", "--area", "G2")
    got = b.engine.receive()
    assert got.evicted >= 3 and household(b, hh.id) is None
    assert household(b, edited.id).notes == "未发送"
    result = b.sync_ok()
    assert result.rejected == 1 and household(b, edited.id) is not None  # while its refusal is listed
    _read_refusal(b, edited.id, household(b, edited.id).address)
    assert household(b, edited.id) is None
    assert b.account.info["server"]["area_ids"] == [area_ids(b)["G2"]]


def _read_refusal(client, record_id: str, address: str) -> None:
    """The refused edit of the record is listed under its address; the user reads it and syncs again."""
    rows = [r for r in review_lists(client.store).rejected if r.record_id == record_id]
    assert [r.label for r in rows] == [address]
    review.dismiss_rejected(client.store, rows[0].mutation_id)
    client.sync_ok()


def test_field_work_reaches_the_other_worker(pair):
    a, b, hh = pair
    from gridworker.domain.fieldwork import Visit
    from gridworker.services import visits

    entry = a.account.info["server"]
    visit = visits.log_visit(a.store, hh.id, visitor_id=entry["user_id"], outcome="met", notes="独居老人身体好")
    assert a.sync_ok().rejected == 0
    b.sync_ok()
    with b.store.read() as s:
        got = s.get(Visit, visit.id)
    assert got is not None and got.notes == "独居老人身体好" and got.visitor_id == entry["user_id"]
