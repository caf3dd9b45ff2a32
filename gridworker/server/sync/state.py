"""What every request handler shares: settings, database, caches, blob store, and the request's user."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from fastapi import Depends, Header, Request
from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from ...domain.wire import SCHEMA_VERSION
from ..core.auth import RateLimiter, User, user_for_token
from ..core.blobs import BlobStore
from ..core.config import Settings
from ..core.db import Database
from ..core.errors import ApiError, bad_request, unauthorized
from ..core.schema import server_meta
from .incidents import CalendarCache
from .scope import NONE, Scope, ScopeCache

EPOCH_KEY = "epoch"


@dataclass
class ServerState:
    settings: Settings
    db: Database
    epoch: str
    scopes: ScopeCache = field(default_factory=ScopeCache)
    calendars: CalendarCache = field(default_factory=CalendarCache)
    blobs: BlobStore = field(init=False)
    limiter: RateLimiter = field(init=False)

    def __post_init__(self):
        self.blobs = BlobStore(self.settings.blob_dir)
        self.limiter = RateLimiter(self.settings)


def read_epoch(conn: Connection) -> str | None:
    return conn.execute(select(server_meta.c.value).where(server_meta.c.key == EPOCH_KEY)).scalar()


def ensure_epoch(conn: Connection) -> str:
    epoch = read_epoch(conn)
    if epoch is None:
        epoch = secrets.token_hex(8)
        conn.execute(insert(server_meta).values(key=EPOCH_KEY, value=epoch))
    return epoch


def server_state(request: Request) -> ServerState:
    return request.app.state.gw


def check_schema(x_gridworker_schema: str | None = Header(default=None, max_length=10)) -> None:
    """Every request names the protocol version it speaks (PROTOCOL.md); 426 for one we no longer accept."""
    if x_gridworker_schema is None:
        raise bad_request(
            "schema_header_missing",
            "缺少请求头 X-Gridworker-Schema",
            "The X-Gridworker-Schema header is missing",
            {"supported": [SCHEMA_VERSION]},
        )
    if x_gridworker_schema.strip() != str(SCHEMA_VERSION):
        raise ApiError(
            426,
            "unsupported_schema",
            "客户端版本过旧或过新，请更新网格员工作台",
            "This client speaks a protocol version the server does not accept: update GridWorker",
            {"supported": [SCHEMA_VERSION], "received": x_gridworker_schema[:10]},
        )


def current_user(
    request: Request,
    authorization: str | None = Header(default=None, max_length=500),
) -> User:
    if not authorization or not authorization.startswith("Bearer "):
        raise unauthorized("no_token")
    token = authorization[7:].strip()
    if not token or len(token) > 200:
        raise unauthorized("bad_token")
    gw = server_state(request)
    with gw.db.engine.connect() as conn:
        user = user_for_token(conn, token)
    if user is None:
        raise unauthorized("bad_token")
    return user


def scope_of(request: Request, user: User = Depends(current_user)) -> Scope:
    gw = server_state(request)
    with gw.db.engine.connect() as conn:
        scope = gw.scopes.get(conn, user.scope_id) if user.scope_id is not None else None
    if scope is None:
        raise ApiError(403, "no_scope", "该账户尚未分配负责范围", "This account has no scope assigned yet")
    if scope.kind == NONE:  # members and residents: the participation API only, never the sync protocol
        raise web_only()
    return scope


def web_only() -> ApiError:
    return ApiError(
        403,
        "web_only",
        "党员和居民账户请使用网页版（手机）登录，不能使用网格员工作台同步",
        "Member and resident accounts use the web pages; they cannot sign in to the sync protocol",
    )
