"""The HTTP API of PROTOCOL.md under /api/v1: health, auth, push, pull, conflicts."""

from __future__ import annotations

import json
import time
from datetime import datetime, timezone
from typing import Annotated, Any, Literal

import anyio
from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import and_, false, func, select, update

from ... import __version__
from ...domain import hlc as hlc_mod
from ...domain.collector import collector_paused
from ...domain.wire import SCHEMA_VERSION, check_types
from ..core.auth import User, argon2_limiter, argon2_threads, issue_token, user_from_row, verify_password
from ..core.errors import ApiError, forbidden, too_large
from ..core.schema import conflicts, records, tokens, users
from ..sync.pull import Puller
from ..sync.push import Mutation, PushRun, apply_push
from ..sync.records import dumps
from ..sync.scope import ALL, AREAS, WEB_ROLES, Scope
from ..sync.state import check_schema, current_user, scope_of, server_state, web_only
from .errors import lang_of

UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
UuidStr = Annotated[str, Field(pattern=UUID_PATTERN, min_length=36, max_length=36)]
DeviceId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[\x21-\x7e]+$")]

public = APIRouter(prefix="/api/v1")  # health: no header, no token
router = APIRouter(prefix="/api/v1", dependencies=[Depends(check_schema)])


# -- models (also the OpenAPI document) ---------------------------------------------------
class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


PrintableText = r"^[^\x00-\x1f\x7f]+$"  # no control characters (PostgreSQL refuses NUL in text)


class LoginIn(Strict):
    username: str = Field(min_length=1, max_length=64, pattern=PrintableText)
    password: str = Field(min_length=1, max_length=1024)
    device_id: DeviceId
    device_name: str | None = Field(default=None, max_length=100, pattern=PrintableText)


class UserOut(BaseModel):
    id: str
    username: str
    display_name: str
    role: str
    area_ids: list[str]


class MeOut(UserOut):
    # Extension: the newest conflict this device lost (0: none). A client that has read the list that far
    # skips GET /conflicts/mine, so a sync with nothing to do stays one request shorter.
    lost_conflicts: int = 0


class LoginOut(BaseModel):
    token: str
    expires_at: str
    user: UserOut


class MutationIn(Strict):
    mutation_id: UuidStr
    entity: str = Field(min_length=1, max_length=32)
    id: UuidStr
    op: Literal["upsert", "delete"]
    base_version: int | None = Field(default=None, ge=0, le=2**31 - 1)
    fields: dict[str, Any] = Field(default_factory=dict, max_length=64)
    hlc: str = Field(min_length=20, max_length=100)

    @field_validator("hlc")
    @classmethod
    def _sortable(cls, value: str) -> str:
        hlc_mod.Hlc.parse(value)  # ValueError → 422 naming the field
        return value


class PushIn(Strict):
    device_id: DeviceId
    mutations: list[MutationIn]


class MutationResult(BaseModel):
    mutation_id: str
    status: Literal["applied", "merged", "conflict", "rejected"]
    version: int | None
    error: dict[str, Any] | None = None
    exact: bool | None = None  # applied, and stored exactly as sent (docs/sync-protocol.md §4.2)


class PushOut(BaseModel):
    results: list[MutationResult]
    server_time: str


class ChangeOut(BaseModel):
    entity: str
    id: str
    op: Literal["upsert", "delete", "evict"]
    version: int
    data: dict[str, Any] | None


class PullOut(BaseModel):
    changes: list[ChangeOut]
    cursor: str
    has_more: bool
    epoch: str


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).isoformat()


# -- health and auth -------------------------------------------------------------------------
@public.get("/health")
def health() -> dict[str, Any]:
    return {"status": "ok", "version": __version__, "schema": SCHEMA_VERSION}


@router.post("/auth/login", response_model=LoginOut, responses={401: {}, 429: {}})
async def login(body: LoginIn, request: Request) -> dict[str, Any]:
    # Async, with each step in a thread of its own: a sign-in waiting for argon2 (a few at a time,
    # core.auth) holds no thread of the pool that pushes and pulls run in, so a morning's burst of
    # sign-ins does not stall the syncs of the devices already signed in.
    gw = server_state(request)
    address = request.client.host if request.client else "unknown"
    row = await run_in_threadpool(_counted_attempt, gw, body.username, address)
    stored = row.password_hash if row else None
    ok = await _verify_unless_gone(request, stored, body.password)
    if not (ok and row is not None and not row.disabled):
        raise ApiError(401, "bad_credentials", "用户名或密码错误", "Wrong username or password")
    if row.role in WEB_ROLES:  # the right password, but members and residents use the web pages only
        await run_in_threadpool(_succeeded, gw, body.username, address)
        raise web_only()
    token, expires = await run_in_threadpool(_signed_in, gw, row, body, address)
    return {"token": token, "expires_at": _iso(expires), "user": user_from_row(row).public()}


async def _verify_unless_gone(request: Request, stored: str | None, password: str) -> bool:
    """The password checked once this sign-in's turn for argon2 comes, if its client still waits for the answer.

    In a morning's burst a sign-in can wait longer than its device does (the desktop client
    gives up after 60 s and tries again): verifying the abandoned one anyway made the queue
    grow with work nobody reads. The attempt stays counted (RateLimiter.attempt), as a failure.
    """
    async with argon2_limiter():
        if await request.is_disconnected():
            raise ApiError(503, "client_gone", "登录请求已被客户端放弃", "The client stopped waiting for this sign-in",
                           headers={"Retry-After": "1"})  # fmt: skip
        return await anyio.to_thread.run_sync(verify_password, stored, password, limiter=argon2_threads())


def _counted_attempt(gw, username: str, address: str):
    with gw.db.plain() as conn:
        gw.limiter.attempt(conn, username, address)  # counted before the password is checked
        return conn.execute(select(users).where(users.c.username == username)).first()


def _succeeded(gw, username: str, address: str) -> None:
    with gw.db.plain() as conn:
        gw.limiter.succeeded(conn, username, address)


def _signed_in(gw, row, body: LoginIn, address: str) -> tuple[str, float]:
    with gw.db.plain() as conn:
        gw.limiter.succeeded(conn, body.username, address)
        return issue_token(conn, row.id, body.device_id, body.device_name, gw.settings.token_ttl_s)


@router.post("/auth/logout", status_code=204, response_class=Response)
def logout(request: Request, user: User = Depends(current_user)) -> Response:
    gw = server_state(request)
    with gw.db.plain() as conn:
        conn.execute(update(tokens).where(tokens.c.id == user.token_id).values(revoked_at=time.time()))
    return Response(status_code=204)


@router.get("/me", response_model=MeOut)
def me(request: Request, user: User = Depends(current_user), scope: Scope = Depends(scope_of)) -> dict[str, Any]:
    with server_state(request).db.engine.connect() as conn:
        latest = conn.execute(_lost_by(user, scope, func.max(conflicts.c.id))).scalar()
    return user.public() | {"lost_conflicts": latest or 0}


# -- push and pull ---------------------------------------------------------------------------
def _schema_problems(batch: list[MutationIn]) -> list[dict[str, Any]]:
    """Unknown entities, unknown fields, wrong JSON types: the whole push is refused (a client bug)."""
    problems = []
    for index, m in enumerate(batch):
        for err in check_types(m.entity, m.fields):
            problems.append(
                {"index": index, "mutation_id": m.mutation_id, "field": err.field, "code": err.code, "message": err.en}
            )
    return problems


@router.post("/sync/push", response_model=PushOut, responses={413: {}, 422: {}})
def push(body: PushIn, request: Request, user: User = Depends(current_user), scope: Scope = Depends(scope_of)):
    gw = server_state(request)
    limit = gw.settings.limits.push_mutations
    if len(body.mutations) > limit:
        raise too_large("mutations per push", limit, "mutations")
    if body.device_id != user.device_id:
        # The device is the "writer" of the merge: it is the one the token was issued to.
        raise ApiError(
            422,
            "device_mismatch",
            "device_id 与登录时的设备不一致",
            "device_id is not the device this token was issued to",
            {"device_id": body.device_id},
        )
    problems = _schema_problems(body.mutations)
    if problems:
        raise ApiError(
            422,
            "invalid_mutations",
            "推送内容有误（未知的记录类型或字段，或类型不符），未保存任何内容",
            "The push has unknown entities or fields, or values of the wrong type; nothing was saved",
            {"mutations": problems[:100]},
        )
    batch = [Mutation(m.mutation_id, m.entity, m.id, m.op, m.base_version, m.fields, m.hlc) for m in body.mutations]
    with gw.db.write() as conn, collector_paused():
        run = PushRun(conn, user, scope, body.device_id, gw.calendars, lang_of(request))
        results = apply_push(run, batch)
        # Each new result was encoded once already, for the mutations table (PushRun.finish): reuse the text.
        parts = ",".join(run.encoded.get(r["mutation_id"]) or dumps(r) for r in results)
        del run, results  # the push's records and results freed while the collector is paused (domain/collector.py)
    server_time = datetime.now(timezone.utc).isoformat()
    return Response(f'{{"results":[{parts}],"server_time":"{server_time}"}}', media_type="application/json")


@router.get("/sync/pull", response_model=PullOut, responses={400: {}, 410: {}})
def pull(
    request: Request,
    cursor: str | None = Query(default=None, max_length=400),
    limit: int = Query(default=500, ge=1, le=1000),
    scope: Scope = Depends(scope_of),
) -> Response:
    gw = server_state(request)
    with gw.db.read() as conn:
        body = Puller(conn, scope, gw.epoch, gw.scopes).page(cursor, limit)
    return Response(body, media_type="application/json")


# -- conflicts (extension): what lost, for admins and dispatchers; and to its loser ----------
@router.get("/conflicts")
def list_conflicts(
    request: Request,
    after: int = Query(default=0, ge=0, le=2**31 - 1),
    limit: int = Query(default=100, ge=1, le=1000),
    user: User = Depends(current_user),
    scope: Scope = Depends(scope_of),
) -> dict[str, Any]:
    if user.role not in ("admin", "dispatcher"):
        raise forbidden("只有管理员和社区工作人员可以查看冲突记录", "Only admins and dispatchers can list conflicts")
    gw = server_state(request)
    # By the record's area now, not the area it had then: a person moved out of the community takes
    # its conflicts (both values) along, as it takes the record itself.
    now_in = and_(records.c.entity == conflicts.c.entity, records.c.id == conflicts.c.record_id)
    q = (
        select(conflicts, records.c.area_id.label("area_now"))
        .select_from(conflicts.join(records, now_in))
        .where(conflicts.c.id > after)
        .order_by(conflicts.c.id)
        .limit(limit)
    )
    if scope.kind == AREAS:
        q = q.where(records.c.area_id.in_(sorted(scope.areas)))
    elif scope.kind != ALL:
        q = q.where(false())
    with gw.db.engine.connect() as conn:
        rows = conn.execute(q).all()
    items = [conflict_out(r) for r in rows]
    return {"conflicts": items, "next": rows[-1].id if rows else after}


@router.get("/conflicts/mine")
def my_lost_conflicts(
    request: Request,
    after: int = Query(default=0, ge=0, le=2**31 - 1),
    limit: int = Query(default=100, ge=1, le=1000),
    user: User = Depends(current_user),
    scope: Scope = Depends(scope_of),
) -> dict[str, Any]:
    """Values this user wrote on this device that a later edit pushed from elsewhere overwrote.

    (A pusher whose value lost was told in its push answer.) Only records in the
    user's scope now: a record that left it takes its conflicts along.
    """
    gw = server_state(request)
    q = _lost_by(user, scope, conflicts, records.c.area_id.label("area_now"))
    q = q.where(conflicts.c.id > after).order_by(conflicts.c.id).limit(limit)
    with gw.db.engine.connect() as conn:
        rows = conn.execute(q).all()
    items = [lost_conflict_out(r) for r in rows]
    return {"conflicts": items, "next": rows[-1].id if rows else after}


def _lost_by(user: User, scope: Scope, *columns):
    """SELECT `columns` of the conflicts this user's device lost on records in the user's scope now.

    One query for the list and for /me's newest id: were they to differ, a client would ask forever."""
    now_in = and_(records.c.entity == conflicts.c.entity, records.c.id == conflicts.c.record_id)
    q = select(*columns).select_from(conflicts.join(records, now_in))
    q = q.where(conflicts.c.loser_user_id == user.id, conflicts.c.loser_device_id == user.device_id)
    if scope.kind == AREAS:
        return q.where(records.c.area_id.in_(sorted(scope.areas)))
    if scope.kind != ALL:
        return q.where(false())  # handlers edit no mergeable fields: they never lose one
    return q


def lost_conflict_out(r) -> dict[str, Any]:
    """A conflict seen from its loser: `mine` is the value that lost, `theirs` the one kept."""
    return {
        "id": r.id, "at": _iso(r.at), "entity": r.entity, "record_id": r.record_id, "area_id": r.area_now,
        "field": r.field, "mine": json.loads(r.theirs) if r.theirs else None,
        "theirs": json.loads(r.mine) if r.mine else None, "winner": "theirs", "user_id": r.user_id,
        "mutation_id": r.mutation_id,
    }  # fmt: skip


def conflict_out(r) -> dict[str, Any]:
    return {
        "id": r.id, "at": _iso(r.at), "entity": r.entity, "record_id": r.record_id, "area_id": r.area_now,
        "field": r.field, "mine": json.loads(r.mine) if r.mine else None,
        "theirs": json.loads(r.theirs) if r.theirs else None, "winner": r.winner, "user_id": r.user_id,
        "device_id": r.device_id, "mutation_id": r.mutation_id,
    }  # fmt: skip

