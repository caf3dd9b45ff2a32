"""`gridworker status` (and read_status) never says ok while refused edits or conflicts wait for the user."""

from __future__ import annotations

import pytest
from sqlmodel import select

from gridworker.domain.errors import NotFound
from gridworker.domain.models import Outbox
from gridworker.store.meta import next_hlc
from gridworker.sync import conflicts as review
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


def test_dismissing_a_refusal_no_longer_there_says_so_without_its_id(store):
    """The sync page's Mark as read on a refusal another window dealt with: words, never the mutation's id."""
    with store.write() as s:
        s.add(Outbox(entity="person", record_id="p1", op="upsert", fields={"name": "张三"}, base_version=None,
                     hlc=next_hlc(s), state="rejected", result={"code": "invalid_field"}))
    with store.read() as s:
        mutation_id = s.exec(select(Outbox.mutation_id)).one()
    review.dismiss_rejected(store, mutation_id)
    review.dismiss_rejected(store, mutation_id)  # read already: nothing to say
    with pytest.raises(NotFound) as caught:
        review.dismiss_rejected(store, "00000000-0000-4000-8000-00000000dead")
    for lang in ("zh", "en"):
        assert "00000000" not in caught.value.message(lang)
    assert caught.value.message("en") == "No such refused change: it may have been dealt with already"
