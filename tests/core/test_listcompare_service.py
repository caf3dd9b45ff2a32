"""List comparison end to end: a list read from .xlsx / .csv (UTF-8, BOM, GBK), compared with the register of the
account's areas, each group exported, the missing people's households planned as a walk-round. Counted by hand."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlmodel import select

from gridworker.domain import idnumber
from gridworker.domain.enums import Gender
from gridworker.domain.errors import GridWorkerError, OutOfScope
from gridworker.domain.fieldwork import Walkround
from gridworker.domain.listcompare import Columns
from gridworker.services import listcompare as svc
from gridworker.services import register, scope


def _id(seq: int) -> str:
    return idnumber.make("110101", date(1950 + seq, 1 + seq % 12, 1 + seq), seq, Gender.male)


A, B, C, E, F, G, H, I, J, K, L = (_id(i) for i in range(1, 12))


@dataclass
class Register:
    grid: str
    other_grid: str
    h101: str
    h201: str
    h302: str
    h2: str
    people: dict[str, str]


def make_register(store) -> Register:
    """Grid 1: 1号楼 with rooms 101, 201, 302; grid 2: 2号楼 room 101. Nine active people, one moved out."""
    community = register.register_area(store, code="C1", name="幸福社区", level="community")
    g1 = register.register_area(store, code="G1", name="第一网格", level="grid", parent_id=community.id)
    g2 = register.register_area(store, code="G2", name="第二网格", level="grid", parent_id=community.id)
    b1 = register.register_building(store, {"name": "1号楼", "estate": "幸福小区", "area_id": g1.id})
    b2 = register.register_building(store, {"name": "2号楼", "estate": "幸福小区", "area_id": g2.id})
    hh = {room: register.register_household(store, {"building_id": b1.id, "unit": "1", "room": room}).id
          for room in ("302", "101", "201")}  # fmt: skip
    h2 = register.register_household(store, {"building_id": b2.id, "unit": "1", "room": "101"}).id
    people = {}
    for key, name, ident, phone, household in [
        ("p1", "张三", A, "13800000001", hh["101"]),
        ("p2", "李四", B, "13800000002", hh["201"]),
        ("p3", "王五", C, "13800000003", hh["101"]),
        ("p4", "赵六", None, "13800000004", hh["302"]),
        ("p5", "刘七", E, "13800000005", hh["201"]),
        ("p6", "刘七", F, "13800000005", hh["302"]),  # same name and phone as p5
        ("p7", "陈八", G, None, hh["302"]),
        ("p8", "周九", H, "13800000008", h2),  # grid 2
        ("p9", "吴十", I, "13800000009", hh["302"]),
        ("p10", "郑十一", J, "13800000010", hh["201"]),  # moved out below: not compared
    ]:
        people[key] = register.register_person(
            store, {"name": name, "id_number": ident, "phone": phone, "household_id": household}).id  # fmt: skip
    register.mark_moved_out(store, people["p10"])
    return Register(g1.id, g2.id, hh["101"], hh["201"], hh["302"], h2, people)


TITLE = ["2026年幸福社区高龄补贴名单", "", "", "", ""]
HEADERS = ["序号", "姓名", "公民身份号码", "联系电话", "备注"]
ROWS = [
    [1, "张三", A, "13800000001", ""],  # same
    [2, "李四", B, "138 0000 0099", ""],  # differs: phone
    [3, "王 五", C.lower(), "+86 13800000003", ""],  # same
    [4, "赵六", "", "13800000004", "无身份证"],  # same, by name + phone
    [5, "刘七", "", "13800000005", ""],  # ambiguous: two people (p5, p6)
    [6, "孙悟空", K, "13900000000", ""],  # unknown
    [7, "猪八戒", L, "", ""],  # ┐ ambiguous: the same unknown ID twice
    [8, "猪八戒", L, "", ""],  # ┘
    [9, "沙僧", "", "", ""],  # ambiguous: neither ID nor name + phone
    [10, "郑十一", J, "13800000010", "已迁出"],  # unknown: moved out of the register
]
# missing: p7 陈八, p9 吴十 (302), p8 周九 (grid 2); p5 and p6 are named by the ambiguous row, not missing
COUNTS = {"missing": 3, "unknown": 2, "differs": 1, "ambiguous": 3, "ambiguous_rows": 4, "same": 3}


def write_xlsx(path: Path, rows=ROWS, *, title=True) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名单"
    if title:
        ws.append(TITLE[:1])
        ws.merge_cells("A1:E1")
        ws.append([])
    ws.append(HEADERS)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def write_csv(path: Path, encoding: str, rows=ROWS) -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        w = csv.writer(f)
        w.writerow(TITLE)
        w.writerow(HEADERS)
        w.writerows(rows)
    return path


@pytest.fixture
def reg(store) -> Register:
    return make_register(store)


@pytest.mark.parametrize("kind", ["xlsx", "utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_the_groups_of_a_list_in_every_format_counted_by_hand(store, reg, tmp_path, kind):
    path = write_xlsx(tmp_path / "名单.xlsx") if kind == "xlsx" else write_csv(tmp_path / "名单.csv", kind)
    listfile = svc.read_list(path)
    assert listfile.header_row == (3 if kind == "xlsx" else 2)  # the title row (and a blank one) skipped
    assert listfile.headers == HEADERS and len(listfile.rows) == len(ROWS)
    assert listfile.columns == Columns(id_number=2, name=1, phone=3)
    assert listfile.preview(2)[1] == ["2", "李四", B, "138 0000 0099", ""]
    c = svc.compare_list(store, listfile)
    assert {k: v for k, v in c.counts().items() if k in COUNTS} == COUNTS
    assert (c.counts()["rows"], c.counts()["people"], c.counts()["skipped"]) == (10, 9, 0)
    p = reg.people
    assert [m.person_id for m in c.result.missing] == [p["p7"], p["p9"], p["p8"]]  # walking order
    assert [listfile.row_numbers[r.index] for r in c.result.unknown] == [x + (3 if kind == "xlsx" else 2) for x in (6, 10)]
    [d] = c.result.differs
    assert (d.person.person_id, d.fields) == (p["p2"], ("phone",))
    assert sorted(a.reason for a in c.result.ambiguous) == ["duplicate_rows", "no_key", "several_people"]
    several = next(a for a in c.result.ambiguous if a.reason == "several_people")
    assert {x.person_id for x in several.people} == {p["p5"], p["p6"]}


def test_a_linked_worker_compares_with_their_own_grid_only(store, reg, tmp_path):
    with store.write() as s:
        scope.remember_scope(s, "worker", [reg.grid])
    c = svc.compare_list(store, svc.read_list(write_xlsx(tmp_path / "list.xlsx")))
    assert [m.person_id for m in c.result.missing] == [reg.people["p7"], reg.people["p9"]]  # 周九 is in grid 2
    assert c.counts()["people"] == 8
    assert svc.compare_list(store, svc.read_list(tmp_path / "list.xlsx"), area_id=reg.other_grid).counts()["people"] == 0
    walk = svc.plan_visits_for_missing(store, c, planner_id="w1")
    assert walk.household_ids == [reg.h302] and walk.area_id == reg.grid


def test_chosen_columns_replace_the_guess(store, reg, tmp_path):
    listfile = svc.read_list(write_csv(tmp_path / "l.csv", "gbk"))
    c = svc.compare_list(store, listfile, Columns(id_number=2))  # no name or phone compared
    counts = c.counts()
    # by ID only: 张三, 李四 (phone not compared), 王五 the same; 赵六, 刘七, 沙僧 have nothing in the ID column
    assert (counts["same"], counts["differs"], counts["unknown"], counts["skipped"]) == (3, 0, 2, 3)
    assert [a.reason for a in c.result.ambiguous] == ["duplicate_rows"]
    for bad, code in [(Columns(name=1), "no_key_column"), (Columns(id_number=9), "bad_column"),
                      (Columns(id_number=2, name=2, phone=3), "bad_column")]:  # fmt: skip
        with pytest.raises(GridWorkerError) as e:
            svc.compare_list(store, listfile, bad)
        assert e.value.code == code


def test_each_group_exported_with_the_lists_own_columns(store, reg, tmp_path):
    c = svc.compare_list(store, svc.read_list(write_xlsx(tmp_path / "补贴.xlsx")))
    paths = svc.export_all(c, tmp_path / "out", "zh")
    assert [p.name for p in paths] == [f"补贴-{svc.group_label(g)}.xlsx" for g in svc.GROUPS]
    sheets = {g: list(openpyxl.load_workbook(p).active.values) for g, p in zip(svc.GROUPS, paths)}
    assert [r[0] for r in sheets["missing"][1:]] == ["陈八", "吴十", "周九"]
    assert sheets["missing"][0] == ("姓名", "身份证号", "联系电话", "住址") and sheets["missing"][1][1] == G
    assert sheets["unknown"][0] == ("行号", *HEADERS) and [r[0] for r in sheets["unknown"][1:]] == [9, 13]
    assert sheets["unknown"][1][3] == K  # the ID number written as text, whole
    assert sheets["differs"][1][-3:] == ("李四", "13800000002", "电话")
    assert len(sheets["ambiguous"]) == 1 + 4 and sheets["ambiguous"][1][1] == "与登记簿中多人相符"
    assert "刘七" in sheets["ambiguous"][1][-1]
    english = svc.export_group(c, "differs", tmp_path / "differs", "en")
    assert english.suffix == ".xlsx" and list(openpyxl.load_workbook(english).active.values)[1][-1] == "phone"


def test_missing_becomes_a_walkround_in_walking_order(store, reg, tmp_path):
    c = svc.compare_list(store, svc.read_list(write_xlsx(tmp_path / "名单.xlsx")))
    walk = svc.plan_visits_for_missing(store, c, planner_id="w1")
    assert walk.household_ids == [reg.h302, reg.h2] and walk.name == "名单比对：名单"
    with store.read() as s:
        assert [w.id for w in s.exec(select(Walkround))] == [walk.id]
    everyone = [[0, n, i, ph, ""] for n, i, ph in [("陈八", G, ""), ("吴十", I, ""), ("周九", H, "")]] + ROWS
    nobody = svc.compare_list(store, svc.read_list(write_xlsx(tmp_path / "all.xlsx", everyone)))
    assert nobody.counts()["missing"] == 0
    with pytest.raises(GridWorkerError) as e:
        svc.plan_visits_for_missing(store, nobody)
    assert e.value.code == "nobody_to_visit"


def test_a_walkround_outside_the_grant_is_refused(store, reg, tmp_path):
    c = svc.compare_list(store, svc.read_list(write_xlsx(tmp_path / "名单.xlsx")))
    with store.write() as s:
        scope.remember_scope(s, "worker", [reg.other_grid])
    with pytest.raises(OutOfScope):  # the walk-round spans both grids: its area is the community
        svc.plan_visits_for_missing(store, c)


def test_id_numbers_excel_stored_as_numbers_are_named(store, reg, tmp_path):
    """18 digits do not fit Excel's 15: a number cell keeps 330102199608084000, a CSV from it says 3.30102E+17."""
    rows = [list(r) for r in ROWS]
    rows[0][2] = float(A)  # 张三's ID typed into a General cell
    path = write_xlsx(tmp_path / "numbers.xlsx", rows)
    c = svc.compare_list(store, svc.read_list(path))
    assert c.damaged_ids == [4] and c.counts()["damaged_ids"] == 1
    assert c.counts()["same"] == 2 and reg.people["p1"] in [m.person_id for m in c.result.missing]
    rows = [list(r) for r in ROWS]
    rows[1][2] = "3.30102E+17"
    c = svc.compare_list(store, svc.read_list(write_csv(tmp_path / "numbers.csv", "gbk", rows)))
    assert c.damaged_ids == [4]
    assert svc.compare_list(store, svc.read_list(write_csv(tmp_path / "fine.csv", "gbk"))).damaged_ids == []


def test_bad_files_get_a_message_naming_the_problem(tmp_path):
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "header.csv").write_text("姓名,身份证号\n", encoding="utf-8")
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    (tmp_path / "renamed.csv").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    (tmp_path / "list.txt").write_text("x", encoding="utf-8")
    cases = {
        "missing.xlsx": ("no_file", "找不到文件", "No such file"),
        "empty.csv": ("empty_file", "是空的", "is empty"),
        "header.csv": ("no_rows", "没有数据行", "no rows under its header (row 1)"),
        "old.xls": ("bad_file_type", ".xls", "save it as .xlsx"),
        "renamed.csv": ("bad_file_type", "不是 CSV", "not CSV text"),
        "broken.xlsx": ("bad_file", "不是有效的 .xlsx", "not a valid .xlsx"),
        "list.txt": ("bad_file_type", ".txt", ".txt"),
    }
    for name, (code, zh, en) in cases.items():
        with pytest.raises(GridWorkerError) as e:
            svc.read_list(tmp_path / name)
        assert e.value.code == code, name
        assert zh in e.value.message("zh") and en in e.value.message("en"), name
        assert "Error" not in e.value.message("en") and "Traceback" not in e.value.message("en")
