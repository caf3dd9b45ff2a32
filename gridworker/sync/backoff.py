"""Exponential backoff with full jitter, honouring the server's Retry-After.

Full jitter (a random wait between 0 and the exponential ceiling) spreads
many clients that lost the network at the same moment, so they do not all
come back at once; Retry-After is a floor the server asked for.
"""

from __future__ import annotations

import random
from email.utils import parsedate_to_datetime
from datetime import datetime, timezone


class Backoff:
    def __init__(self, base: float = 1.0, cap: float = 300.0, rng: random.Random | None = None):
        self.base = base
        self.cap = cap
        self.failures = 0
        self._rng = rng or random.Random()

    def ceiling(self) -> float:
        """The longest wait after the failures so far: base · 2^(failures-1), at most `cap`."""
        if self.failures == 0:
            return 0.0
        return min(self.cap, self.base * 2 ** min(self.failures - 1, 30))

    def failed(self, retry_after: float | None = None) -> float:
        """Count one failure and return how long to wait before the next try."""
        self.failures += 1
        ceiling = self.ceiling()
        # At least a tenth of the ceiling: a zero wait would just burn the retry.
        wait = self._rng.uniform(ceiling / 10, ceiling)
        if retry_after is not None:
            wait = max(wait, retry_after)
        return wait

    def succeeded(self) -> None:
        self.failures = 0


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from a Retry-After header: delta-seconds or an HTTP date; None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())
