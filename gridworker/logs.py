"""The app's log: one rotating file per account (<account>/logs/gridworker.log), no Qt.

Each account keeps its own log because several people may share one PC:
what one grid worker did is not written where the next one reads. Records
of the app (the "gridworker" loggers, INFO and up) and warnings of the
libraries underneath go to the file of the account that is open; switching
account switches the file. Log lines name records by id, not by a
resident's name, ID or phone number.
"""

from __future__ import annotations

import logging
import platform
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path

from . import __version__

LOG_FILE = "gridworker.log"
MAX_BYTES = 2 * 1024 * 1024
BACKUPS = 5
FORMAT = "%(asctime)s %(levelname)-7s %(name)s [%(threadName)s] %(message)s"

_handler: RotatingFileHandler | None = None


def log_to_account(logs_dir: Path, *, level: int = logging.INFO) -> Path:
    """Write the log to `logs_dir`/gridworker.log from now on (rotated at 2 MiB, 5 kept); returns the file."""
    global _handler
    stop_account_log()
    logs_dir = Path(logs_dir)
    logs_dir.mkdir(parents=True, exist_ok=True)
    path = logs_dir / LOG_FILE
    handler = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=False)
    handler.setLevel(level)
    handler.setFormatter(logging.Formatter(FORMAT))
    root = logging.getLogger()
    root.addHandler(handler)
    app_logger = logging.getLogger("gridworker")
    if app_logger.level == logging.NOTSET or app_logger.level > level:
        app_logger.setLevel(level)
    _handler = handler
    app_logger.info(
        "log opened: GridWorker %s, Python %s, %s", __version__, sys.version.split()[0], platform.platform(terse=True)
    )
    return path


def stop_account_log() -> None:
    """Close the current account's log file (sign-out, account switch, exit)."""
    global _handler
    if _handler is None:
        return
    logging.getLogger("gridworker").info("log closed")
    logging.getLogger().removeHandler(_handler)
    _handler.close()
    _handler = None


def current_log_file() -> Path | None:
    """The file being written, for the error report and the "open log folder" action."""
    return Path(_handler.baseFilename) if _handler is not None else None
