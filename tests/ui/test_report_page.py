"""Snap and report driven like a grid worker: drop a real JPEG with EXIF GPS, pick a category, save offline."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from sqlmodel import select

from gridworker.domain.fieldwork import Incident, Photo
from gridworker.domain.models import Outbox
from gridworker.photos import read_bytes
from gridworker.services import drafts
from gridworker.services import turned_photos
from gridworker.services.queries import places as place_queries
from gridworker.store.sync_tables import SyncBlob
from gridworker.ui.pages.report import DRAFT_KEY, ReportPage

from .conftest_fieldwork import WORKER, drop_files, jpeg_with_gps, show
from .conftest_fieldwork import demo_account, demo_store, make_ctx, spot  # noqa: F401 (fixtures)

pytestmark = pytest.mark.timeout(120)


def is_mark(rgb) -> bool:
    """The red mark jpeg_with_gps paints in the bottom-left third (JPEG shifts colours a little)."""
    r, g, b = rgb
    return r > 160 and g < 110 and b < 110


def choose_category(qtbot, page, initials: str) -> None:
    qtbot.keyClicks(page.category.search, initials)
    qtbot.keyClick(page.category.search, Qt.Key_Return)


def test_snap_and_report_with_exif_gps_saved_offline(qtbot, make_ctx, demo_store, tmp_path, spot):
    ctx = make_ctx(WORKER)
    page = show(qtbot, ReportPage(ctx))
    page.on_shown()
    photo = jpeg_with_gps(tmp_path / "wires.jpg", *spot, size=(640, 480))
    drop_files(page, [photo])

    # The position of the photo's EXIF is shown in the fields, and said to come from there.
    qtbot.waitUntil(lambda: page.place.lat.text() != "", timeout=10_000)
    assert float(page.place.lat.text()) == pytest.approx(spot[0], abs=1e-6)
    assert float(page.place.lon.text()) == pytest.approx(spot[1], abs=1e-6)
    assert "EXIF" in page.place.source.text()
    assert f"{spot[0]:.5f}" in page.photo_info.text()
    qtbot.waitUntil(lambda: page.place.nearest_building is not None, timeout=10_000)  # the demo's buildings are around

    choose_category(qtbot, page, "fxcd")  # 飞线充电 by pinyin initials
    assert page.category.code() == "G0201"
    page.description.insertPlainText("3幢1单元楼道有电线从窗口垂下，给电动车充电")
    qtbot.mouseClick(page.rotate_right, Qt.LeftButton)  # the photo was held sideways
    preview = page.preview.pixmap().toImage()
    assert preview.height() > preview.width()
    assert is_mark(preview.pixelColor(4, 4).getRgb()[:3])  # the mark at the bottom left turned to the top left
    qtbot.mouseClick(page.save, Qt.LeftButton)
    qtbot.waitUntil(lambda: page.sync_state_shown() == "pending", timeout=10_000)
    assert "waiting to sync" in page.status.text()
    assert "On the server" not in page.status.text()
    assert page.strip.paths() == []  # the form is ready for the next report

    with demo_store.read() as s:
        incident = s.exec(select(Incident)).one()
        photo_row = s.exec(select(Photo)).one()
        outbox = s.exec(select(Outbox).where(Outbox.state == "pending")).all()
    assert (incident.category, incident.source, incident.reporter_id) == ("G0201", "snap", WORKER.id)
    assert incident.lat == pytest.approx(spot[0], abs=1e-6)
    assert incident.lon == pytest.approx(spot[1], abs=1e-6)
    assert incident.area_id == page.place.nearest_building.area_id  # the grid of the building beside the photo
    assert (photo_row.width, photo_row.height) == (480, 640)  # turned a quarter, as the preview showed
    with Image.open(io.BytesIO(read_bytes(ctx.photos_dir, photo_row.sha256))) as stored:
        assert is_mark(stored.getpixel((4, 4))) and not is_mark(stored.getpixel((475, 635)))
    assert photo_row.lat == pytest.approx(spot[0], abs=1e-6)  # the turned copy kept the GPS
    assert {(r.entity, r.record_id) for r in outbox} >= {("incident", incident.id), ("photo", photo_row.id)}
    assert not list(tmp_path.glob("*-r1.jpg"))  # the turned copy was temporary, made elsewhere


def test_the_page_says_on_the_server_only_once_the_outbox_says_so(qtbot, make_ctx, demo_store, tmp_path, spot):
    ctx = make_ctx(WORKER)
    page = show(qtbot, ReportPage(ctx))
    drop_files(page.strip, [jpeg_with_gps(tmp_path / "bins.jpg", *spot)])
    choose_category(qtbot, page, "bllj")  # 暴露垃圾
    page.description.insertPlainText("垃圾桶满溢")
    qtbot.waitUntil(lambda: page.place.lat.text() != "", timeout=10_000)
    qtbot.mouseClick(page.save, Qt.LeftButton)
    qtbot.waitUntil(lambda: page.sync_state_shown() == "pending", timeout=10_000)

    # The server acknowledges the records (what a push does), but the photo file is still to upload.
    with demo_store.write() as s:
        for row in s.exec(select(Outbox)).all():
            row.state = "sent"
            s.add(row)
        sha = s.exec(select(Photo.sha256)).one()
        s.add(SyncBlob(sha256=sha, kind="upload", state="waiting"))
    page.on_shown()
    qtbot.waitUntil(lambda: page.sync_state_shown() == "photos", timeout=10_000)
    with demo_store.write() as s:
        blob = s.get(SyncBlob, (sha, "upload"))
        blob.state = "done"
        s.add(blob)
    page.on_shown()
    qtbot.waitUntil(lambda: page.sync_state_shown() == "synced", timeout=10_000)
    assert "On the server" in page.status.text()


def test_bad_input_is_named_and_the_draft_survives_a_restart(qtbot, make_ctx, demo_store, tmp_path, spot):
    ctx = make_ctx(WORKER)
    page = show(qtbot, ReportPage(ctx))
    not_a_photo = tmp_path / "notes.jpg"
    not_a_photo.write_text("this is a text file")
    drop_files(page, [not_a_photo])
    qtbot.waitUntil(lambda: page.errors["photos"].isVisible(), timeout=10_000)
    assert "notes.jpg" in page.errors["photos"].text()

    page.strip.remove_current()
    drop_files(page, [jpeg_with_gps(tmp_path / "lamp.jpg", *spot)])
    choose_category(qtbot, page, "ld")  # 路灯
    qtbot.mouseClick(page.save, Qt.LeftButton)  # no description yet
    qtbot.waitUntil(lambda: page.errors["description"].isVisible(), timeout=10_000)
    with demo_store.read() as s:
        assert s.exec(select(Incident)).all() == []
    assert page.strip.paths() == [str(tmp_path / "lamp.jpg")]  # nothing typed or chosen was lost

    page.description.insertPlainText("路灯不亮")
    qtbot.waitUntil(
        lambda: bool((d := drafts.load_draft(demo_store, DRAFT_KEY)) and d.data["description"]), timeout=10_000
    )
    again = show(qtbot, ReportPage(make_ctx(WORKER)))
    again.on_shown()
    qtbot.waitUntil(lambda: again.description.toPlainText() == "路灯不亮", timeout=10_000)
    assert again.strip.paths() == [str(tmp_path / "lamp.jpg")]
    assert again.category.code() == page.category.code()


def test_possible_duplicates_show_with_thumbnails_and_open(qtbot, make_ctx, demo_store, tmp_path, spot):
    ctx = make_ctx(WORKER)
    first = jpeg_with_gps(tmp_path / "first.jpg", *spot)
    earlier = turned_photos.report_with_rotations(
        demo_store, ctx.photos_dir, [(first, 0)], reporter_id=WORKER.id, reporter_role="worker",
        category="C0101", description="北门井盖破损", area_id=place_queries.area_choices(demo_store)[-1].id,
    )  # fmt: skip
    page = show(qtbot, ReportPage(ctx))
    drop_files(page, [jpeg_with_gps(tmp_path / "again.jpg", spot[0] + 0.0005, spot[1])])  # ~55 m north
    choose_category(qtbot, page, "jg")  # 井盖
    qtbot.waitUntil(lambda: page.duplicates.list.count() == 1, timeout=10_000)
    item = page.duplicates.list.item(0)
    assert "北门井盖破损" in item.text()
    assert not item.icon().isNull() and page.duplicates.list.iconSize().width() >= 200
    rect = page.duplicates.list.visualItemRect(item)
    qtbot.mouseClick(page.duplicates.list.viewport(), Qt.LeftButton, pos=rect.center())
    dialog = page.duplicates.dialog
    qtbot.waitUntil(lambda: dialog.view.detail is not None, timeout=10_000)
    assert dialog.view.detail.incident.id == earlier.id
    assert dialog.view.title.text() == "北门井盖破损"


def test_in_chinese_the_page_says_waiting_to_sync(qtbot, chinese, make_ctx, demo_store, tmp_path, spot):
    page = show(qtbot, ReportPage(make_ctx(WORKER, lang="zh")))
    assert page.title() == "随手拍"
    assert page.save.text() == "保存上报"
    drop_files(page, [jpeg_with_gps(tmp_path / "wall.jpg", *spot)])
    qtbot.waitUntil(lambda: page.place.lat.text() != "", timeout=10_000)
    assert page.place.source.text() == "取自照片 EXIF"
    choose_category(qtbot, page, "xgg")  # 小广告
    assert page.category.label() == "宣传广告 › 小广告"
    page.description.insertPlainText("单元门口贴满小广告")
    qtbot.mouseClick(page.save, Qt.LeftButton)
    qtbot.waitUntil(lambda: page.sync_state_shown() == "pending", timeout=10_000)
    assert "已保存在本机，待同步" in page.status.text()


def test_same_problem_adds_my_photos_to_the_existing_incident_and_reports_nothing(
    qtbot, chinese, make_ctx, demo_store, tmp_path, spot
):
    from gridworker.domain.fieldwork import Incident, IncidentEvent, Photo
    from gridworker.services import drafts

    ctx = make_ctx(WORKER, lang="zh")
    earlier = turned_photos.report_with_rotations(
        demo_store, ctx.photos_dir, [(jpeg_with_gps(tmp_path / "first.jpg", *spot), 0)], reporter_id=WORKER.id,
        reporter_role="worker", category="C0101", description="北门井盖破损",
        area_id=place_queries.area_choices(demo_store)[-1].id,
    )  # fmt: skip
    with demo_store.read() as s:
        incidents_before = len(s.exec(select(Incident)).all())
    page = show(qtbot, ReportPage(ctx))
    drop_files(page, [jpeg_with_gps(tmp_path / "again.jpg", spot[0] + 0.0005, spot[1], colour=(20, 200, 40))])
    choose_category(qtbot, page, "jg")
    page.description.setPlainText("井盖还是坏的")
    qtbot.waitUntil(lambda: page.duplicates.list.count() == 1, timeout=10_000)
    item = page.duplicates.list.item(0)
    qtbot.mouseClick(page.duplicates.list.viewport(), Qt.LeftButton, pos=page.duplicates.list.visualItemRect(item).center())
    dialog = page.duplicates.dialog
    qtbot.waitUntil(lambda: dialog.view.detail is not None, timeout=10_000)
    assert dialog.same_button.text() == "这是同一个问题：不再上报，把我的照片补充到已有事件"
    assert dialog.same_button.isVisible() and dialog.same_button.isEnabled()
    qtbot.waitUntil(lambda: drafts.load_draft(demo_store, "report:new") is not None, timeout=10_000)

    qtbot.mouseClick(dialog.same_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    qtbot.waitUntil(lambda: not ctx.runner.busy, timeout=10_000)
    with demo_store.read() as s:
        assert len(s.exec(select(Incident)).all()) == incidents_before  # no second incident
        event = s.exec(select(IncidentEvent).where(IncidentEvent.incident_id == earlier.id,
                                                   IncidentEvent.action == "comment")).one()  # fmt: skip
        photos = s.exec(select(Photo).where(Photo.owner_entity == "incident", Photo.entity_id == earlier.id)).all()
    assert event.note == "井盖还是坏的" and len(event.photo_ids) == 1
    assert len(photos) == 2 and event.photo_ids[0] in {p.id for p in photos}
    assert drafts.load_draft(demo_store, "report:new") is None  # the draft report is discarded
    assert page.strip.paths() == [] and "已有事件" in page.status.text()


def test_a_second_click_on_save_while_saving_makes_no_second_report(qtbot, make_ctx, demo_store, tmp_path, spot):
    """The save button goes off with the click itself, before the slot awaits the database (issue 13 item 7)."""
    ctx = make_ctx(WORKER)
    page = show(qtbot, ReportPage(ctx))
    drop_files(page.strip, [jpeg_with_gps(tmp_path / "bins.jpg", *spot)])
    choose_category(qtbot, page, "bllj")  # 暴露垃圾
    page.description.insertPlainText("垃圾桶满溢")
    qtbot.waitUntil(lambda: page.place.lat.text() != "", timeout=10_000)
    qtbot.mouseClick(page.save, Qt.LeftButton)
    assert not page.save.isEnabled()
    qtbot.mouseClick(page.save, Qt.LeftButton)  # an impatient double click
    qtbot.waitUntil(lambda: page.sync_state_shown() == "pending", timeout=10_000)
    qtbot.waitUntil(lambda: not ctx.runner.busy, timeout=10_000)
    with demo_store.read() as s:
        assert len(s.exec(select(Incident)).all()) == 1


def test_choosing_a_household_answers_the_photo_note_and_a_saved_report_gives_the_grid_back(
    qtbot, make_ctx, demo_store, tmp_path
):
    """A photo without GPS asks for a position or a household; once a household is chosen the note stops asking.
    After the save the grid chooser is the one the worker had before the household lent its own."""
    from gridworker.services.queries import register as register_queries

    ctx = make_ctx(WORKER)
    page = show(qtbot, ReportPage(ctx))
    page.on_shown()
    qtbot.waitUntil(lambda: page.place.area.count() > 1, timeout=10_000)
    before = page.place.area.currentData()
    plain = tmp_path / "plain.jpg"
    Image.new("RGB", (320, 240), (90, 120, 200)).save(plain, "JPEG")
    drop_files(page, [plain])
    asking = "choose a household"
    qtbot.waitUntil(lambda: asking in page.photo_info.text(), timeout=10_000)

    choice = next(
        c for c in register_queries.find_households(demo_store, "1") if c.area_id and c.area_id != before
    )
    page.place.set_place(choice, None)  # what the household dialog's `chosen` does
    assert page.place.area.currentData() == choice.area_id
    assert asking not in page.photo_info.text()
    assert page.photo_info.text()  # the note still says what it knows of the photo

    choose_category(qtbot, page, "bllj")  # 暴露垃圾
    page.description.insertPlainText("楼道堆放杂物")
    qtbot.mouseClick(page.save, Qt.LeftButton)
    qtbot.waitUntil(lambda: page.sync_state_shown() == "pending", timeout=10_000)
    with demo_store.read() as s:
        assert s.exec(select(Incident)).one().household_id == choice.household_id
    assert page.place.area.currentData() == before  # not the household's grid of the last report
    assert page.place.area.isEnabled()


def test_the_nearest_building_of_a_position_no_longer_typed_is_not_shown(qtbot, make_ctx, spot):
    """A position typed, then cleared while the building near it was still being looked up (a big register takes
    a while): the late answer must not show a building — nor choose its grid — for a position that is gone."""
    import threading

    ctx = make_ctx(WORKER)
    page = show(qtbot, ReportPage(ctx))
    qtbot.waitUntil(lambda: not ctx.runner.busy, timeout=10_000)
    place = page.place
    gate = threading.Event()
    ctx.runner.db.submit(gate.wait, 10)  # the database thread busy: the lookup waits behind it
    try:
        qtbot.keyClicks(place.lat, f"{spot[0]:.6f}")
        qtbot.keyClicks(place.lon, f"{spot[1]:.6f}")
        qtbot.waitUntil(lambda: not place._lookup.isActive() and ctx.runner.busy, timeout=10_000)  # asked
        for edit in (place.lat, place.lon):
            edit.selectAll()
            qtbot.keyClick(edit, Qt.Key_Delete)
        qtbot.waitUntil(lambda: not place._lookup.isActive(), timeout=10_000)  # asked again: no position, no building
    finally:
        gate.set()
    qtbot.waitUntil(lambda: not ctx.runner.busy, timeout=10_000)
    assert place.nearest_building is None and place.nearest.text() == ""
