"""Findings of the s5 round at the services: who may plan visits, deleting places, discarding refused edits,
the participation lists' scope."""

from __future__ import annotations

import pytest
from sqlmodel import select

from gridworker.domain.errors import Refused
from gridworker.domain.fieldwork import Walkround
from gridworker.services import register, visits
from gridworker.services.base import transaction
from gridworker.services.scope import remember_scope


@pytest.fixture
def grid_household(store):
    community = register.register_area(store, code="C1", name="幸福社区", level="community")
    grid = register.register_area(store, code="G1", name="第一网格", level="grid", parent_id=community.id)
    building = register.register_building(store, {"area_id": grid.id, "estate": "幸福小区", "name": "1号楼"})
    household = register.register_household(store, {"building_id": building.id, "unit": "1", "room": "101"})
    return grid.id, household.id


def _walks(store) -> int:
    with store.read() as s:
        return len(s.exec(select(Walkround)).all())


# -- item 5 ---------------------------------------------------------------------------------------------
def test_a_handler_is_refused_planning_a_walk_round_and_a_worker_is_not(store, grid_household):
    from gridworker.services import place_walks

    grid, household = grid_household
    for plan in (visits.plan_walkround, place_walks.plan_mixed_walkround):
        with pytest.raises(Refused) as refused:
            plan(store, "巡查", household_ids=[household], planner_role="handler")
        assert refused.value.code == "role_not_allowed"
        assert refused.value.message("en") == ("Handlers cannot plan walk-rounds: only grid workers, dispatchers and "
                                               "administrators can")  # fmt: skip
        assert "处置人员不能安排走访" in refused.value.message("zh")
    assert _walks(store) == 0
    visits.plan_walkround(store, "巡查", household_ids=[household], planner_role="worker")
    assert _walks(store) == 1
    with transaction(store) as tx:  # a linked handler's account: refused without being told the role
        remember_scope(tx.s, "handler", [])
    with pytest.raises(Refused):
        visits.plan_walkround(store, "巡查", household_ids=[household])
    assert _walks(store) == 1
