"""GridWorker (网格员工作台): offline-first register, visits and incidents for community grid workers."""

from importlib.metadata import PackageNotFoundError, version as _version

try:
    __version__ = _version("gridworker")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+source"
