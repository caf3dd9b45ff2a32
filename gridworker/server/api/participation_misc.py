"""Participation API: micro-wishes, notices and the opinion box (docs/participation-api.md)."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response
from pydantic import Field

from ...domain.participation import wishes
from ..core.auth import User
from ..core.errors import ApiError, not_found
from ..sync.state import server_state
from .errors import lang_of
from .participation_common import Areas, Body, act, by_parent, get, home_area, in_areas, limit, require_approved, web_user, words

router = APIRouter()
def RecordId():  # noqa: N802  (one Path per parameter: FastAPI binds a shared one to its first name)
    return Path(pattern=r"^[0-9a-fA-F-]{36}$", description="the record's id (a UUID)")
Text = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


# -- micro-wishes -------------------------------------------------------------------------------------------
class WishIn(Body):
    wish: str = Field(min_length=1, max_length=200, pattern=Text)


class ReasonIn(Body):
    reason: str = Field(min_length=1, max_length=200, pattern=Text)


class FulfilIn(Body):
    note: str = Field(min_length=1, max_length=2000, pattern=Text)
    photo_ids: list[str] = Field(min_length=1, max_length=9)


def _visible_wishes(conn, user: User) -> list:
    areas = Areas(conn)
    community = areas.community_of(home_area(conn, user))
    if community is None:
        return []
    recs = in_areas(conn, "wish", areas.below(community))
    if user.role == "resident":
        return [r for r in recs if r.data.get("resident_id") == user.id]
    return [r for r in recs if r.data.get("status") == wishes.PUBLISHED or r.data.get("claimed_by") == user.id]


def _wish_out(rec, user: User, lang: str) -> dict[str, Any]:
    d = rec.data
    status = d.get("status")
    return {"id": rec.id, "wish": d.get("wish"), "status": status, "raised_at": d.get("raised_at"),
            "status_name": words(wishes.STATUS_LABELS.get(status), lang) or ("待发布" if lang == "zh" else "awaiting publication"),
            "claimed_by_me": d.get("claimed_by") == user.id, "points": d.get("points") or 0}  # fmt: skip


@router.get("/wishes")
def list_wishes(request: Request, user: User = Depends(web_user)) -> dict[str, Any]:
    with server_state(request).db.engine.connect() as conn:
        recs = _visible_wishes(conn, user)
    return {"wishes": [_wish_out(r, user, lang_of(request)) for r in recs]}


@router.post("/wishes", status_code=201, responses={403: {}, 409: {}, 429: {}})
def make_wish(body: WishIn, request: Request, user: User = Depends(web_user)) -> dict[str, Any]:
    if user.role != "resident":
        raise ApiError(403, "role_not_allowed", "只有居民可以许微心愿", "Only residents make micro-wishes")
    with server_state(request).db.engine.connect() as conn:
        resident = get(conn, "resident", user.id)
    if resident is None or not resident.data.get("verified") or not resident.data.get("special_group"):
        raise ApiError(409, "not_eligible", "微心愿面向经核验的困难群体居民，请先核验身份", "Micro-wishes are for verified residents of a special group: verify first")
    limit(request, user, "wish")
    wish_id = str(uuid.uuid4())
    fields = {"area_id": resident.area_id, "wish": body.wish.strip(), "resident_id": user.id,
              "person_id": resident.data.get("person_id"), "household_id": resident.data.get("household_id")}  # fmt: skip
    act(request, user, [("wish", wish_id, fields)])
    with server_state(request).db.engine.connect() as conn:
        return _wish_out(get(conn, "wish", wish_id), user, lang_of(request))


def _wish_event(request: Request, user: User, wish_id: str, action: str, extra_writes=(), **fields: Any) -> dict[str, Any]:
    if user.role != "member":
        raise ApiError(403, "role_not_allowed", "只有党员可以认领心愿", "Only members claim wishes")
    limit(request, user, "wish_event")
    with server_state(request).db.engine.connect() as conn:
        if wish_id not in {w.id for w in _visible_wishes(conn, user)}:
            raise not_found("心愿", "wish")
        if action == "claim":
            require_approved(conn, user)
    event_id = fields.pop("event_id", None) or str(uuid.uuid4())
    act(request, user, [*extra_writes, ("wish_event", event_id, {"wish_id": wish_id, "action": action, "at": _now()} | fields)])
    with server_state(request).db.engine.connect() as conn:
        return _wish_out(get(conn, "wish", wish_id), user, lang_of(request))


@router.post("/wishes/{wish_id}/claim", responses={404: {}, 409: {}})
def claim(request: Request, wish_id: str = RecordId(), user: User = Depends(web_user)) -> dict[str, Any]:
    return _wish_event(request, user, wish_id, "claim")


@router.post("/wishes/{wish_id}/give_up", responses={404: {}, 409: {}})
def give_up(body: ReasonIn, request: Request, wish_id: str = RecordId(), user: User = Depends(web_user)) -> dict[str, Any]:
    return _wish_event(request, user, wish_id, "give_up", reason=body.reason)


@router.post("/wishes/{wish_id}/fulfil", responses={404: {}, 409: {}, 422: {}})
def fulfil(body: FulfilIn, request: Request, wish_id: str = RecordId(), user: User = Depends(web_user)) -> dict[str, Any]:
    from .participation_routes import attach_photos

    event_id = str(uuid.uuid4())
    photos = attach_photos(request, user, body.photo_ids, "wish_event", event_id, wish_id, "wish")
    return _wish_event(request, user, wish_id, "fulfil", [("photo", p, f) for p, f in photos], event_id=event_id,
                       note=body.note, photo_ids=[p for p, _f in photos])  # fmt: skip


# -- notices ------------------------------------------------------------------------------------------------
def _visible_notices(conn, user: User) -> list:
    areas = Areas(conn)
    home = home_area(conn, user)
    return in_areas(conn, "notice", areas.up_from(home)) if home else []


@router.get("/notices")
def list_notices(request: Request, user: User = Depends(web_user)) -> dict[str, Any]:
    with server_state(request).db.engine.connect() as conn:
        notices = _visible_notices(conn, user)
        read = {r.data.get("notice_id") for n in notices for r in by_parent(conn, "notice_read", n.id) if r.data.get("user_id") == user.id}
    return {"notices": [{"id": n.id, "title": n.data.get("title"), "body": n.data.get("body"), "published_at": n.data.get("published_at"),
                         "read": n.id in read} for n in notices]}  # fmt: skip


@router.post("/notices/{notice_id}/read", status_code=204, response_class=Response, responses={404: {}})
def read_notice(request: Request, notice_id: str = RecordId(), user: User = Depends(web_user)) -> Response:
    with server_state(request).db.engine.connect() as conn:
        if notice_id not in {n.id for n in _visible_notices(conn, user)}:
            raise not_found("公告", "notice")
    receipt = str(uuid.uuid5(uuid.UUID(notice_id), user.id))  # one per person: a second read is a replay
    with server_state(request).db.engine.connect() as conn:
        seen = get(conn, "notice_read", receipt) is not None
    if not seen:
        limit(request, user, "notice_read")
        act(request, user, [("notice_read", receipt, {"notice_id": notice_id})])
    return Response(status_code=204)


# -- opinions ------------------------------------------------------------------------------------------------
class OpinionIn(Body):
    topic: str | None = Field(default=None, max_length=50, pattern=Text)
    content: str = Field(min_length=1, max_length=2000, pattern=Text)


def _opinion_out(rec) -> dict[str, Any]:
    d = rec.data
    return {"id": rec.id, "topic": d.get("topic"), "content": d.get("content"), "submitted_at": d.get("submitted_at"),
            "status": d.get("status"), "answer": d.get("answer"), "answered_at": d.get("answered_at")}  # fmt: skip


@router.post("/opinions", status_code=201, responses={409: {}, 429: {}})
def leave_opinion(body: OpinionIn, request: Request, user: User = Depends(web_user)) -> dict[str, Any]:
    with server_state(request).db.engine.connect() as conn:
        community = Areas(conn).community_of(home_area(conn, user))
    if community is None:
        raise ApiError(409, "no_community", "账户尚未关联社区", "The account belongs to no community")
    limit(request, user, "opinion")
    opinion_id = str(uuid.uuid4())
    act(request, user, [("opinion", opinion_id, {"area_id": community, "topic": body.topic, "content": body.content})])
    with server_state(request).db.engine.connect() as conn:
        return _opinion_out(get(conn, "opinion", opinion_id))


@router.get("/opinions")
def my_opinions(request: Request, user: User = Depends(web_user)) -> dict[str, Any]:
    with server_state(request).db.engine.connect() as conn:
        areas = Areas(conn)
        community = areas.community_of(home_area(conn, user))
        recs = in_areas(conn, "opinion", areas.below(community)) if community else []
    return {"opinions": [_opinion_out(r) for r in recs if r.data.get("resident_id") == user.id]}
