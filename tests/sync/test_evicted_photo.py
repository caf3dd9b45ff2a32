"""A photo that leaves the worker's scope before its file went up is still uploaded (found by review)."""

import os

import httpx
from PIL import Image
from sqlmodel import select

from gridworker import photos
from gridworker.domain.categories import load_categories
from gridworker.domain.fieldwork import Photo
from gridworker.services import incidents

from .helpers import new_household


def test_a_photo_evicted_before_its_upload_is_still_uploaded(fresh_server, clients, tmp_path):
    srv = fresh_server
    a = clients(srv, "w1a")
    a.sync_ok()
    _, hh = new_household(a, room="101")
    entry = a.account.info["server"]
    picture = tmp_path / "scene.jpg"
    Image.frombytes("RGB", (320, 240), os.urandom(320 * 240 * 3)).save(picture, quality=90)
    category = next(c.code for c in load_categories() if c.parent_code)
    incidents.report_incident(
        a.store, a.account.photos_dir, reporter_id=entry["user_id"], reporter_role=entry["role"],
        category=category, description="井盖缺失", photos=[picture], household_id=hh.id,
    )  # fmt: skip
    with a.store.read() as s:
        sha = s.exec(select(Photo)).first().sha256
    a.engine.send()  # the records go up; the file waits for the photo step of a full round
    srv.admin("user", "update", "w1a", "--area", "G2")  # the worker moves to another grid
    result = a.engine.sync_once()
    assert result.evicted > 0
    with a.store.read() as s:
        assert s.exec(select(Photo)).all() == []  # the record left with the scope
    head = httpx.head(
        f"{srv.url}/api/v1/blobs/{sha}", headers={"Authorization": f"Bearer {srv.token('disp')}", "X-Gridworker-Schema": "1"}
    )
    assert head.status_code == 200  # but the only copy of the picture reached the server
