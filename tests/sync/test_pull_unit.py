"""Pull pieces without a server: page application, rebase, evict, tombstones, re-sync, area mapping, the clock."""

import uuid
from datetime import date, datetime, timedelta, timezone

from sqlmodel import select

from gridworker.domain import hlc
from gridworker.domain.models import Area, Household, Outbox, Person
from gridworker.services import register
from gridworker.store.meta import next_hlc
from gridworker.store import search
from gridworker.sync import link, pull, resync, state
from gridworker.store.sync_tables import SyncBlob

from tests.conftest import PASSWORD


def uid() -> str:
    return str(uuid.uuid4())


def person_change(pid, version, **data):
    base = {"area_id": None, "household_id": None, "name": "王芳", "gender": "female", "tags": [], "status": "active"}
    return {"entity": "person", "id": pid, "op": "upsert", "version": version, "data": base | data}


def apply(store, changes, **kw):
    with store.write() as s:
        page = pull.apply_page(s, changes, **kw)
        search.reindex(s, pull.searched(page.touched))
    return page


def test_pulled_records_land_with_types_and_unknown_fields_in_extra(store):
    pid = uid()
    page = apply(store, [person_change(pid, 3, birth_date="1980-05-17", name="张美玲", hobby="下棋", phone="13800000000")])
    assert page.upserts == 1
    with store.read() as s:
        p = s.get(Person, pid)
        hits = search.search(s, "zml")
    assert p.birth_date == date(1980, 5, 17) and p.version == 3
    assert p.extra == {"hobby": "下棋"}
    assert (p.pinyin, p.initials) == ("zhangmeiling", "zml")
    assert [h.person_id for h in hits] == [pid]


def test_an_unreadable_value_is_kept_in_extra_not_lost(store):
    pid = uid()
    apply(store, [person_change(pid, 1, birth_date="not a date")])
    with store.read() as s:
        p = s.get(Person, pid)
    assert p.birth_date is None and p.extra["birth_date"] == "not a date"


def test_unknown_entities_are_skipped_and_the_last_change_of_a_record_wins(store):
    pid = uid()
    page = apply(
        store,
        [
            {"entity": "points_rule", "id": uid(), "op": "upsert", "version": 1, "data": {"points": 5}},
            person_change(pid, 1, name="甲"),
            person_change(pid, 2, name="乙"),
        ],
    )
    assert page.skipped == 1
    with store.read() as s:
        assert s.get(Person, pid).name == "乙"


def test_an_older_version_never_overwrites_a_newer_one(store):
    pid = uid()
    apply(store, [person_change(pid, 5, name="新")])
    page = apply(store, [person_change(pid, 4, name="旧")])
    assert page.skipped == 1
    with store.read() as s:
        assert s.get(Person, pid).name == "新"


def test_unsent_edits_are_rebased_over_incoming_data(store):
    pid = uid()
    apply(store, [person_change(pid, 1, name="王芳", phone="13800000000", notes="旧备注")])
    register.update_person(store, pid, {"phone": "13911112222"})
    with store.read() as s:
        before = s.exec(select(Outbox).where(Outbox.record_id == pid)).one()
    apply(store, [person_change(pid, 2, name="王芳", phone="13800000000", notes="服务器改的")])
    with store.read() as s:
        p = s.get(Person, pid)
        after = s.exec(select(Outbox).where(Outbox.record_id == pid)).one()
    assert p.notes == "服务器改的" and p.phone == "13911112222" and p.version == 2
    # The edit keeps its base: the server must see whether the same field changed meanwhile.
    assert after.state == "pending" and after.base_version == before.base_version == 1


def test_evict_drops_a_record_unless_it_has_unsent_edits(store):
    keep, drop = uid(), uid()
    apply(store, [person_change(keep, 1, name="甲一"), person_change(drop, 1, name="乙二")])
    register.update_person(store, keep, {"notes": "没发出去"})
    page = apply(store, [{"entity": "person", "id": i, "op": "evict", "version": 2, "data": {}} for i in (keep, drop)])
    assert (page.evicts, page.kept) == (1, 1)
    with store.read() as s:
        assert s.get(Person, drop) is None
        assert s.get(Person, keep).notes == "没发出去"
        assert [h.person_id for h in search.search(s, "乙二")] == []


def test_delete_is_a_tombstone(store):
    pid = uid()
    apply(store, [person_change(pid, 1, name="丙三")])
    page = apply(store, [{"entity": "person", "id": pid, "op": "delete", "version": 2, "data": {}}])
    assert page.deletes == 1
    with store.read() as s:
        p = s.get(Person, pid)
        assert p.deleted and p.version == 2
        assert search.search(s, "丙三") == []


def test_pulled_photos_queue_their_thumbnails(store):
    sha = "ab" * 32
    change = {"entity": "photo", "id": uid(), "op": "upsert", "version": 1, "data": {
        "sha256": sha, "entity": "incident", "entity_id": uid(), "width": 10, "height": 10, "bytes": 100,
        "mime": "image/jpeg", "taken_at": "2026-11-21T09:30:00+08:00"}}  # fmt: skip
    with store.write() as s:
        page = pull.apply_page(s, [change])
        pull.queue_thumbnails(s, page.photos, lambda _sha: False)
    with store.read() as s:
        [row] = s.exec(select(SyncBlob)).all()
    assert (row.sha256, row.kind, row.state) == (sha, "thumb", "waiting")


def test_resync_keeps_unsent_requeues_what_the_server_lost_and_drops_the_rest(store):
    server_only, ours_sent, ours_unsent, still_there = uid(), uid(), uid(), uid()
    apply(store, [person_change(i, 3, name=n) for i, n in
                  ((server_only, "服务器的"), (ours_sent, "已发的"), (ours_unsent, "未发的"), (still_there, "还在的"))])  # fmt: skip
    with store.write() as s:
        s.add(Outbox(entity="person", record_id=ours_sent, op="upsert", fields={"name": "已发的"}, hlc=next_hlc(s), state="sent"))
    register.update_person(store, ours_unsent, {"notes": "离线修改"})
    with store.write() as s:
        resync.start(s)
        assert resync.in_progress(s) and state.get_meta(s, state.CURSOR) is None
    # The restored server knows only one of them, at a lower version than we had.
    apply(store, [person_change(still_there, 1, name="还在的")], resync=True)
    with store.write() as s:
        settled = resync.finish(s)
        assert not resync.in_progress(s)
    assert (settled.kept, settled.requeued, settled.dropped) == (1, 1, 1)
    with store.read() as s:
        assert s.get(Person, server_only) is None
        assert s.get(Person, still_there).version == 1
        assert s.get(Person, ours_unsent).notes == "离线修改"
        requeued = s.exec(select(Outbox).where(Outbox.record_id == ours_sent, Outbox.state == "pending")).one()
        assert s.get(Person, ours_sent).version == 0
    assert requeued.base_version is None and requeued.fields["name"] == "已发的" and "pinyin" not in requeued.fields


def test_local_areas_are_mapped_to_the_servers_by_code(store):
    local = register.register_area(store, code="G01", name="一网格", level="grid")
    b = register.register_building(store, {"name": "1号楼", "area_id": local.id})
    hh = register.register_household(store, {"building_id": b.id, "room": "101"})
    other = register.register_area(store, code="G99", name="无此网格", level="grid")
    server_area = uid()
    apply(store, [{"entity": "area", "id": server_area, "op": "upsert", "version": 1,
                   "data": {"code": "G01", "name": "一网格", "level": "grid", "area_id": server_area}}])  # fmt: skip
    with store.write() as s:
        unmatched = link.map_local_areas(s)
    assert unmatched == []  # G99 holds no records: nothing to hold back
    with store.read() as s:
        assert s.get(Area, local.id) is None and s.get(Area, other.id) is not None
        assert s.get(Household, hh.id).area_id == server_area
        rows = s.exec(select(Outbox).where(Outbox.state == "pending")).all()
    assert all(r.fields.get("area_id") in (None, server_area) for r in rows)
    assert {r.record_id for r in rows if r.fields.get("area_id") == server_area} >= {b.id, hh.id}
    register.register_building(store, {"name": "2号楼", "area_id": other.id})
    with store.write() as s:
        assert link.map_local_areas(s) == ["G99"]


def test_the_clock_moves_past_server_time_and_survives_reopening(accounts, store):
    ahead = datetime.now(timezone.utc) + timedelta(hours=1)
    with store.write() as s:
        state.observe(s, ahead.isoformat())
        stamp = hlc.Hlc.parse(next_hlc(s))
    assert stamp.ms >= int(ahead.timestamp() * 1000)
    store.close()
    _account, again = accounts.open("worker", PASSWORD)
    try:
        with again.write() as s:
            state.observe(s, (ahead - timedelta(hours=2)).isoformat())  # an older time teaches nothing
            later = hlc.Hlc.parse(next_hlc(s))
    finally:
        again.close()
    assert later > stamp


def test_records_of_areas_taken_away_are_purged_unless_they_have_unsent_edits(store):
    community, g1, g2 = uid(), uid(), uid()
    apply(store, [{"entity": "area", "id": a, "op": "upsert", "version": 1,
                   "data": {"code": code, "name": code, "level": "grid", "parent_id": parent, "area_id": a}}
                  for a, code, parent in ((community, "C1", None), (g1, "G1", community), (g2, "G2", community))])  # fmt: skip
    gone, kept, other = uid(), uid(), uid()
    apply(store, [person_change(gone, 1, name="甲", area_id=g1), person_change(kept, 1, name="乙", area_id=g1),
                  person_change(other, 1, name="丙", area_id=g2)])  # fmt: skip
    register.update_person(store, kept, {"notes": "未发送"})
    with store.write() as s:
        touched = resync.purge_unassigned(s, [community], [g2])
    assert touched == {"person": {gone}}
    with store.read() as s:
        assert s.get(Person, gone) is None and s.get(Person, kept) is not None and s.get(Person, other) is not None


def test_values_that_overflow_are_set_aside_listed_and_cleared_when_readable_again(store):
    """Issue 11: an extreme time (no UTC for it), a number past 64 bits: kept aside, the page still lands."""
    from gridworker.domain.models import Building

    good, bad_time, bad_int = uid(), uid(), uid()
    hh = {"entity": "household", "op": "upsert", "version": 1}
    apply(store, [
        person_change(good, 1),
        person_change(bad_time, 1, birth_date="0001-01-01T00:00:00+14:00"),
        {"entity": "building", "id": bad_int, "op": "upsert", "version": 1,
         "data": {"area_id": None, "name": "1号楼", "units": 10**30, "lat": float("inf")}},
        hh | {"id": uid(), "data": {"area_id": None, "floor": -(2**70)}},
    ])  # fmt: skip
    with store.read() as s:
        b = s.get(Building, bad_int)
        listed = state.get_json(s, state.SET_ASIDE)
    assert b.units is None and b.extra == {"units": 10**30, "lat": float("inf")}
    assert {(x["entity"], x["id"]) for x in listed} >= {("building", bad_int)}
    assert ("person", good) not in {(x["entity"], x["id"]) for x in listed}
    apply(store, [{"entity": "building", "id": bad_int, "op": "upsert", "version": 2, "data": {"name": "1号楼", "units": 3}}])
    with store.read() as s:
        listed = state.get_json(s, state.SET_ASIDE)
    assert ("building", bad_int) not in {(x["entity"], x["id"]) for x in listed}


def test_a_clock_stamped_days_ahead_by_a_wrong_device_clock_is_pulled_back_to_the_server_s(store):
    """Issue 11: the server refuses edits whose clock is more than a day ahead; a device that once ran
    ahead must not have every later edit refused once its clock is right again."""
    now = datetime.now(timezone.utc)
    with store.write() as s:
        state.observe(s, (now + timedelta(days=400)).isoformat())  # as if the device's own clock had said so
        assert hlc.Hlc.parse(next_hlc(s)).ms > (now + timedelta(days=399)).timestamp() * 1000
        state.observe(s, now.isoformat())  # the server's time, seen in a push answer
        stamp = hlc.Hlc.parse(next_hlc(s))
    assert stamp.ms <= (now + timedelta(minutes=5)).timestamp() * 1000
