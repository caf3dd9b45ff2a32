"""Start-up of the `gridworker` command (targets: `--version` under 0.3 s, `status` under 0.6 s), and a sync with
nothing to do (issue 14 target 4: the whole `gridworker sync` process ≤ 0.5 s, one round in-process ≤ 10 ms).

Each process figure is the median wall time of a fresh process (`python -m
gridworker.cli …`) over a few runs. Baselines: `python -c pass`, the same
interpreter starting and doing nothing, and `python -c "import sqlite3"`,
measured in the same run — the part of the figure no change of ours can
remove. `status` opens a real account (created once here, with the cheap
test KDF so the figure is start-up and not the password hashing a real
account spends on purpose).

The no-op sync figures run against a real server process (a small demo
community) with an account made with the real Argon2 parameters: the process
figure includes the one key unwrap a process pays (printed alone too), its
CPU time (the machine is shared: CPU time moves less than wall time with the
load) and its `-X importtime` total. In-process: `SyncWorker.sync_now()`, the
path `gridworker sync`, the app and its sync process take (a quiet round is
told by gridworker.sync.probe), beside `SyncEngine.sync_once()` and the raw
requests such a round makes (an empty pull page and /me) with http.client.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import Report, median

ACCOUNT = "bench"
RUNS = {"small": 3, "full": 7}
IDLE = 20  # in-process rounds (median)
PEOPLE = 300  # the server's demo community for the no-op sync: its size does not matter to a quiet round
PASSWORD = "bench password 1"
ROOT = Path(__file__).resolve().parent.parent


def _env(home: Path) -> dict[str, str]:
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return os.environ | {"GRIDWORKER_HOME": str(home), "GRIDWORKER_KDF": "fast", "PYTHONPATH": path}


def _wall(args: list[str], env: dict[str, str], runs: int, stdin: str = "") -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, *args], input=stdin, text=True, env=env, check=True, capture_output=True)
        samples.append(time.perf_counter() - started)
    return median(samples)


def _cpu_wall(args: list[str], env: dict[str, str], runs: int) -> tuple[float, float]:
    """Median (wall, CPU) seconds of a fresh process; CPU from the children's rusage (0 where there is none)."""
    try:
        import resource
    except ImportError:  # Windows
        resource = None  # type: ignore[assignment]
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN) if resource else None
        started = time.perf_counter()
        subprocess.run([sys.executable, *args], env=env, check=True, capture_output=True)
        walls.append(time.perf_counter() - started)
        if resource and before:
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return median(walls), median(cpus) if cpus else 0.0


def _import_ms(args: list[str], env: dict[str, str]) -> float:
    """The sum of the `-X importtime` self times of one run: every module's own import cost, in ms."""
    done = subprocess.run([sys.executable, "-X", "importtime", *args], env=env, check=True, capture_output=True, text=True)
    total = 0
    for line in done.stderr.splitlines():
        parts = line.split("|")
        if line.startswith("import time:") and parts[0].split(":")[1].strip().isdigit():
            total += int(parts[0].split(":")[1])
    return total / 1000


def run(report: Report, scale: str) -> None:
    print(f"cli: load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}" if hasattr(os, "getloadavg") else "", flush=True)
    _start_up(report, scale)
    _no_op_sync(report, scale)


def _start_up(report: Report, scale: str) -> None:
    runs = RUNS[scale]
    with tempfile.TemporaryDirectory() as tmp:
        env = _env(Path(tmp))
        cli = ["-m", "gridworker.cli"]
        subprocess.run([sys.executable, *cli, "account", "create", "bench", "--password-stdin"],
                       input=PASSWORD + "\n", text=True, env=env, check=True, capture_output=True)  # fmt: skip
        baseline = _wall(["-c", "pass"], env, runs)
        label = "python -c pass"
        version = _wall([*cli, "--version"], env, runs)
        report.add("gridworker --version", version, "s", baseline=baseline, baseline_label=label, target="< 0.3 s")
        status = _wall([*cli, "status", "--password-stdin"], env, runs, stdin=PASSWORD + "\n")
        report.add("gridworker status (an account, nothing to sync)", status, "s", baseline=baseline, baseline_label=label,
                   target="< 0.6 s")  # fmt: skip


def _no_op_sync(report: Report, scale: str) -> None:
    from benchmarks.bench_sync import DEMO_PASSWORD, DEMO_USER, Server

    runs = max(5, RUNS[scale])
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(Path(tmp) / "server")
        server.admin("init", "--password-stdin", stdin="bench-admin-1\n")
        server.admin("demo-seed", "--persons", str(PEOPLE))
        server.start()
        try:
            env = _env(Path(tmp) / "home")
            del env["GRIDWORKER_KDF"]  # the real Argon2 parameters: a user's process pays one unwrap
            env |= {"GRIDWORKER_PASSWORD": PASSWORD, "GRIDWORKER_LANG": "en"}
            subprocess.run([sys.executable, "-m", "gridworker.cli", "--account", ACCOUNT, "login", "--server", server.url,
                            "--username", DEMO_USER,
                            "--server-password-stdin", "--password-stdin"], input=f"{PASSWORD}\n{DEMO_PASSWORD}\n",
                           text=True, env=env, check=True, capture_output=True)  # fmt: skip
            sync = ["-m", "gridworker.cli", "sync"]
            subprocess.run([sys.executable, *sync], env=env, check=True, capture_output=True)  # settles the echo
            _no_op_process(report, env, sync, runs)
            _no_op_in_process(report, Path(tmp) / "home", server.url)
        finally:
            server.stop()


def _no_op_process(report: Report, env: dict[str, str], sync: list[str], runs: int) -> None:
    empty, empty_cpu = _cpu_wall(["-c", "pass"], env, runs)
    sqlite, sqlite_cpu = _cpu_wall(["-c", "import sqlite3"], env, runs)
    wall, cpu = _cpu_wall(sync, env, runs)
    report.add("python -c pass (process wall)", empty, "s")
    report.add("gridworker sync, nothing to do (process wall)", wall, "s", baseline=sqlite,
               baseline_label='python -c "import sqlite3"', target="≤ 0.5 s on a quiet machine")  # fmt: skip
    report.add("gridworker sync, nothing to do (process CPU)", cpu, "s", baseline=sqlite_cpu,
               baseline_label=f'CPU of python -c "import sqlite3" (-c pass: {empty_cpu:.3f} s)')  # fmt: skip
    imports, base_imports = _import_ms(sync, env), _import_ms(["-c", "import sqlite3"], env)
    report.add("gridworker sync, nothing to do: -X importtime total", imports, "ms", baseline=base_imports,
               baseline_label='python -c "import sqlite3"')  # fmt: skip
    report.add("  the account key's unwrap alone, in-process (Argon2id, real parameters)", _unwrap_s(), "s")


def _unwrap_s() -> float:
    from gridworker.store import keys

    blob = keys.wrap(keys.new_data_key(), PASSWORD, b"bench", keys.KdfParams())
    samples = []
    for _ in range(3):
        started = time.perf_counter()
        keys.unwrap(blob, PASSWORD, b"bench")
        samples.append(time.perf_counter() - started)
    return median(samples)


def _no_op_in_process(report: Report, home: Path, url: str) -> None:
    import http.client
    from urllib.parse import urlencode, urlsplit

    from gridworker.store import AccountManager
    from gridworker.sync import state
    from gridworker.sync.worker import SyncWorker

    account, store = AccountManager(home).open(ACCOUNT, PASSWORD)
    worker = SyncWorker(account, store, retry=False)
    try:
        with store.read() as s:
            token, cursor = state.get_meta(s, state.TOKEN), state.get_meta(s, state.CURSOR)
        assert worker.sync_now().complete
        ours = _median_of(IDLE, worker.sync_now, lambda r: r.complete and r.pulled == 0 and r.pushed == 0)
        engine = _median_of(IDLE, worker.engine.sync_once, lambda r: r.complete and r.pulled == 0 and r.pushed == 0)
        parts = urlsplit(url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        headers = {"X-Gridworker-Schema": "1", "Authorization": f"Bearer {token}"}

        def raw() -> bool:
            for path in ("/api/v1/sync/pull?" + urlencode({"limit": 1000, "cursor": cursor}), "/api/v1/me"):
                conn.request("GET", path, headers=headers)
                conn.getresponse().read()
            return True

        baseline = _median_of(IDLE, raw, bool)
        conn.close()
    finally:
        worker.close()
        store.close()
    report.add("a sync with nothing to do, in-process (SyncWorker.sync_now)", ours * 1000, "ms", baseline=baseline * 1000,
               baseline_label=f"http.client: an empty pull page + /me; median of {IDLE}", target="≤ 10 ms")  # fmt: skip
    report.add("  the engine's full round (SyncEngine.sync_once)", engine * 1000, "ms", baseline=baseline * 1000,
               baseline_label="the same two requests")  # fmt: skip


def _median_of(n: int, call, check) -> float:
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        result = call()
        samples.append(time.perf_counter() - started)
        assert check(result), result
    return median(samples)
