"""Fixtures of the UI tests: an open demo account (AppContext) with a small generated community, in Chinese.

The community is generated and loaded once per session into a template
account; each test gets a copy of its folder in its own GRIDWORKER_HOME,
so tests never see each other's edits and none pays for the load.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from gridworker.demo.data import DemoCommunity, generate
from gridworker.demo.load import load_demo
from gridworker.store import AccountManager

ACCOUNT = "worker"
PASSWORD = "worker-pass-1"
PERSONS = 300
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def compiled_translations() -> None:
    """The .qm catalogues, built from the .ts sources if these changed (what `make` does before the tests)."""
    subprocess.run([sys.executable, str(ROOT / "scripts" / "build_translations.py"), "--if-stale"], check=True)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> tuple[Path, DemoCommunity]:
    home = tmp_path_factory.mktemp("ui-template")
    manager = AccountManager(home)
    manager.create(ACCOUNT, PASSWORD)
    _account, store = manager.open(ACCOUNT, PASSWORD)
    community = generate(persons=PERSONS, seed=11, as_of=date(2025, 6, 1))
    try:
        load_demo(store, community)
    finally:
        store.close()
    return home / "accounts" / ACCOUNT, community


@pytest.fixture
def community(demo_template) -> DemoCommunity:
    return demo_template[1]


@pytest.fixture
def demo_accounts(demo_template, gridworker_home) -> AccountManager:
    """This test's home, holding a copy of the demo account."""
    shutil.copytree(demo_template[0], gridworker_home / "accounts" / ACCOUNT)
    return AccountManager(gridworker_home)


@pytest.fixture
def chinese(qapp, compiled_translations):
    from gridworker.ui.settings import install_translators

    install_translators("zh")
    yield
    install_translators("en")  # removes ours: the next test starts from the source texts


@pytest.fixture
def ctx(qapp, chinese, demo_accounts):
    from gridworker.ui.app import make_context
    from gridworker.ui.main_window import drain

    account, store = demo_accounts.open(ACCOUNT, PASSWORD)
    context = make_context(account, store, "zh")
    yield context
    drain(context.runner)  # results still on their way reach the widgets before the account closes
    context.close()
