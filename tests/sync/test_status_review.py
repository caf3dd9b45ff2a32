"""`gridworker status` (and read_status) never says ok while refused edits or conflicts wait for the user."""

from __future__ import annotations

from gridworker.domain.models import Outbox
from gridworker.store.meta import next_hlc
from gridworker.sync import state
from gridworker.sync.status import read_status


def _linked(account, store) -> None:
    account.info["server"] = {"url": "http://127.0.0.1:9", "username": "w1", "user_id": "u1", "role": "worker"}
    account.save_info()
    with store.write() as s:
        state.set_meta(s, state.TOKEN, "t")


def test_a_refused_edit_keeps_the_state_from_ok_until_it_is_read(account, store):
    _linked(account, store)
    assert read_status(account, store).state == "ok"
    with store.write() as s:
        row = Outbox(entity="household", record_id="00000000-0000-4000-8000-0000000000aa", op="upsert",
                     fields={"notes": "x"}, hlc=next_hlc(s), state="rejected",
                     result={"error": {"code": "out_of_scope"}})  # fmt: skip
        s.add(row)
    status = read_status(account, store)
    assert status.rejected == 1 and status.state == "needs review"


def test_conflicts_lists_records_and_fields_in_words(account, store, capsys, monkeypatch):
    import io
    import sys

    from gridworker.cli import main
    from gridworker.store.sync_tables import SyncConflict
    from tests.conftest import PASSWORD

    with store.write() as s:
        s.add(SyncConflict(mutation_id="m1", entity="household", record_id="00000000-0000-4000-8000-0000000000aa", field="housing",
                           mine="owned", theirs="rented", winner="theirs"))  # fmt: skip
        s.add(Outbox(entity="visit", record_id="00000000-0000-4000-8000-0000000000bb", op="upsert",
                     fields={"outcome": "met"}, hlc=next_hlc(s), state="rejected",
                     result={"error": {"code": "out_of_scope", "message_zh": "该记录不在您负责的范围内"}}))  # fmt: skip
    store.close()
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["--lang", "zh", "--account", "worker", "--password-stdin", "conflicts"]) == 0
    out = capsys.readouterr().out
    for raw in ("household", "housing", "visit", "rented", "00000000-0000-4000-8000-0000000000aa"):
        assert raw not in out, (raw, out)
    assert "住户" in out and "走访" in out
