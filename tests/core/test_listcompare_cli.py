"""`gridworker compare FILE`: the counts, chosen columns, --export, --plan-visits, --json, and refusals in words."""

from __future__ import annotations

import json

from sqlmodel import select

from gridworker.cli import main
from gridworker.domain.fieldwork import Walkround
from tests.conftest import PASSWORD
from tests.core.test_listcompare_service import COUNTS, make_register, write_csv, write_xlsx


def test_compare_prints_the_counts_and_exports_each_group(store, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GRIDWORKER_PASSWORD", PASSWORD)
    make_register(store)
    path = write_xlsx(tmp_path / "补贴名单.xlsx")
    assert main(["--lang", "zh", "compare", str(path), "--export", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "表头在第 3 行，10 行" in out and "身份证号 = C 公民身份号码" in out
    for line in ("名单中缺少的人：3", "登记簿中没有的人：2", "信息不一致：1", "无法确定：3 组（4 行）", "一致：3"):
        assert line in out
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        f"补贴名单-{g}.xlsx" for g in ("名单中缺少的人", "登记簿中没有的人", "信息不一致", "无法确定"))
    assert main(["compare", str(path), "--json", "--lang", "en"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {k: data["counts"][k] for k in COUNTS} == COUNTS and data["header_row"] == 3
    assert data["columns"] == {"id_number": "公民身份号码", "name": "姓名", "phone": "联系电话"}
    assert data["walkround"] is None and data["exported"] == []


def test_columns_chosen_by_header_letter_or_number_and_visits_planned(store, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GRIDWORKER_PASSWORD", PASSWORD)
    reg = make_register(store)
    path = write_csv(tmp_path / "list.csv", "gbk")
    for spec in ("公民身份号码", "C", "3"):
        assert main(["compare", str(path), "--id-col", spec, "--name-col", "none", "--phone-col", "-", "--json"]) == 0
        data = json.loads(capsys.readouterr().out)
        assert data["columns"] == {"id_number": "公民身份号码"}
        assert (data["counts"]["same"], data["counts"]["differs"], data["counts"]["skipped"]) == (3, 0, 3)
    assert main(["--lang", "en", "compare", str(path), "--plan-visits"]) == 0
    assert "planned: 2 households" in capsys.readouterr().out
    with store.read() as s:
        [walk] = s.exec(select(Walkround))
    assert walk.household_ids == [reg.h302, reg.h2]


def test_refusals_are_words_and_exit_1(store, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GRIDWORKER_PASSWORD", PASSWORD)
    path = write_csv(tmp_path / "list.csv", "utf-8-sig")
    assert main(["--lang", "en", "compare", str(path), "--id-col", "身份证"]) == 1
    assert "The file has no column '身份证' (columns: 序号, 姓名, 公民身份号码, 联系电话, 备注)" in capsys.readouterr().err
    assert main(["--lang", "zh", "compare", str(path), "--id-col", "none", "--phone-col", "none"]) == 1
    assert "请选择身份证号列" in capsys.readouterr().err
    rows = [[1, "张三", 3.30102199608084e17, "13800000001", ""]]
    assert main(["--lang", "en", "compare", str(write_xlsx(tmp_path / "n.xlsx", rows))]) == 0
    assert "Note: 1 ID numbers were stored by Excel as numbers and lost their last digits (rows 4)" in capsys.readouterr().out
    assert main(["--lang", "en", "compare", str(tmp_path / "nope.xlsx")]) == 1
    err = capsys.readouterr().err
    assert "No such file" in err and "Traceback" not in err
