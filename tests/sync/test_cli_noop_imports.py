"""`gridworker sync` and `status` with nothing to do, as fresh processes against a real server: what they must not load.

The whole process is meant to stay under half a second (benchmarks/bench_cli.py
and bench_peer.py measure it; timings are never asserted). A sync with nothing
to do is told by gridworker.sync.probe with the stdlib and sqlcipher3 alone:
no SQLAlchemy, SQLModel or pydantic (the store and the engine), no requests,
and none of what only work needs (the pinyin dictionary, Pillow, openpyxl,
Alembic). That it says what the engine would say: tests/sync/test_cli_probe.py.
"""

from __future__ import annotations

import json

from tests.core.test_cli_start import cli, loaded

from .helpers import new_household
from .server import SERVER_PASSWORD

NOT_FOR_A_NO_OP = {"pypinyin", "PIL", "openpyxl", "alembic", "sqlalchemy", "sqlmodel", "pydantic", "requests"}


def test_a_sync_with_nothing_to_do_loads_neither_the_store_nor_the_engine_nor_what_only_work_needs(server, clients, gridworker_home):
    c = clients(server, "w2")
    c.sync_ok()
    c.sync_ok()
    c.close()
    run = cli(gridworker_home, "--lang", "en", "sync", "--password-stdin", stdin=SERVER_PASSWORD + "\n")
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("Sent 0 (conflicts 0, refused 0), received 0, removed 0"), run.stdout
    assert not NOT_FOR_A_NO_OP & set(loaded(run)), loaded(run)
    run = cli(gridworker_home, "--lang", "en", "sync", "--json", "--password-stdin", stdin=SERVER_PASSWORD + "\n")
    assert run.returncode == 0 and json.loads(run.stdout)["complete"] is True, run.stderr
    assert not NOT_FOR_A_NO_OP & set(loaded(run)), loaded(run)
    run = cli(gridworker_home, "--lang", "en", "status", "--password-stdin", stdin=SERVER_PASSWORD + "\n")
    assert run.returncode == 0 and "State: ok" in run.stdout, run.stderr
    assert not NOT_FOR_A_NO_OP & set(loaded(run)), loaded(run)


def test_a_sync_with_something_to_do_still_does_it(server, clients, gridworker_home):
    c = clients(server, "w2")
    c.sync_ok()
    new_household(c, "G2")
    c.close()
    run = cli(gridworker_home, "--lang", "en", "sync", "--password-stdin", stdin=SERVER_PASSWORD + "\n")
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("Sent 2 "), run.stdout
    assert "sqlalchemy" in loaded(run)  # the engine did it
