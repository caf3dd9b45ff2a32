"""Sync server throughput: push (mutations/s) and pull (records/s) over HTTP, on SQLite and PostgreSQL.

A real `gridworker-server serve` process on loopback; two devices push N new
person records between them, in pushes of 500, at the same time (bodies encoded
beforehand, so the figure is the server's), then a fresh client pulls
everything (pages of 1000). The server's CPU time per pushed mutation is printed too
(the wall figure on a shared machine is mostly its load). The
baseline is the same rows inserted and selected with the database driver
alone (sqlite3 / psycopg), in the same run. Also the server's peak memory
(VmHWM of the process). Scales: small = 10,000 records, full = 10,000 and
100,000, huge = those and 1,000,000 (about 10 minutes more per backend on
2 cores: the million is pushed through the server like the rest).
Targets (issue 14): push ≥ 10,000 mut/s and pull ≥ 50,000 rec/s on SQLite,
≥ 8,000 / ≥ 40,000 on PostgreSQL, at 100,000 records.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import requests

from benchmarks.common import timer
from gridworker.domain import hlc
from tests import pgtemp

BATCH = 500
PAGE = 1000
PUSHERS = 2  # devices pushing at once: while one push waits for its fsync, the next is parsed
PASSWORD = "bench-password"
H = {"X-Gridworker-Schema": "1"}


def _setup(data: Path, url: str | None) -> str:
    """An initialised server with one grid and one worker in it; returns the grid's area id."""
    from gridworker.server.admin import operations as admin
    from gridworker.server.api.app import create_app
    from gridworker.server.core.config import Settings

    app = create_app(Settings(data_dir=data, database_url=url))
    db = app.state.gw.db
    with db.write() as conn:
        admin.import_areas(conn, [{"code": "G", "parent_code": None, "name": "网格", "level": "grid"}])
        admin.add_user(conn, "bench", "worker", ["G"], PASSWORD)
        area = admin.list_areas(conn)[0]["id"]
    db.dispose()
    return area


@contextmanager
def _server(backend: str, cluster: pgtemp.TempCluster | None, fill: int = 0):
    """A `serve` process on a fresh data folder (and database), its feed filled with `fill` records first;
    (base url, area id, server pid)."""
    import shutil

    folder = Path(tempfile.mkdtemp(prefix=f"gw-bench-{backend}-"))
    url = cluster.url(cluster.create_database()) if cluster else None
    area = _setup(folder, url)
    if fill:
        _fill_feed(folder, url, area, fill)
    port = pgtemp.free_port()
    env = os.environ | ({"GRIDWORKER_DATABASE_URL": url} if url else {})
    cmd = [sys.executable, "-m", "gridworker.server.admin.cli", "serve", "--data", str(folder), "--port", str(port)]
    with open(folder / "server.log", "wb") as log:
        proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}/api/v1"
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    if requests.get(base + "/health", timeout=1).ok:
                        break
                except requests.RequestException:
                    time.sleep(0.1)
            yield base, area, proc.pid
        finally:
            proc.terminate()
            proc.wait(30)
    shutil.rmtree(folder, ignore_errors=True)


def _session(base: str, device: str) -> requests.Session:
    http = requests.Session()
    r = http.post(base + "/auth/login", json={"username": "bench", "password": PASSWORD, "device_id": device}, headers=H)
    r.raise_for_status()
    http.headers.update(H | {"Authorization": "Bearer " + r.json()["token"], "Content-Type": "application/json"})
    return http


def _people(n: int, area: str) -> list[dict]:
    return [
        {"area_id": area, "name": f"张{i % 1000}", "phone": f"138{i:08d}", "gender": "female" if i % 2 else "male",
         "tags": ["elderly"] if i % 7 == 0 else [], "notes": "独居，每周走访一次"}
        for i in range(n)
    ]  # fmt: skip


def _push_bodies(people: list[dict], device: str) -> list[bytes]:
    clock = None
    bodies = []
    for start in range(0, len(people), BATCH):
        mutations = []
        for fields in people[start : start + BATCH]:
            clock = hlc.tick(clock, device)
            mutations.append({"mutation_id": str(uuid.uuid4()), "entity": "person", "id": str(uuid.uuid4()), "op": "upsert",
                              "base_version": None, "fields": fields, "hlc": str(clock)})  # fmt: skip
        bodies.append(json.dumps({"device_id": device, "mutations": mutations}, ensure_ascii=False).encode())
    return bodies


def _push(base: str, bodies: list[list[bytes]], sessions: list[requests.Session] | None = None) -> float:
    """Each list of bodies is one device pushing its outbox; the devices push at the same time.

    Pass `sessions` signed in beforehand to keep the sign-ins (argon2) out of the figure."""
    sessions = sessions or [_session(base, f"bench-pusher-{i}") for i in range(len(bodies))]

    def send(i: int) -> None:
        for body in bodies[i]:
            r = sessions[i].post(base + "/sync/push", data=body)
            r.raise_for_status()

    with timer() as t, ThreadPoolExecutor(len(bodies)) as pool:
        list(pool.map(send, range(len(bodies))))
    return t["s"]


def _pull(base: str, pid: int) -> tuple[int, float]:
    """(records, wall s) of a whole first pull by a new device."""
    wall, _server_cpu, count, _client_cpu = _pull_once(base, _session(base, "bench-puller"), pid)
    return count, wall


def _cpu_s(pid: int) -> float | None:
    """User + system CPU seconds of a process so far (Linux /proc; None elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _peak_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


# -- baselines: the driver alone -------------------------------------------------------------------
def _rows(people: list[dict]) -> list[tuple]:
    return [(str(uuid.uuid4()), json.dumps(p, ensure_ascii=False)) for p in people]


def _baseline_sqlite(people: list[dict]) -> tuple[float, float]:
    folder = Path(tempfile.mkdtemp(prefix="gw-bench-raw-"))
    conn = sqlite3.connect(folder / "raw.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("CREATE TABLE r (id TEXT PRIMARY KEY, data TEXT NOT NULL)")
    rows = _rows(people)
    with timer() as ins:
        for start in range(0, len(rows), BATCH):
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany("INSERT INTO r VALUES (?, ?)", rows[start : start + BATCH])
            conn.execute("COMMIT")
    with timer() as sel:
        got = conn.execute("SELECT id, data FROM r").fetchall()
    assert len(got) == len(rows)
    conn.close()
    import shutil

    shutil.rmtree(folder, ignore_errors=True)
    return len(rows) / ins["s"], len(rows) / sel["s"]


def _baseline_pg(cluster: pgtemp.TempCluster, people: list[dict]) -> tuple[float, float]:
    import psycopg

    name = cluster.create_database()
    rows = _rows(people)
    with psycopg.connect(cluster.dsn(name)) as conn:
        conn.execute("CREATE TABLE r (id TEXT PRIMARY KEY, data TEXT NOT NULL)")
        conn.commit()
        with timer() as ins:
            for start in range(0, len(rows), BATCH):
                with conn.cursor() as cur:
                    cur.executemany("INSERT INTO r VALUES (%s, %s)", rows[start : start + BATCH])
                conn.commit()
        with timer() as sel:
            got = conn.execute("SELECT id, data FROM r").fetchall()
    assert len(got) == len(rows)
    cluster.drop_database(name)
    return len(rows) / ins["s"], len(rows) / sel["s"]


# -- the benchmark ------------------------------------------------------------------------------------
def _one_backend(report, backend: str, sizes: list[int], cluster: pgtemp.TempCluster | None) -> None:
    for n in sizes:
        with _server(backend, cluster) as (base, area, pid):
            people = _people(n, area)
            half = len(people) // PUSHERS
            bodies = [_push_bodies(people[i * half : (i + 1) * half], f"bench-pusher-{i}") for i in range(PUSHERS)]
            # Signed in first: two argon2 checks were ~0.4 s of the server CPU counted as the push's
            # (40 us a mutation at 10,000).
            sessions = [_session(base, f"bench-pusher-{i}") for i in range(PUSHERS)]
            cpu_before = _cpu_s(pid)
            push_s = _push(base, bodies, sessions)
            cpu_after = _cpu_s(pid)
            count, pull_s = _pull(base, pid)
            peak = _peak_kib(pid)
        raw_insert, raw_select = _baseline_sqlite(people) if cluster is None else _baseline_pg(cluster, people)
        push_target, pull_target = TARGETS[backend] if n == 100_000 else ("", "")
        report.add(
            f"server push {backend} {n:,} records", n / push_s, "mut/s", baseline=raw_insert,
            baseline_label=f"raw {backend} insert, {BATCH}/transaction", target=push_target,
        )  # fmt: skip
        if cpu_before is not None and cpu_after is not None:
            # The server's own CPU for the push: on a shared machine the wall figure above is mostly the load.
            report.add(
                f"server push {backend} {n:,} records, server CPU", (cpu_after - cpu_before) / n * 1e6, "µs/mut",
                baseline=1e6 / raw_insert, baseline_label=f"raw {backend} insert, wall per row",
            )  # fmt: skip
        report.add(
            f"server pull {backend} {count:,} records", count / pull_s, "rec/s", baseline=raw_select,
            baseline_label=f"raw {backend} select", target=pull_target,
        )  # fmt: skip
        report.add(f"server peak memory {backend} {n:,} records", peak / 1024, "MiB")


TARGETS = {"sqlite": ("≥ 10000 mut/s", "≥ 50000 rec/s"), "postgresql": ("≥ 8000 mut/s", "≥ 40000 rec/s")}
SIZES = {"small": [10_000], "full": [10_000, 100_000], "huge": [10_000, 100_000, 1_000_000]}


def run(report, scale: str) -> None:
    sizes = SIZES.get(scale, SIZES["full"])
    os.environ.setdefault("GRIDWORKER_LANG", "en")
    _one_backend(report, "sqlite", sizes, None)
    run_pull(report, scale)
    if not pgtemp.available():
        print("PostgreSQL 15 binaries not found: PostgreSQL figures skipped", flush=True)
        return
    with pgtemp.TempCluster() as cluster:
        _one_backend(report, "postgresql", sizes, cluster)


if __name__ == "__main__":
    from benchmarks.common import Report

    run(Report(), sys.argv[1] if len(sys.argv) > 1 else "small")


# -- pull at 10,000 / 100,000 / 1,000,000 records (issue 14 target 5, pull half) ----------------------
# The feed is filled through the server's own writer (FeedWriter: the rows and feed entries a push
# makes, without the merge), so the million takes a minute instead of the push's minutes; then a
# fresh device pulls it all, PULL_RUNS times, and the median is reported with the server process's
# CPU time per 100,000 records (the wall of a 2-core shared machine moves with its load).
PULL_SIZES = {"small": [10_000], "full": [10_000, 100_000, 1_000_000], "huge": [10_000, 100_000, 1_000_000]}
PULL_RUNS = 3


def _fill_feed(data: Path, url: str | None, area: str, n: int) -> None:
    from gridworker.server.api.app import create_app
    from gridworker.server.core.config import Settings
    from gridworker.server.sync.records import FeedWriter, Rec

    db = create_app(Settings(data_dir=data, database_url=url)).state.gw.db
    people = _people(min(n, 10_000), area)
    for start in range(0, n, 10_000):
        with db.write() as conn:
            writer = FeedWriter(conn)
            for i in range(start, min(n, start + 10_000)):
                rec = Rec("person", str(uuid.uuid4()), area_id=area, version=1, data=dict(people[i % len(people)]))
                writer.saved(rec, writer.before(rec))
            writer.flush()
    db.dispose()


def _pull_once(base: str, http: requests.Session, pid: int) -> tuple[float, float | None, int, float]:
    """A whole first pull as a client makes it (each page parsed); (wall s, server CPU s — None where /proc is
    missing, records, client CPU s)."""
    cursor, count = None, 0
    cpu, started, mine = _cpu_s(pid), time.perf_counter(), time.process_time()
    while True:
        r = http.get(base + "/sync/pull", params={"limit": PAGE} | ({"cursor": cursor} if cursor else {}))
        r.raise_for_status()
        body = r.json()
        count += len(body["changes"])
        cursor = body["cursor"]
        if not body["has_more"]:
            after = _cpu_s(pid)
            server_cpu = after - cpu if after is not None and cpu is not None else None
            return time.perf_counter() - started, server_cpu, count, time.process_time() - mine


def _pull_backend(report, backend: str, sizes: list[int], cluster: pgtemp.TempCluster | None) -> None:
    for n in sizes:
        with _server(backend, cluster, fill=n) as (base, _area, pid):
            http = _session(base, "bench-puller")  # signed in once: argon2 is not the pull's cost
            runs = [_pull_once(base, http, pid) for _ in range(PULL_RUNS)]
        wall, cpu, count, client_cpu = sorted(runs)[len(runs) // 2]
        load = os.getloadavg()[0]
        people = _people(10_000, "area")
        raw = [people[i % len(people)] for i in range(min(n, 100_000))]  # the driver's rate, on up to 100,000 rows
        raw_select = (_baseline_sqlite(raw) if cluster is None else _baseline_pg(cluster, raw))[1]
        report.add(
            f"server pull {backend} {count:,} records (feed filled directly)", count / wall, "rec/s",
            baseline=raw_select, baseline_label=f"raw {backend} select of {len(raw):,}",
            target=TARGETS[backend][1] if n == 100_000 else "",
        )  # fmt: skip
        if cpu is not None:
            report.add(f"  its server CPU per 100,000 records (load {load:.1f})", cpu * 100_000 / count, "s")
        # Pages follow each other (each needs the cursor of the one before): the two add up.
        report.add("  the pulling client's CPU per 100,000 records (requests, JSON)", client_cpu * 100_000 / count, "s")


def run_pull(report, scale: str) -> None:
    sizes = PULL_SIZES.get(scale, PULL_SIZES["full"])
    _pull_backend(report, "sqlite", sizes, None)
    if pgtemp.available():
        with pgtemp.TempCluster() as cluster:
            _pull_backend(report, "postgresql", sizes, cluster)
