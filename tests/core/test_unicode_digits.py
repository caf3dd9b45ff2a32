"""Digit fields in any script are stored in ASCII: full-width and Arabic-Indic ID numbers and phones (issue 11, item 8)."""

from __future__ import annotations

import json
import os

import pytest

from gridworker.domain import wire
from gridworker.domain.errors import GridWorkerError
from gridworker.domain.idnumber import check_char
from gridworker.domain.register import clean_household, clean_person
from gridworker.services import register as reg
from gridworker.services.base import transaction
from gridworker.services.search import find_people
from gridworker.store import migrate, search
from gridworker.store.database import Store

FIRST17 = "33010619850617031"
ID = FIRST17 + check_char(FIRST17)
FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
DEVANAGARI = str.maketrans("0123456789", "०१२३४५६७८९")


@pytest.mark.parametrize("table", [FULL_WIDTH, ARABIC_INDIC, DEVANAGARI], ids=["full-width", "arabic-indic", "devanagari"])
def test_validation_stores_id_numbers_and_phones_in_ascii(table):
    person = clean_person({"name": "张伟", "id_number": ID.translate(table), "phone": "13800138000".translate(table)})
    assert person["id_number"] == ID and person["phone"] == "13800138000"
    assert clean_household({"room": "301", "phone": "0571-87654321".translate(table)})["phone"] == "0571-87654321"
    # The same cleaning serves the server's push validation.
    pushed = wire.validate("person", {"name": "张伟", "id_number": ID.translate(table), "phone": "+86 13800138000".translate(table)}, creating=True)
    assert pushed["id_number"] == ID and pushed["phone"] == "13800138000"


def test_full_width_x_and_signs_are_ascii_too():
    first17 = "11010519900101012"
    number = first17 + check_char(first17)
    typed = number.translate(FULL_WIDTH).replace("X", "Ｘ").lower() if number.endswith("X") else number.translate(FULL_WIDTH)
    assert clean_person({"name": "甲", "id_number": typed})["id_number"] == number
    assert clean_person({"name": "甲", "phone": "＋８６ １３８００１３８０００"})["phone"] == "13800138000"


def test_non_digits_in_other_scripts_are_still_refused():
    with pytest.raises(GridWorkerError):
        clean_person({"name": "甲", "id_number": ID[:-3] + "一二三"})
    with pytest.raises(GridWorkerError):
        clean_person({"name": "甲", "phone": "138零零138000"})


def test_an_id_typed_in_full_width_is_found_by_search_and_by_the_duplicate_check(store):
    with transaction(store) as tx:
        area = reg.register_area(tx, code="g1", name="一网格", level="grid")
        building = reg.register_building(tx, {"name": "1号楼", "estate": "和平里", "area_id": area.id})
        hh = reg.register_household(tx, {"building_id": building.id, "unit": "1", "room": "101"})
        reg.register_person(tx, {"name": "张伟", "household_id": hh.id, "relation": "head", "id_number": ID.translate(FULL_WIDTH)})
    assert [h.name for h in find_people(store, ID)] == ["张伟"]
    with pytest.raises(GridWorkerError) as refused:
        reg.register_person(store, {"name": "张伟二", "household_id": hh.id, "relation": "tenant", "id_number": ID})
    assert refused.value.code == "duplicate_id_number"


def test_store_migration_repairs_stored_digits_and_the_search_finds_them(tmp_path, monkeypatch):
    st = Store(tmp_path / "old.db", os.urandom(32), migrate=False)
    try:
        migrate.upgrade(st.engine, "0004")
        typed_id, typed_phone = ID.translate(FULL_WIDTH), "13800138000".translate(ARABIC_INDIC)
        with st.engine.begin() as c:
            c.exec_driver_sql(
                "INSERT INTO household (id, area_id, version, deleted, updated_at, extra, unit, room, address, phone)"
                " VALUES ('h1', 'g1', 1, 0, '2026-01-05 02:00:00.000000', '{}', '1', '101', '和平里1号楼', ?)",
                ("0571-87654321".translate(DEVANAGARI),),
            )
            c.exec_driver_sql(
                "INSERT INTO person (id, area_id, version, deleted, updated_at, extra, household_id, name, tags, status,"
                " id_number, phone) VALUES ('p1', 'g1', 1, 0, '2026-01-05 02:00:00.000000', '{}', 'h1', '张伟', ?,"
                " 'active', ?, ?)",
                (json.dumps([]), typed_id, typed_phone),
            )
        with st.write() as s, monkeypatch.context() as m:
            m.setattr(search, "_numbered", lambda _cur, docs: docs)  # areas by id, as before migration 0010
            m.setattr(search, "_FTS", {"search_fts": search._TEXT_COLUMNS})  # one trigram index, as before 0012_s7_search
            m.setattr(search.pieces, "clear", lambda _cur: None)  # no name pieces here: 0012_s7_search makes them
            m.setattr(search.pieces, "index_names", lambda _cur, _docs: None)
            search.rebuild(s)  # indexed as typed, as the app before this fix did
        assert find_people(st, ID) == [] and find_people(st, "13800138000") == []

        migrate.upgrade(st.engine)
        with st.engine.connect() as c:
            assert c.exec_driver_sql("SELECT id_number, phone FROM person").one() == (ID, "13800138000")
            assert c.exec_driver_sql("SELECT phone FROM household").scalar() == "0571-87654321"
        assert [h.name for h in find_people(st, ID)] == ["张伟"]
        assert [h.name for h in find_people(st, "13800138000")] == ["张伟"]
        assert [h.name for h in find_people(st, "87654321")] == ["张伟"]
        from alembic import command  # the store imports Alembic only when it migrates

        command.downgrade(migrate.config(st.engine), "0004")  # and up again: idempotent
        migrate.upgrade(st.engine)
        assert [h.name for h in find_people(st, ID)] == ["张伟"]
    finally:
        st.close()
