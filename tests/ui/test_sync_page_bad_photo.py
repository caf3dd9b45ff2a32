"""The sync page lists another device's photo whose thumbnail the server refused, with the reason (fixA, item 1)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlmodel import select

from gridworker.domain.fieldwork import Photo
from gridworker.domain.models import Household
from gridworker.sync.review import review_lists
from gridworker.store.sync_tables import SyncBlob

from .conftest_fieldwork import demo_account, demo_store, make_ctx, spot  # noqa: F401 (fixtures)
from .test_messages import _all_text, lang_ctx  # noqa: F401 (fixture)


def test_a_photo_the_server_cannot_show_is_listed_with_the_reason(qtbot, lang_ctx):
    from gridworker.ui.pages.sync import SyncPage

    with lang_ctx.store.write() as s:
        home = s.exec(select(Household).where(Household.deleted == False)).first()  # noqa: E712
        photo = Photo(sha256="c0ffee" * 10 + "abcd", owner_entity="household", entity_id=home.id,
                      width=10, height=10, bytes=100, mime="image/jpeg")  # fmt: skip
        s.add(photo)  # as a pull stores another device's photo record
        s.add(SyncBlob(sha256=photo.sha256, kind="thumb", state="failed", attempts=1, last_error="not_an_image"))
    page = SyncPage(lang_ctx)
    qtbot.addWidget(page)
    page._show_lists(review_lists(lang_ctx.store))
    assert page.photos_model.rowCount() == 1
    row = [str(page.photos_model.data(page.photos_model.index(0, c), Qt.ItemDataRole.DisplayRole))
           for c in range(page.photos_model.columnCount())]  # fmt: skip
    zh = lang_ctx.lang == "zh"
    assert row[-1] == ("无法显示：服务器上的这个文件不是可读取的图片" if zh else
                       "Cannot be shown: the file on the server is not a readable picture")  # fmt: skip
    assert row[0] not in ("照片", "Photo") and home.room in row[0]  # whose photo it is, in words
    joined = "\n".join(_all_text(page))
    assert "not_an_image" not in joined and photo.sha256[:8] not in joined
    assert page.lists.tabText(2) == ("照片（1）" if zh else "Photos (1)")
