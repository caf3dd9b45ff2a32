"""One sync worker per account: never two syncs at once, triggered (debounced), retried with backoff.

Usable from the CLI (`sync_now`, blocking) and from the GUI, which calls
`trigger()` on local changes, a timer, connectivity changes and the sync
button, and reads `status()` (a frozen SyncStatus) in listeners it bridges
to the GUI thread. No Qt here: listeners are called on the worker's thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import replace

from ..store.accounts import Account
from ..store.database import Store
from . import state
from .backoff import Backoff
from .engine import SyncEngine, SyncResult
from .probe import Probe
from .status import SyncStatus, read_status  # noqa: F401  (re-exported for the GUI and the CLI)

log = logging.getLogger(__name__)


class SyncWorker:
    def __init__(
        self,
        account: Account,
        store: Store,
        *,
        debounce_s: float = 2.0,
        retry: bool = True,
        engine: SyncEngine | None = None,
        probe: bool | None = None,
    ):
        self.account = account
        self.store = store
        self.engine = engine or SyncEngine(account, store)
        # A round with nothing to do is told by the probe (probe.py: a few reads and two GETs, no engine
        # round). `probe` defaults to on for the worker's own engine; an engine given (a test's) runs every round.
        use_probe = engine is None if probe is None else probe
        self._probe = Probe(account.db_path, store.key, account.info, page_size=self.engine.page_size) if use_probe else None
        self.debounce_s = debounce_s
        self.retry = retry
        self.backoff = Backoff(base=5.0, cap=600.0)
        self._run_lock = threading.Lock()  # held for the whole of one sync
        self._lock = threading.Lock()  # guards the fields below
        self._timer: threading.Timer | None = None
        self._again = False
        self._closed = False
        self._online: bool | None = None
        self._syncing = False
        self._next_retry: float | None = None
        self._listeners: list[Callable[[SyncStatus], None]] = []

    # -- status --------------------------------------------------------------------
    def status(self) -> SyncStatus:
        with self._lock:
            online, syncing, retry = self._online, self._syncing, self._next_retry
        return replace(read_status(self.account, self.store, online=online, syncing=syncing), next_retry_s=retry)

    def add_listener(self, callback: Callable[[SyncStatus], None]) -> Callable[[], None]:
        with self._lock:
            self._listeners.append(callback)

        def remove() -> None:
            with self._lock:
                if callback in self._listeners:
                    self._listeners.remove(callback)

        return remove

    def _notify(self) -> None:
        with self._lock:
            listeners = list(self._listeners)
        if not listeners:
            return
        current = self.status()
        for callback in listeners:
            try:
                callback(current)
            except Exception:  # a broken listener must not stop syncing
                log.exception("sync status listener failed")

    # -- running -------------------------------------------------------------------
    def sync_now(self) -> SyncResult:
        """Run one sync on this thread; if one is running, wait for it and then run another."""
        with self._run_lock:
            with self._lock:
                self._syncing = True
            self._notify()
            try:
                result = self._round()
            finally:
                with self._lock:
                    self._syncing = False
            self._after(result)
        with self._lock:
            again, self._again = self._again, False
        if again:
            self.trigger(0)  # a trigger arrived while this sync ran: its changes may not be in it
        return result

    def _round(self) -> SyncResult:
        if self._probe is not None:
            self._probe.info = self.account.info  # the sync process replaces it when the user signs in again
            quiet = self._probe.quiet_round()
            if quiet is not None:
                return SyncResult(**quiet)
        return self.engine.sync_once()

    def _after(self, result: SyncResult) -> None:
        err = result.error
        with self._lock:
            self._online = not (err is not None and err.code == "offline")
            self._next_retry = None
        if err is None:
            self.backoff.succeeded()
        elif err.transient and self.retry:
            wait = self.backoff.failed(getattr(err, "retry_after", None))
            with self._lock:
                self._next_retry = wait
            self.trigger(wait)
        self._notify()

    def trigger(self, delay: float | None = None) -> None:
        """Ask for a sync soon; repeated calls within the debounce time make one sync."""
        with self._lock:
            if self._closed:
                return
            if self._timer is not None:
                self._timer.cancel()
            self._timer = threading.Timer(self.debounce_s if delay is None else delay, self._background)
            self._timer.daemon = True
            self._timer.start()

    def _background(self) -> None:
        if not self._run_lock.acquire(blocking=False):
            with self._lock:
                self._again = True  # a sync is running: run once more after it
            if not self._run_lock.locked():
                self.trigger(0)  # it ended between the two looks: its end may have missed the flag
            return
        self._run_lock.release()
        try:
            self.sync_now()
        except Exception:  # a bug, not a network problem: keep it visible and keep the worker alive
            log.exception("sync failed")
            with self.store.write() as s:
                state.set_json(s, state.LAST_ERROR, {"code": "internal", "zh": "同步出错（详见日志）", "en": "Sync failed (see the log)"})
            self._notify()

    def close(self, timeout: float = 30.0) -> None:
        """Stop timers and wait (up to `timeout`) for a running sync to end."""
        with self._lock:
            self._closed = True
            if self._timer is not None:
                self._timer.cancel()
        if self._run_lock.acquire(timeout=timeout):
            self.engine.close()
            if self._probe is not None:
                self._probe.close()
            self._run_lock.release()

