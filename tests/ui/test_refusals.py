"""Nothing refused in silence (issue 12, items 1 and 10), against the demo server `make run` starts.

A visit logged offline, before the account was linked, in a grid the server
does not grant demo_worker1 is refused by the real server at the first sync:
the walk-round row shows it refused with the server's reason, the door counts
as not visited, and the status bar and the navigation warn of it.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from sqlmodel import select

from gridworker.demo.account import DEMO_PASSWORD
from gridworker.demo.server import DEMO_USERNAME, DemoServer, link_demo_account
from gridworker.demo.data import DEMO_USERS, generate
from gridworker.domain.models import Area, Building, Household
from gridworker.services import visits as vs
from gridworker.demo.load import load_demo
from gridworker.store import AccountManager
from gridworker.sync import link
from gridworker.sync.engine import SyncEngine
from tests.core.test_incidents import LAT, LON, jpeg

PERSONS = 400
ME = "0b6c1f7e-0000-4000-8000-00000000beef"


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    server = DemoServer(tmp_path_factory.mktemp("demo-home") / "demo-server")
    server.prepare(persons=PERSONS)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def demo_store(gridworker_home):
    """A local account holding the demo community the demo server was seeded with (same ids)."""
    manager = AccountManager(gridworker_home)
    manager.create("gui", "account-pass-1")
    account, store = manager.open("gui", "account-pass-1")
    load_demo(store, generate(persons=PERSONS, seed=1))
    yield account, store
    store.close()


def _areas_of(store, username: str) -> set[str]:
    """The ids of the areas the demo seed grants `username`, and of everything below them."""
    codes = next(u.area_codes for u in DEMO_USERS if u.username == username)
    with store.read() as s:
        areas = list(s.exec(select(Area)))
    found = {a.id for a in areas if a.code in codes}
    while True:
        more = {a.id for a in areas if a.parent_id in found} - found
        if not more:
            return found
        found |= more


def _household_in(store, area_ids: set[str]) -> str:
    with store.read() as s:
        return s.exec(select(Household.id).where(Household.area_id.in_(area_ids)).limit(1)).first()


def _window(qtbot, account, store):
    from gridworker.ui.app import make_context, make_main_window

    ctx = make_context(account, store, "en")
    window = make_main_window(ctx)
    qtbot.addWidget(window)
    window.show()
    return ctx, window


def _close(ctx, window):
    from gridworker.ui.main_window import drain

    controller = getattr(ctx, "_sync_controller", None)
    if controller is not None:
        controller.stop()
    window.close()
    drain(ctx.runner)
    ctx.close()


def test_a_refused_visit_is_shown_refused_on_its_row_in_the_counts_and_in_the_status_bar(qtbot, demo_server, demo_store,
                                                                                          tmp_path):
    from gridworker.ui.sync_controller import controller_for
    from gridworker.ui.widgets.sync_status import AMBER, SyncStatusWidget

    account, store = demo_store
    outside = _household_in(store, _areas_of(store, "demo_worker2"))  # grid 2: not demo_worker1's
    walk = vs.plan_walkround(store, "第2网格走访", household_ids=[outside], planner_id=ME)
    photo = jpeg(tmp_path / "lamp.jpg", gps=(LAT, LON))
    vs.log_visit(store, outside, visitor_id=ME, outcome="met", needs="楼道灯坏了", need_category="E0102",
                 photos=[photo], photos_dir=account.photos_dir)  # offline, before the account knew its areas  # fmt: skip
    assert vs.walkround_progress(store, walk.id).done == 1
    link.login(account, store, demo_server.url, DEMO_USERNAME, DEMO_PASSWORD)

    ctx, window = _window(qtbot, account, store)
    try:
        indicator = window.findChild(SyncStatusWidget)
        assert not indicator.review_button.isVisible()
        results = []
        controller = controller_for(ctx)
        controller.synced.connect(results.append)
        controller.sync_now()
        qtbot.waitUntil(lambda: bool(results), timeout=120_000)
        assert results[0].error is None and results[0].rejected >= 2  # the walk-round and the visit

        # The status bar warns, with a count, and its button leads to the sync page.
        qtbot.waitUntil(lambda: indicator.review_button.isVisible(), timeout=10_000)
        assert "refused" in indicator.review_button.text() and "refused by the server" in indicator.review_button.toolTip()
        assert str(controller.status().rejected) in indicator.review_button.text()
        assert AMBER in indicator.dot.styleSheet()
        nav = window.navigation.item(list(window.pages).index("sync"))
        assert f"⚠ {controller.status().rejected + controller.status().conflicts}" in nav.text()

        # Where the visit was made: the stop shows it refused, with the server's reason, and is not counted.
        window.show_page("visits")
        page = window.pages["visits"]
        qtbot.waitUntil(lambda: page.walks.findData(walk.id) >= 0, timeout=10_000)  # listed again: a door to redo
        page.walks.setCurrentIndex(page.walks.findData(walk.id))

        def outcome_text() -> str:
            rows = page.stops_model.rows()
            return page.stops_model.index(0, 4).data() if rows and rows[0].household_id == outside else ""

        qtbot.waitUntil(lambda: "Refused by the server" in outcome_text(), timeout=10_000)
        assert "The record is outside your areas" in outcome_text()
        assert page.progress.value() == 0
        assert vs.walkround_progress(store, walk.id).done == 0

        # The household card says it too, and the incident raised from the visit shows refused on the board.
        card = window.pages["register"].household
        card.show_household(outside)
        qtbot.waitUntil(lambda: "refused by the server" in card.browser.toPlainText(), timeout=10_000)
        assert "The record is outside your areas" in card.browser.toPlainText()
        window.show_page("incidents")
        board = window.pages["incidents"]
        board.tabs.setCurrentIndex(board.views.index("all"))
        sync_column = next(i for i, c in enumerate(board.model.columns) if c.header == "Sync")

        def board_says() -> list[str]:
            return [board.model.index(r, sync_column).data() for r in range(board.model.rowCount())]

        qtbot.waitUntil(lambda: "Refused" in board_says(), timeout=10_000)
        from gridworker.domain.fieldwork import Incident
        from gridworker.services.queries import incidents as incident_queries

        with store.read() as s:
            [incident] = s.exec(select(Incident.id).where(Incident.household_id == outside)).all()
        detail = incident_queries.incident_detail(store, incident, ME, "worker")
        assert detail.sync.state == "rejected"  # the detail's banner: "The server refused part of it: see below"
        assert "The record is outside your areas" in {r.message("en") for r in detail.rejections}
        assert "该记录不在您负责的范围内" in {r.message("zh") for r in detail.rejections}
        assert not any("该" in r.message("en") for r in detail.rejections)  # English in English

        qtbot.mouseClick(indicator.review_button, Qt.MouseButton.LeftButton)
        assert window.current_page_id() == "sync"
    finally:
        _close(ctx, window)


def test_the_demo_account_holds_what_the_server_grants_and_a_first_try_is_not_refused(demo_server, demo_store):
    from gridworker.services.queries import places as place_queries
    from gridworker.services.queries import visits as visit_queries

    account, store = demo_store
    granted = _areas_of(store, DEMO_USERNAME)
    with store.read() as s:
        assert not {b.area_id for b in s.exec(select(Building))} <= granted  # the local demo holds every grid
    link_demo_account(account, store, demo_server.url)  # what `make run` does

    me = account.info["server"]
    assert {a.id for a in place_queries.area_choices(store)} == granted  # the pickers offer the grant, all of it
    assert set(me["area_ids"]) <= granted
    with store.read() as s:
        assert {b.area_id for b in s.exec(select(Building))} <= granted
        assert {h.area_id for h in s.exec(select(Household))} <= granted
    link_demo_account(account, store, demo_server.url)  # the next run: nothing more goes, nothing breaks

    # A first try: plan by the first building offered, visit its first door, sync.
    first = visit_queries.buildings_for_planning(store)[0]
    assert first.area_id in granted
    with store.read() as s:
        doors = list(s.exec(select(Household.id).where(Household.building_id == first.id)))
    walk = vs.plan_walkround(store, "第一次", household_ids=doors, planner_id=ME)
    vs.log_visit(store, doors[0], visitor_id=ME, outcome="met")
    result = SyncEngine(account, store, attempts=2).sync_once()
    assert result.error is None and result.complete
    assert result.rejected == 0 and result.pushed >= 2
    assert vs.walkround_progress(store, walk.id).done == 1


def test_the_status_bar_warns_of_refusals_and_conflicts_in_chinese(qtbot, ctx):
    """What the sync reports (SyncStatus counts) reaches the status bar in words, in the user's language."""
    from dataclasses import replace

    from gridworker.sync.worker import SyncStatus
    from gridworker.ui.sync_controller import controller_for
    from gridworker.ui.widgets.sync_status import AMBER, GREEN, SyncStatusWidget

    widget = SyncStatusWidget(ctx, controller_for(ctx))
    qtbot.addWidget(widget)
    widget.show()
    calm = SyncStatus(state="ok", online=True, syncing=False, pending=0, conflicts=0, rejected=0, photos_waiting=0,
                      last_success=None, last_error=None)  # fmt: skip
    widget.show_status(calm)
    assert not widget.review_button.isVisible() and GREEN in widget.dot.styleSheet()
    widget.show_status(replace(calm, rejected=2, conflicts=1))
    assert widget.review_button.isVisible()
    assert widget.review_button.text() == "⚠ 2 项被服务器拒绝 · 1 项冲突"
    assert AMBER in widget.dot.styleSheet()
    widget.show_status(replace(calm, conflicts=3))
    assert widget.review_button.text() == "⚠ 3 项冲突"


def test_the_demo_participation_is_the_servers_once_linked(demo_server, demo_store):
    """The local demo seeds members, orders, points… of its own (to look at offline); the demo server seeds
    its own under other ids. Once linked, the local ones go and the server's come: an action on a record
    that only this laptop held was refused at the first sync (a rating of a local-only order)."""
    from datetime import date

    from gridworker.demo.participation import seed_participation
    from gridworker.domain.participation_records import PARTICIPATION_MODELS, Member, ServiceOrder

    account, store = demo_store
    seed_participation(store, today=date.today())
    with store.read() as s:
        assert s.exec(select(Member).where(Member.version == 0)).first() is not None
    link_demo_account(account, store, demo_server.url)  # what `make run` does
    result = SyncEngine(account, store, attempts=2).sync_once()
    assert result.error is None and result.complete
    with store.read() as s:
        local_only = {e: n for e, m in PARTICIPATION_MODELS.items() if e != "point_rule"
                      if (n := len(list(s.exec(select(m.id).where(m.version == 0)))))}  # fmt: skip
        members = list(s.exec(select(Member)))
        orders = list(s.exec(select(ServiceOrder)))
    assert local_only == {} and members and orders  # the server's, in the worker's grid
