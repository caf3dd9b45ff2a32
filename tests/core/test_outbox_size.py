"""The outbox's indexes are those its queries use; the search entries hold their area as a number (issue 14
target 3: the database's size).

Migration 0010_s6_outbox dropped the unique index on mutation_id: the look-ups
of a refused row by its mutation id also ask for state 'rejected', which
ix_outbox_state answers. The upgrade keeps every row and its seq.
"""

from __future__ import annotations

import json
import os

from alembic import command
from sqlmodel import select

from gridworker.domain.models import Outbox
from gridworker.services import register
from gridworker.store import migrate
from gridworker.store.database import Store


def _indexes(conn) -> set[str]:
    return {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'outbox'")}


def _plan(conn, sql: str, params: tuple = ()) -> str:
    return " ".join(str(r[-1]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params))


def test_every_outbox_index_serves_a_query_and_the_refused_look_up_needs_no_other(store):
    area = register.register_area(store, code="G1", name="一网格", level="grid")
    b = register.register_building(store, {"name": "1号楼", "area_id": area.id})
    register.register_household(store, {"building_id": b.id, "room": "101"})
    with store.read() as s:
        conn = s.connection()
        assert _indexes(conn) == {"ix_outbox_record", "ix_outbox_state"}
        # The refused row by its id (services/refused.discard_refused, sync/conflicts.dismiss).
        refused = str(select(Outbox).where(Outbox.mutation_id == "m", Outbox.state == "rejected").compile(
            compile_kwargs={"literal_binds": True}))  # fmt: skip
        assert "ix_outbox_state" in _plan(conn, refused)
        # The unsent rows, in order (sync/push.load_pending).
        assert "ix_outbox_state" in _plan(conn, "SELECT * FROM outbox WHERE state = 'pending' ORDER BY seq")
        # A record's rows (services/queries/outbox.sync_state_in, push._show_server_value, resync).
        assert "ix_outbox_record" in _plan(conn, "SELECT state, count(*) FROM outbox WHERE entity = 'household' "
                                                 "AND record_id IN ('a', 'b') GROUP BY state")  # fmt: skip


def test_the_upgrade_keeps_every_outbox_row_and_its_number(tmp_path):
    st = Store(tmp_path / "old.db", os.urandom(32), migrate=False)
    try:
        migrate.upgrade(st.engine, "0009_gap_eval")
        rows = [(n * 3, f"m{n}", "person", f"p{n}", "upsert", json.dumps({"name": f"人{n}"}, ensure_ascii=False), None,
                 f"17675784000{n:02d}-0000-dev1", "2026-01-05 02:00:00.000000", "pending" if n % 2 else "sent", None)
                for n in range(1, 8)]  # fmt: skip
        with st.engine.begin() as c:
            assert "sqlite_autoindex_outbox_1" in _indexes(c)
            c.exec_driver_sql("INSERT INTO outbox VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows[0])
            for row in rows[1:]:
                c.exec_driver_sql("INSERT INTO outbox VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row)
        migrate.upgrade(st.engine, "0010_s6_outbox")
        with st.engine.begin() as c:
            assert [tuple(r) for r in c.exec_driver_sql("SELECT * FROM outbox ORDER BY seq")] == rows
            assert _indexes(c) == {"ix_outbox_record", "ix_outbox_state"}
            c.exec_driver_sql("INSERT INTO outbox (mutation_id, entity, record_id, op, fields, hlc, created_at, state) "
                              "VALUES ('m9', 'person', 'p9', 'upsert', '{}', 'h', '2026-01-05 02:00:00', 'pending')")  # fmt: skip
            assert c.exec_driver_sql("SELECT max(seq) FROM outbox").scalar_one() == 22  # numbering goes on
        command.downgrade(migrate.config(st.engine), "0009_gap_eval")
        with st.engine.connect() as c:
            assert "sqlite_autoindex_outbox_1" in _indexes(c)
            assert c.exec_driver_sql("SELECT count(*) FROM outbox").scalar_one() == 8
    finally:
        st.close()


def test_search_entries_hold_their_area_as_a_small_number_and_the_area_filter_still_works(store):
    from gridworker.services.search import find_people

    community = register.register_area(store, code="C1", name="幸福社区", level="community")
    grids = [register.register_area(store, code=f"G{n}", name=f"{n}网格", level="grid", parent_id=community.id)
             for n in (1, 2)]  # fmt: skip
    for n, grid in enumerate(grids):
        b = register.register_building(store, {"name": f"{n}号楼", "area_id": grid.id})
        hh = register.register_household(store, {"building_id": b.id, "room": "101"})
        register.register_person(store, {"name": f"张{n}", "household_id": hh.id, "relation": "户主"})
    with store.read() as s:
        kinds = {tuple(r) for r in s.connection().exec_driver_sql("SELECT typeof(area_id), length(area_id) FROM search_doc")}
    assert kinds == {("text", 1)}
    assert [h.name for h in find_people(store, "张", area_ids=[grids[1].id])] == ["张1"]
    assert sorted(h.name for h in find_people(store, "张", area_ids=[community.id])) == ["张0", "张1"]


def test_the_upgrade_numbers_the_areas_of_the_search_entries(tmp_path):
    st = Store(tmp_path / "old.db", os.urandom(32), migrate=False)
    try:
        migrate.upgrade(st.engine, "0009_gap_eval")
        with st.engine.begin() as c:
            for n, area in enumerate(["area-b", "area-a", "area-b", None]):
                c.exec_driver_sql("INSERT INTO search_doc (person_id, name, pinyin, initials, numbers, address, status, "
                                  "area_id) VALUES (?, '张', 'zhang', 'z', '', '', 'active', ?)", (f"p{n}", area))  # fmt: skip
        migrate.upgrade(st.engine)
        with st.engine.begin() as c:
            docs = c.exec_driver_sql("SELECT d.person_id, typeof(d.area_id), a.area_id FROM search_doc d "
                                     "LEFT JOIN search_area a ON CAST(a.n AS TEXT) = d.area_id ORDER BY d.person_id").all()  # fmt: skip
        assert [tuple(d) for d in docs] == [("p0", "text", "area-b"), ("p1", "text", "area-a"),
                                            ("p2", "text", "area-b"), ("p3", "null", None)]  # fmt: skip
        command.downgrade(migrate.config(st.engine), "0009_gap_eval")
        with st.engine.connect() as c:
            assert [r[0] for r in c.exec_driver_sql("SELECT area_id FROM search_doc ORDER BY person_id")] == [
                "area-b", "area-a", "area-b", None]
    finally:
        st.close()


def test_the_outbox_keeps_no_created_at_and_every_other_value_survives_the_upgrade(tmp_path):
    """Migration 0013: nothing read an outbox row's created_at (its stamp is its time); the column goes."""
    st = Store(tmp_path / "old.db", os.urandom(32), migrate=False)
    try:
        migrate.upgrade(st.engine, "0012_s7_search")
        rows = [(n, f"m{n}", "person", f"p{n}", "upsert", json.dumps({"name": f"人{n}"}, ensure_ascii=False), None,
                 f"17675784000{n:02d}-0000-dev1", "2026-01-05 02:00:00.000000", "pending" if n % 2 else "sent", None)
                for n in range(1, 4)]  # fmt: skip
        with st.engine.begin() as c:
            for row in rows:
                c.exec_driver_sql("INSERT INTO outbox (seq, mutation_id, entity, record_id, op, fields, base_version, hlc, "
                                  "created_at, state, result) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row)  # fmt: skip
        migrate.upgrade(st.engine)
        with st.engine.begin() as c:
            columns = [r[1] for r in c.exec_driver_sql("PRAGMA table_info(outbox)")]
            assert "created_at" not in columns and "hlc" in columns
            assert [tuple(r) for r in c.exec_driver_sql("SELECT * FROM outbox ORDER BY seq")] == [r[:8] + r[9:] for r in rows]
            assert _indexes(c) == {"ix_outbox_record", "ix_outbox_state"}
        command.downgrade(migrate.config(st.engine), "0012_s7_search")
        with st.engine.connect() as c:
            assert c.exec_driver_sql("SELECT count(*), min(created_at) FROM outbox").one() == (3, "1970-01-01 00:00:00.000000")
    finally:
        st.close()

