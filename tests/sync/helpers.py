"""Small helpers shared by the sync tests."""

from __future__ import annotations

from sqlmodel import select

from gridworker.domain.models import Area, Household
from gridworker.services import register
from gridworker.sync.mapping import ENTITY_MAPS
from gridworker.sync.tables import SyncConflict


def area_ids(client) -> dict[str, str]:
    with client.store.read() as s:
        return {a.code: a.id for a in s.exec(select(Area)) if a.version > 0}


def new_household(client, code: str = "G1", room: str = "101"):
    """A building and a household in the server's area `code` (the client has synced once)."""
    area = area_ids(client)[code]
    b = register.register_building(client.store, {"name": f"{room}号楼", "estate": "测试小区", "area_id": area})
    hh = register.register_household(client.store, {"building_id": b.id, "unit": "1", "room": room})
    return b, hh


def household(client, hh_id: str) -> Household | None:
    with client.store.read() as s:
        return s.get(Household, hh_id)


def synced_values(client, entity: str, record_id: str) -> dict | None:
    """The wire fields of a local record (what both sides must agree on)."""
    emap = ENTITY_MAPS[entity]
    with client.store.read() as s:
        obj = s.get(emap.model, record_id)
        if obj is None:
            return None
        return {k: getattr(obj, k) for k in emap.columns} | {"deleted": obj.deleted}


def open_conflicts(client) -> list[SyncConflict]:
    with client.store.read() as s:
        return list(s.exec(select(SyncConflict).where(SyncConflict.resolution == None)))  # noqa: E711


def local_ids(client, entity: str) -> set[str]:
    emap = ENTITY_MAPS[entity]
    with client.store.read() as s:
        return set(s.connection().execute(select(emap.table.c.id)).scalars())
