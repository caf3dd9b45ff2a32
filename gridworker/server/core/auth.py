"""Passwords (argon2), bearer tokens (random, stored as SHA-256), and login rate limits.

A token is checked against the database on every request, together with its
user, so revoking it or disabling the user takes effect at once.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import secrets
import threading
import time
import weakref
from dataclasses import dataclass
from functools import lru_cache

import anyio
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from .config import Settings
from .errors import ApiError
from .schema import login_failures, tokens, users


def _hasher() -> PasswordHasher:
    # GRIDWORKER_KDF=fast (tests only) keeps hashing cheap; the parameters are
    # stored in each hash, so verification always uses the ones it was made with.
    if os.environ.get("GRIDWORKER_KDF") == "fast":
        return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return PasswordHasher()


_HASHER = _hasher()
# Each argon2 run takes its memory cost (64 MiB by default) for a moment: a burst
# of logins must not multiply that by the thread pool's size.
ARGON2_AT_ONCE = 2
_ARGON2_SLOTS = threading.BoundedSemaphore(ARGON2_AT_ONCE)
_limiters: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # event loop → its limiter


def argon2_limiter() -> anyio.CapacityLimiter:
    """For async callers: the turns for argon2, taken before a thread is, so that waiting sign-ins hold no thread of the shared pool."""
    return _loop_limiter("turns")


def argon2_threads() -> anyio.CapacityLimiter:
    """The threads argon2 runs in, for callers that hold a turn (argon2_limiter): never waited for."""
    return _loop_limiter("threads")


def _loop_limiter(kind: str) -> anyio.CapacityLimiter:
    loop = asyncio.get_running_loop()
    if loop not in _limiters:
        _limiters[loop] = {"turns": anyio.CapacityLimiter(ARGON2_AT_ONCE), "threads": anyio.CapacityLimiter(ARGON2_AT_ONCE)}
    return _limiters[loop][kind]


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Verified when the username is unknown, so that a login takes as long either way."""
    return hash_password(secrets.token_hex(16))


def hash_password(password: str) -> str:
    with _ARGON2_SLOTS:
        return _HASHER.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    candidate = stored_hash or _dummy_hash()
    try:
        with _ARGON2_SLOTS:
            return _HASHER.verify(candidate, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class User:
    id: str
    username: str
    display_name: str
    role: str
    area_ids: list[str]
    scope_id: int | None
    token_id: str | None = None
    device_id: str | None = None

    def public(self) -> dict:
        return {
            "id": self.id,
            "username": self.username,
            "display_name": self.display_name,
            "role": self.role,
            "area_ids": self.area_ids,
        }


def user_from_row(row, token_id: str | None = None, device_id: str | None = None) -> User:
    return User(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        role=row.role,
        area_ids=json.loads(row.area_ids),
        scope_id=row.scope_id,
        token_id=token_id,
        device_id=device_id,
    )


# -- tokens -------------------------------------------------------------------------
def issue_token(conn: Connection, user_id: str, device_id: str, device_name: str | None, ttl_s: int) -> tuple[str, float]:
    token = secrets.token_urlsafe(32)
    now = time.time()
    expires = now + ttl_s
    conn.execute(
        insert(tokens).values(
            id=secrets.token_hex(8),
            token_hash=token_digest(token),
            user_id=user_id,
            device_id=device_id,
            device_name=device_name,
            created_at=now,
            expires_at=expires,
        )
    )
    return token, expires


def user_for_token(conn: Connection, token: str) -> User | None:
    """The user a live token belongs to: not expired, not revoked, user not disabled."""
    row = conn.execute(
        select(users, tokens.c.id.label("token_id"), tokens.c.device_id, tokens.c.expires_at, tokens.c.revoked_at)
        .select_from(tokens.join(users, users.c.id == tokens.c.user_id))
        .where(tokens.c.token_hash == token_digest(token))
    ).first()
    if row is None or row.revoked_at is not None or row.expires_at <= time.time() or row.disabled:
        return None
    return user_from_row(row, row.token_id, row.device_id)


def revoke(conn: Connection, *, token_id: str | None = None, user_id: str | None = None, device_id: str | None = None) -> int:
    q = update(tokens).where(tokens.c.revoked_at.is_(None))
    if token_id:
        q = q.where(tokens.c.id == token_id)
    if user_id:
        q = q.where(tokens.c.user_id == user_id)
    if device_id:
        q = q.where(tokens.c.device_id == device_id)
    return conn.execute(q.values(revoked_at=time.time())).rowcount


# -- login rate limits ----------------------------------------------------------------
class RateLimiter:
    """Failed sign-ins slow guessing down, per username and per client address, without locking the owner out.

    Each key ("user:<name>", "addr:<ip>") counts the failed attempts since its
    count last went quiet for a whole window (`login_window_s`); the row's
    `window_start` holds the time of the last counted attempt. The first
    `login_max_per_*` failures are free. After them, an attempt must come at
    least `delay` after the previous one, the delay doubling from
    `login_delay_s` with each further failure up to the key's cap (a minute
    for a username, the window for an address). An attempt that comes early
    is answered 429 with Retry-After without checking the password (no argon2
    work, nothing counted). So a worker guessing a dispatcher's password costs
    the dispatcher at most a minute's wait, not a quarter of an hour.

    An attempt is counted before its password is checked, under a row lock, so
    parallel guesses cannot all pass the check before any is counted; a success
    gives its count back (`succeeded`).
    """

    def __init__(self, settings: Settings):
        self.window = settings.login_window_s
        self.free = {"user": settings.login_max_per_user, "addr": settings.login_max_per_address}
        self.base = settings.login_delay_s
        self.cap = {"user": settings.login_delay_max_user_s, "addr": settings.login_delay_max_address_s}

    @staticmethod
    def keys(username: str, address: str) -> list[tuple[str, str]]:
        return [("addr", "addr:" + address[:150]), ("user", "user:" + username.lower()[:150])]  # one lock order

    def delay(self, kind: str, failures: int) -> float:
        """The pause required after `failures` counted attempts (0 while they are free)."""
        over = failures - self.free[kind]
        if over < 0:
            return 0.0
        return min(self.base * 2 ** min(over, 30), self.cap[kind])

    def attempt(self, conn: Connection, username: str, address: str) -> None:
        """Refuse this sign-in attempt if a key asks for a pause that has not passed; else count it."""
        now = time.time()
        dialect_insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
        counts = {}
        for kind, key in self.keys(username, address):
            conn.execute(dialect_insert(login_failures).values(key=key, window_start=0.0, failures=0).on_conflict_do_nothing())
            q = select(login_failures.c.failures, login_failures.c.window_start).where(login_failures.c.key == key)
            if conn.dialect.name == "postgresql":
                q = q.with_for_update()  # SQLite: plain() lets one writer in at a time already
            row = conn.execute(q).first()
            failures = 0 if now - row.window_start >= self.window else row.failures
            wait = row.window_start + self.delay(kind, failures) - now
            if wait > 0:
                seconds = max(1, int(wait + 0.999))
                raise ApiError(
                    429,
                    "too_many_attempts",
                    f"登录失败次数过多，请 {seconds} 秒后再试",
                    f"Too many failed sign-ins: try again in {seconds} seconds",
                    {"retry_after": seconds, "by": "username" if kind == "user" else "address"},
                    headers={"Retry-After": str(seconds)},
                )
            counts[key] = failures
        for key, failures in counts.items():
            conn.execute(update(login_failures).where(login_failures.c.key == key).values(failures=failures + 1, window_start=now))

    def succeeded(self, conn: Connection, username: str, address: str) -> None:
        """A right password clears the username's count and gives back the address's one for this attempt.

        The rows in the order `attempt` locks them (address, then username): a device's second
        sign-in, counted while its first one succeeds, deadlocked with it on PostgreSQL."""
        addr_key, user_key = (key for _kind, key in self.keys(username, address))
        conn.execute(
            update(login_failures)
            .where(login_failures.c.key == addr_key, login_failures.c.failures > 0)
            .values(failures=login_failures.c.failures - 1)
        )
        conn.execute(delete(login_failures).where(login_failures.c.key == user_key))
