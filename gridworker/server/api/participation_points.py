"""Participation API: points, rankings, the points shop and redemptions (docs/participation-api.md)."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone
from typing import Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import Field
from sqlalchemy import select

from ...domain.display import value_text
from ...domain.participation import points as pts
from ...domain.participation import shop, tables
from ..core.auth import User
from ..core.errors import ApiError, not_found
from ..core.schema import records
from ..sync.state import server_state
from .errors import lang_of
from .participation_common import Areas, Body, act, by_owner, get, in_areas, limit, web_user, words
from .participation_misc import router as misc_router

router = APIRouter()
router.include_router(misc_router)
def RecordId():  # noqa: N802  (one Path per parameter: FastAPI binds a shared one to its first name)
    return Path(pattern=r"^[0-9a-fA-F-]{36}$", description="the record's id (a UUID)")
def _member_only(user: User) -> None:
    if user.role != "member":
        raise ApiError(403, "role_not_allowed", "只有党员有积分", "Only members have points")


def _entries(conn, member_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(select(records.c.id, records.c.data).where(records.c.parent_id == member_id, records.c.entity == "ledger_entry"))
    return [json.loads(r.data) | {"id": r.id} for r in rows]


@router.get("/points")
def my_points(request: Request, user: User = Depends(web_user)) -> dict[str, Any]:
    _member_only(user)
    lang = lang_of(request)
    rules = tables.rule_items()
    with server_state(request).db.engine.connect() as conn:
        entries = _entries(conn, user.id)
    entries.sort(key=lambda d: d.get("at") or "", reverse=True)
    out = [
        {"id": d["id"], "points": d.get("points"), "source_kind": d.get("source_kind"),
         "source_name": value_text("ledger_entry", "source_kind", d.get("source_kind"), lang), "rule_item": d.get("rule_item"),
         "rule_name": rules[d["rule_item"]].label(lang) if d.get("rule_item") in rules else None, "at": d.get("at"),
         "note": d.get("note")}
        for d in entries
    ]  # fmt: skip
    return {"balance": sum(d.get("points") or 0 for d in entries), "entries": out}


SET_BY = {True: ("细则点名的方面；分值由社区确定", "area named in the seed rules; points set by the community"),
          False: ("分值由社区确定", "points set by the community")}  # fmt: skip


@router.get("/rules")
def point_rules(request: Request, user: User = Depends(web_user)) -> dict[str, Any]:
    """The points rules in force, by area, with the points community staff set (docs/participation-api.md)."""
    lang = lang_of(request)
    with server_state(request).db.engine.connect() as conn:
        rows = [json.loads(r.data) for r in conn.execute(
            select(records.c.data).where(records.c.entity == "point_rule", records.c.deleted.is_(False)))]  # fmt: skip
    if not rows:  # none imported: the shipped table
        rows = [{"code": i.code, "name": i.name, "name_en": i.name_en, "area_code": a.code, "area_name": a.name,
                 "area_name_en": a.name_en, "points": i.points, "from_seed": a.from_seed}
                for a in tables.rule_areas() for i in a.items]  # fmt: skip
    areas: dict[str, dict[str, Any]] = {}
    for d in sorted(rows, key=lambda d: d.get("code") or ""):
        area = areas.setdefault(d.get("area_code") or "", {
            "code": d.get("area_code"), "name": d.get("area_name_en") if lang == "en" and d.get("area_name_en") else d.get("area_name"),
            "items": []})  # fmt: skip
        area["items"].append({"code": d["code"], "name": d.get("name_en") if lang == "en" and d.get("name_en") else d.get("name"),
                              "points": d.get("points"), "from_seed": bool(d.get("from_seed")),
                              "set_by": words(SET_BY[bool(d.get("from_seed"))], lang)})  # fmt: skip
    flat = [item | {"area_name": area["name"]} for area in areas.values() for item in area["items"]]
    return {"areas": list(areas.values()), "items": flat}


@router.get("/rankings")
def rankings(
    request: Request,
    by: Literal["community", "grid", "team"] = Query(default="community"),
    period: Literal["all", "year", "month"] = Query(default="year"),
    user: User = Depends(web_user),
) -> dict[str, Any]:
    _member_only(user)
    with server_state(request).db.engine.connect() as conn:
        areas = Areas(conn)
        me = get(conn, "member", user.id)
        group = _group(me, areas, by) if me is not None and me.data.get("status") == "approved" else None
        if group is None:  # not approved yet, or in no team: nobody to rank with
            return {"rows": []}
        members = [m for m in in_areas(conn, "member", areas.below(areas.community_of(me.area_id)))
                   if m.data.get("status") == "approved" and _group(m, areas, by) == group]  # fmt: skip
        ledger = [pts.Entry(d["id"], d["member_id"], d["points"], d["source_kind"], datetime.fromisoformat(d["at"]),
                            source_id=d.get("source_id"), reverses=d.get("reverses"))
                  for m in members for d in _entries(conn, m.id)]  # fmt: skip
    ledger.sort(key=lambda e: e.at)
    earned: dict[str, int] = {m.id: 0 for m in members}
    start = _period_start(period)
    for e in ledger:
        if e.source_kind != pts.REDEMPTION and (start is None or e.at >= start):
            earned[e.member_id] = earned.get(e.member_id, 0) + e.points
    names = {m.id: m.data.get("name") for m in members}
    return {"rows": [{"rank": r.rank, "name": names.get(r.key), "points": r.points, "me": r.key == user.id} for r in pts.rank(earned)]}


def _group(member, areas: Areas, by: str) -> str | None:
    if by == "team":
        return member.data.get("team")
    return member.area_id if by == "grid" else areas.community_of(member.area_id)


def _period_start(period: str) -> datetime | None:
    now = datetime.now(timezone.utc)
    if period == "year":
        return datetime(now.year, 1, 1, tzinfo=timezone.utc)
    if period == "month":
        return datetime(now.year, now.month, 1, tzinfo=timezone.utc)
    return None


# -- the shop ---------------------------------------------------------------------------------------------
class RedeemIn(Body):
    item_id: str = Field(min_length=36, max_length=36)
    qty: int = Field(default=1, ge=1, le=shop.MAX_QTY)


class CancelIn(Body):
    reason: str | None = Field(default=None, max_length=200, pattern=r"^[^\x00-\x1f\x7f]*$")


def _items(conn, user: User) -> list:
    areas = Areas(conn)
    me = get(conn, "member", user.id)
    if me is None:
        return []
    return [i for i in in_areas(conn, "shop_item", areas.up_from(me.area_id)) if i.data.get("active", True)]


def _item_out(rec) -> dict[str, Any]:
    d = rec.data
    return {"id": rec.id, "name": d.get("name"), "description": d.get("description"), "price": d.get("price"), "stock": d.get("stock") or 0}


def _redemption_out(rec, names: dict[str, str], lang: str) -> dict[str, Any]:
    d = rec.data
    return {"id": rec.id, "item_id": d.get("item_id"), "item_name": names.get(d.get("item_id")), "qty": d.get("qty"),
            "points": d.get("points"), "status": d.get("status"), "status_name": words(shop.STATUS_LABELS.get(d.get("status")), lang),
            "requested_at": d.get("requested_at"), "closed_at": d.get("closed_at"), "reason": d.get("reason")}  # fmt: skip


@router.get("/shop")
def shop_items(request: Request, user: User = Depends(web_user)) -> dict[str, Any]:
    _member_only(user)
    with server_state(request).db.engine.connect() as conn:
        items = _items(conn, user)
        balance = sum(d.get("points") or 0 for d in _entries(conn, user.id))
    return {"balance": balance, "items": [_item_out(i) for i in items]}


@router.post("/shop/redeem", status_code=201, responses={404: {}, 409: {}, 429: {}})
def redeem(body: RedeemIn, request: Request, user: User = Depends(web_user)) -> dict[str, Any]:
    _member_only(user)
    limit(request, user, "redeem")
    with server_state(request).db.engine.connect() as conn:
        if body.item_id not in {i.id for i in _items(conn, user)}:
            raise not_found("商品", "item")
    rid = str(uuid.uuid4())
    act(request, user, [("redemption", rid, {"member_id": user.id, "item_id": body.item_id, "qty": body.qty})])
    return _after_redemption(request, user, rid)


def _after_redemption(request: Request, user: User, rid: str) -> dict[str, Any]:
    with server_state(request).db.engine.connect() as conn:
        rec = get(conn, "redemption", rid)
        item = get(conn, "shop_item", rec.data["item_id"])
        balance = sum(d.get("points") or 0 for d in _entries(conn, user.id))
    return {"redemption": _redemption_out(rec, {item.id: item.data.get("name")} if item else {}, lang_of(request)), "balance": balance}


@router.get("/redemptions")
def my_redemptions(request: Request, user: User = Depends(web_user)) -> dict[str, Any]:
    _member_only(user)
    with server_state(request).db.engine.connect() as conn:
        recs = by_owner(conn, "redemption", user.id)
        names = {}
        for r in recs:
            item = get(conn, "shop_item", r.data.get("item_id"))
            names[r.data.get("item_id")] = item.data.get("name") if item else None
    return {"redemptions": [_redemption_out(r, names, lang_of(request)) for r in recs]}


@router.post("/redemptions/{redemption_id}/cancel", responses={404: {}, 409: {}})
def cancel_redemption(body: CancelIn, request: Request, redemption_id: str = RecordId(), user: User = Depends(web_user)) -> dict[str, Any]:
    _member_only(user)
    limit(request, user, "redeem")
    with server_state(request).db.engine.connect() as conn:
        rec = get(conn, "redemption", redemption_id)
    if rec is None or rec.data.get("member_id") != user.id:
        raise not_found("兑换单", "redemption")
    fields = {"status": shop.CANCELLED} | ({"reason": body.reason} if body.reason else {})
    act(request, user, [("redemption", redemption_id, fields)])
    return _after_redemption(request, user, redemption_id)
