"""Who may read a blob: whoever can see a live photo record with that hash, or uploaded it.

Used for downloads and for creating photo records: a photo record may only
name a stored blob its author could already read, or anyone could read any
photo by pushing a record with its hash.
"""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ..core.schema import blob_uploaders, blobs, records
from .pull import incident_owners, visible
from .scope import HANDLER, Scope


def readable_photo(conn: Connection, scope: Scope, user_id: str, sha: str) -> tuple[bool, dict | None]:
    """(may this user read the blob, the data of a photo record through which they see it)."""
    rows = conn.execute(
        select(records.c.entity, records.c.id, records.c.area_id, records.c.assignee_id, records.c.parent_id, records.c.data)
        .where(records.c.sha256 == sha, records.c.entity == "photo", records.c.deleted.is_(False))
        .limit(50)
    ).all()
    owners = incident_owners(conn, {r.parent_id for r in rows if r.parent_id}) if scope.kind == HANDLER else {}
    for row in rows:
        if visible(scope, row, owners):
            return True, json.loads(row.data)
    uploaded = conn.execute(
        select(blob_uploaders.c.user_id).where(blob_uploaders.c.sha256 == sha, blob_uploaders.c.user_id == user_id)
    ).first()
    return uploaded is not None, None


def may_claim(conn: Connection, scope: Scope, user_id: str, sha: str) -> bool:
    """Whether a new photo record of this user may name this hash."""
    stored = conn.execute(select(blobs.c.sha256).where(blobs.c.sha256 == sha)).first()
    if stored is None:
        return True  # not on the server yet: its author uploads it next
    return readable_photo(conn, scope, user_id, sha)[0]
