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


# -- item 6 ---------------------------------------------------------------------------------------------
def test_places_delete_from_the_command_line(store, account, grid_household, tmp_path, gridworker_home):
    from datetime import datetime

    from gridworker.domain.models import Outbox
    from gridworker.domain.placework import Place
    from gridworker.services import places as svc

    from .test_cli_output_files import _run
    from .test_incidents import CST, jpeg
    from .test_places_services import _inspect

    grid, _household = grid_household
    gone = svc.register_place(store, {"name": "要关门的小饭馆", "kind": "restaurant", "area_id": grid})
    shop = svc.register_place(store, {"name": "老王便利店", "kind": "shop", "area_id": grid})
    _inspect(store, account.photos_dir, shop.id, {"EXIT": [jpeg(tmp_path / "e.jpg")]}, datetime(2026, 11, 2, 10, tzinfo=CST))
    home = gridworker_home
    run = _run(home, "--lang", "en", "places", "delete", gone.id)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "Deleted the place '要关门的小饭馆' (deleted on the server at the next sync)"
    run = _run(home, "places", "delete", shop.id)  # open hazards: refused in words
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "场所“老王便利店”还有1项隐患未整改销号或上报，不能删除" in run.stderr
    run = _run(home, "--lang", "en", "places", "delete", gone.id)  # gone already
    assert run.returncode == 1 and run.stderr.strip() == "No such place: it may have been deleted"
    with store.read() as s:
        assert s.get(Place, gone.id).deleted and not s.get(Place, shop.id).deleted
        assert s.exec(select(Outbox).where(Outbox.record_id == gone.id, Outbox.op == "delete")).first() is not None
