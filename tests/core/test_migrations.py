"""Schema upgrades on a database made by an older version: rows survive, new tables work, models match."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel, select

import gridworker.store.all_models  # noqa: F401  (every table on the metadata)
from gridworker.domain.fieldwork import Incident, IncidentEvent, Photo, Visit, Walkround
from gridworker.domain.models import Household, Outbox, Person
from gridworker.store import migrate
from gridworker.store.database import Store

# Tables another migration makes with raw SQL (the search index): not on the metadata.
RAW_SQL_TABLES = ("search_",)


@pytest.fixture
def old_store(tmp_path):
    """A database as version 0001 of the app left it, with register rows and unsent outbox rows."""
    st = Store(tmp_path / "old.db", os.urandom(32), migrate=False)
    migrate.upgrade(st.engine, "0001")
    assert migrate.current(st.engine) == "0001"
    with st.engine.begin() as c:
        c.exec_driver_sql(
            "INSERT INTO household (id, area_id, version, deleted, updated_at, extra, unit, room, floor, address)"
            " VALUES ('h1', 'g1', 3, 0, '2026-01-05 02:00:00.000000', '{}', '2', '301', 3, '幸福小区1号楼2单元301室')"
        )
        c.exec_driver_sql(
            "INSERT INTO person (id, area_id, version, deleted, updated_at, extra, household_id, name, tags, status)"
            " VALUES ('p1', 'g1', 0, 0, '2026-01-05 02:00:00.000000', '{}', 'h1', '张美玲', ?, 'active')",
            (json.dumps(["elderly_alone"]),),
        )
        c.exec_driver_sql(
            "INSERT INTO outbox (mutation_id, entity, record_id, op, fields, base_version, hlc, created_at, state)"
            " VALUES ('m1', 'person', 'p1', 'upsert', ?, NULL, '1767578400000-0000-dev1', '2026-01-05 02:00:00.000000',"
            " 'pending')",
            (json.dumps({"name": "张美玲", "tags": ["elderly_alone"]}, ensure_ascii=False),),
        )
    yield st
    st.close()


def test_upgrade_from_0001_keeps_rows_and_adds_working_tables(old_store):
    migrate.upgrade(old_store.engine)
    assert migrate.current(old_store.engine) == migrate.head()

    with old_store.read() as s:
        hh = s.get(Household, "h1")
        assert (hh.version, hh.room, hh.floor, hh.address) == (3, "301", 3, "幸福小区1号楼2单元301室")
        assert s.get(Person, "p1").tags == ["elderly_alone"]
        [row] = s.exec(select(Outbox)).all()
        assert (row.mutation_id, row.state, row.fields["name"]) == ("m1", "pending", "张美玲")

    at = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    with old_store.write() as s:
        s.add(Visit(area_id="g1", household_id="h1", visitor_id="u1", outcome="met", visited_at=at, photo_ids=["ph1"]))
        s.add(Photo(id="ph1", sha256="a" * 64, owner_entity="visit", entity_id="v1", width=4, height=3, bytes=9,
                    mime="image/jpeg"))
        s.add(Incident(id="i1", title="井盖缺失", description="井盖缺失", category="C0101", reporter_id="u1", reported_at=at))
        s.add(IncidentEvent(incident_id="i1", action="report", actor_id="u1", actor_role="worker", at=at))
        s.add(Walkround(name="1号楼", household_ids=["h1"], planned_at=at))
    with old_store.read() as s:
        visit = s.exec(select(Visit)).one()
        assert (visit.visited_at, visit.photo_ids) == (at, ["ph1"])
        assert s.get(Photo, "ph1").owner_entity == "visit"
        assert s.get(Incident, "i1").status == "reported"
        assert s.exec(select(IncidentEvent)).one().at == at
        assert s.exec(select(Walkround)).one().household_ids == ["h1"]
    # The column keeps the wire name `entity` although the attribute cannot.
    with old_store.engine.connect() as c:
        assert c.exec_driver_sql("SELECT entity FROM photo").scalar_one() == "visit"


def test_models_and_migrations_agree(old_store):
    migrate.upgrade(old_store.engine)
    with old_store.engine.connect() as c:
        diff = compare_metadata(MigrationContext.configure(c), SQLModel.metadata)

    def about_raw_sql_table(change) -> bool:
        table = getattr(change[1], "table", None) if len(change) > 1 else None
        name = getattr(table, "name", None) or getattr(change[1], "name", "")
        return str(name).startswith(RAW_SQL_TABLES)

    flat = [d for group in diff for d in (group if isinstance(group, list) else [group])]
    assert [d for d in flat if not about_raw_sql_table(d)] == []


def test_upgrade_of_an_up_to_date_database_is_a_no_op(old_store, monkeypatch):
    migrate.upgrade(old_store.engine)
    with old_store.engine.connect() as c:
        schema = c.exec_driver_sql("SELECT type, name, sql FROM sqlite_master ORDER BY name").all()
        outbox = c.exec_driver_sql("SELECT * FROM outbox").all()

    def must_not_run(*args, **kwargs):
        raise AssertionError("alembic upgrade ran on an up-to-date database")

    monkeypatch.setattr(command, "upgrade", must_not_run)
    migrate.upgrade(old_store.engine)
    with old_store.engine.connect() as c:
        assert c.exec_driver_sql("SELECT type, name, sql FROM sqlite_master ORDER BY name").all() == schema
        assert c.exec_driver_sql("SELECT * FROM outbox").all() == outbox
    assert migrate.current(old_store.engine) == migrate.head()


def test_downgrade_to_0001_removes_only_the_fieldwork_tables(old_store):
    migrate.upgrade(old_store.engine)
    command.downgrade(migrate.config(old_store.engine), "0001")
    with old_store.engine.connect() as c:
        names = {r[0] for r in c.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert c.exec_driver_sql("SELECT room FROM household WHERE id = 'h1'").scalar_one() == "301"
    assert not names & {"visit", "walkround", "incident", "incident_event", "photo"}
    assert {"household", "person", "outbox"} <= names


def _synced_at_0003(store, *, cursor: str | None) -> None:
    """A database of version 0003 that pulled the household (the person is unsent), maybe with a finished pull."""
    migrate.upgrade(store.engine, "0003")
    with store.engine.begin() as c:
        if cursor is not None:
            c.exec_driver_sql("INSERT INTO meta (key, value) VALUES ('sync.cursor', ?)", (cursor,))
        c.exec_driver_sql("INSERT INTO meta (key, value) VALUES ('sync.epoch', 'e1')")


def test_upgrade_to_0004_asks_a_synced_database_for_one_full_reread(old_store):
    from gridworker.domain.users import User
    from gridworker.sync import resync

    _synced_at_0003(old_store, cursor="c1.abc")
    migrate.upgrade(old_store.engine)
    with old_store.engine.connect() as c:
        checklist = set(c.exec_driver_sql("SELECT entity, record_id FROM sync_resync").all())
        meta = dict(c.exec_driver_sql("SELECT key, value FROM meta").all())
    # Every record the server had sent is to be seen again; the unsent person (version 0) is not on the list.
    assert checklist == {("household", "h1")}
    assert "sync.cursor" not in meta and meta["sync.epoch"] == "e1"
    assert meta["sync.resync"] == resync.REREAD
    with old_store.read() as s:
        assert resync.in_progress(s) and not resync.after_restore(s)
    with old_store.write() as s:
        s.add(User(id="u1", username="chengang", display_name="陈刚", role="handler", area_ids=["g1"]))
    with old_store.read() as s:
        user = s.get(User, "u1")
        assert (user.display_name, user.area_ids, user.active) == ("陈刚", ["g1"], True)


def test_upgrade_to_0004_of_a_database_that_never_finished_a_pull_changes_no_sync_state(old_store):
    _synced_at_0003(old_store, cursor=None)
    migrate.upgrade(old_store.engine)
    with old_store.engine.connect() as c:
        assert c.exec_driver_sql("SELECT count(*) FROM sync_resync").scalar_one() == 0
        assert c.exec_driver_sql("SELECT value FROM meta WHERE key = 'sync.resync'").first() is None


def test_upgrade_to_0011_lists_every_record_pushed_before_as_unsure(old_store):
    """An older version kept no list: a row whose version a `merged` answer gave may lack the other writer's
    field, so every record with a sent or refused outbox row has its next change written (sync/pull.py)."""
    migrate.upgrade(old_store.engine, "0010_s6_outbox")
    with old_store.engine.begin() as c:
        for n, (rid, state) in enumerate([("h1", "sent"), ("h1", "sent"), ("p2", "rejected"), ("p3", "pending")]):
            c.exec_driver_sql(
                "INSERT INTO outbox (mutation_id, entity, record_id, op, fields, base_version, hlc, created_at, state)"
                " VALUES (?, ?, ?, 'upsert', '{}', 1, '1767578400000-0000-dev1', '2026-01-05 02:00:00.000000', ?)",
                (f"m-{n}", "household" if rid == "h1" else "person", rid, state),
            )
    migrate.upgrade(old_store.engine)
    with old_store.engine.connect() as c:
        listed = set(c.exec_driver_sql("SELECT entity, record_id FROM sync_unsure").all())
    assert listed == {("household", "h1"), ("person", "p2")}


def test_data_a_newer_version_wrote_is_refused_in_words_and_left_as_it_is(tmp_path, gridworker_home, monkeypatch, capsys):
    """A database at a revision this version does not have (the user went back to an older app): a sentence in
    the user's language, not Alembic's traceback, and nothing changed."""
    from gridworker.cli import main
    from gridworker.store import AccountManager
    from tests.conftest import PASSWORD

    accounts = AccountManager(gridworker_home)
    accounts.create("w", PASSWORD)
    account, st = accounts.open("w", PASSWORD)
    key = st.key
    with st.engine.begin() as c:
        c.exec_driver_sql("UPDATE alembic_version SET version_num = '0099_from_a_newer_app'")
    st.close()
    with pytest.raises(migrate.NewerData) as caught:
        accounts.open("w", PASSWORD)
    assert caught.value.message("en").startswith("This account's data was written by a newer version of GridWorker")
    monkeypatch.setenv("GRIDWORKER_PASSWORD", PASSWORD)
    code = main(["--account", "w", "status"])
    out = capsys.readouterr()
    assert code != 0 and "由更新版本的网格员工作台写入" in out.err and "Traceback" not in out.err + out.out
    assert "alembic" not in (out.err + out.out).lower()
    again = Store(account.db_path, key, migrate=False)
    try:
        assert migrate.current(again.engine) == "0099_from_a_newer_app"
    finally:
        again.close()
