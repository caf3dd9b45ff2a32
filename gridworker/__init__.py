"""GridWorker (网格员工作台): offline-first register, visits and incidents for community grid workers."""

from __future__ import annotations

from pathlib import Path


def __getattr__(name: str) -> str:
    # Looked up when first asked for: reading the installed metadata costs every command's start-up.
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        value = version("gridworker")
    except PackageNotFoundError:  # running from a source tree that was not installed
        value = "0.0.0+source"
    globals()["__version__"] = value
    return value


def resources_path(name: str = "") -> Path:
    """The path of `name` (e.g. "categories.json", "i18n") in the application's resources: the one place that knows.

    They live in the top-level resources/ of the source tree (a checkout, the
    editable install); the wheel maps that folder to gridworker/resources
    (setup.py's package_dir) and the PyInstaller bundle carries it there too.
    """
    here = Path(__file__).resolve().parent
    for base in (here / "resources", here.parent / "resources"):
        if (base / _MARKER).is_file():
            return base / name if name else base
    raise FileNotFoundError(f"GridWorker resources not found beside {here}")


_MARKER = "categories.json"  # a leftover folder of compiled translations is not the resources
