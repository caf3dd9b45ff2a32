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
    """Migration 0013: an outbox row's stamp is its time, created_at goes; a mutation id may be NULL (a reference
    create never sent), and one NULL at a downgrade gets an id again."""
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
            c.exec_driver_sql("UPDATE outbox SET mutation_id = NULL WHERE seq = 3")
        command.downgrade(migrate.config(st.engine), "0012_s7_search")
        with st.engine.connect() as c:
            assert c.exec_driver_sql("SELECT count(*), min(created_at) FROM outbox").one() == (3, "1970-01-01 00:00:00.000000")
            ids = [r[0] for r in c.exec_driver_sql("SELECT mutation_id FROM outbox ORDER BY seq")]
            assert ids[:2] == ["m1", "m2"] and len(ids[2]) == 36 and ids[2][14] == "4"
    finally:
        st.close()



def test_a_reference_create_stores_no_mutation_id_until_it_is_sent_and_keeps_the_one_it_was_read_with(store, tmp_path):
    """An imported create's id is derived from its row (the same at every read) and stored when it goes on the
    wire, or when a squash merges a later edit into it (its stamp changes then, the id does not)."""
    from gridworker.services.excel import import_register
    from gridworker.sync import push
    from tests.core.test_excel import BASE, write_book

    result = import_register(store, write_book(tmp_path / "r.xlsx", BASE), create_areas=True)
    assert result.committed
    with store.read() as s:
        conn = s.connection()
        nulls = conn.exec_driver_sql("SELECT count(*), count(DISTINCT entity) FROM outbox WHERE mutation_id IS NULL").one()
        first, again = push.load_pending(s), push.load_pending(s)
    assert nulls[0] >= 3 and nulls[1] == 3  # households, people and stays: references
    assert [p.mutation_id for p in first] == [p.mutation_id for p in again]
    assert len({p.mutation_id for p in first}) == len(first) and all(len(p.mutation_id) == 36 for p in first)
    person = next(p for p in first if p.entity == "person")
    register.update_person(store, person.record_id, {"phone": "13700001111"})  # an edit before the push: squashed in
    with store.write() as s:
        rows = push.squash(s)
        merged = next(p for p in rows if p.key == person.key)
        assert merged.mutation_id == person.mutation_id and merged.hlc > person.hlc and merged.fields["phone"] == "13700001111"
        stored = s.connection().exec_driver_sql("SELECT mutation_id FROM outbox WHERE seq = ?", (merged.seq,)).scalar_one()
        assert stored == person.mutation_id
        batch = [p for p in rows if p.ref][:5]
        push.mark_attempted(s, batch)
    with store.read() as s:
        ids = dict(s.connection().exec_driver_sql(
            f"SELECT seq, mutation_id FROM outbox WHERE seq IN ({','.join(str(p.seq) for p in batch)})").all())  # fmt: skip
        again = {p.seq: p.mutation_id for p in push.load_pending(s)}
    assert ids == {p.seq: p.mutation_id for p in batch} == {seq: again[seq] for seq in ids}  # the ids as sent, kept
