"""The values of one pushed record, entity by entity: the checks behind domain.wire.validate.

Building, household and person go through the register's cleaners (the same
rules the client applies before saving); every other entity has a checker
here that collects all its problems at once (InvalidRecord names each field).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any

from . import validation as v
from .enums import Action, AreaLevel, Level, Outcome, Relation, Role, Source, Urgency
from .errors import ValidationError
from .register import InvalidRecord, clean_building, clean_household, clean_person
from .wire_places import PLACE_CHECKERS
from .wire_checks_participation import PARTICIPATION_CHECKERS
from .wire import DATE, ENTITIES, MAX_BLOB_BYTES, PHOTO_MIMES, SERVER_MANAGED, a_datetime, a_deadline, a_wire_date, an_id, sha256_hex


def _enum_value(cls, name: str, value: Any, *, required: bool = False) -> str | None:
    member = v.enum(cls, name, value, required=required)
    return member.value if member is not None else None


_DATES = (date, datetime)


class _Checker:
    """Collects every problem of one record, like register._Collector, for any entity."""

    def __init__(self, fields: Mapping[str, Any], creating: bool):
        self.raw = fields
        self.creating = creating
        self.out: dict[str, Any] = {}
        self.errors: list[ValidationError] = []

    def check(self, name: str, fn, *args: Any, required: bool = False, **kw: Any) -> None:
        if name not in self.raw:
            if required and self.creating:
                self.errors.append(
                    ValidationError(name, f"{v.label(name)}不能为空", f"{v.label(name, 'en')} is required", code="required")
                )
            return
        value = self.raw[name]
        try:
            if required and (value is None or value == ""):
                raise ValidationError(name, f"{v.label(name)}不能为空", f"{v.label(name, 'en')} is required", code="required")
            self.out[name] = fn(name, value, *args, **kw)
        except ValidationError as e:
            self.errors.append(e)

    def done(self) -> dict[str, Any]:
        if self.errors:
            raise InvalidRecord(self.errors)
        return self.out


def _text(name: str, value: Any, max_len: int | None = None) -> str | None:
    return v.text(name, value, max_len=max_len)


def _ids(name: str, value: Any) -> list[str]:
    return [an_id(name, x) for x in (value or [])]


def _int(name: str, value: Any, lo: int, hi: int) -> int | None:
    return v.integer(name, value, lo=lo, hi=hi)


def _coord(name: str, value: Any) -> float | None:
    return v.coordinate(name, value)


def _date(name: str, value: Any) -> str | None:
    return a_wire_date(name, value)


def _visit(c: _Checker) -> None:
    for f in ("area_id", "household_id", "building_id", "visitor_id"):
        c.check(f, an_id)
    c.check("visited_at", a_datetime, required=True)
    c.check("outcome", lambda n, x: _enum_value(Outcome, n, x))
    c.check("notes", _text, 2000)
    c.check("needs", _text, 2000)
    c.check("photo_ids", _ids)
    for f in ("lat", "lon"):
        c.check(f, _coord)


def _incident(c: _Checker) -> None:
    for f in ("area_id", "reporter_id", "household_id", "person_id"):
        c.check(f, an_id)
    c.check("title", lambda n, x: v.text(n, x, required=True, max_len=100), required=True)
    c.check("description", _text, 2000)
    c.check("category", _text, 32)
    c.check("urgency", lambda n, x: _enum_value(Urgency, n, x))
    c.check("source", lambda n, x: _enum_value(Source, n, x))
    c.check("location_text", _text, 200)
    c.check("reported_at", a_datetime)
    c.check("photo_ids", _ids)
    for f in ("lat", "lon"):
        c.check(f, _coord)


def _incident_event(c: _Checker) -> None:
    for f in ("area_id", "actor_id", "assignee_id", "duplicate_of"):
        c.check(f, an_id)
    c.check("incident_id", an_id, required=True)
    c.check("action", lambda n, x: _enum_value(Action, n, x, required=True), required=True)
    c.check("at", a_datetime, required=True)
    c.check("note", _text, 2000)
    c.check("reason", _text, 200)
    c.check("deadline", a_deadline)
    c.check("level", lambda n, x: _enum_value(Level, n, x))
    c.check("rating", _int, 1, 5)
    c.check("partly_solved", lambda n, x: x)
    c.check("photo_ids", _ids)


def _photo(c: _Checker) -> None:
    for f in ("area_id", "entity_id"):
        c.check(f, an_id)
    c.check("sha256", sha256_hex, required=True)

    def owner(name: str, value: Any) -> str | None:
        if value is not None and (value not in ENTITIES or value in SERVER_MANAGED or value == "photo"):
            raise ValidationError(name, f"照片不能属于“{value}”", f"a photo cannot belong to '{value}'", code="enum")
        return value

    c.check("entity", owner)
    c.check("taken_at", a_datetime)
    for f in ("lat", "lon"):
        c.check(f, _coord)
    for f in ("width", "height"):
        c.check(f, _int, 0, 100_000)
    c.check("bytes", _int, 0, MAX_BLOB_BYTES)

    def mime(name: str, value: Any) -> str | None:
        if value is not None and value not in PHOTO_MIMES:
            raise ValidationError(name, f"不支持的照片类型“{value}”", f"unsupported photo type '{value}'", code="enum")
        return value

    c.check("mime", mime)
    c.check("caption", _text, 200)


def _membership(c: _Checker) -> None:
    c.check("area_id", an_id)
    c.check("person_id", an_id, required=True)
    c.check("household_id", an_id, required=True)
    c.check("relation", lambda n, x: _enum_value(Relation, n, x))
    c.check("moved_in", _date)
    c.check("moved_out", _date)
    c.check("reason", _text, 200)


def _area(c: _Checker) -> None:
    c.check("area_id", an_id)
    c.check("parent_id", an_id)
    c.check("code", lambda n, x: v.text(n, x, required=True, max_len=64), required=True)
    c.check("name", lambda n, x: v.text(n, x, required=True, max_len=100), required=True)
    c.check("level", lambda n, x: _enum_value(AreaLevel, n, x, required=True), required=True)


def _user(c: _Checker) -> None:
    c.check("username", lambda n, x: v.text(n, x, required=True, max_len=64), required=True)
    c.check("display_name", _text, 100)
    c.check("role", lambda n, x: _enum_value(Role, n, x, required=True), required=True)
    c.check("area_ids", _ids)
    c.check("disabled", lambda n, x: bool(x))


def _category(c: _Checker) -> None:
    c.check("code", lambda n, x: v.text(n, x, required=True, max_len=32), required=True)
    c.check("name", lambda n, x: v.text(n, x, required=True, max_len=100), required=True)
    c.check("name_en", _text, 100)
    c.check("parent_code", _text, 32)
    c.check("kind", _text, 16)
    c.check("level_default", lambda n, x: _enum_value(Level, n, x))
    c.check("photo_required", lambda n, x: bool(x))
    c.check("keywords", lambda n, x: [v.text(n, k, max_len=50) for k in (x or [])])


def _holiday(c: _Checker) -> None:
    c.check("year", _int, 1900, 2200, required=True)
    c.check("name", lambda n, x: v.text(n, x, required=True, max_len=100), required=True)
    c.check("name_en", _text, 100)
    c.check("from", _date, required=True)
    c.check("to", _date, required=True)
    c.check("workdays", lambda n, x: [_date(n, d) for d in (x or [])])


WALKROUND_STATUSES = ("open", "done", "cancelled")


def _walkround(c: _Checker) -> None:
    for f in ("area_id", "planner_id"):
        c.check(f, an_id)
    c.check("name", lambda n, x: v.text(n, x, required=True, max_len=100), required=True)
    c.check("planned_at", a_datetime)
    c.check("planned_for", _date)
    c.check("household_ids", _ids)
    c.check("place_ids", _ids)
    c.check("finished_at", a_datetime)

    def status(name: str, value: Any) -> str | None:
        if value is not None and value not in WALKROUND_STATUSES:
            raise ValidationError(name, f"状态“{value}”无效", f"status '{value}' is not one of: {', '.join(WALKROUND_STATUSES)}", code="enum")
        return value

    c.check("status", status)


_CHECKERS = {
    "visit": _visit, "incident": _incident, "incident_event": _incident_event, "photo": _photo,
    "membership": _membership, "area": _area, "user": _user, "category": _category, "holiday": _holiday,
    "walkround": _walkround,
    **PARTICIPATION_CHECKERS,
}  # fmt: skip


_ID_FIELDS = ("area_id", "building_id", "household_id", "head_person_id")
_IDENTITY = frozenset({"id_number", "gender", "birth_date"})  # what clean_person reads of `existing`


@functools.cache
def _date_fields(entity: str) -> tuple[str, ...]:
    return tuple(name for name, kind in ENTITIES[entity].fields.items() if kind == DATE)


def _register(entity: str, fields: Mapping[str, Any], creating: bool, existing: Mapping[str, Any] | None):
    raw = fields  # copied only to take a bad date out of it
    errors: list[ValidationError] = []
    for name in _ID_FIELDS:
        if name in raw:
            try:
                an_id(name, raw[name])
            except ValidationError as e:
                errors.append(e)
    for name in _date_fields(entity):
        if name in raw:  # the cleaners read the forms people type; the wire has one
            try:
                a_wire_date(name, raw[name])
            except ValidationError as e:
                errors.append(e)
                raw = dict(raw)
                del raw[name]
    try:
        if entity == "building":
            out = clean_building(raw, partial=not creating)
        elif entity == "household":
            out = clean_household(raw, partial=not creating)
        else:
            # The stored values matter only to the ID number, gender and birth date, checked together.
            holder = SimpleNamespace(**existing) if existing and not _IDENTITY.isdisjoint(raw) else None
            out = clean_person(raw, partial=not creating, existing=holder)
    except InvalidRecord as e:
        errors.extend(e.errors)
        out = {}
    if errors:
        raise InvalidRecord(errors)
    # The cleaners fill in derived values (a household's floor from its room,
    # a person's gender and birth date from the ID number): keep them.
    return {k: val.isoformat() if isinstance(val, _DATES) else val for k, val in out.items()}


def check_values(entity: str, fields: Mapping[str, Any], creating: bool, existing: Mapping[str, Any] | None) -> dict[str, Any]:
    """The cleaned wire values of one record whose types are right, or InvalidRecord naming every bad field."""
    if entity in ("building", "household", "person"):
        return _register(entity, fields, creating, existing)
    checker = _Checker(fields, creating)
    if entity in PLACE_CHECKERS:
        PLACE_CHECKERS[entity](checker, existing)
    else:
        _CHECKERS[entity](checker)
    return checker.done()
