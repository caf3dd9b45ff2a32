"""Places in and out of Excel on the places page: export, a refused cell named and nothing imported, then a
corrected file imported after the check."""

from __future__ import annotations

import openpyxl
import pytest
from sqlmodel import select

from gridworker.domain.models import Area
from gridworker.domain.placework import Place
from gridworker.services import places as place_service
from gridworker.ui.pages.places import PlacesPage

from .conftest_fieldwork import WORKER, show
from .conftest_fieldwork import demo_account, demo_store, make_ctx, spot  # noqa: F401 (fixtures)

pytestmark = pytest.mark.timeout(120)


def _header_index(sheet, *names) -> int:
    headers = [c.value for c in next(sheet.iter_rows(max_row=5)) if c.value] or []
    for row in sheet.iter_rows(max_row=5):
        values = [str(c.value or "") for c in row]
        for name in names:
            if name in values:
                return values.index(name) + 1, row[0].row
    raise AssertionError(f"no header {names} in {headers}")


def test_export_then_import_places_checked_first(qtbot, make_ctx, demo_store, tmp_path, chinese):
    with demo_store.read() as s:
        grid = s.exec(select(Area).where(Area.level == "grid", Area.deleted == False).order_by(Area.code)).first()  # noqa: E712
    place_service.register_place(demo_store, {"name": "老王川菜馆", "kind": "restaurant", "area_id": grid.id})
    ctx = make_ctx(WORKER, "zh")
    page = show(qtbot, PlacesPage(ctx))
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)

    exported = tmp_path / "places.xlsx"
    page.excel.export(exported, None)
    qtbot.waitUntil(lambda: page.message.isVisible(), timeout=10_000)
    assert "1" in page.message.text() and exported.exists()

    book = openpyxl.load_workbook(exported)
    sheet = book.worksheets[0]
    name_col, header_row = _header_index(sheet, "场所名称")
    phone_col, _ = _header_index(sheet, "负责人电话")
    kind_col, _ = _header_index(sheet, "场所类型")
    grid_col, _ = _header_index(sheet, "所属网格")
    new_row = header_row + 2
    sheet.cell(new_row, name_col, "便民超市")
    sheet.cell(new_row, kind_col, "小商店")
    sheet.cell(new_row, grid_col, sheet.cell(header_row + 1, grid_col).value)
    sheet.cell(new_row, phone_col, "1391234")  # too short: refused
    book.save(exported)

    page.excel.check(exported)
    qtbot.waitUntil(lambda: page.excel.dialog is not None and page.excel.dialog.isVisible(), timeout=10_000)
    dialog = page.excel.dialog
    assert dialog.report.errors and not hasattr(dialog, "import_button")
    assert dialog.errors_model.rowCount() == 1
    problem = dialog.errors_model.data(dialog.errors_model.index(0, 3))
    assert "电话" in problem or "手机" in problem
    dialog.reject()
    with demo_store.read() as s:
        assert [p.name for p in s.exec(select(Place))] == ["老王川菜馆"]  # nothing imported

    sheet.cell(new_row, phone_col, "13905710018")
    book.save(exported)
    page.excel.dialog = None
    page.excel.check(exported)
    qtbot.waitUntil(lambda: page.excel.dialog is not None and page.excel.dialog.isVisible(), timeout=10_000)
    dialog = page.excel.dialog
    assert dialog.report.new == 1 and not dialog.report.errors
    dialog.import_button.click()
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=10_000)
    assert "1" in page.message.text()
    with demo_store.read() as s:
        shop = s.exec(select(Place).where(Place.name == "便民超市")).one()
    assert shop.kind == "shop" and shop.phone == "13905710018" and shop.area_id == grid.id
