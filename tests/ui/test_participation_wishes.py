"""微心愿 driven like community staff: publish a wish for a resident (refused empty), a member claims and
fulfils it on the web (as a sync brings it), confirm it here: the member's points; withdraw needs a reason."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from sqlmodel import select

from gridworker.domain.models import Outbox, Person
from gridworker.domain.participation_records import Member, Wish, WishEvent
from gridworker.services.participation import wishes as wish_service
from gridworker.services.queries import points as point_queries
from gridworker.ui.participation.wishes import WishesTab

from .conftest_participation import STAFF, p_account, p_ctx, p_store, participation_template, settled, show  # noqa: F401

pytestmark = pytest.mark.timeout(120)


def test_publish_confirm_and_withdraw_wishes(qtbot, p_ctx, p_store):
    tab = show(qtbot, WishesTab(p_ctx(STAFF)))
    tab.on_shown()
    with p_store.read() as s:
        person = s.exec(select(Person).where(Person.deleted == False).order_by(Person.name)).first()  # noqa: E712
        member = s.exec(select(Member).where(Member.status == "approved").order_by(Member.name)).first()
    tab.find.setText(person.name)
    qtbot.waitUntil(lambda: tab.resident.findData(person.id) >= 0, timeout=10_000)
    tab.resident.setCurrentIndex(tab.resident.findData(person.id))
    qtbot.mouseClick(tab.publish_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: tab.message.text() == "Describe the wish (at most 200 characters)", timeout=10_000)
    tab.wish.setText("想要一副羽毛球拍")
    qtbot.waitUntil(tab.publish_button.isEnabled)
    qtbot.mouseClick(tab.publish_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: any(r.wish == "想要一副羽毛球拍" for r in tab.model.rows()), timeout=10_000)
    with p_store.read() as s:
        wish = s.exec(select(Wish).where(Wish.wish == "想要一副羽毛球拍")).one()
    assert (wish.person_id, wish.household_id, wish.status, wish.area_id) == (person.id, person.household_id, "published", person.area_id)

    # The member claims and fulfils it on the web; the sync brings the events.
    wish_service.act(p_store, wish.id, "claim", actor_id=member.id, actor_role="member")
    wish_service.act(p_store, wish.id, "fulfil", actor_id=member.id, actor_role="member", note="已送到孩子手中",
                     photo_ids=("00000000-0000-4000-8000-000000000002",))
    before = point_queries.ledger(p_store, member.id)[0]
    qtbot.waitUntil(lambda: any(r.id == wish.id and r.status == "fulfilled" for r in tab.model.rows()), timeout=10_000)
    tab.table.selectRow(next(i for i, r in enumerate(tab.model.rows()) if r.id == wish.id))
    qtbot.waitUntil(tab.confirm_button.isEnabled, timeout=10_000)
    assert not tab.withdraw_button.isEnabled()  # a fulfilled wish is confirmed or sent back, not withdrawn
    qtbot.mouseClick(tab.confirm_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: tab.message.text() == "Confirmed: the member's points are in the ledger.", timeout=10_000)
    # The list reloads after the work, keeping the wish chosen: the message stays until another wish is chosen.
    qtbot.waitUntil(lambda: any(r.id == wish.id and r.status == "confirmed" for r in tab.model.rows()) and settled(tab),
                    timeout=10_000)
    assert tab.message.text() == "Confirmed: the member's points are in the ledger." and tab.selected().id == wish.id
    assert point_queries.ledger(p_store, member.id)[0] == before + 5  # 认领并实现微心愿: 5
    with p_store.read() as s:
        actions = [e.action for e in s.exec(select(WishEvent).where(WishEvent.wish_id == wish.id).order_by(WishEvent.at))]
        pushed = {o.entity for o in s.exec(select(Outbox))}
    assert actions == ["publish", "claim", "fulfil", "confirm"] and {"wish", "wish_event", "ledger_entry"} <= pushed

    # Another wish withdrawn: a reason is needed.
    other = wish_service.publish(p_store, actor_id=STAFF.id, actor_role=STAFF.role, wish="上门理发", person_id=person.id)
    qtbot.waitUntil(lambda: any(r.id == other.id for r in tab.model.rows()), timeout=10_000)
    tab.table.selectRow(next(i for i, r in enumerate(tab.model.rows()) if r.id == other.id))
    qtbot.waitUntil(tab.withdraw_button.isEnabled, timeout=10_000)
    qtbot.mouseClick(tab.withdraw_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: tab.message.text() == "A reason is required to withdraw wishes", timeout=10_000)
