"""Rate limits of the participation API, counted in the database so that every server worker shares them.

A key ("web:<kind>:acct:<user>", "web:<kind>:addr:<ip>", "verify:<user>") counts what was done in a fixed
window (rows of `login_failures`: window_start, count). Over the limit: 429 `rate_limited` with
Retry-After and `details.by` (account or address). A count is taken under the row's lock (FOR UPDATE on
PostgreSQL; SQLite's write transaction), so parallel requests cannot all pass before any is counted.
"""

from __future__ import annotations

import time

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from .errors import ApiError
from .schema import login_failures


def _row(conn: Connection, key: str):
    dialect_insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    conn.execute(dialect_insert(login_failures).values(key=key[:200], window_start=0.0, failures=0).on_conflict_do_nothing())
    q = select(login_failures.c.failures, login_failures.c.window_start).where(login_failures.c.key == key[:200])
    if conn.dialect.name == "postgresql":
        q = q.with_for_update()
    return conn.execute(q).first()


def count(conn: Connection, keys: list[tuple[str, str, int]], window_s: int) -> None:
    """Count one action against each (by, key, limit); refuse it (nothing counted) if one is at its limit."""
    now = time.time()
    counts = []
    for by, key, limit in keys:
        row = _row(conn, key)
        start, used = (row.window_start, row.failures) if now - row.window_start < window_s else (now, 0)
        if used >= limit:
            seconds = max(1, int(start + window_s - now + 0.999))
            raise ApiError(
                429, "rate_limited", f"操作过于频繁，请 {_minutes(seconds)} 后再试",
                f"Too many requests: try again in {_minutes(seconds, 'en')}", {"retry_after": seconds, "by": by},
                headers={"Retry-After": str(seconds)},
            )  # fmt: skip
        counts.append((key, start, used))
    for key, start, used in counts:
        conn.execute(update(login_failures).where(login_failures.c.key == key[:200]).values(failures=used + 1, window_start=start))


def _minutes(seconds: int, lang: str = "zh") -> str:
    if seconds < 120:
        return f"{seconds} 秒" if lang == "zh" else f"{seconds} seconds"
    return f"{seconds // 60} 分钟" if lang == "zh" else f"{seconds // 60} minutes"


def verify_locked(conn: Connection, user_id: str, tries: int, lock_s: int) -> int:
    """Seconds left of the account's verification lock (0: not locked)."""
    row = _row(conn, "verify:" + user_id)
    if row.failures >= tries:
        left = row.window_start + lock_s - time.time()
        if left > 0:
            return int(left + 0.999)
        conn.execute(update(login_failures).where(login_failures.c.key == "verify:" + user_id).values(failures=0))
    return 0


def verify_try(conn: Connection, user_id: str, tries: int, lock_s: int) -> tuple[int, int]:
    """Take one of the account's tries before the comparison, under the row's lock, so that guesses sent at once
    cannot all pass before a miss is counted: (seconds left of the lock, 0) when locked, else (0, tries taken)."""
    row = _row(conn, "verify:" + user_id)
    now = time.time()
    taken = row.failures
    if taken >= tries:
        left = row.window_start + lock_s - now
        if left > 0:
            return int(left + 0.999), 0
        taken = 0
    conn.execute(update(login_failures).where(login_failures.c.key == "verify:" + user_id).values(failures=taken + 1, window_start=now))
    return 0, taken + 1


def verify_succeeded(conn: Connection, user_id: str) -> None:
    conn.execute(delete(login_failures).where(login_failures.c.key == "verify:" + user_id))
