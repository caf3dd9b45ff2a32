"""`GridWorker --self-test`: does this installation work here? (the parts without Qt)

Each check exercises one thing a bundle can lose on the way to a community
centre's PC — a native library (SQLCipher, Argon2, libjpeg), a data file
(migrations, resources), a dynamically imported module (uvicorn) — on
throw-away data in a temporary GridWorker home, so a user's own accounts are
never touched. gridworker.ui.selftest adds the Qt checks and is what the app
runs; `python -m gridworker.selftest` runs only these.

Prints one line per check and exits 0, or 1 naming each failed check and its
error.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TextIO

SQLITE_PLAIN_HEADER = b"SQLite format 3\x00"
SOURCE_VERSION = "0.0.0+source"  # gridworker.__version__ when the package metadata is missing
ACCOUNT = "selftest"
PASSWORD = "self-test 网格 1"
PERSON_NAME = "张美玲"
PERSON_ID_NUMBER = "110105198005171247"
PHOTO_LAT, PHOTO_LON = 39.9087, 116.3975  # Tian'anmen: north and east, so the signs are checked too
PHOTO_TAKEN = "2024:05:17 09:30:00"


class CheckFailed(Exception):
    """A check found something wrong; its message says what."""


class SelfTestEnv:
    """Throw-away state shared by the checks: a temporary home, and the account the database check makes."""

    def __init__(self, root: Path):
        self.root = root
        self.home = root / "home"
        self._account = None
        self._store = None

    def open_account(self):
        from .store import AccountManager

        manager = AccountManager(self.home)
        manager.create(ACCOUNT, PASSWORD)
        self._account, self._store = manager.open(ACCOUNT, PASSWORD)
        return self._account, self._store

    @property
    def account(self):
        if self._account is None:
            raise CheckFailed("needs the account made by the 'database' check, which did not pass")
        return self._account

    @property
    def store(self):
        if self._store is None:
            raise CheckFailed("needs the database made by the 'database' check, which did not pass")
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


Check = tuple[str, Callable[[SelfTestEnv], str]]  # (name, function returning a one-line detail)


@dataclass(frozen=True)
class Outcome:
    name: str
    ok: bool
    detail: str  # what was seen, or the error and where it was raised
    seconds: float
    trace: str = ""


# -- the checks ------------------------------------------------------------------------------------
def check_version(env: SelfTestEnv) -> str:
    from . import __version__

    if __version__ == SOURCE_VERSION:
        raise CheckFailed("the package metadata (gridworker-*.dist-info) is missing: the version is unknown")
    where = "bundle" if getattr(sys, "frozen", False) else f"Python {sys.version.split()[0]}"
    return f"{__version__} ({where})"


def check_database(env: SelfTestEnv) -> str:
    """An account with an encrypted database, migrated to the newest schema."""
    from .store import migrate

    account, store = env.open_account()
    current, head = migrate.current(store.engine), migrate.head()
    if current != head:
        raise CheckFailed(f"schema at {current}, the migrations end at {head}")
    with open(account.db_path, "rb") as f:
        if f.read(len(SQLITE_PLAIN_HEADER)) == SQLITE_PLAIN_HEADER:
            raise CheckFailed(f"{account.db_path} is a plain SQLite file: SQLCipher did not encrypt it")
    with store.engine.connect() as conn:
        cipher = conn.exec_driver_sql("PRAGMA cipher_version").scalar()
    if not cipher:
        raise CheckFailed("the SQLite library in use is not SQLCipher")
    return f"SQLCipher {cipher}, schema {head}"


def check_register_and_search(env: SelfTestEnv) -> str:
    """A household and a person registered, then found by name (FTS5 trigram) and by pinyin initials."""
    from .services import register
    from .services.search import find_people

    store = env.store
    area = register.register_area(store, code="SELFTEST", name="自检网格", level="grid")
    building = register.register_building(store, {"name": "1号楼", "estate": "自检小区", "area_id": area.id})
    household = register.register_household(store, {"building_id": building.id, "unit": "1", "room": "101"})
    person = register.register_person(
        store, {"name": PERSON_NAME, "id_number": PERSON_ID_NUMBER, "household_id": household.id, "relation": "户主"}
    )
    for query in (PERSON_NAME, "zml", PERSON_ID_NUMBER[-6:]):
        hits = find_people(store, query)
        if person.id not in [h.person_id for h in hits]:
            raise CheckFailed(f"searching {query!r} did not find the person just registered (got {len(hits)} hits)")
    return f"registered {household.address}, found by name, initials and ID number"


def make_gps_jpeg(path: Path) -> None:
    """A small JPEG carrying a capture time and a GPS position, written with Pillow's own Exif API."""
    from PIL import ExifTags, Image

    def dms(value: float) -> tuple[float, float, float]:
        degrees = int(value)
        minutes_full = (value - degrees) * 60
        minutes = int(minutes_full)
        return (float(degrees), float(minutes), round((minutes_full - minutes) * 60, 4))

    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "GridWorker"
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = PHOTO_TAKEN
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = dms(PHOTO_LAT)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = dms(PHOTO_LON)
    Image.new("RGB", (64, 48), (200, 80, 40)).save(path, "JPEG", exif=exif.tobytes())


def check_photo_exif(env: SelfTestEnv) -> str:
    from .photos import inspect

    path = env.root / "gps.jpg"
    make_gps_jpeg(path)
    info = inspect(path)
    if info.lat is None or info.lon is None:
        raise CheckFailed("no GPS position read from a JPEG that has one")
    if abs(info.lat - PHOTO_LAT) > 1e-4 or abs(info.lon - PHOTO_LON) > 1e-4:
        raise CheckFailed(f"GPS read as {info.lat:.5f},{info.lon:.5f}, written as {PHOTO_LAT},{PHOTO_LON}")
    expected = datetime.strptime(PHOTO_TAKEN, "%Y:%m:%d %H:%M:%S")
    if info.taken_at is None or info.taken_at.replace(tzinfo=None) != expected:
        raise CheckFailed(f"capture time read as {info.taken_at}, written as {expected}")
    return f"{info.mime} {info.width}x{info.height}, {info.lat:.4f},{info.lon:.4f}, {info.taken_at.isoformat()}"


@contextmanager
def serving(app, timeout: float = 30.0) -> Iterator[str]:
    """Run an ASGI app with uvicorn on a free loopback port in a thread; yields its base URL."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))  # the port is ours from here on: no race with another process
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="selftest-uvicorn", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + timeout
        while not server.started:
            if not thread.is_alive():
                raise CheckFailed("uvicorn stopped before it started serving (see the messages above)")
            if time.monotonic() > deadline:
                raise CheckFailed(f"uvicorn did not start within {timeout:.0f} s")
            time.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout)
        sock.close()


def check_server(env: SelfTestEnv) -> str:
    """The sync server app on a fresh SQLite database (migrated), served by uvicorn, answers /api/v1/health."""
    import requests

    from . import __version__
    from .server.api.app import create_app
    from .server.core.config import Settings

    # Settings made directly, not from_env: GRIDWORKER_DATABASE_URL must not point the check at a real server.
    app = create_app(Settings(data_dir=env.root / "server"))
    with serving(app) as base, requests.Session() as http:
        http.trust_env = False  # no proxy between us and our own loopback port
        reply = http.get(f"{base}/api/v1/health", timeout=10)
    if reply.status_code != 200:
        raise CheckFailed(f"GET /api/v1/health answered {reply.status_code}: {reply.text[:200]}")
    body = reply.json()
    if body.get("status") != "ok" or body.get("version") != __version__:
        raise CheckFailed(f"unexpected health answer {body}")
    return f"uvicorn answered /api/v1/health: schema {body.get('schema')}"


def check_sync_process(env: SelfTestEnv) -> str:
    """The GUI's sync process starts (spawned: in a bundle, the executable again), opens the account and answers."""
    from .sync.process import SyncProcess

    proc = SyncProcess(env.account, env.store)
    try:
        pid = proc._process.pid
        result = proc.sync_now()
    finally:
        proc.close(timeout=20)
    code = result.error.code if result.error is not None else None
    if code != "not_linked":  # the account has no server: the engine in the child says so
        raise CheckFailed(f"the sync process answered {code!r}, expected 'not_linked': {result.error}")
    if proc._process.exitcode != 0:
        raise CheckFailed(f"the sync process exited with code {proc._process.exitcode}")
    return f"child {pid} opened the encrypted database and ran the engine ({code})"


def check_bundle_isolation(env: SelfTestEnv) -> str:
    """In a bundle, every module loaded so far came from the bundle, not from a Python installed here."""
    bundle = getattr(sys, "_MEIPASS", None)
    if not getattr(sys, "frozen", False) or bundle is None:
        return "running from source, not from a bundle: nothing to check"
    root = os.path.realpath(bundle)
    # Relative names (shiboken's "shibokensupport/…") are modules embedded in a library, not files.
    outside = sorted(
        f"{name} ({f})"
        for name, module in list(sys.modules.items())
        if (f := getattr(module, "__file__", None)) and os.path.isabs(f) and not os.path.realpath(f).startswith(root + os.sep)
    )
    if outside:
        raise CheckFailed(f"{len(outside)} module(s) loaded from outside the bundle: {', '.join(outside[:4])}")
    return f"{len(sys.modules)} modules, all from {root}"


CORE_CHECKS: list[Check] = [
    ("version", check_version),
    ("database", check_database),
    ("register-search", check_register_and_search),
    ("photo-exif", check_photo_exif),
    ("server", check_server),
    ("sync-process", check_sync_process),
]
LAST_CHECKS: list[Check] = [("bundle-isolation", check_bundle_isolation)]  # after everything else has been imported


# -- running ----------------------------------------------------------------------------------------
def _where(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return ""
    last = frames[-1]
    return f" [{Path(last.filename).name}:{last.lineno}]"


def run_check(name: str, fn: Callable[[SelfTestEnv], str], env: SelfTestEnv) -> Outcome:
    started = time.perf_counter()
    try:
        detail = fn(env)
    except Exception as exc:  # a self-test reports every failure and goes on to the next check
        message = str(exc) if isinstance(exc, CheckFailed) else f"{type(exc).__name__}: {exc}{_where(exc)}"
        return Outcome(name, False, message, time.perf_counter() - started, traceback.format_exc())
    return Outcome(name, True, detail, time.perf_counter() - started)


@contextmanager
def throwaway_home() -> Iterator[SelfTestEnv]:
    """A temporary GridWorker home (GRIDWORKER_HOME points there meanwhile), removed afterwards."""
    root = Path(tempfile.mkdtemp(prefix="gridworker-selftest-"))
    previous = os.environ.get("GRIDWORKER_HOME")
    env = SelfTestEnv(root)
    os.environ["GRIDWORKER_HOME"] = str(env.home)
    try:
        yield env
    finally:
        env.close()
        if previous is None:
            os.environ.pop("GRIDWORKER_HOME", None)
        else:
            os.environ["GRIDWORKER_HOME"] = previous
        shutil.rmtree(root, ignore_errors=True)


def run_checks(checks: Sequence[Check], *, out: TextIO | None = None, verbose: bool = False) -> list[Outcome]:
    """Run `checks` in order on one throw-away home, printing a line for each as it ends."""
    out = out or sys.stdout
    outcomes = []
    with throwaway_home() as env:
        for name, fn in checks:
            outcome = run_check(name, fn, env)
            outcomes.append(outcome)
            mark = "ok  " if outcome.ok else "FAIL"
            print(f"  {mark} {name:<18} {outcome.seconds:6.2f}s  {outcome.detail}", file=out, flush=True)
            if verbose and outcome.trace:
                print(outcome.trace, file=out, flush=True)
    return outcomes


def main(argv: list[str] | None = None, *, extra_checks: Sequence[Check] = ()) -> int:
    """Run the core checks, then `extra_checks` (the UI's), then the isolation check; 0 if all pass."""
    parser = argparse.ArgumentParser(prog="GridWorker --self-test", description="check that this installation works")
    parser.add_argument("--verbose", action="store_true", help="print the traceback of each failure")
    args = parser.parse_args(argv)
    from . import __version__

    print(f"GridWorker {__version__} self-test ({datetime.now(timezone.utc).isoformat(timespec='seconds')})", flush=True)
    started = time.perf_counter()
    outcomes = run_checks([*CORE_CHECKS, *extra_checks, *LAST_CHECKS], verbose=args.verbose)
    failed = [o.name for o in outcomes if not o.ok]
    took = time.perf_counter() - started
    if failed:
        print(f"self-test FAILED in {took:.1f}s: {', '.join(failed)}", flush=True)
        return 1
    print(f"self-test passed: {len(outcomes)} checks in {took:.1f}s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
