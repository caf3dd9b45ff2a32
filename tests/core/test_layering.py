"""The core never imports PySide6; the UI never opens a database session."""

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "gridworker"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_no_qt_outside_ui():
    offenders = [
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if "ui" not in p.relative_to(PACKAGE).parts[:1] and {"PySide6", "qasync", "shiboken6"} & _imports(p)
    ]
    assert offenders == []


def test_importing_every_core_module_loads_no_qt():
    modules = [
        ".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts)
        for p in PACKAGE.rglob("*.py")
        if p.relative_to(PACKAGE).parts[0] not in ("ui",) and "migrations" not in p.parts and p.name != "__main__.py"
    ]
    code = "import importlib, sys\n" + "".join(f"importlib.import_module({m!r})\n" for m in modules)
    code += "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))]\nassert not bad, bad\n"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_ui_opens_no_database_session():
    ui = PACKAGE / "ui"
    if not ui.exists():
        return
    bad = [
        str(p.relative_to(PACKAGE))
        for p in ui.rglob("*.py")
        if any(s in p.read_text("utf-8") for s in ("Session(", ".write()", ".read()", "sessionmaker"))
    ]
    assert bad == []
