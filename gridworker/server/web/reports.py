"""A resident's 随手拍: the incident it becomes, its timeline, and the resident's rating.

A report goes in as a push of the resident's own (sync.push.apply_push):
the photos, the incident with source `resident` in the area of the person
the resident was verified as, and its `report` event — checked by the same
rules as a grid worker's push, in one transaction, so it reaches the
desktop's incident board with the next sync. Every id is derived from the
form's id, so a form sent twice (a double tap, a retry after a timeout)
replays the first push and makes one incident.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ...domain import hlc as hlc_mod
from ...domain.enums import Action, Status
from ..core.schema import records
from ..sync.incidents import CalendarCache
from ..sync.push import Mutation, PushRun, apply_push
from ..sync.records import load_children
from ..sync.scope import AREAS, Scope
from .residents import Resident, WebError
from .uploads import Upload

WEB_DEVICE = "web"
SOURCE = "resident"
# Events whose note is the community's answer to the resident; other notes are the staff's own.
NOTES_SHOWN = frozenset({Action.handle.value, Action.close.value, Action.reject.value, Action.rate.value})


@dataclass(frozen=True)
class Report:
    form_id: str
    category: str
    title: str
    description: str
    lat: float | None
    lon: float | None
    address: str | None
    photos: list[Upload]


def _id(form_id: str, what: str) -> str:
    return str(uuid.uuid5(uuid.UUID(form_id), what))


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


def _push(conn: Connection, res: Resident, calendars: CalendarCache, batch: list[Mutation], lang: str) -> list[dict]:
    scope = Scope(0, res.user.id, AREAS, frozenset({res.area_id}))
    run = PushRun(conn, res.user, scope, WEB_DEVICE, calendars, lang)
    return apply_push(run, batch)


def _mutation(form_id: str, entity: str, record_id: str, fields: dict[str, Any], hlc: str) -> Mutation:
    return Mutation(_id(form_id, "m:" + record_id), entity, record_id, "upsert", None, fields, hlc)


def send(conn: Connection, res: Resident, calendars: CalendarCache, report: Report, lang: str) -> str:
    """The incident's id; WebError when the server's rules refuse it (nothing is kept then)."""
    incident_id = report.form_id
    hlc = str(hlc_mod.Hlc(int(datetime.now(timezone.utc).timestamp() * 1000), 0, WEB_DEVICE))
    at = _now()
    batch = []
    photo_ids = []
    for n, p in enumerate(report.photos):
        photo_id = _id(report.form_id, f"photo:{n}")
        photo_ids.append(photo_id)
        fields = {
            "area_id": res.area_id, "sha256": p.sha256, "entity": "incident", "entity_id": incident_id,
            "taken_at": p.taken_at.isoformat() if p.taken_at else None, "lat": p.lat, "lon": p.lon,
            "width": p.width, "height": p.height, "bytes": len(p.data), "mime": "image/jpeg",
        }  # fmt: skip
        batch.append(_mutation(report.form_id, "photo", photo_id, fields, hlc))
    located = next(((p.lat, p.lon) for p in report.photos if p.lat is not None), (None, None))
    lat, lon = (report.lat, report.lon) if report.lat is not None else located
    incident = {
        "area_id": res.area_id, "title": report.title, "description": report.description, "category": report.category,
        "lat": lat, "lon": lon, "location_text": report.address, "reported_at": at, "reporter_id": res.user.id,
        "source": SOURCE, "photo_ids": photo_ids,
    }  # fmt: skip
    batch.append(_mutation(report.form_id, "incident", incident_id, incident, hlc))
    event = {"area_id": res.area_id, "incident_id": incident_id, "action": Action.report.value, "actor_id": res.user.id, "at": at}
    batch.append(_mutation(report.form_id, "incident_event", _id(report.form_id, "report"), event, hlc))
    results = _push(conn, res, calendars, batch, lang)
    refused = [r for r in results if r["status"] == "rejected"]
    if refused:
        raise _refusal(refused[0], lang)
    return incident_id


def _refusal(result: dict, lang: str) -> WebError:
    err = result.get("error") or {}
    return WebError("refused", status=422, message=err.get("message_en" if lang == "en" else "message_zh") or "")


def rate(conn: Connection, res: Resident, calendars: CalendarCache, incident_id: str, rating: int, comment: str | None, lang: str) -> None:
    item = _own_incident(conn, res, incident_id)
    if item is None:
        raise WebError("not_found", status=404)
    hlc = str(hlc_mod.Hlc(int(datetime.now(timezone.utc).timestamp() * 1000), 0, WEB_DEVICE))
    stamp = uuid.uuid4().hex  # a rating is taken once (the rules refuse a second): a fresh id each time is safe
    event_id = _id(incident_id, "rate:" + stamp)
    fields = {
        "area_id": item["area_id"], "incident_id": incident_id, "action": Action.rate.value, "actor_id": res.user.id,
        "at": _now(), "rating": rating, "note": comment,
    }  # fmt: skip
    results = _push(conn, Resident(res.user, res.community, res.person_id, item["area_id"], res.verified), calendars,
                    [_mutation(incident_id, "incident_event", event_id, fields, hlc)], lang)  # fmt: skip
    if results[0]["status"] == "rejected":
        raise _refusal(results[0], lang)


def _own_incident(conn: Connection, res: Resident, incident_id: str) -> dict | None:
    try:
        uuid.UUID(incident_id)
    except ValueError:
        return None
    row = conn.execute(
        select(records.c.data).where(records.c.entity == "incident", records.c.id == incident_id, records.c.deleted.is_(False))
    ).first()
    if row is None:
        return None
    data = json.loads(row.data)
    return data if data.get("reporter_id") == res.user.id else None


# -- what the resident sees --------------------------------------------------------------------------
def shown_time(text: str | None, lang: str) -> str:
    """A wire time as the phone shows it: local (China) date and minute, no ISO 'T' or offset."""
    if not text:
        return ""
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return ""
    from zoneinfo import ZoneInfo

    local = when.astimezone(ZoneInfo("Asia/Shanghai"))
    return local.strftime("%Y-%m-%d %H:%M")


def _status(value: str | None, lang: str) -> str:
    try:
        return Status(value or "reported").label(lang)
    except ValueError:
        return Status.reported.label(lang)


def mine(conn: Connection, res: Resident, lang: str) -> list[dict]:
    """The resident's reports, newest first."""
    rows = conn.execute(
        select(records.c.id, records.c.data).where(
            records.c.entity == "incident", records.c.deleted.is_(False), records.c.data.contains(res.user.id)
        )
    )
    items = []
    for rid, data in rows:
        d = json.loads(data)
        if d.get("reporter_id") == res.user.id:
            items.append({"id": rid, "title": d.get("title") or "", "status": _status(d.get("status"), lang),
                          "when": shown_time(d.get("reported_at"), lang), "at": d.get("reported_at") or ""})  # fmt: skip
    return sorted(items, key=lambda i: i["at"], reverse=True)


def detail(conn: Connection, res: Resident, incident_id: str, lang: str) -> dict | None:
    d = _own_incident(conn, res, incident_id)
    if d is None:
        return None
    steps = []
    for ev in load_children(conn, incident_id):
        if ev.entity != "incident_event":
            continue
        action = ev.data.get("action")
        try:
            what = Action(action).label(lang)
        except ValueError:
            continue
        note = ev.data.get("note") if action in NOTES_SHOWN else None
        steps.append({"what": what, "when": shown_time(ev.data.get("at"), lang), "note": note})
    status = d.get("status") or "reported"
    return {
        "id": incident_id, "title": d.get("title") or "", "description": d.get("description") or "",
        "status": _status(status, lang), "when": shown_time(d.get("reported_at"), lang), "timeline": steps,
        "rating": d.get("rating"), "may_rate": status == Status.closed.value and d.get("rating") is None,
    }  # fmt: skip
