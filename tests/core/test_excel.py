"""Excel/CSV import and export of the register: real .xlsx files written with openpyxl, read back by the import."""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlmodel import func, select

from gridworker.cli import main
from gridworker.domain import idnumber
from gridworker.domain.enums import Gender
from gridworker.domain.models import Area, Building, Household, Membership, Outbox, Person
from gridworker.services import register
from gridworker.services.excel import export_sheet, export_workbook, import_register, write_template
from tests.conftest import PASSWORD

ID_ZHANG = idnumber.make("110105", date(1980, 5, 17), 124, Gender.female)
ID_WANG = idnumber.make("330106", date(1952, 3, 1), 11, Gender.male)
ID_LI = idnumber.make("330106", date(2010, 9, 9), 30, Gender.female)
ID_ZHAO = idnumber.make("410102", date(1990, 1, 2), 55, Gender.male)
ID_SUN = idnumber.make("110105", date(1999, 1, 1), 20, Gender.female)

B_HEAD = ["社区", "网格", "小区", "楼栋", "单元数", "层数"]
H_HEAD = ["社区", "网格", "小区", "楼栋", "单元", "房号", "住房性质", "电话"]
P_HEAD = ["网格", "小区", "楼栋", "单元", "房号", "姓名", "性别", "身份证号", "出生日期", "电话", "与户主关系", "户籍类型", "标签"]

BASE = {
    "楼栋": [B_HEAD, ["幸福社区", "第一网格", "阳光小区", "1号楼", 2, 6], ["幸福社区", "第一网格", "阳光小区", "2号楼", 1, 5]],
    "住户": [
        H_HEAD,
        ["幸福社区", "第一网格", "阳光小区", "1号楼", 1, 301, "自住", "0571-88001234"],
        ["幸福社区", "第一网格", "阳光小区", "1号楼", 1, 302, "出租", None],
        ["幸福社区", "第一网格", "阳光小区", "2号楼", 1, 101, "自住", None],
    ],
    "人员": [
        P_HEAD,
        ["第一网格", "阳光小区", "1号楼", 1, 301, "张美玲", "女", ID_ZHANG, None, "13912345678", "户主", "户籍", "党员"],
        ["第一网格", "阳光小区", "1号楼", 1, 301, "王建国", None, ID_WANG, None, None, "配偶", "户籍", "老年人、退役军人"],
        ["第一网格", "阳光小区", "1号楼", 1, 301, "李小雨", None, ID_LI, None, None, "子女", "户籍", None],
        ["第一网格", "阳光小区", "1号楼", 1, 302, "赵磊", None, None, None, "13700001111", "租户", "流动", None],
    ],
}


def write_book(path: Path, sheets: dict[str, list[list]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def counts(store) -> dict[str, int]:
    with store.read() as s:
        return {
            m.__name__: s.exec(select(func.count()).select_from(m)).one()
            for m in (Area, Building, Household, Person, Membership, Outbox)
        }


def outbox_rows(store, after_seq: int = 0) -> list[Outbox]:
    with store.read() as s:
        return list(s.exec(select(Outbox).where(Outbox.seq > after_seq).order_by(Outbox.seq)))


def last_seq(store) -> int:
    with store.read() as s:
        return s.exec(select(func.coalesce(func.max(Outbox.seq), 0))).one()


def person(store, name: str) -> Person:
    with store.read() as s:
        return s.exec(select(Person).where(Person.name == name)).one()


@pytest.fixture
def base_file(tmp_path) -> Path:
    return write_book(tmp_path / "base.xlsx", BASE)


@pytest.fixture
def imported(store, base_file):
    report = import_register(store, base_file, create_areas=True)
    assert report.committed and not report.errors
    return report


# -- template -----------------------------------------------------------------
def test_template_is_styled_and_round_trips(store, tmp_path):
    path = write_template(tmp_path / "register.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[1:] == ["楼栋", "住户", "人员"] and "说明" in wb.sheetnames
    ws = wb["人员"]
    headers = [c.value for c in ws[1]]
    assert {"社区", "网格", "姓名", "性别", "身份证号", "出生日期", "与户主关系", "户籍类型", "状态"} <= set(headers)
    assert ws.freeze_panes == "A2" and ws["A1"].font.b
    letter = {h: openpyxl.utils.get_column_letter(i + 1) for i, h in enumerate(headers)}
    lists = {str(dv.sqref).split(":")[0].rstrip("0123456789"): dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"}
    assert lists[letter["性别"]] == '"男,女"'
    assert "户主" in lists[letter["与户主关系"]] and "流动" in lists[letter["户籍类型"]] and "迁出" in lists[letter["状态"]]
    assert "出租" in next(iter({dv.formula1 for dv in wb["住户"].data_validations.dataValidation if dv.type == "list"}))
    assert ws.column_dimensions[letter["身份证号"]].number_format == "@"  # 18 digits stay text in Excel
    assert ws.column_dimensions[letter["身份证号"]].width >= 18

    # Fill it in by header, as a person would, and import it.
    for title, rows in BASE.items():
        sheet = wb[title]
        at = {h.value: i for i, h in enumerate(sheet[1])}
        for row in rows[1:]:
            cells = [None] * len(at)
            for header, value in zip(rows[0], row):
                cells[at[header]] = value
            sheet.append(cells)
    wb.save(path)
    seen = []
    report = import_register(store, path, create_areas=True, progress=lambda done, total: seen.append((done, total)))
    assert report.committed and report.errors == []
    assert [(r.sheet, r.new) for r in report.sheets] == [("楼栋", 2), ("住户", 3), ("人员", 4)]
    assert seen[-1] == (9, 9)
    assert report.ignored_sheets == [] and not any("忽略" in line for line in report.lines("zh"))  # our own 说明 sheet
    with store.read() as s:
        community = s.exec(select(Area).where(Area.name == "幸福社区")).one()
        grid = s.exec(select(Area).where(Area.name == "第一网格")).one()
        assert (community.level, grid.level, grid.parent_id) == ("community", "grid", community.id)
        b1 = s.exec(select(Building).where(Building.name == "1号楼")).one()
        assert (b1.area_id, b1.estate, b1.units, b1.floors) == (grid.id, "阳光小区", 2, 6)
        h301 = s.exec(select(Household).where(Household.room == "301")).one()
        assert (h301.unit, h301.floor, h301.housing, h301.phone) == ("1", 3, "owner", "0571-88001234")
    zhang = person(store, "张美玲")
    assert (zhang.gender, zhang.birth_date, zhang.relation, zhang.residence, zhang.tags) == ("female", date(1980, 5, 17), "head", "registered", ["party_member"])
    assert zhang.household_id == h301.id and zhang.area_id == grid.id
    assert person(store, "王建国").tags == ["elderly", "veteran"]
    with store.read() as s:
        assert s.get(Household, h301.id).head_person_id == zhang.id
    # Every record written is queued for the server.
    queued = {(o.entity, o.record_id) for o in outbox_rows(store)}
    with store.read() as s:
        for model in (Building, Household, Person, Membership):
            assert {(model.entity, r.id) for r in s.exec(select(model))} <= queued


def test_english_headers_and_labels(store, tmp_path):
    path = write_book(
        tmp_path / "en.xlsx",
        {
            "Buildings": [["Community", "Grid", "Estate", "Building", "Floors"], ["Sunny", "Grid 1", "Oak Court", "B1", 6]],
            "Households": [["Grid", "Estate", "Building", "Unit", "Room", "Housing"], ["Grid 1", "Oak Court", "B1", "1", "501", "Rented"]],
            "Persons": [
                ["Estate", "Building", "Unit", "Room", "Name", "Gender", "Birth date", "Relation", "Residence", "Status", "Tags"],
                ["Oak Court", "B1", "1", "501", "Tom", "Male", "1975-02-03", "Tenant", "Floating", "Living here", "Volunteer, Party member"],
            ],
        },
    )
    report = import_register(store, path, create_areas=True)
    assert report.committed and report.errors == [] and [r.new for r in report.sheets] == [1, 1, 1]
    tom = person(store, "Tom")
    assert (tom.gender, tom.birth_date, tom.relation, tom.residence, tom.status) == ("male", date(1975, 2, 3), "tenant", "floating", "active")
    assert set(tom.tags) == {"volunteer", "party_member"}
    with store.read() as s:
        assert s.get(Household, tom.household_id).housing == "rented"


# -- errors ---------------------------------------------------------------------
def bad_person_rows():
    bad_check = ID_ZHAO[:-1] + ("0" if ID_ZHAO[-1] != "0" else "1")
    rows = [
        P_HEAD,
        ["第一网格", "阳光小区", "2号楼", 1, 101, "钱多多", "男", ID_ZHAO, None, "13600002222", "户主", "常住", None],  # 2 good
        ["第一网格", "阳光小区", "2号楼", 1, 101, "孙一", None, bad_check, None, None, "子女", None, None],  # 3 checksum
        ["第一网格", "阳光小区", "2号楼", 1, 101, "孙二", "男", ID_SUN, None, None, None, None, None],  # 4 gender
        ["第一网格", "阳光小区", "2号楼", 1, 101, "孙三", None, None, None, "12345", None, None, None],  # 5 phone
        ["第一网格", "阳光小区", "2号楼", 1, 101, "孙四", None, None, None, None, "表哥", None, None],  # 6 relation label
        ["第一网格", "阳光小区", "2号楼", 1, 909, "孙五", None, None, None, None, None, None, None],  # 7 no household
        ["第一网格", "阳光小区", "2号楼", 1, 101, "钱多多", "男", ID_ZHAO, None, None, None, None, None],  # 8 duplicate of row 2
        ["第一网格", "阳光小区", "2号楼", 1, 101, "孙六", None, float(ID_ZHAO), None, None, None, None, None],  # 9 ID as number
        ["第一网格", "阳光小区", "2号楼", 1, 101, "冒名", None, ID_WANG, None, None, None, None, None],  # 10 ID of 王建国
        ["第一网格", "阳光小区", "9号楼", 1, 101, "孙七", None, None, None, None, None, None, None],  # 11 no building
        ["第一网格", "阳光小区", "2号楼", 1, 101, None, "女", None, None, None, None, None, None],  # 12 no name
        ["第一网格", "阳光小区", "2号楼", 1, 101, "孙八", None, None, "1990-02-30", None, None, None, None],  # 13 bad date
        ["第一网格", "阳光小区", "2号楼", 1, 101, "孙九", None, None, None, None, None, None, "独居老人、会计"],  # 14 unknown tag
    ]
    households = [
        H_HEAD,
        ["幸福社区", "第一网格", "阳光小区", "8号楼", 1, 101, "自住", None],  # 2 no building
        ["幸福社区", "第一网格", "阳光小区", "2号楼", 1, "102", "自住", None],  # 3 good
        ["幸福社区", "第一网格", "阳光小区", "2号楼", 1.0, 102.0, "出租", None],  # 4 the same household again
    ]
    expected = {
        ("人员", 3, "H", "身份证号"),
        ("人员", 4, "G", "性别"),
        ("人员", 5, "J", "电话"),
        ("人员", 6, "K", "与户主关系"),
        ("人员", 7, "E", "房号"),
        ("人员", 8, "H", "身份证号"),
        ("人员", 9, "H", "身份证号"),
        ("人员", 10, "H", "身份证号"),
        ("人员", 11, "C", "楼栋"),
        ("人员", 12, "F", "姓名"),
        ("人员", 13, "I", "出生日期"),
        ("人员", 14, "M", "标签"),
        ("住户", 2, "D", "楼栋"),
        ("住户", 4, "F", "房号"),
    }
    return {"住户": households, "人员": rows}, expected


def test_strict_import_with_bad_rows_changes_nothing_and_names_every_bad_cell(store, imported, tmp_path):
    sheets, expected = bad_person_rows()
    path = write_book(tmp_path / "bad.xlsx", sheets)
    before, seq = counts(store), last_seq(store)
    report = import_register(store, path, create_areas=True)
    assert not report.committed
    assert {(e.sheet, e.row, e.column, e.header) for e in report.errors} == expected
    assert counts(store) == before and last_seq(store) == seq
    by_row = {e.row: e for e in report.errors if e.sheet == "人员"}
    assert "第3行 H列（身份证号）" in by_row[3].message("zh") and "校验" in by_row[3].message("zh")
    assert "row 9, column H (身份证号)" in by_row[9].message("en") and "Text" in by_row[9].en
    assert "王建国" in by_row[10].zh and "row 2" in by_row[8].en
    assert "表哥" in by_row[6].zh and by_row[7].code == "unknown_household"

    skipped = import_register(store, path, create_areas=True, skip_errors=True)
    assert skipped.committed and {(e.sheet, e.row, e.column, e.header) for e in skipped.errors} == expected
    people = skipped.result("person")
    assert (people.new, people.errors) == (1, 12)
    assert person(store, "钱多多").id_number == ID_ZHAO
    with store.read() as s:
        assert s.exec(select(func.count()).select_from(Person).where(Person.name.like("孙%"))).one() == 0
    assert counts(store)["Person"] == before["Person"] + 1


def test_dry_run_counts_and_changes_nothing(store, base_file):
    before = counts(store)
    report = import_register(store, base_file, create_areas=True, dry_run=True)
    assert not report.committed and report.errors == []
    assert [(r.new, r.updated, r.unchanged) for r in report.sheets] == [(2, 0, 0), (3, 0, 0), (4, 0, 0)]
    assert counts(store) == before


def test_linked_account_uses_only_its_areas(store, tmp_path):
    path = write_book(tmp_path / "b.xlsx", {"楼栋": [B_HEAD, ["幸福社区", "第一网格", "阳光小区", "1号楼", 2, 6]]})
    report = import_register(store, path, create_areas=False)
    assert not report.committed
    [e] = report.errors
    assert (e.row, e.column, e.header, e.code) == (2, "B", "网格", "unknown_area")
    community = register.register_area(store, code="330106001001", name="幸福社区", level="community")
    register.register_area(store, code="33010600100101", name="一网格", level="grid", parent_id=community.id)
    # The file may name the grid by its code.
    ws_rows = [B_HEAD, ["幸福社区", "33010600100101", "阳光小区", "1号楼", 2, 6]]
    report = import_register(store, write_book(tmp_path / "c.xlsx", {"楼栋": ws_rows}), create_areas=False)
    assert report.committed and report.result("building").new == 1
    assert counts(store)["Area"] == 2


def test_people_split_over_sheets_and_duplicates_across_them(store, imported, tmp_path):
    head = ["小区", "楼栋", "单元", "房号", "姓名", "身份证号"]
    path = write_book(tmp_path / "split.xlsx", {
        "一组": [head, ["阳光小区", "2号楼", 1, 101, "钱多多", ID_ZHAO]],
        "二组": [head, ["阳光小区", "2号楼", 1, 101, "孙一", None], ["阳光小区", "2号楼", 1, 101, "钱多多", ID_ZHAO]],
    })
    report = import_register(store, path, create_areas=True, skip_errors=True)
    assert [(r.sheet, r.new, r.errors) for r in report.sheets] == [("一组", 1, 0), ("二组", 1, 1)]
    [e] = report.errors
    assert (e.sheet, e.row, e.column) == ("二组", 3, "F") and "“一组”表第2行" in e.zh


# -- updates --------------------------------------------------------------------
def test_reimport_is_unchanged_and_one_changed_cell_sends_one_field(store, imported, base_file, tmp_path):
    seq = last_seq(store)
    again = import_register(store, base_file, create_areas=True)
    assert again.committed and [(r.new, r.updated, r.unchanged) for r in again.sheets] == [(0, 0, 2), (0, 0, 3), (0, 0, 4)]
    assert last_seq(store) == seq

    wb = openpyxl.load_workbook(base_file)
    wb["人员"]["J5"] = "13800138000"  # 赵磊's phone
    wb["住户"]["G3"] = "空置"  # 1-302 housing
    wb.save(tmp_path / "changed.xlsx")
    changed = import_register(store, tmp_path / "changed.xlsx", create_areas=True)
    assert [(r.new, r.updated, r.unchanged) for r in changed.sheets] == [(0, 0, 2), (0, 1, 2), (0, 1, 3)]
    rows = outbox_rows(store, seq)
    zhao = person(store, "赵磊")
    assert [(o.entity, o.fields) for o in rows] == [("household", {"housing": "vacant"}), ("person", {"phone": "13800138000"})]
    assert rows[1].record_id == zhao.id and zhao.phone == "13800138000"


def test_person_moves_household_by_id_number(store, imported, tmp_path):
    path = write_book(tmp_path / "move.xlsx", {"人员": [P_HEAD, ["第一网格", "阳光小区", "2号楼", 1, 101, "李小雨", None, ID_LI, None, None, "户主", None, None]]})
    report = import_register(store, path, create_areas=True)
    assert report.result("person").updated == 1
    li = person(store, "李小雨")
    with store.read() as s:
        h101 = s.exec(select(Household).where(Household.room == "101")).one()
        stays = list(s.exec(select(Membership).where(Membership.person_id == li.id).order_by(Membership.moved_in)))
    assert li.household_id == h101.id and li.relation == "head"
    assert sorted(m.moved_out is None for m in stays) == [False, True]  # the old stay closed, the new one open


# -- cell forms -------------------------------------------------------------------
def _inject_cached_value(path: Path, sheet_no: int, cell: str, value: str) -> None:
    """openpyxl writes formulas without a cached result; Excel writes both. Add the result Excel would have."""
    part = f"xl/worksheets/sheet{sheet_no}.xml"
    with zipfile.ZipFile(path) as z:
        files = {n: z.read(n) for n in z.namelist()}
    xml = files[part].decode()
    xml, n = re.subn(rf'<c r="{cell}"([^>]*)><f>(.*?)</f><v\s*/?>(</v>)?', rf'<c r="{cell}" t="str"><f>\2</f><v>{value}</v>', xml)
    assert n == 1
    files[part] = xml.encode()
    with zipfile.ZipFile(path, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)


def test_cell_forms_dates_floats_merged_cells_formulas_title_and_trailing_rows(store, imported, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "人员"
    ws.append(["阳光小区人员登记表"])  # a title row above the header
    ws.merge_cells("A1:H1")
    ws.append(["小区", "楼栋", "单元", "房号", "姓名", "身份证号", "出生日期", "电话"])
    ws.append(["阳光小区", "2号楼", 1.0, 101.0, "周一", None, datetime(1961, 4, 5), 13512345678])
    ws.append([None, None, 1, 101, "周二", None, "1962/7/8", None])
    ws.append([None, None, 1, 101, "周三", None, "1963年9月10日", None])
    ws.append([None, None, 1, 101, '="周"&"四"', None, 19640102, None])
    ws.merge_cells("A3:A6")  # 小区 and 楼栋 written once for four rows, as people do
    ws.merge_cells("B3:B6")
    ws["G6"].number_format = "General"
    for _ in range(3):
        ws.append([None, "", "  ", None])  # empty trailing rows
    path = tmp_path / "forms.xlsx"
    wb.save(path)
    _inject_cached_value(path, 1, "E6", "周四")
    report = import_register(store, path, create_areas=True)
    assert report.errors == [] and report.result("person").new == 4
    with store.read() as s:
        h101 = s.exec(select(Household).where(Household.room == "101")).one()
        people = {p.name: p for p in s.exec(select(Person).where(Person.household_id == h101.id))}
    assert {n: p.birth_date for n, p in people.items()} == {
        "周一": date(1961, 4, 5), "周二": date(1962, 7, 8), "周三": date(1963, 9, 10), "周四": date(1964, 1, 2)
    }
    assert people["周一"].phone == "13512345678"


def _excel_style_workbook(path: Path) -> Path:
    """A workbook as Excel writes it (openpyxl writes neither shared strings nor cached formula results)."""
    from openpyxl.utils.datetime import to_excel

    main, rel = "http://schemas.openxmlformats.org/spreadsheetml/2006/main", "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    strings = ["小区", "楼栋", "单元", "房号", "姓名", "出生日期", "备注", "阳光小区", "2号楼", None, "冯一", "冯二", "旧的"]
    si = "".join(
        f"<si><t>{t}</t></si>" if t else "<si><r><t>欧阳</t></r><r><rPr><b/></rPr><t>娜娜</t></r><rPh sb=\"0\" eb=\"2\"><t>ouyang</t></rPh></si>"
        for t in strings
    )

    def cells(r: int, *values: str) -> str:
        return f'<row r="{r}">' + "".join(values) + "</row>"

    def s(ref: str, i: int) -> str:
        return f'<c r="{ref}" t="s"><v>{i}</v></c>'

    def n(ref: str, v, style: int = 0) -> str:
        return f'<c r="{ref}" s="{style}"><v>{v}</v></c>'

    sheet = (
        f'<worksheet xmlns="{main}"><dimension ref="A1:G6"/><sheetData>'
        + cells(1, *(s(f"{c}1", i) for c, i in zip("ABCDEFG", range(7))))
        + cells(2, s("A2", 7), s("B2", 8), n("C2", 1), n("D2", 101), s("E2", 9), n("F2", to_excel(date(1980, 5, 17)), 1))
        + cells(3, n("C3", 1), n("D3", 101), s("E3", 10), n("F3", to_excel(date(1981, 6, 18)), 2))
        + cells(4, n("C4", 1), n("D4", 101), s("E4", 11), n("F4", to_excel(date(1982, 7, 19)), 3))
        + cells(5, n("C5", 1), n("D5", 101), '<c r="E5" t="str"><f>CONCAT("冯","三")</f><v>冯三</v></c>')
        + cells(6, n("C6", 1), n("D6", 101), s("E6", 10), '<c r="G6" t="e"><f>VLOOKUP(A1,Z:Z,2,0)</f><v>#N/A</v></c>')
        + '</sheetData><mergeCells count="2"><mergeCell ref="A2:A6"/><mergeCell ref="B2:B6"/></mergeCells></worksheet>'
    )
    hidden = f'<worksheet xmlns="{main}"><sheetData>' + cells(1, s("A1", 4)) + cells(2, s("A2", 12)) + "</sheetData></worksheet>"
    files = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        "</Types>",
        "_rels/.rels": f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
        '<sheet name="人员" sheetId="1" r:id="rId1"/><sheet name="旧数据" sheetId="2" state="hidden" r:id="rId2"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{rel}/worksheet" Target="/xl/worksheets/sheet2.xml"/>'
        f'<Relationship Id="rId3" Type="{rel}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId4" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        # xf 1: built-in date 14; xf 2: a custom yyyy/m/d; xf 3: id 31, the Chinese-locale yyyy"年"m"月"d"日".
        "xl/styles.xml": f'<styleSheet xmlns="{main}"><numFmts count="1"><numFmt numFmtId="176" formatCode="yyyy/m/d;@"/></numFmts>'
        '<fonts count="1"><font><sz val="11"/><name val="宋体"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs><cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="14"/>'
        '<xf numFmtId="176"/><xf numFmtId="31"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/></cellStyles></styleSheet>',
        "xl/sharedStrings.xml": f'<sst xmlns="{main}" count="{len(strings)}" uniqueCount="{len(strings)}">{si}</sst>',
        "xl/worksheets/sheet1.xml": sheet,
        "xl/worksheets/sheet2.xml": hidden,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, xml in files.items():
            z.writestr(name, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + xml)
    return path


def test_workbook_as_excel_writes_it(store, imported, tmp_path):
    """Shared strings with rich text and phonetic guides, date formats, cached formula results, errors, hidden sheets."""
    path = _excel_style_workbook(tmp_path / "excel.xlsx")
    assert openpyxl.load_workbook(path).sheetnames == ["人员", "旧数据"]  # a valid file by openpyxl's reading too
    report = import_register(store, path, create_areas=True)
    assert report.ignored_sheets == [] and [(e.row, e.column, e.header, e.code) for e in report.errors] == [(6, "G", "备注", "error_cell")]
    report = import_register(store, path, create_areas=True, skip_errors=True)
    assert report.result("person").new == 4
    with store.read() as s:
        born = {p.name: p.birth_date for p in s.exec(select(Person).where(Person.name.in_(["欧阳娜娜", "冯一", "冯二", "冯三"])))}
    assert born == {"欧阳娜娜": date(1980, 5, 17), "冯一": date(1981, 6, 18), "冯二": date(1982, 7, 19), "冯三": None}


def test_csv_export_with_bom_and_labels_reimports_unchanged(store, imported, tmp_path):
    out = tmp_path / "persons.csv"
    assert export_sheet(store, "persons", out) == 4
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("社区,网格,小区,楼栋,单元,房号,姓名,性别,身份证号")
    zhang = next(line for line in lines if "张美玲" in line)
    assert ",女," in zhang and ",户主," in zhang and ",在住," in zhang and "female" not in zhang
    seq = last_seq(store)
    report = import_register(store, out, create_areas=True)
    assert report.committed and report.result("person").unchanged == 4 and last_seq(store) == seq

    # Excel on a Chinese Windows saves CSV as GB18030 (GBK): read it too.
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("小区,楼栋,单元,房号,姓名,性别\n阳光小区,2号楼,1,101,吴芳,女\n".encode("gb18030"))
    report = import_register(store, gbk, create_areas=True)
    assert report.committed and report.result("person").new == 1 and person(store, "吴芳").gender == "female"


def test_export_workbook_round_trip_into_a_new_account(store, accounts, imported, tmp_path):
    path = tmp_path / "all.xlsx"
    assert export_workbook(store, path) == {"building": 2, "household": 3, "person": 4}
    seq = last_seq(store)
    same = import_register(store, path, create_areas=True)
    assert [(r.sheet, r.unchanged) for r in same.sheets] == [("楼栋", 2), ("住户", 3), ("人员", 4)] and last_seq(store) == seq

    accounts.create("other", PASSWORD)
    _account, other = accounts.open("other", PASSWORD)
    with other:
        report = import_register(other, path, create_areas=True)
        assert report.errors == [] and [r.new for r in report.sheets] == [2, 3, 4]
        mine, theirs = counts(store), counts(other)
        assert {k: theirs[k] for k in ("Area", "Building", "Household", "Person", "Membership")} == {
            k: mine[k] for k in ("Area", "Building", "Household", "Person", "Membership")
        }
        zhang = person(other, "张美玲")
        assert (zhang.id_number, zhang.tags, zhang.relation) == (ID_ZHANG, ["party_member"], "head")

    en = tmp_path / "en.xlsx"
    export_sheet(store, "households", en, lang="en")
    ws = openpyxl.load_workbook(en)["Households"]
    assert [c.value for c in ws[1]][:6] == ["Community", "Grid", "Estate", "Building", "Unit", "Room"]
    assert {ws.cell(r, 9).value for r in range(2, 5)} == {"Owner-occupied", "Rented"}


# -- command line -------------------------------------------------------------------
def test_cli_template_import_export_and_exit_codes(store, base_file, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GRIDWORKER_PASSWORD", PASSWORD)
    assert main(["--lang", "en", "template", "-o", str(tmp_path / "t.xlsx")]) == 0
    assert openpyxl.load_workbook(tmp_path / "t.xlsx")["Persons"]["A1"].value == "Community"
    assert main(["--lang", "en", "import", str(base_file), "--dry-run"]) == 0
    assert "4 to add" in capsys.readouterr().out and counts(store)["Person"] == 0
    assert main(["--lang", "en", "import", str(base_file)]) == 0
    out = capsys.readouterr().out
    assert "Import complete" in out and " 4 new" in out and counts(store)["Person"] == 4

    sheets, expected = bad_person_rows()
    bad = write_book(tmp_path / "bad.xlsx", sheets)
    assert main(["--lang", "en", "import", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "Nothing was imported" in out and "sheet '人员', row 3, column H (身份证号)" in out
    assert " updated" not in out and "(nothing written)" in out  # not "1 updated" when nothing was
    assert len(re.findall(r"^sheet '", out, re.M)) == len(expected)
    assert main(["--lang", "en", "import", str(bad), "--dry-run"]) == 1
    assert main(["--lang", "en", "import", str(bad), "--skip-errors"]) == 0
    assert counts(store)["Person"] == 5
    assert main(["import", str(tmp_path / "missing.xlsx")]) == 1
    assert main(["--lang", "en", "export", "buildings", "-o", str(tmp_path / "b.csv")]) == 0
    assert (tmp_path / "b.csv").read_text("utf-8-sig").splitlines()[0].startswith("Community,Grid,Estate,Building")


def test_a_number_too_big_for_a_float_is_named_by_its_cell_not_a_crash(store, tmp_path):
    """Issue 11: 1e400 in a number column crashed `gridworker import` with a traceback (int() of infinity)."""
    path = write_book(tmp_path / "huge.xlsx", {"楼栋": [B_HEAD, ["幸福社区", "第一网格", "阳光小区", "9号楼", 2, 98765],
                                                       ["幸福社区", "第一网格", "阳光小区", "8号楼", 1, 54321],
                                                       ["幸福社区", "第一网格", "阳光小区", "7号楼", 1, 13579]]})  # fmt: skip
    part = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as z:
        files = {n: z.read(n) for n in z.namelist()}
    xml = files[part].decode()
    assert "<v>98765</v>" in xml and "<v>54321</v>" in xml and "<v>13579</v>" in xml
    files[part] = (
        xml.replace("<v>98765</v>", "<v>1e400</v>").replace("<v>54321</v>", "<v>-1E+400</v>")
        .replace("<v>13579</v>", f"<v>{'9' * 5000}</v>").encode()
    )
    with zipfile.ZipFile(path, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    before = counts(store)
    report = import_register(store, path, create_areas=True)
    assert not report.committed and counts(store) == before
    assert {(e.sheet, e.row, e.column) for e in report.errors} == {("楼栋", 2, "F"), ("楼栋", 3, "F"), ("楼栋", 4, "F")}
    assert all("层数" in e.message("zh") for e in report.errors)


def test_a_sheet_of_the_users_that_is_not_a_register_sheet_is_still_named(store, tmp_path):
    book = write_book(tmp_path / "r.xlsx", {**BASE, "说明": [["联系人：王丽"], ["电话 13800000000"]]})
    report = import_register(store, book, create_areas=True)
    assert report.committed and report.ignored_sheets == ["说明"]
    assert "工作表“说明”不是楼栋、住户或人员表，已忽略" in report.lines("zh")



def test_a_building_in_a_grid_outside_the_accounts_areas_names_the_grid_cell_and_the_rest_is_checked(store, tmp_path):
    """A grid worker's file with a building of another grid: the grid cell is named (sheet, row, column), every
    other row and sheet is still checked and counted, and nothing is written."""
    from gridworker.services.scope import remember_scope

    other = {"楼栋": [B_HEAD, ["幸福社区", "第二网格", "花园小区", "9号楼", 3, 18]]}
    setup = {**BASE, "楼栋": BASE["楼栋"] + other["楼栋"][1:]}
    assert import_register(store, write_book(tmp_path / "setup.xlsx", setup), create_areas=True).committed
    with store.read() as s:
        mine = s.exec(select(Area).where(Area.name == "第一网格")).one()
    with store.write() as s:
        remember_scope(s, "worker", [mine.id])
    before = counts(store)
    book = {"楼栋": [B_HEAD, ["幸福社区", "第二网格", "花园小区", "10号楼", 3, 18], ["幸福社区", "第一网格", "阳光小区", "3号楼", 2, 6]],
            "住户": [H_HEAD, ["幸福社区", "第一网格", "阳光小区", "3号楼", 1, 101, "自住", None]]}  # fmt: skip
    report = import_register(store, write_book(tmp_path / "r.xlsx", book), create_areas=False)  # linked: no new areas
    assert not report.committed and counts(store) == before
    [error] = report.errors
    assert (error.sheet, error.row, error.header, error.code) == ("楼栋", 2, "网格", "out_of_scope") and error.column
    assert "第二网格" in error.zh and "不在您负责的范围内" in error.zh
    assert [(r.sheet, r.new, r.errors) for r in report.sheets] == [("楼栋", 1, 1), ("住户", 1, 0)]
