"""The places page driven like a grid worker (issue 15): register a place, inspect it with two failed items
and real photos, print the rectification notice, re-inspect (sign one hazard off with a photo, extend the
other), and escalate the serious one into an incident that appears on the incident board."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox
from sqlmodel import select

from gridworker.domain.fieldwork import Incident, Photo
from gridworker.domain.models import Area, Outbox
from gridworker.domain.placework import Hazard, HazardEvent, Inspection, Place
from gridworker.ui.pages.incidents import IncidentBoardPage
from gridworker.ui.pages.places import PlacesPage

from .conftest_fieldwork import WORKER, jpeg_with_gps, show
from .conftest_fieldwork import demo_account, demo_store, make_ctx, spot  # noqa: F401 (fixtures)
from .pdf_text import pdf_text

pytestmark = pytest.mark.timeout(180)
FAILED = ("EXIT", "LPG")  # significant (1 working day) and major (1 working day)


def _grid(store) -> Area:
    with store.read() as s:
        return s.exec(select(Area).where(Area.level == "grid", Area.deleted == False).order_by(Area.code)).first()  # noqa: E712


def _register(qtbot, page, grid_id: str):
    page.new_place()
    qtbot.waitUntil(lambda: page.editor is not None and page.editor.isVisible(), timeout=10_000)
    editor = page.editor
    editor.name.setText("老王川菜馆")
    editor.kind.setCurrentIndex(editor.kind.findData("restaurant"))
    editor.area.setCurrentIndex(editor.area.findData(grid_id))
    editor.address.setText("幸福路12号")
    editor.person_in_charge.setText("王建国")
    # a wrong licence number is named under its field when the field is left, and refused at saving
    editor.licence_number.setText("91350100M000100Y44")
    editor.licence_number.editingFinished.emit()
    assert editor.messages["licence_number"].isVisible() and "统一社会信用代码" in editor.messages["licence_number"].text()
    editor.phone.setText("13800138000")
    editor.licence_number.setText("91350100M000100Y43")
    editor.licence_number.editingFinished.emit()
    assert not editor.messages["licence_number"].isVisible()
    qtbot.mouseClick(editor.save_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not editor.isVisible(), timeout=10_000)
    qtbot.waitUntil(lambda: page.card.card is not None and page.card.card.place.name == "老王川菜馆", timeout=10_000)
    return page.card.card.place


def _inspect(qtbot, page, tmp_path, spot):
    qtbot.mouseClick(page.card.inspect_button, Qt.LeftButton)
    dialog = page.dialog
    qtbot.waitUntil(dialog.isVisible, timeout=5_000)
    form = dialog.form
    for n, code in enumerate(FAILED):
        form.set_result(code, "fail")
        form.rows[code].photos.add_files([str(jpeg_with_gps(tmp_path / f"{code}.jpg", *spot, colour=(40 * n, 60, 200)))])
    form.rows["EXIT"].note.setText("后门被纸箱堵住")
    form.mark_rest_passed()
    # saving without the person in charge's name is refused, and said under that field
    qtbot.mouseClick(dialog.save_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: "acknowledged_by" in form.error_texts(), timeout=10_000)
    assert "签名" in form.error_texts()["acknowledged_by"] and dialog.save_button.isEnabled()
    form.acknowledged_by.setText("王建国")
    qtbot.mouseClick(dialog.save_button, Qt.LeftButton)
    assert not dialog.save_button.isEnabled()  # off with the click itself
    qtbot.waitUntil(lambda: dialog.result_saved is not None, timeout=15_000)
    # hazards were found: the dialog offers the notice before it closes
    assert dialog.isVisible() and dialog.notice_button.isVisible()
    notice = dialog.save_notice(tmp_path / "notice.pdf")
    assert notice is None or notice == tmp_path / "notice.pdf"
    text = "".join(pdf_text((tmp_path / "notice.pdf").read_bytes()).split())
    assert "整改通知书" in text and "老王川菜馆" in text and "后门被纸箱堵住" in text
    checklists = page.checklists
    for code in FAILED:
        assert "".join(checklists.get(code).hazard.split()) in text
    dialog.buttons.button(QDialogButtonBox.StandardButton.Close).click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5_000)
    return dialog.result_saved


def _recheck(qtbot, page, tmp_path, spot, hazard_ids: dict[str, str]):
    qtbot.waitUntil(lambda: page.card.recheck_button.isEnabled(), timeout=10_000)
    qtbot.mouseClick(page.card.recheck_button, Qt.LeftButton)
    dialog = page.dialog
    qtbot.waitUntil(dialog.isVisible, timeout=5_000)
    form = dialog.form
    assert set(form.rows) == set(hazard_ids.values())
    # an extension without a reason is refused under its hazard
    form.set_outcome(hazard_ids["EXIT"], "rectified")
    form.rows[hazard_ids["EXIT"]].photos.add_files([str(jpeg_with_gps(tmp_path / "fixed.jpg", *spot))])
    form.set_outcome(hazard_ids["LPG"], "extended")
    qtbot.mouseClick(dialog.save_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: form.rows[hazard_ids["LPG"]].error.isVisible(), timeout=10_000)
    assert "原因" in form.rows[hazard_ids["LPG"]].error.text()
    form.rows[hazard_ids["LPG"]].reason.setText("需采购管道燃气设备")
    form.rows[hazard_ids["LPG"]].days.setValue(3)
    qtbot.mouseClick(dialog.save_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: dialog.result_saved is not None and not dialog.isVisible(), timeout=15_000)
    return dialog.result_saved


def test_register_inspect_recheck_and_escalate_a_place(qtbot, make_ctx, demo_store, tmp_path, spot, chinese):
    ctx = make_ctx(WORKER, "zh")
    page = show(qtbot, PlacesPage(ctx))
    grid = _grid(demo_store)
    place = _register(qtbot, page, grid.id)
    qtbot.waitUntil(lambda: any(r.id == place.id for r in page.model.rows()), timeout=10_000)
    assert place.area_id == grid.id and place.licence_number == "91350100M000100Y43"
    from gridworker.services import places as place_service

    place_service.register_place(demo_store, {"name": "便民超市", "kind": "shop", "area_id": grid.id})
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=10_000)
    page.search.setText("lwcc")  # pinyin initials of 老王川菜馆
    qtbot.waitUntil(lambda: [r.name for r in page.model.rows()] == ["老王川菜馆"], timeout=10_000)
    page.search.clear()
    page.kind.setCurrentIndex(page.kind.findData("shop"))
    qtbot.waitUntil(lambda: [r.name for r in page.model.rows()] == ["便民超市"], timeout=10_000)
    page.kind.setCurrentIndex(0)
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=10_000)
    page.select_place(place.id)
    qtbot.waitUntil(lambda: page.card.card is not None and page.card.card.place.id == place.id, timeout=10_000)

    result = _inspect(qtbot, page, tmp_path, spot)
    hazard_ids = {h.item_code: h.id for h in result.new_hazards}
    assert set(hazard_ids) == set(FAILED)
    def photo_ids(hazard_id: str) -> list[str]:
        with demo_store.read() as s:
            return list(s.get(Hazard, hazard_id).photo_ids)

    with demo_store.read() as s:
        inspection = s.exec(select(Inspection).where(Inspection.place_id == place.id)).one()
        photos = s.exec(select(Photo).where(Photo.entity_id == inspection.id)).all()
        assert len(photos) == 2 and inspection.acknowledged_by == "王建国"
        queued = {r.entity for r in s.exec(select(Outbox).where(Outbox.record_id.in_([place.id, inspection.id, *hazard_ids.values()])))}
        assert {"place", "inspection", "hazard"} <= queued
    qtbot.waitUntil(lambda: len(page.card.open_hazards()) == 2, timeout=10_000)
    assert page.card.notice_button.isEnabled()
    page.card.select_hazard(hazard_ids["LPG"])  # the chosen hazard's photo, taken when it was found
    qtbot.waitUntil(lambda: page.card.photos.count() == 1 and page.card.photos.isVisible(), timeout=10_000)
    page.card.select_hazard(hazard_ids["EXIT"])
    qtbot.waitUntil(lambda: page.card.photos.count() == 1 and page.card.photos._photos[0].id in photo_ids(hazard_ids["EXIT"]),
                    timeout=10_000)  # fmt: skip

    _recheck(qtbot, page, tmp_path, spot, hazard_ids)
    with demo_store.read() as s:
        exit_hazard, lpg = s.get(Hazard, hazard_ids["EXIT"]), s.get(Hazard, hazard_ids["LPG"])
        assert exit_hazard.status == "rectified"
        assert lpg.status == "open" and lpg.extensions == 1
        signed = s.exec(select(HazardEvent).where(HazardEvent.hazard_id == exit_hazard.id, HazardEvent.action == "rectified")).one()
        assert len(signed.photo_ids) == 1
    qtbot.waitUntil(lambda: [h.id for h in page.card.open_hazards()] == [hazard_ids["LPG"]], timeout=10_000)
    assert page.card.hazards_label.text() == "隐患（1项待整改）"

    # the major hazard is escalated into an incident in one step
    page.card.select_hazard(hazard_ids["LPG"])
    assert page.card.escalate_button.isEnabled()
    qtbot.mouseClick(page.card.escalate_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: page.confirm is not None and page.confirm.isVisible(), timeout=5_000)
    page.confirm.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: not page.card.open_hazards() and bool(page.card.card.hazards), timeout=10_000)
    with demo_store.read() as s:
        lpg = s.get(Hazard, hazard_ids["LPG"])
        incident = s.get(Incident, lpg.incident_id)
    assert lpg.status == "escalated" and incident is not None
    assert "老王川菜馆" in incident.title and incident.urgency == "urgent"
    board = show(qtbot, IncidentBoardPage(ctx))
    board.on_shown()
    qtbot.waitUntil(lambda: any(r.id == incident.id for r in board.model.rows()), timeout=10_000)


def test_the_inspection_form_is_read_on_the_gui_thread_before_the_write(qtbot, make_ctx, demo_store, chinese):
    """The write runs on the database thread with what the form held when Save was clicked: widgets are never
    read from another thread (Qt forbids it), and typing on meanwhile changes nothing saved."""
    from gridworker.services import places as place_service
    from gridworker.ui.places.dialogs import InspectDialog

    grid = _grid(demo_store)
    place = place_service.register_place(demo_store, {"name": "便民超市", "kind": "shop", "area_id": grid.id})
    ctx = make_ctx(WORKER, "zh")
    dialog = InspectDialog(ctx, place, PlacesPage(ctx).checklists)
    qtbot.addWidget(dialog)
    dialog.form.set_result("EXIT", "fail")
    dialog.form.rows["EXIT"].waiver.setText("店主不同意拍照")
    dialog.form.mark_rest_passed()
    dialog.form.acknowledged_by.setText("李秀兰")
    write = dialog._write()  # on the GUI thread: the values, not the widgets
    dialog.form.acknowledged_by.setText("")
    dialog.form.set_result("EXIT", "pass")
    result = write()
    assert result.inspection.acknowledged_by == "李秀兰"
    assert [h.item_code for h in result.new_hazards] == ["EXIT"]


def test_a_photo_that_is_not_a_picture_is_refused_in_words_and_an_unexpected_error_goes_to_the_error_dialog(
    qtbot, make_ctx, demo_store, tmp_path, chinese, monkeypatch
):
    from gridworker.services import places as place_service
    from gridworker.ui.places.dialogs import InspectDialog

    grid = _grid(demo_store)
    place = place_service.register_place(demo_store, {"name": "便民超市", "kind": "shop", "area_id": grid.id})
    ctx = make_ctx(WORKER, "zh")
    failures = []
    ctx.runner.failed.connect(lambda exc, _trace: failures.append(exc))
    dialog = InspectDialog(ctx, place, PlacesPage(ctx).checklists)
    qtbot.addWidget(dialog)
    dialog.show()
    not_a_photo = tmp_path / "notes.jpg"
    not_a_photo.write_text("not a picture", encoding="utf-8")
    dialog.form.set_result("EXIT", "fail")
    dialog.form.rows["EXIT"].photos.add_files([str(not_a_photo)])
    dialog.form.mark_rest_passed()
    dialog.form.acknowledged_by.setText("李秀兰")
    qtbot.mouseClick(dialog.save_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not dialog.form.general_error.isHidden(), timeout=10_000)
    assert "notes.jpg" in dialog.form.general_error.text() and dialog.save_button.isEnabled()
    assert failures == []  # a refusal is said on the form, not in the error dialog

    def broken(*_args, **_kwargs):
        raise KeyError("place_id")

    monkeypatch.setattr(place_service, "save_inspection", broken)
    dialog.form.rows["EXIT"].photos.clear()
    dialog.form.rows["EXIT"].waiver.setText("店主不同意拍照")
    qtbot.mouseClick(dialog.save_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: bool(failures), timeout=10_000)
    assert isinstance(failures[0], KeyError) and dialog.save_button.isEnabled() and dialog.isVisible()
    assert "place_id" not in dialog.form.general_error.text()


def _in_view(scroll, widget) -> bool:
    top = widget.mapTo(scroll.viewport(), widget.rect().topLeft()).y()
    return not widget.isHidden() and 0 <= top and top + widget.height() <= scroll.viewport().height()


def test_a_refusal_out_of_sight_scrolls_into_view(qtbot, make_ctx, demo_store, chinese):
    """At 1024×600 a shop's checklist does not fit: Save with the first item unanswered, scrolled down to the
    signature, brings the item's message into view instead of seeming to do nothing (the same for a re-inspection)."""
    from PySide6.QtWidgets import QScrollArea

    from gridworker.services import places as place_service
    from gridworker.services.queries import places_register
    from gridworker.ui.places.card import hazard_state
    from gridworker.ui.places.dialogs import InspectDialog, RecheckDialog
    from gridworker.ui.places.records import hazard_of

    grid = _grid(demo_store)
    place = place_service.register_place(demo_store, {"name": "便民超市", "kind": "shop", "area_id": grid.id})
    ctx = make_ctx(WORKER, "zh")
    checklists = PlacesPage(ctx).checklists
    dialog = InspectDialog(ctx, place, checklists)
    qtbot.addWidget(dialog)
    dialog.resize(760, 540)
    dialog.show()
    form = dialog.form
    first, *rest = list(form.rows)
    for code in rest:
        form.set_result(code, "fail" if code in rest[:3] else "pass")
        if code in rest[:3]:
            form.rows[code].waiver.setText("店主不同意拍照")
    form.acknowledged_by.setText("李秀兰")
    scroll = dialog.findChild(QScrollArea)
    qtbot.waitUntil(lambda: scroll.verticalScrollBar().maximum() > 0, timeout=5_000)
    scroll.verticalScrollBar().setValue(scroll.verticalScrollBar().maximum())
    qtbot.mouseClick(dialog.save_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: first in form.error_texts(), timeout=10_000)
    qtbot.waitUntil(lambda: _in_view(scroll, form.rows[first].error), timeout=5_000)

    form.set_result(first, "pass")
    qtbot.mouseClick(dialog.save_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: dialog.result_saved is not None, timeout=15_000)
    hazards = [(hazard_of(h), hazard_state(h)) for h in places_register.place_card(demo_store, place.id).hazards]
    recheck = RecheckDialog(ctx, place, hazards, checklists)
    qtbot.addWidget(recheck)
    recheck.resize(760, 300)
    recheck.show()
    *others, hazard_id = recheck.form.rows
    for other in others:
        recheck.form.set_outcome(other, "not_rectified")
    recheck.form.set_outcome(hazard_id, "extended")  # no reason: refused under the hazard
    scroll = recheck.findChild(QScrollArea)
    qtbot.waitUntil(lambda: scroll.verticalScrollBar().maximum() > 0, timeout=5_000)
    scroll.verticalScrollBar().setValue(0)
    qtbot.mouseClick(recheck.save_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not recheck.form.rows[hazard_id].error.isHidden(), timeout=10_000)
    qtbot.waitUntil(lambda: _in_view(scroll, recheck.form.rows[hazard_id].error), timeout=5_000)


def test_a_double_click_on_new_place_opens_one_editor(qtbot, make_ctx, demo_store, chinese):
    from gridworker.ui.places.editor import PlaceEditor

    ctx = make_ctx(WORKER, "zh")
    page = show(qtbot, PlacesPage(ctx))
    qtbot.mouseClick(page.new_button, Qt.LeftButton)
    qtbot.mouseClick(page.new_button, Qt.LeftButton)  # before the first editor is up (the grids are being read)
    qtbot.waitUntil(lambda: page.editor is not None and page.editor.isVisible(), timeout=10_000)
    qtbot.waitUntil(lambda: not ctx.runner.busy, timeout=10_000)  # a second click's editor would be open by now
    assert len([e for e in page.findChildren(PlaceEditor) if e.isVisible()]) == 1
    page.editor.reject()
    qtbot.waitUntil(lambda: not page.editor.isVisible(), timeout=5_000)
    first = page.editor
    qtbot.mouseClick(page.new_button, Qt.LeftButton)  # closed: it opens again
    qtbot.waitUntil(lambda: page.editor is not first and page.editor.isVisible(), timeout=10_000)


def test_the_places_list_cuts_long_kinds_at_the_end_not_after_the_first_word(qtbot, make_ctx, demo_store):
    """In English every kind begins "Small …": wrapped into a one-line row, each showed only "Small …" at 1024×600.
    Unwrapped, a cell is cut at its end ("Small restau…") and tells the kinds apart."""
    page = show(qtbot, PlacesPage(make_ctx(WORKER, "en")), size=(1024, 560))
    assert not page.table.wordWrap()
