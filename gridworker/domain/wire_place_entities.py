"""Issue 15's wire entities: places, inspections, hazards, the checklist and the grid's roster (domain.wire
builds its table from them)."""

from __future__ import annotations

from .wire_types import BOOL, DATETIME, ID, ID_LIST, INT, OBJECT_LIST, TEXT, TEXT_LIST
from .wire_types import entity as _entity

# Issue 15 (docs/places.md): places and their inspections, hazards and their event log, the inspection
# checklist (server-managed, like categories) and the grid's roster (网格“1+6+N”). All extensions.
HAZARD_DERIVED = frozenset({"status", "deadline", "extensions", "overdue", "rectified_at", "escalated_at", "incident_id"})
PLACE_ENTITIES = (
    _entity(
        "place",
        {
            "area_id": ID, "name": TEXT, "kind": TEXT, "address": TEXT, "building_id": ID, "person_in_charge": TEXT,
            "phone": TEXT, "licence_number": TEXT, "notes": TEXT,
        },
        extension=True,
    ),  # fmt: skip
    _entity(
        "inspection",
        {
            "area_id": ID, "place_id": ID, "kind": TEXT, "inspector_id": ID, "at": DATETIME, "purpose": TEXT,
            "answers": OBJECT_LIST, "verdicts": OBJECT_LIST, "acknowledged_by": TEXT, "notes": TEXT, "photo_ids": ID_LIST,
        },
        create_only=True,
        extension=True,
    ),  # fmt: skip
    _entity(
        "hazard",
        {
            "area_id": ID, "place_id": ID, "inspection_id": ID, "item_code": TEXT, "severity": TEXT,
            "found_at": DATETIME, "note": TEXT, "photo_ids": ID_LIST,
            "status": TEXT, "deadline": DATETIME, "extensions": INT, "overdue": BOOL, "rectified_at": DATETIME,
            "escalated_at": DATETIME, "incident_id": ID,
        },
        read_only=HAZARD_DERIVED,
        extension=True,
    ),  # fmt: skip
    _entity(
        "hazard_event",
        {
            "area_id": ID, "hazard_id": ID, "action": TEXT, "actor_id": ID, "at": DATETIME, "inspection_id": ID,
            "deadline": DATETIME, "reason": TEXT, "incident_id": ID, "severity": TEXT, "item_code": TEXT,
            "photo_ids": ID_LIST,
        },
        create_only=True,
        extension=True,
    ),  # fmt: skip
    _entity(
        "checklist",
        {
            "code": TEXT, "kinds": TEXT_LIST, "severity": TEXT, "days": INT, "category": TEXT, "name": TEXT,
            "name_en": TEXT, "hazard": TEXT, "hazard_en": TEXT,
        },
        server_managed=True,
        extension=True,
    ),  # fmt: skip
    _entity(
        "roster_member",
        {
            "area_id": ID, "role": TEXT, "person_id": ID, "user_id": ID, "name": TEXT, "phone": TEXT,
            "skills": TEXT, "notes": TEXT,
        },
        extension=True,
    ),  # fmt: skip
)
