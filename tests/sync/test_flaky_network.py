"""Through a proxy that drops, delays and cuts connections: every edit and photo arrives exactly once.

The proxy's generator is seeded (printed; GRIDWORKER_TEST_SEED repeats the
edits and the proxy's draws, though not the timing of what it cuts).
"""

import hashlib
import os
import random

import pytest
import requests
from PIL import Image
from sqlmodel import select

from gridworker import photos
from gridworker.domain.categories import load_categories
from gridworker.domain.fieldwork import Photo
from gridworker.services import incidents
from gridworker.sync import link, transport
from gridworker.sync.backoff import Backoff
from gridworker.sync.blobs import CHUNK, BlobQueue
from gridworker.sync.errors import Offline
from gridworker.sync.transport import Transport

from .helpers import RandomEdits, area_ids, assert_each_edit_sent_once
from .proxy import Chaos, ChaosProxy
from .server import make_client

ROUNDS = 25
EDITS_PER_ROUND = 40  # 1,000 edits
PHOTOS_PER_ROUND = 2  # 50 photos
MIB = 1024 * 1024


def noise_jpeg(path, side: int, rng: random.Random | None = None) -> None:
    """A real JPEG of random pixels: it barely compresses, so its size is close to side² · 3 · ~0.4."""
    pixels = rng.randbytes(side * side * 3) if rng else os.urandom(side * side * 3)
    Image.frombytes("RGB", (side, side), pixels).save(path, quality=92)


def report_with_photos(client, tmp_path, sides, name):
    files = []
    for i, side in enumerate(sides):
        f = tmp_path / f"{name}-{i}.jpg"
        noise_jpeg(f, side)
        files.append(f)
    entry = client.account.info["server"]
    category = next(c.code for c in load_categories() if c.parent_code)
    return incidents.report_incident(
        client.store, client.account.photos_dir, reporter_id=entry["user_id"], reporter_role=entry["role"],
        category=category, description=f"测试事件 {name}", photos=files, area_id=area_ids(client)["G1"],
    )  # fmt: skip


def server_head(server, client, sha, token: str | None = None) -> int:
    headers = {"X-Gridworker-Schema": "1", "Authorization": f"Bearer {token or server.token('w1a')}"}
    return requests.head(f"{server.url}/api/v1/blobs/{sha}", headers=headers, timeout=10).status_code


def photo_files(tmp_path, rng: random.Random, name: str) -> list:
    """Noise JPEGs of a few hundred kB; one in eight over 1 MiB, so its upload takes several chunks."""
    files = []
    for i in range(PHOTOS_PER_ROUND):
        f = tmp_path / f"{name}-{i}.jpg"
        noise_jpeg(f, 1100 if rng.random() < 0.125 else rng.randint(200, 600), rng)
        files.append(f)
    return files


@pytest.mark.slow
def test_1000_edits_and_50_photos_arrive_exactly_once_through_a_bad_network(server, gridworker_home, tmp_path, monkeypatch):
    # Retries wait a twentieth of their usual pauses: what counts here is what they send, not how long they wait.
    monkeypatch.setattr(transport, "Backoff", lambda base, cap: Backoff(base=base / 20, cap=cap / 20))
    seed = int(os.environ.get("GRIDWORKER_TEST_SEED") or random.SystemRandom().randrange(2**32))
    print(f"seed {seed}: GRIDWORKER_TEST_SEED={seed} repeats these edits and the proxy's draws")
    rng = random.Random(seed)
    proxy = ChaosProxy(server.port, seed=seed)
    client = _through(proxy, server, gridworker_home)
    try:
        client.sync_ok()
        edits = RandomEdits(rng, area_ids(client)["G1"], client.account.info["server"]["user_id"])
        proxy.chaos = Chaos(drop=0.2, cut=0.05, delay=0.2)
        photo_ids: list[str] = []
        for r in range(ROUNDS):
            for _ in range(EDITS_PER_ROUND // 10):
                edits.edit(client.store, 10)
            photo_ids += edits.visit_with_photos(client.store, client.account.photos_dir, photo_files(tmp_path, rng, f"r{r}"))
            client.sync()  # may fail half-way: the next one carries on
        for _ in range(15):
            if client.sync().complete:
                break
        proxy.chaos = Chaos()
        client.sync_ok()
        print(f"proxy: {proxy.stats.connections} connections, {proxy.stats.dropped} dropped, {proxy.stats.cut} cut")
        assert proxy.stats.cut >= 10 and proxy.stats.dropped >= 3  # the network really was bad

        assert_each_edit_sent_once(client.store, server, edits)
        with client.store.read() as s:
            shas = {p.sha256 for p in s.exec(select(Photo).where(Photo.id.in_(photo_ids)))}
        assert len(shas) == ROUNDS * PHOTOS_PER_ROUND
        token = server.token("w1a")
        for sha in shas:
            assert server_head(server, client, sha, token) == 200
        other = make_client(gridworker_home, server, "w1b")
        other.sync_ok()
        for sha in shas:
            assert photos.has_thumbnail(other.account.photos_dir, sha)
            other.engine.fetch_original(sha)  # checked against its hash on the way in
            assert photos.read_bytes(other.account.photos_dir, sha) == photos.read_bytes(client.account.photos_dir, sha)
        other.close()
    finally:
        proxy.close()
        client.close()


def _through(proxy, server, home):
    """A client of w1a that reaches the server through the proxy."""
    client = make_client(home, server, "w1a")
    client.account.info["server"]["url"] = proxy.url
    client.account.save_info()
    return client


def _received(server, sha) -> int:
    headers = {"X-Gridworker-Schema": "1", "Authorization": f"Bearer {server.token('w1a')}"}
    return requests.get(f"{server.url}/api/v1/blobs/{sha}/upload", headers=headers, timeout=10).json()["received"]


def test_an_interrupted_upload_resumes_where_the_server_stopped(server, gridworker_home, tmp_path, monkeypatch):
    proxy = ChaosProxy(server.port)
    client = _through(proxy, server, gridworker_home)
    try:
        client.sync_ok()
        incident = report_with_photos(client, tmp_path, [2048], "resume")
        with client.store.read() as s:
            [photo] = s.exec(select(Photo).where(Photo.entity_id == incident.id)).all()
        assert photo.bytes > 2 * 1024 * 1024  # several chunks
        # The next connection dies 1.5 MiB into what it sends (inside the second chunk), and the network stays down.
        client.engine.close()
        proxy.cut_upstream_after, proxy.down_after_cut = 1536 * 1024, True
        first = client.sync()
        assert first.error is not None and first.error.code == "offline" and first.photos_waiting == 1
        assert first.pushed == 3  # the records went; only the file is left
        stopped_at = _received(server, photo.sha256)
        assert 0 < stopped_at < photo.bytes

        starts: list[int] = []
        real_chunks = photos.iter_chunks

        def spy(photos_dir, sha, start=0, chunk_size=photos.storage.CHUNK):
            starts.append(start)
            return real_chunks(photos_dir, sha, start, chunk_size)

        monkeypatch.setattr(photos, "iter_chunks", spy)
        proxy.down = False
        before = proxy.stats.bytes_up
        client.sync_ok()
        assert starts == [stopped_at]
        assert proxy.stats.bytes_up - before < photo.bytes - stopped_at + 64 * 1024  # nothing sent twice
        assert _received(server, photo.sha256) == photo.bytes or server_head(server, client, photo.sha256) == 200
        other = make_client(gridworker_home, server, "w1b")
        other.sync_ok()
        other.engine.fetch_original(photo.sha256)
        assert photos.read_bytes(other.account.photos_dir, photo.sha256) == photos.read_bytes(client.account.photos_dir, photo.sha256)
        other.close()
    finally:
        proxy.close()
        client.close()


def test_an_interrupted_15_mib_upload_resumes_where_it_stopped(server, gridworker_home):
    """A raw 15 MiB blob (bigger than any stored photo) through the client's uploader, cut half-way."""
    proxy = ChaosProxy(server.port)
    client = _through(proxy, server, gridworker_home)
    try:
        client.sync_ok()
        blob = b"\xff\xd8\xff" + os.urandom(15 * MIB - 3)  # starts like a JPEG: the server takes only those
        sha = hashlib.sha256(blob).hexdigest()
        photos.storage.store_file(client.account.photos_dir, sha, blob)  # encrypted on disk, plain on the wire
        _, token = link.require_link(client.account, client.store)

        def uploader() -> BlobQueue:  # a new connection each time, as after a restart
            http = Transport(proxy.url, token, attempts=2, sleep=lambda _s: None)
            return BlobQueue(client.store, http, client.account.photos_dir)

        # The first connection dies 7.5 MiB into what it sends (inside the 8th chunk); the network stays down.
        cut_at = 7 * MIB + MIB // 2
        proxy.cut_upstream_after, proxy.down_after_cut = cut_at, True
        with pytest.raises(Offline):
            uploader().upload(sha)
        stopped_at = _received(server, sha)
        assert stopped_at == cut_at // CHUNK * CHUNK  # the whole chunks before the cut; the cut one was dropped

        proxy.down = False
        before = proxy.stats.bytes_up
        assert uploader().upload(sha)
        sent = proxy.stats.bytes_up - before
        rest = len(blob) - stopped_at
        assert rest <= sent < rest + 64 * 1024  # only the rest went again (plus the requests' headers)
        stored = server.data / "blobs" / sha[:2] / sha[2:4] / sha
        assert hashlib.sha256(stored.read_bytes()).hexdigest() == sha
    finally:
        proxy.close()
        client.close()
