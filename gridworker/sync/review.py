"""What the sync panel shows, read in one short transaction: open conflicts, refused edits, photos waiting.

The GUI never opens a session itself (tests/core/test_layering.py); it calls
`review_lists` through the task runner and shows the plain rows it returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from ..domain import wire
from ..domain.fieldwork import Incident, Photo, Visit, Walkround
from ..domain import participation_records as pr
from ..domain.models import Area, Building, Household, Person
from ..domain.users import User
from ..store import outbox
from ..store.database import Store
from ..store.sync_tables import SyncBlob
from . import conflicts


@dataclass(frozen=True)
class ConflictRow:
    id: str
    entity: str
    record_id: str
    field: str
    mine: Any
    theirs: Any
    winner: str  # "mine" or "theirs": which value the record holds now
    detected_at: datetime
    label: str = ""  # what a person recognises the record by (address, name…); "" if not here any more


@dataclass(frozen=True)
class RejectedRow:
    mutation_id: str
    entity: str
    record_id: str
    fields: dict[str, Any]
    reason_zh: str
    reason_en: str
    label: str = ""
    new_record: bool = False  # a record the server never had (refused work): it can be discarded (services.refused)


@dataclass(frozen=True)
class PhotoRow:
    sha256: str
    attempts: int
    last_error: str | None
    updated_at: datetime
    owner_entity: str = ""  # what the photo belongs to ("incident", "visit"…), "" if not known here
    owner_label: str = ""
    taken_at: datetime | None = None
    kind: str = "upload"  # "thumb": another device's photo whose thumbnail the server refused (last_error = its code)


@dataclass(frozen=True)
class ReviewLists:
    conflicts: list[ConflictRow]
    rejected: list[RejectedRow]
    photos: list[PhotoRow]
    names: dict[str, str] = field(default_factory=dict)  # id → what it is called, for ids among the values shown


def review_lists(store: Store) -> ReviewLists:
    with store.read() as s:
        found = [
            ConflictRow(c.id, c.entity, c.record_id, c.field, c.mine, c.theirs, c.winner, c.detected_at,
                        record_label(s, c.entity, c.record_id))
            for c in conflicts.open_conflicts(s)
        ]  # fmt: skip
        rejected = conflicts.rejected_edits(s)
        refused = [
            RejectedRow(r.mutation_id, r.entity, r.record_id, fields,
                        conflicts.reason(r, "zh"), conflicts.reason(r, "en"), record_label(s, r.entity, r.record_id),
                        r.base_version is None)
            for r, fields in zip(rejected, outbox.fields_of(s.connection(), ((r.entity, r.record_id, r.fields) for r in rejected)))
        ]  # fmt: skip
        waiting = s.exec(select(SyncBlob).where(
            ((SyncBlob.kind == "upload") & (SyncBlob.state == "waiting")) | ((SyncBlob.kind == "thumb") & (SyncBlob.state == "failed"))
        ))  # fmt: skip
        photos = [_photo_row(s, b) for b in waiting]
        ids = {v for c in found for v in _ids(c.entity, c.field, c.mine) | _ids(c.entity, c.field, c.theirs)}
        ids |= {v for r in refused for k, value in r.fields.items() for v in _ids(r.entity, k, value)}
        names = {i: name for i in sorted(ids) if (name := name_of(s, i))}
    return ReviewLists(found, refused, photos, names)


def _ids(entity: str, name: str, value: Any) -> set[str]:
    spec = wire.ENTITIES.get(entity)
    kind = spec.fields.get(name) if spec is not None else None
    if kind == wire.ID and isinstance(value, str):
        return {value}
    if kind == wire.ID_LIST and isinstance(value, list):
        return {v for v in value if isinstance(v, str)}
    return set()


def _photo_row(s: Session, blob: SyncBlob) -> PhotoRow:
    photo = s.exec(select(Photo).where(Photo.sha256 == blob.sha256)).first()
    if photo is None:
        return PhotoRow(blob.sha256, blob.attempts, blob.last_error, blob.updated_at, kind=blob.kind)
    return PhotoRow(blob.sha256, blob.attempts, blob.last_error, blob.updated_at, photo.owner_entity,
                    record_label(s, photo.owner_entity, photo.entity_id), photo.taken_at, blob.kind)  # fmt: skip


_NAMED = (Household, Person, Building, Area, Incident, Visit, Walkround)


def name_of(s: Session, record_id: str) -> str:
    """What a person calls the record with this id, whatever its kind; "" when it is not on this computer."""
    user = s.get(User, record_id)
    if user is not None:
        return user.display_name or user.username
    for model in _NAMED:
        if s.get(model, record_id) is not None:
            return record_label(s, model.entity, record_id)
    for entity, model in _PARTICIPATION.items():  # an order, a member, a wish… named in a refused event's fields
        if entity not in _EVENTS and s.get(model, record_id) is not None:
            return record_label(s, entity, record_id)
    return ""


def record_label(s: Session, entity: str, record_id: str) -> str:
    """The words a grid worker knows a record by: a household's address, a person's name, an incident's title."""
    if entity in _PARTICIPATION:
        return _participation_label(s, entity, record_id)
    return _register_label(s, entity, record_id)


def _register_label(s: Session, entity: str, record_id: str) -> str:
    model = {"household": Household, "person": Person, "building": Building, "area": Area,
             "incident": Incident, "visit": Visit, "walkround": Walkround}.get(entity)  # fmt: skip
    obj = s.get(model, record_id) if model is not None else None
    if obj is None:
        return ""
    if entity == "household":
        return obj.address or " ".join(p for p in (obj.unit and f"{obj.unit}单元", obj.room) if p)
    if entity == "building":
        return " ".join(p for p in (obj.estate, obj.name) if p)
    if entity == "incident":
        return obj.title or (obj.description or "")[:30]
    if entity == "visit":
        return record_label(s, "household", obj.household_id) if obj.household_id else ""
    if entity == "walkround":
        return " ".join(p for p in (obj.name, obj.planned_for and obj.planned_for.isoformat()) if p)
    return obj.name


_PARTICIPATION = {"member": pr.Member, "service_order": pr.ServiceOrder, "activity": pr.Activity, "shop_item": pr.ShopItem,
                  "redemption": pr.Redemption, "wish": pr.Wish, "notice": pr.Notice, "opinion": pr.Opinion,
                  "ledger_entry": pr.LedgerEntry, "order_event": pr.OrderEvent, "activity_event": pr.ActivityEvent,
                  "wish_event": pr.WishEvent}  # fmt: skip
# A step of an order, activity or wish is known by what it is a step of.
_EVENTS = {"order_event": ("order_id", "service_order"), "activity_event": ("activity_id", "activity"),
           "wish_event": ("wish_id", "wish")}


def _participation_label(s: Session, entity: str, record_id: str) -> str:
    """A participation record (issue 16) by its name or title; a redemption or a points entry by its member."""
    obj = s.get(_PARTICIPATION[entity], record_id)
    if obj is None:
        return ""
    if entity in _EVENTS:
        parent_field, parent = _EVENTS[entity]
        return _participation_label(s, parent, getattr(obj, parent_field))
    if entity in ("redemption", "ledger_entry"):
        member = s.get(pr.Member, obj.member_id)
        item = s.get(pr.ShopItem, obj.item_id) if entity == "redemption" else None
        return " ".join(p for p in (member.name if member else "", item.name if item else "") if p)
    text = {"service_order": lambda: obj.title or obj.need, "activity": lambda: obj.title, "wish": lambda: obj.wish,
            "notice": lambda: obj.title, "opinion": lambda: obj.content}.get(entity, lambda: obj.name)()
    return (text or "")[:30]
