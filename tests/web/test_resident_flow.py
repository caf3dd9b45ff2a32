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


def test_the_resident_follows_the_timeline_and_rates_what_was_done(phone, web_server, tmp_path):
    from gridworker.services import incidents

    from ..sync.server import make_client
    from .helpers import small_jpeg

    register_resident(phone)
    verify_resident(phone)
    phone.goto("/h5/snap")
    phone.set_input_files("input[name=photo]", files=[{"name": "a.jpg", "mimeType": "image/jpeg", "buffer": small_jpeg()}])
    phone.wait_for_selector("[data-previews] img")
    phone.get_by_placeholder("搜索类别").fill("jg")
    phone.get_by_label("问题描述").fill("5栋井盖缺失（评价）")
    phone.get_by_label("地址").fill("幸福小区5栋")
    phone.get_by_role("button", name="提交").click()
    phone.wait_for_url("**/h5/mine?sent=1")
    phone.get_by_role("link", name="5栋井盖缺失（评价）").click()
    assert phone.inner_text(".badge") == "已上报"  # the status in words
    assert phone.locator("input[name=rating]").count() == 0  # not closed yet: nothing to rate

    disp = make_client(tmp_path / "disp-home", web_server, "disp")
    try:
        disp.sync_ok()
        found = [r for r in list_incidents(disp.store, "all") if r.title.startswith("5栋井盖缺失（评价）")]
        assert len(found) == 1
        entry = disp.account.info["server"]
        who = {"actor_id": entry["user_id"], "actor_role": entry["role"]}
        incidents.transition_incident(disp.store, found[0].id, "accept", **who)
        incidents.transition_incident(disp.store, found[0].id, "close", note="已更换新井盖", **who)
        disp.sync_ok()

        phone.reload()
        main = phone.inner_text("main")
        assert "已更换新井盖" in main and "办结" in main and "受理" in main
        assert "T" not in phone.inner_text(".timeline").replace("Timeline", "")  # times in words, no ISO stamps
        phone.get_by_label("5 · 非常满意").check()
        phone.get_by_label("意见（选填）").fill("修得很快，谢谢")
        phone.get_by_role("button", name="提交").click()
        phone.wait_for_url(f"**/h5/mine/{found[0].id}")
        assert "您的评价：5" in phone.inner_text("main")

        disp.sync_ok()
        with disp.store.read() as s:
            assert s.get(Incident, found[0].id).rating == 5
    finally:
        disp.close()
    assert phone.errors == [] and phone.context.outside == []


def test_the_phones_location_is_read_only_when_the_resident_taps_for_it(browser, web_server, tmp_path):
    from .helpers import small_jpeg

    context = browser.new_context(viewport={"width": 360, "height": 640}, is_mobile=True, locale="en-GB", base_url=web_server.url,
                                  permissions=["geolocation"], geolocation={"latitude": 29.6012, "longitude": 106.5123})  # fmt: skip
    phone = context.new_page()
    try:
        from .conftest import PERSON_NAME
        from .helpers import PASSWORD, new_phone, next_person_id

        phone.goto("/h5/c/C1")
        phone.get_by_role("link", name="Register").click()
        phone.get_by_label("Name").fill("Li Ming")
        phone.get_by_label("Mobile number").fill(new_phone())
        phone.get_by_label("Password").fill(PASSWORD)
        phone.get_by_role("button", name="Register").click()
        phone.goto("/h5/verify")
        phone.get_by_label("Name").fill(PERSON_NAME)
        phone.get_by_label("ID number").fill(next_person_id())
        phone.get_by_role("button", name="Submit").click()
        phone.goto("/h5/snap")
        assert phone.input_value("input[name=lat]") == ""  # nothing read before the tap
        phone.set_input_files("input[name=photo]", files=[{"name": "a.jpg", "mimeType": "image/jpeg", "buffer": small_jpeg()}])
        phone.wait_for_selector("[data-previews] img")
        phone.get_by_placeholder("Search kinds").fill("manhole")
        phone.get_by_label("What is wrong").fill("Loose manhole cover (GPS)")
        phone.get_by_role("button", name="Use my phone's location").click()
        phone.wait_for_selector("text=Located")
        phone.get_by_role("button", name="Submit").click()
        phone.wait_for_url("**/h5/mine?sent=1")
        assert "Loose manhole cover (GPS)" in phone.inner_text("main")
    finally:
        context.close()
    web_server.worker.sync_ok()
    with web_server.worker.store.read() as s:
        found = [i for i in s.exec(select(Incident)) if i.description == "Loose manhole cover (GPS)"]
    assert len(found) == 1 and abs(found[0].lat - 29.6012) < 1e-4 and abs(found[0].lon - 106.5123) < 1e-4
    assert found[0].location_text is None  # the place is the phone's: no address was typed
