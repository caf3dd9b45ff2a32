"""The server's packages depend downwards only, the server needs nothing of the client, and the
demo package is a front-end helper that nothing below the front-ends imports."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "gridworker"
SERVER = PACKAGE / "server"
# What each server package may import of the server: core ← sync ← web (the phone pages) ← api, admin
# (api mounts the pages, admin starts the api).
MAY_USE = {
    "core": {"core"},
    "sync": {"core", "sync"},
    "web": {"core", "sync", "web"},
    "api": {"core", "sync", "web", "api"},
    "admin": {"core", "sync", "web", "api", "admin"},
}


def _gridworker_imports(path: Path) -> list[tuple[str, ast.AST]]:
    """Absolute names (gridworker.x.y) of every gridworker module `path` imports, with the import node."""
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    out = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            out += [(a.name, node) for a in node.names if a.name.split(".")[0] == "gridworker"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module.split(".")[0] == "gridworker":
                out += [(f"{module}.{a.name}" if not node.module else module, node) for a in node.names]
    return out


def _function_of(tree: ast.AST, node: ast.AST) -> str | None:
    for fn in ast.walk(tree):
        if isinstance(fn, ast.FunctionDef) and fn.lineno <= node.lineno <= fn.end_lineno:
            return fn.name
    return None


def _server_modules():
    return [p for p in SERVER.rglob("*.py") if "migrations" not in p.relative_to(SERVER).parts]


def test_the_server_imports_only_the_domain_of_the_rest_of_gridworker():
    allowed = ("gridworker.domain", "gridworker.server", "gridworker.language")
    bad = []
    for path in _server_modules():
        tree = ast.parse(path.read_text("utf-8"))
        for module, node in _gridworker_imports(path):
            # The phone pages read and strip an upload's EXIF with the app's photo pipeline (it imports only
            # the domain), so that the server keeps the same normalised JPEG a desktop would.
            if module.startswith("gridworker.photos") and path.relative_to(SERVER).parts[0] == "web":
                continue
            # the package's own bottom layer: its version and where the shipped tables are
            if module.startswith(allowed) or module in ("gridworker.__version__", "gridworker.resources_path"):
                continue
            # `gridworker-server demo-seed` alone loads the demo generator, when it runs.
            if module == "gridworker.demo.seed" and _function_of(tree, node) == "cmd_demo_seed":
                continue
            bad.append(f"{path.relative_to(PACKAGE)}: {module}")
    assert bad == []


def test_server_packages_depend_downwards_only():
    bad = []
    for path in _server_modules():
        parts = path.relative_to(SERVER).parts
        if len(parts) < 2:
            continue
        for module, _node in _gridworker_imports(path):
            names = module.split(".")
            if names[:2] == ["gridworker", "server"] and len(names) > 2 and names[2] in MAY_USE and names[2] not in MAY_USE[parts[0]]:
                bad.append(f"{path.relative_to(PACKAGE)}: {module}")
    assert bad == []
    assert sorted(p.name for p in SERVER.glob("*.py")) == ["__init__.py"]  # every module sits in a package


def test_nothing_below_the_front_ends_imports_the_demo_and_the_demo_package_imports_nothing():
    bad = [
        f"{path.relative_to(PACKAGE)}: {module}"
        for layer in ("domain", "store", "services", "sync")
        for path in (PACKAGE / layer).rglob("*.py")
        for module, _node in _gridworker_imports(path)
        if module.startswith("gridworker.demo")
    ]
    assert bad == []
    assert _gridworker_imports(PACKAGE / "demo" / "__init__.py") == []


def test_the_web_pages_stand_beside_the_api_and_only_they_use_the_photo_pipeline():
    web = SERVER / "web"
    assert (web / "templates" / "base.html").is_file() and (web / "static" / "app.js").is_file()
    users = {p.relative_to(SERVER).parts[0] for p in _server_modules() for m, _n in _gridworker_imports(p) if m.startswith("gridworker.photos")}
    assert users == {"web"}
    app = (SERVER / "api" / "app.py").read_text("utf-8")
    assert "web_site.install(app, state)" in app
