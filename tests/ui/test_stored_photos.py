"""Stored photos on screen come from the encrypted files; a damaged file shows a notice, never a traceback."""

from __future__ import annotations

import base64
import os

import pytest
from PIL import Image

from gridworker import photos
from gridworker.domain.fieldwork import Photo
from gridworker.ui.fieldwork.incident import thumbnail_data_url
from gridworker.ui.fieldwork.photos import PhotoViewer, StoredPhotosStrip, stored_image

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def stored(ctx, tmp_path):
    picture = tmp_path / "scene.jpg"
    Image.frombytes("RGB", (640, 480), os.urandom(640 * 480 * 3)).save(picture, quality=90)
    s = photos.import_photo(picture, ctx.photos_dir)
    return s, Photo(sha256=s.sha256, owner_entity="incident", entity_id="x", width=s.width, height=s.height, bytes=s.bytes, mime=s.mime)


def test_thumbnails_and_the_viewer_show_the_decrypted_picture(qtbot, ctx, stored):
    s, photo = stored
    image, problem = stored_image(ctx.photos_dir, s.sha256, 200, thumbnail=True)
    assert problem is None and not image.isNull() and max(image.width(), image.height()) == 200
    url = thumbnail_data_url(ctx.photos_dir, s.sha256)
    assert url.startswith("data:image/jpeg;base64,")
    assert base64.b64decode(url.split(",", 1)[1]) == photos.read_bytes(ctx.photos_dir, s.sha256, thumbnail=True)
    viewer = PhotoViewer(ctx.photos_dir, photo)
    qtbot.addWidget(viewer)
    assert viewer.picture.accessibleName() == "" and viewer.picture.pixmap().width() == 640


def test_a_damaged_file_shows_a_notice(qtbot, ctx, stored):
    s, photo = stored
    for path in (photos.path_for(ctx.photos_dir, s.sha256), photos.thumb_path_for(ctx.photos_dir, s.sha256)):
        data = bytearray(path.read_bytes())
        data[-5] ^= 0x40
        path.write_bytes(bytes(data))
    assert stored_image(ctx.photos_dir, s.sha256, 200, thumbnail=True)[1] == "photo_damaged"
    assert thumbnail_data_url(ctx.photos_dir, s.sha256) == ""
    strip = StoredPhotosStrip(ctx.photos_dir)
    qtbot.addWidget(strip)
    strip.set_photos([photo])  # a placeholder icon, no exception
    assert strip.count() == 1
    viewer = PhotoViewer(ctx.photos_dir, photo)
    qtbot.addWidget(viewer)
    assert "损坏" in viewer.picture.accessibleName()
