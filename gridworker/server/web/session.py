"""Sessions and CSRF tokens for the phone pages.

A session is the participation API's (issue 16): a bearer token in the
tokens table, carried by the `gw_session` cookie (HttpOnly, SameSite=Strict,
Path=/, and Secure when the request came over TLS, directly or through a
proxy uvicorn trusts), so the pages' own forms and the JSON API their
scripts call (/api/v1/p) know one sign-in. The token and its user are read
on every request: a revoked token or a disabled user is out at once; signing
out revokes it. A CSRF token is the HMAC (with the server's web secret, kept
in server_meta) of a random per-browser seed in its own HttpOnly cookie: a
form posted from another site has neither.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import Request, Response
from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from ..core.auth import User, issue_token, revoke, user_for_token
from ..core.schema import server_meta

SECRET_KEY = "web_secret"
SESSION_COOKIE = "gw_session"  # the participation API's (api/participation_common.COOKIE)
SEED_COOKIE = "gw_seed"
WEB_DEVICE = "web"


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


def _set(request: Request, response: Response, name: str, value: str, max_age: int | None, *, path: str = "/h5",
         samesite: str = "lax") -> None:  # fmt: skip
    response.set_cookie(name, value, max_age=max_age, path=path, httponly=True, samesite=samesite, secure=_secure(request))


class Sessions:
    def __init__(self, secret: bytes, ttl_s: int):
        self.secret = secret
        self.ttl_s = ttl_s

    # -- session ---------------------------------------------------------------------------
    def start(self, request: Request, response: Response, conn: Connection, user_id: str) -> None:
        agent = request.headers.get("user-agent", "")[:100] or None
        token, _expires = issue_token(conn, user_id, WEB_DEVICE, agent, self.ttl_s)
        _set(request, response, SESSION_COOKIE, token, self.ttl_s, path="/", samesite="strict")

    def end(self, request: Request, response: Response, conn: Connection) -> None:
        user = self.user(request, conn)
        if user is not None and user.token_id:
            revoke(conn, token_id=user.token_id)
        response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict", secure=_secure(request))

    def user(self, request: Request, conn: Connection) -> User | None:
        """The signed-in user, or None (no cookie, an unknown, expired or revoked token, a disabled user)."""
        token = request.cookies.get(SESSION_COOKIE, "")
        if not token or len(token) > 200:
            return None
        return user_for_token(conn, token)

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
