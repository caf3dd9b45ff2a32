"""The photo viewer fetches a photo's original on request, from a real sync server, on a second device."""

from __future__ import annotations

import os

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from sqlmodel import select

from gridworker.domain.categories import load_categories
from gridworker.domain.fieldwork import Photo
from gridworker.identity import identity_of
from gridworker.photos import has_photo, has_thumbnail
from gridworker.services import incidents
from gridworker.ui.context import Actor, AppContext
from gridworker.ui.main_window import drain
from gridworker.ui.fieldwork.photos import PhotoViewer

pytestmark = pytest.mark.timeout(300)


@pytest.fixture
def server(tmp_path):
    from tests.sync.server import ServerProcess

    srv = ServerProcess(tmp_path / "server").set_up(users=[("w1a", "worker", ["G1"]), ("w1b", "worker", ["G1"])])
    srv.start()
    yield srv
    srv.stop()


def test_the_viewer_downloads_the_original_a_second_device_lacks(qtbot, chinese, gridworker_home, server, tmp_path):
    from tests.sync.helpers import new_household
    from tests.sync.server import make_client

    a, b = make_client(gridworker_home, server, "w1a"), make_client(gridworker_home, server, "w1b")
    try:
        a.sync_ok()
        _, hh = new_household(a)
        entry = a.account.info["server"]
        picture = tmp_path / "scene.jpg"
        Image.frombytes("RGB", (1600, 1200), os.urandom(1600 * 1200 * 3)).save(picture, quality=90)
        category = next(c.code for c in load_categories() if c.parent_code)
        incidents.report_incident(
            a.store, a.account.photos_dir, reporter_id=entry["user_id"], reporter_role=entry["role"],
            category=category, description="井盖缺失", photos=[picture], household_id=hh.id,
        )  # fmt: skip
        a.sync_ok()  # the records and the file go up
        b.sync_ok()  # the other device: the records and the thumbnail come down, not the original
        with b.store.read() as s:
            photo = s.exec(select(Photo)).first()
        assert has_thumbnail(b.account.photos_dir, photo.sha256) and not has_photo(b.account.photos_dir, photo.sha256)

        who = identity_of(b.account)
        ctx = AppContext(b.account, b.store, Actor(who.id, who.role, who.display_name), lang="zh")
        try:
            viewer = PhotoViewer(ctx.photos_dir, photo, ctx=ctx)
            qtbot.addWidget(viewer)
            viewer.show()
            assert viewer.download_button.isVisible() and viewer.download_button.text() == "下载原图"
            thumb_width = viewer.picture.pixmap().width()
            qtbot.mouseClick(viewer.download_button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: has_photo(ctx.photos_dir, photo.sha256) and not viewer.download_button.isVisible(),
                            timeout=60_000)  # fmt: skip
            assert viewer.picture.pixmap().width() > thumb_width  # the original, not the thumbnail
            assert "缩略图" not in viewer.caption.text()
            viewer.close()
        finally:
            drain(ctx.runner)
            ctx.close()
    finally:
        a.close()
        b.close()
