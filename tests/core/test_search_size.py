"""The search index's size (issue 14 target 3): what each part holds is what a query needs.

- A building's street address is found through the building rows, not stored in
  every person's entry (it was most of each entry's text): street names alone and
  mixed with a room or a name still find the people living there.
- The trigram indexes keep neither positions, columns nor sizes (detail='none',
  columnsize=0): a candidate is checked against its search_doc column anyway;
  names (search_fts_name) and numbers and places (search_fts) are apart.
- The name pieces are words of a contentless FTS5 table (search_piece), which
  stores no text: a person's pieces are forgotten by handing back the old name's.
- Migration 0012_s7_search remakes the index's tables in place; the entries survive.
"""

from __future__ import annotations

import os

from alembic import command

from gridworker.services import register as reg
from gridworker.services.base import transaction
from gridworker.services.search import find_people
from gridworker.store import migrate, search_pieces
from gridworker.store.database import Store


def _plan(conn, sql: str, params: tuple = ()) -> str:
    return " ".join(str(r[-1]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params))


def _street_register(store):
    with transaction(store) as tx:
        community = reg.register_area(tx, code="c1", name="幸福社区", level="community")
        g1 = reg.register_area(tx, code="g1", name="一网格", level="grid", parent_id=community.id)
        g2 = reg.register_area(tx, code="g2", name="二网格", level="grid", parent_id=community.id)
        b1 = reg.register_building(tx, {"name": "1幢", "estate": "翡翠家园", "area_id": g1.id,
                                        "address": "浙江省杭州市西湖区幸福街道学院路78号翡翠家园1幢"})
        b2 = reg.register_building(tx, {"name": "2幢", "estate": "和睦花园", "area_id": g2.id,
                                        "address": "浙江省杭州市西湖区幸福街道教工路207号和睦花园2幢"})
        people = {}
        for building, room, name in ((b1, "301", "张美玲"), (b1, "302", "王建国"), (b2, "301", "张伟"), (b2, "101", "李娜")):
            hh = reg.register_household(tx, {"building_id": building.id, "unit": "1", "room": room})
            people[name] = reg.register_person(tx, {"name": name, "household_id": hh.id, "relation": "head"}).id
    return g1.id, g2.id, b1.id, people


def _names(store, query: str, **kw) -> set[str]:
    return {h.name for h in find_people(store, query, **kw)}


def test_street_names_are_found_through_the_building_not_each_entry(store):
    g1, g2, b1, people = _street_register(store)
    with store.read() as s:
        addresses = [r[0] for r in s.connection().exec_driver_sql("SELECT address FROM search_doc")]
    assert len(addresses) == 4 and not any("学院路" in a or "浙江省" in a for a in addresses)
    assert _names(store, "学院路") == {"张美玲", "王建国"}
    assert {h.match for h in find_people(store, "学院路78号")} == {"address"}
    assert _names(store, "幸福街道") == {"张美玲", "王建国", "张伟", "李娜"}
    assert _names(store, "学院路 301") == {"张美玲"}  # a street and a room
    assert _names(store, "301 教工路207号") == {"张伟"}
    assert _names(store, "学院路 王") == {"王建国"}  # a street and a name piece
    assert _names(store, "张美玲 翡翠家园") == {"张美玲"}  # a name and an estate: the two trigram indexes
    assert _names(store, "王建国 学院路78号") == {"王建国"} and _names(store, "张美玲 教工路") == set()
    assert _names(store, "张 教工") == {"张伟"}  # short words only
    assert _names(store, "学院路 李娜") == set()  # every word must match
    assert _names(store, "学院路", area_ids=[g2]) == set()  # the filters hold on the buildings' path
    reg.mark_moved_out(store, people["王建国"])
    with store.read() as s:  # an active person's status is '' in the index: nothing stored, in the row or its indexes
        statuses = dict(s.connection().exec_driver_sql("SELECT name, status FROM search_doc").all())
    assert statuses == {"张美玲": "", "王建国": "moved_out", "张伟": "", "李娜": ""}
    assert _names(store, "学院路") == {"张美玲"}
    assert _names(store, "学院路", include_inactive=True) == {"张美玲", "王建国"}
    reg.update_building(store, b1, {"address": "浙江省杭州市西湖区幸福街道文三路9号"})
    assert _names(store, "文三路 301") == {"张美玲"} and _names(store, "学院路") == set()


def test_the_trigram_index_keeps_no_positions_or_sizes_and_the_name_pieces_no_text(store):
    _street_register(store)
    with store.read() as s:
        conn = s.connection()
        tables = dict(conn.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE name LIKE 'search%'").all())
        for fts in ("search_fts", "search_fts_name"):
            assert "detail='none'" in tables[fts] and "columnsize=0" in tables[fts]
            assert f"{fts}_docsize" not in tables
        assert "search_gram" not in tables
        assert "content=''" in tables["search_piece"] and "detail='none'" in tables["search_piece"]
        assert not {"search_piece_content", "search_piece_docsize"} & tables.keys()
    # A renamed person loses the old name's pieces and gains the new name's.
    [hit] = find_people(store, "李娜")
    reg.update_person(store, hit.person_id, {"name": "李小娜"})
    assert _names(store, "娜") == {"李小娜"} and _names(store, "李娜") == set() and _names(store, "小娜") == {"李小娜"}
    with store.read() as s:
        held = search_pieces.indexed(s.connection().connection.driver_connection.cursor())
    assert {piece for pid, piece in held if pid == hit.person_id} == {"李", "小", "娜", "李小", "小娜"}
    assert {pid for pid, piece in held if piece == "李娜"} == set()
    _fts_consistent(store)


def _fts_consistent(store) -> None:
    with store.read() as s:
        for fts in ("search_fts", "search_fts_name"):
            s.connection().exec_driver_sql(f"INSERT INTO {fts}({fts}, rank) VALUES ('integrity-check', 1)")


def test_the_upgrade_remakes_the_index_tables_and_keeps_every_entry(tmp_path):
    st = Store(tmp_path / "old.db", os.urandom(32), migrate=False)
    try:
        migrate.upgrade(st.engine, "0010_s6_outbox")
        with st.engine.begin() as c:
            c.exec_driver_sql("INSERT INTO person (id, area_id, version, deleted, updated_at, extra, name, tags, status)"
                              " VALUES ('p1', NULL, 0, 0, '2026-01-05 02:00:00.000000', '{}', '张美玲', '[]', 'active')")
            c.exec_driver_sql("INSERT INTO search_doc (person_id, name, pinyin, initials, numbers, address, status) "
                              "VALUES ('p1', '张美玲', 'zhangmeiling', 'zml', '13800138000', '幸福小区3号楼 学院路78号', 'active')")
            doc = c.exec_driver_sql("SELECT id FROM search_doc").scalar()
            c.exec_driver_sql("INSERT INTO search_gram (doc, gram) VALUES " + ", ".join(
                f"({doc}, '{g}')" for g in ("张", "美", "玲", "张美", "美玲")))
            c.exec_driver_sql("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
        migrate.upgrade(st.engine)
        for query in ("张美玲", "美玲", "玲", "zml", "meiling", "38001", "学院路", "幸福 学院路", "美 幸福"):
            assert [h.name for h in find_people(st, query)] == ["张美玲"], query
        _fts_consistent(st)
        with st.engine.begin() as c:
            assert "columnsize=0" in c.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'search_fts'").scalar()
            assert c.exec_driver_sql("SELECT status FROM search_doc").scalar() == ""
        command.downgrade(migrate.config(st.engine), "0010_s6_outbox")
        with st.engine.begin() as c:
            assert c.exec_driver_sql("SELECT count(*) FROM search_fts WHERE search_fts MATCH 'name : \"美玲\"'").scalar() == 0
            assert c.exec_driver_sql("SELECT count(*) FROM search_fts WHERE search_fts MATCH 'name : \"张美玲\"'").scalar() == 1
            assert c.exec_driver_sql("SELECT count(*) FROM search_gram WHERE gram = '美玲'").scalar() == 1
            assert c.exec_driver_sql("SELECT count(*) FROM search_gram").scalar() == 5
            assert c.exec_driver_sql("SELECT status FROM search_doc").scalar() == "active"
    finally:
        st.close()


def test_the_records_keep_only_indexes_a_query_uses(store):
    _street_register(store)
    with store.read() as s:
        conn = s.connection()
        indexes = {t: {r[0] for r in conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", (t,))}
            for t in ("person", "household", "membership")}  # fmt: skip
        assert indexes == {
            "person": {"ix_person_area_id", "ix_person_household_id", "ix_person_id_number", "ix_person_phone",
                       "ix_person_tagged"},
            "household": {"ix_household_key", "ix_household_area_live"},
            "membership": {"ix_membership_household_id", "ix_membership_person_id"},
        }
        # A household's area (statistics, the due list, a link's area rewrite): the live-households index answers it.
        assert "ix_household_area_live" in _plan(conn, "SELECT id FROM household WHERE area_id = ?", ("a",))
        assert "ix_household_area_live" in _plan(conn, "SELECT id, version FROM household WHERE area_id IN ('a', 'b')")
        # A person by name (a resident's namesakes in the register): search_doc's name index.
        assert "ix_search_doc_name" in _plan(conn, "SELECT person_id FROM search_doc WHERE name = ?", ("张美玲",))
        # Stays by person and by household (the household card, a move).
        assert "ix_membership_person_id" in _plan(conn, "SELECT * FROM membership WHERE person_id = ?", ("p",))
        assert "ix_membership_household_id" in _plan(conn, "SELECT * FROM membership WHERE household_id = ?", ("h",))


def test_a_number_shared_by_the_person_and_the_household_is_indexed_once(store):
    with transaction(store) as tx:
        grid = reg.register_area(tx, code="g1", name="一网格", level="grid")
        b = reg.register_building(tx, {"name": "1幢", "estate": "翡翠家园", "area_id": grid.id})
        hh = reg.register_household(tx, {"building_id": b.id, "room": "101", "phone": "13592832413"})
        reg.register_person(tx, {"name": "潘嘉宇", "household_id": hh.id, "relation": "head", "phone": "13592832413"})
        reg.register_person(tx, {"name": "王一诺", "household_id": hh.id, "relation": "spouse", "phone": "13800138000"})
    with store.read() as s:
        numbers = dict(s.connection().exec_driver_sql("SELECT name, numbers FROM search_doc").all())
    assert numbers == {"潘嘉宇": "13592832413", "王一诺": "13800138000 13592832413"}
    assert _names(store, "13592832413") == {"潘嘉宇", "王一诺"} and _names(store, "2832413") == {"潘嘉宇", "王一诺"}
    assert _names(store, "13800138000") == {"王一诺"}
