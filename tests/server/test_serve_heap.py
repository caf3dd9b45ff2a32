"""A serving process takes its start-up heap out of the garbage collector's walks (api/app.py
freeze_startup_heap): without it a full collection every few pushes walked ~180,000 objects that
live as long as the process, a fifth of the server's CPU for a push (issue 14)."""

from __future__ import annotations

import gc

import uvicorn

from gridworker.server.admin.cli import main
from gridworker.server.api import app as app_module

from .test_cli import fresh  # noqa: F401  (the fixture)


def test_serve_freezes_the_heap_it_made_before_it_serves(fresh, monkeypatch):  # noqa: F811
    data_dir, _url = fresh
    seen = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.append((app, gc.get_freeze_count())))
    try:
        assert main(["--lang", "en", "serve", "--data", str(data_dir), "--port", "0"]) == 0
    finally:
        gc.unfreeze()
    [(app, frozen)] = seen
    assert app.state.gw is not None and frozen > 10_000  # the app, its modules and tables


def test_each_worker_freezes_its_heap_too(fresh, monkeypatch):  # noqa: F811
    data_dir, _url = fresh
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: None)
    try:
        assert main(["--lang", "en", "serve", "--data", str(data_dir), "--port", "0"]) == 0  # migrates the database
    finally:
        gc.unfreeze()
    assert gc.get_freeze_count() == 0
    monkeypatch.setenv("GRIDWORKER_SERVER_DATA", str(data_dir))
    try:
        app = app_module.app_from_env()
        frozen = gc.get_freeze_count()
    finally:
        gc.unfreeze()
    assert app.state.gw is not None and frozen > 10_000


def test_the_first_push_finds_the_value_checkers_imported(fresh, monkeypatch):  # noqa: F811
    import subprocess
    import sys

    data_dir, _url = fresh
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: None)
    try:
        assert main(["--lang", "en", "serve", "--data", str(data_dir), "--port", "0"]) == 0
    finally:
        gc.unfreeze()
    # A process of its own: this one imported the checkers long ago.
    code = ("import sys; from gridworker.server.api.app import app_from_env; app_from_env(); "
            "print('gridworker.domain.wire_checks' in sys.modules)")  # fmt: skip
    env = {**__import__("os").environ, "GRIDWORKER_SERVER_DATA": str(data_dir)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "True", out.stderr[-2000:]
