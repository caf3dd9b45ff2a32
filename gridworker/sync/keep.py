"""What an eviction must not take: this computer's own work that the server has not taken, and what describes it.

A record leaves this device when it leaves the user's scope (the feed's
evict, an area taken away), except:

- a record with an unsent edit (it stays until the edit is answered);
- a record the server refused (made here, refused before the server ever had
  it: it exists here only and is shown refused where it was made);
- a record with a refused edit the user has not yet dismissed from the sync
  page (the page names it by what it is);
- the records those name (a visit's household and building, an incident's
  household…): the screens and the refused list describe the work by them;
- a walk-round with a stop at a household such work names: the visits were
  made on it, and show there as refused.

Records kept only for this are held (sync_evicted) and go once nothing needs
them any more (`pull.drop_held` after each push).
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlmodel import Session

from ..domain import wire
from ..store import bulk, outbox


def needed(s: Session) -> set[str]:
    """Ids of every record this device must keep through an eviction (ids are unique across entities)."""
    bulk.flush(s)  # rows held by this transaction's own edits (store/bulk.py) must be in what the SQL reads
    rows = s.connection().exec_driver_sql(
        "SELECT entity, record_id, fields FROM outbox WHERE state = 'pending' OR (state = 'rejected' AND "
        "(base_version IS NULL OR json_extract(result, '$.dismissed_at') IS NULL))"
    )
    rows = rows.all()
    ids: set[str] = set()
    for (entity, record_id, _stored), fields in zip(rows, outbox.fields_of(s.connection(), rows)):
        ids.add(record_id)
        ids |= _named(entity, fields)
    if ids:
        ids |= _walkrounds_through(s, ids)
    return ids


def kept(s: Session, ids: Iterable[str]) -> set[str]:
    """Those of `ids` an eviction must not take."""
    ids = set(ids)
    return ids & needed(s) if ids else set()


def _named(entity: str, fields: dict) -> set[str]:
    spec = wire.ENTITIES.get(entity)
    if spec is None or not isinstance(fields, dict):
        return set()
    out: set[str] = set()
    for name, value in fields.items():
        kind = spec.fields.get(name)
        if kind == wire.ID and isinstance(value, str):
            out.add(value)
        elif kind == wire.ID_LIST and isinstance(value, list):
            out |= {v for v in value if isinstance(v, str)}
    return out


def _walkrounds_through(s: Session, ids: set[str]) -> set[str]:
    rows = s.connection().exec_driver_sql(
        "SELECT DISTINCT w.id FROM walkround AS w, json_each(w.household_ids) AS stop "
        "WHERE stop.value IN (SELECT value FROM json_each(?))",
        (json.dumps(sorted(ids)),),
    )
    return {r[0] for r in rows}
