"""The one background path: async slots awaiting the runner's executors on qasync's loop (ui/tasks.py)."""

from __future__ import annotations

import asyncio
import threading

import pytest
from PySide6.QtWidgets import QWidget
from shiboken6 import delete

from gridworker.domain.errors import ValidationError
from gridworker.ui.tasks import TaskRunner, async_slot


class Screen(QWidget):
    """A screen as the pages are: a widget whose slots await work through its runner."""

    def __init__(self, runner: TaskRunner):
        super().__init__()
        self.runner = runner
        self.seen: list = []

    @async_slot()
    async def load(self, work=None) -> None:
        gui = threading.current_thread()
        result = await self.runner.call(work or (lambda: threading.current_thread().name), guard=self)
        self.seen.append((result, threading.current_thread() is gui))

    @async_slot()
    async def save(self) -> None:
        await self.runner.call(lambda: None)
        raise RuntimeError("a bug after the work")


@pytest.fixture
def runner(qapp):
    runner = TaskRunner()
    yield runner
    runner.shutdown()


def test_an_async_slot_awaits_the_database_thread_and_resumes_on_the_gui_thread(runner, qtbot):
    screen = Screen(runner)
    qtbot.addWidget(screen)
    screen.load()
    assert runner.busy  # counted from the click, so drain() waits for it
    qtbot.waitUntil(lambda: not runner.busy, timeout=5000)
    assert screen.seen == [("gw-db_0", True)]


def test_a_slot_called_by_a_signal_with_more_arguments_than_it_takes(runner, qtbot):
    """Qt passes clicked's `checked`; the slot takes what it declares."""
    screen = Screen(runner)
    qtbot.addWidget(screen)
    screen.load(lambda: 7, True)
    qtbot.waitUntil(lambda: bool(screen.seen), timeout=5000)
    assert screen.seen == [(7, True)]


def test_an_exception_escaping_an_async_slot_reaches_the_error_hook(runner, qtbot):
    screen = Screen(runner)
    qtbot.addWidget(screen)
    with qtbot.capture_exceptions() as caught:  # sys.excepthook: the app's error dialog (errors.py)
        screen.save()
        qtbot.waitUntil(lambda: bool(caught), timeout=5000)
    assert isinstance(caught[0][1], RuntimeError) and "a bug after the work" in str(caught[0][1])


def test_a_failed_callback_task_goes_to_on_error_else_to_failed(runner, qtbot):
    refused = []

    def refuse():
        raise ValidationError("name", "请填写姓名", "Enter a name")

    runner.run(refuse, on_error=refused.append)
    with qtbot.waitSignal(runner.failed, timeout=5000) as failed:
        runner.run(lambda: 1 / 0)
    assert isinstance(failed.args[0], ZeroDivisionError) and "ZeroDivisionError" in failed.args[1]
    qtbot.waitUntil(lambda: bool(refused), timeout=5000)
    assert isinstance(refused[0], ValidationError)


def test_nothing_runs_after_shutdown(qapp, qtbot):
    runner = TaskRunner()
    screen = Screen(runner)
    qtbot.addWidget(screen)
    gate = threading.Event()
    done = []
    runner.run(gate.wait, on_done=done.append)  # holds the database thread
    screen.load()
    runner.run(lambda: "late", on_done=done.append)
    qtbot.waitUntil(lambda: runner.db._work_queue.qsize() == 2, timeout=5000)  # the first is running, two wait
    threading.Timer(0.2, gate.set).start()
    runner.shutdown()  # waits for the running work, drops the rest
    qtbot.wait(200)
    assert screen.seen == [] and done == []
    assert runner.run(lambda: "after").cancelled()
    with pytest.raises(asyncio.CancelledError):
        asyncio.run(runner.call(lambda: "after"))


def test_a_result_for_a_deleted_widget_is_dropped(runner, qtbot):
    """Pages are rebuilt when the language changes: the old page's results must not reach it."""
    screen = Screen(runner)
    gate = threading.Event()
    seen = screen.seen
    with qtbot.capture_exceptions() as caught:
        screen.load(gate.wait)
        qtbot.waitUntil(lambda: runner.db._work_queue.qsize() == 0 and runner.busy, timeout=5000)
        delete(screen)
        gate.set()
        qtbot.waitUntil(lambda: not runner.busy, timeout=5000)
    assert seen == [] and caught == []


def test_the_runner_is_no_longer_busy_when_a_callback_runs(runner, qtbot):
    """The sign-in dialog accepts from its callback, and done() waits while the runner is busy."""
    busy_then = []
    runner.run(lambda: 1, on_done=lambda _r: busy_then.append(runner.busy))
    runner.run(lambda: 1 / 0, on_error=lambda _e: busy_then.append(runner.busy))
    qtbot.waitUntil(lambda: len(busy_then) == 2, timeout=5000)
    assert busy_then == [True, False]  # the first still had the second waiting; the last one nothing
