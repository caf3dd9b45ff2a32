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


def test_a_refusal_is_the_slots_to_show_and_an_unexpected_error_reaches_the_error_hook(runner, qtbot):
    refused = []

    def refuse():
        raise ValidationError("name", "请填写姓名", "Enter a name")

    async def save() -> None:
        try:
            await runner.call(refuse)
        except ValidationError as exc:
            refused.append(exc)
        await runner.call(lambda: 1 / 0)

    with qtbot.capture_exceptions() as caught:
        runner.start(save())
        qtbot.waitUntil(lambda: bool(caught), timeout=5000)
    assert isinstance(refused[0], ValidationError) and isinstance(caught[0][1], ZeroDivisionError)


def test_there_is_one_path_no_callback_form_is_left():
    """Issue 13 item 7: screens await work in async slots; the on_done/on_error callback form is gone."""
    import pathlib
    import re

    import gridworker.ui

    assert not hasattr(TaskRunner, "run")
    ui = pathlib.Path(gridworker.ui.__file__).parent
    callers = [p.relative_to(ui).as_posix() for p in ui.rglob("*.py") if re.search(r"runner\.run\(|on_done=", p.read_text("utf-8"))]
    assert callers == []


def test_nothing_runs_after_shutdown(qapp, qtbot):
    runner = TaskRunner()
    screen = Screen(runner)
    qtbot.addWidget(screen)
    gate = threading.Event()
    done = []
    async def work(fn) -> None:
        done.append(await runner.call(fn))

    runner.start(work(gate.wait))  # holds the database thread
    screen.load()
    runner.start(work(lambda: "late"))
    qtbot.waitUntil(lambda: runner.db._work_queue.qsize() == 2, timeout=5000)  # the first is running, two wait
    threading.Timer(0.2, gate.set).start()
    runner.shutdown()  # waits for the running work, drops the rest
    qtbot.wait(200)
    assert screen.seen == [] and done == []
    assert runner.start(work(lambda: "after")).cancelled()
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


def test_the_runner_is_busy_until_the_slot_that_awaited_is_over(runner, qtbot):
    """drain() waits for the rest of a slot too, not only its work (the sign-in dialog's done() allows for it)."""
    busy_then = []

    async def slot() -> None:
        await runner.call(lambda: 1)
        busy_then.append(runner.busy)

    runner.start(slot())
    qtbot.waitUntil(lambda: not runner.busy, timeout=5000)
    assert busy_then == [True]


def test_a_task_that_ends_after_its_runner_is_deleted_is_no_error(qapp, qtbot):
    """The sign-in dialog's runner goes with the dialog while its last task still finishes."""
    owner = QWidget()
    runner = TaskRunner(owner)
    gate = threading.Event()
    errors: list = []
    loop = runner.loop
    loop.set_exception_handler(lambda _loop, context: errors.append(context))
    try:
        task = runner.start(runner.call(gate.wait, 5))
        qtbot.waitUntil(lambda: runner.busy, timeout=5000)
        delete(owner)  # the runner (a child of the dialog) is deleted now
        gate.set()
        qtbot.waitUntil(task.done, timeout=5000)
        qtbot.wait(50)
        assert errors == []
    finally:
        loop.set_exception_handler(None)


class Reader(QWidget):
    """A slot that reads its widgets before its first await, as most reloads do."""

    def __init__(self, runner: TaskRunner):
        super().__init__()
        self.runner = runner
        self.box = QWidget(self)

    @async_slot()
    async def reload(self) -> None:
        self.box.isVisible()  # a deleted widget raises here: "Internal C++ object already deleted"
        await self.runner.call(lambda: None, guard=self)


def test_a_slot_started_just_before_its_widget_is_deleted_does_not_run(runner, qtbot):
    """A reload started by a signal, its page deleted before the loop runs it (a test's teardown, a rebuilt
    page): the body never runs, so it never reads a deleted widget."""
    screen = Reader(runner)
    with qtbot.capture_exceptions() as caught:
        screen.reload()
        delete(screen)
        qtbot.waitUntil(lambda: not runner.busy, timeout=5000)
    assert caught == []
