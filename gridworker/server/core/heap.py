"""The cyclic garbage collector kept out of the walks that find nothing: a push while it is applied.

A push of 500 makes ~20 objects a record (its data, meta and stamps, the result) that live until
the push ends and are then freed by reference counting (PushRun leaves no cycle behind). While it
runs, the collector's young collections walked them again and again and carried them into the
older generations, whose collections walked them once more: ~10% of the server's CPU for a push.
Paused for that while, the collector runs as usual before and after it; garbage cycles other
threads make meanwhile wait for it. Threads nest: the collector comes back when the last one leaves.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_inside = 0
_was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    global _inside, _was_enabled
    with _lock:
        if _inside == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _inside += 1
    try:
        yield
    finally:
        with _lock:
            _inside -= 1
            if _inside == 0 and _was_enabled:
                gc.enable()
