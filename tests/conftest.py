"""Shared fixtures. Qt runs offscreen; every test gets its own GRIDWORKER_HOME."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Cheap Argon2 parameters for the many accounts tests create (stored with each key).
os.environ.setdefault("GRIDWORKER_KDF", "fast")

import pytest  # noqa: E402

from gridworker.store import AccountManager  # noqa: E402

PASSWORD = "correct horse 1"


@pytest.fixture(autouse=True)
def gridworker_home(tmp_path, monkeypatch):
    home = tmp_path / "gwhome"
    monkeypatch.setenv("GRIDWORKER_HOME", str(home))
    return home


@pytest.fixture
def accounts(gridworker_home):
    return AccountManager(gridworker_home)


@pytest.fixture
def store(accounts):
    accounts.create("worker", PASSWORD)
    _account, st = accounts.open("worker", PASSWORD)
    yield st
    st.close()


@pytest.fixture
def account(accounts, store):
    return accounts.get("worker")
