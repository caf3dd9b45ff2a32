"""The rectification notice (整改通知书) as a PDF, and the inspection form built from a checklist (issue 15)."""

from __future__ import annotations

from datetime import datetime

import pytest

from gridworker.domain.places.checklists import load_checklists
from gridworker.domain.places.inspections import Answer, HazardRules, Inspection, inspection_events, validate_inspection
from gridworker.domain.places.place import Place
from gridworker.domain.register import InvalidRecord
from gridworker.domain.workdays import TZ

from .conftest_fieldwork import jpeg_with_gps
from .pdf_text import pdf_text as _pdf_text

FAILED = ("EXIT", "GAS-ALARM")  # significant, 1 and 5 working days
FRIDAY = datetime(2026, 12, 4, 10, 0, tzinfo=TZ)


def pdf_text(data: bytes) -> str:
    """The PDF's text without white space (a line wrapped in a table cell loses its space)."""
    return "".join(_pdf_text(data).split())


def _inspection() -> tuple[Place, Inspection, list]:
    table = load_checklists()
    place = Place("p1", "老王川菜馆", "restaurant", address="幸福路12号", person_in_charge="王建国", phone="13800138000")
    answers = tuple(Answer(i.code, "fail" if i.code in FAILED else "pass", ("photo",) if i.code in FAILED else ())
                    for i in table.for_kind("restaurant"))  # fmt: skip
    inspection = Inspection("i1", "p1", "restaurant", "u1", FRIDAY, answers, acknowledged_by="王建国", notes="后厨通道堆放纸箱")
    hazards, _events = inspection_events(inspection, table, HazardRules())
    return place, inspection, hazards


def test_the_notice_pdf_names_the_place_each_failed_item_its_deadline_and_has_signature_lines(qapp, chinese, tmp_path):
    from gridworker.ui.places.notice import write_notice

    place, inspection, hazards = _inspection()
    table = load_checklists()
    path = write_notice(tmp_path / "notice.pdf", place, inspection, hazards, table, inspector="张伟", lang="zh")
    text = pdf_text(path.read_bytes())
    assert "\ufffd" not in text  # every character has its glyph: the Chinese font is embedded
    for words in ("整改通知书", "老王川菜馆", "小餐饮", "幸福路12号", "王建国", "张伟", "2026年12月4日", "后厨通道堆放纸箱",
                  "检查人（签名）", "场所负责人（签名）"):  # fmt: skip
        assert "".join(words.split()) in text, words
    assert table.get("EXIT").hazard in text and table.get("GAS-ALARM").hazard in text
    # deadlines on working days: Friday + 1 → Monday 7 December; + 5 → Friday 11 December
    assert "1个工作日" in text and "2026年12月7日" in text
    assert "5个工作日" in text and "2026年12月11日" in text
    assert table.get("FIRE-EXT").hazard not in text  # passed items are not on the notice
    assert "p1" not in text and "restaurant" not in text  # no ids, no kind codes


def test_the_notice_in_english(qapp, tmp_path):
    from gridworker.ui.places.notice import write_notice

    place, inspection, hazards = _inspection()
    table = load_checklists()
    path = write_notice(tmp_path / "notice.pdf", place, inspection, hazards, table, inspector="Zhang Wei", lang="en")
    text = pdf_text(path.read_bytes())
    for words in ("Rectification notice", "Small restaurant", table.get("EXIT").hazard_en, "1 working day",
                  "7 Dec 2026", "5 working days", "11 Dec 2026", "Person in charge (signature)"):  # fmt: skip
        assert "".join(words.split()) in text, words


def _form(qtbot, lang="zh"):
    from gridworker.ui.places.inspection_form import InspectionForm

    form = InspectionForm(load_checklists().for_kind("restaurant"), lang, at=lambda: FRIDAY)
    qtbot.addWidget(form)
    form.show()
    return form


def test_a_failed_item_opens_its_hazard_deadline_photos_and_reason(qtbot, qapp, chinese):
    form = _form(qtbot)
    row = form.rows["EXIT"]
    assert row.failed_box.isHidden()
    form.set_result("EXIT", "fail")
    assert not row.failed_box.isHidden()
    assert "疏散通道堵塞或安全出口锁闭" in row.hazard.text() and "2026年12月7日" in row.hazard.text()
    assert "较大" in row.hazard.text()
    form.set_result("EXIT", "pass")
    assert row.failed_box.isHidden()
    assert form.answers()[[a.item_code for a in form.answers()].index("EXIT")].result == "pass"


def test_answers_carry_the_photos_or_the_reason_of_failed_items_only(qtbot, qapp, chinese, tmp_path):
    form = _form(qtbot)
    photo = jpeg_with_gps(tmp_path / "exit.jpg", 26.08, 119.30)
    form.set_result("EXIT", "fail")
    form.rows["EXIT"].photos.add_files([str(photo)])
    form.set_result("GAS-ALARM", "fail")
    form.rows["GAS-ALARM"].waiver.setText("店主不同意拍照")
    form.mark_rest_passed()
    answers = {a.item_code: a for a in form.answers()}
    assert answers["EXIT"].photos == ((str(photo), 0),) and answers["EXIT"].photo_waiver is None
    assert answers["GAS-ALARM"].photos == () and answers["GAS-ALARM"].photo_waiver == "店主不同意拍照"
    assert all(a.result == "pass" for code, a in answers.items() if code not in FAILED)
    assert sorted(form.failed_codes()) == sorted(FAILED)


def test_validation_errors_show_under_the_item_and_field_they_name(qtbot, qapp, chinese):
    form = _form(qtbot)
    form.set_result("EXIT", "fail")  # no photo, no reason; the rest unanswered; nobody acknowledged
    table = load_checklists()
    answers = tuple(Answer(a.item_code, a.result or "", ()) for a in form.answers() if a.result)
    draft = Inspection("i", "p", "restaurant", "u", FRIDAY, answers)
    with pytest.raises(InvalidRecord) as caught:
        validate_inspection(draft, table, now=FRIDAY)
    form.show_errors(caught.value)
    said = form.error_texts()
    assert "须拍照" in said["EXIT"]
    assert "未作答" in said["GAS-ALARM"]
    assert "签名" in said["acknowledged_by"]
    assert "" not in said  # nothing left without a place
    form.set_result("GAS-ALARM", "pass")  # answering clears that item's error
    assert "GAS-ALARM" not in form.error_texts()
