"""The values of pushed places, inspections, hazards, hazard events, checklist items and roster members.

Checkers for domain.wire_checks (`PLACE_CHECKERS`), each given a wire_checks._Checker. A place and a roster
member go through the same cleaners the client saves them with (places.place.clean_place,
roster.clean_member). An inspection's answers and verdicts are checked here object by object (their
keys, result and outcome words, ids); whether they answer the place's checklist and decide on its open
hazards needs other records and is checked by the caller with places.inspections.validate_inspection, as
a hazard event is with places.inspections.HazardRules.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import validation as v
from .errors import ValidationError
from .places.checklists import SEVERITIES
from .places.inspections import ACTIONS, PURPOSES, RESULTS, VERDICTS
from .places.place import clean_place
from .register import InvalidRecord
from .roster import clean_member
from .wire import a_datetime, a_deadline, an_id

ANSWER_KEYS = frozenset({"item_code", "result", "photo_ids", "photo_waiver", "note"})
VERDICT_KEYS = frozenset({"hazard_id", "outcome", "reason", "days", "photo_ids", "note"})


def _ids(name: str, value: Any) -> list[str]:
    return [an_id(name, x) for x in (value or [])]


def _word(table: Mapping[str, tuple[str, str]], zh: str, en: str):
    def check(name: str, value: Any) -> str | None:
        if value is not None and value not in table:
            raise ValidationError(name, f"{v.label(name)}应为{zh}", f"{v.label(name, 'en')} must be {en}", code="enum")
        return value

    return check


def _cleaned(c: Any, cleaner, existing: Mapping[str, Any] | None, stand_ins: Mapping[str, Any]) -> None:
    """A record cleaned whole (with its stored values when it is an edit, or valid stand-ins for required
    fields an edit does not send when they are not known); only the sent fields kept."""
    raw = dict(c.raw) if c.creating else {**stand_ins, **(existing or {}), **c.raw}
    try:
        out = cleaner(raw)
    except InvalidRecord as e:
        c.errors.extend(err for err in e.errors if c.creating or err.field in c.raw or existing is not None)
        return
    c.out.update({k: val for k, val in out.items() if k in c.raw})


def _place(c: Any, existing: Mapping[str, Any] | None = None) -> None:
    for f in ("area_id", "building_id"):
        c.check(f, an_id)
    c.check("notes", lambda n, x: v.text(n, x, max_len=2000))
    ids = {k: c.out.get(k) for k in ("area_id", "building_id", "notes") if k in c.out}
    _cleaned(c, clean_place, existing, {"name": "-", "kind": "shop"})
    c.out.update(ids)


def _roster_member(c: Any, existing: Mapping[str, Any] | None = None) -> None:
    for f in ("area_id", "person_id", "user_id"):
        c.check(f, an_id)
    ids = {k: c.out[k] for k in ("area_id", "person_id", "user_id") if k in c.out}
    _cleaned(c, clean_member, existing, {"name": "-", "role": "volunteer"})
    c.out.update(ids)


def _objects(name: str, value: Any, keys: frozenset[str], id_key: str, check_one) -> list[dict]:
    out = []
    for i, obj in enumerate(value or [], start=1):
        unknown = sorted(set(obj) - keys)
        if unknown:
            shown = ", ".join(k[:32] for k in unknown[:3])
            raise ValidationError(name, f"{v.label(name)}第{i}项含有未知的键 {shown}", f"{v.label(name, 'en')}, item {i}: unknown key(s) {shown}",
                                  code="unknown_key")  # fmt: skip
        key = obj.get(id_key)
        if not isinstance(key, str) or not key.strip():
            raise ValidationError(name, f"{v.label(name)}第{i}项缺少{id_key}", f"{v.label(name, 'en')}, item {i} has no {id_key}",
                                  code="required")  # fmt: skip
        out.append(check_one(name, i, dict(obj)))
    return out


def _answer(name: str, i: int, obj: dict) -> dict:
    if len(obj["item_code"]) > 32:
        raise ValidationError(name, f"检查结果第{i}项的检查项编码过长", f"Checklist answer {i}: the item code is too long", code="too_long")
    _word(RESULTS, "合格、不合格或不适用", "pass, fail or na")(name, obj.get("result"))
    if obj.get("result") is None:
        raise ValidationError(name, f"检查结果第{i}项缺少结果", f"Checklist answer {i} has no result", code="required")
    obj["photo_ids"] = _ids("photo_ids", obj.get("photo_ids"))
    for key in ("photo_waiver", "note"):
        if obj.get(key) is not None and not isinstance(obj[key], str):
            raise ValidationError(name, f"检查结果第{i}项的说明应为文字", f"Checklist answer {i}: {key} must be a string", code="wrong_type")
        obj[key] = v.text(name, obj.get(key), max_len=500)
    return obj


def _verdict(name: str, i: int, obj: dict) -> dict:
    an_id("hazard_id", obj["hazard_id"])
    if obj.get("outcome") is None:
        raise ValidationError(name, f"复查结论第{i}项缺少结论", f"Verdict {i} has no outcome", code="required")
    _word(VERDICTS, "已整改、延期或未整改", "rectified, extended or not_rectified")(name, obj.get("outcome"))
    days = obj.get("days")
    if days is not None and (isinstance(days, bool) or not isinstance(days, int)):
        raise ValidationError(name, f"复查结论第{i}项的延期天数应为整数", f"Verdict {i}: days must be a whole number", code="wrong_type")
    obj["photo_ids"] = _ids("photo_ids", obj.get("photo_ids"))
    for key in ("reason", "note"):
        if obj.get(key) is not None and not isinstance(obj[key], str):
            raise ValidationError(name, f"复查结论第{i}项的说明应为文字", f"Verdict {i}: {key} must be a string", code="wrong_type")
        obj[key] = v.text(name, obj.get(key), max_len=500)
    return obj


def _inspection(c: Any, existing: Mapping[str, Any] | None = None) -> None:
    for f in ("area_id", "inspector_id"):
        c.check(f, an_id)
    c.check("place_id", an_id, required=True)
    c.check("at", a_datetime, required=True)
    c.check("kind", lambda n, x: v.text(n, x, max_len=32))
    c.check("purpose", _word(PURPOSES, "日常检查或复查", "routine or recheck"))
    c.check("answers", lambda n, x: _objects(n, x, ANSWER_KEYS, "item_code", _answer))
    c.check("verdicts", lambda n, x: _objects(n, x, VERDICT_KEYS, "hazard_id", _verdict))
    c.check("acknowledged_by", lambda n, x: v.text(n, x, max_len=50))
    c.check("notes", lambda n, x: v.text(n, x, max_len=2000))
    c.check("photo_ids", _ids)


def _hazard(c: Any, existing: Mapping[str, Any] | None = None) -> None:
    for f in ("area_id", "inspection_id"):
        c.check(f, an_id)
    c.check("place_id", an_id, required=True)
    c.check("item_code", lambda n, x: v.text(n, x, required=True, max_len=32), required=True)
    c.check("severity", _word(SEVERITIES, "一般、较大或重大", "general, significant or major"), required=True)
    c.check("found_at", a_datetime, required=True)
    c.check("note", lambda n, x: v.text(n, x, max_len=500))
    c.check("photo_ids", _ids)


def _hazard_event(c: Any, existing: Mapping[str, Any] | None = None) -> None:
    for f in ("area_id", "actor_id", "inspection_id", "incident_id"):
        c.check(f, an_id)
    c.check("hazard_id", an_id, required=True)
    c.check("action", _word(ACTIONS, "发现、销号、延期、未整改或转为事件", "found, rectified, extended, not_rectified or escalated"),
            required=True)  # fmt: skip
    c.check("at", a_datetime, required=True)
    c.check("deadline", a_deadline)
    c.check("reason", lambda n, x: v.text(n, x, max_len=500))
    c.check("severity", _word(SEVERITIES, "一般、较大或重大", "general, significant or major"))
    c.check("item_code", lambda n, x: v.text(n, x, max_len=32))
    c.check("photo_ids", _ids)


def _checklist(c: Any, existing: Mapping[str, Any] | None = None) -> None:
    c.check("code", lambda n, x: v.text(n, x, required=True, max_len=32), required=True)
    for f in ("name", "hazard"):
        c.check(f, lambda n, x: v.text(n, x, required=True, max_len=200), required=True)
    for f in ("name_en", "hazard_en"):
        c.check(f, lambda n, x: v.text(n, x, max_len=200))
    c.check("kinds", lambda n, x: [v.text(n, k, max_len=32) for k in (x or [])])
    c.check("severity", _word(SEVERITIES, "一般、较大或重大", "general, significant or major"))
    c.check("days", lambda n, x: v.integer(n, x, lo=1, hi=60))
    c.check("category", lambda n, x: v.text(n, x, max_len=32))


PLACE_CHECKERS = {
    "place": _place, "inspection": _inspection, "hazard": _hazard, "hazard_event": _hazard_event,
    "checklist": _checklist, "roster_member": _roster_member,
}  # fmt: skip
