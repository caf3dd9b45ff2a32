"""The one background-work helper every screen uses (STYLE.md habit 3).

Blocking work (database, network, files) runs off the GUI thread:
- `db`: a single thread that owns database work, so writes never race;
- `net`: a small pool for network and file work (sync, photo upload).
The result or the error comes back on the GUI thread through a queued Qt
signal, so widgets are only ever touched there. Nothing is fire-and-forget:
an exception goes to the `on_error` callback, or else to `failed`, which the
main window shows as an error dialog with a copyable report.

With qasync, coroutines can `await runner.call(fn, ...)` instead of passing
callbacks.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot
from shiboken6 import isValid

from ..domain.errors import GridWorkerError

log = logging.getLogger(__name__)


class TaskRunner(QObject):
    busy_changed = Signal(bool)
    failed = Signal(object, str)  # exception, formatted traceback
    _finished = Signal(object, object, object, object)  # future, on_done, on_error, task name

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.db = ThreadPoolExecutor(1, thread_name_prefix="gw-db")
        self.net = ThreadPoolExecutor(2, thread_name_prefix="gw-net")
        self._running = 0
        self._closed = False
        # Always queued: even a task that finished before add_done_callback reports
        # from the event loop, never from inside run().
        self._finished.connect(self._deliver, Qt.QueuedConnection)

    def run(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        pool: str = "db",
        name: str = "",
        **kwargs: Any,
    ) -> Future:
        if self._closed:
            # The account is closing: late clicks and timers are dropped, not crashed on.
            future: Future = Future()
            future.cancel()
            return future
        executor = self.db if pool == "db" else self.net
        future = executor.submit(fn, *args, **kwargs)
        self._set_running(+1)
        future.add_done_callback(lambda f: self._finished.emit(f, on_done, on_error, name or getattr(fn, "__name__", "")))
        return future

    async def call(self, fn: Callable[..., Any], *args: Any, pool: str = "db", **kwargs: Any) -> Any:
        """Await blocking work from a coroutine (qasync); the result comes back on the GUI thread."""
        executor = self.db if pool == "db" else self.net
        self._set_running(+1)
        try:
            return await asyncio.get_running_loop().run_in_executor(executor, lambda: fn(*args, **kwargs))
        finally:
            self._set_running(-1)

    @Slot(object, object, object, object)
    def _deliver(self, future: Future, on_done, on_error, name: str) -> None:
        self._set_running(-1)
        if self._closed or future.cancelled():
            return
        exc = future.exception()
        if exc is None:
            if on_done is not None:
                on_done(future.result())
            return
        report = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        if isinstance(exc, GridWorkerError):
            # Expected refusals (bad input, wrong password): their text may hold a typed
            # ID or phone number, which must not end up in a log file.
            log.debug("task %s refused: %s", name, exc.code)
        else:
            log.error("task %s failed: %s", name, report)
        if on_error is not None:
            on_error(exc)
        else:
            self.failed.emit(exc, report)

    def _set_running(self, delta: int) -> None:
        was = self._running > 0
        self._running += delta
        if (self._running > 0) != was:
            self.busy_changed.emit(self._running > 0)

    @property
    def busy(self) -> bool:
        return self._running > 0

    def shutdown(self) -> None:
        self._closed = True
        self.db.shutdown(wait=True)
        self.net.shutdown(wait=True, cancel_futures=True)


def guarded(widget, fn: Callable[..., None]) -> Callable[..., None]:
    """A task runner callback that does nothing once its widget is gone (pages are rebuilt when the language changes)."""

    def call(*args: Any) -> None:
        if isValid(widget):
            fn(*args)

    return call
