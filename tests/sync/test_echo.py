"""The echo of this device's own push (issue 14 target 2): not written again only where the row is the
server's record already (an `exact` `applied` answer), and written as before everywhere else."""

from __future__ import annotations

import json

from gridworker.services import register

from .helpers import household, open_conflicts, server_rows, synced_values

EARLIER, LATER = "13800000001", "13900000002"


def _watch(client) -> None:
    """Log every rewrite of a household row that leaves its version as it is (the pull writing a record at
    the version the push's answer gave it); the answer's own version bump is not logged."""
    with client.store.write() as s:
        conn = s.connection()
        conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS echo_log (id TEXT, version INTEGER)")
        conn.exec_driver_sql(
            "CREATE TRIGGER IF NOT EXISTS echo_watch AFTER UPDATE ON household WHEN old.version = new.version "
            "BEGIN INSERT INTO echo_log VALUES (new.id, new.version); END"
        )


def _rewrites(client, hh_id: str) -> list[int]:
    with client.store.read() as s:
        return [v for (v,) in s.connection().exec_driver_sql("SELECT version FROM echo_log WHERE id = ?", (hh_id,))]


def _unsure(client) -> set[tuple[str, str]]:
    with client.store.read() as s:
        return set(s.connection().exec_driver_sql("SELECT entity, record_id FROM sync_unsure").all())


def test_the_echo_of_an_applied_edit_is_not_written_again(server, pair):
    a, b, hh = pair
    register.update_household(a.store, hh.id, {"notes": "走访：一切正常", "phone": EARLIER})
    _watch(a)
    a.sync_ok()

    assert _rewrites(a, hh.id) == []  # the echo came back at the version the answer gave: not written
    [stored] = server_rows(server, [("household", hh.id)]).values()
    mine = synced_values(a, "household", hh.id)
    assert mine["notes"] == stored["data"]["notes"] == "走访：一切正常" and mine["phone"] == stored["data"]["phone"]
    with a.store.read() as s:
        assert s.connection().exec_driver_sql("SELECT version FROM household WHERE id = ?", (hh.id,)).scalar() == stored["version"]
    b.sync_ok()
    assert household(b, hh.id).notes == "走访：一切正常"
    a.sync_ok()
    assert _rewrites(a, hh.id) == [] and synced_values(a, "household", hh.id) == synced_values(b, "household", hh.id)


def test_a_value_the_server_cleans_arrives_as_the_server_stores_it(server, pair):
    a, _b, hh = pair
    register.update_household(a.store, hh.id, {"notes": "padded"})
    with a.store.write() as s:  # as a client that does not trim would send it, and show it
        conn = s.connection()
        conn.exec_driver_sql("UPDATE household SET notes = '  padded  ' WHERE id = ?", (hh.id,))
        conn.exec_driver_sql(
            "UPDATE outbox SET fields = ? WHERE record_id = ? AND state = 'pending'",
            (json.dumps({"notes": "  padded  "}), hh.id),
        )
    _watch(a)
    a.sync_ok()
    assert server_rows(server, [("household", hh.id)])[("household", hh.id)]["data"]["notes"] == "padded"
    assert household(a, hh.id).notes == "padded"  # the echo was written: the row holds what the server holds
    assert _rewrites(a, hh.id) and ("household", hh.id) not in _unsure(a)


def test_a_merged_edit_brings_the_other_writers_field_even_after_an_exact_edit_of_the_record(pair):
    a, b, hh = pair
    register.update_household(b.store, hh.id, {"phone": LATER})
    b.sync_ok()
    register.update_household(a.store, hh.id, {"notes": "第一次"})
    with a.store.write() as s:  # put on the wire once already (its answer lost): never squashed with the next
        s.connection().exec_driver_sql("UPDATE outbox SET result = ? WHERE record_id = ? AND state = 'pending'",
                                       (json.dumps({"attempted": True}), hh.id))
    register.update_household(a.store, hh.id, {"notes": "第二次"})
    result = a.sync_ok()  # first edit: merged (b's phone); the second, based on it: applied as sent

    assert result.merged == 1 and result.pushed == 2
    assert household(a, hh.id).phone == LATER and household(a, hh.id).notes == "第二次"
    assert ("household", hh.id) not in _unsure(a)  # written as the server has it: off the list


def test_an_edit_made_between_the_push_and_the_pull_is_kept_and_pushed(pair):
    a, b, hh = pair
    register.update_household(a.store, hh.id, {"notes": "推送的"})
    pull = a.engine._pull

    def edit_then_pull(transport, result):
        register.update_household(a.store, hh.id, {"phone": EARLIER})
        pull(transport, result)

    a.engine._pull = edit_then_pull
    first = a.sync()
    del a.engine._pull
    assert first.error is None and first.pending == 1
    assert household(a, hh.id).phone == EARLIER and household(a, hh.id).notes == "推送的"
    a.sync_ok()
    b.sync_ok()
    assert household(b, hh.id).phone == EARLIER and household(b, hh.id).notes == "推送的"
    assert synced_values(a, "household", hh.id) == synced_values(b, "household", hh.id)


def test_a_conflict_still_shows_and_the_row_shows_the_value_that_won(pair):
    a, b, hh = pair
    register.update_household(a.store, hh.id, {"phone": EARLIER})  # the earlier clock: loses
    register.update_household(b.store, hh.id, {"phone": LATER})
    b.sync_ok()
    _watch(a)
    result = a.sync_ok()
    assert result.conflicts == 1
    [lost] = open_conflicts(a)
    assert (lost.field, lost.mine, lost.theirs, lost.winner) == ("phone", EARLIER, LATER, "theirs")
    assert household(a, hh.id).phone == LATER
    register.update_household(a.store, hh.id, {"notes": "之后"})  # applied as sent, on top of the conflict's version
    a.sync_ok()
    assert household(a, hh.id).phone == LATER and household(a, hh.id).notes == "之后"


def test_an_older_server_without_the_flag_has_every_echo_written(pair, monkeypatch):
    a, _b, hh = pair
    from gridworker.sync import push

    answer = push.apply_results

    def as_an_older_server(s, batch, results, index):
        return answer(s, batch, [{k: v for k, v in r.items() if k != "exact"} for r in results], index)

    monkeypatch.setattr(push, "apply_results", as_an_older_server)
    register.update_household(a.store, hh.id, {"notes": "旧服务器"})
    _watch(a)
    a.sync_ok()
    assert _rewrites(a, hh.id) and household(a, hh.id).notes == "旧服务器"
    assert ("household", hh.id) not in _unsure(a)  # listed by the answer, taken off by the echo's writing


def test_an_edit_on_a_stale_base_after_a_local_restore_still_gets_this_devices_later_field(pair):
    """A backup restored on this computer holds a record at an older version than this device's own later
    push: an edit based on it is `applied` (the versions between are this device's), but not exact."""
    a, _b, hh = pair
    register.update_household(a.store, hh.id, {"notes": "备份之后的修改"})
    a.sync_ok()
    with a.store.write() as s:  # the row as the backup had it: before that edit, one version older
        s.connection().exec_driver_sql(
            "UPDATE household SET notes = NULL, version = version - 1 WHERE id = ?", (hh.id,)
        )
    register.update_household(a.store, hh.id, {"phone": EARLIER})
    a.sync_ok()
    assert household(a, hh.id).notes == "备份之后的修改" and household(a, hh.id).phone == EARLIER
