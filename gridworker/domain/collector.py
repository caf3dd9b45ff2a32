"""Python's cyclic garbage collector paused while bulk work makes 100,000s of small objects.

A first sync, an import and a list comparison each hold hundreds of thousands
of decoded rows, records or names at once; every full collection walks them
all (a quarter to a third of their time), and on a worker thread it holds the
GIL long enough to stall the window. Those objects form no cycles: reference
counting frees them as before (a first sync of 50,000 people: 10.6 s with
the collector on, 7.7 s paused). Pauses are counted across the process's threads
(they share one collector): the collector runs again when the last one ends,
and only if it was on when the first began.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_pauses = 0  # pauses under way now, over every thread
_turned_off = False  # whether the first of them turned the collector off (it may have been off already)
_lock = threading.Lock()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic collector for the block (also usable as a decorator: `@collector_paused()`)."""
    global _pauses, _turned_off
    with _lock:
        if _pauses == 0:
            _turned_off = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0 and _turned_off:
                gc.enable()
