"""Fixtures of the participation page tests: the session's demo community with the demo's participation
(members, orders, shop, a year of points) added once, copied into each test's home; a staff member's context."""

from __future__ import annotations

import shutil
from datetime import date

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from gridworker.demo.participation import STAFF as DEMO_STAFF
from gridworker.demo.participation import seed_participation
from gridworker.store import AccountManager
from gridworker.ui.context import Actor, AppContext

from .conftest import ACCOUNT, PASSWORD

STAFF = Actor(DEMO_STAFF[0], DEMO_STAFF[1], "王丽")
WORKER = Actor("0b6c1f7e-0000-4000-8000-0000000000a1", "worker", "张伟")
TODAY = date(2025, 6, 1)  # the demo template's day


@pytest.fixture(scope="session")
def participation_template(demo_template, tmp_path_factory):
    home = tmp_path_factory.mktemp("participation-template")
    shutil.copytree(demo_template[0], home / "accounts" / ACCOUNT)
    _account, store = AccountManager(home).open(ACCOUNT, PASSWORD)
    try:
        seed_participation(store, today=TODAY)
    finally:
        store.close()
    return home / "accounts" / ACCOUNT


@pytest.fixture
def p_account(participation_template, gridworker_home):
    shutil.copytree(participation_template, gridworker_home / "accounts" / ACCOUNT)
    account, store = AccountManager(gridworker_home).open(ACCOUNT, PASSWORD)
    yield account, store
    store.close()


@pytest.fixture
def p_store(p_account):
    return p_account[1]


@pytest.fixture
def p_ctx(qtbot, p_account, compiled_translations):
    """make(actor, lang): contexts over this test's store; pages and their work are gone before the store closes."""
    from gridworker.ui.settings import install_translators

    made: list[AppContext] = []

    def make(actor: Actor = STAFF, lang: str = "en") -> AppContext:
        install_translators(lang)
        ctx = AppContext(p_account[0], p_account[1], actor, lang=lang)
        made.append(ctx)
        return ctx

    yield make
    for widget in QApplication.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.DeferredDelete)
    for ctx in made:
        qtbot.waitUntil(lambda ctx=ctx: not ctx.runner.busy, timeout=10_000)
    QApplication.processEvents()
    for ctx in made:
        ctx.close()
    install_translators("en")


def settled(tab) -> bool:
    """A tab's work is all done: no reload waiting on its debounce (a change arrived), nothing on the runner.
    A fixed wait is no such proof on a loaded machine: a check after it may pass before the reload has landed."""
    return not tab._timer.isActive() and not tab.ctx.runner.busy


def show(qtbot, widget, size=(1200, 760)):
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.show()
    qtbot.waitExposed(widget)
    return widget
