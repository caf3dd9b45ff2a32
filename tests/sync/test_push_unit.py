"""Push pieces without a server: squashing, batching, and applying the server's answers."""

import pytest
from sqlmodel import select

from gridworker.domain.models import Household, Outbox, Person
from gridworker.services import register
from gridworker.sync import push
from gridworker.store.sync_tables import SyncConflict


@pytest.fixture
def grid(store):
    area = register.register_area(store, code="G01", name="一网格", level="grid")
    b = register.register_building(store, {"name": "3号楼", "estate": "幸福小区", "area_id": area.id})
    hh = register.register_household(store, {"building_id": b.id, "unit": "1", "room": "301"})
    return area, b, hh


def outbox_rows(store):
    with store.read() as s:
        return list(s.exec(select(Outbox).order_by(Outbox.seq)))


def test_squash_merges_unsent_edits_of_a_record_into_the_first(store, grid):
    _, _, hh = grid
    register.update_household(store, hh.id, {"phone": "13800000001"})
    register.update_household(store, hh.id, {"phone": "13800000002", "notes": "二次"})
    before = [r for r in outbox_rows(store) if r.record_id == hh.id]
    assert len(before) == 3
    with store.write() as s:
        rows = push.squash(s)
    mine = [r for r in rows if r.record_id == hh.id]
    assert len(mine) == 1
    assert mine[0].mutation_id == before[0].mutation_id
    assert mine[0].fields["room"] == "301" and mine[0].fields["phone"] == "13800000002" and mine[0].fields["notes"] == "二次"
    assert mine[0].hlc == before[-1].hlc
    # The database holds the same as the returned list.
    assert [(r.mutation_id, r.fields) for r in outbox_rows(store) if r.record_id == hh.id] == [(mine[0].mutation_id, mine[0].fields)]


def test_a_row_put_on_the_wire_is_never_changed(store, grid):
    _, _, hh = grid
    with store.write() as s:
        rows = push.squash(s)
        push.mark_attempted(s, [r for r in rows if r.record_id == hh.id])
    register.update_household(store, hh.id, {"phone": "13800000003"})
    register.update_household(store, hh.id, {"notes": "后来"})
    with store.write() as s:
        rows = [r for r in push.squash(s) if r.record_id == hh.id]
    assert len(rows) == 2  # the sent create, and the two later edits squashed together
    assert "phone" not in rows[0].fields and rows[0].attempted
    assert rows[1].fields == {"phone": "13800000003", "notes": "后来"} and not rows[1].attempted


def test_a_delete_is_not_squashed_into_earlier_upserts(store, grid):
    area, b, _ = grid
    hh = register.register_household(store, {"building_id": b.id, "unit": "2", "room": "101"})
    register.delete_record(store, "household", hh.id)
    with store.write() as s:
        rows = [r for r in push.squash(s) if r.record_id == hh.id]
    assert [r.op for r in rows] == ["upsert", "delete"]


def _pending(seq, record, size=10):
    return push.Pending(seq, f"m{seq}", "person", record, "upsert", {"notes": "x" * size}, None, f"{seq:013d}-0000-d", False)


def test_batches_hold_one_mutation_per_record_in_outbox_order():
    rows = [_pending(1, "a"), _pending(2, "b"), _pending(3, "a"), _pending(4, "c")]
    batch, body = push.next_batch(rows, set())
    assert [p.seq for p in batch] == [1, 2, 4]
    batch2, _ = push.next_batch(rows, {1, 2, 4})
    assert [p.seq for p in batch2] == [3]
    assert body.startswith(b"[") and body.count(b'"mutation_id"') == 3


def test_batches_respect_the_count_and_size_limits():
    rows = [_pending(i, f"r{i}") for i in range(1, 1201)]
    sizes = []
    done: set[int] = set()
    while True:
        batch, body = push.next_batch(rows, done)
        if not batch:
            break
        sizes.append(len(batch))
        assert len(body) <= push.MAX_BYTES
        done |= {p.seq for p in batch}
    assert sizes == [500, 500, 200]
    big = [_pending(i, f"r{i}", size=300_000) for i in range(1, 20)]
    batch, body = push.next_batch(big, set())
    assert 1 <= len(batch) < 19 and len(body) <= push.MAX_BYTES


def test_applied_result_marks_sent_stores_version_and_rebases_later_edits(store, grid):
    _, _, hh = grid
    with store.write() as s:
        rows = push.squash(s)
    register.update_household(store, hh.id, {"phone": "13900000000"})  # saved while the push is on the wire
    with store.write() as s:
        rows = push.load_pending(s)
    index = push.by_record(rows)
    first = next(r for r in rows if r.record_id == hh.id)
    with store.write() as s:
        got = push.apply_results(s, [first], [{"mutation_id": first.mutation_id, "status": "applied", "version": 4}], index)
    assert got.sent == 1
    with store.read() as s:
        assert s.get(Household, hh.id).version == 4
        rows_now = list(s.exec(select(Outbox).where(Outbox.record_id == hh.id).order_by(Outbox.seq)))
    assert [r.state for r in rows_now] == ["sent", "pending"]
    assert rows_now[1].base_version == 4
    assert index[("household", hh.id)][1].base_version == 4


def test_conflict_result_keeps_both_values_and_shows_the_servers(store, grid):
    _, _, hh = grid
    register.update_household(store, hh.id, {"phone": "13811111111"})
    with store.write() as s:
        rows = push.squash(s)
    row = next(r for r in rows if r.record_id == hh.id)
    result = {
        "mutation_id": row.mutation_id, "status": "conflict", "version": 7,
        "error": {"code": "conflict", "message": "phone changed",
                  "details": {"phone": {"mine": "13811111111", "theirs": "13922222222", "winner": "server"}}},
    }  # fmt: skip
    with store.write() as s:
        got = push.apply_results(s, [row], [result], push.by_record(rows))
    assert got.conflicts == 1
    with store.read() as s:
        [c] = s.exec(select(SyncConflict)).all()
        hh_now = s.get(Household, hh.id)
        out = s.exec(select(Outbox).where(Outbox.mutation_id == row.mutation_id)).one()
    assert (c.field, c.mine, c.theirs, c.winner) == ("phone", "13811111111", "13922222222", "theirs")
    assert hh_now.phone == "13922222222" and hh_now.version == 7
    assert out.state == "sent"


def test_rejected_result_is_final_and_keeps_the_reason(store, grid):
    _, _, hh = grid
    p = register.register_person(store, {"name": "李四", "household_id": hh.id})
    with store.write() as s:
        rows = push.squash(s)
    row = next(r for r in rows if r.record_id == p.id)
    error = {"code": "out_of_scope", "message": "not your area"}
    with store.write() as s:
        got = push.apply_results(s, [row], [{"mutation_id": row.mutation_id, "status": "rejected", "error": error}], push.by_record(rows))
    assert got.rejected == 1
    with store.write() as s:
        left = push.squash(s)
        out = s.exec(select(Outbox).where(Outbox.mutation_id == row.mutation_id)).one()
    assert row.mutation_id not in {r.mutation_id for r in left}
    assert out.state == "rejected" and out.result["error"] == error
    with store.read() as s:
        assert s.get(Person, p.id).version == 0


def test_unanswered_and_unknown_statuses_stay_pending(store, grid):
    with store.write() as s:
        rows = push.squash(s)
    with store.write() as s:
        push.apply_results(s, rows[:2], [{"mutation_id": rows[0].mutation_id, "status": "weird"}], push.by_record(rows))
    with store.read() as s:
        states = {r.mutation_id: r.state for r in s.exec(select(Outbox))}
    assert states[rows[0].mutation_id] == "pending" and states[rows[1].mutation_id] == "pending"


def test_conflict_details_in_list_form_are_read_too():
    result = {"error": {"details": {"conflicts": [{"field": "notes", "mine": "a", "theirs": "b", "winner": "client"}]}}}
    assert push.conflict_fields(result, {}) == [("notes", "a", "b", "mine")]


def test_an_edit_saved_while_the_push_is_on_the_wire_is_rebased_too(store, grid):
    _, _, hh = grid
    with store.write() as s:
        rows = push.squash(s)
    register.update_household(store, hh.id, {"notes": "推送途中保存"})  # not among the loaded rows
    first = next(r for r in rows if r.record_id == hh.id)
    with store.write() as s:
        push.apply_results(s, [first], [{"mutation_id": first.mutation_id, "status": "applied", "version": 2}], push.by_record(rows))
    with store.read() as s:
        later = s.exec(select(Outbox).where(Outbox.record_id == hh.id, Outbox.state == "pending")).one()
    assert later.fields == {"notes": "推送途中保存"} and later.base_version == 2


def test_resolving_a_conflict_is_an_ordinary_edit_or_just_closes_it(store, grid):
    from gridworker.domain.errors import Refused
    from gridworker.sync import conflicts as review

    _, _, hh = grid
    with store.write() as s:
        for field, mine, theirs, winner in (("phone", "13811111111", "13922222222", "theirs"), ("deleted", False, True, "theirs")):
            s.add(SyncConflict(mutation_id="m", entity="household", record_id=hh.id, field=field, mine=mine, theirs=theirs, winner=winner))
    with store.read() as s:
        phone, deleted = sorted(review.open_conflicts(s), key=lambda c: c.field != "phone")
    before = len(outbox_rows(store))
    review.resolve(store, phone.id, "mine")
    rows = outbox_rows(store)
    assert len(rows) == before + 1 and rows[-1].fields == {"phone": "13811111111"}
    with pytest.raises(Refused):
        review.resolve(store, deleted.id, "mine")  # the server keeps deletes: nothing to push
    review.resolve(store, deleted.id, "theirs")
    with store.read() as s:
        assert review.open_conflicts(s) == [] and s.get(Household, hh.id).phone == "13811111111"
    assert len(outbox_rows(store)) == before + 1
