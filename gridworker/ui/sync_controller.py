"""The GUI's side of syncing: one controller per open account, owning its sync worker.

The worker runs in a child process (sync/process.py): a first sync of a big
community keeps a Python interpreter busy for seconds, and in this process
that would make the window stutter. Syncs are started through `ctx.runner`
on the "net" pool, whose thread only waits on the child; never two at once:
a request that arrives while a sync runs makes one more sync after it.
Requests come from signing in and linking (at once: app.py, `account_linked`),
local edits (`ctx.data_changed`, debounced, ignoring the changes a sync itself
applied), a timer, and the "sync now" buttons. The
worker's status is re-emitted on the GUI thread as `status_changed(SyncStatus)`,
the number of records received so far as `progress(int)`.

An account not linked to a server never syncs; its status says so.
"""

from __future__ import annotations

import logging
import traceback
from dataclasses import replace

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from ..sync.process import SyncProcess
from ..sync.worker import SyncStatus, read_status
from .context import AppContext
from .tasks import async_slot

log = logging.getLogger(__name__)

NOT_LINKED = "not linked"
DEBOUNCE_MS = 3000
CLOSE_WAIT_S = 2.0  # how long closing an account waits for a running sync before stopping its process
PERIOD_MS = 120_000


def is_linked(ctx: AppContext) -> bool:
    return bool((ctx.account.info.get("server") or {}).get("url"))


def not_linked_status() -> SyncStatus:
    return SyncStatus(state=NOT_LINKED, online=None, syncing=False, pending=0, conflicts=0, rejected=0,
                      photos_waiting=0, last_success=None, last_error=None)  # fmt: skip


class SyncController(QObject):
    status_changed = Signal(object)  # SyncStatus, always on the GUI thread
    synced = Signal(object)  # SyncResult of each finished sync
    progress = Signal(int)  # records received so far by the running sync
    _status_from_worker = Signal(object)  # emitted on the worker's thread: queued to this object's thread
    _progress_from_worker = Signal(int)

    def __init__(self, ctx: AppContext, *, debounce_ms: int = DEBOUNCE_MS, period_ms: int = PERIOD_MS):
        super().__init__(ctx)
        self.ctx = ctx
        self.linked = is_linked(ctx)
        self.worker: SyncProcess | None = None
        self._status = not_linked_status()
        self._running = False
        self._again = False
        self._stopped = False
        self._debounce = QTimer(self, singleShot=True, interval=debounce_ms)
        self._period = QTimer(self, interval=period_ms)
        self._retry = QTimer(self, singleShot=True)
        for timer in (self._debounce, self._period, self._retry):
            timer.timeout.connect(self.sync_now)
        if self.linked:
            self._start_worker()

    def _start_worker(self) -> None:
        # Every sync goes through the runner, and the controller schedules the retries on a QTimer.
        ctx = self.ctx
        self.worker = SyncProcess(ctx.account, ctx.store)
        self._status = replace(not_linked_status(), state="ok")  # until the saved status has been read
        self._removers = (self.worker.add_listener(self._status_from_worker.emit),
                          self.worker.add_progress_listener(self._progress_from_worker.emit))  # fmt: skip
        self._status_from_worker.connect(self._publish)
        self._progress_from_worker.connect(self.progress)
        ctx.data_changed.connect(self._local_change)
        self._period.start()
        self._read_saved_status()

    @async_slot()
    async def _read_saved_status(self) -> None:
        self._publish_saved(await self.ctx.runner.call(read_status, self.ctx.account, self.ctx.store))

    @Slot(object)
    def _publish_saved(self, status: SyncStatus) -> None:
        """The status saved by the last sync; a sync started meanwhile (at sign-in) is still shown running."""
        self._publish(replace(status, syncing=True, state="syncing") if self._running else status)

    def account_linked(self) -> None:
        """The account may have been linked after this controller started (the demo server): sync if so."""
        if self._stopped:
            return
        if self.worker is None and is_linked(self.ctx):
            self.linked = True
            self.ctx.refresh_identity()
            self._start_worker()
        if self.worker is None:
            self._publish(not_linked_status())  # still offline: the indicator shows why (e.g. no demo server)
            return
        self.sync_now()

    # -- what the widgets ask ------------------------------------------------------------------
    def status(self) -> SyncStatus:
        return self._status

    @property
    def running(self) -> bool:
        return self._running

    @Slot()
    def sync_now(self) -> None:
        """Start a sync now, or once more right after the one running."""
        if self.worker is None or self._stopped:
            return
        self._debounce.stop()
        self._retry.stop()
        if self._running:
            self._again = True
            return
        self._running = True
        # Shown at once: the child process may take a moment to start (a first sync after sign-in).
        self._publish(replace(self._status, syncing=True, state="syncing"))
        self.ctx.runner.start(self._sync(self.worker), "sync")

    async def _sync(self, worker: SyncProcess) -> None:
        try:
            result = await self.ctx.runner.call(worker.sync_now, pool="net")
        except Exception as exc:  # noqa: BLE001 - a bug rather than a network problem: shown, and syncing goes on
            self._crashed(exc)
            return
        self._finished(result)

    @Slot()
    def stop(self) -> None:
        """No new syncs (the account is closing); the sync process is stopped.

        A sync under way gets a moment to end, then its process is killed: every step of a sync commits
        whole or not at all, so nothing is lost, and closing the window does not wait for a long first sync."""
        if self._stopped:
            return
        self._stopped = True
        for timer in (self._debounce, self._period, self._retry):
            timer.stop()
        if self.worker is not None:
            for remove in self._removers:
                remove()
            self.worker.close(timeout=CLOSE_WAIT_S if self._running else 30.0)

    # -- inside --------------------------------------------------------------------------------
    @Slot(object)
    def _local_change(self, changes) -> None:
        if getattr(changes, "initiator", None) == "sync" or self._stopped:
            return  # what a sync applied must not start another sync
        self._debounce.start()  # restarted by each change: a burst of edits makes one sync
        if not self._running:  # the pending count moves at once, not only after the sync
            self._read_status()

    def reread_status(self) -> None:
        """Something the status counts changed without a record changing (a refusal marked as read): say it now,
        not at the next sync."""
        if not self._stopped:
            self._read_status()

    @async_slot()
    async def _read_status(self) -> None:
        self._publish(await self.ctx.runner.call(self.worker.status))

    @Slot(object)
    def _publish(self, status: SyncStatus) -> None:
        if self._stopped:
            return
        self._status = status
        self.status_changed.emit(status)

    def _finished(self, result) -> None:
        self._running = False
        if self._stopped:
            self.worker.close()
            return
        self.ctx.refresh_identity()  # the sync may have brought a new role or name (link.remember_user)
        self.synced.emit(result)
        err = result.error
        if err is not None and err.transient:
            wait = self.worker.backoff.failed(getattr(err, "retry_after", None))
            self._retry.start(int(wait * 1000))
        elif err is None:
            self.worker.backoff.succeeded()
        self._continue()

    def _crashed(self, exc: BaseException) -> None:
        # The worker's sync_now raised: a bug rather than a network problem. Shown, then syncing goes on.
        self._running = False
        log.error("sync failed: %r", exc)
        if self._stopped:
            self.worker.close()
            return
        self.ctx.runner.failed.emit(exc, "".join(traceback.format_exception(exc)))
        self._continue()

    def _continue(self) -> None:
        if self._again:
            self._again = False
            self.sync_now()


def controller_for(ctx: AppContext) -> SyncController:
    """The account's one controller, made on first use; the status widget and the sync page share it."""
    controller = getattr(ctx, "_sync_controller", None)
    if controller is None:
        controller = SyncController(ctx)
        ctx._sync_controller = controller
    return controller
