"""What the Chinese CLI prints (fixA, item 3): a 500 is a server error, log lines stay in the log, Beijing time."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import datetime, timezone

from gridworker.store import AccountManager
from gridworker.sync import state

from .test_cli_exit_codes import PASSWORD, add_unsent_edit, fake, login_argv, run  # noqa: F401 (fixture)


def _cli(home, *argv) -> subprocess.CompletedProcess:
    """The CLI as a user runs it: its own process, nothing of pytest's logging around it."""
    env = os.environ | {"GRIDWORKER_HOME": str(home), "GRIDWORKER_KDF": "fast", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "gridworker.cli", "--lang", "zh", "--password-stdin", *argv],
                          input=PASSWORD + "\n", capture_output=True, text=True, encoding="utf-8", env=env, timeout=120)  # fmt: skip


def test_a_500_is_a_server_error_in_chinese_and_english(fake, capsys, monkeypatch, gridworker_home):
    assert run(capsys, monkeypatch, *login_argv(fake.url), "--no-sync")[0] == 0
    add_unsent_edit(gridworker_home)
    fake.mode = "500"
    code, out, _err = run(capsys, monkeypatch, "--password-stdin", "sync", "--json")
    error = json.loads(out)["error"]
    assert code == 3 and error["code"] == "server_busy"
    assert "服务器出错" in error["message_zh"] and "稍后会重试" in error["message_zh"]
    assert not re.search(r"[A-Za-z]", error["message_zh"]), error["message_zh"]  # no English reason inside
    assert "繁忙" not in error["message_zh"]
    assert "The server had an error" in error["message_en"] and "busy" not in error["message_en"]
    fake.mode = "429"  # a 429 is still "busy"
    code, out, _err = run(capsys, monkeypatch, "--password-stdin", "sync", "--json")
    assert "繁忙" in json.loads(out)["error"]["message_zh"]


def test_log_lines_go_to_the_log_file_not_the_terminal_unless_verbose(fake, capsys, monkeypatch, gridworker_home):
    assert run(capsys, monkeypatch, *login_argv(fake.url))[0] == 0  # synced once: this device has a cursor
    fake.mode = "resync"  # the server was restored: the client logs a warning while it re-reads
    done = _cli(gridworker_home, "sync")
    assert done.returncode == 1, done.stderr
    assert "服务器反复要求重新同步" in done.stderr
    assert "full re-sync" not in done.stderr and "re-reading" not in done.stderr, done.stderr
    log = (AccountManager(gridworker_home).get("w1").logs_dir / "gridworker.log").read_text(encoding="utf-8")
    assert "server asks for a full re-sync" in log
    fake.mode = "ok"
    assert _cli(gridworker_home, "sync").returncode == 0  # the re-read finishes: a cursor again
    fake.mode = "resync"
    verbose = _cli(gridworker_home, "sync", "--verbose")
    assert "server asks for a full re-sync" in verbose.stderr


def test_status_shows_beijing_time(fake, capsys, monkeypatch, gridworker_home):
    assert run(capsys, monkeypatch, *login_argv(fake.url), "--no-sync")[0] == 0
    _account, store = AccountManager(gridworker_home).open("w1", PASSWORD)
    with store.write() as s:
        state.set_meta(s, state.LAST_SUCCESS, datetime(2026, 12, 7, 4, 12, tzinfo=timezone.utc).isoformat())
    store.close()
    monkeypatch.setenv("TZ", "America/New_York")  # the PC's clock zone must not matter
    done = _cli(gridworker_home, "status")
    assert done.returncode == 0, done.stderr
    assert "2026-12-07 12:12" in done.stdout, done.stdout
