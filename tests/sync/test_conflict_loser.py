"""The device whose value lost learns it, whichever of the two edits reached the server first."""

from __future__ import annotations

import pytest
from sqlmodel import select

from gridworker.services import register
from gridworker.sync import conflicts as review
from gridworker.sync import state
from gridworker.sync.errors import ServerRefused
from gridworker.store.sync_tables import SyncConflict

from .helpers import household, open_conflicts, settle, synced_values

EARLIER, LATER = "13800000001", "13900000002"


def _collide(a, b, hh) -> None:
    """Both edit the phone offline; a's edit is the earlier one, so b's wins wherever they meet."""
    register.update_household(a.store, hh.id, {"phone": EARLIER})
    register.update_household(b.store, hh.id, {"phone": LATER})


def _all_conflicts(client, record_id: str) -> list[SyncConflict]:
    with client.store.read() as s:
        return list(s.exec(select(SyncConflict).where(SyncConflict.record_id == record_id)))


@pytest.mark.parametrize("first", ["loser", "winner"])
def test_the_loser_lists_both_values_and_can_put_its_own_back(pair, first):
    a, b, hh = pair
    _collide(a, b, hh)
    settle(*((a, b) if first == "loser" else (b, a)))
    assert household(a, hh.id).phone == LATER == household(b, hh.id).phone
    [c] = open_conflicts(a)
    assert (c.field, c.mine, c.theirs, c.winner) == ("phone", EARLIER, LATER, "theirs")
    assert [x.winner for x in open_conflicts(b)] == (["mine"] if first == "loser" else [])

    review.resolve(a.store, c.id, "mine")
    settle(a, b)
    assert household(a, hh.id).phone == EARLIER == household(b, hh.id).phone
    assert synced_values(a, "household", hh.id) == synced_values(b, "household", hh.id)
    assert open_conflicts(a) == []
    assert len(_all_conflicts(a, hh.id)) == 1  # later rounds never list it again


def test_a_crash_between_fetching_and_saving_loses_and_repeats_nothing(pair, monkeypatch):
    a, b, hh = pair
    _collide(a, b, hh)
    a.sync_ok()
    b.sync_ok()  # b's later edit overwrites a's: a is the loser and has not been told yet
    real_set_json = state.set_json

    def crash_at_the_cursor(s, key, value):
        if key == state.LOST_CURSOR:
            raise KeyboardInterrupt  # the process dies with the entries added but not committed
        real_set_json(s, key, value)

    monkeypatch.setattr(state, "set_json", crash_at_the_cursor)
    with pytest.raises(KeyboardInterrupt):
        a.engine.sync_once()
    monkeypatch.setattr(state, "set_json", real_set_json)
    assert _all_conflicts(a, hh.id) == []
    with a.store.read() as s:
        assert state.get_meta(s, state.LOST_CURSOR) is None

    assert a.sync_ok().conflicts == 1
    assert [(c.mine, c.theirs) for c in open_conflicts(a)] == [(EARLIER, LATER)]
    # Asked again from the start (the position forgotten), the same loss is not listed twice.
    with a.store.write() as s:
        state.delete_meta(s, state.LOST_CURSOR)
    assert a.sync_ok().conflicts == 0
    assert len(_all_conflicts(a, hh.id)) == 1


class StubTransport:
    def __init__(self, *answers):
        self.answers = list(answers)
        self.asked: list[dict] = []

    def json(self, method, path, *, params):
        assert (method, path) == ("GET", "/conflicts/mine")
        self.asked.append(params)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def test_a_server_without_the_extension_is_no_error(store):
    old_server = StubTransport(ServerRefused(404, "not_found", "No such address"))
    assert review.receive_lost(store, old_server) == 0
    refused = StubTransport(ServerRefused(403, "no_scope", "no scope"))
    with pytest.raises(ServerRefused):
        review.receive_lost(store, refused)


def test_malformed_entries_are_skipped_and_the_position_still_moves(store):
    good = {"id": 9, "entity": "household", "record_id": "r1", "field": "phone", "mine": "1", "theirs": "2",
            "mutation_id": "m1"}  # fmt: skip
    odd = ["x", {"id": 7, "entity": "nonsense", "record_id": "r", "field": "f", "mutation_id": "m"},
           {"id": 8, "entity": "household", "record_id": 5, "field": "phone", "mutation_id": "m"}]  # fmt: skip
    server = StubTransport({"conflicts": [*odd, good], "next": 9}, {"conflicts": [], "next": 9})
    assert review.receive_lost(store, server) == 1
    assert review.receive_lost(store, server) == 0
    assert [p["after"] for p in server.asked] == [0, 9]
    with store.read() as s:
        [c] = s.exec(select(SyncConflict)).all()
    assert (c.record_id, c.mine, c.theirs, c.winner) == ("r1", "1", "2", "theirs")


def test_nothing_is_asked_when_me_says_the_list_was_read(store):
    class NoRequests:
        def json(self, *args, **kwargs):
            raise AssertionError("GET /conflicts/mine asked although GET /me said nothing new")

    assert review.receive_lost(store, NoRequests(), latest=0) == 0  # a quiet sync: one request fewer


def test_a_loss_already_overtaken_by_a_newer_edit_is_not_offered(pair):
    """a loses 1 to b's 2, then (before hearing of it) sets 3, which wins: "keep theirs" (2) must not be offered."""
    a, b, hh = pair
    register.update_household(a.store, hh.id, {"phone": "13800000001"})
    register.update_household(b.store, hh.id, {"phone": "13900000002"})
    a.sync_ok()
    b.sync_ok()  # b's later value overwrote a's on the server
    register.update_household(a.store, hh.id, {"phone": "13700000003"})
    a.sync_ok()  # a's newest value wins, and in the same round a reads its old loss
    assert household(a, hh.id).phone == "13700000003"
    listed = [(c.mine, c.theirs, c.winner) for c in open_conflicts(a) if c.record_id == hh.id]
    # Only the push's own answer (3 met 2, 3 kept); the old loss of 1 is not listed as if 2 were kept.
    assert listed == [("13700000003", "13900000002", "mine")]
    settle(a, b)
    assert household(a, hh.id).phone == household(b, hh.id).phone == "13700000003"


def test_a_loss_the_other_side_gives_back_is_no_longer_listed(pair):
    """b's value won and b was told of the collision; b keeps a's value after all ("keep theirs" on b's list):
    a's loss ("the server kept theirs") is no longer true, and a's list drops it at a's next sync."""
    a, b, hh = pair
    _collide(a, b, hh)
    settle(a, b)
    [lost] = open_conflicts(a)
    [told] = open_conflicts(b)
    assert (lost.mine, lost.winner, told.winner) == (EARLIER, "theirs", "mine")
    review.resolve(b.store, told.id, "theirs")  # b gives a's value back
    settle(b, a)
    assert household(a, hh.id).phone == EARLIER == household(b, hh.id).phone
    assert open_conflicts(a) == [] and open_conflicts(b) == []
    [closed] = _all_conflicts(a, hh.id)
    assert closed.resolution == review.SETTLED
