"""`gridworker sync` / `status` through the light probe (gridworker.sync.probe) say exactly what the engine's path says.

Each case runs the command twice against a real server process, in-process:
once as shipped (the probe answers when there is nothing to do, else hands
over) and once with the probe switched off (always the engine and the
store), and compares the words, the exit status and what was saved. The
cases with something to do (an edit, a change on the server, a photo, an
offline server, a revoked token) show the probe handing over; the quiet
cases show it answering alone (no engine round ran), including with
refused edits, conflicts and records set aside, where `status` never says ok.
"""

from __future__ import annotations

import dataclasses
import json

import pytest

from gridworker.cli import main
from gridworker.domain.models import Outbox
from gridworker.services import scope
from gridworker.store.meta import next_hlc
from gridworker.store.sync_tables import SyncBlob, SyncConflict
from gridworker.sync import engine as engine_module
from gridworker.sync import probe, state
from gridworker.sync.engine import SyncResult

from .helpers import new_household
from .server import SERVER_PASSWORD

SHA = "ab" * 32


@pytest.fixture
def quiet(server, clients, monkeypatch):
    """A synced worker of G2 (its client open, as the app might be) and `run`: the CLI in-process."""
    c = clients(server, "w2")
    c.sync_ok()
    c.sync_ok()
    monkeypatch.setenv("GRIDWORKER_PASSWORD", SERVER_PASSWORD)
    return c


def run(capsys, monkeypatch, *argv: str, probe_on: bool = True) -> tuple[int, str, str, int]:
    """(exit status, stdout, stderr, engine rounds run) of `gridworker --lang en ARGV`."""
    rounds = []
    real = engine_module.SyncEngine.sync_once
    with monkeypatch.context() as m:
        m.setattr(engine_module.SyncEngine, "sync_once", lambda self: rounds.append(1) or real(self))
        if not probe_on:
            m.setattr(probe.Probe, "quiet_round", lambda self: None)
            m.setattr(probe.Probe, "status", lambda self: (_ for _ in ()).throw(probe.Unsure("off")))
        capsys.readouterr()
        code = main(["--lang", "en", "--account", "w2", *argv])
        out = capsys.readouterr()
    return code, out.out, out.err, len(rounds)


def both(capsys, monkeypatch, *argv: str) -> tuple[tuple, tuple]:
    """The command with the probe, then without it (the full path); each (code, out, err)."""
    light = run(capsys, monkeypatch, *argv)
    full = run(capsys, monkeypatch, *argv, probe_on=False)
    return light, full


def saved(c) -> dict:
    with c.store.read() as s:
        return {k: state.get_meta(s, k) for k in (state.STATE, state.LAST_ERROR)}


def test_the_probe_knows_the_engines_keys_and_result_fields():
    from gridworker.sync import resync

    assert (probe.TOKEN, probe.AREA_IDS, probe.CURSOR, probe.EPOCH) == (state.TOKEN, state.AREA_IDS, state.CURSOR, state.EPOCH)
    assert (probe.LAST_SUCCESS, probe.LAST_ERROR, probe.STATE) == (state.LAST_SUCCESS, state.LAST_ERROR, state.STATE)
    assert (probe.SET_ASIDE, probe.LOST_CURSOR, probe.RESYNC) == (state.SET_ASIDE, state.LOST_CURSOR, state.RESYNC)
    assert (probe.BULK_INDEX, probe.SCOPE, probe.PAGE_SIZE) == (engine_module.BULK_INDEX, scope.SCOPE, engine_module.PAGE_SIZE)
    assert probe.RESULT_FIELDS == tuple(f.name for f in dataclasses.fields(SyncResult))
    assert resync.RESTORED and resync.REREAD  # any value of RESYNC hands over
    from gridworker.sync.conflicts import LOST_PAGE

    assert probe.LOST_PAGE == LOST_PAGE


@pytest.mark.parametrize("as_json", [False, True])
def test_a_quiet_sync_answers_alone_with_the_engines_words_and_records_the_success(quiet, capsys, monkeypatch, as_json):
    with quiet.store.write() as s:  # a failed earlier round: the quiet one must clear it, as the engine does
        state.set_json(s, state.LAST_ERROR, {"code": "offline", "zh": "离线", "en": "offline"})
        state.set_meta(s, state.STATE, "offline")
    argv = ["sync", "--json"] if as_json else ["sync"]
    light = run(capsys, monkeypatch, *argv)
    assert light[3] == 0, "the probe answered alone: no engine round"
    after_light = saved(quiet)
    full = run(capsys, monkeypatch, *argv, probe_on=False)
    assert full[3] == 1
    assert light[:3] == full[:3] and light[0] == 0
    assert after_light == saved(quiet) == {state.STATE: "ok", state.LAST_ERROR: None}
    if as_json:
        assert json.loads(light[1])["complete"] is True and json.loads(light[1])["exit_status"] == 0
    else:
        assert light[1].startswith("Sent 0 (conflicts 0, refused 0), received 0")
    st = run(capsys, monkeypatch, "status", "--json")
    assert json.loads(st[1])["state"] == "ok" and json.loads(st[1])["last_success"]


def test_an_edit_waiting_is_sent_by_the_engine(quiet, capsys, monkeypatch):
    new_household(quiet, "G2")
    code, out, err, rounds = run(capsys, monkeypatch, "sync")
    assert (code, rounds) == (0, 1), err
    assert out.startswith("Sent 2 ")
    assert run(capsys, monkeypatch, "sync")[3] == 0  # and then it is quiet again


def test_a_change_on_the_server_is_received_by_the_engine(server, quiet, clients, capsys, monkeypatch):
    other = clients(server, "disp")
    other.sync_ok()
    new_household(other, "G2")
    other.sync_ok()
    code, out, err, rounds = run(capsys, monkeypatch, "sync")
    assert (code, rounds) == (0, 1), err
    assert "received 2" in out


def test_a_photo_to_send_or_a_thumbnail_due_goes_to_the_engine(quiet, capsys, monkeypatch):
    with quiet.store.write() as s:
        s.add(SyncBlob(sha256=SHA, kind="thumb", state="waiting", attempts=0))
    light, full = both(capsys, monkeypatch, "sync")
    assert light[3] == full[3] == 1
    assert light[:3] == full[:3]


def test_a_failed_upload_is_tried_again_by_the_engine_and_reported_alike(quiet, capsys, monkeypatch):
    with quiet.store.write() as s:
        s.add(SyncBlob(sha256=SHA, kind="upload", state="failed", attempts=1))
    light, full = both(capsys, monkeypatch, "sync")
    assert light[3] == full[3] == 1
    assert light[:3] == full[:3]
    st_light, st_full = both(capsys, monkeypatch, "status")
    assert st_light[3] == 0 and st_light[:3] == st_full[:3]


def test_an_offline_server_gives_the_engines_error_and_exit_status(fresh_server, clients, capsys, monkeypatch):
    c = clients(fresh_server, "w2")
    c.sync_ok()
    monkeypatch.setenv("GRIDWORKER_PASSWORD", SERVER_PASSWORD)
    fresh_server.stop()
    c.engine.attempts = 1
    light, full = both(capsys, monkeypatch, "sync")
    assert light[3] == full[3] == 1
    assert light[:3] == full[:3] and light[0] == 3 and light[2].strip()
    st_light, st_full = both(capsys, monkeypatch, "status")
    assert st_light[:3] == st_full[:3] and "State: offline" in st_light[1]


def test_a_token_the_server_refuses_gives_signed_out(quiet, capsys, monkeypatch):
    with quiet.store.write() as s:
        state.set_meta(s, state.TOKEN, "not-a-token")
    light, full = both(capsys, monkeypatch, "sync")
    assert light[3] == full[3] == 1
    assert light[:3] == full[:3] and light[0] == 4


def test_refused_edits_conflicts_and_set_aside_records_are_reported_alike_and_status_is_never_ok(quiet, capsys, monkeypatch):
    with quiet.store.write() as s:
        s.add(Outbox(entity="household", record_id="00000000-0000-4000-8000-0000000000aa", op="upsert",
                     fields={"notes": "x"}, hlc=next_hlc(s), state="rejected",
                     result={"error": {"code": "out_of_scope"}}))  # fmt: skip
    light, full = both(capsys, monkeypatch, "status")
    assert light[:3] == full[:3] and "State: needs review" in light[1] and "refused: 1" in light[1]
    with quiet.store.write() as s:
        s.add(SyncConflict(mutation_id="m1", entity="household", record_id="00000000-0000-4000-8000-0000000000aa",
                           field="housing", mine="owned", theirs="rented", winner="theirs"))  # fmt: skip
        state.set_json(s, state.SET_ASIDE, [{"entity": "person", "id": "p1", "fields": ["gender", "phone"]}])
    light, full = both(capsys, monkeypatch, "status")
    assert light[:3] == full[:3] and "State: records set aside" in light[1] and "conflicts: 1" in light[1]
    assert "2 values in 1 pulled records could not be read" in light[1]
    light, full = both(capsys, monkeypatch, "status", "--json")
    assert light[:3] == full[:3] and json.loads(light[1])["state"] == "records set aside"
    light, full = both(capsys, monkeypatch, "sync")
    assert light[3] == 0 and light[:3] == full[:3] and light[0] == 0


def test_status_in_chinese_alike(quiet, capsys, monkeypatch):
    light = run(capsys, monkeypatch, "--lang", "zh", "status")
    full = run(capsys, monkeypatch, "--lang", "zh", "status", probe_on=False)
    assert light[:3] == full[:3] and "状态：正常" in light[1]


def test_signed_out_and_not_signed_in_status_alike(quiet, capsys, monkeypatch):
    with quiet.store.write() as s:
        state.delete_meta(s, state.TOKEN)
    light, full = both(capsys, monkeypatch, "status")
    assert light[:3] == full[:3] and "sign in again" in light[1]
    light, full = both(capsys, monkeypatch, "sync")
    assert light[:3] == full[:3] and light[0] == 4


def test_the_workers_quiet_round_is_the_probes_and_equals_the_engines(server, quiet, clients, monkeypatch):
    from gridworker.sync.worker import SyncWorker

    worker = SyncWorker(quiet.account, quiet.store, retry=False)
    rounds = []
    real = engine_module.SyncEngine.sync_once
    monkeypatch.setattr(engine_module.SyncEngine, "sync_once", lambda self: (self is worker.engine and rounds.append(1)) or real(self))
    try:
        by_probe = worker.sync_now()
        assert rounds == [] and by_probe.complete and by_probe.error is None
        assert by_probe == quiet.engine.sync_once()  # every field of the result alike
        assert rounds == []
        other = clients(server, "disp")
        other.sync_ok()
        new_household(other, "G2")
        other.sync_ok()
        received = worker.sync_now()
        assert rounds == [1] and received.pulled == 2 and received.complete
        worker.account.info = json.loads(json.dumps(worker.account.info))  # the sync process replaces it
        worker.account.info["server"]["display_name"] = "someone else"  # what /me says differs: the engine looks
        worker.sync_now()
        assert rounds == [1, 1]
    finally:
        worker.close()


def test_the_key_is_unwrapped_once_a_process_whichever_path_runs(quiet, capsys, monkeypatch):
    from gridworker.store import keys

    calls = []
    real = keys.unwrap
    monkeypatch.setattr(keys, "unwrap", lambda *a, **k: calls.append(1) or real(*a, **k))
    assert run(capsys, monkeypatch, "sync")[::3] == (0, 0) and calls == [1]  # quiet: the probe alone
    new_household(quiet, "G2")
    assert run(capsys, monkeypatch, "sync")[::3] == (0, 1) and calls == [1, 1]  # the probe, then the engine


def test_a_probe_that_meets_something_unexpected_hands_over_instead_of_failing(quiet, capsys, monkeypatch):
    def broken(self, local):
        raise KeyError("a bug in the probe")

    monkeypatch.setattr(probe.Probe, "_user_unchanged", broken)
    code, out, err, rounds = run(capsys, monkeypatch, "sync")
    assert (code, rounds) == (0, 1) and out.startswith("Sent 0 ") and not err.strip()


def test_a_connection_the_server_closed_while_idle_is_opened_again(quiet, monkeypatch):
    import time

    from gridworker.sync.worker import SyncWorker

    worker = SyncWorker(quiet.account, quiet.store, retry=False)
    rounds = []
    real = engine_module.SyncEngine.sync_once
    monkeypatch.setattr(engine_module.SyncEngine, "sync_once", lambda self: (self is worker.engine and rounds.append(1)) or real(self))
    try:
        assert worker.sync_now().complete and rounds == []
        time.sleep(6)  # past the server's keep-alive (uvicorn's 5 s): it has closed the probe's connection
        assert worker.sync_now().complete and rounds == [], "the probe opened a new connection, not the engine's round"
    finally:
        worker.close()


def test_a_thumbnail_the_server_lacked_waits_its_pause_then_the_engine_asks_again(quiet, capsys, monkeypatch):
    from datetime import datetime, timedelta, timezone

    with quiet.store.write() as s:  # asked for a minute ago, twice: the next try is due after 4 minutes
        s.add(SyncBlob(sha256=SHA, kind="thumb", state="unavailable", attempts=2,
                       updated_at=datetime.now(timezone.utc) - timedelta(minutes=1)))  # fmt: skip
    light, full = both(capsys, monkeypatch, "sync")
    assert light[3] == 0 and full[3] == 1, "not due: the probe answers alone"
    assert light[:3] == full[:3] and light[0] == 0
    with quiet.store.write() as s:
        row = s.get(SyncBlob, (SHA, "thumb"))
        row.updated_at = datetime.now(timezone.utc) - timedelta(minutes=5)
        s.add(row)
    code, out, err, rounds = run(capsys, monkeypatch, "sync")
    assert (code, rounds) == (0, 1), "due: the engine asks the server again"
    with quiet.store.read() as s:
        row = s.get(SyncBlob, (SHA, "thumb"))
        assert (row.state, row.attempts) == ("unavailable", 3)
    assert run(capsys, monkeypatch, "sync")[3] == 0  # and waits its pause again


@pytest.mark.parametrize("page", ["", "7", "1000", "0", "1001", "x"])
def test_the_cli_words_times_and_asks_pages_as_the_engine_and_the_display_do(monkeypatch, page):
    from datetime import datetime

    from gridworker.commands import sync as command
    from gridworker.domain.display import time_text

    for iso in ("2026-12-07T10:49:14.635643+00:00", "2026-12-31T23:59:00+08:00", "2026-12-07T10:49:14"):
        assert command._time_text(iso) == time_text(datetime.fromisoformat(iso))
    monkeypatch.setenv(engine_module.PAGE_ENV, page)
    assert command._page_size() == (engine_module._env_page_size() or engine_module.PAGE_SIZE)


def test_a_hung_server_is_waited_for_once_not_again_by_the_engine(quiet, hung_server, capsys, monkeypatch):
    """The probe's GET meets a server that never answers: it records the engine's NoAnswer itself (one wait of the
    read timeout, not a second one in the engine's round), and `status` then says offline, as after the engine's."""
    import time

    url, accepted = hung_server
    quiet.account.info["server"]["url"] = url
    quiet.account.save_info()
    monkeypatch.setattr(probe, "READ_TIMEOUT", 1.0)
    started = time.monotonic()
    code, out, err, rounds = run(capsys, monkeypatch, "sync", "--json")
    elapsed = time.monotonic() - started
    assert rounds == 0 and len(accepted) == 1 and elapsed < 5
    answer = json.loads(out)
    assert answer["error"]["code"] == "offline" and answer["error"]["message_en"].startswith("The server did not answer in time")
    assert code == answer["exit_status"] == 3 and answer["state"] == "offline" and not answer["complete"]
    kept = saved(quiet)
    assert kept[state.STATE] == "offline" and json.loads(kept[state.LAST_ERROR])["code"] == "offline"
    code, out, err, rounds = run(capsys, monkeypatch, "status")
    assert "State: offline" in out and "did not answer in time" in out
