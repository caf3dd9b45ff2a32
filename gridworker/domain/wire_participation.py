"""The wire entities of issue 16 (party members and residents take part): docs/sync-protocol.md, "Participation".

Every one is an extension (beyond PROTOCOL.md's table). Staff (admin,
dispatcher; grid workers for what they may raise) push them through /sync
from the desktop; members and residents never use /sync — their actions
arrive through the JSON API (docs/participation-api.md), which writes the
same records, so the desktop pulls members' work like anyone's.

As for incidents, a record holds what was asked (an order's need, an
activity's time and place) and an append-only event log changes its state:
the record's `status` and the other read-only fields are derived by the
server from its events with the rules of domain.participation. A
`ledger_entry` is append-only; a `redemption` is decided by the server
(balance and stock in one transaction) and a refused one is rejected.
"""

from __future__ import annotations

from .wire_types import BOOL, DATE, DATETIME, ID, ID_LIST, INT, TEXT, TEXT_LIST, entity

# The events' shared fields; `actor_role` is stated by the server from its user table.
_EVENT = {"area_id": ID, "action": TEXT, "actor_id": ID, "actor_role": TEXT, "at": DATETIME}

PARTICIPATION_ENTITIES = (
    entity(
        # One item of the points rules (积分细则), as the server holds them: the shipped table
        # (resources/point_rules.json) until an admin imports the local one (gridworker-server points import).
        "point_rule",
        {
            "code": TEXT, "name": TEXT, "name_en": TEXT, "area_code": TEXT, "area_name": TEXT, "area_name_en": TEXT,
            "points": INT, "from_seed": BOOL,
        },
        server_managed=True,
        extension=True,
    ),  # fmt: skip
    entity(
        # A party member's check-in (报到); the record's id is the member's user id.
        "member",
        {
            "area_id": ID, "name": TEXT, "phone": TEXT, "employer": TEXT, "estate": TEXT, "building": TEXT,
            "building_id": ID, "skills": TEXT_LIST, "posts": TEXT_LIST, "team": TEXT, "submitted_at": DATETIME,
            "status": TEXT, "return_reason": TEXT, "reviewed_by": ID, "reviewed_at": DATETIME, "to_place": BOOL,
        },
        read_only=frozenset({"to_place", "reviewed_by"}),
        extension=True,
    ),  # fmt: skip
    entity(
        # A resident's web account (its id is the user id); verified by the server only: when the name and ID
        # number they enter match the register, or when staff of their area confirm them (`confirmed`, written
        # by staff only, optionally naming the person of the register; undone with `undo_reason`).
        "resident",
        {
            "area_id": ID, "name": TEXT, "phone": TEXT, "registered_at": DATETIME, "person_id": ID,
            "household_id": ID, "verified": BOOL, "verified_at": DATETIME, "special_group": BOOL,
            "confirmed": BOOL, "confirm_person_id": ID, "undo_reason": TEXT, "confirmed_by": ID, "confirmed_at": DATETIME,
        },
        read_only=frozenset({
            "person_id", "household_id", "verified", "verified_at", "special_group", "confirmed_by", "confirmed_at",
        }),
        extension=True,
    ),  # fmt: skip
    entity(
        "service_order",
        {
            "area_id": ID, "title": TEXT, "need": TEXT, "resident_id": ID, "person_id": ID, "household_id": ID,
            "visit_id": ID, "raised_at": DATETIME, "rule_item": TEXT, "points": INT, "photo_ids": ID_LIST,
            "status": TEXT, "source": TEXT, "raised_by": ID, "skill": TEXT, "takers_wanted": INT, "takers": ID_LIST,
            "invited": ID_LIST, "deadline": DATETIME, "overdue": BOOL, "write_up": TEXT, "closed_at": DATETIME,
            "rating": INT, "comment": TEXT, "verified_at": DATETIME, "on_time": BOOL, "rework_count": INT,
        },
        read_only=frozenset({
            "status", "source", "raised_by", "skill", "takers_wanted", "takers", "invited", "deadline", "overdue",
            "write_up", "closed_at", "rating", "comment", "verified_at", "on_time", "rework_count",
        }),
        extension=True,
    ),  # fmt: skip
    entity(
        "order_event",
        _EVENT | {
            "order_id": ID, "note": TEXT, "reason": TEXT, "skill": TEXT, "takers_wanted": INT, "member_ids": ID_LIST,
            "photo_ids": ID_LIST, "rating": INT, "comment": TEXT, "days_allowed": INT, "resident_id": ID, "visit_id": ID,
        },
        create_only=True,
        read_only=frozenset({"actor_role"}),
        extension=True,
    ),  # fmt: skip
    entity(
        "activity",
        {
            "area_id": ID, "title": TEXT, "kind": TEXT, "place": TEXT, "description": TEXT, "starts_at": DATETIME,
            "ends_at": DATETIME, "signup_deadline": DATETIME, "capacity": INT, "points": INT, "rule_item": TEXT,
            "status": TEXT, "signed_up": ID_LIST, "attended": ID_LIST, "minutes": TEXT, "decisions": TEXT_LIST,
            "cancel_reason": TEXT,
        },
        read_only=frozenset({"status", "signed_up", "attended", "minutes", "decisions", "cancel_reason"}),
        extension=True,
    ),  # fmt: skip
    entity(
        # Sign-ups, cancellations, check-ins and attendance are events of the activity too.
        "activity_event",
        _EVENT | {
            "activity_id": ID, "code": TEXT, "member_ids": ID_LIST, "minutes": TEXT, "decisions": TEXT_LIST,
            "reason": TEXT,
        },
        create_only=True,
        read_only=frozenset({"actor_role"}),
        extension=True,
    ),  # fmt: skip
    entity(
        "ledger_entry",
        {
            "area_id": ID, "member_id": ID, "points": INT, "source_kind": TEXT, "source_id": ID, "rule_item": TEXT,
            "verified_by": ID, "reverses": ID, "note": TEXT, "at": DATETIME,
        },
        create_only=True,
        extension=True,
    ),  # fmt: skip
    entity(
        "shop_item",
        {
            "area_id": ID, "name": TEXT, "description": TEXT, "price": INT, "stock_total": INT, "active": BOOL,
            "photo_ids": ID_LIST, "stock": INT,
        },
        read_only=frozenset({"stock"}),
        extension=True,
    ),  # fmt: skip
    entity(
        "redemption",
        {
            "area_id": ID, "member_id": ID, "item_id": ID, "qty": INT, "requested_at": DATETIME, "status": TEXT,
            "reason": TEXT, "points": INT, "recorded_by": ID, "closed_by": ID, "closed_at": DATETIME,
        },
        read_only=frozenset({"points", "recorded_by", "closed_by", "closed_at"}),
        extension=True,
    ),  # fmt: skip
    entity(
        "wish",
        {
            "area_id": ID, "wish": TEXT, "resident_id": ID, "person_id": ID, "household_id": ID, "raised_at": DATETIME,
            "rule_item": TEXT, "points": INT, "status": TEXT, "claimed_by": ID, "confirmed_by": ID, "photo_ids": ID_LIST,
        },
        read_only=frozenset({"status", "claimed_by", "confirmed_by", "photo_ids"}),
        extension=True,
    ),  # fmt: skip
    entity(
        "wish_event",
        _EVENT | {"wish_id": ID, "note": TEXT, "photo_ids": ID_LIST, "reason": TEXT},
        create_only=True,
        read_only=frozenset({"actor_role"}),
        extension=True,
    ),  # fmt: skip
    entity(
        "notice",
        {
            "area_id": ID, "title": TEXT, "body": TEXT, "published_at": DATETIME, "published_by": ID,
            "expires_on": DATE, "read_count": INT,
        },
        read_only=frozenset({"published_by", "read_count"}),
        extension=True,
    ),  # fmt: skip
    entity(
        # Written by the server when a member or resident opens a notice; pulled by staff, never pushed.
        "notice_read",
        {"area_id": ID, "notice_id": ID, "user_id": ID, "at": DATETIME},
        create_only=True,
        extension=True,
    ),  # fmt: skip
    entity(
        "opinion",
        {
            "area_id": ID, "resident_id": ID, "topic": TEXT, "content": TEXT, "submitted_at": DATETIME,
            "status": TEXT, "answer": TEXT, "answered_by": ID, "answered_at": DATETIME,
        },
        read_only=frozenset({"answered_by", "answered_at"}),
        extension=True,
    ),  # fmt: skip
    entity(
        # One member's year-end evaluation (双管三评) for one year; its id is derived from both
        # (domain.participation.evaluation.evaluation_id). The member writes the self-assessment (API only),
        # staff of the member's area the grade; the server stamps who and when.
        "evaluation",
        {
            "area_id": ID, "member_id": ID, "year": INT, "self_assessment": TEXT, "self_assessed_at": DATETIME,
            "grade": TEXT, "grade_note": TEXT, "rated_by": ID, "rated_at": DATETIME,
        },
        read_only=frozenset({"self_assessed_at", "rated_by", "rated_at"}),
        extension=True,
    ),  # fmt: skip
)

PARTICIPATION = frozenset(e.name for e in PARTICIPATION_ENTITIES if not e.server_managed)
# Records whose state is a fold of an event log: event entity → (parent entity, parent field).
EVENT_PARENTS = {
    "order_event": ("service_order", "order_id"),
    "activity_event": ("activity", "activity_id"),
    "wish_event": ("wish", "wish_id"),
}
