"""Rendering a page: the language, the Jinja2 environment (autoescaped), security headers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from .words import Words

HERE = Path(__file__).resolve().parent
LANG_COOKIE = "gw_lang"
# Nothing from another origin: scripts, styles, images, connections and form targets are the server's own.
CSP = (
    "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; script-src 'self'; connect-src 'self';"
    " form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
}

env = Environment(
    loader=FileSystemLoader(str(HERE / "templates")),
    autoescape=select_autoescape(["html"], default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def lang_of(request: Request) -> str:
    """The switch's choice (cookie), else the first language of Accept-Language that we have; Chinese by default."""
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in ("zh", "en"):
        return chosen
    ranked = []
    for i, part in enumerate(request.headers.get("accept-language", "").split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        ranked.append((-q, i, tag.strip().lower()))
    for _q, _i, tag in sorted(ranked):
        if tag.startswith("zh"):
            return "zh"
        if tag.startswith("en"):
            return "en"
    return "zh"


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    web = request.app.state.web
    lang = lang_of(request)
    words = Words(lang)
    html = env.get_template(template).render(
        t=words,
        lang=lang,
        html_lang="en" if lang == "en" else "zh-CN",
        csrf=web.sessions.csrf_token(request),
        path=request.url.path,
        **context,
    )
    response = HTMLResponse(html, status_code=status, headers=HEADERS)
    web.sessions.keep_seed(request, response)
    return response


def redirect(request: Request, to: str) -> RedirectResponse:
    response = RedirectResponse(to, status_code=303, headers=HEADERS)
    request.app.state.web.sessions.keep_seed(request, response)
    return response
