"""GridWorker beside the users' alternative: PouchDB replicating from a CouchDB-protocol server (issue 14, item 6).

Both sides work on the same documents in the same run: the server's demo
community (`gridworker-server demo-seed`, as bench_sync seeds it), every record
of the district admin's pull feed as one JSON document (`_id` "entity:id", the
record's fields at the top level) in a pouchdb-server 4.2.0 on LevelDB, on
loopback. The PouchDB side is pouchdb 9.0.0 on LevelDB in a node process
(benchmarks/peer_pouchdb.js), `batch_size` 1000. Figures, GridWorker's beside
pouchdb's, with "GridWorker / pouchdb speed" (pouchdb's time over ours: above
1 we are faster):

- first sync of every record into an empty account / database, the whole
  process timed: `gridworker sync` after `gridworker login --no-sync`, against
  `node peer_pouchdb.js pull` (`replicate.from`);
- 10,000 local edits pushed, the whole sync round as a process: the edits made
  with `register.update_person` in one transaction, then `gridworker sync`;
  against the same number of person documents changed with one `bulkDocs`,
  then `node peer_pouchdb.js sync` (`db.sync`, both directions). One db.sync
  before the edits, untimed (its time is printed), gives PouchDB's push its
  checkpoint: without it the round would also re-check every pulled document,
  a one-off cost GridWorker does not have. The edits themselves are a figure
  too;
- a sync with nothing to do, in-process, median of 20 after one warm-up:
  `SyncWorker.sync_now()` (the app's and the CLI's path) against `db.sync()` timed inside node;
- the same as a whole process (`gridworker sync` against a node process).

pouchdb-server and pouchdb are installed with npm, pinned, at first use into
a cache folder outside the repository (GRIDWORKER_BENCH_CACHE, else the user
cache folder: ~/.cache/gridworker-bench/pouchdb here). Without node or npm
the benchmark prints one line saying so and is skipped. Full scale runs the
first sync three times (fresh account and database each time) and reports
the medians.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import requests

from benchmarks.bench_sync import DEMO_PASSWORD, DEMO_USER, SIZES, Server
from benchmarks.common import Report, median

EDITS = {"small": 2_000, "full": 10_000}
RUNS = {"small": 1, "full": 3}  # first syncs, each into a fresh account and a fresh local database
IDLE = 20
IDLE_PROCESS = {"small": 3, "full": 5}
PINNED = {"pouchdb": "9.0.0", "pouchdb-server": "4.2.0"}
ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(__file__).resolve().parent / "peer_pouchdb.js"
ACCOUNT, PASSWORD = "bench", "bench password 1"


# -- the pinned npm install, outside the repository ------------------------------------------------------
def cache_dir() -> Path:
    if os.environ.get("GRIDWORKER_BENCH_CACHE"):
        return Path(os.environ["GRIDWORKER_BENCH_CACHE"]) / "pouchdb"
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "gridworker-bench" / "pouchdb"


def _installed(folder: Path) -> bool:
    for name, version in PINNED.items():
        manifest = folder / "node_modules" / name / "package.json"
        try:
            if json.loads(manifest.read_text(encoding="utf-8")).get("version") != version:
                return False
        except (OSError, ValueError):
            return False
    return True


def install(node: str, npm: str) -> tuple[Path | None, str]:
    """The node_modules folder of the pinned install (installing it the first time), or None and why not."""
    folder = cache_dir()
    if _installed(folder):
        return folder / "node_modules", ""
    folder.mkdir(parents=True, exist_ok=True)
    manifest = {"name": "gridworker-bench-pouchdb", "private": True,
                "description": "The CouchDB-protocol peer of `make bench` (benchmarks/bench_peer.py)",
                "dependencies": PINNED}  # fmt: skip
    (folder / "package.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    print(f"peer: installing pouchdb-server {PINNED['pouchdb-server']} and pouchdb {PINNED['pouchdb']} into {folder} "
          "(first use only; about two minutes)", flush=True)  # fmt: skip
    done = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--omit=dev", "--loglevel=error"],
                          cwd=folder, capture_output=True, text=True)  # fmt: skip
    if done.returncode != 0 or not _installed(folder):
        said = (done.stderr or done.stdout).strip().splitlines()
        return None, f"npm install failed in {folder}" + (f": {said[-1]}" if said else "")
    return folder / "node_modules", ""


# -- pouchdb-server, and the node side of each figure ----------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PouchServer:
    def __init__(self, node: str, modules: Path, folder: Path):
        self.node, self.modules, self.folder = node, modules, folder
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        cli = self.modules / "pouchdb-server" / "bin" / "pouchdb-server"
        cmd = [self.node, str(cli), "--host", "127.0.0.1", "--port", str(self.port), "--dir", str(self.folder),
               "--config", str(self.folder / "config.json"), "--no-stdout-logs", "--no-color"]  # fmt: skip
        self.proc = subprocess.Popen(cmd, cwd=self.folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(600):
            if self.proc.poll() is not None:
                raise RuntimeError(f"pouchdb-server exited at start (status {self.proc.returncode})")
            try:
                if requests.get(self.url + "/", timeout=1).ok:
                    return
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError("pouchdb-server did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=30)


def _node(node: str, modules: Path, *args: str) -> tuple[dict, float]:
    """One peer_pouchdb.js command as its own process: its JSON answer and the process's wall time."""
    started = time.perf_counter()
    done = subprocess.run([node, str(SCRIPT), str(modules), *args], capture_output=True, text=True, encoding="utf-8")
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"peer_pouchdb.js {args[0]} failed: {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1]), wall


# -- GridWorker's side: the `gridworker` command, as a user runs it ---------------------------------------
def _env(home: Path) -> dict[str, str]:
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return os.environ | {
        "GRIDWORKER_HOME": str(home), "GRIDWORKER_KDF": "fast", "PYTHONPATH": path, "GRIDWORKER_ACCOUNT": ACCOUNT,
        "GRIDWORKER_PASSWORD": PASSWORD, "GRIDWORKER_SERVER_PASSWORD": DEMO_PASSWORD, "GRIDWORKER_LANG": "en",
    }  # fmt: skip


def _gridworker(env: dict[str, str], *args: str) -> float:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "gridworker.cli", *args], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"gridworker {' '.join(args)} exited {done.returncode}: {(done.stderr or done.stdout).strip()[-2000:]}")
    return wall


def _login(server: Server, home: Path) -> dict[str, str]:
    env = _env(home)
    _gridworker(env, "login", "--server", server.url, "--username", DEMO_USER, "--no-sync")
    return env


# -- the documents ------------------------------------------------------------------------------------
def _documents(server: Server, out: Path) -> tuple[int, int]:
    """Every record of the admin's feed as one JSON document per line; returns (documents, person documents)."""
    headers, session, cursor = server.headers(), requests.Session(), None
    docs = persons = 0
    with open(out, "w", encoding="utf-8") as f:
        while True:
            params = {"limit": 1000} | ({"cursor": cursor} if cursor else {})
            body = session.get(server.url + "/api/v1/sync/pull", params=params, headers=headers, timeout=120).json()
            for c in body["changes"]:
                if c.get("op") == "delete" or c.get("data") is None:
                    continue
                data = {("f" + k if k.startswith("_") else k): v for k, v in c["data"].items()}  # CouchDB reserves "_"
                doc = data | {"_id": f"{c['entity']}:{c['id']}", "entity": c["entity"], "version": c["version"]}
                f.write(json.dumps(doc, ensure_ascii=False) + "\n")
                docs += 1
                persons += c["entity"] == "person"
            cursor = body["cursor"]
            if not body["has_more"]:
                break
    return docs, persons


# -- the run -----------------------------------------------------------------------------------------
def run(report: Report, scale: str) -> None:
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        missing = " and ".join(n for n, p in (("node", node), ("npm", npm)) if not p)
        print(f"peer: skipped — {missing} not found; install Node.js (18 or later, with npm) to compare with PouchDB", flush=True)
        return
    modules, why = install(node, npm)
    if modules is None:
        print(f"peer: skipped — {why}", flush=True)
        return
    os.environ.setdefault("GRIDWORKER_KDF", "fast")
    with tempfile.TemporaryDirectory(prefix="gw-bench-peer-") as tmp:
        tmp = Path(tmp)
        server = Server(tmp / "server")
        server.admin("init", "--password-stdin", stdin="bench-admin-1\n")
        server.admin("demo-seed", "--persons", str(SIZES[scale]))
        server.start()
        pouch = PouchServer(node, modules, tmp / "pouchdb-server")
        try:
            pouch.start()
            _bench(report, scale, server, pouch, node, modules, tmp)
        finally:
            pouch.stop()
            server.stop()


def _speed(ours: float, theirs: float) -> str:
    return f"{theirs / ours:.2f}×" if ours else "inf"


@dataclass
class Run:
    """What each figure needs: both servers, the node install, the scratch folder, the figures so far."""

    report: Report
    scale: str
    server: Server
    node: str
    modules: Path
    remote: str  # the pouchdb-server database
    tmp: Path
    docs: int = 0
    persons: int = 0
    rows: list[tuple[str, float, float, str]] = field(default_factory=list)

    def peer(self, *args: str) -> tuple[dict, float]:
        return _node(self.node, self.modules, *args)

    def add(self, row: str, name: str, ours: float, theirs: float, unit: str, label: str, target: str = "", more: str = ""):
        self.report.add(name, ours, unit, baseline=theirs, baseline_label=label, target=target)
        print(f"    GridWorker / pouchdb speed {_speed(ours, theirs)}{more}", flush=True)
        if row:
            self.rows.append((row, ours, theirs, unit))


def _bench(report: Report, scale: str, server: Server, pouch: PouchServer, node: str, modules: Path, tmp: Path) -> None:
    ndjson = tmp / "documents.ndjson"
    docs, persons = _documents(server, ndjson)
    requests.put(pouch.url + "/bench", timeout=60).raise_for_status()
    run = Run(report, scale, server, node, modules, pouch.url + "/bench", tmp, docs, persons)
    seeded, seed_wall = run.peer("seed", run.remote, str(ndjson))
    assert seeded["doc_count"] == docs, (seeded, docs)
    print(f"peer: {docs} documents ({persons} people) in both servers (pouchdb-server seeded in {seed_wall:.1f} s); the peer: "
          f"pouchdb {PINNED['pouchdb']} on LevelDB ← pouchdb-server {PINNED['pouchdb-server']} on LevelDB, batch_size 1000, "
          "loopback. \"speed\" = pouchdb's time / ours", flush=True)  # fmt: skip
    _first_sync(run)
    _push(run)
    _idle(run)
    print(f"\n    {'figure':<52} {'GridWorker':>12} {'pouchdb':>12}  GridWorker / pouchdb speed")
    for name, ours, theirs, unit in run.rows:
        print(f"    {name:<52} {ours:>10.3f} {unit:<2}{theirs:>10.3f} {unit:<2}  {_speed(ours, theirs)}")
    sys.stdout.flush()


def _first_sync(run: Run) -> None:
    """Whole processes, RUNS times each, alternating so that a busy moment of the machine hits both sides."""
    ours_runs, theirs_runs, inside = [], [], []
    for i in range(RUNS[run.scale]):
        env = _login(run.server, run.tmp / f"home-{i}")
        ours_runs.append(_gridworker(env, "sync"))
        answer, wall = run.peer("pull", run.remote, str(run.tmp / f"local-{i}"))
        assert answer["doc_count"] == run.docs, (answer, run.docs)
        theirs_runs.append(wall)
        inside.append(answer["seconds"])
    more = f"; runs: ours {_fmt(ours_runs)} s, pouchdb {_fmt(theirs_runs)} s (in node: {_fmt(inside)} s)"
    run.add(f"first sync of {run.docs} records (process wall)",
            f"peer: first sync of {run.docs} records, process wall (median of {len(ours_runs)})",
            median(ours_runs), median(theirs_runs), "s", "pouchdb replicate.from, node process",
            target="≥ 4× pouchdb speed", more=more)  # fmt: skip


def _push(run: Run) -> None:
    """N local edits (a figure of their own), then the whole sync round as a process; in home-0 and local-0."""
    n = min(EDITS[run.scale], run.persons)
    # PouchDB's push has no checkpoint yet after a pull: its first db.sync reads the whole local changes feed
    # and asks the server about every pulled document. That one-off cost is printed, not put in the figure.
    answer, wall = run.peer("sync", run.remote, str(run.tmp / "local-0"), "1")
    assert answer["runs"][0]["ok"] and answer["runs"][0]["pushed"] == 0, answer
    print(f"peer: pouchdb's first db.sync after the pull (its push checkpoint, untimed): {wall:.2f} s", flush=True)
    ours = _edit_people(run.tmp / "home-0", n)
    answer, _ = run.peer("edit", str(run.tmp / "local-0"), str(n))
    assert answer["edited"] == n, answer
    run.add("", f"peer: {n} local edits of people, one transaction / one bulkDocs", ours, answer["seconds"], "s",
            "pouchdb bulkDocs, in-process")  # fmt: skip
    ours = _gridworker(_env(run.tmp / "home-0"), "sync")
    answer, theirs = run.peer("sync", run.remote, str(run.tmp / "local-0"), "1")
    assert answer["runs"][0]["pushed"] == n and answer["runs"][0]["ok"], answer
    run.add(f"{n} local edits pushed (whole sync round)", f"peer: {n} local edits pushed, whole sync round as a process",
            ours, theirs, "s", "pouchdb db.sync, node process", target="≥ 2× pouchdb speed",
            more=f" (pouchdb in node: {answer['runs'][0]['seconds']:.2f} s)")  # fmt: skip


def _idle(run: Run) -> None:
    """A sync with nothing to do: in-process (one warm-up round, it takes the echo of the edits, then IDLE), then as a process."""
    ours = _idle_in_process(run.tmp / "home-0") * 1000
    answer, _ = run.peer("sync", run.remote, str(run.tmp / "local-0"), str(IDLE + 1))
    assert all(r["ok"] and r["pushed"] == 0 for r in answer["runs"]), answer
    assert all(r["pulled"] == 0 for r in answer["runs"][1:]), answer
    theirs = statistics.median(r["seconds"] for r in answer["runs"][1:]) * 1000
    run.add("a sync with nothing to do, in-process", f"peer: a sync with nothing to do, in-process (median of {IDLE})",
            ours, theirs, "ms", "pouchdb db.sync timed in node", target="≤ 10 ms")  # fmt: skip
    env, times = _env(run.tmp / "home-0"), IDLE_PROCESS[run.scale]
    ours_walls = [_gridworker(env, "sync") for _ in range(times)]
    theirs_walls = [run.peer("sync", run.remote, str(run.tmp / "local-0"), "1")[1] for _ in range(times)]
    run.add("`gridworker sync` with nothing to do (process wall)",
            f"peer: `gridworker sync` with nothing to do, process wall (median of {times})",
            median(ours_walls), median(theirs_walls), "s", "pouchdb db.sync, node process", target="≤ 0.5 s")  # fmt: skip


def _fmt(samples: list[float]) -> str:
    return ", ".join(f"{s:.2f}" for s in samples)


def _edit_people(home: Path, n: int) -> float:
    """N people edited through the services API in one transaction (as bench_sync does); returns the seconds."""
    from sqlmodel import select

    from gridworker.domain.models import Person
    from gridworker.services import register
    from gridworker.services.base import transaction
    from gridworker.store import AccountManager

    _account, store = AccountManager(home).open(ACCOUNT, PASSWORD)
    try:
        with store.read() as s:
            people = list(s.exec(select(Person.id).where(Person.deleted == False).limit(n)))  # noqa: E712
        started = time.perf_counter()
        with transaction(store) as tx:
            for pid in people:
                register.update_person(tx, pid, {"notes": f"走访备注 {uuid.uuid4().hex[:8]}"})
        return time.perf_counter() - started
    finally:
        store.close()


def _idle_in_process(home: Path) -> float:
    """Median seconds of IDLE quiet rounds of `SyncWorker.sync_now()` — the path the app's sync process and
    `gridworker sync` take (a quiet round is told by sync/probe.py) — after one warm-up round."""
    from gridworker.store import AccountManager
    from gridworker.sync.worker import SyncWorker

    account, store = AccountManager(home).open(ACCOUNT, PASSWORD)
    worker = SyncWorker(account, store, retry=False)
    try:
        warm = worker.sync_now()
        assert warm.complete and warm.pushed == 0, warm
        samples = []
        for _ in range(IDLE):
            started = time.perf_counter()
            result = worker.sync_now()
            samples.append(time.perf_counter() - started)
            assert result.complete and result.pulled == 0 and result.pushed == 0, result
        return statistics.median(samples)
    finally:
        worker.close()
        store.close()
