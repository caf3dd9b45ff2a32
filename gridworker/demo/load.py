"""Loading a generated demo community (gridworker.demo.data) into a local store.

The default path is a bulk load: SQLAlchemy Core inserts of the generated rows
in one write transaction, then one rebuild of the search index. It writes no
outbox rows, on purpose: a demo is a fixture to look at, not edits to push to a
server. `queue_outbox=True` instead goes through the register services, record
by record, so every building, household and person is validated and queued
like a user's edit (slow: meant for small demos that exercise sync). The
services make their own ids then, so the records do not keep the demo's ids.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import and_, func, insert, or_, select
from sqlmodel import Session

from ..domain.errors import Refused
from ..domain.models import Area, Building, Household, Membership, Person
from ..domain.names import pinyin_of
from ..services import register
from ..services.base import transaction
from ..services.changes import Changes, publish
from ..store import search
from ..store.database import Store
from .data import DemoCommunity
from .places_data import DemoPlaces

Progress = Callable[[int, int], None]
CHUNK = 5000
BULK_CACHE_KIB = 256 * 1024
_PERSON_FIELDS = ("name", "gender", "id_number", "birth_date", "phone", "relation", "residence", "tags", "skills")
_TABLES = {"area": Area, "building": Building, "household": Household, "person": Person, "membership": Membership}


def register_counts(s: Session) -> dict[str, int]:
    """Live buildings, households and people: what a demo must not be mixed into by accident."""
    return {
        entity: s.scalar(select(func.count()).select_from(model).where(model.deleted == False))  # noqa: E712
        for entity, model in (("building", Building), ("household", Household), ("person", Person))
    }


def load_demo(store: Store, demo: DemoCommunity, *, queue_outbox: bool = False, progress: Progress | None = None) -> None:
    """Write the demo into `store` in one transaction (all of it or nothing), and publish what changed."""
    if queue_outbox:
        _load_through_services(store, demo, progress)
        return
    records = demo.records()
    total, done = demo.count(), 0
    with store.write() as s, _big_cache(s):
        _refuse_if_loaded(s, demo)
        for entity, rows in records.items():
            table = _TABLES[entity].__table__
            for start in range(0, len(rows), CHUNK):
                chunk = rows[start : start + CHUNK]
                if entity == "person":
                    chunk = [_with_pinyin(row) for row in chunk]
                s.execute(insert(table), chunk)
                done += len(chunk)
                if progress:
                    progress(done, total)
        search.rebuild(s)
    publish(Changes(ids={entity: {row["id"] for row in rows} for entity, rows in records.items()}, initiator="demo"))


@contextmanager
def _big_cache(s: Session) -> Iterator[None]:
    """A large page cache for the one connection doing the load: the search index
    rebuild touches the same pages many times, and every page SQLCipher has to
    re-read is decrypted again (the rebuild takes ~40 % less CPU at 50,000 people)."""
    conn = s.connection()
    previous = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(previous)}")


def _with_pinyin(row: dict[str, Any]) -> dict[str, Any]:
    full, initials = pinyin_of(row["name"])
    return row | {"pinyin": full, "initials": initials}


def _refuse_if_loaded(s: Session, demo: DemoCommunity) -> None:
    """The same seed gives the same ids: loading it twice would collide, so say so plainly."""
    first = demo.areas[0]["id"] if demo.areas else None
    if first and s.get(Area, first) is not None:
        raise Refused(
            f"种子为{demo.seed}的演示数据已经载入过，请换一个种子（--seed）",
            f"The demo data of seed {demo.seed} is already loaded: choose another seed (--seed)",
            code="demo_loaded",
        )


def _load_through_services(store: Store, demo: DemoCommunity, progress: Progress | None) -> None:
    total, done = demo.count(), 0
    new_id: dict[str, str] = {}  # demo id → the id the service gave the record
    moved_in = {m["person_id"]: m["moved_in"] for m in demo.memberships}

    def step(n: int = 1) -> None:
        nonlocal done
        done += n
        if progress and (done % 100 < n or done == total):
            progress(done, total)

    with transaction(store, initiator="demo") as tx:
        _refuse_if_loaded(tx.s, demo)
        for a in demo.areas:
            parent = new_id[a["parent_id"]] if a["parent_id"] else None
            new_id[a["id"]] = register.register_area(tx, code=a["code"], name=a["name"], level=a["level"], parent_id=parent).id
            step()
        for b in demo.buildings:
            fields = {k: b[k] for k in ("estate", "name", "address", "units", "floors", "lat", "lon")}
            new_id[b["id"]] = register.register_building(tx, fields | {"area_id": new_id[b["area_id"]]}).id
            step()
        for h in demo.households:
            fields = {k: h[k] for k in ("unit", "room", "floor", "address", "housing", "phone")}
            new_id[h["id"]] = register.register_household(tx, fields | {"building_id": new_id[h["building_id"]]}).id
            step()
        for p in demo.persons:
            fields = {k: p[k] for k in _PERSON_FIELDS}
            register.register_person(tx, fields | {"household_id": new_id[p["household_id"]]}, moved_in=moved_in[p["id"]])
            step(2)  # the person and the membership the service opens


def load_places(store: Store, places: DemoPlaces) -> None:
    """The demo's places, inspections, hazards and rosters (demo.places_data), bulk-inserted like load_demo:
    no outbox rows (the demo server is seeded with the same records under the same ids)."""
    from ..domain.placework import PLACE_MODELS

    records = places.records()
    with store.write() as s:
        for entity, rows in records.items():
            for start in range(0, len(rows), CHUNK):
                s.execute(insert(PLACE_MODELS[entity].__table__), rows[start : start + CHUNK])
    publish(Changes(ids={entity: {row["id"] for row in rows} for entity, rows in records.items()}, initiator="demo"))


def trim_to_scope(store: Store) -> int:
    """Drop the demo fixture records lying outside the areas the linked server user was granted.

    The demo account is loaded with the whole community; the demo server grants
    its worker one grid. Records of the other grids would only be refused (and
    are not the worker's to see): they go. Only records never edited here go (no
    outbox row: fixture data, not the user's work); the area tree stays whole.
    The local participation fixture goes whole (it was never on the server, which seeds and sends its own).
    Idempotent: a second call finds nothing. Returns how many records went.
    """
    from sqlalchemy import delete

    from ..domain.fieldwork import Incident, IncidentEvent, Photo, Visit, Walkround
    from ..domain.models import Outbox
    from ..services.scope import visible_areas, writable_areas

    from ..domain.placework import Hazard, HazardEvent, Inspection, Place, RosterMember
    from ..domain.participation_records import PARTICIPATION_MODELS

    # The participation records too (members, orders, points, …): the server sends a grid worker those of
    # their areas only (docs/sync-protocol.md §3.4). Point rules are the community's table: kept.
    participation = tuple(m for entity, m in PARTICIPATION_MODELS.items() if entity != "point_rule")
    models = (Membership, Person, Household, Building, Visit, Walkround, IncidentEvent, Photo, Incident,
              HazardEvent, Hazard, Inspection, Place, RosterMember, *participation)  # fmt: skip
    gone: dict[str, set[str]] = {}
    with store.write() as s:
        if writable_areas(s) is None:
            return 0
        for model in models:
            allowed = visible_areas(s, model.entity)  # a resident account of the community above is seen too
            edited = select(Outbox.record_id).where(Outbox.entity == model.entity)
            outside = or_(model.area_id == None, model.area_id.not_in(list(allowed)))  # noqa: E711
            if model in participation:
                # The local demo's participation fixture was never on the server (version 0), which seeds its
                # own under other ids and sends them: an action on a local-only order would be refused.
                outside = or_(outside, model.version == 0)
            outside = and_(outside, model.id.not_in(edited))
            ids = set(s.connection().execute(select(model.id).where(outside)).scalars())
            if ids:
                s.execute(delete(model).where(model.id.in_(list(ids))))
                gone[model.entity] = ids
        if gone:
            search.rebuild(s)
    if gone:
        publish(Changes(ids=gone, initiator="demo"))
    return sum(len(ids) for ids in gone.values())
