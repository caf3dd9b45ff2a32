"""Local tables of participation (issue 16): members, service orders, the points ledger, the points shop.

The same pattern as `fieldwork.py`: columns named as on the wire, event logs
create-only, derived state (an order's status, a member's review status, a
redemption's status) read-only on the wire — the client replays the log with
the rules of `domain/participation/` for display, the server derives it
authoritatively. docs/sync-protocol.md lists the entities and who sees what.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import JSON, Index, text
from sqlmodel import Field

from .models import SyncedRecord, utcnow


class PointRule(SyncedRecord, table=True):
    """One item of the points rules (积分细则) as the server holds them (server-managed, pulled only): the
    shipped table until an admin imports the local one. With none pulled, the shipped table is used."""

    __tablename__ = "point_rule"
    entity: ClassVar[str] = "point_rule"

    code: str = Field(index=True, max_length=16)
    name: str = Field(max_length=100)
    name_en: str | None = Field(default=None, max_length=200)
    area_code: str | None = Field(default=None, max_length=16)
    area_name: str | None = Field(default=None, max_length=100)
    area_name_en: str | None = Field(default=None, max_length=200)
    points: int = 0
    from_seed: bool = False


class Member(SyncedRecord, table=True):
    """A party member's (or volunteer's) check-in record (报到): the form, where they were placed, the review.

    Its `id` is the member's user id on the server (the actor of their orders, sign-ups and ledger
    entries). `area_id` is the grid they were placed in (the community's while they wait to be placed).
    The review is the record's own `status` (submitted → approved, or returned with a reason), checked
    with domain.participation.checkin before it is written; `to_place` and `reviewed_by` are the server's.
    """

    entity: ClassVar[str] = "member"
    read_only_fields: ClassVar[frozenset[str]] = frozenset({"to_place", "reviewed_by"})

    name: str = Field(max_length=50)
    phone: str | None = Field(default=None, max_length=20)
    employer: str | None = Field(default=None, max_length=100)
    estate: str | None = Field(default=None, max_length=100)
    building: str | None = Field(default=None, max_length=50)
    building_id: str | None = Field(default=None, max_length=36)
    skills: list[str] = Field(default_factory=list, sa_type=JSON)
    posts: list[str] = Field(default_factory=list, sa_type=JSON)
    team: str | None = Field(default=None, max_length=100)
    submitted_at: datetime = Field(default_factory=utcnow)
    status: str = Field(default="submitted", index=True, max_length=12)
    return_reason: str | None = Field(default=None, max_length=200)
    reviewed_at: datetime | None = None
    # The server's (read-only on the wire); kept here for display, set locally as the rules would.
    to_place: bool = False
    reviewed_by: str | None = Field(default=None, max_length=36)


class Resident(SyncedRecord, table=True):
    """A resident's web account (its id is the user id): who raised an order, a wish or an opinion on the web.
    The server alone decides whether they are verified (their name and ID number matched the register, or staff
    confirmed them: `confirmed`, optionally naming `confirm_person_id`; undone with `undo_reason`) and derives
    person, household, special group and who confirmed: read-only here."""

    entity: ClassVar[str] = "resident"
    read_only_fields: ClassVar[frozenset[str]] = frozenset(
        {"person_id", "household_id", "verified", "verified_at", "special_group", "confirmed_by", "confirmed_at"}
    )

    name: str = Field(max_length=50)
    phone: str | None = Field(default=None, max_length=20)
    registered_at: datetime | None = None
    person_id: str | None = Field(default=None, max_length=36)
    household_id: str | None = Field(default=None, max_length=36)
    verified: bool = False
    verified_at: datetime | None = None
    special_group: bool = False
    confirmed: bool = False  # staff confirmed them (written by staff; the server checks and derives the rest)
    confirm_person_id: str | None = Field(default=None, max_length=36)
    undo_reason: str | None = Field(default=None, max_length=200)
    confirmed_by: str | None = Field(default=None, max_length=36)
    confirmed_at: datetime | None = None


class ServiceOrder(SyncedRecord, table=True):
    """A service order (服务点单): the need as raised, and the state derived from its events."""

    __tablename__ = "service_order"
    entity: ClassVar[str] = "service_order"
    read_only_fields: ClassVar[frozenset[str]] = frozenset({
        "status", "source", "raised_by", "skill", "takers_wanted", "takers", "invited", "deadline", "overdue",
        "write_up", "closed_at", "rating", "comment", "verified_at", "on_time", "rework_count",
    })
    __table_args__ = (Index("ix_service_order_status_deadline", "status", "deadline"),)

    title: str = Field(max_length=100)
    need: str | None = None
    resident_id: str | None = Field(default=None, max_length=36)  # a resident's web account (they raised it)
    person_id: str | None = Field(default=None, index=True, max_length=36)  # the resident in the register
    household_id: str | None = Field(default=None, max_length=36)
    visit_id: str | None = Field(default=None, max_length=36)
    raised_at: datetime = Field(default_factory=utcnow, index=True)
    rule_item: str | None = Field(default=None, max_length=16)  # point_rules.json: what verified work earns
    points: int = 0
    photo_ids: list[str] = Field(default_factory=list, sa_type=JSON)
    # Derived from the order's events (read-only on the wire).
    status: str = Field(default="raised", max_length=12)
    source: str = Field(default="staff", max_length=8)  # resident | visit | staff
    raised_by: str | None = Field(default=None, max_length=36)
    skill: str | None = Field(default=None, max_length=32)
    takers_wanted: int = 1
    takers: list[str] = Field(default_factory=list, sa_type=JSON)
    invited: list[str] = Field(default_factory=list, sa_type=JSON)
    deadline: datetime | None = None
    overdue: bool = False
    write_up: str | None = None
    closed_at: datetime | None = None
    rating: int | None = None
    comment: str | None = None
    verified_at: datetime | None = None
    on_time: bool | None = None
    rework_count: int = 0


class OrderEvent(SyncedRecord, table=True):
    """One step of a service order (domain/participation/orders.py Event). Create only."""

    __tablename__ = "order_event"
    entity: ClassVar[str] = "order_event"
    create_only: ClassVar[bool] = True
    read_only_fields: ClassVar[frozenset[str]] = frozenset({"actor_role"})
    __table_args__ = (Index("ix_order_event_order_at", "order_id", "at"),)

    order_id: str = Field(max_length=36)
    action: str = Field(max_length=12)
    actor_id: str = Field(max_length=36)
    actor_role: str = Field(max_length=16)
    at: datetime = Field(default_factory=utcnow)
    note: str | None = None
    reason: str | None = Field(default=None, max_length=200)
    skill: str | None = Field(default=None, max_length=32)
    takers_wanted: int | None = None
    member_ids: list[str] = Field(default_factory=list, sa_type=JSON)
    photo_ids: list[str] = Field(default_factory=list, sa_type=JSON)
    rating: int | None = None
    comment: str | None = None
    days_allowed: int | None = None
    resident_id: str | None = Field(default=None, max_length=36)  # raise: whose need (register person or household)
    visit_id: str | None = Field(default=None, max_length=36)  # raise from a visit


class LedgerEntry(SyncedRecord, table=True):
    """One entry of the points ledger (domain/participation/points.py Entry). Create only: never edited."""

    __tablename__ = "ledger_entry"
    entity: ClassVar[str] = "ledger_entry"
    create_only: ClassVar[bool] = True
    # Covering index of every balance and board (one scan, no table reads: 200,000 entries in tens of ms);
    # the reversals (a few) by what they reverse.
    __table_args__ = (
        Index("ix_ledger_entry_member", "member_id", "deleted", "source_kind", "at", "points", "reverses"),
        Index("ix_ledger_entry_reverses", "reverses", sqlite_where=text("reverses IS NOT NULL")),
    )

    member_id: str = Field(max_length=36)
    points: int
    source_kind: str = Field(max_length=12)
    source_id: str | None = Field(default=None, max_length=36)
    rule_item: str | None = Field(default=None, max_length=16)
    verified_by: str | None = Field(default=None, max_length=36)
    reverses: str | None = Field(default=None, max_length=36)
    note: str | None = Field(default=None, max_length=200)
    at: datetime = Field(default_factory=utcnow)


class ShopItem(SyncedRecord, table=True):
    """An item of the points shop: `stock_total` pieces supplied in all; `stock` the pieces left (the
    server's count, read-only: it decides redemptions; kept here as the desk last knew it)."""

    __tablename__ = "shop_item"
    entity: ClassVar[str] = "shop_item"
    read_only_fields: ClassVar[frozenset[str]] = frozenset({"stock"})

    name: str = Field(max_length=100)
    description: str | None = None
    price: int
    stock_total: int = 0
    active: bool = True
    photo_ids: list[str] = Field(default_factory=list, sa_type=JSON)
    stock: int = 0


class Redemption(SyncedRecord, table=True):
    """A redemption (兑换): requested (points and stock reserved), handed over, or cancelled.

    Requested at the desk while offline it is only a request: the server decides, and a refused one
    comes back as a rejected outbox row whose reason the shop page shows.
    """

    entity: ClassVar[str] = "redemption"
    read_only_fields: ClassVar[frozenset[str]] = frozenset({"points", "recorded_by", "closed_by", "closed_at"})

    member_id: str = Field(index=True, max_length=36)
    item_id: str = Field(index=True, max_length=36)
    qty: int = 1
    requested_at: datetime = Field(default_factory=utcnow)
    status: str = Field(default="requested", max_length=12)
    reason: str | None = Field(default=None, max_length=200)
    # The server's (read-only on the wire); set here too for display until it says.
    points: int = 0
    recorded_by: str | None = Field(default=None, max_length=36)
    closed_by: str | None = Field(default=None, max_length=36)
    closed_at: datetime | None = None


class Activity(SyncedRecord, table=True):
    """An activity (E动态): what was published; its state (sign-ups, attendance, minutes) from its events."""

    entity: ClassVar[str] = "activity"
    read_only_fields: ClassVar[frozenset[str]] = frozenset(
        {"status", "signed_up", "attended", "minutes", "decisions", "cancel_reason"}
    )

    title: str = Field(max_length=100)
    kind: str = Field(max_length=32)
    place: str | None = Field(default=None, max_length=200)
    description: str | None = None
    starts_at: datetime = Field(index=True)
    ends_at: datetime
    signup_deadline: datetime | None = None
    capacity: int | None = None
    points: int = 0
    rule_item: str | None = Field(default=None, max_length=16)
    # Derived from the activity's events (read-only on the wire).
    status: str | None = Field(default=None, max_length=12)
    signed_up: list[str] = Field(default_factory=list, sa_type=JSON)
    attended: list[str] = Field(default_factory=list, sa_type=JSON)
    minutes: str | None = None
    decisions: list[str] = Field(default_factory=list, sa_type=JSON)
    cancel_reason: str | None = Field(default=None, max_length=200)


class ActivityEvent(SyncedRecord, table=True):
    """One step of an activity (domain/participation/activities.py Event). Create only. A member's check-in
    arrives without the code they typed; staff's `open_checkin` keeps the code (never sent to members)."""

    __tablename__ = "activity_event"
    entity: ClassVar[str] = "activity_event"
    create_only: ClassVar[bool] = True
    read_only_fields: ClassVar[frozenset[str]] = frozenset({"actor_role"})
    __table_args__ = (Index("ix_activity_event_activity_at", "activity_id", "at"),)

    activity_id: str = Field(max_length=36)
    action: str = Field(max_length=16)
    actor_id: str = Field(max_length=36)
    actor_role: str = Field(max_length=16)
    at: datetime = Field(default_factory=utcnow)
    code: str | None = Field(default=None, max_length=6)
    member_ids: list[str] = Field(default_factory=list, sa_type=JSON)
    minutes: str | None = None
    decisions: list[str] = Field(default_factory=list, sa_type=JSON)
    reason: str | None = Field(default=None, max_length=200)


class Wish(SyncedRecord, table=True):
    """A micro-wish (微心愿) of a resident in need; its state (claimed, fulfilled, confirmed) from its events."""

    entity: ClassVar[str] = "wish"
    read_only_fields: ClassVar[frozenset[str]] = frozenset({"status", "claimed_by", "confirmed_by", "photo_ids"})

    wish: str = Field(max_length=200)
    resident_id: str | None = Field(default=None, max_length=36)
    person_id: str | None = Field(default=None, max_length=36)
    household_id: str | None = Field(default=None, max_length=36)
    raised_at: datetime = Field(default_factory=utcnow)
    rule_item: str | None = Field(default=None, max_length=16)
    points: int = 0
    # Derived from the wish's events (read-only on the wire).
    status: str | None = Field(default=None, max_length=12)
    claimed_by: str | None = Field(default=None, max_length=36)
    confirmed_by: str | None = Field(default=None, max_length=36)
    photo_ids: list[str] = Field(default_factory=list, sa_type=JSON)


class WishEvent(SyncedRecord, table=True):
    """One step of a micro-wish (domain/participation/wishes.py Event). Create only."""

    __tablename__ = "wish_event"
    entity: ClassVar[str] = "wish_event"
    create_only: ClassVar[bool] = True
    read_only_fields: ClassVar[frozenset[str]] = frozenset({"actor_role"})
    __table_args__ = (Index("ix_wish_event_wish_at", "wish_id", "at"),)

    wish_id: str = Field(max_length=36)
    action: str = Field(max_length=12)
    actor_id: str = Field(max_length=36)
    actor_role: str = Field(max_length=16)
    at: datetime = Field(default_factory=utcnow)
    note: str | None = None
    photo_ids: list[str] = Field(default_factory=list, sa_type=JSON)
    reason: str | None = Field(default=None, max_length=200)


class Notice(SyncedRecord, table=True):
    """A notice (公告) to the members and residents of an area and below; `read_count` is the server's."""

    entity: ClassVar[str] = "notice"
    read_only_fields: ClassVar[frozenset[str]] = frozenset({"published_by", "read_count"})

    title: str = Field(max_length=100)
    body: str
    published_at: datetime = Field(default_factory=utcnow, index=True)
    expires_on: date | None = None
    published_by: str | None = Field(default=None, max_length=36)
    read_count: int = 0


class NoticeRead(SyncedRecord, table=True):
    """A member or resident opened a notice (written by the server; pulled, never pushed)."""

    __tablename__ = "notice_read"
    entity: ClassVar[str] = "notice_read"
    create_only: ClassVar[bool] = True

    notice_id: str = Field(index=True, max_length=36)
    user_id: str = Field(max_length=36)
    at: datetime = Field(default_factory=utcnow)


class Opinion(SyncedRecord, table=True):
    """An opinion left in the box (意见箱) by a resident or member; staff answer and close it."""

    entity: ClassVar[str] = "opinion"
    read_only_fields: ClassVar[frozenset[str]] = frozenset({"answered_by", "answered_at"})

    resident_id: str | None = Field(default=None, max_length=36)
    topic: str | None = Field(default=None, max_length=100)
    content: str
    submitted_at: datetime = Field(default_factory=utcnow, index=True)
    status: str = Field(default="open", max_length=12)  # open | answered | closed
    answer: str | None = None
    answered_by: str | None = Field(default=None, max_length=36)
    answered_at: datetime | None = None


class Evaluation(SyncedRecord, table=True):
    """One member's year-end evaluation (双管三评) for one year: their self-assessment (written on the phone
    pages, pulled) and the community's rating (written here). Its id is derived from the member and year
    (domain.participation.evaluation.evaluation_id); `area_id` is the member's."""

    __table_args__ = (Index("ix_evaluation_member_year", "member_id", "year"),)
    entity: ClassVar[str] = "evaluation"
    read_only_fields: ClassVar[frozenset[str]] = frozenset({"self_assessed_at", "rated_by", "rated_at"})

    member_id: str = Field(max_length=36)
    year: int
    self_assessment: str | None = None
    self_assessed_at: datetime | None = None
    grade: str | None = Field(default=None, max_length=24)  # excellent | qualified | basically_qualified | unqualified
    grade_note: str | None = None
    rated_by: str | None = Field(default=None, max_length=36)
    rated_at: datetime | None = None


PARTICIPATION_MODELS: dict[str, type[SyncedRecord]] = {
    m.entity: m
    for m in (PointRule, Member, Resident, ServiceOrder, OrderEvent, LedgerEntry, ShopItem, Redemption, Activity, ActivityEvent, Wish, WishEvent,
              Notice, NoticeRead, Opinion, Evaluation)
}
