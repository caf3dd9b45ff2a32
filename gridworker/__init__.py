"""GridWorker (网格员工作台): offline-first register, visits and incidents for community grid workers."""

from __future__ import annotations


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
