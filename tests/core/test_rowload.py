"""Records read by id with one plain SELECT (store/rowload.py), as the services' edits read them (get_live).

The object must be what the ORM would have loaded (every value, of the same
type), its later changes saved, a rollback forgetting them, and whatever the
session already holds answered from the session.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event
from sqlmodel import Session, select

from gridworker.domain.errors import NotFound
from gridworker.domain.models import Household, Outbox, Person
from gridworker.services import register
from gridworker.services.base import get_live, transaction
from gridworker.store import rowload


@pytest.fixture
def people(store):
    area = register.register_area(store, code="G01", name="一网格", level="grid")
    b = register.register_building(store, {"name": "3号楼", "estate": "幸福小区", "area_id": area.id})
    hh = register.register_household(store, {"building_id": b.id, "unit": "1", "room": "301"})
    with transaction(store) as tx:
        made = [
            register.register_person(
                tx, {"name": f"张{i}", "household_id": hh.id, "relation": "other", "tags": ["elderly", "disabled"],
                     "id_number": None, "phone": f"1380000{i:04d}", "notes": "独居"},
            )  # fmt: skip
            for i in range(60)
        ]
    return [p.id for p in made]


class _OrmQueries:
    def __init__(self):
        self.count = 0

    def __enter__(self):
        event.listen(Session, "do_orm_execute", self._seen)
        return self

    def __exit__(self, *exc):
        event.remove(Session, "do_orm_execute", self._seen)

    def _seen(self, state):
        if state.is_select:
            self.count += 1


def test_edits_by_id_read_their_records_without_an_orm_query(store, people):
    with _OrmQueries() as orm, transaction(store) as tx:
        for pid in people:
            register.update_person(tx, pid, {"notes": f"走访 {pid[:4]}"})
    assert orm.count <= 3  # the clock and the like, once per transaction; was one more per person (Session.get)
    with store.read() as s:
        notes = {p.id: p.notes for p in s.exec(select(Person))}
        queued = s.exec(select(Outbox).where(Outbox.entity == "person", Outbox.op == "upsert")).all()
    assert all(notes[pid] == f"走访 {pid[:4]}" for pid in people)
    assert sum(1 for o in queued if o.fields == {"notes": f"走访 {o.record_id[:4]}"}) == len(people)


def test_a_record_read_by_id_holds_what_the_orm_loads(store, people):
    with store.read() as orm_session:
        expected = {pid: orm_session.get(Person, pid) for pid in people[:5]}
        columns = [c.key for c in Person.__mapper__.column_attrs]
        want = {pid: {k: getattr(p, k) for k in columns} for pid, p in expected.items()}
    with store.read() as s:
        for pid in people[:5]:
            got = rowload.get(s, Person, pid)
            values = {k: got.__dict__[k] for k in columns}
            assert values == want[pid]
            assert {k: type(v) for k, v in values.items()} == {k: type(v) for k, v in want[pid].items()}
            assert got.tags == ["elderly", "disabled"] and got.deleted is False
            assert rowload.get(s, Person, pid) is got  # the session's own copy the second time
            assert s.get(Person, pid) is got


def test_changes_to_a_record_read_by_id_are_saved_and_a_rollback_forgets_them(store, people):
    with transaction(store) as tx:
        p = get_live(tx.s, Person, people[0])
        p.notes = "改过"
        p.tags = ["elderly"]
    with pytest.raises(RuntimeError), transaction(store) as tx:
        get_live(tx.s, Person, people[1]).notes = "不该保存"
        raise RuntimeError
    with store.read() as s:
        first, second = s.get(Person, people[0]), s.get(Person, people[1])
        assert (first.notes, first.tags) == ("改过", ["elderly"])
        assert second.notes == "独居"


def test_missing_deleted_and_unflushed_records_are_decided_as_before(store, people):
    nobody = "00000000-0000-4000-8000-000000000000"
    with transaction(store) as tx:
        register.delete_record(tx, "person", people[2])
    with transaction(store) as tx:
        assert rowload.get(tx.s, Person, nobody) is None
        with pytest.raises(NotFound):
            get_live(tx.s, Person, nobody)
        with pytest.raises(NotFound):
            get_live(tx.s, Person, people[2])  # a tombstone, read from the table
        hh = Household(unit="2", room="402", area_id=get_live(tx.s, Person, people[3]).area_id)
        tx.s.add(hh)  # added, not flushed: found by id all the same (the second look-up flushes)
        assert get_live(tx.s, Household, hh.id) is hh
