"""The `gridworker` command as a fresh process: what it loads to start, where its options go, which language it speaks.

Start-up time itself is measured by benchmarks/bench_cli.py, never asserted:
here the test is what a quick command must not import.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import PASSWORD

HEAVY = ("pypinyin", "openpyxl", "alembic", "sqlmodel", "sqlalchemy", "pydantic", "requests", "PIL")

# Runs the CLI's main() and then prints which of the heavy packages it had imported.
WRAPPER = """
import json, sys
from gridworker.cli import main
try:
    code = main(sys.argv[1:])
finally:
    sys.stdout.flush()
    loaded = sorted({m.split('.')[0] for m in sys.modules} & set(json.loads(%r)))
    print("LOADED " + json.dumps(loaded), file=sys.stderr)
sys.exit(code)
"""


def _env(home, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG")) and k != "GRIDWORKER_LANG"}
    env |= {"GRIDWORKER_HOME": str(home), "GRIDWORKER_KDF": "fast"}
    return env | extra


def cli(home, *args: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", WRAPPER % json.dumps(HEAVY), *args],
        input=stdin, text=True, capture_output=True, env=_env(home, **env), timeout=120,
    )  # fmt: skip


def loaded(run: subprocess.CompletedProcess) -> list[str]:
    line = next(x for x in run.stderr.splitlines() if x.startswith("LOADED "))
    return json.loads(line.removeprefix("LOADED "))


# -- item 13: start-up --------------------------------------------------------------------------
def test_version_loads_none_of_the_heavy_packages(tmp_path):
    run = cli(tmp_path, "--version")
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() and run.stdout.strip()[0].isdigit()
    assert loaded(run) == []


def test_help_and_an_unknown_account_load_none_of_them_either(tmp_path):
    run = cli(tmp_path, "--help")
    assert run.returncode == 0 and "COMMAND" in run.stdout
    assert loaded(run) == []


def test_status_opens_the_store_without_the_search_excel_or_migration_packages(tmp_path):
    created = cli(tmp_path, "account", "create", "w", "--password-stdin", stdin=PASSWORD + "\n")
    assert created.returncode == 0, created.stderr
    run = cli(tmp_path, "--lang", "en", "status", "--password-stdin", stdin=PASSWORD + "\n")
    assert run.returncode == 0, run.stderr
    assert "Unsent edits: 0" in run.stdout
    # Read with sqlcipher3 alone (gridworker.sync.probe): no SQLAlchemy, no pinyin dictionary, no openpyxl, no HTTP.
    assert loaded(run) == []


# -- item 14: global options after the command ---------------------------------------------------
def test_global_options_are_accepted_after_the_command(tmp_path):
    other_home = tmp_path / "elsewhere"
    run = cli(tmp_path, "account", "create", "w", "--password-stdin", "--home", str(other_home), "--lang", "en",
              stdin=PASSWORD + "\n")  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("Created account 'w'") and str(other_home) in run.stdout
    assert (other_home / "accounts" / "w").is_dir()

    run = cli(tmp_path, "account", "list", "--home", str(other_home))
    assert run.returncode == 0 and run.stdout.split() == ["w"]
    run = cli(tmp_path, "status", "--json", "--account", "w", "--home", str(other_home), "--password-stdin",
              stdin=PASSWORD + "\n")  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["account"] == "w"


def test_an_option_before_the_command_is_not_undone_by_the_command(tmp_path):
    run = cli(tmp_path, "--lang", "en", "--password-stdin", "account", "create", "w", stdin=PASSWORD + "\n")
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("Created account 'w'")
    # A nested action (conflicts → dismiss) sees the options given before the first command.
    run = cli(tmp_path, "--lang", "en", "--password-stdin", "conflicts", "dismiss", "nothing-such", stdin=PASSWORD + "\n")
    assert "password" not in run.stderr.lower(), run.stderr


def test_export_keeps_lang_after_the_command_for_the_sheet_headers(tmp_path):
    sheet = tmp_path / "t.xlsx"
    run = cli(tmp_path, "--lang", "zh", "template", "-o", str(sheet), "--lang", "en")
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("已生成模板")  # the messages stay Chinese; --lang after `template` is the sheet's
    import openpyxl

    headers = [c.value for c in next(openpyxl.load_workbook(sheet).worksheets[0].iter_rows(max_row=1))]
    assert not any("\u4e00" <= ch <= "\u9fff" for h in headers if h for ch in str(h))


# -- item 14: the language nobody chose ----------------------------------------------------------
NO_ACCOUNT_ZH, NO_ACCOUNT_EN = "还没有账户", "No account yet"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"LANG": "C"}, NO_ACCOUNT_ZH),
        ({"LANG": "POSIX"}, NO_ACCOUNT_ZH),
        ({"LC_ALL": "C.UTF-8"}, NO_ACCOUNT_ZH),
        ({}, NO_ACCOUNT_ZH),
        ({"LANG": "zh_CN.UTF-8"}, NO_ACCOUNT_ZH),
        ({"LANG": "en_US.UTF-8"}, NO_ACCOUNT_EN),
        ({"LANG": "de_DE.UTF-8"}, NO_ACCOUNT_EN),
        ({"LANG": "zh_CN.UTF-8", "LC_ALL": "en_GB.UTF-8"}, NO_ACCOUNT_EN),
        ({"LANG": "C", "GRIDWORKER_LANG": "en"}, NO_ACCOUNT_EN),
        ({"LANG": "en_US.UTF-8", "GRIDWORKER_LANG": "zh"}, NO_ACCOUNT_ZH),
    ],
)
def test_the_locale_decides_the_language_and_c_means_chinese(tmp_path, env, expected):
    run = cli(tmp_path, "status", **env)
    assert run.returncode == 1
    assert expected in run.stderr, run.stderr


def test_the_server_command_follows_the_same_rule(tmp_path):
    def init(**env: str) -> str:  # asks for a password it cannot read: a message in the run's language
        run = subprocess.run(
            [sys.executable, "-m", "gridworker.server.admin.cli", "init", "--data", str(tmp_path / "server")],
            text=True, capture_output=True, stdin=subprocess.DEVNULL, env=_env(tmp_path, **env), timeout=120,
        )  # fmt: skip
        assert run.returncode == 1
        return run.stderr

    assert "请用 --password-stdin 提供密码" in init(LANG="C")
    assert "Give the password with --password-stdin" in init(LANG="fr_FR.UTF-8")


def test_default_language_reads_the_environment_not_pythons_locale_guess():
    from gridworker.language import default_language

    assert default_language({"LANG": "C.UTF-8"}) == "zh"
    assert default_language({"LC_ALL": "POSIX", "LANG": "en_US.UTF-8"}) == "zh"  # LC_ALL wins, and C chooses nothing
    assert default_language({"LANG": "en_US.UTF-8", "LANGUAGE": "zh_CN:en"}) == "zh"
    assert default_language({"LANG": "zh_TW.UTF-8"}) == "zh"
    assert default_language({"LANG": "ja_JP.UTF-8"}) == "en"
    assert default_language({"GRIDWORKER_LANG": "klingon", "LANG": "C"}) == "zh"  # not a language we speak: ignored


def test_the_quick_schema_check_agrees_with_alembic():
    from gridworker.store import migrate

    assert migrate.quick_head() == migrate.head()
