"""Every `gridworker` command that writes a file refuses a missing or unusable folder in words (exit 1), never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PASSWORD

ROOT = Path(__file__).parents[2]


def _run(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG")) and k != "GRIDWORKER_LANG"}
    env |= {"GRIDWORKER_HOME": str(home), "GRIDWORKER_KDF": "fast", "GRIDWORKER_PASSWORD": PASSWORD}
    return subprocess.run([sys.executable, "-m", "gridworker.cli", *args], text=True, capture_output=True,
                          env=env, cwd=ROOT, timeout=120)  # fmt: skip


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("cli_out") / "home"
    run = subprocess.run([sys.executable, "-m", "gridworker.cli", "account", "create", "w", "--password-stdin"],
                         input=PASSWORD + "\n", text=True, capture_output=True, cwd=ROOT, timeout=120,
                         env=os.environ | {"GRIDWORKER_HOME": str(home), "GRIDWORKER_KDF": "fast"})  # fmt: skip
    assert run.returncode == 0, run.stderr
    return home


COMMANDS = [
    ["export", "persons", "-o"],
    ["template", "-o"],
    ["places", "export", "-o"],
    ["roster", "export", "-o"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:-1]))
@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_missing_folder_is_refused_in_words(home, tmp_path, command, suffix):
    if command[0] == "template" and suffix == ".csv":
        pytest.skip("the template is .xlsx only")
    target = tmp_path / "missing" / "dir" / f"x{suffix}"
    en = _run(home, "--lang", "en", *command, str(target))
    assert en.returncode == 1, en.stdout + en.stderr
    assert "Traceback" not in en.stderr and "Error:" not in en.stderr
    assert f"The folder '{target.parent}' does not exist" in en.stderr
    if suffix == ".xlsx":
        zh = _run(home, *command, str(target))  # Chinese by default
        assert zh.returncode == 1 and "Traceback" not in zh.stderr
        assert f"文件夹“{target.parent}”不存在" in zh.stderr
    assert not target.parent.exists()


def test_a_folder_that_is_a_file_and_a_target_that_is_a_folder(home, tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("x")
    run = _run(home, "--lang", "en", "export", "persons", "-o", str(afile / "x.xlsx"))
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert f"'{afile}' is not a folder" in run.stderr
    (tmp_path / "taken.csv").mkdir()
    for command in (["export", "households"], ["places", "export"], ["roster", "export"]):
        run = _run(home, "--lang", "en", *command, "-o", str(tmp_path / "taken.csv"))
        assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr
        assert "Cannot write" in run.stderr and "taken.csv" in run.stderr


def test_compare_export_into_a_folder_that_cannot_be_made(home, tmp_path):
    listfile = tmp_path / "list.csv"
    listfile.write_text("姓名,身份证号\n张三,110101199003074514\n", encoding="utf-8")
    afile = tmp_path / "afile"
    afile.write_text("x")
    run = _run(home, "--lang", "en", "compare", str(listfile), "--export", str(afile / "out"))
    assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr
    assert f"The folder '{afile / 'out'}' cannot be created" in run.stderr
    run = _run(home, "compare", str(listfile), "--export", str(afile / "out"))
    assert run.returncode == 1 and f"无法创建文件夹“{afile / 'out'}”" in run.stderr


def test_english_counts_of_one_are_singular(store, tmp_path, monkeypatch, capsys):
    from gridworker.cli import main
    from gridworker.services import places as svc
    from gridworker.services import register

    community = register.register_area(store, code="C1", name="幸福社区", level="community")
    grid = register.register_area(store, code="G1", name="第一网格", level="grid", parent_id=community.id)
    svc.register_place(store, {"name": "老王川菜馆", "kind": "restaurant", "area_id": grid.id})
    monkeypatch.setenv("GRIDWORKER_PASSWORD", PASSWORD)
    assert main(["--lang", "en", "places", "list"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "1 place"
    assert main(["--lang", "en", "places", "export", "-o", str(tmp_path / "p.csv")]) == 0
    assert f"Exported 1 place to {tmp_path / 'p.csv'}" in capsys.readouterr().out
    assert main(["places", "list"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "共 1 个场所"
