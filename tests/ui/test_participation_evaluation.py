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

from .conftest_participation import STAFF, TODAY, WORKER, p_account, p_ctx, p_store, participation_template, show  # noqa: F401

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


def test_the_community_rates_a_member_offline_and_the_files_carry_the_rating_and_self_assessment(qtbot, p_ctx, p_store, tmp_path):
    from gridworker.domain.models import Outbox
    from gridworker.domain.participation.evaluation import evaluation_id
    from gridworker.domain.participation_records import Evaluation

    from .pdf_text import pdf_text

    tab = show(qtbot, EvaluationTab(p_ctx(STAFF, "zh")))
    tab.year.setValue(TODAY.year)
    with p_store.read() as s:
        approved = list(s.exec(select(Member).where(Member.status == "approved")))
    with p_store.read() as s:
        evaluated = set(s.exec(select(Evaluation.member_id)))
    assert evaluated  # the demo's: a few members wrote theirs, two of them rated
    member = next(m for m in approved if m.id not in evaluated)
    own_words = "全年参加志愿服务十二次，带头参加防汛值守。"
    with p_store.write() as s:  # as pulled from the server: the member wrote it on the phone pages
        s.add(Evaluation(id=evaluation_id(member.id, TODAY.year), area_id=member.area_id, version=1, member_id=member.id,
                         year=TODAY.year, self_assessment=own_words, self_assessed_at=datetime(2025, 5, 30, tzinfo=CN)))
    tab.on_shown()
    qtbot.waitUntil(lambda: tab.model.rowCount() == len(approved), timeout=10_000)
    assert {r.grade for r in tab.model.rows() if r.self_assessment} >= {"excellent", "qualified", None}  # the demo's
    index = next(i for i in range(tab.model.rowCount()) if tab.model.row(i).member_id == member.id)
    assert not tab.rate_button.isEnabled()  # nothing chosen
    tab.table.selectRow(index)
    assert tab.self_text.toPlainText() == own_words and tab.grade.currentData() is None
    assert not tab.rate_button.isEnabled()  # no grade chosen
    tab.grade.setCurrentIndex(tab.grade.findText("优秀"))
    tab.grade_note.setText("服务积极，群众满意")
    qtbot.mouseClick(tab.rate_button, Qt.LeftButton)
    assert not tab.rate_button.isEnabled()  # off with the click itself
    qtbot.waitUntil(lambda: "测评已保存" in tab.message.text(), timeout=10_000)
    qtbot.waitUntil(lambda: tab.model.row(index) is not None and tab.model.row(index).grade == "excellent", timeout=10_000)

    with p_store.read() as s:
        saved = s.get(Evaluation, evaluation_id(member.id, TODAY.year))
        queued = [o for o in s.exec(select(Outbox).where(Outbox.entity == "evaluation"))]
    assert saved.self_assessment == own_words and saved.grade == "excellent" and saved.rated_by == STAFF.id
    assert len(queued) == 1 and queued[0].fields == {"grade": "excellent", "grade_note": "服务积极，群众满意"}

    tab.export_folder = str(tmp_path)
    tab.excel_button.click()
    qtbot.waitUntil(lambda: "工作簿" in tab.message.text(), timeout=10_000)
    found = []
    for book in tmp_path.glob("*.xlsx"):
        rows = list(openpyxl.load_workbook(book).active.iter_rows(values_only=True))
        assert rows[0][9:12] == ("个人自评", "社区测评", "测评意见")
        found += [r for r in rows[1:] if r[0] == member.name and r[1] == (member.employer or "未填单位")]
    assert [r[9:12] for r in found] == [(own_words, "优秀", "服务积极，群众满意")]

    tab.table.selectRow(next(i for i in range(tab.model.rowCount()) if tab.model.row(i).member_id == member.id))
    qtbot.mouseClick(tab.pdf_button, Qt.LeftButton)
    [pdf] = tmp_path.glob("*.pdf")
    text = "".join(pdf_text(pdf.read_bytes()).split())
    assert own_words in text and "优秀—服务积极，群众满意" in text


def test_a_rating_needs_a_grade_and_a_known_member(p_store):
    from gridworker.domain.errors import GridWorkerError
    from gridworker.services.participation.evaluation import rate

    with p_store.read() as s:
        member = s.exec(select(Member).where(Member.status == "approved")).first()
    with pytest.raises(GridWorkerError) as refused:
        rate(p_store, member.id, TODAY.year, "", None, actor_id=STAFF.id, actor_role=STAFF.role)
    assert refused.value.field == "grade"
    with pytest.raises(GridWorkerError):
        rate(p_store, "0b6c1f7e-0000-4000-8000-00000000ffff", TODAY.year, "qualified", None, actor_id=STAFF.id, actor_role=STAFF.role)
    with pytest.raises(GridWorkerError) as refused:  # the server would refuse a grid worker's rating: refused here first
        rate(p_store, member.id, TODAY.year, "qualified", None, actor_id=WORKER.id, actor_role=WORKER.role)
    assert refused.value.code == "role_not_allowed"


def test_a_grid_worker_sees_the_self_assessment_but_cannot_rate(qtbot, p_ctx, p_store):
    tab = show(qtbot, EvaluationTab(p_ctx(WORKER, "en")))
    tab.year.setValue(TODAY.year)
    tab.on_shown()
    qtbot.waitUntil(lambda: tab.model.rowCount() > 0, timeout=10_000)
    tab.table.selectRow(0)
    tab.grade.setCurrentIndex(1)
    assert tab.grade.currentText() == "Excellent" and not tab.rate_button.isEnabled()


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


def test_a_reload_keeps_the_grade_being_given_and_a_message_is_about_its_member(qtbot, p_ctx, p_store):
    """Points arriving for another member (a sync, another desk) reload the year's list: the member chosen stays,
    with the grade and note being given; "Rating saved" is about the member rated, gone when another is chosen."""
    from gridworker.services.participation import points as point_service

    ctx = p_ctx(STAFF)
    tab = show(qtbot, EvaluationTab(ctx))
    tab.year.setValue(TODAY.year)
    tab.on_shown()
    qtbot.waitUntil(lambda: tab.model.rowCount() > 1 and not ctx.runner.busy, timeout=10_000)
    member, other = tab.model.row(0), tab.model.row(1)
    tab.table.selectRow(0)
    tab.grade.setCurrentIndex(tab.grade.findData("excellent"))
    tab.grade_note.setText("服务积极")

    point_service.manual_entry(p_store, other.member_id, 3, "A17.02", "演示", verified_by=STAFF.id, actor_role=STAFF.role,
                               at=datetime(TODAY.year, 5, 30, 8, tzinfo=CN))
    qtbot.waitUntil(lambda: any(r.member_id == other.member_id and r.points == other.points + 3 for r in tab.model.rows())
                    and not ctx.runner.busy, timeout=10_000)
    assert tab.selected().member_id == member.member_id
    assert (tab.grade.currentData(), tab.grade_note.text()) == ("excellent", "服务积极")

    qtbot.mouseClick(tab.rate_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: tab.message.text().startswith("Rating saved") and not ctx.runner.busy, timeout=10_000)
    assert tab.message.text().startswith("Rating saved") and tab.selected().member_id == member.member_id  # kept
    tab.table.selectRow(next(i for i, r in enumerate(tab.model.rows()) if r.member_id == other.member_id))
    assert not tab.message.isVisible()  # it was about the member rated, not this one
