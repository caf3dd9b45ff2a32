"""50 clients push 200 mutations each at once to a real server process; nothing is lost or doubled,
and every client ends with the same data — on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from gridworker.domain import hlc

from .conftest import PASSWORD, build_world, free_port, make_server, wait_for

CLIENTS = 50
PER_CLIENT = 200
BATCH = 50
SHARED = 5  # buildings every client edits: the same fields, so the merge must pick one winner each


@pytest.fixture(scope="module")
def live_server(backend, pg_cluster, tmp_path_factory):
    """`gridworker-server serve` in its own process on a free loopback port."""
    data = tmp_path_factory.mktemp(f"live-{backend}")
    url, name = None, None
    if backend == "postgresql":
        name = pg_cluster.fresh_database()
        url = pg_cluster.url(name)
    app, _settings = make_server(data, url)
    area_ids, _users = build_world(app)
    app.state.gw.db.dispose()
    port = free_port()
    env = os.environ | {"GRIDWORKER_KDF": "fast", "GRIDWORKER_LANG": "en"}
    if url:
        env["GRIDWORKER_DATABASE_URL"] = url
    log = open(data / "server.log", "wb")  # a file, not a pipe: a full pipe would stall the server
    proc = subprocess.Popen(
        [sys.executable, "-m", "gridworker.server.admin.cli", "serve", "--data", str(data), "--port", str(port)],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}/api/v1"

    def up():
        try:
            return requests.get(base + "/health", timeout=1).status_code == 200
        except requests.RequestException:
            return proc.poll() is not None

    assert wait_for(up, timeout=60) and proc.poll() is None, (data / "server.log").read_text()
    yield base, area_ids
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()
    if name:
        pg_cluster.drop(name)


class Client:
    def __init__(self, base: str, n: int):
        self.base = base
        self.http = requests.Session()
        self.device = f"client-{n:02d}"
        r = self.http.post(base + "/auth/login", json={"username": "w1", "password": PASSWORD, "device_id": self.device},
                           headers={"X-Gridworker-Schema": "1"}, timeout=60)  # fmt: skip
        r.raise_for_status()
        self.http.headers.update({"X-Gridworker-Schema": "1", "Authorization": "Bearer " + r.json()["token"]})
        self.clock: hlc.Hlc | None = None
        self.cursor: str | None = None
        self.records: dict[tuple[str, str], dict] = {}

    def mutation(self, record_id: str, fields: dict) -> dict:
        self.clock = hlc.tick(self.clock, self.device)
        return {"mutation_id": str(uuid.uuid4()), "entity": "building", "id": record_id, "op": "upsert",
                "base_version": None, "fields": fields, "hlc": str(self.clock)}  # fmt: skip

    def push(self, mutations: list[dict]) -> list[dict]:
        r = self.http.post(self.base + "/sync/push", json={"device_id": self.device, "mutations": mutations}, timeout=120)
        assert r.status_code == 200, r.text
        return r.json()["results"]

    def pull(self) -> None:
        while True:
            params = {"limit": 1000} | ({"cursor": self.cursor} if self.cursor else {})
            r = self.http.get(self.base + "/sync/pull", params=params, timeout=120)
            assert r.status_code == 200, r.text
            body = r.json()
            for ch in body["changes"]:
                key = (ch["entity"], ch["id"])
                if ch["op"] == "evict":
                    self.records.pop(key, None)
                else:
                    self.records[key] = {"version": ch["version"], "op": ch["op"], **ch["data"]}
            self.cursor = body["cursor"]
            if not body["has_more"]:
                return


def test_fifty_clients_at_once_lose_nothing_and_agree(live_server):
    base, area_ids = live_server
    g1 = area_ids["G1"]
    clients = [Client(base, n) for n in range(CLIENTS)]
    shared = [str(uuid.uuid4()) for _ in range(SHARED)]
    planned: list[list[dict]] = []
    for n, c in enumerate(clients):
        ms = []
        for k in range(PER_CLIENT):
            if k % 4 == 3:  # a quarter are edits of the shared buildings
                ms.append(c.mutation(shared[k % SHARED], {"name": "共享楼", "area_id": g1, "notes": f"{c.device}/{k}"}))
            else:
                ms.append(c.mutation(str(uuid.uuid4()), {"name": f"{n}-{k}", "area_id": g1, "floors": k % 30}))
        planned.append(ms)

    watcher = Client(base, 99)  # pulls while the pushes run
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            watcher.pull()

    def run(i):
        results = []
        for start in range(0, PER_CLIENT, BATCH):
            results += clients[i].push(planned[i][start : start + BATCH])
        return results

    poll = threading.Thread(target=watch)
    poll.start()
    with ThreadPoolExecutor(CLIENTS) as pool:
        all_results = list(pool.map(run, range(CLIENTS)))
    stop.set()
    poll.join()

    statuses = [r["status"] for results in all_results for r in results]
    assert len(statuses) == CLIENTS * PER_CLIENT
    assert set(statuses) <= {"applied", "merged", "conflict"}, {s for s in statuses if s == "rejected"}
    # A replayed push (the answer was lost on the way) changes nothing and answers the same.
    assert clients[0].push(planned[0][:BATCH]) == all_results[0][:BATCH]

    for c in clients + [watcher]:
        c.pull()
    created = {m["id"] for ms in planned for m in ms if m["id"] not in shared}
    buildings = {i for (e, i) in watcher.records if e == "building"}
    assert created | set(shared) <= buildings
    assert len(created) == CLIENTS * PER_CLIENT * 3 // 4
    # Every client, whether it pulled during the storm or only at the end, holds the same data.
    reference = {k: v for k, v in watcher.records.items() if k[0] == "building" and k[1] in created | set(shared)}
    for c in clients:
        assert {k: v for k, v in c.records.items() if k in reference} == reference
    # Each shared building ends with the value of the edit that was latest by HLC.
    for sid in shared:
        writes = [m for ms in planned for m in ms if m["id"] == sid]
        latest = max(writes, key=lambda m: m["hlc"])
        assert reference[("building", sid)]["notes"] == latest["fields"]["notes"]
    for ms in planned:
        for m in ms:
            if m["id"] not in shared:
                assert reference[("building", m["id"])]["version"] == 1  # created once, never doubled
