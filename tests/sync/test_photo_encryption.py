"""Photos are encrypted on the device, yet the server receives the plain normalised JPEG under the same SHA-256."""

from __future__ import annotations

import hashlib
import os

import httpx
from PIL import Image
from sqlmodel import select

from gridworker import photos
from gridworker.domain.categories import load_categories
from gridworker.domain.fieldwork import Photo
from gridworker.services import incidents
from gridworker.store.sync_tables import SyncBlob

from .helpers import new_household


def _report(client, tmp_path, name: str, description: str) -> str:
    _, hh = new_household(client, room=name)
    entry = client.account.info["server"]
    picture = tmp_path / f"{name}.jpg"
    Image.frombytes("RGB", (800, 600), os.urandom(800 * 600 * 3)).save(picture, quality=90)
    category = next(c.code for c in load_categories() if c.parent_code)
    incident = incidents.report_incident(
        client.store, client.account.photos_dir, reporter_id=entry["user_id"], reporter_role=entry["role"],
        category=category, description=description, photos=[picture], household_id=hh.id,
    )  # fmt: skip
    with client.store.read() as s:
        return s.exec(select(Photo).where(Photo.entity_id == incident.id)).one().sha256


def test_the_server_gets_the_plain_jpeg_with_the_same_hash_and_a_damaged_file_is_reported(server, clients, tmp_path):
    a = clients(server, "w1a")
    a.sync_ok()
    sha = _report(a, tmp_path, "601", "路灯不亮")
    on_disk = photos.path_for(a.account.photos_dir, sha).read_bytes()
    assert not on_disk.startswith(b"\xff\xd8\xff") and hashlib.sha256(on_disk).hexdigest() != sha
    a.sync_ok()
    got = httpx.get(
        f"{server.url}/api/v1/blobs/{sha}",
        headers={"Authorization": f"Bearer {server.token('disp')}", "X-Gridworker-Schema": "1"}, timeout=60,
    )  # fmt: skip
    assert got.status_code == 200
    assert got.content.startswith(b"\xff\xd8\xff") and hashlib.sha256(got.content).hexdigest() == sha
    assert got.content == photos.read_bytes(a.account.photos_dir, sha)

    # A file altered on disk before its upload: the round goes on, the photo is marked failed with a reason.
    bad = _report(a, tmp_path, "602", "井盖破损")
    path = photos.path_for(a.account.photos_dir, bad)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    result = a.engine.sync_once()
    assert result.error is None
    with a.store.read() as s:
        row = s.exec(select(SyncBlob).where(SyncBlob.sha256 == bad, SyncBlob.kind == "upload")).one()
    assert row.state == "failed" and "damaged" in (row.last_error or "")
    head = httpx.head(
        f"{server.url}/api/v1/blobs/{bad}", headers={"Authorization": f"Bearer {server.token('disp')}", "X-Gridworker-Schema": "1"}
    )
    assert head.status_code == 404  # nothing altered reached the server


def test_the_apps_sync_child_process_reads_and_writes_the_encrypted_files(server, clients, tmp_path):
    """The GUI syncs in a child process that opens the database itself: it must get the photo key too."""
    from gridworker.sync.process import SyncProcess

    a, b = clients(server, "w1a"), clients(server, "w1b")
    a.sync_ok()
    sha = _report(a, tmp_path, "603", "树枝挡路")
    child_a, child_b = SyncProcess(a.account, a.store), SyncProcess(b.account, b.store)
    try:
        result = child_a.sync_now()
        assert result.error is None and result.complete and result.photos_waiting == 0
        head = httpx.head(
            f"{server.url}/api/v1/blobs/{sha}", headers={"Authorization": f"Bearer {server.token('disp')}", "X-Gridworker-Schema": "1"}
        )
        assert head.status_code == 200
        result = child_b.sync_now()  # b's child downloads the thumbnail and stores it encrypted
        assert result.error is None and result.complete
    finally:
        child_a.close(timeout=10)
        child_b.close(timeout=10)
    thumb = photos.thumb_path_for(b.account.photos_dir, sha)
    assert not thumb.read_bytes().startswith(b"\xff\xd8\xff")
    assert photos.read_bytes(b.account.photos_dir, sha, thumbnail=True).startswith(b"\xff\xd8\xff")
