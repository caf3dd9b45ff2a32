"""The pieces that make a first sync and a big push fast keep their promises (no server: a fake transport).

- the feed reader groups pages by count and by the time the engine took to write the last group;
- rows made ahead by the reader thread are exactly what apply_page makes itself, and a stale one is not used;
- the bulk insert writes every column as the ORM would read it back;
- the batch after one on the wire never holds a record of that batch;
- the garbage collector paused for a sync round comes back as it was, also when rounds overlap.
"""

import gc
import threading
import uuid
from datetime import date, datetime

from gridworker.domain.collector import collector_paused
from gridworker.domain.models import Household, Person
from gridworker.sync import feed, pull, push
from gridworker.sync.mapping import ENTITY_MAPS


def uid() -> str:
    return str(uuid.uuid4())


def person_change(pid, version, **data):
    base = {"area_id": None, "household_id": None, "name": "王芳", "gender": "female", "tags": [], "status": "active"}
    return {"entity": "person", "id": pid, "op": "upsert", "version": version, "data": base | data}


class PagesTransport:
    """Answers /sync/pull with `pages` pages of `size` changes; the last one says has_more false."""

    def __init__(self, pages: int, size: int):
        self.pages, self.size, self.served = pages, size, 0
        self.lock = threading.Lock()

    def json(self, method, path, params=None, **kw):
        with self.lock:
            n = self.served
            self.served += 1
        changes = [person_change(uid(), 1, name=f"张{n}") for _ in range(self.size)]
        return {"changes": changes, "cursor": f"c{n}", "has_more": n + 1 < self.pages, "epoch": "e"}


def test_groups_hold_at_most_the_limit_and_shrink_when_writing_is_slow():
    reader = feed.FeedReader(PagesTransport(pages=30, size=1000), None, 1000)
    try:
        groups = iter(reader)
        first = next(groups)
        assert len(first.changes) == feed.GROUP == 5000 and first.cursor == "c4"
        # Every upsert of the group comes with its row, made on the reader's thread.
        assert len(first.rows) == 5000 and all(r["pinyin"].startswith("zhang") for r in first.rows.values())
        reader.written(5000, 5 * feed.GROUP_SECONDS)  # five times too slow: the next groups are a fifth
        sizes = [len(g.changes) for g in groups]
    finally:
        reader.close()
    assert sizes[-1] >= 1000 and sum(sizes) == 25_000
    assert min(sizes) == 1000 and max(sizes) <= 5000
    assert sizes[-2] == 1000  # groups read after the report are one page (the 2 read ahead may be bigger)


def test_written_never_goes_below_a_page_or_above_the_limit():
    reader = feed.FeedReader(PagesTransport(pages=1, size=10), None, 1000)
    try:
        list(reader)
        reader.written(5000, 100.0)
        assert reader.group == 1000
        reader.written(5000, 0.001)
        assert reader.group == feed.GROUP
    finally:
        reader.close()


def test_rows_made_ahead_are_what_apply_page_makes_itself(store):
    same, stale = uid(), uid()
    changes = [
        person_change(same, 2, name="欧阳娜娜", birth_date="1990-02-03", hobby="下棋", tags=["elderly"]),
        person_change(stale, 3, name="李四"),
    ]
    rows = pull.prepare_rows(changes)
    rows[("person", stale)] = rows[("person", stale)] | {"version": 1, "name": "旧名字"}  # made from an older change
    with store.write() as s:
        pull.apply_page(s, changes, rows=rows)
    other = [person_change(uid(), 2, name="欧阳娜娜", birth_date="1990-02-03", hobby="下棋", tags=["elderly"])]
    with store.write() as s:
        pull.apply_page(s, other)
    with store.read() as s:
        ahead, own, fresh = s.get(Person, same), s.get(Person, other[0]["id"]), s.get(Person, stale)
    columns = ("name", "pinyin", "initials", "birth_date", "tags", "extra", "version", "status", "deleted")
    assert [getattr(ahead, c) for c in columns] == [getattr(own, c) for c in columns]
    assert ahead.birth_date == date(1990, 2, 3) and ahead.extra == {"hobby": "下棋"} and ahead.tags == ["elderly"]
    assert (fresh.name, fresh.version, fresh.pinyin) == ("李四", 3, "lisi")  # the stale row was not used


def test_bulk_insert_round_trips_every_column_type(store):
    hid = uid()
    data = {
        "area_id": None, "building_id": None, "unit": "2", "room": "301", "floor": 3, "address": "幸福小区",
        "housing": "owner", "phone": None, "head_person_id": None, "notes": "多行\n备注",
    }  # fmt: skip
    rows = pull.prepare_rows([{"entity": "household", "id": hid, "op": "upsert", "version": 4, "data": data}])
    with store.write() as s:
        ENTITY_MAPS["household"].insert_rows(s.connection(), list(rows.values()))
    with store.read() as s:
        h = s.get(Household, hid)
    assert (h.unit, h.room, h.floor, h.address, h.housing, h.notes, h.version, h.deleted) == (
        "2", "301", 3, "幸福小区", "owner", "多行\n备注", 4, False
    )
    assert isinstance(h.updated_at, datetime) and h.updated_at.tzinfo is not None and h.extra == {}


def _pending(seq, record):
    return push.Pending(seq, f"m{seq}", "person", record, "upsert", {"notes": str(seq)}, None, f"{seq:013d}-0000-d", False)


def test_the_batch_after_one_on_the_wire_leaves_its_records_for_later():
    a, b, c = uid(), uid(), uid()
    rows = [_pending(1, a), _pending(2, b), _pending(3, a), _pending(4, c), _pending(5, b)]
    first, _ = push.next_batch(rows, set())
    assert [p.seq for p in first] == [1, 2, 4]
    # Sent while the answer to `first` is being saved: nothing of a, b or c may go yet.
    second, body = push.next_batch(rows, {1, 2, 4}, busy={p.key for p in first})
    assert second == [] and body == b"[]"
    third, _ = push.next_batch(rows, {1, 2, 4})
    assert [p.seq for p in third] == [3, 5]


def test_the_collector_is_paused_for_a_round_and_restored_as_it_was():
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():  # a second account's round in another thread
            assert not gc.isenabled()
        assert not gc.isenabled()  # the first round still runs
    assert gc.isenabled()
    gc.disable()  # switched off by someone else: left off
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
