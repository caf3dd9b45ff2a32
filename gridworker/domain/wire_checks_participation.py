"""The values of the participation entities (domain.wire_participation): checkers for domain.wire_checks.

Each checker gets the record's collector (wire_checks._Checker: `check(name, fn, *args, required=)`)
and names every bad field. Codes (skills, posts, activity kinds, point rule items) must be those of the
resource tables; actions and statuses those of the rules modules (domain.participation).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from . import validation as v
from .errors import ValidationError
from .participation import activities, checkin, orders, points, shop, tables, wishes
from .participation import evaluation as year_end
from .wire import a_datetime, a_wire_date, an_id

MAX_ID_LIST = 200
OPINION_STATUSES = ("open", "answered", "closed")
MEMBER_STATUSES = tuple(checkin.STATUS_LABELS)
REDEMPTION_STATUSES = tuple(shop.STATUS_LABELS)


def _text(max_len: int, required: bool = False) -> Callable[[str, Any], str | None]:
    return lambda n, x: v.text(n, x, required=required, max_len=max_len)


def _int(lo: int, hi: int) -> Callable[[str, Any], int | None]:
    return lambda n, x: v.integer(n, x, lo=lo, hi=hi)


def _one_of(choices: Iterable[str], required: bool = False) -> Callable[[str, Any], str | None]:
    allowed = tuple(choices)

    def check(name: str, value: Any) -> str | None:
        if value is None or value == "":
            if required:
                raise ValidationError(name, f"{v.label(name)}不能为空", f"{v.label(name, 'en')} is required", code="required")
            return None
        if value not in allowed:
            shown = str(value)[:40]
            raise ValidationError(
                name, f"{v.label(name)}“{shown}”无效", f"{v.label(name, 'en')} '{shown}' is not one of the allowed values",
                code="enum",
            )
        return value

    return check


def _codes(known: Callable[[], dict], limit: int) -> Callable[[str, Any], list[str]]:
    def check(name: str, value: Any) -> list[str]:
        codes = list(value or [])
        if len(codes) > limit:
            raise ValidationError(name, f"{v.label(name)}最多{limit}项", f"{v.label(name, 'en')}: at most {limit}", code="too_many")
        unknown = [c for c in codes if c not in known()]
        if unknown:
            shown = str(unknown[0])[:40]
            raise ValidationError(name, f"未知的{v.label(name)}“{shown}”", f"unknown {v.label(name, 'en')} '{shown}'", code="enum")
        return list(dict.fromkeys(codes))

    return check


def _ids(name: str, value: Any) -> list[str]:
    items = list(value or [])
    if len(items) > MAX_ID_LIST:
        raise ValidationError(name, f"{v.label(name)}最多{MAX_ID_LIST}项", f"{v.label(name, 'en')}: at most {MAX_ID_LIST}", code="too_many")
    return [an_id(name, x) for x in items]


def _texts(max_items: int, max_len: int) -> Callable[[str, Any], list[str]]:
    def check(name: str, value: Any) -> list[str]:
        items = list(value or [])
        if len(items) > max_items:
            raise ValidationError(name, f"{v.label(name)}最多{max_items}项", f"{v.label(name, 'en')}: at most {max_items}", code="too_many")
        return [v.text(name, x, required=True, max_len=max_len) for x in items]

    return check


def _phone(name: str, value: Any) -> str | None:
    return v.phone(value, name)


def _flag(_name: str, value: Any) -> bool:
    return bool(value)


def _rule_item(name: str, value: Any) -> str | None:
    """A code of the points rules: the server checks it against the table it holds (editable there)."""
    return v.text(name, value, max_len=32)


def _ids_of(c, *names: str) -> None:
    for name in names:
        c.check(name, an_id)


def _member(c) -> None:
    _ids_of(c, "area_id", "building_id")
    c.check("name", _text(50, True), required=True)
    c.check("phone", _phone)
    c.check("employer", _text(100))
    c.check("estate", _text(100))
    c.check("building", _text(50))
    c.check("skills", _codes(tables.skills, 20))
    c.check("posts", _codes(tables.posts, checkin.MAX_POSTS))
    c.check("team", _text(100))
    c.check("submitted_at", a_datetime)
    c.check("status", _one_of(MEMBER_STATUSES))
    c.check("return_reason", _text(200))
    c.check("reviewed_at", a_datetime)


def _resident(c) -> None:
    c.check("area_id", an_id)
    c.check("name", _text(50, True), required=True)
    c.check("phone", _phone)
    c.check("registered_at", a_datetime)
    c.check("confirmed", _flag)
    c.check("confirm_person_id", an_id)
    c.check("undo_reason", _text(200))


def _service_order(c) -> None:
    _ids_of(c, "area_id", "resident_id", "person_id", "household_id", "visit_id")
    c.check("title", _text(100, True), required=True)
    c.check("need", _text(2000))
    c.check("raised_at", a_datetime)
    c.check("rule_item", _rule_item)
    c.check("points", _int(0, activities.MAX_POINTS))
    c.check("photo_ids", _ids)


def _event(c, parent_field: str, actions: Iterable[str]) -> None:
    _ids_of(c, "area_id", "actor_id")
    c.check(parent_field, an_id, required=True)
    c.check("action", _one_of(actions, True), required=True)
    c.check("at", a_datetime, required=True)


def _order_event(c) -> None:
    _event(c, "order_id", orders.ACTIONS)
    _ids_of(c, "resident_id", "visit_id")
    c.check("note", _text(2000))
    c.check("reason", _text(200))
    c.check("skill", _one_of(tables.skills()))
    c.check("takers_wanted", _int(1, orders.MAX_TAKERS))
    c.check("member_ids", _ids)
    c.check("photo_ids", _ids)
    c.check("rating", _int(1, 5))
    c.check("comment", _text(500))
    c.check("days_allowed", _int(1, orders.MAX_DAYS))


def _activity(c) -> None:
    c.check("area_id", an_id)
    c.check("title", _text(100, True), required=True)
    c.check("kind", _one_of(tables.activity_kinds(), True), required=True)
    c.check("place", _text(200))
    c.check("description", _text(2000))
    for name in ("starts_at", "ends_at", "signup_deadline"):
        c.check(name, a_datetime, required=name != "signup_deadline")
    c.check("capacity", _int(1, activities.MAX_CAPACITY))
    c.check("points", _int(0, activities.MAX_POINTS))
    c.check("rule_item", _rule_item)


def _code(name: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not (len(value) == 6 and value.isascii() and value.isdigit()):
        raise ValidationError(name, "签到码应为6位数字", "the check-in code must be 6 digits", code="code")
    return value


def _activity_event(c) -> None:
    _event(c, "activity_id", activities.ACTIONS)
    c.check("code", _code)
    c.check("member_ids", _ids)
    c.check("minutes", _text(10_000))
    c.check("decisions", _texts(50, 500))
    c.check("reason", _text(200))


def _ledger_entry(c) -> None:
    _ids_of(c, "area_id", "source_id", "verified_by", "reverses")
    c.check("member_id", an_id, required=True)
    c.check("points", _int(-points.MAX_POINTS, points.MAX_POINTS), required=True)
    c.check("source_kind", _one_of(sorted(points.SOURCE_KINDS), True), required=True)
    c.check("rule_item", _rule_item)
    c.check("note", _text(200))
    c.check("at", a_datetime, required=True)


def _shop_item(c) -> None:
    c.check("area_id", an_id)
    c.check("name", _text(100, True), required=True)
    c.check("description", _text(2000))
    c.check("price", _int(1, points.MAX_POINTS), required=True)
    c.check("stock_total", _int(0, 1_000_000))
    c.check("active", _flag)
    c.check("photo_ids", _ids)


def _redemption(c) -> None:
    c.check("area_id", an_id)
    c.check("member_id", an_id, required=True)
    c.check("item_id", an_id, required=True)
    c.check("qty", _int(1, shop.MAX_QTY), required=True)
    c.check("requested_at", a_datetime)
    c.check("status", _one_of(REDEMPTION_STATUSES))
    c.check("reason", _text(200))


def _wish(c) -> None:
    _ids_of(c, "area_id", "resident_id", "person_id", "household_id")
    c.check("wish", _text(500, True), required=True)
    c.check("raised_at", a_datetime)
    c.check("rule_item", _rule_item)
    c.check("points", _int(0, activities.MAX_POINTS))


def _wish_event(c) -> None:
    _event(c, "wish_id", wishes.ACTIONS)
    c.check("note", _text(2000))
    c.check("photo_ids", _ids)
    c.check("reason", _text(200))


def _notice(c) -> None:
    c.check("area_id", an_id)
    c.check("title", _text(100, True), required=True)
    c.check("body", _text(10_000, True), required=True)
    c.check("published_at", a_datetime)
    c.check("expires_on", a_wire_date)


def _notice_read(c) -> None:
    _ids_of(c, "area_id", "user_id")
    c.check("notice_id", an_id, required=True)
    c.check("at", a_datetime)


def _opinion(c) -> None:
    _ids_of(c, "area_id", "resident_id")
    c.check("topic", _text(50))
    c.check("content", _text(2000, True), required=True)
    c.check("submitted_at", a_datetime)
    c.check("status", _one_of(OPINION_STATUSES))
    c.check("answer", _text(2000))


def _evaluation(c) -> None:
    c.check("area_id", an_id)
    c.check("member_id", an_id, required=True)
    c.check("year", _int(2000, 2100), required=True)
    c.check("self_assessment", _text(year_end.MAX_SELF_ASSESSMENT))
    c.check("grade", _one_of(year_end.GRADE_LABELS))
    c.check("grade_note", _text(year_end.MAX_GRADE_NOTE))


def _point_rule(c) -> None:
    for name in ("code", "area_code"):
        c.check(name, _text(32, True), required=True)
    for name in ("name", "area_name"):
        c.check(name, _text(100, True), required=True)
    for name in ("name_en", "area_name_en"):
        c.check(name, _text(100))
    c.check("points", _int(-points.MAX_POINTS, points.MAX_POINTS), required=True)
    c.check("from_seed", _flag)


PARTICIPATION_CHECKERS = {
    "point_rule": _point_rule,
    "member": _member, "resident": _resident, "service_order": _service_order, "order_event": _order_event,
    "activity": _activity, "activity_event": _activity_event, "ledger_entry": _ledger_entry,
    "shop_item": _shop_item, "redemption": _redemption, "wish": _wish, "wish_event": _wish_event,
    "notice": _notice, "notice_read": _notice_read, "opinion": _opinion, "evaluation": _evaluation,
}  # fmt: skip
