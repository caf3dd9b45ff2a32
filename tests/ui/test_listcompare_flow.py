"""Compare a list and plan the visits (issue 15): from the register page's Excel menu, a list of the demo register's
people with some left out, one phone changed, a duplicated row and two strangers; the groups in tabs; the missing
people's households planned as a walk-round; a group exported; a bad file said in words."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest
from PySide6.QtCore import Qt
from sqlmodel import select

from gridworker.domain import idnumber
from gridworker.domain.enums import Gender
from gridworker.domain.fieldwork import Walkround
from gridworker.services.queries.register import people_to_compare
from gridworker.services.queries.visits import open_walkrounds
from gridworker.services.search import mask_id_number, mask_phone
from gridworker.ui.pages.register import RegisterPage

pytestmark = pytest.mark.timeout(120)
WAIT = 15_000


@pytest.fixture
def page(ctx, qtbot):
    page = RegisterPage(ctx)
    qtbot.addWidget(page)
    page.resize(1300, 760)
    page.show()
    page.on_shown()
    qtbot.waitUntil(lambda: page.lists.people.rowCount() > 0, timeout=WAIT)
    return page


def write_list(path, store) -> dict:
    """Two thirds of the register's people with an ID number on the list; the rest, and those without one, missing."""
    people = people_to_compare(store)
    listed = [p for p in people if p.id_number][: 2 * len(people) // 3]
    changed = next(p for p in listed if p.phone)
    doubled = listed[-1]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["社区低保名单（2026年）"])
    ws.append(["序号", "姓名", "身份证号码", "手机号", "备注"])
    for i, p in enumerate(listed, start=1):
        ws.append([i, p.name, p.id_number, "13999999999" if p is changed else p.phone, ""])
    ws.append([0, doubled.name, doubled.id_number, doubled.phone, "重复"])
    for n in (1, 2):
        ws.append([0, f"外来{n}", idnumber.make("440301", date(1990, n, 1), n, Gender.male), "", ""])
    wb.save(path)
    on_list = {p.id for p in listed}
    return {"missing": [p for p in people if p.id not in on_list], "rows": len(listed) + 3, "people": len(people)}


def test_compare_a_list_and_plan_the_visits(page, ctx, qtbot, tmp_path):
    expected = write_list(tmp_path / "低保名单.xlsx", ctx.store)
    assert len(expected["missing"]) > 10
    assert page.compare_action.text() == "名单比对…"
    dialog = page.compare_list(tmp_path / "低保名单.xlsx")
    qtbot.waitUntil(lambda: dialog.listfile is not None, timeout=WAIT)
    assert "表头在第 2 行" in dialog.file_label.text() and f"{expected['rows']} 行" in dialog.file_label.text()
    assert [dialog.combos[f].currentData() for f in ("id_number", "name", "phone")] == [2, 1, 3]  # guessed
    assert dialog.combos["phone"].currentText() == "D 手机号"
    assert dialog.preview_model.rowCount() == 10 and not dialog.plan_button.isEnabled()

    qtbot.mouseClick(dialog.compare_button, Qt.MouseButton.LeftButton)
    assert not dialog.compare_button.isEnabled()  # off with the click itself
    qtbot.waitUntil(lambda: dialog.busy.isVisible() or dialog.comparison is not None, timeout=WAIT)
    assert dialog.comparison is not None or not dialog.combos["id_number"].isEnabled()  # columns fixed while it runs
    qtbot.waitUntil(lambda: dialog.comparison is not None, timeout=WAIT)
    missing = len(expected["missing"])
    tabs = [dialog.tabs.tabText(i) for i in range(4)]
    assert tabs == [f"名单中缺少的人（{missing}）", "登记簿中没有的人（2）", "信息不一致（1）", "无法确定（2）"]
    assert dialog.models["missing"].rowCount() == missing
    first = expected["missing"][0]
    assert dialog.models["missing"].index(0, 0).data() == first.name
    shown = [dialog.models["missing"].index(0, c).data() for c in (1, 2)]
    assert shown == [mask_id_number(first.id_number), mask_phone(first.phone)]  # masked, as in the register
    assert "*" in dialog.preview_model.index(0, 2).data() and "*" in dialog.models["differs"].index(0, 3).data()
    dialog.reveal.setChecked(True)
    assert [dialog.models["missing"].index(0, c).data() for c in (1, 2)] == [first.id_number or "", first.phone or ""]
    assert "*" not in dialog.preview_model.index(0, 2).data()
    assert dialog.models["differs"].index(0, dialog.models["differs"].columnCount() - 1).data() == "电话"
    assert f"与登记簿中的 {expected['people']} 人" in dialog.summary.text()

    qtbot.mouseClick(dialog.plan_button, Qt.MouseButton.LeftButton)
    assert not dialog.plan_button.isEnabled()
    qtbot.waitUntil(lambda: "已安排巡查" in dialog.done_label.text(), timeout=WAIT)
    with ctx.store.read() as s:
        [walk] = s.exec(select(Walkround))
    households = list(dict.fromkeys(p.household_id for p in expected["missing"] if p.household_id))
    assert sorted(walk.household_ids) == sorted(households) and walk.name == "名单比对：低保名单"
    assert walk.household_ids == dialog.comparison.missing_households()  # the register's walking order
    assert f"{len(households)} 户" in dialog.done_label.text()
    assert walk.id in [w.id for w in open_walkrounds(ctx.store)]  # the visits page lists it
    assert not dialog.plan_button.isEnabled()  # one walk-round per comparison

    dialog.tabs.setCurrentIndex(1)
    dialog.export_group(tmp_path / "外来")
    qtbot.waitUntil(lambda: "已保存到" in dialog.done_label.text(), timeout=WAIT)
    rows = list(openpyxl.load_workbook(tmp_path / "外来.xlsx").active.values)
    assert rows[0] == ("行号", "序号", "姓名", "身份证号码", "手机号", "备注")
    assert [r[2] for r in rows[1:]] == ["外来1", "外来2"]

    dialog.combos["id_number"].setCurrentIndex(0)  # no ID column: the results go, and so must a new run
    assert dialog.comparison is None and not dialog.plan_button.isEnabled()


def test_a_bad_list_is_said_in_words_in_the_dialog(page, qtbot, tmp_path):
    (tmp_path / "旧名单.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64)
    dialog = page.compare_list(tmp_path / "旧名单.xls")
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=WAIT)
    assert "另存为 .xlsx" in dialog.error.text() and dialog.choose_button.isEnabled()
    assert not dialog.compare_button.isEnabled()
