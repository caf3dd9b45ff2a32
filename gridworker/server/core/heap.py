"""The cyclic garbage collector kept out of the walks that find nothing: a push while it is applied.

A push of 500 makes ~20 objects a record (its data, meta and stamps, the result) that live until
the push ends and are then freed by reference counting (PushRun leaves no cycle behind). While it
runs, the collector's young collections walked them again and again and carried them into the
older generations, whose collections walked them once more: ~10% of the server's CPU for a push.
Paused for that while, the collector runs as usual before and after it; garbage cycles other
threads make meanwhile wait for it. Threads nest: the collector comes back when the last one leaves.
"""

from __future__ import annotations

from ...domain.collector import collector_paused  # the client's own pause (nested across threads)

__all__ = ["collector_paused"]
