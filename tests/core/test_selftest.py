"""`GridWorker --self-test`, its non-Qt part run in-process: it passes here, and says what failed when something does."""

import dataclasses
import os
import socket
import subprocess
import sys
from pathlib import Path

import piexif
import pytest

from gridworker import __version__, bundle_main, selftest


def test_core_checks_pass_on_this_installation_and_leave_nothing_behind(gridworker_home, capsys):
    seen = {}

    def note_where(env):
        seen["root"], seen["home"] = env.root, os.environ["GRIDWORKER_HOME"]
        return "noted"

    outcomes = selftest.run_checks([*selftest.CORE_CHECKS, ("note", note_where), *selftest.LAST_CHECKS])
    assert [(o.name, o.detail) for o in outcomes if not o.ok] == []
    assert [o.name for o in outcomes] == ["version", "database", "register-search", "photo-exif", "server", "sync-process", "note", "bundle-isolation"]
    out = capsys.readouterr().out
    assert "SQLCipher" in out and "/api/v1/health" in out
    # The checks ran in a throw-away home, which is gone again; the user's was not touched.
    assert Path(seen["home"]).parent == seen["root"]
    assert not seen["root"].exists()
    assert os.environ["GRIDWORKER_HOME"] == str(gridworker_home)
    assert not gridworker_home.exists()


def test_a_failure_is_reported_by_name_and_the_other_checks_still_run(monkeypatch, capsys):
    ran = []

    def broken(env):
        raise ValueError("the bundle lost its widget")

    def after(env):
        ran.append("after")
        return "fine"

    monkeypatch.setattr(selftest, "CORE_CHECKS", [("version", selftest.check_version), ("broken", broken)])
    code = selftest.main([], extra_checks=[("after", after)])
    out = capsys.readouterr().out
    assert code == 1
    assert ran == ["after"]
    failed_line = next(line for line in out.splitlines() if "broken" in line and "FAIL" in line)
    assert "ValueError: the bundle lost its widget" in failed_line
    assert "test_selftest.py:" in failed_line  # where it was raised
    assert "self-test FAILED" in out and out.rstrip().endswith("broken")


def test_all_checks_passing_exits_zero(monkeypatch, capsys):
    monkeypatch.setattr(selftest, "CORE_CHECKS", [("version", selftest.check_version)])
    assert selftest.main([]) == 0
    assert "self-test passed: 2 checks" in capsys.readouterr().out  # version + bundle-isolation


def test_checks_that_need_the_database_say_so_when_it_was_not_made():
    [outcome] = selftest.run_checks([("register-search", selftest.check_register_and_search)])
    assert not outcome.ok
    assert "'database' check" in outcome.detail


def test_photo_check_fails_when_the_reader_loses_the_position(monkeypatch):
    from gridworker import photos

    real = photos.inspect
    monkeypatch.setattr(photos, "inspect", lambda path: dataclasses.replace(real(path), lat=None))
    [outcome] = selftest.run_checks([("photo-exif", selftest.check_photo_exif)])
    assert not outcome.ok and "no GPS position" in outcome.detail


def test_the_test_photo_carries_its_position_for_an_independent_reader(tmp_path):
    path = tmp_path / "gps.jpg"
    selftest.make_gps_jpeg(path)
    gps = piexif.load(str(path))["GPS"]

    def degrees(dms, ref):
        d, m, s = (num / den for num, den in dms)
        return (d + m / 60 + s / 3600) * (-1 if ref in (b"S", b"W") else 1)

    lat = degrees(gps[piexif.GPSIFD.GPSLatitude], gps[piexif.GPSIFD.GPSLatitudeRef])
    lon = degrees(gps[piexif.GPSIFD.GPSLongitude], gps[piexif.GPSIFD.GPSLongitudeRef])
    assert lat == pytest.approx(selftest.PHOTO_LAT, abs=1e-4)
    assert lon == pytest.approx(selftest.PHOTO_LON, abs=1e-4)


def test_the_served_app_stops_with_its_block():
    async def app(scope, receive, send):
        if scope["type"] == "http":
            await send({"type": "http.response.start", "status": 204, "headers": []})
            await send({"type": "http.response.body", "body": b""})

    with selftest.serving(app) as base:
        port = int(base.rsplit(":", 1)[1])
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=5).close()


@pytest.mark.parametrize(
    ("executable", "program"),
    [
        ("/opt/GridWorker/GridWorker", bundle_main.APP),
        (r"C:\Users\w\AppData\Local\Programs\GridWorker\GridWorker.exe", bundle_main.APP),
        ("/opt/GridWorker/gridworker-server", bundle_main.SERVER),
        (r"C:\GridWorker\GRIDWORKER-SERVER.EXE", bundle_main.SERVER),
        ("/opt/GridWorker/gridworker-cli", bundle_main.CLI),
        ("/usr/bin/python3", bundle_main.APP),
    ],
)
def test_each_executable_knows_which_program_it_is(executable, program):
    assert bundle_main.program_name(executable) == program


def test_version_and_cli_answer_without_loading_qt():
    code = (
        "import sys\n"
        "from gridworker.bundle_main import APP, CLI, run\n"
        "assert run(APP, ['--version']) == 0\n"
        "assert run(APP, ['cli', '--version']) == 0\n"
        "assert run(CLI, ['--version']) == 0\n"
        "loaded = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))]\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [__version__] * 3
