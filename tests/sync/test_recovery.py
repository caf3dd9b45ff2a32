"""When the server goes back in time (restored backup, new epoch), signs us out, or wants a newer app."""

import json
import subprocess
import uuid

import pytest
from sqlmodel import select

from gridworker.domain.models import Outbox
from gridworker.services import register
from gridworker.store.meta import next_hlc
from gridworker.sync.review import review_lists
from gridworker.sync import link, transport
from gridworker.sync.engine import PAGE_ENV
from gridworker.sync.errors import SignedOut, UpdateRequired
from gridworker.sync.mapping import ENTITY_MAPS
from gridworker.sync.worker import read_status

from .helpers import household, new_household, open_conflicts, server_rows, synced_values
from .server import BIN, SERVER_PASSWORD, env_for_cli


def pending(client):
    with client.store.read() as s:
        return list(s.exec(select(Outbox).where(Outbox.state == "pending")))


def cli_sync(home, account: str, page: int | None = None) -> tuple[int, dict]:
    """`gridworker sync --json` in a process of its own (pages of `page` changes, one a transaction)."""
    env = env_for_cli(home) | ({PAGE_ENV: str(page)} if page else {})
    done = subprocess.run(
        [str(BIN / "gridworker"), "--lang", "en", "--account", account, "--password-stdin", "sync", "--json"],
        input=SERVER_PASSWORD + "\n", capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, json.loads(done.stdout)


def disagreements(client, on_server: dict) -> list:
    """Where the device and the server differ: a record one has and the other not, a version or a value."""
    out = []
    for (entity, rid), change in on_server.items():
        emap = ENTITY_MAPS.get(entity)
        if emap is None or entity in ("area", "user"):
            continue
        local = synced_values(client, entity, rid)
        if local is None or local["deleted"] != (change["op"] == "delete"):
            out.append((entity, rid, "missing" if local is None else "deleted"))
            continue
        with client.store.read() as s:
            version = s.get(emap.model, rid).version
        if version != change["version"]:
            out.append((entity, rid, "version", version, change["version"]))
        for k, v in change["data"].items():
            if k in emap.pushable and emap.convert(k, v) != local[k]:
                out.append((entity, rid, k, local[k], v))
    for entity in ("building", "household", "person"):
        table = ENTITY_MAPS[entity].table
        with client.store.read() as s:
            ids = s.connection().execute(select(table.c.id).where(table.c.deleted == False, table.c.version > 0)).scalars()  # noqa: E712
            out += [(entity, rid, "not on the server") for rid in ids if (entity, rid) not in on_server]
    return out


def restore(srv, backup) -> None:
    srv.stop()
    srv.admin("restore", str(backup))
    srv.start()


PAGE = 8  # with ~60 records on the server, a re-read of 8 changes a page spans several groups


@pytest.mark.slow
def test_a_re_read_of_many_groups_converges_in_one_sync_of_a_client_process(fresh_server, clients, tmp_path, gridworker_home):
    srv = fresh_server
    a = clients(srv, "w1a")
    a.sync_ok()
    for i in range(12):
        new_household(a, room=f"{i + 1}01")
    a.sync_ok()
    srv.admin("backup", str(tmp_path / "backup.db"))
    after = [new_household(a, room=f"{i + 1}02")[1] for i in range(12)]  # acknowledged, then lost by the restore
    a.sync_ok()
    _, unsent = new_household(a, room="999")
    restore(srv, tmp_path / "backup.db")

    code, result = cli_sync(gridworker_home, "w1a", page=PAGE)
    assert (code, result["error"]) == (0, None), result
    assert result["resynced"] and result["complete"] and result["pending"] == 0
    assert result["resent"] == 24  # the 12 households made after the backup, and their buildings, sent again whole
    on_server = srv.records("w1a")
    assert all(("household", hh.id) in on_server for hh in [*after, unsent])
    assert disagreements(a, on_server) == []
    code, result = cli_sync(gridworker_home, "w1a", page=PAGE)  # and the next sync finds nothing to do
    assert (code, result["resynced"], result["pushed"]) == (0, False, 0)


@pytest.mark.slow
def test_sent_edits_a_restore_lost_are_sent_again_by_the_devices_that_made_them(fresh_server, clients, tmp_path, gridworker_home):
    srv = fresh_server
    a, b = clients(srv, "w1a"), clients(srv, "w1b")
    a.sync_ok()
    made = [new_household(a, room=f"{i + 1}01")[1] for i in range(24)]
    a.sync_ok()
    b.sync_ok()
    srv.admin("backup", str(tmp_path / "backup.db"))
    # After the backup, all accepted by the server: 20 edits and a delete from a, two edits from b.
    edited = {hh.id: f"备份后修改 {i}" for i, hh in enumerate(made[:20])}
    for rid, notes in edited.items():
        register.update_household(a.store, rid, {"notes": notes})
    register.update_household(a.store, made[0].id, {"phone": "13900000000"})  # two sent edits of one record
    register.delete_record(a.store, "household", made[20].id)
    a.sync_ok()
    register.update_household(b.store, made[21].id, {"phone": "13700000021"})
    register.update_household(b.store, made[22].id, {"phone": "13700000022"})
    b.sync_ok()
    a.sync_ok()  # a shows b's edits as the server had them
    register.update_household(a.store, made[23].id, {"notes": "未发送"})  # and one edit a has not sent
    restore(srv, tmp_path / "backup.db")

    code, result = cli_sync(gridworker_home, "w1a", page=PAGE)
    assert (code, result["error"]) == (0, None), result
    assert result["resynced"] and result["complete"]
    assert result["resent"] == 21  # the 20 edited households and the deleted one; not the unsent edit, not b's
    b.sync_ok()  # b re-reads too, and sends again what the server lost of its own
    code, result = cli_sync(gridworker_home, "w1a", page=PAGE)  # and a gets b's edits back
    assert (code, result["error"]) == (0, None), result

    on_server = srv.records("w1a")
    for rid, notes in edited.items():
        assert on_server[("household", rid)]["data"].get("notes") == notes
        assert household(a, rid).notes == notes and household(b, rid).notes == notes
    assert on_server[("household", made[0].id)]["data"].get("phone") == "13900000000"
    assert server_rows(srv, [("household", made[20].id)])[("household", made[20].id)]["deleted"]
    assert household(a, made[20].id).deleted
    assert household(b, made[20].id) is None  # a re-read from the start brings no tombstones: b dropped its copy
    assert on_server[("household", made[21].id)]["data"].get("phone") == "13700000021"
    assert on_server[("household", made[22].id)]["data"].get("phone") == "13700000022"
    assert on_server[("household", made[23].id)]["data"].get("notes") == "未发送"
    assert disagreements(a, on_server) == [] and disagreements(b, on_server) == []
    assert pending(a) == [] and pending(b) == []
    assert review_lists(a.store).rejected == [] and review_lists(b.store).rejected == []
    assert open_conflicts(a) == [] and open_conflicts(b) == []  # its own edits, taken back: no collision


@pytest.mark.slow
def test_server_restored_from_an_older_backup_loses_nothing_clients_had(fresh_server, clients, tmp_path):
    srv = fresh_server
    a, b = clients(srv, "w1a"), clients(srv, "w1b")
    a.sync_ok()
    _, before_backup = new_household(a, room="101")
    a.sync_ok()
    srv.admin("backup", str(tmp_path / "backup.db"))
    _, after_backup = new_household(a, room="102")  # acknowledged by the server, then lost by the restore
    a.sync_ok()
    b.sync_ok()
    register.update_household(a.store, before_backup.id, {"notes": "恢复前未发送"})
    register.update_household(a.store, after_backup.id, {"notes": "服务器已忘记此户"})  # refused, then sent whole
    _, unsent = new_household(a, room="103")
    assert len(pending(a)) >= 3

    srv.stop()
    srv.admin("restore", str(tmp_path / "backup.db"))
    srv.start()

    result = a.sync_ok()
    assert result.resynced
    b.sync_ok()
    a.sync_ok()
    on_server = srv.records("w1a")
    for hh in (before_backup, after_backup, unsent):
        assert ("household", hh.id) in on_server
        assert synced_values(a, "household", hh.id) == synced_values(b, "household", hh.id)
    assert on_server[("household", before_backup.id)]["data"]["notes"] == "恢复前未发送"
    assert household(b, unsent.id).room == "103"
    assert on_server[("household", after_backup.id)]["data"]["notes"] == "服务器已忘记此户"
    assert pending(a) == [] and pending(b) == []
    # an edit the restored server refused (it no longer knew the record) went up again whole: not shown as refused
    assert review_lists(a.store).rejected == [] and read_status(a.account, a.store).rejected == 0


def test_signed_out_by_the_server_keeps_everything_until_signed_in_again(server, clients):
    a = clients(server, "w1a")
    a.sync_ok()
    _, hh = new_household(a, room="301")
    server.admin("token", "revoke", "--device", a.engine.device_id)
    result = a.sync()
    assert isinstance(result.error, SignedOut) and not result.complete
    assert result.state == "signed out: sign in again"
    assert read_status(a.account, a.store).state == "signed out: sign in again"
    assert len(pending(a)) == 2 and household(a, hh.id) is not None
    link.login(a.account, a.store, server.url, "w1a", SERVER_PASSWORD)
    a.sync_ok()
    assert ("household", hh.id) in server.records("w1a")


def test_a_server_that_needs_a_newer_app_keeps_the_outbox(server, clients, monkeypatch):
    a = clients(server, "w1a")
    a.sync_ok()
    _, hh = new_household(a, room="302")
    a.engine.close()  # the next round opens a session with the patched header
    monkeypatch.setattr(transport, "SCHEMA", "99")
    result = a.sync()
    assert isinstance(result.error, UpdateRequired) and result.state == "update the app"
    assert len(pending(a)) == 2
    assert read_status(a.account, a.store).last_error["code"] == "update_required"
    monkeypatch.setattr(transport, "SCHEMA", "1")
    a.engine.close()
    a.sync_ok()
    assert ("household", hh.id) in server.records("w1a")


def test_a_push_refused_as_a_whole_rejects_only_the_culprit(server, clients):
    a = clients(server, "w1a")
    a.sync_ok()
    _, hh = new_household(a, room="303")
    with a.store.write() as s:  # an entity this server does not know: the server refuses the whole push (422)
        s.add(Outbox(entity="gadget", record_id=str(uuid.uuid4()), op="upsert", fields={"x": 1}, hlc=next_hlc(s)))
    result = a.sync_ok()
    assert result.rejected == 1 and result.pushed == 2
    with a.store.read() as s:
        [refused] = s.exec(select(Outbox).where(Outbox.state == "rejected")).all()
    assert refused.entity == "gadget" and refused.result["error"]["code"] == "unknown_entity"
    assert ("household", hh.id) in server.records("w1a")
