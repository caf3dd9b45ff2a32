"""The layers: domain ← store ← services ← sync ← front-ends, and no arrow running back up.

Every `import` / `from … import` of every module is parsed (also those inside
functions), resolved to its absolute name, and checked against LAYERS: a module
may import from its own layer or a lower one, never a higher one. The core
never imports PySide6; the UI never opens a database session.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "gridworker"

# Lowest first. A name is the part right under gridworker/ ("" is gridworker/__init__.py).
LAYERS: tuple[tuple[str, ...], ...] = (
    ("", "language", "logs", "resources"),  # the version, the language choice, logging, data files
    ("domain", "demodata"),  # pure rules and models; the demo community is generated from the domain only
    ("store", "photos"),  # the local database (tables, Meta, search index) and the photo files
    ("services",),  # reads and writes the front-ends call
    ("sync", "identity"),  # the client sync engine; signing in (links an account online)
    ("ui", "commands", "cli", "server", "selftest", "bundle_main", "demo", "demo_account", "demo_server", "__main__"),
)
# The server shares only the domain with the client — and the photo pipeline, which its phone pages use
# to read and strip an upload's EXIF (tests/server/test_layout.py keeps that to server/web/).
ONLY_FROM: dict[str, set[str]] = {"server": {"", "language", "logs", "domain", "demodata", "demo", "photos", "server"}}
QT = ("PySide6", "qasync", "shiboken6")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_names(module: str, source: str, is_package: bool = False) -> list[tuple[int, str]]:
    """(line, absolute module name) for every import in `source`, at any depth, relative ones resolved."""
    package = module.split(".") if is_package else module.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1])
                if node.module:
                    found.append((node.lineno, f"{base}.{node.module}"))
                else:  # from . import x: x may be a module
                    found += [(node.lineno, f"{base}.{a.name}") for a in node.names]
            else:
                found.append((node.lineno, node.module or ""))
    return found


def _part(name: str) -> str | None:
    """The part under gridworker/ that `name` belongs to, or None outside the package."""
    parts = name.split(".")
    if parts[0] != "gridworker":
        return None
    if len(parts) == 1 or not ((PACKAGE / parts[1]).is_dir() or (PACKAGE / f"{parts[1]}.py").is_file()):
        return ""  # the package itself, or a name in its __init__ (from . import __version__)
    return parts[1]


def _layer(part: str) -> int:
    for level, names in enumerate(LAYERS):
        if part in names:
            return level
    raise AssertionError(f"gridworker/{part} is in no layer: add it to LAYERS in tests/core/test_layering.py")


def upward_imports(module: str, source: str, is_package: bool = False) -> list[str]:
    """What `module` imports against the layer order, one line each."""
    own = _part(module)
    assert own is not None, module
    bad = []
    for line, name in imported_names(module, source, is_package):
        target = _part(name)
        if target is None or target == own:
            continue
        if _layer(target) > _layer(own):
            bad.append(f"{module}:{line} imports {name} (a higher layer)")
        elif own in ONLY_FROM and target not in ONLY_FROM[own]:
            bad.append(f"{module}:{line} imports {name} (gridworker.{own} uses only {sorted(ONLY_FROM[own])})")
    return bad


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.relative_to(PACKAGE).parts:
            continue
        yield path, module_name(path), path.read_text("utf-8")


def test_no_import_runs_back_up():
    bad = [b for path, name, source in _modules() for b in upward_imports(name, source, path.name == "__init__.py")]
    assert bad == []


def test_the_checker_sees_a_planted_upward_import():
    assert upward_imports("gridworker.domain.planted", "import gridworker.sync.engine\n")
    assert upward_imports("gridworker.domain.planted", "def f():\n    from ..services import register\n")
    assert upward_imports("gridworker.store.planted", "from ..sync.tables import SyncBlob\n")
    assert upward_imports("gridworker.services", "from ..ui import app\n", is_package=True)
    assert upward_imports("gridworker.server.planted", "from ..store import Store\n")  # down, but not the domain
    assert upward_imports("gridworker.services.planted", "from . import changes\nfrom ..store import meta\n") == []
    assert upward_imports("gridworker.sync.planted", "from ..services.changes import Changes\n") == []


def test_no_qt_outside_ui():
    offenders = [
        name
        for path, name, source in _modules()
        if _part(name) != "ui" and any(n.split(".")[0] in QT for _, n in imported_names(name, source))
    ]
    assert offenders == []


def test_importing_every_core_module_loads_no_qt():
    modules = [
        name
        for path, name, _ in _modules()
        if _part(name) != "ui" and path.name != "__main__.py"
    ]
    code = "import importlib, sys\n" + "".join(f"importlib.import_module({m!r})\n" for m in modules)
    code += "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))]\nassert not bad, bad\n"
    subprocess.run([sys.executable, "-c", code], check=True)


SESSION_NAMES = {"Session", "sessionmaker", "AsyncSession", "scoped_session"}


def session_uses(module: str, source: str) -> list[str]:
    """Where `source` opens or imports a database session: the UI must call services instead."""
    bad = []
    for line, name in imported_names(module, source):
        if name.split(".")[0] in ("sqlalchemy", "sqlmodel"):
            bad.append(f"{module}:{line} imports {name}")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.alias) and node.name.split(".")[-1] in SESSION_NAMES:
            bad.append(f"{module} imports {node.name}")
        elif isinstance(node, ast.Name) and node.id in SESSION_NAMES:
            bad.append(f"{module}:{node.lineno} uses {node.id}")
        elif isinstance(node, ast.Attribute) and node.attr in SESSION_NAMES:
            bad.append(f"{module}:{node.lineno} uses .{node.attr}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("read", "write"):
            if not node.args and not node.keywords:  # store.read() / store.write(): a transaction
                bad.append(f"{module}:{node.lineno} calls .{node.func.attr}()")
    return bad


def test_ui_opens_no_database_session():
    bad = [b for _, name, source in _modules() if _part(name) == "ui" for b in session_uses(name, source)]
    assert bad == []


def test_the_session_guard_sees_a_planted_session():
    assert session_uses("gridworker.ui.planted", "def f(ctx):\n    with ctx.store.read() as s:\n        pass\n")
    assert session_uses("gridworker.ui.planted", "def f(ctx):\n    with ctx.store.write() as s:\n        pass\n")
    assert session_uses("gridworker.ui.planted", "from sqlmodel import select\n")
    assert session_uses("gridworker.ui.planted", "def f():\n    import sqlalchemy.orm\n")
    assert session_uses("gridworker.ui.planted", "from ..store.database import Session\n")
    assert session_uses("gridworker.ui.planted", "def f(engine):\n    return Session(engine)\n")
    assert session_uses("gridworker.ui.planted", "from ..services import register\nregister.find(ctx.store)\n") == []
