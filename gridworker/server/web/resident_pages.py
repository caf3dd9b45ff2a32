"""A resident's pages: verification, 随手拍, what they sent (status and timeline), rating."""

from __future__ import annotations

import json
import uuid

from fastapi import APIRouter, Request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from starlette.datastructures import UploadFile

from ...domain.categories import CategoryTable, table_with_records
from ...domain import validation
from ...domain.errors import ValidationError
from ..core.schema import records
from . import limits, reports
from .auth_pages import bad_form, form_of
from .render import lang_of, page, redirect
from .residents import Resident, WebError, verify, verify_locked_for
from .site import address, current_resident, gw, refusal
from .uploads import MAX_PHOTO_BYTES, MAX_PHOTOS, check_room, keep, limit_text, read_photo
from .words import Words

router = APIRouter(prefix="/h5", include_in_schema=False)


def _signed_in(request: Request) -> Resident | None:
    return current_resident(request)


def _to_sign_in(request: Request, expired: bool = False):
    return redirect(request, "/h5/sign-in?next=" + request.url.path + ("&expired=1" if expired else ""))


def _frame(res: Resident) -> dict:
    return {"user": res.user, "community_name": res.community.name}


# -- verification ----------------------------------------------------------------------------------------
@router.get("/verify")
def verify_page(request: Request):
    res = _signed_in(request)
    if res is None:
        return _to_sign_in(request)
    if res.verified:
        return redirect(request, "/h5/")
    web = gw(request).settings.web
    with gw(request).db.plain() as conn:
        minutes = verify_locked_for(conn, res.user.id, web.verify_tries, web.verify_lock_s)
    error = Words(lang_of(request))("verify_locked", minutes=minutes) if minutes else None
    return page(request, "verify.html", form={}, locked=bool(minutes), error=error, **_frame(res))


@router.post("/verify")
async def verify_post(request: Request):
    fields = await form_of(request)
    if fields is None:
        return bad_form(request)
    res = _signed_in(request)
    if res is None:
        return _to_sign_in(request, expired=True)
    state = gw(request)
    try:
        with state.db.plain() as conn:
            limits.hit(conn, "verify", res.user.id, address(request))
        web = state.settings.web
        verify(state.db, res.user.id, res.community.id, fields.get("name", ""), fields.get("id_number", "")[:40],
               web.verify_tries, web.verify_lock_s)  # fmt: skip
    except WebError as err:
        if err.key == "verify_failed" and not err.values.get("left"):
            err = WebError("verify_locked", status=429, minutes=max(1, state.settings.web.verify_lock_s // 60))
        return refusal(request, err, "verify.html", form={"name": fields.get("name", "")[:30]}, locked=err.key == "verify_locked", **_frame(res))
    return page(request, "message.html", notice=Words(lang_of(request))("verify_done"), **_frame(res))


# -- 随手拍 ---------------------------------------------------------------------------------------------------
def _categories(request: Request, lang: str) -> tuple[CategoryTable, list[dict]]:
    with gw(request).db.engine.connect() as conn:
        rows = conn.execute(select(records.c.data).where(records.c.entity == "category", records.c.deleted.is_(False)))
        table = table_with_records(CategoryTable([]), [json.loads(r[0]) for r in rows])
    groups = []
    for root in table.roots():
        children = []
        for c in table.children(root.code):
            keys = " ".join([c.name, c.name_en.lower(), *c.keywords, *(p for pair in c._pinyin for p in pair)])
            children.append({"code": c.code, "name": c.label(lang), "search": keys.lower()})
        if children:
            groups.append({"name": root.label(lang), "children": children})
    return table, groups


def _snap_page(request: Request, res: Resident, form: dict, status: int = 200, error: str | None = None):
    lang = lang_of(request)
    _table, groups = _categories(request, lang)
    return page(request, "snap.html", status=status, error=error, form=form, form_id=form.get("form_id") or str(uuid.uuid4()),
                categories=groups, photo_limit=MAX_PHOTO_BYTES, photo_limit_text=limit_text(), **_frame(res))  # fmt: skip


@router.get("/snap")
def snap_page(request: Request):
    res = _signed_in(request)
    if res is None:
        return _to_sign_in(request)
    if not res.verified:
        return refusal(request, WebError("need_verified", status=403), back="/h5/verify", **_frame(res))
    return _snap_page(request, res, {})


def _clean_report(fields: dict[str, str], table: CategoryTable) -> reports.Report:
    try:
        form_id = str(uuid.UUID(fields.get("form_id", "")))
    except ValueError:
        raise WebError("bad_form", status=403) from None
    category = table.get(fields.get("category", ""))
    if category is None or category.parent_code is None:
        raise WebError("bad_category", "category")
    try:
        description = validation.text("description", fields.get("description"), required=True, max_len=500)
        address_text = validation.text("location_text", fields.get("address"), max_len=200)
    except ValidationError as e:
        raise WebError("bad_description" if e.field == "description" else "need_place", e.field) from None
    lat, lon = _coordinate(fields.get("lat"), -90, 90), _coordinate(fields.get("lon"), -180, 180)
    if (lat is None or lon is None) and not address_text:
        raise WebError("need_place", "address")
    title = description.splitlines()[0][:30]
    return reports.Report(form_id, category.code, title, description, lat, lon, address_text, [])


def _coordinate(raw: str | None, low: float, high: float) -> float | None:
    try:
        value = float(raw) if raw else None
    except ValueError:
        return None
    return value if value is not None and low <= value <= high else None


@router.post("/snap")
async def snap_post(request: Request):
    fields = await form_of(request)
    if fields is None:
        return bad_form(request)
    res = _signed_in(request)
    if res is None:  # expired mid-form: the browser kept the text (app.js); sign in and come back
        return _to_sign_in(request, expired=True)
    if not res.verified:
        return refusal(request, WebError("need_verified", status=403), back="/h5/verify", **_frame(res))
    lang = lang_of(request)
    table, _groups = _categories(request, lang)
    form = {k: fields.get(k, "")[:500] for k in ("form_id", "category", "description", "lat", "lon", "address")}
    state = gw(request)
    try:
        report = _clean_report(fields, table)
        files = [f for f in (await request.form()).getlist("photo") if isinstance(f, UploadFile) and f.filename]
        if len(files) > MAX_PHOTOS:
            raise WebError("too_many_photos", "photo")
        uploads = [read_photo(await f.read(MAX_PHOTO_BYTES + 1), f.filename or "", resized=fields.get("resized") == "1") for f in files]
        category = table.get(report.category)
        if category.photo_required and not uploads:
            raise WebError("photo_required", "photo")
        check_room(state.blobs, state.settings.blob_policy.min_free_bytes, uploads)
        with state.db.plain() as conn:
            limits.hit(conn, "snap", res.user.id, address(request))
        with state.db.write() as conn:
            for u in uploads:
                keep(conn, state.blobs, res.user.id, u)
            reports.send(conn, res, state.calendars, reports.Report(**{**report.__dict__, "photos": uploads}), lang)
    except WebError as err:
        words = Words(lang)
        return _snap_page(request, res, form, err.status, words.get(err.key, **err.values))
    except IntegrityError:
        pass  # the same form sent twice at once: the first one's push made the report
    return redirect(request, "/h5/mine?sent=1")


# -- what I sent -------------------------------------------------------------------------------------------
@router.get("/mine")
def mine_page(request: Request, sent: int = 0):
    res = _signed_in(request)
    if res is None:
        return _to_sign_in(request)
    with gw(request).db.engine.connect() as conn:
        items = reports.mine(conn, res, lang_of(request))
    return page(request, "mine.html", items=items, sent=bool(sent), **_frame(res))


@router.get("/mine/{incident_id}")
def report_page(request: Request, incident_id: str):
    res = _signed_in(request)
    if res is None:
        return _to_sign_in(request)
    with gw(request).db.engine.connect() as conn:
        item = reports.detail(conn, res, incident_id[:40], lang_of(request))
    if item is None:
        return refusal(request, WebError("not_found", status=404), back="/h5/mine", **_frame(res))
    return page(request, "report.html", item=item, **_frame(res))


@router.post("/mine/{incident_id}/rate")
async def rate_post(request: Request, incident_id: str):
    fields = await form_of(request)
    if fields is None:
        return bad_form(request)
    res = _signed_in(request)
    if res is None:
        return _to_sign_in(request, expired=True)
    lang = lang_of(request)
    rating = fields.get("rating", "")
    state = gw(request)
    try:
        if rating not in ("1", "2", "3", "4", "5"):
            raise WebError("bad_rating", "rating")
        comment = validation.text("note", fields.get("comment"), max_len=300) if fields.get("comment") else None
        with state.db.plain() as conn:
            limits.hit(conn, "rate", res.user.id, address(request))
        with state.db.write() as conn:
            reports.rate(conn, res, state.calendars, incident_id[:40], int(rating), comment, lang)
    except ValidationError:
        return refusal(request, WebError("bad_rating", "comment"), back=f"/h5/mine/{incident_id[:40]}", **_frame(res))
    except WebError as err:
        return refusal(request, err, back=f"/h5/mine/{incident_id[:40]}", **_frame(res))
    return redirect(request, f"/h5/mine/{incident_id[:40]}")
