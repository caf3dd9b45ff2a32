"""Data repairs run at every server start: idempotent, cheap when there is nothing to do.

Photos of incidents without their parent. Before this was fixed, a photo
taken when an incident was reported reached the server before the incident
itself (a client sends a report's photos first) and was stored without the
incident as its parent. A handler sees an incident's photos only through
that link, so they never received it. The repair names the parent, moves the
photo into its incident's area, and writes a feed row, so that whoever sees
the incident now receives the photo at their next sync.
"""

from __future__ import annotations

import json
import logging
import time

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ...domain import hlc as hlc_mod
from ..core.schema import records
from .records import SERVER_WRITER, FeedWriter, load

log = logging.getLogger(__name__)


def _orphan_photos(conn: Connection) -> list[tuple[str, str, str]]:
    """(photo id, owner entity, owner id) of live photos of incidents or events without a parent."""
    rows = conn.execute(
        select(records.c.id, records.c.data).where(
            records.c.entity == "photo",
            records.c.parent_id.is_(None),
            records.c.deleted.is_(False),
            records.c.data.like('%"entity":"incident%'),  # a pre-filter: visit and register photos have no parent
        )
    )
    out = []
    for photo_id, data in rows:
        values = json.loads(data)
        owner, owner_id = values.get("entity"), values.get("entity_id")
        if owner in ("incident", "incident_event") and isinstance(owner_id, str):
            out.append((photo_id, owner, owner_id))
    return out


def repair_photo_parents(conn: Connection) -> int:
    """Give every orphaned incident photo its incident as parent; returns how many were repaired."""
    orphans = _orphan_photos(conn)
    if not orphans:
        return 0
    owners = load(conn, {(owner, owner_id) for _pid, owner, owner_id in orphans})
    events_parents = {k[1]: r.parent_id for k, r in owners.items() if k[0] == "incident_event"}
    incident_ids = {oid if owner == "incident" else events_parents.get(oid) for _p, owner, oid in orphans}
    incidents = load(conn, {("incident", i) for i in incident_ids if i})
    photos = load(conn, {("photo", pid) for pid, _o, _oid in orphans})
    writer = FeedWriter(conn)
    hlc = str(hlc_mod.Hlc(int(time.time() * 1000), 0, SERVER_WRITER))
    repaired = 0
    for photo_id, owner, owner_id in orphans:
        incident_id = owner_id if owner == "incident" else events_parents.get(owner_id)
        incident = incidents.get(("incident", incident_id)) if incident_id else None
        photo = photos.get(("photo", photo_id))
        if incident is None or photo is None:
            continue  # an owner the server never received: nothing to link to yet
        before = writer.before(photo)
        photo.version += 1
        photo.parent_id = incident.id
        if photo.area_id != incident.area_id:
            photo.set_fields({"area_id": incident.area_id}, photo.version, hlc, SERVER_WRITER)
        writer.saved(photo, before)
        repaired += 1
    writer.flush()
    if repaired:
        log.info("gave %d incident photo(s) their incident as parent", repaired)
    return repaired
