"""Cleaning register records: every field checked, every problem reported with its field.

`clean_*` take raw values (typed in a form, read from a spreadsheet cell, sent
by a script) and return wire values, or raise InvalidRecord listing every
invalid field at once, so that an import report or a form can show them all.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from . import validation as v
from .enums import Gender, Housing, PersonStatus, Relation, Residence, Tag
from .errors import GridWorkerError, ValidationError


class InvalidRecord(GridWorkerError):
    code = "invalid_record"

    def __init__(self, errors: list[ValidationError]):
        self.errors = errors
        super().__init__(
            "；".join(e.zh for e in errors),
            "; ".join(e.en for e in errors),
            details={"fields": [{"field": e.field, "code": e.code, "message": e.en} for e in errors]},
        )


class _Collector:
    def __init__(self):
        self.errors: list[ValidationError] = []
        self.out: dict[str, Any] = {}

    def take(self, field: str, fn, *args, **kw) -> None:
        try:
            self.out[field] = fn(*args, **kw)
        except ValidationError as e:
            self.errors.append(e)

    def done(self) -> dict[str, Any]:
        if self.errors:
            raise InvalidRecord(self.errors)
        return self.out


def floor_of_room(room: str | None) -> int | None:
    """'301' → 3, '1203' → 12, 'B-502' → 5; None when the room number says nothing."""
    if not room:
        return None
    digits = re.findall(r"\d+", room)
    if not digits:
        return None
    d = digits[-1]
    if len(d) >= 3:
        return int(d[:-2]) or None
    return None


def clean_building(raw: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    c = _Collector()
    if not partial or "name" in raw:
        c.take("name", v.text, "name", raw.get("name"), required=True, max_len=100)
    for f in ("estate", "address", "notes"):
        if f in raw:
            c.take(f, v.text, f, raw[f])
    for f in ("units", "floors"):
        if f in raw:
            c.take(f, v.integer, f, raw[f], lo=0, hi=200)
    for f in ("lat", "lon"):
        if f in raw:
            c.take(f, v.coordinate, f, raw[f])
    if "area_id" in raw:
        c.out["area_id"] = raw["area_id"]
    return c.done()


def clean_household(raw: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    c = _Collector()
    for f in ("unit", "room"):
        if f in raw:
            c.take(f, v.text, f, raw[f], max_len=20)
    for f in ("address", "notes"):
        if f in raw:
            c.take(f, v.text, f, raw[f])
    if "housing" in raw:
        c.take("housing", lambda x: (m.value if (m := v.enum(Housing, "housing", x)) else None), raw["housing"])
    if "phone" in raw:
        c.take("phone", v.phone, raw["phone"])
    if "floor" in raw:
        c.take("floor", v.integer, "floor", raw["floor"], lo=-10, hi=200)
    for f in ("area_id", "building_id", "head_person_id"):
        if f in raw:
            c.out[f] = raw[f]
    out = c.done()
    if out.get("room") and out.get("floor") is None and "floor" not in raw:
        out["floor"] = floor_of_room(out["room"])
    if not partial and not (out.get("room") or out.get("address")):
        raise InvalidRecord(
            [ValidationError("room", "房号和地址至少填写一项", "Give a room number or an address", code="required")]
        )
    return out


def clean_person(raw: dict[str, Any], *, partial: bool = False, existing: Any = None) -> dict[str, Any]:
    """Clean a person; with `existing`, an ID number, gender and birth date are checked together."""
    c = _Collector()
    if not partial or "name" in raw:
        c.take("name", v.text, "name", raw.get("name"), required=True, max_len=50)
    for f in ("skills", "notes"):
        if f in raw:
            c.take(f, v.text, f, raw[f])
    if "phone" in raw:
        c.take("phone", v.phone, raw["phone"])
    for f, cls in (("relation", Relation), ("residence", Residence), ("status", PersonStatus)):
        if f in raw:
            c.take(f, lambda x, cls=cls, f=f: (m.value if (m := v.enum(cls, f, x)) else None), raw[f])
    if "tags" in raw:
        c.take("tags", v.tags, Tag, "tags", raw["tags"])
    for f in ("area_id", "household_id"):
        if f in raw:
            c.out[f] = raw[f]
    if {"id_number", "gender", "birth_date"} & raw.keys():
        _take_identity(c, raw, existing)
    out = c.done()
    if "status" in out and out["status"] is None:
        out["status"] = PersonStatus.active.value
    return out


def _take_identity(c: "_Collector", raw: dict[str, Any], existing: Any) -> None:
    """The ID number, gender and birth date checked together (the stored ones fill in what `raw` leaves out)."""

    def pick(name: str) -> Any:
        if name in raw:
            return raw[name]
        return getattr(existing, name, None) if existing is not None else None

    # An ID number typed now overrides the gender and birth date stored before.
    id_typed = "id_number" in raw and raw["id_number"]
    gender = raw.get("gender") if ("gender" in raw or id_typed) else pick("gender")
    born = raw.get("birth_date") if ("birth_date" in raw or id_typed) else pick("birth_date")
    try:
        number, g, b = v.person_identity(pick("id_number"), gender, born)
        if "id_number" in raw:
            c.out["id_number"] = number
        if g is not None or "gender" in raw:
            c.out["gender"] = g.value if isinstance(g, Gender) else None
        if b is not None or "birth_date" in raw:
            c.out["birth_date"] = b
    except ValidationError as e:
        c.errors.append(e)


def age_on(born: date | None, day: date) -> int | None:
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
