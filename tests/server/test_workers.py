"""Several server processes on one database (issue 14, item 7): nothing that matters is held in one process.

- the blob collection runs once per period for all the processes, not once per process;
- a collection and an upload of the same blob, in different processes, never leave a
  registered blob without its file;
- two real server processes on PostgreSQL (one of them `serve --workers 2`): a login
  lockout counted on one holds on the other, and pushes through both number the feed
  without a gap while a puller that goes from one to the other misses nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, suppress
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from gridworker.domain import hlc
from gridworker.server.core import blob_usage
from gridworker.server.core.config import BlobPolicy
from gridworker.server.core.schema import blobs, changes

from .conftest import PASSWORD, build_world, make_server, wait_for
from .test_blob_quota import blob, put, stored

H = {"X-Gridworker-Schema": "1", "Accept-Language": "en"}


def test_one_collection_round_for_all_the_processes_on_a_database(backend, pg_cluster, tmp_path, monkeypatch):
    url = pg_cluster.url(pg_cluster.fresh_database()) if backend == "postgresql" else None
    rounds = []
    real = blob_usage.collect
    monkeypatch.setattr(blob_usage, "collect", lambda *a, **kw: rounds.append(1) or real(*a, **kw))
    policy = BlobPolicy(collect_every_s=3600)
    apps = [make_server(tmp_path / "data", url, blob_policy=policy)[0] for _ in range(3)]  # three processes' worth
    with ExitStack() as stack:
        for app in apps:
            stack.enter_context(TestClient(app))
        time.sleep(1.5)  # every process has started its collector and asked
    for app in apps:
        app.state.gw.db.dispose()
    assert rounds == [1]
    # Once the period has passed, the first process to ask runs the next round.
    first = apps[0].state.gw.db
    assert not blob_usage.claim_round(first, 3600)
    assert blob_usage.claim_round(first, 3600, now=time.time() + 3601)
    assert not blob_usage.claim_round(first, 3600, now=time.time() + 3602)
    first.dispose()


def test_a_collection_never_deletes_the_file_of_an_upload_that_put_it_back(world):
    w1 = world.api("w1")
    data = blob(16 * 1024)
    sha = hashlib.sha256(data).hexdigest()
    assert put(w1, data).status_code == 201
    gw = world.app.state.gw
    with gw.db.write() as conn:  # uploaded long ago and never named by a photo: collectable
        conn.execute(update(blobs).where(blobs.c.sha256 == sha).values(created_at=time.time() - 30 * 24 * 3600))
    deleting, results = threading.Event(), {}
    real_remove = gw.blobs.remove

    def slow_remove(value):
        deleting.set()
        time.sleep(1.0)  # the upload below comes in while this collection is deleting the blob
        return real_remove(value)

    def upload_again():
        deleting.wait(30)
        results["status"] = put(w1, data).status_code

    gw.blobs.remove = slow_remove
    try:
        uploader = threading.Thread(target=upload_again)
        uploader.start()
        done = blob_usage.collect(gw.db, gw.blobs, gw.settings.blob_policy)
        uploader.join(30)
    finally:
        gw.blobs.remove = real_remove
    assert done.blobs == 1 and results["status"] == 201
    with gw.db.read() as conn:
        assert conn.execute(select(blobs.c.sha256).where(blobs.c.sha256 == sha)).first() is not None
    assert stored(world, sha)  # registered again and on disk: never a row without its file
    assert w1.request("GET", f"/blobs/{sha}").content == data


# -- two real server processes on PostgreSQL -------------------------------------------------------
def _serve(data: Path, url: str, port: int, workers: int, log: Path) -> subprocess.Popen:
    env = os.environ | {"GRIDWORKER_DATABASE_URL": url, "GRIDWORKER_LANG": "en"}
    cmd = [sys.executable, "-m", "gridworker.server.admin.cli", "serve", "--data", str(data), "--host", "127.0.0.1",
           "--port", str(port), "--workers", str(workers)]  # fmt: skip
    return subprocess.Popen(cmd, env=env, stdout=open(log, "ab"), stderr=subprocess.STDOUT)


def _up(base: str, proc: subprocess.Popen, log: Path) -> None:
    def ready():
        assert proc.poll() is None, log.read_text(errors="replace")[-3000:]
        try:
            return requests.get(base + "/health", timeout=1).ok
        except requests.RequestException:
            return False

    assert wait_for(ready, timeout=90, interval=0.2), log.read_text(errors="replace")[-3000:]


@pytest.fixture
def two_servers(pg_cluster, tmp_path):
    if pg_cluster is None:
        pytest.skip("PostgreSQL 15 binaries not found")
    url = pg_cluster.url(pg_cluster.fresh_database())
    data = tmp_path / "data"
    app, _settings = make_server(data, url)
    area_ids, _users = build_world(app)
    app.state.gw.db.dispose()
    procs, bases = [], []
    try:
        for workers in (2, 1):  # one `serve --workers 2`, one plain `serve`: three processes in all
            port, log = _free_port(), tmp_path / f"serve-{workers}.log"
            procs.append((_serve(data, url, port, workers, log), log))
            bases.append(f"http://127.0.0.1:{port}/api/v1")
        for (proc, log), base in zip(procs, bases):
            _up(base, proc, log)
        yield bases, area_ids, url
    finally:
        for proc, _log in procs:
            proc.terminate()
        for proc, _log in procs:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()


def _free_port() -> int:
    from tests.pgtemp import free_port

    return free_port()


def _login(base: str, username: str, password: str, device: str = "dev"):
    # A new connection each time: with `--workers 2` the kernel hands each to either worker.
    return requests.post(base + "/auth/login", json={"username": username, "password": password, "device_id": device},
                         headers=H | {"Connection": "close"}, timeout=30)  # fmt: skip


def test_two_server_processes_share_the_login_lockout(two_servers):
    bases, _areas, _url = two_servers
    answers = []
    for attempt in range(12):  # wrong passwords, alternating between the processes
        r = _login(bases[attempt % 2], "w2", "wrong-password")
        answers.append(r.status_code)
        if r.status_code == 429:
            break
    # The first 5 are free; the 6th must come a second after the 5th and the 7th two seconds after the 6th.
    # Counted per process, the first pause would only come after 10 attempts.
    assert answers[:5] == [401] * 5, answers
    assert answers[-1] == 429 and len(answers) <= 7, answers
    # The other process makes the same user wait, even with the right password.
    other = _login(bases[len(answers) % 2], "w2", PASSWORD)
    assert other.status_code == 429 and int(other.headers["Retry-After"]) >= 1, other.text


def _session(base: str, username: str, device: str) -> requests.Session:
    http = requests.Session()
    r = _login(base, username, PASSWORD, device)
    r.raise_for_status()
    http.headers.update(H | {"Authorization": "Bearer " + r.json()["token"]})
    return http


def test_pushes_through_two_processes_number_one_feed_that_a_puller_never_skips(two_servers):
    bases, areas, url = two_servers
    pushers = [(_session(bases[i], "w1", f"pusher-{i}"), bases[i], f"pusher-{i}") for i in range(2)]
    sent: list[set[str]] = [set(), set()]

    def push_all(i: int) -> None:
        http, base, device = pushers[i]
        clock = None
        for _batch in range(15):
            mutations = []
            for _ in range(20):
                clock = hlc.tick(clock, device)
                rid = str(uuid.uuid4())
                sent[i].add(rid)
                mutations.append({"mutation_id": str(uuid.uuid4()), "entity": "person", "id": rid, "op": "upsert",
                                  "base_version": None, "fields": {"area_id": areas["G1"], "name": "张三", "gender": "male"},
                                  "hlc": str(clock)})  # fmt: skip
            r = http.post(base + "/sync/push", json={"device_id": device, "mutations": mutations}, timeout=60)
            assert r.status_code == 200 and all(x["status"] == "applied" for x in r.json()["results"]), r.text

    readers = [_session(base, "disp", "reader") for base in bases]
    seen: set[str] = set()
    cursor, turn = None, 0

    def pull_once() -> bool:
        nonlocal cursor, turn
        params = {"limit": 50} | ({"cursor": cursor} if cursor else {})
        r = readers[turn % 2].get(bases[turn % 2] + "/sync/pull", params=params, timeout=60)  # each page from the other process
        turn += 1
        assert r.status_code == 200, r.text
        body = r.json()
        seen.update(c["id"] for c in body["changes"] if c["entity"] == "person")
        cursor = body["cursor"]
        return body["has_more"]

    with ThreadPoolExecutor(2) as pool:
        futures = [pool.submit(push_all, i) for i in range(2)]
        while not all(f.done() for f in futures):
            pull_once()
        for f in futures:
            f.result()
    while pull_once():
        pass
    assert sent[0] | sent[1] <= seen  # the cursor never stepped over a change that committed late
    from gridworker.server.core.db import Database

    db = Database(url)
    try:
        with db.read() as conn:
            count, low, high = conn.execute(select(func.count(), func.min(changes.c.seq), func.max(changes.c.seq))).one()
    finally:
        db.dispose()
    assert (low, high) == (1, count)  # one numbering for every process: no gap, no repeat


def test_a_burst_of_sign_ins_does_not_hold_up_the_other_requests(tmp_path):
    """Sign-ins wait for argon2 (two at a time per process) without taking the threads that pushes and pulls need."""
    data = tmp_path / "data"
    app, _settings = make_server(data, None)
    app.state.gw.db.dispose()
    port, log = _free_port(), tmp_path / "serve.log"
    env = os.environ.copy()
    env.pop("GRIDWORKER_KDF", None)  # argon2 at its real cost, as in production
    cmd = [sys.executable, "-m", "gridworker.server.admin.cli", "serve", "--data", str(data), "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, stdout=open(log, "ab"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/api/v1"
    burst = 80  # twice the server's thread pool
    try:
        _up(base, proc, log)
        finished = []

        def sign_in(i: int) -> None:
            # Unknown names from addresses of their own (nginx passes them on): argon2 runs, no limit applies.
            r = requests.post(base + "/auth/login", json={"username": f"nobody{i}", "password": "x", "device_id": "d"},
                              headers=H | {"X-Forwarded-For": f"10.0.{i // 250}.{i % 250 + 1}"}, timeout=300)  # fmt: skip
            finished.append(r.status_code)

        with ThreadPoolExecutor(burst) as pool:
            futures = [pool.submit(sign_in, i) for i in range(burst)]
            time.sleep(1.0)  # all of them sent and waiting
            r = requests.get(base + "/health", timeout=300)
            pending_when_answered = burst - len(finished)
            for f in futures:
                f.result()
        assert r.status_code == 200
        assert finished == [401] * burst
        # Answered while (nearly) every sign-in still waited its turn; queued behind them, it would
        # have waited until at least half of them were done.
        assert pending_when_answered > burst * 3 // 4, pending_when_answered
    finally:
        proc.terminate()
        proc.wait(30)


def _children(pid: int) -> set[int]:
    """uvicorn's worker processes (not multiprocessing's resource tracker)."""
    found = set()
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        try:
            if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes():
                found.add(int(child))
        except OSError:
            pass
    return found


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc and SIGSTOP (Linux)")
def test_a_worker_busy_for_several_seconds_is_not_killed(pg_cluster, tmp_path):
    """uvicorn kills a worker that misses its 5 s health check: under a burst of sign-ins (argon2 on every
    core) that dropped the requests in flight on it. `serve` gives a worker a minute."""
    import signal

    if pg_cluster is None:
        pytest.skip("PostgreSQL 15 binaries not found")
    url = pg_cluster.url(pg_cluster.fresh_database())
    data = tmp_path / "data"
    app, _settings = make_server(data, url)
    app.state.gw.db.dispose()
    port, log = _free_port(), tmp_path / "serve.log"
    proc = _serve(data, url, port, 2, log)
    try:
        base = f"http://127.0.0.1:{port}/api/v1"
        _up(base, proc, log)
        assert wait_for(lambda: len(_children(proc.pid)) >= 2, timeout=30)
        workers = _children(proc.pid)
        stalled = min(workers)
        os.kill(stalled, signal.SIGSTOP)  # as unresponsive as a worker whose cores are all taken
        time.sleep(9)
        with suppress(ProcessLookupError):  # killed and replaced meanwhile: the assertion below says so
            os.kill(stalled, signal.SIGCONT)
        time.sleep(2)
        assert _children(proc.pid) == workers, log.read_text(errors="replace")[-2000:]
        assert "died" not in log.read_text(errors="replace")
    finally:
        proc.terminate()
        proc.wait(30)


def test_a_connection_idle_between_pull_and_push_is_still_open_for_the_push(two_servers):
    """A device's push goes out on the connection its pull used, after a pause (a busy device, or nginx's
    upstream keepalive, which keeps idle connections 60 s). uvicorn closes an idle connection after 5 s by
    default: a push sent as it closed was lost with 'connection closed' — a POST is not retried by the
    client's HTTP library (129 pushes of the 2,000-device district run, benchmarks/bench_district.py)."""
    bases, areas, _url = two_servers
    connections = []
    for i, base in enumerate(bases):  # `serve --workers 2` and a plain `serve`
        token = _login(base, "w1", PASSWORD, f"idle-{i}").json()["token"]
        parts = urlsplit(base)
        http = HTTPConnection(parts.hostname, parts.port, timeout=60)
        headers = H | {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
        http.request("GET", parts.path + "/sync/pull?limit=100", headers=headers)
        answer = http.getresponse()
        answer.read()
        assert answer.status == 200
        connections.append((http, parts.path, headers, f"idle-{i}"))
    time.sleep(8)  # idle longer than uvicorn's default keep-alive (5 s)
    for http, path, headers, device in connections:
        mutation = {"mutation_id": str(uuid.uuid4()), "entity": "person", "id": str(uuid.uuid4()), "op": "upsert",
                    "base_version": None, "fields": {"area_id": areas["G1"], "name": "张三", "gender": "male"},
                    "hlc": str(hlc.tick(None, device))}  # fmt: skip
        http.request("POST", path + "/sync/push", body=json.dumps({"device_id": device, "mutations": [mutation]}), headers=headers)
        answer = http.getresponse()  # before: a broken pipe — the server had closed the connection
        assert answer.status == 200 and json.loads(answer.read())["results"][0]["status"] == "applied"
        http.close()
