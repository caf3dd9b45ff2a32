"""Places in and out of Excel/CSV, the roster's export, and `gridworker places|roster` (issue 15)."""

from __future__ import annotations

import openpyxl
import pytest
from sqlmodel import func, select

from gridworker.cli import main
from gridworker.domain.models import Outbox
from gridworker.domain.placework import Place
from gridworker.services import places as svc
from gridworker.services import register, roster
from gridworker.services.places_excel import export_places, export_roster, import_places
from tests.conftest import PASSWORD

from .test_excel import write_book

LICENCE = "91350100M00010006A"
HEAD = ["场所名称", "场所类型", "所属网格", "地址", "负责人", "负责人电话", "统一社会信用代码", "备注"]


@pytest.fixture
def grids(store):
    community = register.register_area(store, code="C1", name="幸福社区", level="community")
    g1 = register.register_area(store, code="G1", name="第一网格", level="grid", parent_id=community.id)
    g2 = register.register_area(store, code="G2", name="第二网格", level="grid", parent_id=community.id)
    return g1.id, g2.id


def _count(store) -> int:
    with store.read() as s:
        return s.exec(select(func.count()).select_from(Place).where(Place.deleted == False)).one()  # noqa: E712


def _outbox(store) -> int:
    with store.read() as s:
        return s.exec(select(func.count()).select_from(Outbox)).one()


def test_a_bad_cell_anywhere_imports_nothing_and_every_bad_cell_is_named(store, grids, tmp_path):
    path = write_book(tmp_path / "places.xlsx", {"场所": [
        HEAD,
        ["老王便利店", "小商店", "第一网格", "幸福路8号", "王建国", "13800138000", LICENCE, None],
        ["星光网吧", "网吧吧", "第一网格", None, None, "12345", None, None],
        ["", "小餐饮", "第九网格", None, None, None, "91350100M00010006B", None],
    ]})  # fmt: skip
    before = _outbox(store)
    report = import_places(store, path)
    assert not report.committed and _count(store) == 0 and _outbox(store) == before
    where = {(e.row, e.column, e.header, e.code) for e in report.errors}
    assert where == {(3, "B", "场所类型", "unknown_kind"), (3, "F", "负责人电话", "phone"),
                     (4, "A", "场所名称", "required"), (4, "C", "所属网格", "unknown_area"),
                     (4, "G", "统一社会信用代码", "licence_checksum")}  # fmt: skip
    assert "“场所”表第3行 B列（场所类型）" in report.errors[0].message("zh")


def test_import_then_export_round_trips_and_a_second_import_updates_by_licence(store, grids, tmp_path):
    g1, _g2 = grids
    rows = [HEAD, ["老王便利店", "小商店", "G1", "幸福路8号", "王建国", "138 0013 8000", LICENCE.lower(), "夜间营业"],
            ["星光网吧", "Small internet café", "第二网格", None, None, None, None, None]]  # fmt: skip
    report = import_places(store, write_book(tmp_path / "in.xlsx", {"Sheet1": rows}), dry_run=True)
    assert (report.new, report.errors, _count(store)) == (2, [], 0)
    report = import_places(store, write_book(tmp_path / "in.xlsx", {"Sheet1": rows}))
    assert report.committed and (report.new, report.updated) == (2, 0)
    out = tmp_path / "out.xlsx"
    assert export_places(store, out) == 2
    ws = openpyxl.load_workbook(out).active
    exported = [[c.value for c in row] for row in ws.iter_rows()]
    assert exported[0] == HEAD
    assert ["老王便利店", "小商店", "第一网格", "幸福路8号", "王建国", "13800138000", LICENCE, "夜间营业"] in exported
    # Read back: nothing changes. Then a new phone by licence number (even with a new name): an update.
    again = import_places(store, out)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 2)
    changed = write_book(tmp_path / "c.xlsx", {"S": [HEAD, ["老王超市", "小商店", "第一网格", None, None, "13900001111", LICENCE, None]]})
    report = import_places(store, changed)
    assert (report.new, report.updated) == (0, 1)
    with store.read() as s:
        shop = s.exec(select(Place).where(Place.licence_number == LICENCE)).one()
    assert (shop.name, shop.phone, shop.address, shop.area_id) == ("老王超市", "13900001111", "幸福路8号", g1)
    csv_path = tmp_path / "out.csv"
    export_places(store, csv_path, "en")
    assert csv_path.read_text("utf-8-sig").splitlines()[0] == "Name,Kind,Grid,Address,Person in charge,Phone,Licence number,Notes"


def test_roster_export_lists_each_grid_leader_first(store, grids, tmp_path):
    g1, g2 = grids
    roster.add_member(store, {"area_id": g1, "role": "volunteer", "name": "志愿者甲"})
    roster.add_member(store, {"area_id": g1, "role": "网格长", "name": "李书记", "phone": "13800138000"})
    roster.add_member(store, {"area_id": g2, "role": "doctor", "name": "赵医生", "skills": "全科"})
    out = tmp_path / "roster.xlsx"
    assert export_roster(store, out, "en") == 3
    rows = [[c.value for c in r] for r in openpyxl.load_workbook(out).active.iter_rows()]
    assert rows[0] == ["Grid", "Role in the grid", "Name", "Phone", "Skills", "Notes"]
    by_grid = [(r[0], r[1], r[2]) for r in rows[1:]]
    assert by_grid.index(("第一网格", "Grid leader", "李书记")) < by_grid.index(("第一网格", "Volunteer", "志愿者甲"))
    assert ("第二网格", "Doctor", "赵医生") in by_grid


def test_the_places_and_roster_commands(store, grids, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GRIDWORKER_PASSWORD", PASSWORD)
    good = write_book(tmp_path / "p.xlsx", {"场所": [HEAD, ["老王便利店", "小商店", "第一网格", None, None, None, LICENCE, None]]})
    bad = write_book(tmp_path / "bad.xlsx", {"场所": [HEAD, ["星光网吧", "网吧吧", "第一网格", None, None, None, None, None]]})
    assert main(["--lang", "en", "places", "import", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "Nothing was imported" in out and "sheet '场所', row 2, column B (场所类型)" in out
    assert main(["--lang", "en", "places", "import", str(good), "--dry-run"]) == 0 and _count(store) == 0
    assert main(["--lang", "en", "places", "import", str(good)]) == 0 and _count(store) == 1
    capsys.readouterr()
    assert main(["--lang", "en", "places", "list", "--search", "lwbld", "--json"]) == 0
    assert '"name": "老王便利店"' in capsys.readouterr().out
    assert main(["--lang", "en", "places", "list", "--kind", "小餐饮"]) == 0
    assert "0 places" in capsys.readouterr().out
    assert main(["--lang", "en", "places", "export", "-o", str(tmp_path / "e.csv")]) == 0
    assert main(["--lang", "en", "roster", "export", "-o", str(tmp_path / "r.csv")]) == 0
    assert (tmp_path / "r.csv").read_text("utf-8-sig").startswith("Grid,Role in the grid")
    svc.register_place(store, {"name": "街边饭馆", "kind": "restaurant", "area_id": grids[1]})
    assert main(["--lang", "en", "places", "list", "--grid", "G2"]) == 0
    assert "街边饭馆" in capsys.readouterr().out


def test_an_unwritable_export_or_a_broken_workbook_is_said_in_words(store, grids, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GRIDWORKER_PASSWORD", PASSWORD)
    nowhere = tmp_path / "no such folder"
    for command in ("places", "roster"):
        for suffix in (".xlsx", ".csv"):
            assert main(["--lang", "en", command, "export", "-o", str(nowhere / f"out{suffix}")]) == 1
            err = capsys.readouterr().err
            assert f"The folder '{nowhere}' does not exist: 'out{suffix}' cannot be written" in err and "Errno" not in err and "Traceback" not in err
    broken = tmp_path / "places.xlsx"
    broken.write_text("not a workbook", encoding="utf-8")
    assert main(["--lang", "en", "places", "import", str(broken)]) == 1
    err = capsys.readouterr().err
    assert "'places.xlsx' is not a valid .xlsx workbook" in err and "zip" not in err  # no Python exception text


def test_one_place_on_two_rows_of_a_file_is_named_not_overwritten(store, grids, tmp_path):
    # Two shops typed with the same licence number (a copy-paste slip): the second row would have overwritten the
    # first place in the same import, losing it without a word. An identical repeated row is harmless.
    path = write_book(tmp_path / "places.xlsx", {"场所": [
        HEAD,
        ["老王便利店", "小商店", "第一网格", "幸福路8号", "王建国", "13800138000", LICENCE, None],
        ["小李面馆", "小餐饮", "第一网格", "幸福路9号", "李明", "13800138001", LICENCE, None],
        ["阿芳美发", "小美容洗浴", "第一网格", "幸福路10号", None, None, None, None],
        ["阿芳美发", "小美容洗浴", "第一网格", "幸福路10号", None, None, None, None],
        ["阿芳美发", "小美容洗浴", "第一网格", "幸福路12号", None, None, None, None],
    ]})  # fmt: skip
    report = import_places(store, path)
    assert not report.committed and _count(store) == 0
    assert {(e.row, e.column) for e in report.errors} == {(3, "G"), (6, "A")}
    assert "第2行" in report.errors[0].message("zh") and "row 2" in report.errors[0].message("en")
    assert "第4行" in report.errors[1].message("zh")
