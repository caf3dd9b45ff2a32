"""The one way screens do background work (STYLE.md habit 3): async slots on qasync's loop.

Blocking work (database, network, files) runs off the GUI thread:
- `db`: a single thread that owns database work, so writes never race;
- `net`: a small pool for network and file work (sync, photo upload).

A slot that needs such work is a coroutine, as in qasync's examples:

    @async_slot()
    async def refresh(self):
        rows = await self.ctx.runner.call(queries.rows, self.ctx.store, guard=self)
        self.model.set_rows(rows)

`runner.call` awaits the work in an executor of qasync's event loop and resumes
on the GUI thread, so widgets are only ever touched there. The guarantees:
- no silent failure: an exception escaping an async slot goes to
  sys.excepthook, which the app routes to its error dialog (errors.py); an
  expected refusal (GridWorkerError) is caught by the slot and shown where the
  user acted;
- nothing runs after shutdown: once the account closes, `call` raises
  CancelledError instead of returning, and so does it when its `guard` widget
  was deleted while it waited (pages are rebuilt when the language changes);
- one database thread; `busy` counts the slots and tasks under way, so
  `main_window.drain` can wait for them.

There is no other path: work a slot starts and does not wait for (a draft
kept while the user types) is `runner.start(runner.call(...))`.
"""

from __future__ import annotations

import asyncio
import atexit
import functools
import inspect
import logging
import sys
import traceback
from collections.abc import Awaitable, Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import qasync
from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QApplication
from shiboken6 import isValid

from ..domain.errors import GridWorkerError

log = logging.getLogger(__name__)

_loop: qasync.QEventLoop | None = None


def event_loop() -> asyncio.AbstractEventLoop:
    """qasync's loop in the Qt event loop: the running one (the app's, see app.main), else one made here.

    A loop made here is not installed as asyncio's current loop; it runs its
    callbacks whenever Qt processes events (pytest-qt's waits, scripts, the
    bundle's self-test), which is all the runner needs.
    """
    global _loop
    running = asyncio._get_running_loop()
    if isinstance(running, qasync.QEventLoop):
        return running
    if _loop is None or _loop.is_closed():
        _loop = qasync.QEventLoop(QApplication.instance())
        atexit.register(_close_loop, _loop)
    return _loop


def _close_loop(loop: qasync.QEventLoop) -> None:
    """At exit: close a loop made here while its Qt objects still exist, so its finaliser finds nothing to do."""
    if not loop.is_closed():
        try:
            loop.close()
        except RuntimeError:  # Qt's objects went first: nothing is left to close
            loop._closed = True


class TaskRunner(QObject):
    busy_changed = Signal(bool)
    failed = Signal(object, str)  # exception, formatted traceback

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.db = ThreadPoolExecutor(1, thread_name_prefix="gw-db")
        self.net = ThreadPoolExecutor(2, thread_name_prefix="gw-net")
        self.loop = event_loop()
        self._running = 0
        self._closed = False
        self._tasks: set[asyncio.Task] = set()

    # -- the one path ---------------------------------------------------------------------------
    async def call(
        self, fn: Callable[..., Any], *args: Any, pool: str = "db", guard: QObject | None = None, **kwargs: Any
    ) -> Any:
        """Await `fn(*args, **kwargs)` on the database thread (or the network pool); resume on the GUI thread.

        Raises asyncio.CancelledError, after the work, if the runner has shut
        down or the `guard` widget is gone: the rest of the slot does not run.
        """
        if self._closed:
            raise asyncio.CancelledError("the account is closing")
        executor = self.db if pool == "db" else self.net
        self._set_running(+1)
        try:
            result = await asyncio.wrap_future(executor.submit(fn, *args, **kwargs), loop=self.loop)
        finally:
            self._set_running(-1)
        if self._closed or (guard is not None and not isValid(guard)):
            raise asyncio.CancelledError("nobody is waiting for this result any more")
        return result

    def start(self, coro: Coroutine[Any, Any, Any], name: str = "") -> asyncio.Future:
        """Run a coroutine (an async slot's body) on the loop, counted in `busy`; its escaping exception
        goes to sys.excepthook (the app's error dialog), as in qasync's asyncSlot. Starts on the next turn of
        the event loop, never inside this call."""
        if self._closed:
            coro.close()  # the account is closing: late clicks and timers are dropped, not crashed on
            future = self.loop.create_future()
            future.cancel()
            return future
        task = self.loop.create_task(coro, name=name or None)
        self._tasks.add(task)
        self._set_running(+1)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        self._set_running(-1)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            sys.excepthook(type(exc), exc, exc.__traceback__)

    # -- reporting -----------------------------------------------------------------------------------
    def report(self, exc: BaseException, on_error: Callable[[BaseException], None] | None = None, name: str = "") -> None:
        """A failed piece of work a slot caught: logged (a refusal without its text), then to `on_error` if given,
        else to `failed` (the main window's error dialog)."""
        trace = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        if isinstance(exc, GridWorkerError):
            # Expected refusals (bad input, wrong password): their text may hold a typed
            # ID or phone number, which must not end up in a log file.
            log.debug("task %s refused: %s", name, exc.code)
        else:
            log.error("task %s failed: %s", name, trace)
        if on_error is not None:
            on_error(exc)
        else:
            self.failed.emit(exc, trace)

    # -- state ----------------------------------------------------------------------------------------
    def _set_running(self, delta: int) -> None:
        was = self._running > 0
        self._running += delta
        # A task can end after its runner's owner is gone (the sign-in dialog closes as the account opens):
        # then there is nobody to tell.
        if (self._running > 0) != was and isValid(self):
            self.busy_changed.emit(self._running > 0)

    @property
    def busy(self) -> bool:
        return self._running > 0

    def shutdown(self) -> None:
        self._closed = True
        for task in list(self._tasks):
            task.cancel()
        self.db.shutdown(wait=True)
        self.net.shutdown(wait=True, cancel_futures=True)


def async_slot(*types: type) -> Callable[[Callable[..., Awaitable[Any]]], Callable[..., asyncio.Future]]:
    """qasync's `@asyncSlot()` for the methods of a screen (an object with `ctx.runner`, or `runner`):
    the coroutine runs through its runner (`TaskRunner.start`), so `busy`, shutdown and error reporting hold."""

    def decorate(fn: Callable[..., Awaitable[Any]]) -> Callable[..., asyncio.Future]:
        params = list(inspect.signature(fn).parameters.values())[1:]
        takes = None if any(p.kind is p.VAR_POSITIONAL for p in params) else len(params)

        @Slot(*types)
        @functools.wraps(fn)
        def slot(self, *args: Any) -> asyncio.Future:
            runner = self.ctx.runner if hasattr(self, "ctx") else self.runner
            if takes is not None:
                args = args[:takes]  # Qt passes a signal's arguments the slot does not take (clicked's `checked`)
            return runner.start(_while_alive(self, fn, args), fn.__name__)

        return slot

    return decorate


async def _while_alive(owner: Any, fn: Callable[..., Awaitable[Any]], args: tuple) -> Any:
    """The slot's body, unless its widget was deleted between the call and the loop running it (a page rebuilt,
    a window closed): the body would read deleted widgets before its first await."""
    if isinstance(owner, QObject) and not isValid(owner):
        return None
    return await fn(owner, *args)


def guarded(widget, fn: Callable[..., None]) -> Callable[..., None]:
    """A deferred callback (QTimer.singleShot) that does nothing once its widget is gone (pages are rebuilt)."""

    def call(*args: Any) -> None:
        if isValid(widget):
            fn(*args)

    return call
