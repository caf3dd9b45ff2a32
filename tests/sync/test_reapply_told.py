"""A worker whose value someone replaced with "re-apply mine" is told at their next sync (issue 12, item 10)."""

from __future__ import annotations

from gridworker.sync import conflicts as review
from gridworker.sync.worker import read_status

from .helpers import household, open_conflicts, settle

EARLIER, LATER = "13800000001", "13900000002"


def test_the_worker_whose_value_was_replaced_by_re_apply_mine_is_told(pair):
    a, b, hh = pair
    from gridworker.services import register

    register.update_household(a.store, hh.id, {"phone": EARLIER})
    register.update_household(b.store, hh.id, {"phone": LATER})
    settle(a, b)  # b's later edit wins; a is told its value lost
    [lost] = open_conflicts(a)
    [won] = open_conflicts(b)
    assert won.winner == "mine"
    review.resolve(b.store, won.id, "mine")  # b has read it: its list is empty now
    assert open_conflicts(b) == []

    review.resolve(a.store, lost.id, "mine")  # a puts its own value back over b's
    a.sync_ok()
    assert open_conflicts(a) == []  # a chose this: nothing new to settle on a's side
    result = b.sync_ok()

    assert household(b, hh.id).phone == EARLIER
    [told] = open_conflicts(b)
    assert (told.field, told.mine, told.theirs, told.winner) == ("phone", LATER, EARLIER, "theirs")
    assert result.conflicts == 1
    assert read_status(b.account, b.store).conflicts == 1  # what the status bar shows
    settle(a, b)
    assert len(open_conflicts(b)) == 1 and open_conflicts(a) == []  # told once, and a never asked again
