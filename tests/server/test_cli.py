"""`gridworker-server`: the admin commands in the forms scripts rely on, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest
from fastapi.testclient import TestClient

from gridworker.server.api.app import create_app
from gridworker.server.admin.cli import main
from gridworker.server.core.config import Settings

H = {"X-Gridworker-Schema": "1", "Accept-Language": "en"}


def _use(monkeypatch, url: str | None) -> None:
    if url:
        monkeypatch.setenv("GRIDWORKER_DATABASE_URL", url)
    else:
        monkeypatch.delenv("GRIDWORKER_DATABASE_URL", raising=False)


@pytest.fixture
def fresh(backend, pg_cluster, tmp_path, monkeypatch):
    """An empty data folder (and, on PostgreSQL, an empty database) for this test alone."""
    url = pg_cluster.url(pg_cluster.fresh_database()) if backend == "postgresql" else None
    _use(monkeypatch, url)
    return tmp_path / "data", url


@pytest.fixture(scope="module")
def prepared(backend, pg_cluster, tmp_path_factory):
    """A server set up with the CLI: first admin and the areas D > S > C1 > G1, G2."""
    data = tmp_path_factory.mktemp("cli")
    url = pg_cluster.url(pg_cluster.fresh_database()) if backend == "postgresql" else None
    with pytest.MonkeyPatch.context() as mp:
        _use(mp, url)
        mp.setattr(sys, "stdin", io.StringIO("admin-password\n"))
        assert main(["init", "--data", str(data), "--password-stdin"]) == 0
        areas = data / "areas.csv"
        areas.write_text("code,parent_code,name,level\nD,,区,district\nS,D,街道,street\nC1,S,社区,community\nG1,C1,网格1,grid\nG2,C1,网格2,grid\n")
        assert main(["area", "import", str(areas), "--data", str(data)]) == 0
    return data, url


@pytest.fixture
def run(monkeypatch, capsys):
    """Run one command in-process; returns (exit code, stdout, stderr)."""

    def call(*argv: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = main(["--lang", "en", *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return call


def _client(data_dir, database_url) -> TestClient:
    return TestClient(create_app(Settings(data_dir=data_dir, database_url=database_url)))


def _login(client, username, password):
    return client.post("/api/v1/auth/login", json={"username": username, "password": password, "device_id": "cli"}, headers=H)


def test_init_creates_the_first_admin_once(run, fresh, backend):
    data_dir, database_url = fresh
    if backend == "sqlite":  # one real process, as a script would run it
        proc = subprocess.run(
            [sys.executable, "-m", "gridworker.server.admin.cli", "--lang", "en", "init", "--data", str(data_dir), "--password-stdin"],
            input="admin-password\n", capture_output=True, text=True, env={"GRIDWORKER_KDF": "fast", "PATH": "/usr/bin:/bin"},
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        assert "admin" in proc.stdout
    else:
        assert run("init", "--data", str(data_dir), "--password-stdin", stdin="admin-password\n")[0] == 0
    code, _out, err = run("init", "--data", str(data_dir), "--password-stdin", stdin="admin-password\n")
    assert code == 1 and "already initialised" in err
    assert run("init", "--data", str(data_dir), "--username", "x", "--password-stdin", stdin="short\n")[0] == 1
    with _client(data_dir, database_url) as c:
        assert _login(c, "admin", "admin-password").json()["user"]["role"] == "admin"


def test_area_import_csv_and_json_all_or_nothing(run, fresh, tmp_path):
    data_dir, _url = fresh
    csv_file = tmp_path / "areas.csv"
    csv_file.write_text("code,parent_code,name,level\nD,,西湖区,district\nS,D,幸福街道,街道\nC1,S,翠苑社区,community\n", encoding="utf-8")
    code, out, _ = run("area", "import", str(csv_file), "--data", str(data_dir))
    assert code == 0 and "3 created" in out
    json_file = tmp_path / "grids.json"
    json_file.write_text(json.dumps({"areas": [{"code": "G1", "parent_code": "C1", "name": "第1网格", "level": "grid"},
                                               {"code": "G2", "parent code": "C1", "name": "第2网格", "level": "网格"}]}), encoding="utf-8")  # fmt: skip
    assert run("area", "import", str(json_file), "--data", str(data_dir))[0] == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("code,parent_code,name,level\nG9,NOPE,第9网格,grid\nG8,C1,,grid\nG7,C1,第7网格,planet\nC1,G1,翠苑社区,community\n", encoding="utf-8")
    code, _out, err = run("area", "import", str(bad), "--data", str(data_dir))
    assert code == 1
    assert "unknown parent NOPE" in err and "name is required" in err and "planet" in err and "loop" in err
    code, out, _ = run("area", "list", "--data", str(data_dir))
    assert out.splitlines() == [
        "D\t西湖区\tdistrict", "  S\t幸福街道\tstreet", "    C1\t翠苑社区\tcommunity",
        "      G1\t第1网格\tgrid", "      G2\t第2网格\tgrid",
    ]  # fmt: skip
    assert run("area", "import", str(tmp_path / "missing.csv"), "--data", str(data_dir))[0] == 1


def test_users_and_tokens(run, prepared, monkeypatch):
    data_dir, database_url = prepared
    _use(monkeypatch, database_url)
    assert run("user", "add", "wang", "--role", "worker", "--area", "G1", "--area", "G2", "--password-stdin",
               "--data", str(data_dir), stdin="wang-password\n")[0] == 0  # fmt: skip
    code, _out, err = run("user", "add", "li", "--role", "worker", "--area", "NOPE", "--password-stdin", "--data", str(data_dir), stdin="li-password\n")
    assert code == 1 and "NOPE" in err
    code, _out, err = run("user", "add", "zhao", "--role", "dispatcher", "--password-stdin", "--data", str(data_dir), stdin="zhao-password\n")
    assert code == 1 and "--area" in err
    assert "wang\tworker\tG1,G2" in run("user", "list", "--data", str(data_dir))[1]
    with _client(data_dir, database_url) as c:
        body = _login(c, "wang", "wang-password").json()
        assert len(body["user"]["area_ids"]) == 2
        token = body["token"]
        me = lambda: c.get("/api/v1/me", headers=H | {"Authorization": f"Bearer {token}"}).status_code  # noqa: E731
        assert me() == 200
        listed = run("token", "list", "--user", "wang", "--data", str(data_dir))[1]
        token_id = listed.split("\t")[0]
        assert "active" in listed
        assert run("token", "revoke", token_id, "--data", str(data_dir))[1].startswith("1 token")
        assert me() == 401
        token = _login(c, "wang", "wang-password").json()["token"]
        assert run("user", "disable", "wang", "--data", str(data_dir))[0] == 0
        assert me() == 401 and _login(c, "wang", "wang-password").status_code == 401
        run("user", "enable", "wang", "--data", str(data_dir))
        assert run("user", "reset-password", "wang", "--password-stdin", "--data", str(data_dir), stdin="new-wang-password\n")[0] == 0
        assert _login(c, "wang", "wang-password").status_code == 401
        assert _login(c, "wang", "new-wang-password").status_code == 200
        assert run("user", "update", "wang", "--role", "dispatcher", "--area", "C1", "--data", str(data_dir))[0] == 0
        assert _login(c, "wang", "new-wang-password").json()["user"]["role"] == "dispatcher"
    assert run("token", "revoke", "--data", str(data_dir))[0] == 1  # says what to name


@pytest.mark.parametrize(
    "password, why", [("12345678", "most common"), ("        ", "only spaces"), ("zzzzzzzzzz", "one character repeated")]
)
def test_weak_passwords_are_refused_for_new_users_resets_and_the_first_admin(run, prepared, fresh, monkeypatch, password, why):
    data_dir, database_url = prepared
    _use(monkeypatch, database_url)
    code, _out, err = run("user", "add", "weak", "--role", "worker", "--area", "G1", "--password-stdin",
                          "--data", str(data_dir), stdin=password + "\n")  # fmt: skip
    assert code == 1 and why in err and "Traceback" not in err
    assert "weak\t" not in run("user", "list", "--data", str(data_dir))[1]
    assert run("user", "add", "strong", "--role", "worker", "--area", "G1", "--password-stdin",
               "--data", str(data_dir), stdin="strong-pass-7\n")[0] in (0, 1)  # 1: made by an earlier case
    code, _out, err = run("user", "reset-password", "strong", "--password-stdin", "--data", str(data_dir), stdin=password + "\n")
    assert code == 1 and why in err
    with _client(data_dir, database_url) as c:
        assert _login(c, "strong", "strong-pass-7").status_code == 200  # the old password still works
    fresh_dir, fresh_url = fresh
    _use(monkeypatch, fresh_url)
    code, _out, err = run("init", "--data", str(fresh_dir), "--password-stdin", stdin=password + "\n")
    assert code == 1 and why in err


def test_category_and_holiday_tables(run, prepared, tmp_path, monkeypatch):
    data_dir, database_url = prepared
    _use(monkeypatch, database_url)
    cats = tmp_path / "cats.json"
    cats.write_text(json.dumps({"format": "gridworker-categories", "version": 1, "categories": [
        {"code": "X01", "kind": "event", "name": "测试大类", "name_en": "Test class", "children": [
            {"code": "X0101", "name": "测试小类", "name_en": "Test entry"}]}]}), encoding="utf-8")  # fmt: skip
    code, out, _ = run("category", "import", str(cats), "--data", str(data_dir))
    assert code == 0 and "2 created" in out
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "gridworker-categories", "version": 1, "categories": [{"code": "??"}]}', encoding="utf-8")
    assert run("category", "import", str(broken), "--data", str(data_dir))[0] == 1
    hol = tmp_path / "hol.json"
    hol.write_text(json.dumps({"format": "gridworker-holidays", "version": 1, "years": {"2030": [
        {"name": "春节", "from": "2030-02-02", "to": "2030-02-08", "workdays": ["2030-02-09"]}]}}), encoding="utf-8")  # fmt: skip
    code, out, _ = run("holiday", "import", str(hol), "--data", str(data_dir))
    assert code == 0 and "1 created" in out
    hol.write_text("{not json", encoding="utf-8")
    assert run("holiday", "import", str(hol), "--data", str(data_dir))[0] == 1


def test_conflicts_list(run, prepared, monkeypatch):
    data_dir, database_url = prepared
    _use(monkeypatch, database_url)
    code, out, _ = run("conflicts", "list", "--data", str(data_dir))
    assert code == 0 and out == ""  # none yet; listing works on an empty table


def test_demo_seed_on_an_empty_server(fresh, tmp_path, capsys):
    _data, url = fresh
    assert main(["--lang", "en", "demo-seed", "--persons", "60", "--data", str(tmp_path)]) == 0
    assert "person 60" in capsys.readouterr().out
    assert main(["--lang", "en", "demo-seed", "--persons", "60", "--data", str(tmp_path)]) == 1  # only once
    with _client(tmp_path, url) as c:
        body = _login(c, "demo_worker1", "demo1234").json()
        headers = H | {"Authorization": f"Bearer {body['token']}"}
        changes = c.get("/api/v1/sync/pull", params={"limit": 1000}, headers=headers).json()["changes"]
        assert any(ch["entity"] == "person" for ch in changes)
        assert all(ch["data"]["area_id"] for ch in changes if ch["entity"] == "person")


def test_sqlite_backup_and_restore_start_a_new_epoch(backend, tmp_path, monkeypatch, capsys):
    if backend != "sqlite":
        pytest.skip("PostgreSQL is backed up with pg_dump (docs/server-admin.md); only the refusal is tested")
    monkeypatch.delenv("GRIDWORKER_DATABASE_URL", raising=False)
    data = tmp_path / "data"
    assert main(["demo-seed", "--persons", "20", "--data", str(data)]) == 0
    with _client(data, None) as c:
        token = _login(c, "demo_worker1", "demo1234").json()["token"]
        headers = H | {"Authorization": f"Bearer {token}"}
        cursor = c.get("/api/v1/sync/pull", headers=headers).json()["cursor"]
    backup = tmp_path / "backup.db"
    assert main(["backup", str(backup), "--data", str(data)]) == 0
    assert main(["restore", str(backup), "--data", str(data)]) == 0
    capsys.readouterr()
    with _client(data, None) as c:
        r = c.get("/api/v1/sync/pull", params={"cursor": cursor}, headers=headers)
        assert r.status_code == 410 and r.json()["error"]["code"] == "resync_required"


def test_backup_refuses_postgresql_with_directions(backend, run, fresh):
    if backend != "postgresql":
        pytest.skip("SQLite backup is tested above")
    data_dir, _url = fresh
    code, _out, err = run("backup", "x.db", "--data", str(data_dir))
    assert code == 1 and "pg_dump" in err


def test_the_console_script_and_the_bundle_name_modules_that_exist():
    """`gridworker-server` ([project.scripts]) and uvicorn's --workers import path name real objects."""
    import importlib
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    scripts = tomllib.loads((root / "pyproject.toml").read_text("utf-8"))["project"]["scripts"]
    module, _, attr = scripts["gridworker-server"].partition(":")
    assert callable(getattr(importlib.import_module(module), attr))
    cli_source = Path(importlib.import_module(module).__file__).read_text("utf-8")
    factory = cli_source.split('uvicorn.run("', 1)[1].split('"', 1)[0]
    module, _, attr = factory.partition(":")
    assert callable(getattr(importlib.import_module(module), attr))
