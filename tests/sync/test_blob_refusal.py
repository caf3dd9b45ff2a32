"""A server that refuses photos for lack of storage (507) is reported clearly, not retried silently (issue 11, item 7)."""

from __future__ import annotations

import os

from PIL import Image
from sqlmodel import select

from gridworker.domain.categories import load_categories
from gridworker.services import incidents
from gridworker.sync.engine import SyncEngine
from gridworker.sync.errors import ServerStorageFull
from gridworker.store.sync_tables import SyncBlob
from gridworker.sync.worker import read_status

from .helpers import new_household


def _report_with_photo(client, tmp_path) -> None:
    _, hh = new_household(client, room="102")
    entry = client.account.info["server"]
    picture = tmp_path / "scene.jpg"
    Image.frombytes("RGB", (320, 240), os.urandom(320 * 240 * 3)).save(picture, quality=90)
    category = next(c.code for c in load_categories() if c.parent_code)
    incidents.report_incident(
        client.store, client.account.photos_dir, reporter_id=entry["user_id"], reporter_role=entry["role"],
        category=category, description="井盖缺失", photos=[picture], household_id=hh.id,
    )  # fmt: skip


def test_a_full_server_disk_stops_photo_uploads_with_a_clear_error(server_template, clients, tmp_path, monkeypatch):
    monkeypatch.setenv("GRIDWORKER_BLOB_MIN_FREE_MB", str(10**8))  # 100 TB free needed: every upload is refused
    srv = server_template.copy_of(tmp_path / "server-data").start()
    try:
        a = clients(srv, "w1a")
        a.sync_ok()
        _report_with_photo(a, tmp_path)
        for _round in range(2):  # each round says so again: never a silent retry loop
            result = a.sync()
            assert isinstance(result.error, ServerStorageFull), result.error
            assert result.error.code == "server_storage_full"
            assert "storage" in result.error.en and "存储空间不足" in result.error.zh
            assert "administrator" in result.error.en
            assert result.photos_waiting == 1 and not result.complete
        with a.store.read() as s:
            row = s.exec(select(SyncBlob).where(SyncBlob.kind == "upload")).one()
        assert row.state == "waiting" and row.attempts == 2 and "storage" in (row.last_error or "")
        status = read_status(a.account, a.store)
        assert status.state == "error" and status.last_error["code"] == "server_storage_full"
        # The records went up all the same: only the file waits.
        assert any(k[0] == "photo" for k in srv.records("disp"))
    finally:
        srv.stop()
        monkeypatch.delenv("GRIDWORKER_BLOB_MIN_FREE_MB")
    # Room again (same data folder): the next sync sends the photo and the state is ok.
    srv.start()
    try:
        a.engine = SyncEngine(a.account, a.store, attempts=2)
        a.sync_ok()
    finally:
        srv.stop()
