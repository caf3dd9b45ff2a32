"""The FastAPI application: routes, error bodies, body limits, start-up."""

from __future__ import annotations

import asyncio
import gc
import json
import logging
from contextlib import asynccontextmanager, suppress

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ... import __version__
from ..core import blob_usage
from ..core.config import Limits, Settings
from ..core.db import Database
from ..core.errors import too_large
from ..sync.repairs import repair_photo_parents
from ..sync.scope import refresh_scopes
from ..sync.state import ServerState, ensure_epoch
from ..web import site as web_site
from ..web.uploads import WEB_UPLOAD_BYTES, too_large_page
from . import blobs, errors, participation_auth, participation_routes, routes

log = logging.getLogger("gridworker.server")


class BodyLimit:
    """Refuses bodies over the limit of their route with 413 naming the limit, before any route sees them.

    The body is read here (it is small by construction: at most one push or
    one chunk) and handed on, so a client that sends no Content-Length, or a
    false one, is caught as surely as one that declares too much.
    """

    def __init__(self, app: ASGIApp, limits: Limits, web_photo_bytes: int = 8 * 1024 * 1024):
        self.app = app
        self.limits = limits
        self.web_photo_bytes = web_photo_bytes

    def _limit(self, method: str, path: str) -> tuple[str, int]:
        if path.rstrip("/") == "/api/v1/sync/push":
            return "push body", self.limits.push_bytes
        if method == "PUT" and path.startswith("/api/v1/blobs/"):
            return "upload chunk", self.limits.chunk_bytes
        if path.rstrip("/") == "/api/v1/p/photos":
            return "photo", self.web_photo_bytes
        if path.startswith("/h5/"):  # the phone pages: a form with its photos
            return "photo upload", WEB_UPLOAD_BYTES
        return "request body", self.limits.other_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS", "DELETE"):
            await self.app(scope, receive, send)
            return
        name, limit = self._limit(scope["method"], scope["path"])
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, send, name, limit)
            return
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await self._refuse(scope, send, name, limit)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    @staticmethod
    async def _refuse(scope: Scope, send: Send, name: str, limit: int) -> None:
        if scope["path"].startswith("/h5/"):
            await too_large_page(scope, limit)(scope, _no_body, send)
            return
        err = too_large(name, limit)
        english = any(k == b"accept-language" and v.lower().startswith(b"en") for k, v in scope["headers"])
        payload = json.dumps(errors.body(err.code, err.en if english else err.zh, err.details, zh=err.zh, en=err.en), ensure_ascii=False).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode()), (b"connection", b"close")],
            }
        )
        await send({"type": "http.response.body", "body": payload})


async def _no_body() -> Message:
    return {"type": "http.disconnect"}


COLLECT_CHECK_S = 300.0  # how often each process asks whether a collection is due


async def _collect_periodically(state: ServerState) -> None:
    """Blob collection (blob_usage.collect) at start and then every `collect_every_s` while the server runs.

    With several server processes (workers, hosts) on one database, each asks the database every
    few minutes whether a round is due and only the first to ask runs it (blob_usage.claim_round).
    """
    policy = state.settings.blob_policy
    while True:
        try:
            if await asyncio.to_thread(blob_usage.claim_round, state.db, policy.collect_every_s):
                done = await asyncio.to_thread(blob_usage.collect, state.db, state.blobs, policy)
                if done.blobs or done.uploads:
                    log.info("blob collection: %d unused blobs (%d bytes), %d abandoned uploads", done.blobs, done.bytes, done.uploads)
        except Exception:  # a failed round (database away) must not end the server; the next round tries again
            log.exception("blob collection failed")
        await asyncio.sleep(min(policy.collect_every_s, COLLECT_CHECK_S))


def create_app(settings: Settings, *, migrate: bool = True) -> FastAPI:
    """The server for one data folder (and database); migrations run first unless told otherwise."""
    db = Database(settings.url)
    if migrate:
        db.migrate()
        with db.write() as conn:
            repair_photo_parents(conn)  # with several workers, `serve` runs it once before they start
            refresh_scopes(conn)  # idempotent: snapshots written by an older server gain what scopes hold now
    with db.plain() as conn:
        epoch = ensure_epoch(conn)
    settings.blob_dir.mkdir(parents=True, exist_ok=True)
    state = ServerState(settings, db, epoch)
    state.blobs.sweep_uploads()

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        collector = asyncio.create_task(_collect_periodically(state)) if settings.blob_policy.collect_every_s > 0 else None
        yield
        if collector is not None:
            collector.cancel()
            with suppress(asyncio.CancelledError):
                await collector
        db.dispose()

    app = FastAPI(
        lifespan=lifespan,
        title="GridWorker sync server",
        version=__version__,
        description="网格员工作台同步服务器 — the sync protocol of docs/sync-protocol.md, version 1.",
    )
    app.state.gw = state
    errors.install(app)
    app.include_router(routes.public)
    app.include_router(routes.router)
    app.include_router(blobs.router)
    app.include_router(participation_auth.router)
    app.include_router(participation_routes.router)
    web_site.install(app, state)
    app.add_middleware(BodyLimit, limits=settings.limits, web_photo_bytes=settings.web.photo_bytes)
    return app


def app_from_env() -> FastAPI:
    """For `uvicorn --factory` with several workers: GRIDWORKER_SERVER_DATA / GRIDWORKER_DATABASE_URL."""
    app = create_app(Settings.from_env(None), migrate=False)
    freeze_startup_heap()
    return app


def freeze_startup_heap() -> None:
    """Take what start-up made out of the cyclic garbage collector's walks (a serving process only).

    The modules, the app and SQLAlchemy's and pydantic's tables are ~180,000 objects that live as long as
    the process. A push of 500 makes enough short-lived dicts and lists to start a full collection every
    few pushes, and each walked all of them: a fifth of the server's CPU for a push (issue 14). Frozen,
    they are never walked again; what requests make is collected as before. The checkers the first
    push would import (~0.1 s of it) are imported first.
    """
    from ...domain import wire_checks  # noqa: F401  (wire.validate imports it at the first push: here, and frozen)

    gc.collect()
    gc.freeze()
