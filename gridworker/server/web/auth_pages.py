"""Pages for everyone: a community's landing page (its QR code), the language switch, sign in, register, sign out."""

from __future__ import annotations

import io
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ..core.errors import ApiError
from . import limits
from .render import HEADERS, LANG_COOKIE, lang_of, page, redirect
from .residents import WebError, check_sign_in, clean_phone, community_by_code, register
from .site import COMMUNITY_COOKIE, address, community_of, current_resident, current_user, gw, refusal
from .words import Words

router = APIRouter(prefix="/h5", include_in_schema=False)


def safe_next(value: str | None) -> str:
    """Only a path of these pages (never another site): /h5/... without a scheme or a second slash."""
    if value and value.startswith("/h5/") and not value.startswith("//") and "\\" not in value and "://" not in value:
        return value[:300]
    return "/h5/"


async def form_of(request: Request) -> dict[str, str] | None:
    """The posted text fields, or None when the CSRF token is missing or wrong."""
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    if not request.app.state.web.sessions.csrf_ok(request, fields.get("csrf")):
        return None
    return fields


def bad_form(request: Request):
    return refusal(request, WebError("bad_form", status=403))


@router.get("/")
def home(request: Request):
    res = current_resident(request)
    if res is not None:
        return page(request, "home.html", user=res.user, verified=res.verified, community_name=res.community.name)
    member = current_user(request)
    if member is not None:
        community = community_of(request)
        return page(request, "home.html", user=member, community_name=community.name if community else None)
    community = community_of(request)
    if community is None:
        return refusal(request, WebError("bad_community", status=200))
    return page(request, "landing.html", community_name=community.name)


@router.get("/c/{code}")
def landing(request: Request, code: str):
    with gw(request).db.engine.connect() as conn:
        community = community_by_code(conn, code[:64])
    if community is None:
        return refusal(request, WebError("bad_community", status=404))
    response = page(request, "landing.html", community_name=community.name)
    response.set_cookie(COMMUNITY_COOKIE, community.code, max_age=365 * 24 * 3600, path="/h5", httponly=True,
                        samesite="lax", secure=request.url.scheme == "https")  # fmt: skip
    return response


@router.get("/c/{code}/qr.svg")
def qr_code(request: Request, code: str):
    """The community's QR code (SVG), to print and put on the notice board; it opens /h5/c/<code>."""
    import segno

    with gw(request).db.engine.connect() as conn:
        community = community_by_code(conn, code[:64])
    if community is None:
        return refusal(request, WebError("bad_community", status=404))
    out = io.BytesIO()
    segno.make(str(request.base_url).rstrip("/") + f"/h5/c/{quote(community.code)}", error="m").save(out, kind="svg", scale=8, border=2)
    return Response(out.getvalue(), media_type="image/svg+xml", headers=HEADERS)


@router.get("/c/{code}/poster")
def poster(request: Request, code: str):
    with gw(request).db.engine.connect() as conn:
        community = community_by_code(conn, code[:64])
    if community is None:
        return refusal(request, WebError("bad_community", status=404))
    return page(request, "poster.html", community=community, community_name=community.name)


@router.get("/lang")
def switch_language(request: Request, to: str = "zh", next: str = "/h5/"):  # noqa: A002 - the query's name
    response = redirect(request, safe_next(next))
    response.set_cookie(LANG_COOKIE, "en" if to == "en" else "zh", max_age=365 * 24 * 3600, path="/h5",
                        httponly=True, samesite="lax", secure=request.url.scheme == "https")  # fmt: skip
    return response


@router.get("/sign-in")
def sign_in_page(request: Request, next: str = "", expired: int = 0):  # noqa: A002
    words = Words(lang_of(request))
    community = community_of(request)
    return page(request, "sign_in.html", next=safe_next(next) if next else "", notice=words("session_expired") if expired else None,
                community_name=community.name if community else None)  # fmt: skip


@router.post("/sign-in")
async def sign_in(request: Request):
    fields = await form_of(request)
    if fields is None:
        return bad_form(request)
    state = gw(request)
    again = {"next": safe_next(fields.get("next")) if fields.get("next") else "", "phone": fields.get("phone", "")[:11]}
    try:
        phone = clean_phone(fields.get("phone", ""))
    except WebError as err:
        return refusal(request, err, "sign_in.html", **again)
    try:
        with state.db.plain() as conn:
            state.limiter.attempt(conn, phone, address(request))  # counted before the password is checked
    except ApiError as err:
        return refusal(request, WebError("too_many", status=429, seconds=err.details.get("retry_after", 60)), "sign_in.html", **again)
    with state.db.engine.connect() as conn:
        user = check_sign_in(conn, phone, fields.get("password", "")[:1024])
    if user is None:
        return refusal(request, WebError("bad_login", status=401), "sign_in.html", **again)
    response = redirect(request, again["next"] or "/h5/")
    with state.db.plain() as conn:
        state.limiter.succeeded(conn, phone, address(request))
        request.app.state.web.sessions.start(request, response, conn, user.id)
    return response


@router.get("/register")
def register_page(request: Request):
    community = community_of(request)
    if community is None:
        return refusal(request, WebError("bad_community", status=200))
    return page(request, "register.html", community_name=community.name, form={})


@router.post("/register")
async def register_post(request: Request):
    fields = await form_of(request)
    if fields is None:
        return bad_form(request)
    community = community_of(request)
    if community is None:
        return refusal(request, WebError("bad_community"))
    state = gw(request)
    again = {"community_name": community.name,
             "form": {"name": fields.get("name", "")[:30], "phone": fields.get("phone", "")[:11], "role": fields.get("role")}}  # fmt: skip
    try:
        with state.db.plain() as conn:
            limits.hit(conn, "register", None, address(request))
        with state.db.write() as conn:
            user_id = register(conn, community, fields.get("name", ""), fields.get("phone", ""), fields.get("password", ""),
                               fields.get("role", "resident"))  # fmt: skip
    except WebError as err:
        return refusal(request, err, "register.html", **again)
    response = redirect(request, "/h5/")
    with state.db.plain() as conn:
        request.app.state.web.sessions.start(request, response, conn, user_id)
    return response


@router.post("/sign-out")
async def sign_out(request: Request):
    fields = await form_of(request)
    if fields is None:
        return bad_form(request)
    response = page(request, "message.html", notice=Words(lang_of(request))("signed_out"))
    with gw(request).db.plain() as conn:
        request.app.state.web.sessions.end(request, response, conn)
    return response
