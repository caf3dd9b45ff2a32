"""The web package's wiring: state on the app, static files, the routers; helpers every page uses."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import IntegrityError

from ..sync.state import ServerState
from .render import HERE, page
from ..core.auth import User
from .residents import WEB_ROLES, Community, Resident, WebError, community_by_code, resident
from .session import Sessions, load_secret
from .words import Words

COMMUNITY_COOKIE = "gw_community"


@dataclass
class WebState:
    sessions: Sessions


def install(app: FastAPI, state: ServerState) -> None:
    from . import auth_pages, part_pages, resident_pages

    try:
        with state.db.plain() as conn:
            secret = load_secret(conn)
    except IntegrityError:  # another worker process made it at the same moment
        with state.db.plain() as conn:
            secret = load_secret(conn)
    app.state.web = WebState(Sessions(secret, state.settings.token_ttl_s))
    app.mount("/h5/static", StaticFiles(directory=str(HERE / "static")), name="h5-static")
    app.include_router(auth_pages.router)
    app.include_router(resident_pages.router)
    app.include_router(part_pages.router)


def gw(request: Request) -> ServerState:
    return request.app.state.gw


def address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def current_user(request: Request) -> User | None:
    """The signed-in resident or member (a staff account's token opens none of these pages)."""
    with gw(request).db.engine.connect() as conn:
        user = request.app.state.web.sessions.user(request, conn)
    return user if user is not None and user.role in WEB_ROLES else None


def current_resident(request: Request) -> Resident | None:
    with gw(request).db.engine.connect() as conn:
        user = request.app.state.web.sessions.user(request, conn)
        return resident(conn, user) if user is not None else None


def community_of(request: Request) -> Community | None:
    code = request.cookies.get(COMMUNITY_COOKIE, "")
    if not code or len(code) > 64:
        return None
    with gw(request).db.engine.connect() as conn:
        return community_by_code(conn, code)


def refusal(request: Request, err: WebError, template: str = "message.html", **context):
    """A page with the refusal's words at the top (and the form again, when `template` is a form)."""
    from .render import lang_of

    words = Words(lang_of(request))
    return page(request, template, status=err.status, error=words.get(err.key, **err.values), **context)
