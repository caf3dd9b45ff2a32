"""A first pull's per-change work done ahead or in one loop gives what the per-change path gives.

- the feed's reader thread hands each group its records' last changes, grouped across the group's
  pages exactly as apply_page groups the whole group, and the engine's apply uses them;
- a page of records this device does not hold (one loop) and the same page over records it holds
  (the per-change path) count and write alike: tombstones and evictions of unknown records drop
  nothing, bad operations are skipped, unreadable values are set aside, photos queue thumbnails.
"""

import threading
import uuid

from gridworker.domain.models import Person
from gridworker.sync import feed, pull


def uid() -> str:
    return str(uuid.uuid4())


def person_change(pid, version, **data):
    base = {"area_id": None, "household_id": None, "name": "王芳", "gender": "female", "tags": [], "status": "active"}
    return {"entity": "person", "id": pid, "op": "upsert", "version": version, "data": base | data}


class ScriptedTransport:
    """Answers /sync/pull with the given pages in order."""

    def __init__(self, pages):
        self.pages, self.lock = list(pages), threading.Lock()

    def json(self, method, path, params=None, **kw):
        with self.lock:
            n = int(params.get("cursor") or 0)
        return {"changes": self.pages[n], "cursor": str(n + 1), "has_more": n + 1 < len(self.pages), "epoch": "e"}


def test_the_reader_groups_each_records_last_change_across_the_pages_of_a_group():
    a, b, c = uid(), uid(), uid()
    pages = [
        [person_change(a, 1, name="甲"), person_change(b, 1, name="乙")],
        [person_change(a, 2, name="甲二"), {"entity": "person", "id": c, "op": "delete", "version": 3}],
        [{"entity": "person", "id": b, "op": "evict", "version": 0}, person_change(c, 4, name="丙")],
    ]
    reader = feed.FeedReader(ScriptedTransport(pages), None, page_size=2, group=6)
    try:
        [group] = list(reader)
    finally:
        reader.close()
    assert group.grouped == pull.last_per_record(group.changes)
    per = group.grouped["person"]
    assert [k[1] for k in per] == [a, b, c]  # the order of each record's last change
    assert [(ch["op"], ch["version"]) for ch in per.values()] == [("upsert", 2), ("evict", 0), ("upsert", 4)]


def _mixed_page(ids):
    p1, p2, gone, evicted, odd, empty, photo = ids
    return [
        person_change(p1, 2, name="张三", hobby="下棋"),
        person_change(p2, 2, name="李四", birth_date="not a date"),
        {"entity": "person", "id": gone, "op": "delete", "version": 2},
        {"entity": "person", "id": evicted, "op": "evict", "version": 0},
        {"entity": "person", "id": odd, "op": "merge", "version": 2, "data": {"name": "怪"}},
        {"entity": "person", "id": empty, "op": "upsert", "version": 2},
        {"entity": "photo", "id": photo, "op": "upsert", "version": 2, "data": {
            "sha256": "cd" * 32, "entity": "incident", "entity_id": uid(), "width": 10, "height": 10, "bytes": 100,
            "mime": "image/jpeg", "taken_at": "2026-11-21T09:30:00+08:00"}},
    ]  # fmt: skip


def _summary(page):
    return (page.upserts, page.deletes, page.evicts, page.kept, page.skipped, sorted(page.set_aside.values()),
            len(page.photos), {e: len(ids) for e, ids in page.touched.items()})  # fmt: skip


def test_a_page_of_new_records_is_sorted_in_one_loop_as_the_per_change_path_sorts_it(store):
    ids = [uid() for _ in range(7)]
    with store.write() as s:  # nothing held: the one-loop path
        new = pull.apply_page(s, _mixed_page(ids), rows=pull.prepare_rows(_mixed_page(ids)))
    assert _summary(new) == (3, 0, 0, 0, 2, [["birth_date"]], 1, {"person": 2, "photo": 1})
    with store.read() as s:
        first, second = s.get(Person, ids[0]), s.get(Person, ids[1])
        assert s.get(Person, ids[2]) is None and s.get(Person, ids[3]) is None and s.get(Person, ids[4]) is None
    assert (first.name, first.version, first.extra, first.pinyin) == ("张三", 2, {"hobby": "下棋"}, "zhangsan")
    assert second.birth_date is None and second.extra == {"birth_date": "not a date"}
    # The same page again over the records now held: the per-change path; an older page changes nothing.
    again = [dict(c, version=3) if c.get("op") == "upsert" and "data" in c else c for c in _mixed_page(ids)]
    with store.write() as s:
        held = pull.apply_page(s, again)
    assert _summary(held) == (3, 0, 0, 0, 2, [["birth_date"]], 1, {"person": 2, "photo": 1})
    with store.read() as s:
        assert s.get(Person, ids[0]).version == 3


def _search_docs(store):
    with store.read() as s:
        rows = s.connection().exec_driver_sql("SELECT person_id, name, pinyin, initials, numbers, address, status "
                                              "FROM search_doc ORDER BY person_id").all()  # fmt: skip
    return [tuple(r) for r in rows]


def test_the_end_of_a_first_pull_makes_the_search_documents_beside_the_indexes(store, monkeypatch):
    from gridworker.store import deferred_indexes, search
    from gridworker.sync import engine

    bid, hid = uid(), uid()
    building = {"entity": "building", "id": bid, "op": "upsert", "version": 1,
                "data": {"area_id": None, "estate": "幸福小区", "name": "3号楼", "address": "幸福路1号"}}  # fmt: skip
    household = {"entity": "household", "id": hid, "op": "upsert", "version": 1, "data": {
        "area_id": None, "building_id": bid, "unit": "2", "room": "301", "address": None, "phone": "02112345678"}}
    people = [person_change(uid(), 1, name=n, household_id=hid, phone=f"1380000000{i}") for i, n in enumerate("张美玲 李四 欧阳娜娜".split())]
    with store.write() as s:
        pull.set_indexes_aside(s)  # as the first group of a first pull leaves them
        pull.apply_page(s, [building, household, *people])
    threads = []
    real = search.documents

    def documents(rows):
        threads.append(threading.current_thread())
        return real(rows)

    monkeypatch.setattr(search, "documents", documents)
    with store.write() as s:
        engine._end_bulk(s)
    assert threads and threads[0] is not threading.main_thread()  # made beside the indexes, not after them
    with store.read() as s:
        assert deferred_indexes.get_meta(s, deferred_indexes.KEY) is None  # the indexes are back
        index_names = {r[0] for r in s.connection().exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert [h.person_id for h in search.search(s, "zml")] == [people[0]["id"]]
        assert [h.person_id for h in search.search(s, "3号楼")] != []
    built = _search_docs(store)
    assert len(built) == 3 and all("幸福小区" in d[5] and "301" in d[5] for d in built)
    monkeypatch.setattr(search, "documents", real)
    with store.write() as s:
        search.rebuild(s)  # the ordinary way: the same documents
    assert _search_docs(store) == built
    with store.read() as s:
        assert {r[0] for r in s.connection().exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'index'")} == index_names
