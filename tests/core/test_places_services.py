"""Places, inspections, hazards and the grid's roster through the services (no Qt): issue 15's data side."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlmodel import select

from gridworker.domain.errors import Refused
from gridworker.domain.fieldwork import Incident, IncidentEvent, Photo
from gridworker.domain.places.inspections import HazardRefusal, HazardRules
from gridworker.domain.placework import Hazard, HazardEvent, Inspection, Place
from gridworker.domain.register import InvalidRecord
from gridworker.domain.users import User
from gridworker.services import places as svc
from gridworker.services import roster
from gridworker.services.base import transaction
from gridworker.services.queries import places_register as q
from gridworker.services.queries import roster as rq

from .test_incidents import CST, WORKER, jpeg, make_place, outbox, photos_dir  # noqa: F401  (a fixture)

LICENCE = "91350100M00010006A"
SHOP_ITEMS = ("FIRE-EXT", "EXIT", "EMERG-LIGHT", "WIRING", "EBIKE", "NO-SLEEP", "FLAMMABLE", "STOCK", "DUTY")


@pytest.fixture
def grid(store):
    return make_place(store)


@pytest.fixture
def shop(store, grid):
    return svc.register_place(store, {"name": "老王便利店", "kind": "小商店", "address": "幸福路8号", "area_id": grid.grid,
                                      "person_in_charge": "王建国", "phone": "13800138000", "licence_number": LICENCE})


def _answers(fails: dict[str, list] | None = None, **waivers) -> list[svc.ItemAnswer]:
    fails = fails or {}
    out = []
    for code in SHOP_ITEMS:
        if code in fails:
            out.append(svc.ItemAnswer(code, "fail", photos=fails[code], photo_waiver=waivers.get(code)))
        else:
            out.append(svc.ItemAnswer(code, "pass"))
    return out


def _inspect(store, photos_dir, place_id, fails, at, **kw):
    return svc.save_inspection(store, photos_dir, place_id=place_id, inspector_id=WORKER, answers=_answers(fails), at=at,
                               acknowledged_by="王建国" if fails else None, **kw)


# -- places ---------------------------------------------------------------------------------
def test_a_place_is_checked_field_by_field_and_stored_with_its_kind_code(store, grid):
    with pytest.raises(InvalidRecord) as info:
        svc.register_place(store, {"name": " ", "kind": "面包房", "phone": "12", "licence_number": "91350100M00010006B",
                                   "area_id": grid.grid})
    assert {e.field for e in info.value.errors} == {"name", "kind", "phone", "licence_number"}
    assert outbox(store, "place") == []
    p = svc.register_place(store, {"name": "老王便利店", "kind": "Small shop", "licence_number": "91350100m0001000-6a",
                                   "area_id": grid.grid})
    assert (p.kind, p.licence_number) == ("shop", LICENCE)
    [row] = outbox(store, "place")
    assert row.fields["kind"] == "shop" and row.fields["area_id"] == grid.grid
    svc.update_place(store, p.id, {"phone": "138 0013 8000"})
    assert outbox(store, "place")[-1].fields == {"phone": "13800138000"}
    with pytest.raises(InvalidRecord) as info:
        svc.update_place(store, p.id, {"kind": "bakery"})
    assert [e.field for e in info.value.errors] == ["kind"]


def test_places_are_found_by_name_pinyin_initials_licence_and_person(store, shop):
    for text in ("便利", "laowang", "lwbld", "M0001000", "王建国"):
        assert [r.id for r in q.search_places(store, text)] == [shop.id], text
    assert q.search_places(store, "幸福小学") == []


# -- inspections ------------------------------------------------------------------------------
def test_an_inspection_with_two_failed_items_saves_photos_hazards_and_events_in_one_go(store, shop, photos_dir, tmp_path):
    at = datetime(2026, 11, 20, 10, 0, tzinfo=CST)  # a Friday: deadlines skip the weekend
    fails = {"EXIT": [jpeg(tmp_path / "exit.jpg")], "WIRING": [jpeg(tmp_path / "w1.jpg", colour=(1, 2, 3)),
                                                               jpeg(tmp_path / "w2.jpg", colour=(9, 9, 9))]}
    result = _inspect(store, photos_dir, shop.id, fails, at)
    assert sorted(h.item_code for h in result.new_hazards) == ["EXIT", "WIRING"]
    with store.read() as s:
        photos = s.exec(select(Photo).where(Photo.owner_entity == "inspection")).all()
        hazards = {h.item_code: h for h in s.exec(select(Hazard))}
        events = s.exec(select(HazardEvent)).all()
        record = s.get(Inspection, result.inspection.id)
    assert len(photos) == 3 and {p.entity_id for p in photos} == {record.id}
    answers = {a["item_code"]: a for a in record.answers}
    assert len(answers["WIRING"]["photo_ids"]) == 2 and answers["STOCK"]["result"] == "pass"
    assert sorted(record.photo_ids) == sorted(p.id for p in photos)
    # EXIT: 1 working day → Monday; WIRING: 3 → Wednesday; same clock time.
    assert hazards["EXIT"].deadline.astimezone(CST) == datetime(2026, 11, 23, 10, 0, tzinfo=CST)
    assert hazards["WIRING"].deadline.astimezone(CST) == datetime(2026, 11, 25, 10, 0, tzinfo=CST)
    assert {e.action for e in events} == {"found"} and len(events) == 2
    assert hazards["WIRING"].photo_ids == answers["WIRING"]["photo_ids"]
    pushed = {r.entity for r in outbox(store)} - {"area", "building", "household"}
    assert pushed == {"place", "inspection", "photo", "hazard", "hazard_event"}
    hazard_row = next(r for r in outbox(store, "hazard"))
    assert "status" not in hazard_row.fields and "deadline" not in hazard_row.fields  # derived: never pushed


def test_a_refused_inspection_leaves_nothing(store, shop, photos_dir, tmp_path):
    before = len(outbox(store))
    with pytest.raises(InvalidRecord) as info:
        svc.save_inspection(store, photos_dir, place_id=shop.id, inspector_id=WORKER,
                            answers=_answers({"EXIT": [jpeg(tmp_path / "e.jpg")], "WIRING": []}),
                            at=datetime(2026, 11, 20, 10, 0, tzinfo=CST))
    assert {(e.field, e.code) for e in info.value.errors} == {("answers.WIRING", "photo_required"),
                                                             ("acknowledged_by", "acknowledgement_required")}
    assert len(outbox(store)) == before
    with store.read() as s:
        assert s.exec(select(Hazard)).all() == [] and s.exec(select(Photo)).all() == []


def test_a_reinspection_signs_off_one_hazard_and_extends_the_other(store, shop, photos_dir, tmp_path):
    at = datetime(2026, 11, 20, 10, 0, tzinfo=CST)
    first = _inspect(store, photos_dir, shop.id, {"EXIT": [jpeg(tmp_path / "e.jpg")], "WIRING": [jpeg(tmp_path / "w.jpg")]}, at)
    ids = {h.item_code: h.id for h in first.new_hazards}
    hazards_before = {h.item_code: h.deadline for h in first.new_hazards}
    later = at + timedelta(days=1)
    with pytest.raises(InvalidRecord) as info:  # a re-inspection decides on every open hazard
        svc.save_inspection(store, photos_dir, place_id=shop.id, inspector_id=WORKER, purpose="recheck", at=later,
                            verdicts=[svc.HazardVerdict(ids["EXIT"], "rectified")])
    assert [(e.field, e.code) for e in info.value.errors] == [(f"verdicts.{ids['WIRING']}", "verdict_missing")]
    result = svc.save_inspection(store, photos_dir, place_id=shop.id, inspector_id=WORKER, purpose="recheck", at=later,
                                 verdicts=[svc.HazardVerdict(ids["EXIT"], "rectified", photos=[jpeg(tmp_path / "ok.jpg")]),
                                           svc.HazardVerdict(ids["WIRING"], "extended", reason="等电工", days=5)])
    assert result.states[ids["EXIT"]].status == "rectified"
    with store.read() as s:
        exit_h, wiring = s.get(Hazard, ids["EXIT"]), s.get(Hazard, ids["WIRING"])
    assert exit_h.status == "rectified" and exit_h.rectified_at is not None
    assert wiring.status == "open" and wiring.extensions == 1
    assert wiring.deadline == HazardRules().deadline(later, 5) > hazards_before["WIRING"]  # 5 working days from the recheck
    card = q.place_card(store, shop.id, now=later)
    assert [h.item_code for h in card.hazards if h.status == "open"] == ["WIRING"] and len(card.inspections) == 2


def test_a_major_hazard_escalates_into_an_incident_in_one_step(store, shop, photos_dir, tmp_path):
    at = datetime.now(CST) - timedelta(hours=2)
    first = _inspect(store, photos_dir, shop.id, {"NO-SLEEP": [jpeg(tmp_path / "bed.jpg")], "STOCK": [jpeg(tmp_path / "s.jpg")]}, at)
    ids = {h.item_code: h.id for h in first.new_hazards}
    with pytest.raises(HazardRefusal) as info:  # a minor hazard, not overdue: not serious enough
        svc.escalate_hazard(store, ids["STOCK"], actor_id=WORKER, actor_role="worker")
    assert info.value.code == "not_serious"
    incident_id, state = svc.escalate_hazard(store, ids["NO-SLEEP"], actor_id=WORKER, actor_role="worker")
    assert state.status == "escalated" and state.incident_id == incident_id
    with store.read() as s:
        incident = s.get(Incident, incident_id)
        [step] = s.exec(select(HazardEvent).where(HazardEvent.action == "escalated")).all()
        [report] = s.exec(select(IncidentEvent).where(IncidentEvent.incident_id == incident_id)).all()
        copies = s.exec(select(Photo).where(Photo.owner_entity == "incident")).all()
    assert (incident.source, incident.urgency, incident.area_id) == ("inspection", "urgent", shop.area_id)
    assert incident.title.startswith("老王便利店") and "王建国" in incident.description
    assert step.incident_id == incident_id and report.action == "report"
    assert len(copies) == 1 and incident.photo_ids == [copies[0].id]
    views = {h.item_code: h for h in q.place_card(store, shop.id).hazards}
    assert (views["NO-SLEEP"].status, views["NO-SLEEP"].incident_id) == ("escalated", incident_id)
    assert [h.item_code for h in q.place_card(store, shop.id).hazards][0] == "STOCK"  # the open one first


def test_a_major_hazard_without_photos_for_a_stated_reason_escalates_too(store, shop, photos_dir, tmp_path):
    # The inspection form lets a failed item go without a photo when the reason is typed; escalating that hazard
    # must not then be refused for want of a photo (the incident category asks for one when reported by snap).
    at = datetime.now(CST) - timedelta(hours=2)
    first = svc.save_inspection(store, photos_dir, place_id=shop.id, inspector_id=WORKER, at=at, acknowledged_by="王建国",
                                answers=_answers({"NO-SLEEP": []}, **{"NO-SLEEP": "店主不同意拍照"}))
    [hazard] = first.new_hazards
    incident_id, state = svc.escalate_hazard(store, hazard.id, actor_id=WORKER, actor_role="worker")
    assert state.status == "escalated" and state.incident_id == incident_id
    with store.read() as s:
        incident = s.get(Incident, incident_id)
    assert incident.source == "inspection" and incident.photo_ids == []
    assert "店主不同意拍照" in incident.description  # why there is no photo travels with the incident


# -- schedule, dashboard, figures -------------------------------------------------------------
def test_due_places_overdue_hazards_and_figures(store, grid, shop, photos_dir, tmp_path):
    cafe = svc.register_place(store, {"name": "星光网吧", "kind": "internet_cafe", "area_id": grid.grid})
    at = datetime(2026, 11, 2, 10, 0, tzinfo=CST)
    _inspect(store, photos_dir, shop.id, {"EXIT": [jpeg(tmp_path / "e.jpg")]}, at)
    now = datetime(2026, 11, 10, 10, 0, tzinfo=CST)
    due = q.due_places(store, today=now.date(), now=now)
    # The shop (90-day interval, inspected 8 days ago) is due only for its overdue hazard, and comes first.
    assert [(d.place_id, d.recheck) for d in due] == [(shop.id, True), (cafe.id, False)]
    assert due[1].days_overdue is None
    overdue = q.overdue_hazards(store, now=now)
    assert [(h.place_name, h.item_code, h.overdue) for h in overdue] == [("老王便利店", "EXIT", True)]
    stats = q.place_figures(store, start=datetime(2026, 11, 1, tzinfo=CST), end=datetime(2026, 12, 1, tzinfo=CST), as_of=now)
    assert (stats.total.places, stats.total.inspected, stats.total.found, stats.total.overdue) == (2, 1, 1, 1)
    assert stats.by_kind["shop"].inspected == 1 and stats.by_kind["internet_cafe"].inspected == 0
    with pytest.raises(Refused) as info:
        svc.delete_place(store, shop.id)
    assert info.value.code == "not_empty"
    svc.delete_place(store, cafe.id)
    assert [r.id for r in q.list_places(store)] == [shop.id]


# -- roster -------------------------------------------------------------------------------------
def test_the_roster_of_a_grid_its_completeness_and_its_dispatch_contacts(store, grid):
    handler = "0b6c1f7e-0000-4000-8000-0000000000aa"
    with transaction(store) as tx:
        tx.s.add(User(id=handler, username="zhao", display_name="赵医生", role="handler", area_ids=[grid.grid]))
    roles = ["网格长", "专职网格员", "网格指导员", "调解员", "社区民警"]
    for i, role in enumerate(roles):
        roster.add_member(store, {"area_id": grid.grid, "role": role, "name": f"成员{i}", "phone": "13800138000"})
    [incomplete] = [g for g in rq.incomplete_grids(store) if g.area_id == grid.grid]
    assert [r.code for r in incomplete.missing] == ["doctor"]
    doctor = roster.add_member(store, {"area_id": grid.grid, "role": "医生", "user_id": handler})
    assert doctor.name == "赵医生"
    assert grid.grid not in {g.area_id for g in rq.incomplete_grids(store)}
    assert [e.role for e in rq.grid_roster(store, grid.grid)][:2] == ["leader", "full_time"]
    contacts = {c.name: c for c in rq.dispatch_contacts(store, grid.grid)}
    assert contacts["赵医生"].assignee_id == handler and contacts["成员0"].assignee_id is None
    with pytest.raises(InvalidRecord) as info:
        roster.add_member(store, {"area_id": grid.grid, "role": "队长", "name": "", "phone": "1"})
    assert {e.field for e in info.value.errors} == {"role", "name", "phone"}
    roster.remove_member(store, doctor.id)
    assert [r.code for r in next(g for g in rq.incomplete_grids(store) if g.area_id == grid.grid).missing] == ["doctor"]


# -- a walk-round of households and places --------------------------------------------------------
def test_an_incident_in_a_microgrid_is_offered_its_grids_team(store, grid):
    # Households (and so most incidents) sit in microgrids below a grid; the team (1+6+N) is kept per grid.
    from gridworker.services import register

    micro = register.register_area(store, code="G1-1", name="第一网格第1微网格", level="microgrid", parent_id=grid.grid)
    roster.add_member(store, {"area_id": grid.grid, "role": "网格长", "name": "周敏", "phone": "13800138000"})
    assert [c.name for c in rq.dispatch_contacts(store, micro.id)] == ["周敏"]
    assert [c.name for c in rq.dispatch_contacts(store, grid.grid)] == ["周敏"]
    assert rq.dispatch_contacts(store, grid.community) == []  # above the grids: no one grid's team


def test_a_walkround_mixes_households_and_places_in_walking_order_and_ends_when_all_are_done(store, grid, photos_dir, tmp_path):
    from gridworker.domain.fieldwork import Walkround
    from gridworker.services import place_walks, register, visits

    upstairs = register.register_household(store, {"building_id": grid.building, "unit": "1", "room": "502"})
    shop_in_building = svc.register_place(store, {"name": "楼下小卖部", "kind": "shop", "building_id": grid.building})
    street_shop = svc.register_place(store, {"name": "街边饭馆", "kind": "restaurant", "address": "幸福路1号", "area_id": grid.grid})
    walk = place_walks.plan_mixed_walkround(store, "周五巡查", household_ids=[upstairs.id, grid.household],
                                            place_ids=[street_shop.id, shop_in_building.id])
    assert shop_in_building.area_id == grid.grid  # the building's grid
    [row] = outbox(store, "walkround")
    assert row.fields["place_ids"] == [shop_in_building.id, street_shop.id]
    stops = place_walks.walkround_stops(store, walk.id)
    # Unit 1: room 301 (3rd floor), room 502 (5th); the shop in the building has no unit: after the units;
    # the street restaurant is in no building: last.
    assert [(s.kind, s.id) for s in stops] == [("household", grid.household), ("household", upstairs.id),
                                               ("place", shop_in_building.id), ("place", street_shop.id)]
    now = datetime.now(CST)
    for hh in (grid.household, upstairs.id):
        visits.log_visit(store, hh, visitor_id=WORKER, outcome="met", visited_at=now)
    with store.read() as s:
        assert s.get(Walkround, walk.id).status == "open"  # the places are still to do
    svc.save_inspection(store, photos_dir, place_id=shop_in_building.id, inspector_id=WORKER, answers=_answers(), at=now)
    rest = [svc.ItemAnswer(i.code, "pass") for i in svc.tables.load_checklists().for_kind("restaurant")]
    svc.save_inspection(store, photos_dir, place_id=street_shop.id, inspector_id=WORKER, answers=rest, at=now)
    assert all(s.done for s in place_walks.walkround_stops(store, walk.id))
    with store.read() as s:
        assert s.get(Walkround, walk.id).status == "done"


# -- the server's checklist, kept like the categories ------------------------------------------------
def test_pulled_checklist_items_are_laid_over_the_shipped_table(store, shop, photos_dir):
    from gridworker.services import tables
    from gridworker.services.search import find_places

    sign = {"code": "SIGN", "kinds": ["shop"], "severity": "general", "days": 5, "category": None, "name": "门头招牌牢固",
            "name_en": "Shop sign secure", "hazard": "招牌松动", "hazard_en": "Loose shop sign"}
    duty = {"code": "DUTY", "kinds": ["@all"], "severity": "general", "days": 10, "category": None, "name": "x",
            "name_en": "x", "hazard": "x", "hazard_en": "x"}
    with transaction(store) as tx:
        tables.keep_changes(tx.s, "checklist", [{"id": "c1", "op": "upsert", "data": sign},
                                                {"id": "c2", "op": "delete", "data": duty}])
    table = tables.checklists_of(store)
    codes = [i.code for i in table.for_kind("shop")]
    assert codes[-1] == "SIGN" and "DUTY" not in codes
    # An inspection is checked against the table in force here: the new item must be answered.
    with pytest.raises(InvalidRecord) as info:
        svc.save_inspection(store, photos_dir, place_id=shop.id, inspector_id=WORKER, answers=_answers(),
                            at=datetime.now(CST))
    assert {(e.field, e.code) for e in info.value.errors} == {("answers.SIGN", "unanswered"), ("answers.DUTY", "unknown_item")}
    assert [p.id for p in find_places(store, "laowang")] == [shop.id]


def test_the_checklist_of_a_place_and_its_open_hazards_for_the_screens(store, shop, photos_dir, tmp_path):
    items = q.checklist_for_place(store, shop.id)
    assert [i.code for i in items] == list(SHOP_ITEMS)
    _inspect(store, photos_dir, shop.id, {"EXIT": [jpeg(tmp_path / "e.jpg")], "STOCK": [jpeg(tmp_path / "s.jpg")]},
             datetime(2026, 11, 20, 10, 0, tzinfo=CST))
    assert [h.item_code for h in q.open_hazards_of(store, shop.id)] in (["EXIT", "STOCK"], ["STOCK", "EXIT"])


def test_hazard_ids_are_uuids_the_wire_accepts_and_stable_for_an_inspection():
    """The core made `<inspection id>:<item>` (41+ characters): every push carrying one was refused whole
    (422: record ids are 36-character UUIDs). Now a uuid5 of the same, still the same for the same pair."""
    import re

    from gridworker.domain.places.inspections import hazard_id

    inspection = "6f1c3f9e-9a4b-4c1e-8a38-1c1f0d7e2b11"
    made = hazard_id(inspection, "EXIT")
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", made)
    assert made == hazard_id(inspection, "EXIT") != hazard_id(inspection, "WIRING")


def test_a_place_moved_to_another_grid_takes_its_records_along_here_at_once(store, grid, shop, photos_dir, tmp_path):
    _inspect(store, photos_dir, shop.id, {"EXIT": [jpeg(tmp_path / "e.jpg")]}, datetime(2026, 11, 20, 10, 0, tzinfo=CST))
    before = len(outbox(store))
    svc.update_place(store, shop.id, {"area_id": grid.other_grid})
    assert [r.fields for r in outbox(store)[before:]] == [{"area_id": grid.other_grid}]  # the place only: the server moves the rest
    with store.read() as s:
        for model in (Inspection, Hazard, HazardEvent):
            assert {r.area_id for r in s.exec(select(model))} == {grid.other_grid}, model
        assert {p.area_id for p in s.exec(select(Photo).where(Photo.owner_entity == "inspection"))} == {grid.other_grid}
    assert [h.item_code for h in q.overdue_hazards(store, area_ids=[grid.other_grid], now=datetime(2026, 12, 1, tzinfo=CST))] == ["EXIT"]
