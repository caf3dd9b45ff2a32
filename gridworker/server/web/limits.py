"""Rate limits on what the phone pages create, per account and per address.

A fixed window per key ("web:<action>:user:<id>", "web:<action>:addr:<ip>")
in the login_failures table (the sign-in limiter's), so every server
process counts together. Over the limit: WebError `too_many` with the
seconds to wait, shown on the page.
"""

from __future__ import annotations

import os
import time

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from ..core.schema import login_failures
from .residents import WebError

# action → (most per window per account, most per window per address, window seconds)
LIMITS: dict[str, tuple[int, int, int]] = {
    "register": (3, 10, 3600),
    "verify": (10, 30, 3600),
    "snap": (20, 60, 3600),
    "rate": (30, 100, 3600),
}


def _scale() -> int:
    """GRIDWORKER_WEB_RATE_SCALE multiplies every limit (a test suite whose browsers share one address)."""
    try:
        return max(1, int(os.environ.get("GRIDWORKER_WEB_RATE_SCALE", "1")))
    except ValueError:
        return 1


def hit(conn: Connection, action: str, user_id: str | None, address: str) -> None:
    """Count one `action`; WebError(429) if the account or the address has done it too often."""
    per_user, per_addr, window = LIMITS[action]
    per_user, per_addr = per_user * _scale(), per_addr * _scale()
    now = time.time()
    keys = [(f"web:{action}:addr:{address[:120]}", per_addr)]
    if user_id:
        keys.append((f"web:{action}:user:{user_id}", per_user))
    dialect_insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    counts = {}
    for key, limit in keys:
        conn.execute(dialect_insert(login_failures).values(key=key, window_start=now, failures=0).on_conflict_do_nothing())
        q = select(login_failures.c.failures, login_failures.c.window_start).where(login_failures.c.key == key)
        row = conn.execute(q.with_for_update() if conn.dialect.name == "postgresql" else q).first()
        start, count = (row.window_start, row.failures) if now - row.window_start < window else (now, 0)
        if count >= limit:
            raise WebError("too_many", status=429, seconds=max(1, int(start + window - now)))
        counts[key] = (start, count)
    for key, (start, count) in counts.items():
        conn.execute(update(login_failures).where(login_failures.c.key == key).values(failures=count + 1, window_start=start))
