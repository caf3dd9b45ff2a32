"""A district's morning against a real server on PostgreSQL, with locust: 2,000 devices at 1 and 4 workers.

    make bench BENCH_ARGS="--only district"            # 200 and 2,000 devices
    make bench BENCH_ARGS="--only district --quick"    # 200 devices only
    GRIDWORKER_DISTRICT_SIZES=2000 make bench BENCH_ARGS="--only district"

Time on this 2-core machine (shared, load 10–19): seeding 2,000 grids 4 min; 200
devices 2–3 min per worker count; 2,000 devices about 10 min per worker count. The
sign-ins dominate: argon2 at its default cost, two at a time per worker.

The district: 10 streets × 10 communities × 20 grids (2,000 grids, 2,100 areas
above and including them), 250 households in each grid (500,000 records) and one
grid worker per grid. Each device (one locust user, benchmarks/district_locust.py)
signs in as its grid's worker (argon2 at the default cost, as in production), pulls
everything it sees to the end (its grid's households and the district's area
tree, pages of 1000) and pushes one edit to each of 50 of its households (one push).
The devices arrive within 10 s — the morning rush — and each does this once. Like the
desktop client (docs/sync-protocol.md, "Errors, backoff, states"), a device tries a request
again after a cut connection, a 5xx or a 429, up to 4 tries with backoff; every failed try
is an error in the figures, with what it was.

Printed for each run (devices × workers): devices served per second, requests per
second, p50/p95/p99 latency of login, pull and push, and errors; the 4-worker
figure beside the 1-worker one of the same size; and how the time per device grows
from 200 to 2,000 devices. Client and server share this machine (loopback), so
locust's own CPU is part of the cost: compare ratios, not absolute figures.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests

from tests import pgtemp

PASSWORD = "District-morning-2026"
STREETS, COMMUNITIES, GRIDS = 10, 10, 20  # per district, per street, per community
HOUSEHOLDS = 250
SPAWN_WINDOW_S = 10
LOCUSTFILE = Path(__file__).with_name("district_locust.py")


def _areas(grids: int) -> list[dict]:
    rows = [{"code": "D", "parent_code": None, "name": "城区", "level": "district"}]
    made = 0
    for s in range(STREETS):
        rows.append({"code": f"S{s}", "parent_code": "D", "name": f"第{s + 1}街道", "level": "street"})
        for c in range(COMMUNITIES):
            community = f"S{s}C{c}"
            rows.append({"code": community, "parent_code": f"S{s}", "name": f"第{c + 1}社区", "level": "community"})
            for g in range(GRIDS):
                if made < grids:
                    rows.append({"code": f"G{made}", "parent_code": community, "name": f"第{g + 1}网格", "level": "grid"})
                    made += 1
    return rows


def seed(data: Path, url: str, devices: int) -> None:
    """The district's areas, one worker per grid (all with one password hash: hashing 2,000 would take minutes), households."""
    from gridworker.server.admin import bootstrap
    from gridworker.server.admin import operations as admin
    from gridworker.server.api.app import create_app
    from gridworker.server.core import auth
    from gridworker.server.core.config import Settings

    app = create_app(Settings(data_dir=data, database_url=url))
    db = app.state.gw.db
    started = time.perf_counter()
    with db.write() as conn:
        bootstrap.load_shipped_tables(conn)
        admin.import_areas(conn, _areas(devices))
        area_ids = {a["code"]: a["id"] for a in admin.list_areas(conn)}
    one_hash, real_hash = auth.hash_password(PASSWORD), auth.hash_password
    auth.hash_password = lambda _password: one_hash
    try:
        for start in range(0, devices, 200):
            with db.write() as conn:
                for k in range(start, min(devices, start + 200)):
                    admin.add_user(conn, f"d{k}", "worker", [f"G{k}"], PASSWORD)
    finally:
        auth.hash_password = real_hash
    for start in range(0, devices, 20):
        with db.write() as conn:
            w = admin.ServerWrites(conn)
            for k in range(start, min(devices, start + 20)):
                area = area_ids[f"G{k}"]
                for h in range(HOUSEHOLDS):
                    data_ = {"area_id": area, "unit": f"{h // 50 + 1}单元", "room": f"{h % 50 + 101}",
                             "address": f"幸福路{k}号{h // 50 + 1}单元{h % 50 + 101}室", "phone": f"139{k:04d}{h:04d}"}  # fmt: skip
                    w.put(None, "household", str(uuid.uuid4()), data_, area_id=area)
            w.flush()
    with db.write() as conn:
        conn.exec_driver_sql("ANALYZE")
    db.dispose()
    print(f"seeded {devices:,} grids, workers and {devices * HOUSEHOLDS:,} households in {time.perf_counter() - started:.0f} s", flush=True)


def _serve(data: Path, url: str, workers: int, log: Path) -> tuple[subprocess.Popen, str]:
    port = pgtemp.free_port()
    env = os.environ | {"GRIDWORKER_DATABASE_URL": url, "GRIDWORKER_LANG": "en"}
    env.pop("GRIDWORKER_KDF", None)  # production argon2
    proc = subprocess.Popen(
        [sys.executable, "-m", "gridworker.server.admin.cli", "serve", "--data", str(data), "--host", "127.0.0.1",
         "--port", str(port), "--workers", str(workers)],
        env=env, stdout=open(log, "ab"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(log.read_text(errors="replace")[-2000:])
        try:
            if requests.get(base + "/api/v1/health", timeout=1).ok:
                return proc, base
        except requests.RequestException:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("the server did not start")


def _locust(base: str, devices: int, folder: Path) -> dict:
    prefix = folder / f"locust-{devices}"
    out = folder / f"times-{devices}.json"
    env = os.environ | {"DISTRICT_DEVICES": str(devices), "DISTRICT_PASSWORD": PASSWORD, "DISTRICT_OUT": str(out)}
    rate = max(1, devices // SPAWN_WINDOW_S)
    cmd = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "-u", str(devices), "-r", str(rate),
           "--host", base, "--csv", str(prefix), "--run-time", "30m", "--only-summary", "--loglevel", "WARNING"]  # fmt: skip
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=open(folder / "locust.log", "ab"), timeout=2400)
    times = json.loads(out.read_text())
    failures = Path(f"{prefix}_failures.csv")
    if failures.exists():
        for row in list(csv.DictReader(open(failures, newline="", encoding="utf-8")))[:5]:
            print(f"    failure ×{row.get('Occurrences')}: {row.get('Name')} {row.get('Error', '')[:160]}", flush=True)
    with open(f"{prefix}_stats.csv", newline="", encoding="utf-8") as f:
        stats = {row["Name"]: row for row in csv.DictReader(f)}
    return {"times": times, "stats": stats}


def _children_cpu() -> float:
    """CPU seconds of this process's finished (waited-for) child processes and theirs; 0 where unknown (Windows)."""
    try:
        import resource
    except ImportError:
        return 0.0
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _load() -> float:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


def _one(report, data: Path, url: str, folder: Path, devices: int, workers: int, baseline: dict | None) -> dict:
    cpu_start = _children_cpu()
    proc, base = _serve(data, url, workers, folder / f"serve-{workers}.log")
    try:
        cpu_before_locust = _children_cpu()
        got = _locust(base, devices, folder)
        locust_cpu = _children_cpu() - cpu_before_locust
    finally:
        proc.terminate()
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:  # connections locust left open keep a graceful shutdown waiting
            proc.kill()
            proc.wait(60)
    server_cpu = _children_cpu() - cpu_start - locust_cpu  # the server and its workers, once they have ended
    t, stats = got["times"], got["stats"]
    wall = (t["last"] or 0) - (t["first"] or 0)
    total = stats.get("Aggregated", {})
    requests_n, failures = int(total.get("Request Count", 0)), int(total.get("Failure Count", 0))
    label = f"district {devices:,} devices, {workers} worker{'s' if workers > 1 else ''}"
    one = baseline or {}
    served = t.get("served", 0)  # signed in, pulled and pushed without an error
    report.add(f"{label}: devices/s", served / wall, "dev/s",
               baseline=one.get("devices_s"), baseline_label="1 worker" if baseline else "")  # fmt: skip
    report.add(f"{label}: requests/s", requests_n / wall, "req/s",
               baseline=one.get("requests_s"), baseline_label="1 worker" if baseline else "")  # fmt: skip
    for name in ("login", "pull", "push"):
        row = stats.get(name)
        if row:
            print(f"    {name:<6} n={int(row['Request Count']):>6}  errors={int(row['Failure Count']):>4}  "
                  f"p50 {row['50%']:>6} ms  p95 {row['95%']:>6} ms  p99 {row['99%']:>6} ms", flush=True)  # fmt: skip
    report.add(f"{label}: errors (failed tries; a device tries a request up to 4 times)", failures, "", target="0")
    print(f"    tried again after an error: {t.get('retries', 0)} requests", flush=True)
    print(f"    CPU: server processes {server_cpu:.0f} s ({server_cpu / max(served, 1) * 1000:.0f} ms a device served), "
          f"locust {locust_cpu:.0f} s; PostgreSQL not counted; load average {_load():.1f}", flush=True)  # fmt: skip
    report.add(f"{label}: devices not served (an error, or a request past locust's 600 s timeout)", devices - served, "",
               target="0")  # fmt: skip
    return {"devices_s": served / wall, "requests_s": requests_n / wall, "per_device_ms": wall / max(served, 1) * 1000}


def run(report, scale: str) -> None:
    if not pgtemp.available():
        print("PostgreSQL 15 binaries not found: district figures skipped", flush=True)
        return
    if importlib.util.find_spec("locust") is None:  # not imported here: it patches the standard library (gevent)
        print("locust is not installed (pip install -e '.[bench]'): district figures skipped", flush=True)
        return
    sizes = [200] if scale == "small" else [200, 2000]
    if os.environ.get("GRIDWORKER_DISTRICT_SIZES"):  # e.g. "2000": some sizes only
        sizes = [int(n) for n in os.environ["GRIDWORKER_DISTRICT_SIZES"].split(",")]
    folder = Path(tempfile.mkdtemp(prefix="gw-district-"))
    try:
        with pgtemp.TempCluster(max_connections=400) as cluster:
            url = cluster.url(cluster.create_database())
            data = folder / "data"
            seed(data, url, max(sizes))
            per_device = {}
            for devices in sizes:
                one = _one(report, data, url, folder, devices, 1, None)
                four = _one(report, data, url, folder, devices, 4, one)
                per_device[devices] = (one["per_device_ms"], four["per_device_ms"])
            if len(sizes) > 1:
                small, large = sizes
                for i, workers in enumerate((1, 4)):
                    report.add(f"district time per device, {large:,} vs {small:,} devices, {workers} worker(s)",
                               per_device[large][i], "ms", baseline=per_device[small][i],
                               baseline_label=f"{small:,} devices")  # fmt: skip
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    from benchmarks.common import Report

    run(Report(), sys.argv[1] if len(sys.argv) > 1 else "small")
