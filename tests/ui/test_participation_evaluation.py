"""年度评价 driven like community staff: the year's figures per member (checked against the ledger and the
orders themselves), one PDF for a member and one Excel workbook per employer unit."""

from __future__ import annotations

from datetime import datetime, timezone

import openpyxl
from PySide6.QtCore import Qt
import pytest
from sqlmodel import select

from gridworker.domain.participation_records import LedgerEntry, Member, ServiceOrder
from gridworker.ui.participation.evaluation import EvaluationTab

from .conftest_participation import STAFF, TODAY, p_account, p_ctx, p_store, participation_template, show  # noqa: F401

pytestmark = pytest.mark.timeout(120)
CN = timezone.utc  # the demo's entries are far from midnight: UTC bounds give the same year


def expected(store, year: int) -> dict[str, tuple[int, int]]:
    """Member → (points earned in the year, orders completed), from the records themselves."""
    lo, hi = datetime(year, 1, 1, tzinfo=CN), datetime(year + 1, 1, 1, tzinfo=CN)
    with store.read() as s:
        entries = list(s.exec(select(LedgerEntry)))
        orders = list(s.exec(select(ServiceOrder).where(ServiceOrder.status == "verified")))
    by_id = {e.id: e for e in entries}
    points: dict[str, int] = {}
    for e in entries:
        at = by_id[e.reverses].at if e.reverses else e.at
        if e.source_kind != "redemption" and lo <= at < hi:
            points[e.member_id] = points.get(e.member_id, 0) + e.points
    done: dict[str, int] = {}
    for o in orders:
        if lo <= o.verified_at < hi:
            for m in o.takers:
                done[m] = done.get(m, 0) + 1
    return {m: (points.get(m, 0), done.get(m, 0)) for m in set(points) | set(done)}


def test_the_years_figures_a_pdf_and_a_workbook_per_employer(qtbot, p_ctx, p_store, tmp_path):
    tab = show(qtbot, EvaluationTab(p_ctx(STAFF, "zh")))
    tab.year.setValue(TODAY.year)
    tab.on_shown()
    with p_store.read() as s:
        approved = {m.id: m for m in s.exec(select(Member).where(Member.status == "approved"))}
    qtbot.waitUntil(lambda: tab.model.rowCount() == len(approved), timeout=10_000)
    want = expected(p_store, TODAY.year)
    for row in tab.model.rows():
        assert (row.points, row.orders) == want.get(row.member_id, (0, 0)), row.name
    assert any(r.orders for r in tab.model.rows()) and any(r.rating for r in tab.model.rows())
    assert not tab.pdf_button.isEnabled()  # no member chosen yet

    tab.export_folder = str(tmp_path)
    best = max(range(tab.model.rowCount()), key=lambda i: tab.model.row(i).orders)
    tab.table.selectRow(best)
    member = tab.model.row(best)
    qtbot.mouseClick(tab.pdf_button, Qt.LeftButton)
    [pdf] = tmp_path.glob("*.pdf")
    assert member.name in pdf.name and pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 2000
    assert "已保存" in tab.message.text()

    tab.excel_button.click()
    qtbot.waitUntil(lambda: len(list(tmp_path.glob("*.xlsx"))) > 0 and "工作簿" in tab.message.text(), timeout=10_000)
    employers = {m.employer for m in approved.values()}
    books = sorted(tmp_path.glob("*.xlsx"))
    assert len(books) == len(employers)
    seen = {}
    for book in books:
        sheet = openpyxl.load_workbook(book).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][0] == "姓名" and rows[0][4] == "年度积分"
        assert {r[1] for r in rows[1:]} == {rows[1][1]}  # one employer per workbook
        for r in rows[1:]:
            seen[r[0], r[1]] = r[4]
    assert sum(seen.values()) == sum(r.points for r in tab.model.rows())
    assert len(seen) == len(approved)


def test_a_folder_that_cannot_be_written_is_said_not_saved(qtbot, p_ctx, p_store, tmp_path):
    """The folder chosen before went away (or is a file now): the PDF and the workbooks are not written, and the
    tab says so in words — never "Saved" for a file that is not there, never an exception's text."""
    tab = show(qtbot, EvaluationTab(p_ctx(STAFF)))
    tab.year.setValue(TODAY.year)
    tab.on_shown()
    qtbot.waitUntil(lambda: tab.model.rowCount() > 0, timeout=10_000)
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("x")
    tab.export_folder = str(blocked)
    tab.table.selectRow(0)
    qtbot.waitUntil(tab.pdf_button.isEnabled)
    qtbot.mouseClick(tab.pdf_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: tab.message.text().startswith("Cannot write"), timeout=10_000)
    assert "Saved" not in tab.message.text() and "Errno" not in tab.message.text()
    assert tab.export_folder is None  # asked again next time
    tab.export_folder = str(blocked)
    tab.say("")
    tab.excel_button.click()
    qtbot.waitUntil(lambda: tab.message.text().startswith("Cannot write"), timeout=10_000)
    assert "Errno" not in tab.message.text() and tab.excel_button.isEnabled() and tab.export_folder is None
    assert not list(tmp_path.glob("*.pdf")) and not list(tmp_path.glob("*.xlsx")) and blocked.read_text() == "x"
