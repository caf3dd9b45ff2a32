"""Signed session cookies and CSRF tokens for the phone pages.

A session cookie is `user_id.issued.signature` (HMAC-SHA256 with the
server's web secret, kept in server_meta); it is HttpOnly, SameSite=Lax and
Secure when the request came over TLS (directly or through a proxy that
uvicorn trusts). The user row is read on every request, so a disabled user
is out at once. A CSRF token is the HMAC of a random per-browser seed (its
own HttpOnly cookie): a form posted from another site has neither.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from fastapi import Request, Response
from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from ..core.auth import User, user_from_row
from ..core.schema import server_meta, users

SECRET_KEY = "web_secret"
SESSION_COOKIE = "gw_h5"  # not the participation API's gw_session (Path=/): these pages' own, Path=/h5
SEED_COOKIE = "gw_seed"
SESSION_TTL_S = 12 * 3600


def load_secret(conn: Connection) -> bytes:
    """The web secret, made once per server (all worker processes read the same row)."""
    value = conn.execute(select(server_meta.c.value).where(server_meta.c.key == SECRET_KEY)).scalar()
    if value is None:
        value = secrets.token_hex(32)
        conn.execute(insert(server_meta).values(key=SECRET_KEY, value=value))
    return bytes.fromhex(value)


def _sign(secret: bytes, text: str) -> str:
    return hmac.new(secret, text.encode(), hashlib.sha256).hexdigest()


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def _set(request: Request, response: Response, name: str, value: str, max_age: int | None) -> None:
    response.set_cookie(
        name, value, max_age=max_age, path="/h5", httponly=True, samesite="lax", secure=_secure(request)
    )


class Sessions:
    def __init__(self, secret: bytes, ttl_s: int = SESSION_TTL_S):
        self.secret = secret
        self.ttl_s = ttl_s

    # -- session ---------------------------------------------------------------------------
    def start(self, request: Request, response: Response, user_id: str) -> None:
        body = f"{user_id}.{int(time.time())}"
        _set(request, response, SESSION_COOKIE, f"{body}.{_sign(self.secret, 'session:' + body)}", self.ttl_s)

    @staticmethod
    def end(request: Request, response: Response) -> None:
        response.delete_cookie(SESSION_COOKIE, path="/h5", httponly=True, samesite="lax", secure=_secure(request))

    def user_id(self, request: Request) -> str | None:
        """The signed-in user's id, or None (no cookie, a forged one, or one past its time)."""
        raw = request.cookies.get(SESSION_COOKIE, "")
        body, _, sig = raw.rpartition(".")
        user_id, _, issued = body.partition(".")
        if not (user_id and issued.isdigit() and hmac.compare_digest(sig, _sign(self.secret, "session:" + body))):
            return None
        if time.time() - int(issued) > self.ttl_s:
            return None
        return user_id

    def user(self, request: Request, conn: Connection) -> User | None:
        user_id = self.user_id(request)
        if user_id is None:
            return None
        row = conn.execute(select(users).where(users.c.id == user_id)).first()
        if row is None or row.disabled:
            return None
        return user_from_row(row)

    # -- CSRF ------------------------------------------------------------------------------
    def seed(self, request: Request) -> str:
        """The browser's CSRF seed; a new one is made (and set by `keep_seed`) when it has none."""
        seed = request.cookies.get(SEED_COOKIE, "")
        if len(seed) != 32 or not seed.isalnum():
            seed = getattr(request.state, "new_seed", None) or secrets.token_hex(16)
            request.state.new_seed = seed
        return seed

    @staticmethod
    def keep_seed(request: Request, response: Response) -> None:
        seed = getattr(request.state, "new_seed", None)
        if seed:
            _set(request, response, SEED_COOKIE, seed, 365 * 24 * 3600)

    def csrf_token(self, request: Request) -> str:
        return _sign(self.secret, "csrf:" + self.seed(request))

    def csrf_ok(self, request: Request, token: str | None) -> bool:
        seed = request.cookies.get(SEED_COOKIE, "")
        return bool(seed and token) and hmac.compare_digest(token, _sign(self.secret, "csrf:" + seed))
