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


# -- item 9 ---------------------------------------------------------------------------------------------
REFUSED = {"code": "out_of_scope", "message": "The record is outside your areas", "message_zh": "该记录不在您负责的范围内"}


def _server_refuses(store, *entities: str) -> list[str]:
    """Record a push answer refusing every pending row of these entities, as the sync engine does."""
    from gridworker.sync import push

    with store.write() as s:
        rows = [r for r in push.load_pending(s) if r.entity in entities]
        results = [{"mutation_id": r.mutation_id, "status": "rejected", "error": REFUSED} for r in rows]
        push.apply_results(s, rows, results, push.by_record(rows))
    return [r.mutation_id for r in rows]


def test_a_refused_record_is_discarded_and_an_edit_of_a_record_the_server_has_is_not(store, grid_household, caplog):
    from gridworker.domain.errors import NotFound
    from gridworker.domain.fieldwork import Visit
    from gridworker.domain.models import Household, Outbox
    from gridworker.services.refused import discard_refused
    from gridworker.sync.conflicts import rejected_edits

    _grid, household = grid_household
    with store.write() as s:  # the register came from the server: sent and acknowledged
        for row in s.exec(select(Outbox)):
            row.state = "sent"
            s.add(row)
        h = s.get(Household, household)
        h.version = 3
        s.add(h)
    visit = visits.log_visit(store, household, visitor_id="w1", outcome="met", notes="门口堆物")
    register.update_household(store, household, {"notes": "改了"})
    refused = dict(zip(("visit", "household"), _server_refuses(store, "visit", "household")))
    assert len(refused) == 2
    with pytest.raises(Refused) as not_discardable:  # an edit of a record the server has
        discard_refused(store, refused["household"])
    assert not_discardable.value.code == "not_discardable"
    with caplog.at_level("INFO", logger="gridworker.services.refused"):
        done = discard_refused(store, refused["visit"])
    assert (done.entity, done.record_id) == ("visit", visit.id) and "notes" in done.fields
    assert any("discarded refused visit" in r.getMessage() and visit.id in r.getMessage() for r in caplog.records)
    with store.read() as s:
        assert s.get(Visit, visit.id).deleted
        assert [r.entity for r in rejected_edits(s)] == ["household"]  # the visit left the list
        assert not s.exec(select(Outbox).where(Outbox.record_id == visit.id, Outbox.state == "pending")).first()
    with pytest.raises(NotFound):  # once only
        discard_refused(store, refused["visit"])


# -- item 10 --------------------------------------------------------------------------------------------
def test_a_grid_worker_sees_and_keeps_only_the_members_of_their_grids(store):
    from datetime import date

    from gridworker.demo.data import generate
    from gridworker.demo.load import load_demo, trim_to_scope
    from gridworker.demo.participation import seed_participation
    from gridworker.domain.models import Area
    from gridworker.domain.participation_records import LedgerEntry, Member
    from gridworker.services.queries import members as member_queries

    load_demo(store, generate(persons=120, seed=11, as_of=date(2025, 6, 1)))
    seed_participation(store, today=date(2025, 6, 1))
    from gridworker.domain.participation_records import PARTICIPATION_MODELS

    with store.write() as s:  # as the server sends them (a version): the laptop's own fixture goes whole at the trim
        for model in PARTICIPATION_MODELS.values():
            s.connection().execute(model.__table__.update().values(version=1))
    with store.read() as s:
        grids = list(s.exec(select(Area.id).where(Area.level == "grid").order_by(Area.code)))
        placed = {m.area_id for m in s.exec(select(Member))}
    mine = next(g for g in grids if g in placed)
    assert len(placed - {mine}) >= 1  # members of other grids (and of the community, to be placed) are held here
    from gridworker.domain.participation_records import ServiceOrder
    from gridworker.services.queries import orders as order_queries

    everyone = member_queries.members(store)
    all_orders = order_queries.orders(store)
    with transaction(store) as tx:  # linked as a grid worker of one grid
        remember_scope(tx.s, "worker", [mine])
    shown = member_queries.members(store)
    orders = order_queries.orders(store)
    assert len(orders) < len(all_orders) and order_queries.counts(store)["all"] == len(orders)
    from gridworker.services.scope import writable_areas

    with store.read() as s:  # the grid and the micro-grids below it
        assert {s.get(ServiceOrder, o.id).area_id for o in orders} <= writable_areas(s)
    assert shown and len(shown) < len(everyone)
    with store.read() as s:
        assert {s.get(Member, r.id).area_id for r in shown} == {mine}
    assert member_queries.counts(store)["all"] == len(shown)
    assert trim_to_scope(store) > 0  # the demo's fixture records outside the grant go, participation too
    with store.read() as s:
        assert {m.area_id for m in s.exec(select(Member))} == {mine}
        assert {e.area_id for e in s.exec(select(LedgerEntry))} <= {mine}
    assert trim_to_scope(store) == 0  # idempotent
    with transaction(store) as tx:  # a handler sees no member
        remember_scope(tx.s, "handler", [])
    assert member_queries.members(store) == []


# -- review: a grid worker's residents to confirm -------------------------------------------------------------
def test_a_grid_worker_lists_the_resident_accounts_of_their_community_to_confirm_them(store, grid_household):
    """The server sends a grid worker the resident accounts of the community above their grid (they confirm the
    ones of their grid): the desk lists them, not those of another community, and the demo's trim keeps them."""
    from gridworker.demo.load import trim_to_scope
    from gridworker.domain.models import Area
    from gridworker.domain.participation_records import Resident
    from gridworker.services.queries import residents as resident_queries

    grid, _household = grid_household
    other = register.register_area(store, code="C2", name="别的社区", level="community")
    with store.read() as s:
        community = s.get(Area, grid).parent_id
    with store.write() as s:  # as pulled from the server: a resident account's area is the community they chose
        s.add(Resident(id="r-mine", name="陈秀英", phone="13900000002", area_id=community, version=1))
        s.add(Resident(id="r-other", name="李明", phone="13900000003", area_id=other.id, version=1))
    with transaction(store) as tx:  # linked as the grid's worker
        remember_scope(tx.s, "worker", [grid])
    assert [r.name for r in resident_queries.residents(store, "waiting")] == ["陈秀英"]
    assert resident_queries.counts(store) == {"waiting": 1, "verified": 0, "all": 1}
    trim_to_scope(store)
    with store.read() as s:
        assert s.get(Resident, "r-mine") is not None


def test_namesakes_offered_to_confirm_a_resident_as_are_told_apart_by_their_address(store, grid_household):
    """Two 张娟 of the grid: the person picker offers each with where they live, not two identical lines."""
    from gridworker.domain.models import Area
    from gridworker.domain.participation_records import Resident
    from gridworker.services.queries import residents as resident_queries

    grid, household = grid_household
    with store.read() as s:
        community = s.get(Area, grid).parent_id
    with store.read() as s:
        from gridworker.domain.models import Household

        building = s.get(Household, household).building_id
    other = register.register_household(store, {"building_id": building, "unit": "2", "room": "502"})
    register.register_person(store, {"name": "张娟", "household_id": household})
    register.register_person(store, {"name": "张娟", "household_id": other.id})
    with store.write() as s:
        s.add(Resident(id="r-zj", name="张娟", phone="13967497072", area_id=community))
    labels = [label for _id, label in resident_queries.register_matches(store, "r-zj")]
    assert len(labels) == 2 and len(set(labels)) == 2
    assert any("1单元101室" in label for label in labels) and any("2单元502室" in label for label in labels)
