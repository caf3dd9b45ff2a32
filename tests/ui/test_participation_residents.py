"""居民身份确认 driven like community staff: the residents waiting for verification (name and phone only), confirm
one linking the person of the register with their name, undo it (refused without a reason) — offline, in the
outbox for the next sync."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from sqlmodel import select

from gridworker.domain.models import Outbox, Person
from gridworker.domain.participation_records import Resident
from gridworker.ui.participation.residents import ResidentsTab

from .conftest_participation import STAFF, p_account, p_ctx, p_store, participation_template, show  # noqa: F401

pytestmark = pytest.mark.timeout(120)


def test_confirm_a_waiting_resident_linking_the_register_then_undo(qtbot, p_ctx, p_store):
    tab = show(qtbot, ResidentsTab(p_ctx(STAFF)))
    tab.on_shown()
    qtbot.waitUntil(lambda: tab.model.rowCount() > 0 and not tab.ctx.runner.busy, timeout=10_000)
    assert tab.tabs.tabText(0) == "Waiting (3)"
    with p_store.read() as s:
        waiting = [r for r in s.exec(select(Resident)) if not r.verified]
        namesakes = {r.id: [p.id for p in s.exec(select(Person).where(Person.name == r.name))] for r in waiting}
    target = next(r for r in waiting if namesakes[r.id])
    index = next(i for i, r in enumerate(tab.model.rows()) if r.id == target.id)
    tab.table.selectRow(index)
    qtbot.waitUntil(lambda: tab.person.count() > 1, timeout=10_000)
    assert tab.person.itemText(0) == "Not linked" and tab.person.currentData() in namesakes[target.id]
    assert target.phone in tab.facts.text() and tab.facts.text().count("\n") == 2  # name and phone, community, status
    person_id = tab.person.currentData()
    assert not tab.undo_button.isEnabled()

    qtbot.mouseClick(tab.confirm_button, Qt.LeftButton)
    assert not tab.confirm_button.isEnabled()  # off with the click itself
    qtbot.waitUntil(lambda: tab.message.text() == f"{target.name} is confirmed: verified on their phone after the next sync.",
                    timeout=10_000)
    qtbot.waitUntil(lambda: tab.tabs.tabText(0) == "Waiting (2)", timeout=10_000)
    with p_store.read() as s:
        res = s.get(Resident, target.id)
        assert res.confirmed and res.verified and res.person_id == person_id and res.confirmed_by == STAFF.id
        pushed = [o.fields for o in s.exec(select(Outbox).where(Outbox.entity == "resident", Outbox.record_id == target.id))]
    assert pushed == [{"confirmed": True, "confirm_person_id": person_id}]  # the server's fields are never pushed

    # Undo needs a reason, then takes the verification back.
    qtbot.waitUntil(lambda: tab.undo_button.isEnabled(), timeout=10_000)
    qtbot.mouseClick(tab.undo_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: tab.message.text() == "A reason is required to undo a confirmation", timeout=10_000)
    tab.reason.setText("认错了人")
    qtbot.waitUntil(lambda: tab.undo_button.isEnabled())
    qtbot.mouseClick(tab.undo_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: tab.message.text() == f"The confirmation of {target.name} is undone.", timeout=10_000)
    with p_store.read() as s:
        res = s.get(Resident, target.id)
        assert not res.confirmed and not res.verified and res.undo_reason == "认错了人" and res.person_id is None


def test_the_tab_in_chinese(qtbot, p_ctx):
    tab = show(qtbot, ResidentsTab(p_ctx(STAFF, "zh")))
    tab.on_shown()
    qtbot.waitUntil(lambda: tab.model.rowCount() > 0 and not tab.ctx.runner.busy, timeout=10_000)
    assert tab.confirm_button.text() == "确认身份" and tab.tabs.tabText(0).startswith("待确认")
    statuses = {tab.model.data(tab.model.index(r, 4), Qt.DisplayRole) for r in range(tab.model.rowCount())}
    assert statuses == {"待核验"}


def test_release_a_resident_the_register_matched_a_wrong_claim(qtbot, p_ctx, p_store):
    """A person of the register is one account: when the wrong account matched the name and ID number, staff
    release the claim with a reason (the right account can then verify)."""
    tab = show(qtbot, ResidentsTab(p_ctx(STAFF)))
    tab.on_shown()
    tab.tabs.setCurrentIndex(1)  # verified
    qtbot.waitUntil(lambda: tab.model.rowCount() > 0 and not tab.ctx.runner.busy, timeout=10_000)
    with p_store.read() as s:
        matched = next(r for r in s.exec(select(Resident)) if r.verified and not r.confirmed)
    index = next(i for i, r in enumerate(tab.model.rows()) if r.id == matched.id)
    tab.table.selectRow(index)
    qtbot.waitUntil(lambda: tab.current is not None and tab.current.id == matched.id)
    assert tab.undo_button.isEnabled() and not tab.confirm_button.isEnabled()
    tab.reason.setText("账户不是本人")
    qtbot.mouseClick(tab.undo_button, Qt.LeftButton)
    assert not tab.undo_button.isEnabled()  # off with the click itself
    qtbot.waitUntil(lambda: tab.message.text() == f"The verification of {matched.name} is released.", timeout=10_000)
    with p_store.read() as s:
        res = s.get(Resident, matched.id)
        assert not res.verified and res.person_id is None and res.undo_reason == "账户不是本人"
        pushed = [o.fields for o in s.exec(select(Outbox).where(Outbox.entity == "resident", Outbox.record_id == matched.id))]
    assert pushed == [{"undo_reason": "账户不是本人"}]


def test_a_grid_worker_confirms_naming_a_person_of_their_grid(qtbot, p_ctx, p_store):
    """A grid worker confirms the residents of their own grid (the server checks the person is theirs): without a
    person of the register chosen, the desk refuses at once, naming what to do, and nothing waits to be sent."""
    from .conftest_participation import WORKER

    tab = show(qtbot, ResidentsTab(p_ctx(WORKER)))
    tab.on_shown()
    qtbot.waitUntil(lambda: tab.model.rowCount() > 0 and not tab.ctx.runner.busy, timeout=10_000)
    with p_store.read() as s:
        waiting = [r for r in s.exec(select(Resident)) if not r.verified]
    tab.table.selectRow(next(i for i, r in enumerate(tab.model.rows()) if r.id == waiting[0].id))
    qtbot.waitUntil(lambda: tab.person.count() > 0, timeout=10_000)
    tab.person.setCurrentIndex(0)  # not linked
    qtbot.mouseClick(tab.confirm_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: tab.message.text() == "A grid worker confirms a resident as a person of your grid's register: choose the person",
                    timeout=10_000)
    with p_store.read() as s:
        assert not s.get(Resident, waiting[0].id).verified
        assert not list(s.exec(select(Outbox).where(Outbox.entity == "resident", Outbox.record_id == waiting[0].id)))


def test_a_refusal_goes_when_another_resident_is_chosen(qtbot, p_ctx):
    """A refusal names what was done to the resident chosen then: choosing another resident clears it, so it is
    never read as being about them."""
    tab = show(qtbot, ResidentsTab(p_ctx(STAFF)))
    tab.on_shown()
    tab.tabs.setCurrentIndex(2)  # all
    qtbot.waitUntil(lambda: tab.model.rowCount() > 1 and not tab.ctx.runner.busy, timeout=10_000)
    verified = next(i for i, r in enumerate(tab.model.rows()) if r.verified)
    tab.table.selectRow(verified)
    qtbot.waitUntil(lambda: tab.undo_button.isEnabled(), timeout=10_000)
    qtbot.mouseClick(tab.undo_button, Qt.LeftButton)  # no reason: refused
    qtbot.waitUntil(lambda: tab.message.text() == "A reason is required to undo a confirmation", timeout=10_000)
    tab.table.selectRow(next(i for i in range(tab.model.rowCount()) if i != verified))
    qtbot.waitUntil(lambda: not tab.ctx.runner.busy, timeout=10_000)
    assert tab.message.text() == "" and not tab.message.isVisible()


def test_a_reload_keeps_the_person_chosen_to_link(qtbot, p_ctx, p_store):
    """Another resident confirmed elsewhere (a sync, another desk) reloads the list: the resident chosen stays, and
    so does the choice made for them — here "Not linked" over the register's one namesake."""
    from gridworker.services.participation import residents as resident_service

    tab = show(qtbot, ResidentsTab(p_ctx(STAFF)))
    tab.on_shown()
    qtbot.waitUntil(lambda: tab.model.rowCount() > 1 and not tab.ctx.runner.busy, timeout=10_000)
    with p_store.read() as s:
        waiting = [r for r in s.exec(select(Resident)) if not r.verified]
        namesakes = {r.id: [p.id for p in s.exec(select(Person).where(Person.name == r.name))] for r in waiting}
    target = next(r for r in waiting if namesakes[r.id])
    other = next(r for r in waiting if r.id != target.id)
    tab.table.selectRow(next(i for i, r in enumerate(tab.model.rows()) if r.id == target.id))
    qtbot.waitUntil(lambda: tab.person.count() > 1 and not tab.ctx.runner.busy, timeout=10_000)
    tab.person.setCurrentIndex(0)  # not this namesake

    resident_service.confirm(p_store, other.id, actor_id=STAFF.id, actor_role=STAFF.role)
    qtbot.waitUntil(lambda: tab.tabs.tabText(0) == f"Waiting ({len(waiting) - 1})" and not tab.ctx.runner.busy,
                    timeout=10_000)
    assert tab.current.id == target.id and tab.person.count() > 1
    assert tab.person.currentIndex() == 0 and tab.person.currentData() is None
