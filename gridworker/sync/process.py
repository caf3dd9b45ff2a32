"""The sync worker in a child process, for the GUI: the window keeps turning while a big sync runs.

A first sync applies tens of thousands of records: pinyin, row mapping,
inserts, JSON of whole pages. In the GUI's own process that work holds the
interpreter lock for hundreds of milliseconds at a time, and the window
stutters however the work is split between threads. `SyncProcess` runs the
account's `SyncWorker` in a second process (spawned, never forked: the GUI
has threads), at a lower CPU priority, that opens the same encrypted database — SQLite in WAL mode lets
the GUI read while the child writes, and writers wait for each other.

The parent offers what the GUI's controller needs of a `SyncWorker`:
`sync_now()` (blocking; call it off the GUI thread), `status()`,
`add_listener()`, `backoff`, `close()`; plus `add_progress_listener()`. Over
a pipe the child reports the worker's status, the records each applied
group changed (merged and sent at most every PROGRESS_EVERY_S, so the
window refreshes a few times during a long sync, not per page), its log
records (the account has one log file), and the result of each sync.

If the child dies (killed, out of memory), the sync in flight returns a
transient `SyncProcessLost` error, recorded as the last error — the
controller retries with backoff as for a network failure — and the next
sync starts a new child. Nothing is lost: the outbox and the cursor are only
ever changed in committed transactions; for the same reason `close()` may
kill a child whose sync does not end in time. Any other break in reading the
pipe discards the child too, so a sync never reads another's messages.
account.json stays the parent's: the child sends back what the server said
of the user (role, areas, name), kept only if the account is still linked to
the same server and user.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import threading
import time
from collections import defaultdict
from dataclasses import replace
from datetime import datetime, timezone
from typing import Any

from ..services import changes
from ..store.accounts import Account, unlock_photos
from ..store.database import Store
from . import state
from .backoff import Backoff
from .engine import SyncResult
from .errors import SyncError
from .worker import SyncStatus, SyncWorker, read_status

log = logging.getLogger(__name__)

PROGRESS_EVERY_S = 1.0
# More changed ids of one entity than this are sent as `changes.Many`: every record may have changed.
# (Pages refresh by entity; a detail view asking "is my record in it?" gets yes.)
LIST_IDS_UP_TO = 2000
BACKGROUND_NICENESS = 10


SERVER_SAYS = ("role", "area_ids", "display_name")  # what a sync may learn of its user (link.remember_user)


def record_error(store: Store, err: SyncError) -> None:
    """Keep an error the engine itself could not record, so the status shows it (as SyncEngine._finish does)."""
    with store.write() as s:
        at = datetime.now(timezone.utc).isoformat()
        state.set_json(s, state.LAST_ERROR, {"code": err.code, "zh": err.zh, "en": err.en, "at": at})
        state.set_meta(s, state.STATE, err.state)


class SyncProcessLost(SyncError):
    code = "sync_process_lost"
    transient = True
    state = "error"

    def __init__(self, detail: str = ""):
        super().__init__(
            "同步进程意外退出，稍后会自动重试；本机数据都已保留" + (f"（{detail}）" if detail else ""),
            "The sync process stopped unexpectedly; sync will retry, everything on this computer is kept"
            + (f" ({detail})" if detail else ""),
        )


class ReportedSyncError(SyncError):
    """A SyncError of the child, rebuilt in the parent with what the GUI reads of it."""

    def __init__(self, zh: str, en: str, *, code: str, transient: bool, state: str, retry_after: float | None,
                 details: dict | None = None):  # fmt: skip
        super().__init__(zh, en, code=code, details=details)
        self.transient = transient
        self.state = state
        self.retry_after = retry_after

    def __reduce__(self):
        return (_rebuild_error, (self.zh, self.en, self.code, self.transient, self.state, self.retry_after, self.details))


def _rebuild_error(zh, en, code, transient, state, retry_after, details) -> ReportedSyncError:
    return ReportedSyncError(zh, en, code=code, transient=transient, state=state, retry_after=retry_after, details=details)


INTERNAL = SyncError("同步出错（详见日志）", "Sync failed (see the log)", code="internal")


def portable(result: SyncResult) -> SyncResult:
    """The result with its error in a form that crosses a pipe (SyncError subclasses have their own __init__)."""
    err = result.error
    if err is None or isinstance(err, ReportedSyncError):
        return result
    reported = ReportedSyncError(err.zh, err.en, code=err.code, transient=err.transient, state=err.state,
                                 retry_after=getattr(err, "retry_after", None), details=err.details)  # fmt: skip
    return replace(result, error=reported)


# -- the child -----------------------------------------------------------------------------------------
class _PipeLogHandler(logging.Handler):
    def __init__(self, send):
        super().__init__(logging.INFO)
        self._send = send

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
            exc = logging.Formatter().formatException(record.exc_info) if record.exc_info else None
            self._send(("log", record.name, record.levelno, text, exc, record.threadName))
        except Exception:  # the pipe is gone: the parent is closing
            pass


class _ChangeForwarder:
    """Merges the change notices of one sync; sends them at most every PROGRESS_EVERY_S and at its end."""

    def __init__(self, send):
        self._send = send
        self._ids: dict[str, set[str]] = defaultdict(set)
        self._count = 0
        self._last_sent = time.monotonic()

    def __call__(self, notice: changes.Changes) -> None:
        for entity, ids in notice.ids.items():
            self._ids[entity].update(ids)
            self._count += len(ids)
        if time.monotonic() - self._last_sent >= PROGRESS_EVERY_S:
            self.flush()

    def start(self) -> None:
        self._count = 0
        self._last_sent = time.monotonic()

    def flush(self) -> None:
        self._last_sent = time.monotonic()
        if not self._ids:
            return
        merged = {e: (set(ids) if len(ids) <= LIST_IDS_UP_TO else changes.Many()) for e, ids in self._ids.items()}
        self._ids.clear()
        self._send(("changes", merged, self._count))


def _lower_priority() -> None:
    """Background work gives way: on a busy two-core laptop the window gets the CPU first."""
    if hasattr(os, "nice"):
        os.nice(BACKGROUND_NICENESS)
    elif sys.platform == "win32":
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        kernel32.SetPriorityClass(kernel32.GetCurrentProcess(), 0x4000)  # BELOW_NORMAL_PRIORITY_CLASS


def _child_main(conn, account: Account, key: bytes) -> None:
    _lower_priority()
    send_lock = threading.Lock()

    def send(message: Any) -> None:
        with send_lock:
            conn.send(message)

    root = logging.getLogger()
    root.addHandler(_PipeLogHandler(send))
    logging.getLogger("gridworker").setLevel(logging.INFO)
    store = Store(account.db_path, key, migrate=False)  # the parent opened it: migrations are done
    unlock_photos(account, store, migrate=False)  # and encrypted any plain photo files
    # account.json belongs to the window's process (it may sign in again while this syncs): what the server
    # says of the user goes back with each result instead (SyncProcess._take_user).
    account.save_info = lambda: None  # type: ignore[method-assign]
    worker = SyncWorker(account, store, retry=False)
    forwarder = _ChangeForwarder(send)
    changes.subscribe(forwarder)
    worker.add_listener(lambda status: send(("status", status)))
    try:
        while True:
            try:
                command, arg = conn.recv()
            except (EOFError, OSError):
                return  # the GUI is gone
            if command == "close":
                return
            if command == "sync":
                worker.account.info = arg  # signed in again meanwhile: the parent's copy is the truth
                forwarder.start()
                try:
                    result = worker.sync_now()
                except Exception as exc:  # a bug: reported like one, the child stays up
                    log.exception("sync failed")
                    record_error(store, INTERNAL)
                    forwarder.flush()
                    send(("status", worker.status()))
                    send(("crashed", f"{type(exc).__name__}: {exc}"))
                    continue
                forwarder.flush()
                entry = worker.account.info.get("server") or {}
                send(("result", portable(result), {k: entry.get(k) for k in SERVER_SAYS + ("url", "user_id")}))
    finally:
        worker.close()
        store.close()


# -- the parent ----------------------------------------------------------------------------------------
class SyncProcess:
    """The account's sync worker, run in a child process; the same interface the GUI uses of SyncWorker."""

    def __init__(self, account: Account, store: Store):
        self.account = account
        self.store = store
        self.backoff = Backoff(base=5.0, cap=600.0)
        self._ctx = multiprocessing.get_context("spawn")
        self._process = None
        self._conn = None
        self._run_lock = threading.Lock()
        self._lock = threading.Lock()
        self._closed = False
        self._online: bool | None = None
        self._syncing = False
        self._listeners: list = []
        self._progress_listeners: list = []
        self._start()

    def _start(self) -> None:
        parent_end, child_end = self._ctx.Pipe()
        process = self._ctx.Process(target=_child_main, args=(child_end, self.account, self.store.key),
                                    name=f"gridworker-sync-{self.account.name}", daemon=True)  # fmt: skip
        process.start()
        child_end.close()
        self._process, self._conn = process, parent_end

    # -- what the controller asks ----------------------------------------------------------------
    def status(self) -> SyncStatus:
        with self._lock:
            online, syncing = self._online, self._syncing
        return read_status(self.account, self.store, online=online, syncing=syncing)

    def add_listener(self, callback):
        return self._add(self._listeners, callback)

    def add_progress_listener(self, callback):
        """`callback(received)`: how many records this sync has applied so far (on the syncing thread)."""
        return self._add(self._progress_listeners, callback)

    def _add(self, listeners: list, callback):
        with self._lock:
            listeners.append(callback)

        def remove() -> None:
            with self._lock:
                if callback in listeners:
                    listeners.remove(callback)

        return remove

    def sync_now(self) -> SyncResult:
        """One sync in the child; blocks the calling thread (never the GUI's) until it ends."""
        with self._run_lock:
            if self._closed:
                raise RuntimeError("sync process closed")
            if not self._process.is_alive():
                self._start()
            with self._lock:
                self._syncing = True
            try:
                self._conn.send(("sync", self.account.info))
                return self._until_result()
            except (EOFError, OSError) as exc:
                self._discard()
                error = SyncProcessLost(f"exit code {self._process.exitcode}")
                if not self._closed:  # stopped by close(): the account is closing, nothing went wrong
                    log.error("sync process lost: %r (exit code %s)", exc, self._process.exitcode)
                    record_error(self.store, error)
                with self._lock:
                    self._syncing = False
                self._call(self._listeners, self.status())
                return SyncResult(state=error.state, error=error)
            except BaseException:
                # Whatever else broke off the reading (a crash report, a failing notice): the rest of this
                # sync's messages are still in the pipe, and the next sync would read them as its own.
                self._discard()
                with self._lock:
                    self._syncing = False
                self._call(self._listeners, self.status())
                raise
            finally:
                with self._lock:
                    self._syncing = False

    def _until_result(self) -> SyncResult:
        while True:
            message = self._conn.recv()
            kind = message[0]
            if kind == "result":
                _, result, said = message
                self._take_user(said)
                with self._lock:
                    self._online = not (result.error is not None and result.error.code == "offline")
                return result
            if kind == "status":
                status: SyncStatus = message[1]
                with self._lock:
                    self._online = status.online if status.online is not None else self._online
                self._call(self._listeners, status)
            elif kind == "changes":
                _, ids, received = message
                try:
                    changes.publish(changes.Changes(ids=ids, initiator="sync"))
                except Exception:  # a view that fails to refresh must not stop the reading
                    log.exception("a change notice listener failed")
                self._call(self._progress_listeners, received)
            elif kind == "log":
                _, name, level, text, exc, thread = message
                record = logging.makeLogRecord({"name": name, "levelno": level, "levelname": logging.getLevelName(level),
                                                "msg": text, "exc_text": exc, "threadName": f"sync:{thread}"})  # fmt: skip
                logging.getLogger(name).handle(record)
            elif kind == "crashed":
                raise RuntimeError(f"sync failed in the sync process: {message[1]}")

    def _take_user(self, said: dict | None) -> None:
        """Role, areas and name as the server said them in the child's sync (link.remember_user), kept only
        if this account is still linked to the same server and user; saved here, the owner of account.json."""
        entry = self.account.info.get("server")
        if not said or not entry or (entry.get("url"), entry.get("user_id")) != (said.get("url"), said.get("user_id")):
            return
        fresh = {k: said.get(k) for k in SERVER_SAYS}
        if any(entry.get(k) != v for k, v in fresh.items()):
            entry.update(fresh)
            self.account.save_info()

    def _call(self, listeners: list, value) -> None:
        with self._lock:
            targets = list(listeners)
        for callback in targets:
            try:
                callback(value)
            except Exception:
                log.exception("sync listener failed")

    def _discard(self) -> None:
        try:
            self._conn.close()
        except OSError:
            pass
        if self._process.is_alive():
            self._process.kill()
        self._process.join(5)

    def close(self, timeout: float = 30.0) -> None:
        """Let a running sync end (up to `timeout`), then stop the child."""
        got = self._run_lock.acquire(timeout=timeout)
        try:
            if self._closed:
                return
            self._closed = True
            try:
                self._conn.send(("close", None))
            except (OSError, BrokenPipeError):
                pass
            self._process.join(timeout if got else 1)
            if self._process.is_alive():
                log.warning("sync process did not stop: killing it")
                self._process.kill()
                self._process.join(5)
            self._conn.close()
        finally:
            if got:
                self._run_lock.release()
