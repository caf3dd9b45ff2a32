"""The stored records of places (domain.placework) as the pure core's objects (domain.places), for the notice and forms.

Stored records keep answers and verdicts as plain dictionaries (the wire's
shape); the core's Inspection, Hazard and Place are frozen dataclasses.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from ...domain.places.inspections import Answer, Hazard, Inspection
from ...domain.places.place import Place


def aware(moment: datetime | None) -> datetime | None:
    """A stored time (SQLite gives it back without its zone: it is UTC) with its zone."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=timezone.utc)


def place_of(record: Any) -> Place:
    return Place(record.id, record.name, record.kind, record.area_id, record.address, record.building_id,
                 record.person_in_charge, record.phone, record.licence_number)  # fmt: skip


def inspection_of(record: Any) -> Inspection:
    answers = tuple(
        Answer(a.get("item_code", ""), a.get("result", ""), tuple(a.get("photo_ids") or ()), a.get("photo_waiver"),
               a.get("note"))  # fmt: skip
        for a in (record.answers or [])
    )
    return Inspection(record.id, record.place_id, record.kind, record.inspector_id, aware(record.at), answers,
                      record.purpose or "routine", (), record.acknowledged_by, record.notes)  # fmt: skip


def hazard_of(record: Any, inspection_id: str | None = None) -> Hazard:
    """A stored hazard, or a hazard of a place's card (services' HazardView, which names no inspection or note)."""
    return Hazard(record.id, record.place_id, inspection_id or getattr(record, "inspection_id", None) or "",
                  record.item_code, record.severity, aware(record.found_at), aware(record.deadline or record.found_at),
                  tuple(record.photo_ids or ()), getattr(record, "note", None))  # fmt: skip
