"""The top-level resources/: found through gridworker.resources_path, carried by the wheel; the GUI entry point."""

import fnmatch
import subprocess
import sys
import tomllib
from pathlib import Path

import gridworker
from gridworker import resources_path

ROOT = Path(__file__).resolve().parents[2]


def test_resources_are_read_from_the_top_level_folder():
    assert resources_path() == ROOT / "resources"
    assert resources_path("categories.json").is_file() and resources_path("common-passwords.txt").is_file()
    assert any(resources_path("i18n").glob("*.ts"))
    # No second copy inside the package (a folder of old compiled translations left there by git is not one).
    assert not (Path(gridworker.__file__).parent / "resources" / "categories.json").exists()


def test_the_wheel_carries_every_resource_file():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    assert config["package-dir"]["gridworker.resources"] == "resources"
    patterns = config["package-data"]["gridworker.resources"]
    for path in (ROOT / "resources").rglob("*"):
        if path.is_file():
            rel = path.relative_to(ROOT / "resources").as_posix()
            assert any(fnmatch.fnmatch(rel, p) for p in patterns), f"{rel} is not in the wheel's package data"


def test_the_gui_entry_point_starts_the_app_without_loading_qt_on_import():
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["gui-scripts"]
    module, _, function = scripts["gridworker-app"].partition(":")
    # A spawned sync process re-imports the launcher: importing it must not load Qt.
    code = f"import sys, {module} as m; assert callable(m.{function}); print('PySide6' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
