"""Register services: every change lands in the outbox with the record, in one transaction."""

from datetime import date

import pytest
from sqlmodel import select

from gridworker.domain.errors import NotFound, Refused
from gridworker.domain.hlc import Hlc
from gridworker.domain.models import Building, Household, Membership, Outbox, Person
from gridworker.domain.register import InvalidRecord
from gridworker.services import changes, register
from gridworker.services.base import transaction

ID_A = "11010519491231002X"
ID_B = "110105198005171247"


@pytest.fixture
def grid(store):
    area = register.register_area(store, code="G01", name="一网格", level="grid")
    b = register.register_building(store, {"name": "3号楼", "estate": "幸福小区", "area_id": area.id, "units": 2, "floors": 6})
    h1 = register.register_household(store, {"building_id": b.id, "unit": "1", "room": "301"})
    h2 = register.register_household(store, {"building_id": b.id, "unit": "2", "room": "502"})
    return area, b, h1, h2


def outbox(store, entity=None, record_id=None):
    with store.read() as s:
        q = select(Outbox).order_by(Outbox.seq)
        if entity:
            q = q.where(Outbox.entity == entity)
        if record_id:
            q = q.where(Outbox.record_id == record_id)
        return list(s.exec(q))


def test_household_inherits_area_and_gets_address_and_floor(store, grid):
    area, b, h1, _ = grid
    assert h1.area_id == area.id
    assert h1.address == "幸福小区3号楼1单元301室"
    assert h1.floor == 3
    [row] = outbox(store, "household", h1.id)
    assert row.op == "upsert" and row.base_version is None
    assert row.fields["room"] == "301" and row.fields["area_id"] == area.id


def test_areas_are_server_managed_and_not_queued(store, grid):
    assert outbox(store, "area") == []


def test_person_registration_writes_person_membership_and_head(store, grid):
    _, _, h1, _ = grid
    p = register.register_person(store, {"name": "张美玲", "id_number": ID_B, "household_id": h1.id, "relation": "户主"})
    assert (p.gender, p.birth_date, p.initials, p.pinyin) == ("female", date(1980, 5, 17), "zml", "zhangmeiling")
    [m] = outbox(store, "membership")
    assert m.fields["person_id"] == p.id and m.fields["relation"] == "head"
    with store.read() as s:
        assert s.get(Household, h1.id).head_person_id == p.id
    assert outbox(store, "household", h1.id)[-1].fields == {"head_person_id": p.id}
    # Local-only search columns are never sent.
    [row] = outbox(store, "person")
    assert "pinyin" not in row.fields and "initials" not in row.fields


def test_update_sends_only_changed_fields_and_nothing_when_unchanged(store, grid):
    _, _, h1, _ = grid
    p = register.register_person(store, {"name": "李四", "household_id": h1.id})
    register.update_person(store, p.id, {"phone": "13800138000", "name": "李四"})
    assert outbox(store, "person", p.id)[-1].fields == {"phone": "13800138000"}
    n = len(outbox(store))
    register.update_person(store, p.id, {"phone": "138 0013 8000"})
    assert len(outbox(store)) == n


def test_invalid_edit_changes_nothing(store, grid):
    _, _, h1, _ = grid
    p = register.register_person(store, {"name": "李四", "household_id": h1.id})
    n = len(outbox(store))
    with pytest.raises(InvalidRecord) as e:
        register.update_person(store, p.id, {"phone": "123", "name": "王五"})
    assert e.value.errors[0].field == "phone"
    with store.read() as s:
        assert s.get(Person, p.id).name == "李四"
    assert len(outbox(store)) == n


def test_move_person_keeps_history(store, grid):
    _, _, h1, h2 = grid
    p = register.register_person(store, {"name": "赵六", "household_id": h1.id, "relation": "head"}, moved_in=date(2020, 1, 1))
    register.move_person(store, p.id, h2.id, relation="tenant", on=date(2026, 3, 1), reason="租房")
    with store.read() as s:
        stays = s.exec(select(Membership).where(Membership.person_id == p.id).order_by(Membership.moved_in)).all()
        assert [(m.household_id, m.moved_in, m.moved_out, m.relation) for m in stays] == [
            (h1.id, date(2020, 1, 1), date(2026, 3, 1), "head"),
            (h2.id, date(2026, 3, 1), None, "tenant"),
        ]
        assert s.get(Household, h1.id).head_person_id is None
        moved = s.get(Person, p.id)
        assert moved.household_id == h2.id and moved.relation == "tenant"
        assert register.members(s, h1.id) == []


def test_moved_out_and_deceased_close_the_stay(store, grid):
    _, _, h1, _ = grid
    a = register.register_person(store, {"name": "甲", "household_id": h1.id})
    b = register.register_person(store, {"name": "乙", "household_id": h1.id})
    register.mark_moved_out(store, a.id, on=date(2026, 5, 1))
    register.mark_deceased(store, b.id, on=date(2026, 6, 1))
    with store.read() as s:
        assert {p.status for p in s.exec(select(Person))} == {"moved_out", "deceased"}
        assert all(m.moved_out for m in s.exec(select(Membership)))
        assert register.members(s, h1.id) == []
        assert len(register.members(s, h1.id, include_past=True)) == 2


def test_delete_is_a_tombstone_and_refuses_non_empty_parents(store, grid):
    _, b, h1, h2 = grid
    p = register.register_person(store, {"name": "甲", "household_id": h1.id})
    with pytest.raises(Refused) as e:
        register.delete_record(store, "household", h1.id)
    assert e.value.code == "not_empty"
    with pytest.raises(Refused):
        register.delete_record(store, "building", b.id)
    register.delete_record(store, "person", p.id)
    register.delete_record(store, "household", h1.id)
    with store.read() as s:
        assert s.get(Household, h1.id).deleted is True
    assert outbox(store, "household", h1.id)[-1].op == "delete"
    with pytest.raises(NotFound):
        register.update_household(store, h1.id, {"room": "302"})


def test_duplicate_id_number_refused_then_merge(store, grid):
    _, _, h1, h2 = grid
    keep = register.register_person(store, {"name": "王芳", "household_id": h1.id, "phone": "13900000000", "tags": ["elderly"]})
    dup = register.register_person(store, {"name": "王芳", "id_number": ID_A, "household_id": h2.id, "relation": "head", "tags": ["party_member"]})
    with pytest.raises(Refused) as e:
        register.register_person(store, {"name": "别人", "id_number": ID_A})
    assert e.value.code == "duplicate_id_number"
    merged = register.merge_persons(store, keep.id, dup.id)
    assert merged.id_number == ID_A and merged.phone == "13900000000"
    assert merged.tags == ["elderly", "party_member"]
    with store.read() as s:
        assert s.get(Person, dup.id).deleted
        assert {m.person_id for m in s.exec(select(Membership))} == {keep.id}
        assert s.get(Household, h2.id).head_person_id == keep.id


def test_merge_refuses_different_id_numbers(store):
    a = register.register_person(store, {"name": "甲", "id_number": ID_A})
    b = register.register_person(store, {"name": "甲", "id_number": ID_B})
    with pytest.raises(Refused) as e:
        register.merge_persons(store, a.id, b.id)
    assert e.value.code == "different_people"


def test_building_moved_to_another_grid_takes_households_and_people(store, grid):
    _, b, h1, _ = grid
    other = register.register_area(store, code="G02", name="二网格", level="grid")
    p = register.register_person(store, {"name": "甲", "household_id": h1.id})
    register.update_building(store, b.id, {"area_id": other.id})
    with store.read() as s:
        assert {h.area_id for h in s.exec(select(Household))} == {other.id}
        assert s.get(Person, p.id).area_id == other.id
    assert outbox(store, "person", p.id)[-1].fields == {"area_id": other.id}


def test_outbox_hlc_strictly_increases(store, grid):
    _, _, h1, _ = grid
    for i in range(20):
        register.register_person(store, {"name": f"人{i}", "household_id": h1.id})
    stamps = [Hlc.parse(r.hlc) for r in outbox(store)]
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)


def test_one_transaction_for_many_operations_is_all_or_nothing(store, grid):
    _, _, h1, _ = grid
    n = len(outbox(store))
    with pytest.raises(InvalidRecord):
        with transaction(store) as tx:
            register.register_person(tx, {"name": "甲", "household_id": h1.id})
            register.register_person(tx, {"name": "乙", "phone": "bad"})
    with store.read() as s:
        assert s.exec(select(Person)).all() == []
    assert len(outbox(store)) == n


def test_listeners_hear_changes_after_commit(store, grid):
    heard = []
    unsubscribe = changes.subscribe(lambda c: heard.append({k: set(v) for k, v in c.ids.items() if v}))
    try:
        _, _, h1, _ = grid
        p = register.register_person(store, {"name": "甲", "household_id": h1.id})
    finally:
        unsubscribe()
    assert p.id in heard[-1]["person"] and h1.id not in heard[-1].get("person", set())


def test_building_rename_renames_default_addresses_not_typed_ones(store, grid):
    _, b, h1, h2 = grid
    register.update_household(store, h2.id, {"address": "幸福小区南门旁平房"})
    register.update_building(store, b.id, {"name": "5号楼"})
    with store.read() as s:
        assert s.get(Household, h1.id).address == "幸福小区5号楼1单元301室"
        assert s.get(Household, h2.id).address == "幸福小区南门旁平房"
    assert outbox(store, "household", h1.id)[-1].fields == {"address": "幸福小区5号楼1单元301室"}
