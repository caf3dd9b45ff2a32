"""One record with a value the client cannot read must not stop sync (issue 11, item 1).

Real processes on both sides: a server process, and `gridworker sync` /
`gridworker status` run as the installed command would. The poisoned record
is written into the server's database directly, as a server from before the
bounds would have accepted it from a push.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

from gridworker.services import visits

from .helpers import local_ids, new_household
from .server import SERVER_PASSWORD, env_for_cli

ROOT = Path(__file__).resolve().parents[2]
EXTREMES = ("0001-01-01T00:00:00+14:00", "9999-12-31T23:00:00-12:00")


def gridworker(home: Path, account: str, *args: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "gridworker.cli", "--account", account, "--password-stdin", *args]
    return subprocess.run(
        cmd, input=SERVER_PASSWORD + "\n", capture_output=True, text=True, timeout=180, env=env_for_cli(home), cwd=ROOT
    )


def poison(server, entity: str, record_id: str, **values) -> None:
    """Overwrite fields of a stored record in the server's database, behind the API's back."""
    with closing(sqlite3.connect(server.data / "server.db", timeout=30)) as db:
        (data,) = db.execute("SELECT data FROM records WHERE entity = ? AND id = ?", (entity, record_id)).fetchone()
        db.execute(
            "UPDATE records SET data = ? WHERE entity = ? AND id = ?",
            (json.dumps(json.loads(data) | values, ensure_ascii=False), entity, record_id),
        )
        db.commit()


def test_a_record_with_an_extreme_date_is_set_aside_and_the_pull_goes_on(fresh_server, clients, gridworker_home):
    server = fresh_server  # its own: the poisoned records must not reach the other tests' clients
    a = clients(server, "w1a")
    a.sync_ok()
    before = [new_household(a, room=f"3{i}1")[1] for i in range(3)]
    me = a.account.info["server"]["user_id"]
    bad = [visits.log_visit(a.store, before[0].id, visitor_id=me, outcome="met") for _ in EXTREMES]
    after = [new_household(a, room=f"3{i}2")[1] for i in range(3)]
    a.sync_ok()
    for v, when in zip(bad, EXTREMES):
        poison(server, "visit", v.id, visited_at=when)

    # Another worker of the grid signs in (in this process: the login) and syncs with the real command.
    b = clients(server, "w1b")
    b.close()
    done = gridworker(gridworker_home, "w1b", "sync")
    assert "Traceback" not in done.stderr, done.stderr
    status = gridworker(gridworker_home, "w1b", "--lang", "en", "status", "--json")
    assert status.returncode == 0, status.stderr
    st = json.loads(status.stdout)
    # Everything else arrived; the poisoned visits too, their unreadable time kept aside.
    b = clients(server, "w1b")
    assert {h.id for h in before + after} <= local_ids(b, "household")
    assert {v.id for v in bad} <= local_ids(b, "visit")
    # ... and the status says so: never "ok" while values are set aside.
    assert st["state"] != "ok"
    assert {(x["entity"], x["id"]) for x in st["set_aside"]} == {("visit", v.id) for v in bad}
    text = gridworker(gridworker_home, "w1b", "--lang", "en", "status").stdout
    assert "State: ok" not in text and "2 values" in text and "set aside" in text
    # A second sync does not get stuck either, and still tells.
    again = gridworker(gridworker_home, "w1b", "sync")
    assert "Traceback" not in again.stderr and again.returncode == 0, again.stderr


def test_a_pull_that_fails_unexpectedly_is_not_reported_as_ok(server, clients, monkeypatch):
    """Whatever else stops a pull (a bug), the saved status says so instead of the last round's "ok"."""
    import pytest

    from gridworker.sync import pull
    from gridworker.sync.worker import read_status

    a = clients(server, "w1a")
    a.sync_ok()
    assert read_status(a.account, a.store).state == "ok"
    b = clients(server, "w1b")
    b.sync_ok()
    new_household(b, room="399")
    b.sync_ok()

    def broken(*args, **kw):
        raise OverflowError("date value out of range")

    monkeypatch.setattr(pull, "apply_page", broken)
    with pytest.raises(OverflowError):
        a.sync()
    st = read_status(a.account, a.store)
    assert st.state == "error" and st.last_error["code"] == "internal"
    assert "program error" in st.last_error["en"] and "date value" not in st.last_error["en"]
