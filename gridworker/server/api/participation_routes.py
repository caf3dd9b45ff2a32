"""Participation API: activities, service orders and photos (docs/participation-api.md)."""

from __future__ import annotations

import hashlib
import io
import time
import uuid
from datetime import datetime, timezone
from typing import Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import Field
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ...domain.participation import activities, orders, tables
from ..core.auth import User
from ..core.blob_usage import check_upload
from ..core.blobs import ContentRange
from ..core.errors import ApiError, not_found
from ..core.schema import blob_uploaders, blobs
from ..sync.participation_events import Folds
from ..sync.state import server_state
from .errors import lang_of
from .participation_common import (
    Areas, Body, act, by_parent, get, home_area, in_areas, limit, require_approved, web_user, words,
)  # fmt: skip
from .participation_evaluation import router as evaluation_router
from .participation_points import router as points_router

router = APIRouter(prefix="/api/v1/p", tags=["participation"])
router.include_router(points_router)
router.include_router(evaluation_router)
def RecordId():  # noqa: N802  (one Path per parameter: FastAPI binds a shared one to its first name)
    return Path(pattern=r"^[0-9a-fA-F-]{36}$", description="the record's id (a UUID)")
Printable = r"^[^\x00-\x1f\x7f]*$"
Text = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"  # newlines and tabs allowed


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


def _folds(request: Request, conn) -> Folds:
    return Folds(server_state(request).calendars.rules(conn).calendar, lambda _m: ())


# -- activities ----------------------------------------------------------------------------------------
class CodeIn(Body):
    code: str = Field(min_length=1, max_length=12)


def _activity_out(rec, state, user: User, lang: str) -> dict[str, Any]:
    d = rec.data
    kind = tables.activity_kinds().get(d.get("kind") or "")
    s = state or activities.ActivityState()
    return {
        "id": rec.id, "title": d.get("title"), "kind": d.get("kind"), "kind_name": kind.label(lang) if kind else None,
        "place": d.get("place"), "description": d.get("description"), "starts_at": d.get("starts_at"),
        "ends_at": d.get("ends_at"), "signup_deadline": d.get("signup_deadline"), "capacity": d.get("capacity"),
        "places_left": s.places_left, "points": d.get("points") or 0, "status": s.status,
        "signed_up": user.id in s.signed_up, "attended": user.id in s.attended,
    }  # fmt: skip


def _visible_activities(conn, user: User) -> list:
    areas = Areas(conn)
    home = home_area(conn, user)
    community = areas.community_of(home)
    if community is None:
        return []
    where = {community, home} if user.role == "member" else {community}
    return [a for a in in_areas(conn, "activity", where) if a.data.get("status")]


@router.get("/activities")
def list_activities(request: Request, user: User = Depends(web_user)) -> dict[str, Any]:
    lang = lang_of(request)
    with server_state(request).db.engine.connect() as conn:
        folds = _folds(request, conn)
        out = []
        for rec in _visible_activities(conn, user):
            state = folds.state(rec, [e.data for e in by_parent(conn, "activity_event", rec.id)])
            out.append(_activity_out(rec, state, user, lang))
    return {"activities": out}


def _activity_action(request: Request, user: User, activity_id: str, action: str, **extra: Any) -> dict[str, Any]:
    if user.role != "member":
        raise ApiError(403, "role_not_allowed", "只有党员可以报名和签到", "Only members sign up and check in")
    with server_state(request).db.engine.connect() as conn:
        if activity_id not in {a.id for a in _visible_activities(conn, user)}:
            raise not_found("活动", "activity")
        if action != "cancel_signup":
            require_approved(conn, user)
    event = {"activity_id": activity_id, "action": action, "at": _now()} | extra
    act(request, user, [("activity_event", str(uuid.uuid4()), event)])
    lang = lang_of(request)
    with server_state(request).db.engine.connect() as conn:
        rec = get(conn, "activity", activity_id)
        state = _folds(request, conn).state(rec, [e.data for e in by_parent(conn, "activity_event", rec.id)])
        return _activity_out(rec, state, user, lang)


@router.post("/activities/{activity_id}/signup", responses={404: {}, 409: {}, 429: {}})
def sign_up(request: Request, activity_id: str = RecordId(), user: User = Depends(web_user)) -> dict[str, Any]:
    limit(request, user, "signup")
    return _activity_action(request, user, activity_id, "sign_up")


@router.post("/activities/{activity_id}/cancel", responses={404: {}, 409: {}})
def cancel_signup(request: Request, activity_id: str = RecordId(), user: User = Depends(web_user)) -> dict[str, Any]:
    limit(request, user, "signup")
    return _activity_action(request, user, activity_id, "cancel_signup")


@router.post("/activities/{activity_id}/checkin", responses={404: {}, 409: {}, 429: {}})
def check_in(body: CodeIn, request: Request, activity_id: str = RecordId(), user: User = Depends(web_user)) -> dict[str, Any]:
    limit(request, user, f"code:{activity_id}", per_account=activities.CODE_TRIES_PER_MEMBER)
    return _activity_action(request, user, activity_id, "check_in", code=body.code)


# -- service orders --------------------------------------------------------------------------------------
class RaiseIn(Body):
    title: str = Field(min_length=1, max_length=100, pattern=Printable)
    need: str = Field(min_length=1, max_length=2000, pattern=Text)


class ReasonIn(Body):
    reason: str = Field(min_length=1, max_length=200, pattern=Text)


class CloseIn(Body):
    write_up: str = Field(min_length=1, max_length=2000, pattern=Text)
    photo_ids: list[str] = Field(min_length=1, max_length=9)


class RateIn(Body):
    rating: int = Field(ge=1, le=5)
    comment: str | None = Field(default=None, max_length=500, pattern=Text)


def _member_skills(conn, user: User) -> tuple[str, ...]:
    member = get(conn, "member", user.id)
    return tuple(member.data.get("skills") or ()) if member and member.data.get("status") == "approved" else ()


def _visible_orders(conn, user: User) -> list:
    areas = Areas(conn)
    home = home_area(conn, user)
    community = areas.community_of(home)
    if community is None:
        return []
    recs = in_areas(conn, "service_order", areas.below(community))
    if user.role == "resident":
        return [r for r in recs if r.data.get("resident_id") == user.id]
    skills = set(_member_skills(conn, user))
    member = get(conn, "member", user.id)
    if member is None:
        return []
    approved = member.data.get("status") == "approved"  # orders are offered only once staff approved the check-in

    def mine(r) -> bool:
        d = r.data
        offered = approved and d.get("status") == orders.PUBLISHED and (not d.get("skill") or d.get("skill") in skills)
        return offered or user.id in (d.get("invited") or []) or user.id in (d.get("takers") or [])

    return [r for r in recs if mine(r)]


def _order_out(rec, state, user: User, lang: str, folds: Folds, skills: tuple[str, ...], log=None) -> dict[str, Any]:
    d = rec.data
    s = state or orders.OrderState()
    skill = tables.skills().get(s.skill or "")
    role = user.role
    out = {
        "id": rec.id, "title": d.get("title"), "need": d.get("need"), "status": s.status,
        "status_name": orders.status_label(s.status, lang), "skill": s.skill, "skill_name": skill.label(lang) if skill else None,
        "deadline": d.get("deadline"), "overdue": bool(d.get("overdue")), "takers_wanted": s.takers_wanted,
        "takers_count": len(s.takers), "taken_by_me": user.id in s.takers, "rating": s.rating, "comment": d.get("comment"),
        "write_up": s.write_up, "raised_at": d.get("raised_at"),
        "can": folds.orders.allowed_actions(s, user.id, role, skills) if s.status else [],
    }  # fmt: skip
    if log is not None:
        out["timeline"] = [
            {"action": e.data["action"], "action_name": words(orders.ACTION_LABELS.get(e.data["action"]), lang), "at": e.data.get("at"),
             "by": e.data.get("actor_role"), "note": e.data.get("note") if e.data["action"] in ("close", "raise") else None}
            for e in log
        ]  # fmt: skip
    return out


def _order(request: Request, user: User, order_id: str, timeline: bool = False) -> dict[str, Any]:
    lang = lang_of(request)
    with server_state(request).db.engine.connect() as conn:
        visible = {r.id: r for r in _visible_orders(conn, user)}
        rec = visible.get(order_id)
        if rec is None:
            raise not_found("点单", "order")
        folds = _folds(request, conn)
        log = by_parent(conn, "order_event", rec.id)
        state = folds.state(rec, [e.data for e in log])
        return _order_out(rec, state, user, lang, folds, _member_skills(conn, user), log if timeline else None)


@router.get("/orders")
def list_orders(request: Request, user: User = Depends(web_user)) -> dict[str, Any]:
    lang = lang_of(request)
    with server_state(request).db.engine.connect() as conn:
        folds, skills = _folds(request, conn), _member_skills(conn, user)
        out = []
        for rec in _visible_orders(conn, user):
            state = folds.state(rec, [e.data for e in by_parent(conn, "order_event", rec.id)])
            out.append(_order_out(rec, state, user, lang, folds, skills))
    return {"orders": out}


@router.get("/orders/{order_id}", responses={404: {}})
def show_order(request: Request, order_id: str = RecordId(), user: User = Depends(web_user)) -> dict[str, Any]:
    return _order(request, user, order_id, timeline=True)


@router.post("/orders", status_code=201, responses={409: {}, 422: {}, 429: {}})
def raise_order(body: RaiseIn, request: Request, user: User = Depends(web_user)) -> dict[str, Any]:
    if user.role != "resident":
        raise ApiError(403, "role_not_allowed", "只有居民可以点单", "Only residents raise service orders")
    limit(request, user, "order")
    with server_state(request).db.engine.connect() as conn:
        community = Areas(conn).community_of(home_area(conn, user))
    if community is None:
        raise ApiError(409, "no_community", "账户尚未关联社区", "The account belongs to no community")
    order_id = str(uuid.uuid4())
    fields = {"area_id": community, "title": body.title.strip(), "need": body.need.strip(), "resident_id": user.id}
    act(request, user, [("service_order", order_id, fields),
                        ("order_event", str(uuid.uuid4()), {"order_id": order_id, "action": "raise", "at": _now()})])  # fmt: skip
    return _order(request, user, order_id)


def _order_event(request: Request, user: User, order_id: str, action: str, **extra: Any) -> dict[str, Any]:
    _order(request, user, order_id)  # 404 unless the user may see it
    if action == "take":
        with server_state(request).db.engine.connect() as conn:
            require_approved(conn, user)
    act(request, user, [("order_event", str(uuid.uuid4()), {"order_id": order_id, "action": action, "at": _now()} | extra)])
    return _order(request, user, order_id)


@router.post("/orders/{order_id}/take", responses={404: {}, 409: {}})
def take_order(request: Request, order_id: str = RecordId(), user: User = Depends(web_user)) -> dict[str, Any]:
    limit(request, user, "order_event")
    return _order_event(request, user, order_id, "take")


@router.post("/orders/{order_id}/give_back", responses={404: {}, 409: {}})
def give_back(body: ReasonIn, request: Request, order_id: str = RecordId(), user: User = Depends(web_user)) -> dict[str, Any]:
    limit(request, user, "order_event")
    return _order_event(request, user, order_id, "give_back", reason=body.reason)


@router.post("/orders/{order_id}/close", responses={404: {}, 409: {}, 422: {}})
def close_order(body: CloseIn, request: Request, order_id: str = RecordId(), user: User = Depends(web_user)) -> dict[str, Any]:
    limit(request, user, "order_event")
    event_id = str(uuid.uuid4())
    photos = attach_photos(request, user, body.photo_ids, "order_event", event_id, order_id, "service_order")
    _order(request, user, order_id)
    fields = {"order_id": order_id, "action": "close", "at": _now(), "note": body.write_up, "photo_ids": [p for p, _f in photos]}
    act(request, user, [*[("photo", pid, f) for pid, f in photos], ("order_event", event_id, fields)])
    return _order(request, user, order_id)


@router.post("/orders/{order_id}/rate", responses={404: {}, 409: {}})
def rate_order(body: RateIn, request: Request, order_id: str = RecordId(), user: User = Depends(web_user)) -> dict[str, Any]:
    limit(request, user, "order_event")
    return _order_event(request, user, order_id, "rate", rating=body.rating, comment=body.comment)


@router.post("/orders/{order_id}/cancel", responses={404: {}, 409: {}})
def cancel_order(body: ReasonIn, request: Request, order_id: str = RecordId(), user: User = Depends(web_user)) -> dict[str, Any]:
    limit(request, user, "order_event")
    return _order_event(request, user, order_id, "cancel", reason=body.reason)


# -- photos ---------------------------------------------------------------------------------------------
_JPEG_BODY = {"requestBody": {"required": True, "content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}}}}


@router.post("/photos", status_code=201, responses={413: {}, 415: {}, 429: {}, 507: {}}, openapi_extra=_JPEG_BODY)
async def upload_photo(request: Request, user: User = Depends(web_user)) -> dict[str, Any]:
    limit(request, user, "photo", per_account=server_state(request).settings.web.photos_per_account)
    data = await request.body()  # bounded before (app.BodyLimit)
    return await run_in_threadpool(_store_photo, request, user, data)


def _store_photo(request: Request, user: User, data: bytes) -> dict[str, Any]:
    from PIL import Image, ImageOps, UnidentifiedImageError

    if not data.startswith(b"\xff\xd8\xff"):
        raise ApiError(415, "not_jpeg", "照片须为JPEG格式", "The photo must be a JPEG")
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.format != "JPEG" or img.width * img.height > 50_000_000:
                raise ApiError(415, "not_jpeg", "照片须为JPEG格式", "The photo must be a JPEG")
            taken = _exif_time(img)
            clean = ImageOps.exif_transpose(img).convert("RGB")
            out = io.BytesIO()
            clean.save(out, "JPEG", quality=90)  # no exif= : GPS, device and the rest are not kept
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise ApiError(415, "not_jpeg", "照片无法读取，须为JPEG格式", "The photo cannot be read; it must be a JPEG") from None
    stripped = out.getvalue()
    sha = hashlib.sha256(stripped).hexdigest()
    gw = server_state(request)
    if not gw.blobs.has(sha):
        rng = ContentRange(0, len(stripped) - 1, len(stripped))
        with gw.db.engine.connect() as conn:
            check_upload(conn, gw.blobs, gw.settings.blob_policy, user.id, sha, rng)  # the uploader's quota, free space: 507
        gw.blobs.put_chunk(sha, user.id, rng, stripped)
    dialect_insert = sqlite_insert if gw.db.is_sqlite else pg_insert
    with gw.db.plain() as conn:
        conn.execute(dialect_insert(blobs).values(sha256=sha, size=len(stripped), created_at=time.time()).on_conflict_do_nothing())
        conn.execute(dialect_insert(blob_uploaders).values(sha256=sha, user_id=user.id).on_conflict_do_nothing())
    return {"photo_id": sha, "taken_at": taken, "width": clean.width, "height": clean.height, "bytes": len(stripped)}


def _exif_time(img) -> str | None:
    try:
        raw = img.getexif().get_ifd(0x8769).get(0x9003) or img.getexif().get(0x0132)
        return datetime.strptime(str(raw).strip(), "%Y:%m:%d %H:%M:%S").isoformat() if raw else None
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def attach_photos(request, user: User, photo_ids: list[str], entity: str, entity_id: str, parent_id: str, parent_entity: str):
    """Photo records for uploads of this user (`photo_id` = the upload's hash), for the event about to be written."""
    gw = server_state(request)
    with gw.db.engine.connect() as conn:
        parent = get(conn, parent_entity, parent_id)
        mine = {r.sha256 for r in conn.execute(select(blob_uploaders.c.sha256).where(blob_uploaders.c.user_id == user.id))}
    out = []
    for sha in dict.fromkeys(photo_ids):
        if sha not in mine or not gw.blobs.has(sha):
            raise ApiError(422, "unknown_photo", "照片未上传或不是您上传的", "That photo was not uploaded by you", {"field": "photo_ids"})
        fields = {"sha256": sha, "entity": entity, "entity_id": entity_id, "mime": "image/jpeg", "bytes": gw.blobs.size(sha),
                  "area_id": parent.area_id if parent else None}  # fmt: skip
        out.append((str(uuid.uuid4()), fields))
    return out
