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
