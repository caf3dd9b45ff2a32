"""Through a proxy that drops, delays and cuts connections: every edit and photo arrives exactly once."""

import os
import random
from collections import Counter

import pytest
import requests
from PIL import Image
from sqlmodel import select

from gridworker import photos
from gridworker.domain.categories import load_categories
from gridworker.domain.fieldwork import Photo
from gridworker.domain.models import Building, Outbox
from gridworker.services import incidents, register

from .helpers import area_ids
from .proxy import Chaos, ChaosProxy
from .server import make_client

ROUNDS = 10
NEW_PER_ROUND = 12
EDITS_PER_ROUND = 12


def noise_jpeg(path, side: int) -> None:
    """A real JPEG of random pixels: it barely compresses, so its size is close to side² · 3 · ~0.4."""
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(path, quality=92)


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


def server_head(server, client, sha) -> int:
    headers = {"X-Gridworker-Schema": "1", "Authorization": f"Bearer {server.token('w1a')}"}
    return requests.head(f"{server.url}/api/v1/blobs/{sha}", headers=headers, timeout=10).status_code


def outbox_counts(client) -> Counter:
    with client.store.read() as s:
        return Counter((r.entity, r.record_id) for r in s.exec(select(Outbox).where(Outbox.state == "sent")))


@pytest.mark.slow
def test_edits_and_photos_arrive_exactly_once_through_a_bad_network(server, gridworker_home, tmp_path):
    proxy = ChaosProxy(server.port, seed=7)
    client = _through(proxy, server, gridworker_home)
    try:
        client.sync_ok()
        g1 = area_ids(client)["G1"]
        rng = random.Random(3)
        proxy.chaos = Chaos(drop=0.2, cut=0.05, delay=0.2)
        buildings: list[str] = []
        for r in range(ROUNDS):
            for i in range(NEW_PER_ROUND):
                buildings.append(register.register_building(client.store, {"name": f"{r}-{i}号楼", "area_id": g1}).id)
            for bid in rng.sample(buildings, min(EDITS_PER_ROUND, len(buildings))):
                register.update_building(client.store, bid, {"notes": f"第{r}轮 {rng.random():.6f}"})
            if r % 3 == 0:
                report_with_photos(client, tmp_path, [240, 320], f"r{r}")
            client.sync()  # may fail half-way: the next one carries on
        report_with_photos(client, tmp_path, [2048], "big")
        for _ in range(15):
            if client.sync().complete:
                break
        proxy.chaos = Chaos()
        client.sync_ok()
        assert proxy.stats.cut + proxy.stats.dropped >= 5  # the network really was bad

        on_server = server.records("w1a")
        sent = outbox_counts(client)
        with client.store.read() as s:
            assert s.exec(select(Outbox).where(Outbox.state != "sent")).all() == []
            local = {b.id: b for b in s.exec(select(Building))}
            shas = {p.sha256 for p in s.exec(select(Photo))}
        for bid in buildings:
            remote = on_server[("building", bid)]
            assert remote["data"].get("notes") == local[bid].notes and remote["data"]["name"] == local[bid].name
            # Each mutation changes the record: one version per mutation means none was applied twice.
            assert remote["version"] == sent[("building", bid)]
        assert len(shas) == 9
        for sha in shas:
            assert server_head(server, client, sha) == 200
        other = make_client(gridworker_home, server, "w1b")
        other.sync_ok()
        for sha in shas:
            assert photos.has_thumbnail(other.account.photos_dir, sha)
            path = other.engine.fetch_original(sha)  # checked against its hash on the way in
            assert path.read_bytes() == photos.read_bytes(client.account.photos_dir, sha)
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
        assert other.engine.fetch_original(photo.sha256).read_bytes() == photos.read_bytes(client.account.photos_dir, photo.sha256)
        other.close()
    finally:
        proxy.close()
        client.close()
