"""`gridworker-server init` keeps the data folder private: 0700 folder, 0600 database files (issue 11)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")


def _init(data_dir, env_extra=None):
    env = {"GRIDWORKER_KDF": "fast", "PATH": "/usr/bin:/bin", "PYTHONPATH": os.environ.get("PYTHONPATH", "")}
    proc = subprocess.run(
        [sys.executable, "-m", "gridworker.server.admin.cli", "--lang", "en", "init", "--data", str(data_dir), "--password-stdin"],
        input="admin-password\n", capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("made_before", [False, True], ids=["new folder", "folder made by the admin"])
def test_init_makes_a_private_data_folder_and_database(tmp_path, made_before):
    data = tmp_path / "data"
    if made_before:
        data.mkdir(mode=0o755)
        data.chmod(0o755)
    old = os.umask(0o022)  # the usual umask, which made server.db 0644 in a 0755 folder
    try:
        _init(data)
    finally:
        os.umask(old)
    assert _mode(data) == 0o700
    files = [p for p in data.iterdir() if p.name.startswith("server.db")]
    assert any(p.name == "server.db" for p in files)
    for path in files:
        assert _mode(path) == 0o600, (path.name, oct(_mode(path)))
