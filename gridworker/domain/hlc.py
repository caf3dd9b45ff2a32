"""Hybrid logical clock: timestamps that sort like wall-clock time but never go backwards.

Format: "<13-digit unix ms>-<4-digit counter>-<node>", so plain string
comparison orders them (PROTOCOL.md asks for a sortable string). The node
(the device id) breaks ties between devices.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timezone

# The server refuses an edit whose clock is further ahead of its own (docs/sync-protocol.md §4.8): a clock
# years ahead would win every later collision.
MAX_AHEAD_MS = 86_400_000


@dataclass(frozen=True, order=True)
class Hlc:
    ms: int
    counter: int
    node: str

    def __str__(self) -> str:
        return f"{self.ms:013d}-{self.counter:04d}-{self.node}"

    @classmethod
    def parse(cls, text: str) -> "Hlc":
        ms, counter, node = text.split("-", 2)
        if len(ms) != 13 or not ms.isdigit() or len(counter) != 4 or not counter.isdigit() or not node:
            raise ValueError(f"not an HLC: {text!r}")
        return cls(int(ms), int(counter), node)


def time_of(text: str) -> datetime | None:
    """When a stamp was made (its milliseconds, UTC), or None for text that is not one."""
    try:
        return datetime.fromtimestamp(Hlc.parse(text).ms / 1000, timezone.utc)
    except (ValueError, OverflowError, OSError):
        return None


def tick(last: Hlc | None, node: str, now_ms: int | None = None) -> Hlc:
    """The next local timestamp after `last`."""
    now = int(time.time() * 1000) if now_ms is None else now_ms
    if last is None or now > last.ms:
        return Hlc(now, 0, node)
    if last.counter >= 9999:
        return Hlc(last.ms + 1, 0, node)
    return Hlc(last.ms, last.counter + 1, node)


def observe(last: Hlc | None, remote: Hlc, node: str, now_ms: int | None = None) -> Hlc:
    """Merge a timestamp seen from elsewhere, so that our next one sorts after it."""
    now = int(time.time() * 1000) if now_ms is None else now_ms
    candidates = [now, remote.ms] + ([last.ms] if last else [])
    ms = max(candidates)
    counter = 0
    if last and ms == last.ms:
        counter = last.counter + 1
    if ms == remote.ms:
        counter = max(counter, remote.counter + 1)
    if counter > 9999:
        ms, counter = ms + 1, 0
    return Hlc(ms, counter, node)
