"""The bulk write path (store/bulk.py): new rows and outbox rows go in by executemany, the clock is read once.

Every guarantee of the ORM path is kept: a query in the same transaction sees
the rows, `s.get` finds a new record, a change made after the record was held
is saved, a rollback leaves nothing, the stored text is what the ORM wrote.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import event
from sqlmodel import func, select

from gridworker.domain.models import Household, Meta, Outbox, Person
from gridworker.services import register
from gridworker.services.base import transaction


@pytest.fixture
def home(store):
    area = register.register_area(store, code="G01", name="一网格", level="grid")
    b = register.register_building(store, {"name": "3号楼", "estate": "幸福小区", "area_id": area.id})
    return register.register_household(store, {"building_id": b.id, "unit": "1", "room": "301"})


class _Statements:
    """The SQL the ORM sends (the bulk path's executemany goes to the driver's cursor, below this)."""

    def __init__(self, store):
        self.sql: list[str] = []
        self.engine = store.engine

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn, _cursor, statement, *_args):
        self.sql.append(" ".join(statement.split()).upper())

    def count(self, prefix: str) -> int:
        return sum(1 for s in self.sql if s.startswith(prefix.upper()))


def test_many_people_in_one_transaction_insert_without_the_orm_and_read_the_clock_once(store, home):
    with _Statements(store) as seen, transaction(store) as tx:
        for i in range(300):
            register.register_person(tx, {"name": f"张{i}", "household_id": home.id, "relation": "other"})
    # An executemany per table at each flush point (here the clock's first read, then the commit);
    # the ORM sent one INSERT statement per person (300).
    assert seen.count('INSERT INTO "PERSON"') + seen.count("INSERT INTO PERSON") <= 2
    assert seen.count('INSERT INTO "OUTBOX"') + seen.count("INSERT INTO OUTBOX") <= 2
    assert seen.count("SELECT META") <= 3  # once per transaction, not once per change (300)
    with store.read() as s:
        assert s.exec(select(func.count()).select_from(Person)).one() == 300
        rows = list(s.exec(select(Outbox).where(Outbox.entity == "person").order_by(Outbox.seq)))
    assert len(rows) == 300
    stamps = [r.hlc for r in rows]
    assert stamps == sorted(stamps) and len(set(stamps)) == 300  # the clock still ticks for every change
    with store.read() as s:
        last = s.exec(select(func.max(Outbox.hlc))).one()  # memberships were stamped after their people
        assert s.get(Meta, "hlc").value == last >= stamps[-1]


def test_ten_thousand_style_updates_read_the_clock_once(store, home):
    people = [register.register_person(store, {"name": f"李{i}", "household_id": home.id}) for i in range(50)]
    with _Statements(store) as seen, transaction(store) as tx:
        for p in people:
            register.update_person(tx, p.id, {"notes": f"走访 {p.name}"})
    assert seen.count("SELECT META") <= 3
    assert seen.count('INSERT INTO "OUTBOX"') + seen.count("INSERT INTO OUTBOX") == 1
    with store.read() as s:
        notes = s.exec(select(Outbox).where(Outbox.entity == "person", Outbox.op == "upsert")).all()
    assert sum(1 for r in notes if "notes" in r.fields) == 50


def test_held_rows_are_seen_inside_the_transaction_and_later_changes_are_saved(store, home):
    with transaction(store) as tx:
        p = register.register_person(tx, {"name": "王五", "household_id": home.id, "relation": "head"})
        assert tx.s.get(Person, p.id) is p  # found with no query, the same object
        # A query in the same transaction sees the held rows.
        assert tx.s.exec(select(func.count()).select_from(Outbox).where(Outbox.record_id == p.id)).one() == 1
        register.update_person(tx, p.id, {"phone": "13800138000"})  # after the INSERT went in
    with store.read() as s:
        saved = s.get(Person, p.id)
        hh = s.get(Household, home.id)
    assert saved.phone == "13800138000" and saved.pinyin == "wangwu"
    assert hh.head_person_id == p.id  # the household changed as part of the same call


def test_a_rolled_back_transaction_leaves_no_held_row(store, home):
    with pytest.raises(RuntimeError):
        with transaction(store) as tx:
            register.register_person(tx, {"name": "赵六", "household_id": home.id})
            raise RuntimeError("stop")
    with store.read() as s:
        assert s.exec(select(Person).where(Person.name == "赵六")).first() is None
        assert s.exec(select(func.count()).select_from(Outbox).where(Outbox.entity == "person")).one() == 0


def test_stored_text_is_what_the_orm_writes(store, home):
    register.register_person(store, {"name": "钱七", "household_id": home.id, "tags": ["elderly"], "birth_date": "1980-05-17"})
    with store.read() as s:
        cur = s.connection().exec_driver_sql(
            "SELECT o.fields, o.hlc, o.state, o.result, p.tags, p.birth_date FROM outbox o "
            "JOIN person p ON p.id = o.record_id WHERE o.entity = 'person'"
        )
        fields, stamp, state, result, tags, birth = cur.one()
    assert json.loads(fields)["name"] == "钱七" and json.loads(fields)["tags"] == ["elderly"]
    assert stamp.split("-")[0].isdigit()  # the edit's time is its stamp: the outbox keeps no created_at (migration 0013)
    assert state == "pending" and result == "null"
    assert json.loads(tags) == ["elderly"] and birth == "1980-05-17"


def test_json_text_keeps_chinese_characters_unescaped(store, home):
    """3 bytes a character, not a 6-byte \\uXXXX escape: the outbox of a 50,000-person import is a third smaller."""
    register.register_person(store, {"name": "孙八", "household_id": home.id})
    with store.read() as s:
        fields = s.connection().exec_driver_sql("SELECT fields FROM outbox WHERE entity = 'person'").scalar()
    assert "孙八" in fields and "\\u" not in fields


def test_an_edit_of_text_outside_the_search_index_reindexes_nobody(store, home):
    """10,000 note edits in one transaction: the search index is not re-read for them (a name change still is)."""
    p = register.register_person(store, {"name": "周九", "household_id": home.id})
    with transaction(store) as tx:
        register.update_person(tx, p.id, {"notes": "走访一次", "tags": ["elderly"]})
        assert not tx.reindex["person"]
        register.update_person(tx, p.id, {"name": "周久"})
        assert tx.reindex["person"] == {p.id}
    from gridworker.store import search

    with store.read() as s:
        assert [h.person_id for h in search.search(s, "周久")] == [p.id]
        assert search.search(s, "zhoujiu")[0].person_id == p.id


def test_edits_by_id_in_one_transaction_are_saved_in_one_batch_at_the_commit(store, home):
    """Looking the next record up by id does not flush the edits before it: one UPDATE batch, not one per edit."""
    people = [register.register_person(store, {"name": f"吴{i}", "household_id": home.id}) for i in range(30)]
    with _Statements(store) as seen, transaction(store) as tx:
        for p in people:
            register.update_person(tx, p.id, {"phone": f"1380013{len(p.name):01d}{people.index(p):03d}"})
    assert seen.count("UPDATE PERSON") <= 2  # the first edit meets the clock's first read; then one batch (not 30)
    with store.read() as s:
        assert all(s.get(Person, p.id).phone.startswith("1380013") for p in people)


def test_a_record_added_to_the_session_and_not_flushed_is_still_found_by_id(store, home):
    from gridworker.services.base import get_live

    with transaction(store) as tx:
        p = Person(name="郑十", household_id=home.id, area_id=home.area_id)
        tx.s.add(p)  # pending in the ORM, not yet flushed
        assert get_live(tx.s, Person, p.id) is p


@pytest.mark.parametrize("value", [None, {}, [], {"name": "孙八", "tags": ["elderly", "独居"], "n": 3, "x": 1.5, "none": None},
                                   "文本", 0, True, {"nested": {"a": [1, {"b": "\u2028"}]}}])
def test_json_column_text_is_json_dumps_without_ascii_escapes(value):
    """The JSON columns' serializer (its fast path for None and its shared encoder) writes json.dumps's text."""
    from gridworker.store.database import _json_text

    assert _json_text(value) == json.dumps(value, ensure_ascii=False)


@pytest.mark.parametrize("value", [None, "date", "old date", "datetime"])
def test_a_held_date_is_stored_as_the_orm_stores_it(store, value):
    """The bulk path's quicker text for a date column (store/bulk._fast_processor) is SQLAlchemy's own."""
    from datetime import date, datetime, timezone

    from gridworker.domain.models import Membership
    from gridworker.store import bulk

    given = {None: None, "date": date(1980, 5, 17), "old date": date(999, 1, 2),
             "datetime": datetime(2024, 3, 4, 5, 6, 7, tzinfo=timezone.utc)}[value]
    with store.read() as s:
        dialect = s.connection().dialect
    column = Membership.__table__.c.moved_in
    fast = bulk._fast_processor(column.type, dialect, column.type._cached_bind_processor(dialect))
    assert fast is not column.type._cached_bind_processor(dialect)  # the quick path is the one tested
    assert fast(given) == column.type._cached_bind_processor(dialect)(given)


@pytest.mark.parametrize("value", [None, "now", "on the second", "old", "another zone", "no zone"])
def test_a_held_utc_datetime_is_stored_as_the_orm_stores_it(store, value):
    """The bulk path's quicker text for a UTC datetime column is SQLAlchemy's own (a naive one refused alike)."""
    from datetime import datetime, timedelta, timezone

    from gridworker.store import bulk

    now = datetime.now(timezone.utc)
    given = {None: None, "now": now, "on the second": now.replace(microsecond=0),
             "old": datetime(999, 1, 2, 3, 4, 5, 6, tzinfo=timezone.utc),
             "another zone": now.astimezone(timezone(timedelta(hours=8))), "no zone": now.replace(tzinfo=None)}[value]
    with store.read() as s:
        dialect = s.connection().dialect
    column = Person.__table__.c.updated_at  # a UTC datetime column the bulk path writes
    slow = column.type._cached_bind_processor(dialect)
    fast = bulk._fast_processor(column.type, dialect, slow)
    assert fast is not slow  # the quick path is the one tested
    if value == "no zone":
        with pytest.raises(ValueError):
            slow(given)
        with pytest.raises(ValueError):
            fast(given)
    else:
        assert fast(given) == slow(given)
