"""The client sync engine against a real server process on loopback (the server shares this machine's cores).

Figures, each with a raw baseline measured in the same run:

- initial sync of the demo community into an empty account (every record the
  district admin sees: areas, buildings, households, people, memberships);
  baseline: the same pages fetched with plain `requests` plus the same rows
  inserted with stdlib sqlite3 (unencrypted, same tables, one transaction);
- 10,000 `update_person` calls in one transaction (wall, and the process's CPU);
  baseline: the same UPDATEs and outbox INSERTs with stdlib sqlite3, one transaction;
- pushing 10,000 queued edits (`SyncEngine.send`), and the client's CPU for it; baseline: the same number
  of mutations (one field each, on the record's present version, as the
  engine sends them) POSTed with plain `requests` in batches of 500;
- a sync with nothing to do (median of 20); baseline: the two requests such a
  sync makes (an empty pull page, /me), with plain `requests`;
- photo upload throughput (resumable chunks through the blob queue); baseline:
  the same bytes PUT in the same chunks with plain `requests`.
"""

from __future__ import annotations

import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests

from benchmarks.common import Report, timer

SIZES = {"small": 5_000, "full": 50_000}
EDITS = {"small": 2_000, "full": 10_000}
PHOTOS = {"small": 2, "full": 5}
DEMO_USER, DEMO_PASSWORD = "demo_admin", "demo1234"
HEADERS = {"X-Gridworker-Schema": "1"}
RAW_DEVICE = "bench-raw-client"  # the baselines' own device


class Server:
    def __init__(self, data: Path):
        self.data = data
        self.bin = Path(sys.executable).parent / "gridworker-server"
        with __import__("socket").socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def admin(self, *args: str, stdin: str | None = None) -> None:
        subprocess.run([str(self.bin), *args, "--data", str(self.data)], input=stdin, text=True, check=True, capture_output=True)

    def start(self) -> None:
        cmd = [str(self.bin), "serve", "--data", str(self.data), "--port", str(self.port)]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(600):
            try:
                if requests.get(self.url + "/api/v1/health", timeout=1).ok:
                    return
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError("server did not start")

    def stop(self) -> None:
        if self.proc:
            self.proc.terminate()
            self.proc.wait(timeout=30)

    def headers(self, device: str = RAW_DEVICE) -> dict[str, str]:
        body = requests.post(
            self.url + "/api/v1/auth/login", headers=HEADERS, timeout=30,
            json={"username": DEMO_USER, "password": DEMO_PASSWORD, "device_id": device},
        ).json()  # fmt: skip
        return HEADERS | {"Authorization": f"Bearer {body['token']}"}


def run(report: Report, scale: str) -> None:
    os.environ.setdefault("GRIDWORKER_KDF", "fast")
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(Path(tmp) / "server")
        server.admin("init", "--password-stdin", stdin="bench-admin-1\n")
        server.admin("demo-seed", "--persons", str(SIZES[scale]))
        server.start()
        try:
            _bench(report, scale, server, Path(tmp))
        finally:
            server.stop()


def _bench(report: Report, scale: str, server: Server, tmp: Path) -> None:
    from gridworker.store import AccountManager
    from gridworker.sync import link
    from gridworker.sync.engine import SyncEngine

    pages, http_s = _raw_pull(server)
    records = sum(len(p["changes"]) for p in pages)
    sqlite_s = _raw_insert(tmp / "raw.db", pages)
    report.add(f"sync: raw HTTP GET of the {len(pages)} pull pages", http_s, "s")
    accounts = AccountManager(tmp / "home")
    accounts.create("bench", "bench-password")
    account, store = accounts.open("bench", "bench-password")
    try:
        link.login(account, store, server.url, DEMO_USER, DEMO_PASSWORD)
        engine = SyncEngine(account, store)
        with timer() as first:
            result = engine.sync_once()
        assert result.complete, result
        report.add(
            f"sync: initial sync of {SIZES[scale]} people ({records} records) into an empty account", first["s"], "s",
            baseline=http_s + sqlite_s, baseline_label="requests GET of the pages + stdlib sqlite3 insert of the rows",
            target="< 7 s for 50,000 people",
        )  # fmt: skip
        _bench_push(report, scale, server, engine, store, tmp)
        _bench_idle(report, server, engine)
        _bench_photos(report, scale, server, engine, account, store, tmp)
        engine.close()
    finally:
        store.close()


def _raw_pull(server: Server) -> tuple[list[dict], float]:
    headers, session, pages, cursor = server.headers(), requests.Session(), [], None
    with timer() as t:
        while True:
            params = {"limit": 1000} | ({"cursor": cursor} if cursor else {})
            body = session.get(server.url + "/api/v1/sync/pull", params=params, headers=headers, timeout=60).json()
            pages.append(body)
            cursor = body["cursor"]
            if not body["has_more"]:
                break
    return pages, t["s"]


def _raw_insert(path: Path, pages: list[dict]) -> float:
    """Stdlib sqlite3: the pulled records as rows of their tables (data as JSON text), one transaction."""
    import json

    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    by_entity: dict[str, list[tuple]] = {}
    for page in pages:
        for c in page["changes"]:
            by_entity.setdefault(c["entity"], []).append((c["id"], c["version"], json.dumps(c.get("data"), ensure_ascii=False)))
    for entity in by_entity:
        db.execute(f'CREATE TABLE "{entity}" (id TEXT PRIMARY KEY, version INTEGER, data TEXT)')
    with timer() as t:
        db.execute("BEGIN")
        for entity, rows in by_entity.items():
            db.executemany(f'INSERT OR REPLACE INTO "{entity}" VALUES (?, ?, ?)', rows)
        db.execute("COMMIT")
    db.close()
    return t["s"]


def _bench_push(report: Report, scale: str, server: Server, engine, store, tmp: Path) -> None:
    from sqlmodel import select

    from gridworker.domain.models import Person
    from gridworker.services import register
    from gridworker.services.base import transaction

    n = EDITS[scale]
    with store.read() as s:
        people = list(s.exec(select(Person.id, Person.version).where(Person.deleted == False).limit(2 * n)))  # noqa: E712
    cpu = time.process_time()
    with timer() as edits:
        with transaction(store) as tx:
            for pid, _version in people[:n]:
                register.update_person(tx, pid, {"notes": f"走访备注 {uuid.uuid4().hex[:8]}"})
    edits_cpu = time.process_time() - cpu
    raw_edits = _raw_edits(tmp / "raw-edits.db", [pid for pid, _ in people[:n]])
    report.add(f"sync: {n} update_person in one transaction", edits["s"], "s", baseline=raw_edits,
               baseline_label="stdlib sqlite3: the same UPDATEs and outbox INSERTs, one transaction", target="< 2 s for 10,000")  # fmt: skip
    report.add(f"sync: {n} update_person in one transaction, CPU", edits_cpu, "s")
    cpu = time.process_time()
    with timer() as ours:
        result = engine.send()
    send_cpu = time.process_time() - cpu
    assert result.error is None and result.pushed == n, result
    engine.sync_once()  # take the echo of our own edits, so the next figure starts quiet
    headers, session = server.headers(), requests.Session()
    mutations = [
        {"mutation_id": str(uuid.uuid4()), "entity": "person", "id": pid, "op": "upsert", "base_version": version,
         "fields": {"notes": f"基线 {i}"}, "hlc": f"{int(time.time() * 1000):013d}-{i % 10000:04d}-bench"}
        for i, (pid, version) in enumerate(people[n : 2 * n] or people[:n])
    ]  # fmt: skip
    with timer() as raw:
        for i in range(0, len(mutations), 500):
            resp = session.post(server.url + "/api/v1/sync/push", headers=headers, timeout=120,
                                json={"device_id": RAW_DEVICE, "mutations": mutations[i : i + 500]})  # fmt: skip
            assert resp.ok, resp.text[:500]
    report.add(f"sync: push {n} queued edits", ours["s"], "s", baseline=raw["s"],
               baseline_label=f"requests POST of {len(mutations)} mutations in batches of 500", target="< 2 s for 10,000")  # fmt: skip
    report.add(f"sync: push {n} queued edits, client CPU (the rest of the round is the server)", send_cpu, "s")
    engine.sync_once()


def _raw_edits(path: Path, ids: list[str]) -> float:
    """Stdlib sqlite3 (unencrypted): UPDATE of one text column of N rows and N outbox-like INSERTs, one transaction."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    db.execute("CREATE TABLE IF NOT EXISTS person (id TEXT PRIMARY KEY, version INTEGER, notes TEXT, data TEXT)")
    db.execute("CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY, mutation_id TEXT UNIQUE, record_id TEXT, fields TEXT)")
    db.executemany("INSERT OR REPLACE INTO person VALUES (?, 1, '', '{}')", [(i,) for i in ids])
    with timer() as t:
        db.execute("BEGIN")
        db.executemany("UPDATE person SET notes = ?, version = version WHERE id = ?", [(f"走访备注 {i[:8]}", i) for i in ids])
        db.executemany("INSERT INTO outbox (mutation_id, record_id, fields) VALUES (?, ?, ?)",
                       [(str(uuid.uuid4()), i, f'{{"notes":"走访备注 {i[:8]}"}}') for i in ids])  # fmt: skip
        db.execute("COMMIT")
    db.close()
    return t["s"]


def _bench_idle(report: Report, server: Server, engine) -> None:
    samples = []
    for _ in range(20):
        t = time.perf_counter()
        result = engine.sync_once()
        samples.append(time.perf_counter() - t)
        assert result.complete and result.pulled == 0, result
    headers, session, raw = server.headers(), requests.Session(), []
    cursor = None
    while True:  # a cursor at the end of the feed, as the engine holds
        body = session.get(server.url + "/api/v1/sync/pull", params={"limit": 1000} | ({"cursor": cursor} if cursor else {}),
                           headers=headers, timeout=60).json()  # fmt: skip
        cursor = body["cursor"]
        if not body["has_more"]:
            break
    for _ in range(20):
        t = time.perf_counter()
        session.get(server.url + "/api/v1/sync/pull", params={"limit": 1000, "cursor": cursor}, headers=headers, timeout=10)
        session.get(server.url + "/api/v1/me", headers=headers, timeout=10)
        raw.append(time.perf_counter() - t)
    report.add("sync: a sync with nothing to do (median of 20)", statistics.median(samples) * 1000, "ms",
               baseline=statistics.median(raw) * 1000, baseline_label="requests: one empty pull page + /me",
               target="< 30 ms")  # fmt: skip


def _bench_photos(report: Report, scale: str, server: Server, engine, account, store, tmp: Path) -> None:
    from PIL import Image
    from sqlmodel import select

    from gridworker.domain.fieldwork import Photo
    from gridworker.domain.models import Area
    from gridworker.photos import import_photo
    from gridworker.services.base import transaction
    from gridworker.services.incidents import append_record

    with store.read() as s:
        grid = s.exec(select(Area.id).where(Area.level == "grid")).first()
    stored = []
    for i in range(PHOTOS[scale]):
        src = tmp / f"noise-{i}.jpg"
        Image.frombytes("RGB", (2048, 2048), os.urandom(2048 * 2048 * 3)).save(src, quality=92)
        stored.append(import_photo(src, account.photos_dir))
    with transaction(store) as tx:
        for info in stored:
            values = {"area_id": grid, "sha256": info.sha256, "owner_entity": "incident", "entity_id": str(uuid.uuid4()),
                      "width": info.width, "height": info.height, "bytes": info.bytes, "mime": info.mime}  # fmt: skip
            append_record(tx, Photo(**values), values)
    total = sum(info.bytes for info in stored)
    with timer() as ours:
        result = engine.sync_once()
    assert result.complete and result.uploaded == len(stored), result
    headers, session = server.headers(), requests.Session()
    # Fresh hashes, starting like a JPEG as the server requires: it must take every byte again.
    blobs = [b"\xff\xd8\xff" + os.urandom(info.bytes - 3) for info in stored]
    with timer() as raw:
        for data in blobs:
            sha = __import__("hashlib").sha256(data).hexdigest()
            for start in range(0, len(data), 1024 * 1024):
                chunk = data[start : start + 1024 * 1024]
                end = start + len(chunk) - 1
                session.put(f"{server.url}/api/v1/blobs/{sha}", data=chunk, timeout=60,
                            headers=headers | {"Content-Range": f"bytes {start}-{end}/{len(data)}"}).raise_for_status()  # fmt: skip
    mb = total / 1024 / 1024
    report.add(f"sync: photo upload, {len(stored)} photos ({mb:.1f} MiB)", mb / ours["s"], "MiB/s",
               baseline=mb / raw["s"], baseline_label="requests PUT of the same bytes in 1 MiB chunks")  # fmt: skip
