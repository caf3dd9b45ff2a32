"""The wire schema of the sync protocol, shared by the client and the server.

For every synced entity: its fields and their JSON types, and what a client
may do with it — push it (`upsert`/`delete`), only create it (events and
photos are append-only), or only pull it (areas, users, categories and
holidays are managed on the server). Derived fields (an incident's status,
level, assignee, deadline ...) are set by the server from the incident's
events and are never pushed.

`check_types` finds what no well-written client sends (an unknown field, a
string where a number belongs); `validate` checks the values themselves
(entity by entity in domain.wire_checks) with
the same rules the client applies before saving (domain.register,
domain.validation), so a record the client accepted offline is accepted by
the server too. Incident events are checked further against the lifecycle
(domain.lifecycle), which needs the incident's state and is run by the caller.

Entities beyond PROTOCOL.md's table are marked `extension` (membership and
walkround from the client's models, holiday from the server); fields beyond
it are listed in each entity's `extension_fields`.

docs/sync-protocol.md is the human-readable version of this module.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from . import validation as v
from .errors import ValidationError
from .register import InvalidRecord

from .wire_types import (  # noqa: F401  (re-exported: the wire's types are named through this module)
    BOOL, DATE, DATETIME, ID, ID_LIST, INT, MAX_OBJECT_KEYS, MAX_OBJECT_LIST, MAX_OBJECTS, NUMBER, OBJECT_LIST, TEXT,
    TEXT_LIST, Entity,
)
from .wire_types import entity as _entity
from .wire_participation import PARTICIPATION_ENTITIES
from .wire_place_entities import PLACE_ENTITIES

SCHEMA_VERSION = 1

ENTITIES: dict[str, Entity] = {
    e.name: e
    for e in (
        _entity(
            "area",
            {"area_id": ID, "parent_id": ID, "code": TEXT, "name": TEXT, "level": TEXT},
            server_managed=True,
            extension_fields=frozenset({"area_id"}),
        ),
        _entity(
            "user",
            {"username": TEXT, "display_name": TEXT, "role": TEXT, "area_ids": ID_LIST, "disabled": BOOL},
            server_managed=True,
            extension_fields=frozenset({"area_ids", "disabled"}),
        ),
        _entity(
            "category",
            {
                "code": TEXT, "name": TEXT, "parent_code": TEXT, "level_default": TEXT, "photo_required": BOOL,
                "name_en": TEXT, "kind": TEXT, "keywords": TEXT_LIST,
            },
            server_managed=True,
            extension_fields=frozenset({"name_en", "kind", "keywords"}),
        ),  # fmt: skip
        _entity(
            # One period of the State Council's holiday notice (domain.workdays table entries).
            "holiday",
            {"year": INT, "name": TEXT, "name_en": TEXT, "from": DATE, "to": DATE, "workdays": TEXT_LIST},
            server_managed=True,
            extension=True,
        ),
        _entity(
            "building",
            {
                "area_id": ID, "estate": TEXT, "name": TEXT, "address": TEXT, "units": INT, "floors": INT,
                "lat": NUMBER, "lon": NUMBER, "notes": TEXT,
            },
        ),  # fmt: skip
        _entity(
            "household",
            {
                "area_id": ID, "building_id": ID, "unit": TEXT, "room": TEXT, "floor": INT, "address": TEXT,
                "housing": TEXT, "phone": TEXT, "head_person_id": ID, "notes": TEXT,
            },
            extension_fields=frozenset({"floor"}),
        ),  # fmt: skip
        _entity(
            "person",
            {
                "area_id": ID, "household_id": ID, "name": TEXT, "gender": TEXT, "id_number": TEXT,
                "birth_date": DATE, "phone": TEXT, "relation": TEXT, "residence": TEXT, "tags": TEXT_LIST,
                "skills": TEXT, "status": TEXT, "notes": TEXT,
            },
        ),  # fmt: skip
        _entity(
            "membership",
            {
                "area_id": ID, "person_id": ID, "household_id": ID, "relation": TEXT, "moved_in": DATE,
                "moved_out": DATE, "reason": TEXT,
            },
            extension=True,
        ),  # fmt: skip
        _entity(
            "visit",
            {
                "area_id": ID, "household_id": ID, "building_id": ID, "visited_at": DATETIME, "visitor_id": ID,
                "outcome": TEXT, "notes": TEXT, "needs": TEXT, "photo_ids": ID_LIST, "lat": NUMBER, "lon": NUMBER,
            },
        ),  # fmt: skip
        _entity(
            "incident",
            {
                "area_id": ID, "title": TEXT, "description": TEXT, "category": TEXT, "urgency": TEXT,
                "lat": NUMBER, "lon": NUMBER, "location_text": TEXT, "reported_at": DATETIME, "reporter_id": ID,
                "household_id": ID, "person_id": ID, "source": TEXT, "photo_ids": ID_LIST,
                "status": TEXT, "level": TEXT, "assignee_id": ID, "deadline": DATETIME, "overdue": BOOL,
                "rework_count": INT, "rating": INT,
            },
            read_only=frozenset({"status", "level", "assignee_id", "deadline", "overdue", "rework_count", "rating"}),
        ),  # fmt: skip
        _entity(
            "incident_event",
            {
                "area_id": ID, "incident_id": ID, "action": TEXT, "actor_id": ID, "at": DATETIME, "note": TEXT,
                "assignee_id": ID, "deadline": DATETIME, "level": TEXT, "rating": INT, "partly_solved": BOOL,
                "reason": TEXT, "duplicate_of": ID, "photo_ids": ID_LIST, "actor_role": TEXT,
            },
            create_only=True,
            # The server states the actor's role from its user table.
            read_only=frozenset({"actor_role"}),
            extension_fields=frozenset({"partly_solved", "actor_role"}),
        ),  # fmt: skip
        _entity(
            "photo",
            {
                "area_id": ID, "sha256": TEXT, "entity": TEXT, "entity_id": ID, "taken_at": DATETIME,
                "lat": NUMBER, "lon": NUMBER, "width": INT, "height": INT, "bytes": INT, "mime": TEXT,
                "caption": TEXT,
            },
            create_only=True,
        ),  # fmt: skip
        _entity(
            # A planned walk-round (巡查/扫楼): households and places in walking order (domain.fieldwork.Walkround).
            "walkround",
            {
                "area_id": ID, "name": TEXT, "planner_id": ID, "planned_at": DATETIME, "planned_for": DATE,
                "household_ids": ID_LIST, "status": TEXT, "finished_at": DATETIME, "place_ids": ID_LIST,
            },
            extension=True,
            extension_fields=frozenset({"place_ids"}),
        ),  # fmt: skip
        *PLACE_ENTITIES,
        *PARTICIPATION_ENTITIES,
    )
}

SERVER_MANAGED = frozenset(name for name, e in ENTITIES.items() if e.server_managed)
EXTENSIONS = frozenset(name for name, e in ENTITIES.items() if e.extension)
# Entities whose records belong to an incident: a handler sees them through it.
INCIDENT_CHILDREN = frozenset({"incident_event", "photo"})
MAX_BLOB_BYTES = 20 * 1024 * 1024
PHOTO_MIMES = frozenset({"image/jpeg", "image/png", "image/webp", "image/heic", "image/heif"})
_SHA256 = re.compile(r"[0-9a-f]{64}")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


# -- types ------------------------------------------------------------------------
def _type_ok(kind: str, value: Any) -> bool:
    if value is None:
        return True
    if kind in (TEXT, DATE, DATETIME, ID):
        return isinstance(value, str)
    if kind == INT:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == NUMBER:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == BOOL:
        return isinstance(value, bool)
    if kind in (TEXT_LIST, ID_LIST):
        return isinstance(value, list) and all(isinstance(x, str) for x in value)
    if kind == OBJECT_LIST:
        return isinstance(value, list) and len(value) <= MAX_OBJECTS and all(_flat_object(x) for x in value)
    raise AssertionError(kind)


def _flat_object(value: Any) -> bool:
    """One object of an OBJECT_LIST: a few string keys, scalar values or short lists of strings (no nesting)."""
    if not isinstance(value, dict) or len(value) > MAX_OBJECT_KEYS:
        return False
    for key, x in value.items():
        if not isinstance(key, str) or len(key) > 32:
            return False
        if isinstance(x, list):
            if len(x) > MAX_OBJECT_LIST or not all(isinstance(i, str) for i in x):
                return False
        elif x is not None and not isinstance(x, (str, int, bool)):
            return False
    return True


_TYPE_WORDS = {
    TEXT: ("文字", "a string"), DATE: ("日期字符串", "a date string"), DATETIME: ("时间字符串", "a time string"),
    ID: ("编号字符串", "an id string"), INT: ("整数", "a whole number"), NUMBER: ("数字", "a number"),
    BOOL: ("true/false", "true or false"), TEXT_LIST: ("文字列表", "a list of strings"),
    ID_LIST: ("编号列表", "a list of id strings"),
    OBJECT_LIST: (f"对象列表（最多{MAX_OBJECTS}项，不可嵌套）", f"a list of at most {MAX_OBJECTS} flat objects"),
}  # fmt: skip


def check_types(entity: str, fields: Mapping[str, Any]) -> list[ValidationError]:
    """Fields the entity does not have, and values of the wrong JSON type: a client bug, not a user's typo."""
    spec = ENTITIES.get(entity)
    if spec is None:
        shown = _printable(str(entity))
        return [ValidationError("entity", f"未知的记录类型“{shown}”", f"unknown entity '{shown}'", code="unknown_entity")]
    problems = []
    for name, value in fields.items():
        kind = spec.fields.get(name)
        if kind is None:
            shown = _printable(name)
            problems.append(
                ValidationError(shown, f"{entity}没有字段“{shown}”", f"{entity} has no field '{shown}'", code="unknown_field")
            )
        elif not _type_ok(kind, value):
            zh, en = _TYPE_WORDS[kind]
            problems.append(
                ValidationError(name, f"{v.label(name)}应为{zh}", f"{v.label(name, 'en')} must be {en}", code="wrong_type")
            )
        elif not _encodable(value):
            problems.append(
                ValidationError(
                    name,
                    f"{v.label(name)}含有无效字符（不成对的代理项）",
                    f"{v.label(name, 'en')} holds invalid characters (unpaired surrogates)",
                    code="invalid_text",
                )
            )
    return problems


def _printable(text: str, limit: int = 64) -> str:
    """A client's text as echoed in a refusal: lone surrogates escaped (they cannot be encoded), cut short."""
    shown = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return shown if len(shown) <= limit else shown[:limit] + "…"


def _encodable(value: Any) -> bool:
    """JSON allows lone UTF-16 surrogates ("\\ud800"); UTF-8, and so the database, does not."""
    texts = value if isinstance(value, list) else [value]
    for text in texts:
        if isinstance(text, dict):  # an object of an OBJECT_LIST: its keys and values
            if not _encodable([*text.keys(), *text.values()]):
                return False
        elif isinstance(text, list):
            if not _encodable(text):
                return False
        elif isinstance(text, str):
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:
                return False
    return True


# -- values -----------------------------------------------------------------------
# Bounds of times on the wire (docs/sync-protocol.md, "Bounds"). Every time a client may send says when
# something happened (a visit, a report, an event, a photo, a plan): not before 1900, and not more than
# TIME_AHEAD after the server's clock (a device clock may be wrong; a date years ahead is a wrong value,
# and one with no UTC equivalent, 0001-01-01T00:00+14:00, stopped every client that pulled it).
EARLIEST = datetime(1900, 1, 1, tzinfo=timezone.utc)
TIME_AHEAD = timedelta(days=366)
DEADLINE_AHEAD = timedelta(days=5 * 366)


# The one form of a time on the wire: YYYY-MM-DDTHH:MM[:SS[.ffffff]] with Z or ±HH:MM (at most ±14:00), and of
# a date: YYYY-MM-DD. Python's fromisoformat takes many more (week dates "2026-W49-1", ordinal dates,
# "20261121T0930+0800", a space for the T) that another client's parser may not.
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-](?:0\d|1[0-4]):[0-5]\d)", re.ASCII)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def a_datetime(name: str, value: Any, *, ahead: timedelta = TIME_AHEAD) -> str | None:
    """An ISO 8601 time with an offset in the protocol's form, within its window; returned normalised
    (seconds always, microseconds when there are any, Z as +00:00)."""
    if value is None:
        return None
    parsed = None
    if isinstance(value, str) and _TIME.fullmatch(value):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:  # a month 13, a 25th hour
            parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise ValidationError(
            name,
            f"{v.label(name)}“{value}”不是带时区的时间（如 2026-11-21T09:30:00+08:00）",
            f"{v.label(name, 'en')} '{value}' is not an ISO 8601 time with an offset (e.g. 2026-11-21T09:30:00+08:00)",
            code="datetime",
        )
    now = datetime.now(timezone.utc)
    latest = now + ahead
    # The year first: comparing a time near year 1 or 9999 with another can overflow.
    if not EARLIEST.year <= parsed.year <= latest.year or not EARLIEST <= parsed <= latest:
        raise ValidationError(
            name,
            f"{v.label(name)}应在{EARLIEST:%Y-%m-%d}到{latest:%Y-%m-%d}之间，请检查设备日期",
            f"{v.label(name, 'en')} must be between {EARLIEST:%Y-%m-%d} and {latest:%Y-%m-%d}; check the device's date",
            code="time_range",
        )
    return parsed.isoformat()


def a_wire_date(name: str, value: Any) -> str | None:
    """A date in the protocol's one form, YYYY-MM-DD, within the field's bounds (validation.date_window)."""
    if value is None:
        return None
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise ValidationError(
            name,
            f"{v.label(name)}“{_printable(str(value), 40)}”不是有效日期（格式如 1980-05-17）",
            f"{v.label(name, 'en')} '{_printable(str(value), 40)}' is not a date in the form 1980-05-17",
            code="date",
        )
    day = v.a_date(name, value)
    return day.isoformat() if day else None


def a_deadline(name: str, value: Any) -> str | None:
    """A deadline: like a_datetime, but it may lie up to DEADLINE_AHEAD in the future."""
    return a_datetime(name, value, ahead=DEADLINE_AHEAD)


def an_id(name: str, value: Any) -> str | None:
    """A record id: a UUID in its 36-character form (PROTOCOL.md), kept as sent."""
    if value is None:
        return None
    if not isinstance(value, str) or not _UUID.fullmatch(value):
        raise ValidationError(
            name,
            f"{v.label(name)}“{_printable(str(value), 60)}”不是有效的编号（36位UUID）",
            f"{v.label(name, 'en')} is not a 36-character UUID",
            code="id",
        )
    return value


def sha256_hex(name: str, value: Any) -> str:
    if not isinstance(value, str) or not _SHA256.fullmatch(value):
        raise ValidationError(
            name, "照片哈希应为64位小写十六进制", "sha256 must be 64 lowercase hexadecimal characters", code="sha256"
        )
    return value


def validate(
    entity: str,
    fields: Mapping[str, Any],
    *,
    creating: bool = False,
    existing: Mapping[str, Any] | None = None,
    types_checked: bool = False,
) -> dict[str, Any]:
    """Clean the values of one push mutation: wire values back, or InvalidRecord naming every bad field.

    `creating`: the record is new, so its required fields must be there.
    `existing`: the record's present values (a person's ID number, gender and
    birth date are checked together). Type problems (check_types) are raised
    too (unless the caller did already: `types_checked`), so a client can call
    this alone before saving.
    """
    problems = [] if types_checked else check_types(entity, fields)
    spec = ENTITIES[entity] if not problems or entity in ENTITIES else None
    if spec is not None and not spec.read_only.isdisjoint(fields):
        problems += [
            ValidationError(
                f, f"{v.label(f)}由服务器计算，不能修改", f"{v.label(f, 'en')} is set by the server and cannot be written", code="read_only"
            )
            for f in fields
            if f in spec.read_only
        ]
    if problems:
        raise InvalidRecord(problems)
    return _checkers()(entity, fields, creating, existing)


@functools.cache
def _checkers():
    """wire_checks.check_values: the checkers need this module's table, so they are imported when first used
    (once: an import statement run at every call cost as much as checking a short field)."""
    from .wire_checks import check_values

    return check_values
