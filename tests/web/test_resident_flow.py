"""A resident registers, is verified against the register, reports a problem with a photo from the phone,
and the grid worker's desktop has it on the incident board after the next sync."""

from __future__ import annotations

import io
import sqlite3
from contextlib import closing

from PIL import Image

from sqlmodel import select

from gridworker.domain.fieldwork import Incident, Photo
from gridworker.server.core.blobs import BlobStore
from gridworker.services.queries.incidents import list_incidents

from .helpers import gps_jpeg, register_resident, verify_resident


def _server_photo(server, incident_id: str) -> bytes:
    """The file the server keeps for the incident's photo."""
    with closing(sqlite3.connect(f"file:{server.data / 'server.db'}?mode=ro", uri=True)) as db:
        (sha,) = db.execute("SELECT sha256 FROM records WHERE entity = 'photo' AND parent_id = ?", (incident_id,)).fetchone()
    return BlobStore(server.data / "blobs").path(sha).read_bytes()


def test_a_resident_reports_with_a_photo_and_the_desktop_board_has_it_after_a_sync(phone, web_server, tmp_path):
    register_resident(phone)
    assert "尚未认证" in phone.content()
    verify_resident(phone)
    assert "认证成功" in phone.content()

    phone.goto("/h5/snap")
    phone.set_input_files("input[name=photo]", str(gps_jpeg(tmp_path / "IMG_0001.jpg")))
    phone.wait_for_selector("[data-previews] img")
    assert phone.errors == []
    phone.get_by_placeholder("搜索类别").fill("jg")  # 井盖, by pinyin initials
    assert phone.eval_on_selector("select[name=category]", "s => s.options[s.selectedIndex].text") == "井盖"
    phone.get_by_label("问题描述").fill("3栋门口井盖松动，晚上容易绊倒")
    phone.get_by_label("地址").fill("幸福小区3栋门口")
    phone.get_by_role("button", name="提交").click()
    phone.wait_for_url("**/h5/mine?sent=1")
    assert "3栋门口井盖松动" in phone.content()
    assert phone.context.outside == []

    worker = web_server.worker
    worker.sync_ok()
    board = [r for r in list_incidents(worker.store, "all") if r.title.startswith("3栋门口井盖松动")]
    assert len(board) == 1
    with worker.store.read() as s:
        incident = s.get(Incident, board[0].id)
        assert incident.source == "resident" and incident.category == "C0101"
        assert incident.location_text == "幸福小区3栋门口"
        photos = [p for p in s.exec(select(Photo)) if p.entity_id == incident.id]
    assert len(photos) == 1
    # The EXIF was read (place and time are on the record) and stripped from what the server keeps.
    assert abs(photos[0].lat - 29.5630) < 1e-3 and abs(photos[0].lon - 106.5516) < 1e-3
    assert photos[0].taken_at is not None
    assert abs(incident.lat - 29.5630) < 1e-3  # no GPS consent given: the photo's place locates the report
    blob = _server_photo(web_server, incident.id)
    kept = Image.open(io.BytesIO(blob))
    assert dict(kept.getexif()) == {} and b"PhoneCam" not in blob
    assert max(kept.size) <= 1600  # made smaller in the browser before it was sent
