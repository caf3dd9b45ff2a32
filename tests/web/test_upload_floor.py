"""A report's photos from the phone pages keep the server's disk floor, as every other upload does
(GRIDWORKER_BLOB_MIN_FREE_MB; the API's /photos and the desktops' uploads answer 507 below it)."""

from __future__ import annotations

from gridworker.services import register

from ..sync.helpers import area_ids
from ..sync.server import ServerProcess, make_client
from .conftest import PERSON_ID, PERSON_NAME
from .helpers import Visitor, small_jpeg


def test_a_reports_photo_is_refused_in_words_when_the_disk_is_at_its_floor(tmp_path, monkeypatch):
    monkeypatch.setenv("GRIDWORKER_BLOB_MIN_FREE_MB", str(10**8))  # 100 TB: more than this disk has: every upload is below the floor
    srv = ServerProcess(tmp_path / "data").set_up().start()
    worker = make_client(tmp_path / "worker", srv, "w1a")
    try:
        worker.sync_ok()
        b = register.register_building(worker.store, {"name": "3号楼", "estate": "幸福小区", "area_id": area_ids(worker)["G1"]})
        hh = register.register_household(worker.store, {"building_id": b.id, "unit": "2", "room": "301"})
        register.register_person(worker.store, {"name": PERSON_NAME, "household_id": hh.id, "id_number": PERSON_ID})
        worker.sync_ok()
        v = Visitor(srv)
        v.register()
        assert "认证成功" in v.verify(id_number=PERSON_ID).text  # this server's register holds this one only
        api = v.http.post(srv.url + "/api/v1/p/photos", data=small_jpeg(), headers={"Content-Type": "image/jpeg"}, timeout=30)
        assert api.status_code == 507  # the API keeps the floor
        r = v.snap("楼道堆放杂物，存在消防隐患", files={"photo": ("a.jpg", small_jpeg(), "image/jpeg")})
        assert r.status_code == 507, (r.status_code, r.text[-600:])
        assert "存储空间不足" in r.text and "楼道堆放杂物" in r.text  # in words, and the text typed stays in the form
        assert not list((tmp_path / "data").rglob("*.jpg")) and "楼道堆放杂物" not in v.get("/h5/mine").text
    finally:
        worker.close()
        srv.stop()
