"""calamine reads a workbook's sheets into the same rows as the expat reader (services/excel_calamine.py); the
sheets it would read differently (error cells, phonetic guides, the 1904 calendar) are left to the expat reader."""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from gridworker.services import excel_calamine
from gridworker.services.excel_reader import ErrorValue, read_xlsx

pytest.importorskip("python_calamine")


def _book(path: Path, *, date1904: bool = False) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "人员"
    ws["A1"] = "人员名单（2026年）"  # a title row
    ws.append([])
    ws.append(["姓名", "房号", "单元", "出生日期", "登记时间", "面积", "党员", "电话"])
    ws.append(["张美玲", 301, "1", date(1980, 5, 17), datetime(2020, 1, 2, 3, 4, 5), 87.5, True, "13912345678"])
    ws.append(["  ", None, "   "])  # blank: left out
    ws.append(["王建国", "B-502", 2, 19800517, None, 1e16, False, " 0571-88001234 "])
    ws.append(["李小雨", "1203", None, "1980-05-17"])
    ws["A9"] = "合并"
    ws.merge_cells("A9:C10")
    ws["D10"] = "=1+1"
    ws["H12"] = "末列"
    ws["A13"] = "a&b <c> \"d\""
    ws.column_dimensions["D"].number_format = "yyyy年m月d日"
    ws["D11"] = date(1999, 12, 31)
    ws["D11"].number_format = "yyyy年m月d日"
    other = wb.create_sheet("楼栋")
    other.append(["楼栋", "单元数"])
    other.append(["1号楼", 2])
    hidden = wb.create_sheet("隐藏")
    hidden["A1"] = "x"
    hidden.sheet_state = "hidden"
    if date1904:
        wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    wb.save(path)
    return path


def _both(path: Path, monkeypatch) -> tuple[list, list, int]:
    used = []
    rows = excel_calamine._Fast.rows

    def counting(self, title, xml):
        out = rows(self, title, xml)
        used.append(out is not None)
        return out

    with monkeypatch.context() as m:
        m.setattr(excel_calamine._Fast, "rows", counting)
        fast = read_xlsx(path)
    with monkeypatch.context() as m:
        m.setattr(excel_calamine, "python_calamine", None)
        slow = read_xlsx(path)
    return fast, slow, sum(used)


def _same_cells(fast, slow) -> None:
    """Equal rows; a date cell may come as a date from calamine and as a datetime at midnight from expat."""
    assert [(t.name, [n for n, _ in t.rows]) for t in fast] == [(t.name, [n for n, _ in t.rows]) for t in slow]
    for ft, st in zip(fast, slow):
        for (_n, fv), (_m, sv) in zip(ft.rows, st.rows):
            assert len(fv) == len(sv), (fv, sv)
            for a, b in zip(fv, sv):
                if isinstance(b, datetime) and not isinstance(a, datetime) and isinstance(a, date):
                    b = b.date()
                assert (type(a), a) == (type(b), b)


def test_calamine_gives_the_rows_the_expat_reader_gives(tmp_path, monkeypatch):
    fast, slow, used = _both(_book(tmp_path / "book.xlsx"), monkeypatch)
    assert used == 2  # both visible sheets were read by calamine
    _same_cells(fast, slow)
    people = dict(fast[0].rows)
    assert people[4][:7] == ["张美玲", 301, "1", date(1980, 5, 17), datetime(2020, 1, 2, 3, 4, 5), 87.5, True]
    assert 5 not in people and people[9][:3] == people[10][:3] == ["合并"] * 3 and people[13] == ["a&b <c> \"d\""]


def test_sheets_with_error_cells_and_1904_books_are_read_by_expat(tmp_path, monkeypatch):
    path = _book(tmp_path / "errors.xlsx")
    with zipfile.ZipFile(path) as z:
        files = {n: z.read(n) for n in z.namelist()}
    part = "xl/worksheets/sheet1.xml"
    xml, n = re.subn(r'<c r="D10"([^>]*)><f>(.*?)</f><v\s*/?>(</v>)?', r'<c r="D10" t="e"><f>\2</f><v>#REF!</v>', files[part].decode())
    assert n == 1
    files[part] = xml.encode()
    with zipfile.ZipFile(path, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    fast, slow, used = _both(path, monkeypatch)
    assert used == 1  # the building sheet only
    _same_cells(fast, slow)
    assert dict(fast[0].rows)[10][3] == ErrorValue("#REF!")

    fast, slow, used = _both(_book(tmp_path / "mac.xlsx", date1904=True), monkeypatch)
    assert used == 0 and fast == slow
