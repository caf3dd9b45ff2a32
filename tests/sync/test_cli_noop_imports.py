"""`gridworker sync` with nothing to do, as a fresh process against a real server: what it must not load.

The whole process is meant to stay near half a second (benchmarks/bench_peer.py
measures it; timings are never asserted): the pinyin dictionary, Pillow,
openpyxl and alembic are loaded only by work that needs them (a name to read,
a photo or thumbnail to check, a workbook, a migration), and a sync with
nothing to do has none.
"""

from __future__ import annotations

from tests.core.test_cli_start import cli, loaded

from .server import SERVER_PASSWORD

NOT_FOR_A_NO_OP = {"pypinyin", "PIL", "openpyxl", "alembic"}


def test_a_sync_with_nothing_to_do_loads_no_pinyin_pillow_workbook_or_migration_code(server, clients, gridworker_home):
    c = clients(server, "w2")
    c.sync_ok()
    c.sync_ok()
    c.close()
    run = cli(gridworker_home, "--lang", "en", "sync", "--password-stdin", stdin=SERVER_PASSWORD + "\n")
    assert run.returncode == 0, run.stderr
    assert not NOT_FOR_A_NO_OP & set(loaded(run)), loaded(run)
