"""A linked account refuses, offline and at once, to place records outside the areas the server grants it."""

from __future__ import annotations

import pytest

from gridworker.domain.errors import OutOfScope
from gridworker.server.sync.push import _out_of_scope
from gridworker.services import register, scope
from gridworker.services.queries import places as place_queries
from gridworker.services.queries import register as register_queries
from gridworker.services.queries import visits as visit_queries
from gridworker.services import visits as vs
from tests.core.test_incidents import WORKER, count_outbox, make_place, photos_dir, snap  # noqa: F401


@pytest.fixture
def place(store):
    return make_place(store)


def _grant(store, role: str, *area_ids: str) -> None:
    with store.write() as s:
        scope.remember_scope(s, role, area_ids)


def _outside(store, place):
    """A building and household of grid 2, registered before the account knew its areas."""
    b = register.register_building(store, {"name": "9号楼", "estate": "幸福小区", "area_id": place.other_grid})
    hh = register.register_household(store, {"building_id": b.id, "unit": "1", "room": "101"})
    return b, hh


def test_creates_and_moves_outside_the_grant_are_refused_with_the_servers_words(store, place, photos_dir, tmp_path):
    b2, hh2 = _outside(store, place)
    _grant(store, "worker", place.grid)
    before = count_outbox(store)
    server = _out_of_scope()

    with pytest.raises(OutOfScope) as refused:
        register.register_building(store, {"name": "10号楼", "area_id": place.other_grid})
    assert (refused.value.code, refused.value.zh, refused.value.en) == (server.code, server.zh, server.en)
    with pytest.raises(OutOfScope):
        vs.log_visit(store, hh2.id, visitor_id=WORKER, outcome="met")
    with pytest.raises(OutOfScope):
        register.update_building(store, place.building, {"area_id": place.other_grid})  # moving out of the grant
    with pytest.raises(OutOfScope):
        vs.plan_walkround(store, "两个网格", household_ids=[place.household, hh2.id], planner_id=WORKER)
    with pytest.raises(OutOfScope):
        snap(store, photos_dir, tmp_path, area_id=place.other_grid)
    assert count_outbox(store) == before  # nothing refused was saved or queued

    # Inside the grant (the grid and anything below it) all goes on as before.
    vs.log_visit(store, place.household, visitor_id=WORKER, outcome="met")
    micro = register.register_area(store, code="G1-1", name="微网格", level="micro_grid", parent_id=place.grid)
    register.register_building(store, {"name": "11号楼", "area_id": micro.id})
    assert count_outbox(store) > before


def test_pickers_offer_only_the_granted_areas_and_what_lies_in_them(store, place):
    b2, hh2 = _outside(store, place)
    assert {a.id for a in place_queries.area_choices(store)} >= {place.grid, place.other_grid}  # not linked: everything
    _grant(store, "worker", place.grid)

    assert [a.id for a in place_queries.area_choices(store)] == [place.grid]
    assert {b.id for b in visit_queries.buildings_for_planning(store)} == {place.building}
    assert all(h.household_id != hh2.id for h in register_queries.find_households(store, "9号楼"))
    assert [h.household_id for h in register_queries.find_households(store, "2号楼")] == [place.household]
    assert {d.household_id for d in vs.due_households(store)} == {place.household}  # never visited, and ours


def test_an_admin_writes_anywhere_and_a_handler_places_nothing(store, place):
    _grant(store, "admin")
    register.register_building(store, {"name": "12号楼", "area_id": place.other_grid})
    _grant(store, "handler")
    with pytest.raises(OutOfScope):
        register.register_building(store, {"name": "13号楼", "area_id": place.grid})
    assert place_queries.area_choices(store) == []


def test_one_household_picker_serves_a_move_and_a_report(store, place):
    """The same search finds a household by a resident or by its place, empty ones too, and gives what both
    pickers need: the household, its address, who lives there, and its grid (a report is placed in it)."""
    lived_in = register.register_household(store, {"building_id": place.building, "unit": "2", "room": "502"})
    register.register_person(store, {"name": "欧阳明远", "household_id": lived_in.id, "relation": "head"})
    register.register_person(store, {"name": "欧阳小雨", "household_id": lived_in.id, "relation": "child"})

    by_name = register_queries.find_households(store, "欧阳小雨")
    assert [(h.household_id, h.people, h.area_id) for h in by_name] == [(lived_in.id, "欧阳明远、欧阳小雨", place.grid)]
    by_place = register_queries.find_households(store, "2号楼 301")  # nobody lives there yet
    assert [(h.household_id, h.people, h.area_id) for h in by_place] == [(place.household, "", place.grid)]
    assert register_queries.find_households(store, "   ") == []


def test_a_record_made_with_no_area_is_refused_offline_as_the_server_would(store, place):
    """A household typed in without a building has no area: the server refuses it, so the account does at once."""
    _grant(store, "worker", place.grid)
    before = count_outbox(store)
    with pytest.raises(OutOfScope):
        register.register_household(store, {"room": "101", "address": "临街商铺"})
    assert count_outbox(store) == before
