"""Which of this device's accepted edits a re-read after a restore sends again (no server: see test_recovery.py for the real thing)."""

import uuid

from sqlmodel import select

from gridworker.domain.models import Outbox, Person
from gridworker.sync import pull, resync, state

from .test_pull_unit import person_change

H1, H2 = "1765000000000-0000-dev001", "1765000001000-0000-dev001"


def uid() -> str:
    return str(uuid.uuid4())


def sent(s, pid, fields, hlc=H1, op="upsert", result=None):
    s.add(Outbox(entity="person", record_id=pid, op=op, fields=fields, hlc=hlc, base_version=1, state="sent",
                 result=result or {"status": "applied", "version": 2}))  # fmt: skip


def re_read(store, changes):
    """One group of a re-read after a restore, as the engine writes it."""
    with store.write() as s:
        state.set_meta(s, state.RESYNC, resync.RESTORED)
        own = resync.own_accepted(s, changes)
        pull.apply_page(s, changes, resync=True)
        return resync.send_again(s, own, changes)


def test_a_re_read_sends_again_only_the_devices_own_values_it_still_showed(store):
    lost, gave_way, overtaken, unsent, deleted, kept = (uid() for _ in range(6))
    with store.write() as s:
        pull.apply_page(s, [
            person_change(lost, 2, phone="13800000001", notes="mine"),
            person_change(gave_way, 2, notes="theirs"),  # our edit lost a collision: the server kept theirs
            person_change(overtaken, 3, notes="newer, from elsewhere"),  # someone edited after us
            person_change(unsent, 2, notes="mine"),
            person_change(deleted, 2),
            person_change(kept, 2, notes="mine"),
        ])  # fmt: skip
        sent(s, lost, {"phone": "13800000001"})
        sent(s, lost, {"notes": "mine"}, hlc=H2)
        sent(s, gave_way, {"notes": "mine"}, result={"status": "conflict", "version": 2, "error": {
            "code": "conflict", "details": {"notes": {"mine": "mine", "theirs": "theirs", "winner": "server"}}}})
        sent(s, overtaken, {"notes": "mine"})
        sent(s, unsent, {"notes": "mine"})
        s.add(Outbox(entity="person", record_id=unsent, op="upsert", fields={"notes": "not sent yet"}, hlc=H2, base_version=2))
        sent(s, deleted, {}, op="delete")
        s.get(Person, deleted).deleted = True
        sent(s, kept, {"notes": "mine"})

    # The restored server has each record as it was before these edits (and still has `kept`'s).
    touched = re_read(store, [
        person_change(rid, 1, phone="13800000000", notes="before") for rid in (lost, gave_way, overtaken, unsent, deleted)
    ] + [person_change(kept, 2, notes="mine")])  # fmt: skip

    assert touched == {"person": {lost, deleted}}
    with store.read() as s:
        queued = s.exec(select(Outbox).where(Outbox.state == "pending").order_by(Outbox.seq)).all()
        shown = {rid: s.get(Person, rid) for rid in (lost, gave_way, overtaken, unsent, deleted, kept)}
    again = {q.record_id: (q.op, q.fields, q.base_version, q.hlc) for q in queued if q.record_id != unsent}
    assert again == {
        lost: ("upsert", {"phone": "13800000001", "notes": "mine"}, 1, H2),  # the original clock of the later edit
        deleted: ("delete", {}, 1, H1),
    }
    assert [(q.fields, q.base_version) for q in queued if q.record_id == unsent] == [({"notes": "not sent yet"}, 1)]
    assert (shown[lost].phone, shown[lost].notes) == ("13800000001", "mine")
    assert shown[deleted].deleted
    assert shown[gave_way].notes == "before" and shown[overtaken].notes == "before"  # their authors send them again
    assert shown[unsent].notes == "not sent yet" and shown[kept].notes == "mine"


def test_an_evicted_record_is_not_sent_again(store):
    pid = uid()
    with store.write() as s:
        pull.apply_page(s, [person_change(pid, 2, notes="mine")])
        sent(s, pid, {"notes": "mine"})
    assert re_read(store, [{"entity": "person", "id": pid, "op": "evict", "version": 3, "data": None}]) == {}
    with store.read() as s:
        assert s.exec(select(Outbox).where(Outbox.state == "pending")).all() == []


def test_a_re_read_keeps_a_record_whose_refused_edit_the_user_has_not_read_yet(store):
    """The server does not send it again (it left the user's scope): the refused list must still name it."""
    unread, read = uid(), uid()
    with store.write() as s:
        pull.apply_page(s, [person_change(unread, 2, notes="theirs"), person_change(read, 2, notes="theirs")])
        for pid in (unread, read):
            answer = {"status": "rejected", "error": {"code": "out_of_scope"}}
            if pid == read:
                answer["dismissed_at"] = "2026-12-07T06:00:00+00:00"
            s.add(Outbox(entity="person", record_id=pid, op="upsert", fields={"notes": "mine"}, hlc=H1, base_version=2,
                         state="rejected", result=answer))  # fmt: skip
        resync.start(s)
        state.set_meta(s, state.RESYNC, resync.REREAD)  # a re-read asked for by an upgrade: nothing is re-queued
    with store.write() as s:
        settled = resync.finish(s)
    with store.read() as s:
        assert s.get(Person, unread) is not None, "dropped while its refusal is still listed"
        assert s.get(Person, read) is None  # the user has read it: nothing needs the record any more
    assert settled.kept == 1 and settled.dropped == 1
