"""`gridworker-server` says plainly when the holiday table lacks this year or the next (issue 12, item 4)."""

from __future__ import annotations

import io
import json
import sys
from datetime import date

import pytest

from gridworker.server.admin import cli
from gridworker.server.admin.cli import main


@pytest.fixture
def server_data(backend, pg_cluster, tmp_path, monkeypatch):
    url = pg_cluster.url(pg_cluster.fresh_database()) if backend == "postgresql" else None
    if url:
        monkeypatch.setenv("GRIDWORKER_DATABASE_URL", url)
    else:
        monkeypatch.delenv("GRIDWORKER_DATABASE_URL", raising=False)
    data = tmp_path / "data"
    monkeypatch.setattr(sys, "stdin", io.StringIO("admin-password\n"))
    assert main(["init", "--data", str(data), "--password-stdin"]) == 0
    return data


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--lang", "en", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_holiday_list_shows_the_table_and_warns_of_a_missing_year(server_data, capsys, monkeypatch, tmp_path):
    monkeypatch.setattr(cli, "_today", lambda: date(2026, 12, 7))
    code, out, err = _run(capsys, "holiday", "list", "--data", str(server_data))
    assert code == 0
    assert "2026\tNational Day" in out and "2026-10-01..2026-10-07" in out  # the shipped table, year by year
    assert "no arrangement for 2027" in err and "Monday to Friday" in err and "holiday import" in err

    table = {"format": "gridworker-holidays", "version": 1, "years": {"2027": [
        {"name": "元旦", "name_en": "New Year's Day", "from": "2027-01-01", "to": "2027-01-03", "workdays": []}]}}  # fmt: skip
    path = tmp_path / "holidays-2027.json"
    path.write_text(json.dumps(table, ensure_ascii=False), "utf-8")
    assert _run(capsys, "holiday", "import", str(path), "--data", str(server_data))[0] == 0
    code, out, err = _run(capsys, "holiday", "list", "--data", str(server_data))
    assert "2027\tNew Year's Day\t2027-01-01..2027-01-03" in out
    assert err == ""  # this year and the next are known: nothing to say

    monkeypatch.setattr(cli, "_today", lambda: date(2028, 3, 1))  # a year nobody imported
    code, _out, err = _run(capsys, "--lang", "zh", "holiday", "list", "--data", str(server_data))
    assert "没有 2028 年的安排" in err and "周一至周五" in err


def test_the_warning_is_said_at_serve_start(server_data, capsys, monkeypatch):
    monkeypatch.setattr(cli, "_today", lambda: date(2030, 6, 1))
    started = []
    monkeypatch.setitem(sys.modules, "uvicorn", type(sys)("uvicorn"))
    sys.modules["uvicorn"].run = lambda *a, **kw: started.append(kw)
    code, _out, err = _run(capsys, "serve", "--data", str(server_data))
    assert code == 0 and started
    assert "no arrangement for 2030" in err
