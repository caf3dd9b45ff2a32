"""The pages on the participation API (issue 16, docs/participation-api.md): residents' 我要点单, 微心愿, 意见箱
and notices; members' 报到, E动态, 接单, 微心愿 to claim, points and rankings, and the shop.

Each page is rendered here with its words; its script (static/part.js) reads and writes through
/api/v1/p with the same session cookie, so every rule, limit and refusal is the API's own.
"""

from __future__ import annotations

from datetime import datetime, timezone

from fastapi import APIRouter, Request

from ...domain.fieldwork import local_day
from ...domain.participation import evaluation as year_end
from ...domain.participation import tables
from .render import lang_of, page, redirect
from .residents import WebError, communities
from .site import community_of, current_user, gw, refusal
from .words import Words

router = APIRouter(prefix="/h5", include_in_schema=False)

# page → (heading word, roles that may open it)
PAGES = {
    "notices": ("notices", {"resident", "member"}),
    "opinions": ("opinions", {"resident", "member"}),
    "orders": ("orders", {"resident", "member"}),
    "activities": ("activities", {"member"}),
    "points": ("points", {"member"}),
    "shop": ("shop", {"member"}),
    "checkin": ("checkin", {"member"}),
    "wishes": ("wishes", {"resident", "member"}),
}
# a member's heading where it is not the residents' (the member's home tile says 接单: they take the orders)
MEMBER_HEADINGS = {"orders": "tasks"}


def _open(request: Request, name: str, **context):
    user = current_user(request)
    if user is None:
        return redirect(request, f"/h5/sign-in?next=/h5/{name}")
    heading, roles = PAGES[name]
    words = Words(lang_of(request))
    if user.role not in roles:
        return refusal(request, WebError("not_for_role", status=403), user=user)
    if user.role == "member":
        heading = MEMBER_HEADINGS.get(name, heading)
    community = community_of(request)
    return page(request, f"{name}.html", user=user, heading=words(heading), community_name=community.name if community else None,
                **context)  # fmt: skip


@router.get("/notices")
def notices(request: Request):
    return _open(request, "notices")


@router.get("/opinions")
def opinions(request: Request):
    return _open(request, "opinions")


@router.get("/orders")
def orders(request: Request):
    return _open(request, "orders")


@router.get("/activities")
def activities(request: Request):
    return _open(request, "activities")


@router.get("/points")
def points(request: Request):
    """My points, the ranking, and the year-end self-assessment (for the years still open to it)."""
    today = local_day(datetime.now(timezone.utc))
    return _open(request, "points", evaluation_years=sorted(year_end.years_open(today), reverse=True))


@router.get("/shop")
def shop(request: Request):
    return _open(request, "shop")


@router.get("/wishes")
def wishes(request: Request):
    return _open(request, "wishes")


@router.get("/checkin")
def checkin(request: Request):
    lang = lang_of(request)
    community = community_of(request)
    if community is None:
        with gw(request).db.engine.connect() as conn:
            found = communities(conn)
        community = found[0] if len(found) == 1 else None
    named = lambda table: [{"code": n.code, "name": n.label(lang)} for n in table.values()]  # noqa: E731
    return _open(request, "checkin", community_id=community.id if community else "", skills=named(tables.skills()),
                 posts=named(tables.posts()))  # fmt: skip
