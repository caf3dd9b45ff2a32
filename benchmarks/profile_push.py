"""The server's CPU for a push through HTTP, per mutation: new records, and edits of existing ones.

    python -m benchmarks.profile_push new|edits [--runs N] [--spy FILE]

- `new`: bench_server's case — a `serve` process on an empty data folder, two devices pushing
  10,000 new people each at once, in pushes of 500 (signed in first, one warm-up push).
- `edits`: target 2's round, the server's half — a demo-seeded server (`demo-seed --persons 50000`,
  123,226 records; seeded once into a temporary folder and copied for each run), one device pushing
  10,000 edits of the notes of demo people (the present version as base) in 20 pushes of 500.

Prints the serving process's user and system CPU a mutation (/proc: Linux) and the wall rate
(which on a shared machine says more about its load than about the server). `--spy FILE` records
py-spy samples of the server during the pushes (raw format; py-spy must be installed).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests

from benchmarks import bench_server as bs
from tests import pgtemp

SEEDED = Path(tempfile.gettempdir()) / "gw-profile-push-seeded"
EDITS = 10_000


def _cpu(pid: int) -> tuple[float, float]:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick


def _spy(pid: int, out: str | None):
    if not out:
        return None
    cmd = [str(Path(sys.executable).parent / "py-spy"), "record", "--nonblocking", "-p", str(pid), "-f", "raw", "-o", out]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _measure(pid: int, n: int, spy_out: str | None, push) -> tuple[float, float, float]:
    """(user µs, system µs a mutation, mutations/s) of `push()`."""
    spy = _spy(pid, spy_out)
    before, started = _cpu(pid), time.perf_counter()
    push()
    wall, after = time.perf_counter() - started, _cpu(pid)
    if spy:
        spy.send_signal(2)
        spy.wait(30)
    return (after[0] - before[0]) / n * 1e6, (after[1] - before[1]) / n * 1e6, n / wall


def new_records(spy_out: str | None, n: int = 20_000) -> tuple[float, float, float]:
    with bs._server("sqlite", None) as (base, area, pid):
        half = n // bs.PUSHERS
        people = bs._people(n, area)
        bodies = [bs._push_bodies(people[i * half : (i + 1) * half], f"bench-pusher-{i}") for i in range(bs.PUSHERS)]
        sessions = [bs._session(base, f"bench-pusher-{i}") for i in range(bs.PUSHERS)]
        warm = bs._push_bodies(bs._people(bs.BATCH, area), "bench-pusher-0")[0]
        sessions[0].post(base + "/sync/push", data=warm).raise_for_status()
        return _measure(pid, n, spy_out, lambda: bs._push(base, bodies, sessions))


def _seeded() -> Path:
    if not (SEEDED / "server.db").exists():
        SEEDED.mkdir(parents=True, exist_ok=True)
        env = os.environ | {"GRIDWORKER_KDF": "fast"}
        cli = [sys.executable, "-m", "gridworker.server.admin.cli"]
        run = dict(check=True, env=env, capture_output=True, text=True)
        subprocess.run(cli + ["init", "--data", str(SEEDED), "--password-stdin"], input="bench-admin-1\n", **run)
        subprocess.run(cli + ["demo-seed", "--persons", "50000", "--data", str(SEEDED)], **run)
    return SEEDED


def edits(spy_out: str | None, n: int = EDITS) -> tuple[float, float, float]:
    folder = Path(tempfile.mkdtemp(prefix="gw-profile-edits-"))
    shutil.copy(_seeded() / "server.db", folder / "server.db")
    with sqlite3.connect(folder / "server.db") as db:
        people = db.execute("SELECT id, version FROM records WHERE entity = 'person' AND deleted = 0 LIMIT ?", (n,)).fetchall()
    port = pgtemp.free_port()
    cmd = [sys.executable, "-m", "gridworker.server.admin.cli", "serve", "--data", str(folder), "--port", str(port)]
    with open(folder / "server.log", "wb") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        for _ in range(600):
            try:
                if requests.get(base + "/health", timeout=1).ok:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        login = {"username": "demo_admin", "password": "demo1234", "device_id": "profile-dev"}
        token = requests.post(base + "/auth/login", headers=bs.H, json=login).json()["token"]
        http = requests.Session()
        http.headers.update(bs.H | {"Authorization": "Bearer " + token, "Content-Type": "application/json"})
        now = int(time.time() * 1000)
        mutations = [
            {"mutation_id": str(uuid.uuid4()), "entity": "person", "id": pid, "op": "upsert", "base_version": version,
             "fields": {"notes": f"走访备注 {uuid.uuid4().hex[:8]}"}, "hlc": f"{now:013d}-{i % 10000:04d}-profile-dev"}
            for i, (pid, version) in enumerate(people)
        ]  # fmt: skip
        bodies = [json.dumps({"device_id": "profile-dev", "mutations": mutations[i : i + bs.BATCH]}, ensure_ascii=False).encode()
                  for i in range(0, len(mutations), bs.BATCH)]  # fmt: skip
        http.post(base + "/sync/push", data=json.dumps({"device_id": "profile-dev", "mutations": []})).raise_for_status()

        def push() -> None:
            for body in bodies:
                r = http.post(base + "/sync/push", data=body)
                r.raise_for_status()
                assert {x["status"] for x in r.json()["results"]} == {"applied"}, r.text[:300]

        return _measure(proc.pid, len(mutations), spy_out, push)
    finally:
        proc.terminate()
        proc.wait(30)
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str]) -> None:
    mode = argv[0] if argv else "new"
    runs = int(argv[argv.index("--runs") + 1]) if "--runs" in argv else 1
    spy_out = argv[argv.index("--spy") + 1] if "--spy" in argv else None
    for _ in range(runs):
        user, system, rate = (edits if mode == "edits" else new_records)(spy_out)
        print(f"{mode}: server CPU {user + system:.0f} us a mutation (user {user:.0f}, system {system:.0f}), "
              f"{rate:,.0f} mut/s wall, load {os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1:])
