"""`gridworker sync` killed with SIGKILL at random points, again and again: every edit reaches the server once."""

import random
import signal
import subprocess
import time
from collections import Counter

import pytest
from sqlmodel import select

from gridworker.domain.models import Building, Outbox
from gridworker.services import register
from gridworker.services.base import transaction

from .helpers import area_ids
from .server import BIN, SERVER_PASSWORD, env_for_cli, make_client

KILLS = 10  # every other one waits for mutations on the wire, the rest fall anywhere
EDITS_PER_ROUND = 150


def sync_process(home):
    return subprocess.Popen(
        [str(BIN / "gridworker"), "--account", "w1a", "--password-stdin", "sync", "--json"],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env_for_cli(home),
    )  # fmt: skip


def wait_until_reading_stdin(proc, timeout: float = 120.0) -> None:
    """The command reads the password only after its start-up (imports, parser): wait for that read.

    Linux: /proc/PID/syscall shows `0 0x0 ...` while the process sits in read(0, ...).
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if open(f"/proc/{proc.pid}/syscall").read().startswith("0 0x0 "):
                return
        except OSError:
            pass
        time.sleep(0.02)
    raise AssertionError("gridworker sync did not get to reading its password")


def go(proc) -> float:
    """Give the waiting process its password: the sync starts now. Returns the moment."""
    proc.stdin.write(SERVER_PASSWORD.encode() + b"\n")
    proc.stdin.close()
    return time.monotonic()


def random_edits(client, rng: random.Random, g1: str, buildings: list[str]) -> None:
    """New buildings and new notes on old ones, in one transaction (as an import would make them)."""
    with transaction(client.store) as tx:
        for _ in range(EDITS_PER_ROUND):
            if not buildings or rng.random() < 0.4:
                buildings.append(register.register_building(tx, {"name": f"楼{len(buildings)}", "area_id": g1}).id)
            else:
                register.update_building(tx, rng.choice(buildings), {"notes": f"备注 {rng.random():.9f}"})


def wait_for_mutations_on_the_wire(proc, client, timeout: float) -> None:
    """Until the process has marked a push as sent and not yet recorded the answer (or it ends)."""
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline and not attempted_but_unanswered(client):
        time.sleep(0.005)


def attempted_but_unanswered(client) -> list[Outbox]:
    with client.store.read() as s:
        return [r for r in s.exec(select(Outbox).where(Outbox.state == "pending")) if (r.result or {}).get("attempted")]


@pytest.mark.slow
def test_sigkill_at_random_points_loses_and_repeats_nothing(server, gridworker_home):
    client = make_client(gridworker_home, server, "w1a")
    rng = random.Random(11)
    buildings: list[str] = []
    try:
        client.sync_ok()
        g1 = area_ids(client)["G1"]
        random_edits(client, rng, g1, buildings)
        proc = sync_process(gridworker_home)
        wait_until_reading_stdin(proc)
        began = go(proc)
        assert proc.wait(timeout=120) == 0
        work = time.monotonic() - began  # one whole sync of a round of edits, start-up excluded
        killed = in_flight = 0
        proc = sync_process(gridworker_home)
        for i in range(KILLS):
            random_edits(client, rng, g1, buildings)  # meanwhile the next process starts up
            wait_until_reading_stdin(proc)
            go(proc)
            if i % 2:
                wait_for_mutations_on_the_wire(proc, client, timeout=3 * work)
                time.sleep(rng.uniform(0, 0.05))
            else:
                time.sleep(rng.uniform(0, work))
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                killed += 1
            proc.wait()
            proc = sync_process(gridworker_home)
            in_flight += bool(attempted_but_unanswered(client))
        assert killed >= KILLS // 2  # most runs really were cut short
        assert in_flight >= 1  # and some while mutations were on the wire
        for _ in range(3):
            wait_until_reading_stdin(proc)
            go(proc)
            if proc.wait(timeout=120) == 0:
                break
            proc = sync_process(gridworker_home)
        assert proc.returncode == 0

        with client.store.read() as s:
            assert s.exec(select(Outbox).where(Outbox.state != "sent")).all() == []
            sent = Counter(r.record_id for r in s.exec(select(Outbox).where(Outbox.entity == "building")))
            local = {b.id: b for b in s.exec(select(Building))}
        on_server = server.records("w1a")
        assert set(buildings) <= {rid for (e, rid) in on_server if e == "building"}
        for bid in buildings:
            remote = on_server[("building", bid)]
            assert remote["data"].get("notes") == local[bid].notes
            assert remote["version"] == sent[bid]  # one server version per mutation: none applied twice
    finally:
        client.close()
