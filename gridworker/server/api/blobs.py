"""Blob routes of PROTOCOL.md: HEAD, upload status, PUT chunks, download, thumbnail — all scoped.

A user may read a blob when they can see a live `photo` record with that hash,
or when they uploaded it themselves. Anyone else gets 404, never 403, so the
existence of a photo is not leaked. Uploads are open to every signed-in user:
the bytes must hash to the address, so nobody can place content under a hash
they do not hold. What no photo record uses is bounded by per-user quotas and
a free-space floor (blob_usage: 507), and collected after a grace period.
"""

from __future__ import annotations

import time

from fastapi import APIRouter, Depends, Header, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse, Response
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from ...domain.wire import PHOTO_MIMES
from ..core.auth import User
from ..core.blob_usage import check_upload
from ..core.blobs import check_hash, parse_range
from ..core.errors import not_found
from ..core.schema import blob_uploaders, blobs
from ..sync.blob_access import readable_photo
from ..sync.scope import Scope
from ..sync.state import check_schema, current_user, scope_of, server_state

router = APIRouter(prefix="/api/v1/blobs", dependencies=[Depends(check_schema)])
# A hash that does not match is 400 bad_hash (errors.install maps it), as PROTOCOL.md says.
Sha = Path(pattern="^[0-9a-f]{64}$", description="SHA-256 of the blob: 64 lowercase hexadecimal characters")


def _visible_mime(conn: Connection, scope: Scope, user: User, sha: str) -> tuple[bool, str]:
    """(may this user read the blob, the media type to serve it as)."""
    readable, photo = readable_photo(conn, scope, user.id, sha)
    mime = (photo or {}).get("mime")
    return readable, mime if mime in PHOTO_MIMES else "application/octet-stream"


def _readable(request: Request, scope: Scope, user: User, sha: str) -> str:
    """The media type of a blob this user may read and that is stored whole; 404 otherwise."""
    gw = server_state(request)
    check_hash(sha)
    with gw.db.engine.connect() as conn:
        ok, mime = _visible_mime(conn, scope, user, sha)
    if not ok or not gw.blobs.has(sha):
        raise not_found("照片", "blob")
    return mime


_CACHE = {"Cache-Control": "private, max-age=31536000, immutable", "X-Content-Type-Options": "nosniff"}


@router.head("/{sha256}", responses={200: {}, 404: {}})
def head_blob(request: Request, sha256: str = Sha, user: User = Depends(current_user), scope: Scope = Depends(scope_of)):
    gw = server_state(request)
    _readable(request, scope, user, sha256)
    return Response(status_code=200, headers={"Content-Length": str(gw.blobs.size(sha256)), "ETag": f'"{sha256}"'})


@router.get("/{sha256}/upload")
def upload_status(request: Request, sha256: str = Sha, user: User = Depends(current_user), scope: Scope = Depends(scope_of)):
    gw = server_state(request)
    check_hash(sha256)
    if gw.blobs.has(sha256):
        with gw.db.engine.connect() as conn:
            ok, _mime = _visible_mime(conn, scope, user, sha256)
        if ok:
            return {"received": gw.blobs.size(sha256), "complete": True}
    return {"received": gw.blobs.received(sha256, user.id), "complete": False}


@router.put("/{sha256}", responses={200: {}, 201: {}, 400: {}, 409: {}, 413: {}, 422: {}, 507: {}})
async def put_chunk(
    request: Request,
    sha256: str = Sha,
    content_range: str | None = Header(default=None, max_length=100),
    user: User = Depends(current_user),
    scope: Scope = Depends(scope_of),
):
    gw = server_state(request)
    check_hash(sha256)
    data = await request.body()  # at most one chunk: the body limit is enforced before (app.BodyLimit)
    rng = parse_range(content_range, len(data), gw.settings.limits.blob_bytes)
    await run_in_threadpool(_check_quota, request, sha256, user.id, rng)

    def register() -> None:  # before the file is put in place: core/blobs.py
        _register_blob(request, sha256, rng.total, user.id)

    received, complete = await run_in_threadpool(gw.blobs.put_chunk, sha256, user.id, rng, data, register)
    if not complete:
        return {"received": received}
    return JSONResponse({"received": received}, status_code=201)


def _check_quota(request: Request, sha: str, user_id: str, rng) -> None:
    gw = server_state(request)
    with gw.db.engine.connect() as conn:
        check_upload(conn, gw.blobs, gw.settings.blob_policy, user_id, sha, rng)


def _register_blob(request: Request, sha: str, size: int, user_id: str) -> None:
    """The blob's row, its upload time set to now: an upload again restarts the grace period (blob_usage.collect)."""
    gw = server_state(request)
    dialect_insert = sqlite_insert if gw.db.is_sqlite else pg_insert
    with gw.db.plain() as conn:
        row = dialect_insert(blobs).values(sha256=sha, size=size, created_at=time.time())
        conn.execute(row.on_conflict_do_update(index_elements=[blobs.c.sha256], set_={"created_at": row.excluded.created_at}))
        conn.execute(dialect_insert(blob_uploaders).values(sha256=sha, user_id=user_id).on_conflict_do_nothing())


@router.get("/{sha256}", response_class=FileResponse, responses={404: {}})
def get_blob(request: Request, sha256: str = Sha, user: User = Depends(current_user), scope: Scope = Depends(scope_of)):
    gw = server_state(request)
    mime = _readable(request, scope, user, sha256)
    return FileResponse(gw.blobs.path(sha256), media_type=mime, headers=_CACHE | {"ETag": f'"{sha256}"'})


@router.get("/{sha256}/thumbnail", response_class=FileResponse, responses={404: {}, 422: {}})
def get_thumbnail(request: Request, sha256: str = Sha, user: User = Depends(current_user), scope: Scope = Depends(scope_of)):
    gw = server_state(request)
    _readable(request, scope, user, sha256)
    return FileResponse(gw.blobs.thumbnail(sha256), media_type="image/jpeg", headers=_CACHE)
