"""Participation API: accounts — sign-up, sign-in, me, the pickers' tables, resident verification, member check-in.

docs/participation-api.md. Members and residents sign in here by phone and password; the sync protocol
refuses them (403 web_only).
"""

from __future__ import annotations

import json
import time
from datetime import datetime, timezone
from typing import Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from pydantic import Field
from sqlalchemy import select, update

from ...domain import validation as v
from ...domain.errors import ValidationError
from ...domain.participation import checkin, tables
from ..core import web_limits
from ..core.auth import User, issue_token, user_from_row, verify_password
from ..core.errors import ApiError
from ..core.schema import records, tokens, users
from ..sync.scope import WEB_ROLES
from ..sync.state import server_state
from ..web import residents
from ..web.words import WORDS
from .errors import lang_of
from .participation_common import COOKIE, Areas, Body, act, bad_value, get, limit, web_user, words

router = APIRouter(prefix="/api/v1/p", tags=["participation"])

Printable = r"^[^\x00-\x1f\x7f]*$"


class RegisterIn(Body):
    role: Literal["member", "resident"]
    phone: str = Field(min_length=1, max_length=30)
    password: str = Field(min_length=8, max_length=128)
    name: str = Field(min_length=1, max_length=50, pattern=Printable)
    community_id: str = Field(min_length=36, max_length=36)


class LoginIn(Body):
    phone: str = Field(min_length=1, max_length=30)
    password: str = Field(min_length=1, max_length=1024)


class VerifyIn(Body):
    name: str = Field(min_length=1, max_length=50, pattern=Printable)
    id_number: str = Field(min_length=1, max_length=30)


class CheckinIn(Body):
    name: str = Field(min_length=1, max_length=50, pattern=Printable)
    phone: str = Field(min_length=1, max_length=30)
    employer: str = Field(min_length=1, max_length=100, pattern=Printable)
    estate: str = Field(min_length=1, max_length=100, pattern=Printable)
    building: str = Field(min_length=1, max_length=50, pattern=Printable)
    community_id: str = Field(min_length=36, max_length=36)
    skills: list[str] = Field(default_factory=list, max_length=20)
    posts: list[str] = Field(default_factory=list, max_length=checkin.MAX_POSTS)
    team: str | None = Field(default=None, max_length=100, pattern=Printable)


def _session(user_id: str, request: Request, status: int, row) -> JSONResponse:
    gw = server_state(request)
    with gw.db.plain() as conn:
        token, expires = issue_token(conn, user_id, "web", request.headers.get("user-agent", "")[:100] or None, gw.settings.token_ttl_s)
    user = user_from_row(row)
    body = {"token": token, "expires_at": datetime.fromtimestamp(expires, timezone.utc).isoformat(),
            "user": {"id": user.id, "role": user.role, "name": user.display_name, "phone": user.username}}  # fmt: skip
    response = JSONResponse(body, status_code=status)
    response.set_cookie(COOKIE, token, max_age=gw.settings.token_ttl_s, httponly=True, samesite="strict", path="/",
                        secure=request.url.scheme == "https")  # as the pages' own (web/session.py): Secure behind TLS
    return response


def _community(conn, community_id: str) -> str:
    areas = Areas(conn)
    if areas.level(community_id) != "community":
        raise bad_value("community_id", "不是有效的社区", "is not a community", "unknown_community")
    return community_id


# The pages' refusals (web/words.py) as the API's: status, code and field.
SIGN_UP_REFUSALS = {"bad_phone": (422, "invalid_value", "phone"), "bad_name": (422, "invalid_value", "name"),
                    "bad_password": (422, "weak_password", "password"), "phone_taken": (409, "phone_taken", "phone")}  # fmt: skip


@router.post("/auth/register", status_code=201, responses={409: {}, 422: {}, 429: {}})
def register(body: RegisterIn, request: Request):
    """The phone pages' sign-up (web/residents.register: the same rules, user and record), as JSON."""
    limit(request, None, "signup", per_address=server_state(request).settings.web.signups_per_address)
    gw = server_state(request)
    try:
        with gw.db.write() as conn:
            community = residents.community_by_id(conn, _community(conn, body.community_id))
            user_id = residents.register(conn, community, body.name, body.phone, body.password, body.role)
            row = conn.execute(select(users).where(users.c.id == user_id)).first()
    except residents.WebError as err:
        status, code, field = SIGN_UP_REFUSALS[err.key]
        zh, en = WORDS[err.key]  # named by the field's label, as bad_value does
        raise ApiError(status, code, f"{v.label(field)}：{zh}", f"{v.label(field, 'en').capitalize()}: {en[0].lower()}{en[1:]}",
                       {"field": field}) from None
    return _session(user_id, request, 201, row)


@router.post("/auth/login", responses={401: {}, 429: {}})
def login(body: LoginIn, request: Request):
    gw = server_state(request)
    phone = (v.phone(body.phone) if _looks_like_phone(body.phone) else None) or body.phone.strip()
    addr = request.client.host if request.client else "unknown"
    with gw.db.plain() as conn:
        gw.limiter.attempt(conn, phone, addr)
        row = conn.execute(select(users).where(users.c.username == phone)).first()
    ok = verify_password(row.password_hash if row else None, body.password) and row is not None and not row.disabled
    if not ok or row.role not in WEB_ROLES:
        raise ApiError(401, "bad_credentials", "手机号或密码错误", "Wrong phone number or password")
    with gw.db.plain() as conn:
        gw.limiter.succeeded(conn, phone, addr)
    return _session(row.id, request, 200, row)


def _looks_like_phone(text: str) -> bool:
    try:
        return bool(v.phone(text))
    except ValidationError:
        return False


@router.post("/auth/logout", status_code=204, response_class=Response)
def logout(request: Request, user: User = Depends(web_user)) -> Response:
    with server_state(request).db.plain() as conn:
        conn.execute(update(tokens).where(tokens.c.id == user.token_id).values(revoked_at=time.time()))
    response = Response(status_code=204)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict", secure=request.url.scheme == "https")
    return response


def member_out(rec, areas: Areas, lang: str) -> dict[str, Any] | None:
    if rec is None:
        return None
    d = rec.data
    skills = tables.skills()
    return {
        "status": d.get("status"), "status_name": words(checkin.STATUS_LABELS.get(d.get("status")), lang),
        "area_id": rec.area_id, "area_name": areas.name(rec.area_id), "to_place": bool(d.get("to_place")),
        "skills": d.get("skills") or [], "skill_names": [skills[s].label(lang) for s in d.get("skills") or [] if s in skills],
        "posts": d.get("posts") or [], "team": d.get("team"), "return_reason": d.get("return_reason"),
        "employer": d.get("employer"), "estate": d.get("estate"), "building": d.get("building"),
    }  # fmt: skip


def balance_of(conn, member_id: str) -> int:
    rows = conn.execute(select(records.c.data).where(records.c.parent_id == member_id, records.c.entity == "ledger_entry"))
    return sum(int(json.loads(r.data).get("points") or 0) for r in rows)


@router.get("/me")
def me(request: Request, user: User = Depends(web_user)) -> dict[str, Any]:
    lang = lang_of(request)
    with server_state(request).db.engine.connect() as conn:
        areas = Areas(conn)
        member = get(conn, "member", user.id) if user.role == "member" else None
        resident = get(conn, "resident", user.id) if user.role == "resident" else None
        balance = balance_of(conn, user.id) if user.role == "member" else None
    res = None
    if resident is not None:
        d = resident.data
        res = {"area_id": resident.area_id, "area_name": areas.name(resident.area_id), "verified": bool(d.get("verified")),
               "special_group": bool(d.get("special_group"))}  # fmt: skip
    return {"id": user.id, "role": user.role, "name": user.display_name, "phone": user.username, "balance": balance,
            "member": member_out(member, areas, lang), "resident": res}  # fmt: skip


@router.get("/communities")
def communities(request: Request) -> dict[str, Any]:
    with server_state(request).db.engine.connect() as conn:
        areas = Areas(conn)
    out = []
    for area_id, data in sorted(areas.data.items(), key=lambda kv: kv[1].get("code") or ""):
        if data.get("level") == "community":
            grids = [{"id": g, "name": areas.name(g)} for g in sorted(areas.below(area_id)) if areas.level(g) == "grid"]
            out.append({"id": area_id, "name": data.get("name"), "grids": grids})
    return {"communities": out}


@router.get("/tables")
def resource_tables(request: Request) -> dict[str, Any]:
    lang = lang_of(request)

    def named(table) -> list[dict[str, str]]:
        return [{"code": n.code, "name": n.label(lang)} for n in table.values()]

    return {"skills": named(tables.skills()), "posts": named(tables.posts()), "activity_kinds": named(tables.activity_kinds())}


@router.post("/resident/verify", responses={409: {}, 422: {}, 429: {}})
def verify(body: VerifyIn, request: Request, user: User = Depends(web_user)) -> dict[str, Any]:
    """The phone pages' verification (web/residents.verify: the same tries, comparison and claim), as JSON."""
    gw = server_state(request)
    web = gw.settings.web
    if user.role != "resident":
        raise ApiError(403, "role_not_allowed", "只有居民需要核验身份", "Only residents verify their identity")
    with gw.db.plain() as conn:
        left = web_limits.verify_locked(conn, user.id, web.verify_tries, web.verify_lock_s)
    if left:
        raise _locked(left)
    limit(request, None, "verify")  # per address; the account has its lock
    with gw.db.engine.connect() as conn:
        resident = get(conn, "resident", user.id)
    try:
        done = residents.verify(gw.db, user.id, resident.area_id if resident else None, body.name, body.id_number,
                                web.verify_tries, web.verify_lock_s)  # fmt: skip
    except residents.WebError as err:
        raise _verify_refusal(err) from None
    return {"verified": True, "special_group": done.special_group}


def _locked(seconds: int) -> ApiError:
    return ApiError(429, "verify_locked", "核验失败次数过多，请一小时后再试", "Too many failed verifications: try again in an hour",
                    {"retry_after": seconds}, headers={"Retry-After": str(seconds)})  # fmt: skip


def _verify_refusal(err: residents.WebError) -> ApiError:
    if err.key == "verify_locked":
        return _locked(int(err.values["seconds"]))
    if err.key == "identity_claimed":
        zh, en = WORDS["identity_claimed"]
        return ApiError(409, "identity_claimed", zh, en, {"field": "id_number"})
    if err.key == "bad_name":
        return bad_value("name", "不能为空", "is required", "required")
    return ApiError(422, "not_matched", "姓名与身份证号未能与社区登记信息核对一致", "The name and ID number do not match the community's register",
                    {"field": "id_number", "tries_left": err.values.get("left", 0)})  # fmt: skip


@router.put("/member/checkin", responses={409: {}, 422: {}, 429: {}})
def member_checkin(body: CheckinIn, request: Request, user: User = Depends(web_user)) -> dict[str, Any]:
    if user.role != "member":
        raise ApiError(403, "role_not_allowed", "只有党员可以报到", "Only members check in")
    limit(request, user, "checkin")
    lang = lang_of(request)
    gw = server_state(request)
    with gw.db.engine.connect() as conn:
        areas = Areas(conn)
        _community(conn, body.community_id)
        grid = _grid_of(conn, areas, body.community_id, body.estate.strip(), body.building.strip())
    form = body.model_dump()
    try:
        done = checkin.validate_checkin(form, lambda _e, _b: grid, tuple(tables.posts()))
    except ValidationError as e:
        raise ApiError(422, "invalid_value", e.zh, e.en, {"field": e.field}) from None
    fields = {
        "area_id": grid or body.community_id, "name": done.name, "phone": done.phone, "employer": done.employer,
        "estate": done.estate, "building": done.building, "skills": list(done.skills), "posts": list(done.posts),
        "team": body.team, "status": checkin.SUBMITTED,
    }  # fmt: skip
    act(request, user, [("member", user.id, fields)])
    with gw.db.engine.connect() as conn:
        return {"member": member_out(get(conn, "member", user.id), Areas(conn), lang)}


def _grid_of(conn, areas: Areas, community: str, estate: str, building: str) -> str | None:
    """The grid of the register's building with that estate and name in the community, if there is one."""
    rows = conn.execute(select(records.c.area_id, records.c.data).where(
        records.c.entity == "building", records.c.deleted.is_(False), records.c.area_id.in_(sorted(areas.below(community)))))  # fmt: skip
    for row in rows:
        d = json.loads(row.data)
        if (d.get("estate") or "").strip() == estate and (d.get("name") or "").strip() == building:
            grid, seen = row.area_id, 0
            while grid is not None and areas.level(grid) != "grid" and seen < 20:  # a building of a microgrid: its grid
                grid, seen = areas.parent(grid), seen + 1
            if grid is not None and areas.level(grid) == "grid":
                return grid
    return None
