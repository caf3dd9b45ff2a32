"""How records, fields and values are named to a person: never a wire name, a raw value, an id or an ISO time.

The sync page lists conflicts and refused changes of any entity and field
the protocol carries (domain.wire.ENTITIES); this module gives each of them
words in Chinese and English, and turns a wire value into what a grid worker
reads: an enumeration's label, a time in Beijing time, "3 户" for a list of
households, a name for an id (the caller passes the names it could look up;
an id it could not is never shown, a neutral word is).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from . import wire
from .counts import count_text  # noqa: F401 - its callers import it from here
from .enums import (
    Action,
    AreaLevel,
    Gender,
    Housing,
    Labelled,
    Level,
    Outcome,
    PersonStatus,
    Relation,
    Residence,
    Role,
    Source,
    Status,
    Tag,
    Urgency,
)
from .fieldwork import CHINA_TZ
from .validation import FIELD_LABELS

# (Chinese, English) for each entity of the protocol.
ENTITY_LABELS: dict[str, tuple[str, str]] = {
    "area": ("网格", "area"),
    "user": ("用户", "user"),
    "category": ("事件类别", "category"),
    "holiday": ("节假日", "holiday"),
    "building": ("楼栋", "building"),
    "household": ("住户", "household"),
    "person": ("人员", "person"),
    "membership": ("居住记录", "residence record"),
    "visit": ("走访", "visit"),
    "incident": ("事件", "incident"),
    "incident_event": ("事件处理记录", "incident update"),
    "photo": ("照片", "photo"),
    "place": ("场所", "place"),
    "inspection": ("场所检查", "inspection"),
    "hazard": ("隐患", "hazard"),
    "hazard_event": ("隐患整改记录", "hazard update"),
    "checklist": ("检查项", "checklist item"),
    "roster_member": ("网格力量", "grid team member"),
    "walkround": ("走访计划", "walk-round"),
    "point_rule": ("积分细则", "points rule"),
    "member": ("党员报到", "member check-in"),
    "resident": ("居民账户", "resident account"),
    "service_order": ("服务点单", "service order"),
    "order_event": ("点单办理记录", "service order update"),
    "activity": ("活动", "activity"),
    "activity_event": ("活动记录", "activity update"),
    "ledger_entry": ("积分记录", "points entry"),
    "shop_item": ("积分商品", "shop item"),
    "redemption": ("积分兑换", "redemption"),
    "wish": ("微心愿", "micro-wish"),
    "wish_event": ("微心愿办理记录", "micro-wish update"),
    "notice": ("公告", "notice"),
    "notice_read": ("公告阅读记录", "notice read"),
    "opinion": ("意见", "opinion"),
}

# Per entity where one wire name means different things.
_ENTITY_FIELDS: dict[tuple[str, str], tuple[str, str]] = {
    ("walkround", "name"): ("计划名称", "name"),
    ("walkround", "status"): ("计划状态", "status"),
    ("incident", "status"): ("事件状态", "status"),
    ("incident_event", "assignee_id"): ("处置人", "assignee"),
    ("area", "name"): ("名称", "name"),
    ("building", "name"): ("楼栋名称", "building name"),
    ("place", "name"): ("场所名称", "name of the place"),
    ("place", "kind"): ("场所类型", "kind of place"),
    ("place", "phone"): ("负责人电话", "phone of the person in charge"),
    ("inspection", "at"): ("检查时间", "inspected at"),
    ("hazard", "status"): ("整改状态", "status"),
    ("hazard", "deadline"): ("整改期限", "deadline"),
    ("checklist", "name"): ("检查内容", "what is checked"),
    ("roster_member", "role"): ("网格角色", "role in the grid"),
    ("member", "status"): ("报到状态", "check-in status"),
    ("service_order", "status"): ("点单状态", "order status"),
    ("activity", "status"): ("活动状态", "activity status"),
    ("redemption", "status"): ("兑换状态", "redemption status"),
    ("wish", "status"): ("心愿状态", "wish status"),
    ("opinion", "status"): ("办理状态", "status"),
    ("shop_item", "name"): ("商品名称", "item name"),
    ("activity", "kind"): ("活动类型", "kind of activity"),
    ("activity", "description"): ("活动介绍", "description"),
    ("shop_item", "description"): ("商品介绍", "description"),
    ("service_order", "title"): ("点单标题", "title"),
    ("order_event", "action"): ("办理动作", "action"),
    ("activity_event", "action"): ("活动动作", "action"),
    ("wish_event", "action"): ("办理动作", "action"),
    ("activity_event", "code"): ("签到码", "check-in code"),
    ("order_event", "note"): ("说明", "note"),
    ("shop_item", "points"): ("积分", "points"),
}

# The enumeration a field's value belongs to.
_ENUMS: dict[tuple[str | None, str], type[Labelled]] = {
    (None, "gender"): Gender,
    (None, "housing"): Housing,
    (None, "relation"): Relation,
    (None, "residence"): Residence,
    (None, "tags"): Tag,
    (None, "outcome"): Outcome,
    (None, "urgency"): Urgency,
    (None, "source"): Source,
    (None, "action"): Action,
    (None, "role"): Role,
    (None, "actor_role"): Role,
    ("person", "status"): PersonStatus,
    ("incident", "status"): Status,
    ("incident", "level"): Level,
    ("incident_event", "level"): Level,
    ("area", "level"): AreaLevel,
}
_WALKROUND_STATUS = {"open": ("进行中", "open"), "done": ("已完成", "done"), "cancelled": ("已取消", "cancelled")}

# A list of ids is said as a count of what it holds.
_COUNTED = {
    "household_ids": ("{0} 户", "{0} household", "{0} households"),
    "photo_ids": ("{0} 张", "{0} photo", "{0} photos"),
    "area_ids": ("{0} 个网格", "{0} area", "{0} areas"),
}
UNKNOWN_RECORD = ("（本机没有这条记录）", "(not on this computer)")


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang.startswith("zh") else pair[1]


def entity_label(entity: str, lang: str) -> str:
    return _pick(ENTITY_LABELS.get(entity, ("记录", "record")), lang)


def field_label(field: str, lang: str, entity: str | None = None) -> str:
    """The words for a field ("Phone" in a table cell); an unknown field gets a neutral word, never its wire name."""
    pair = _ENTITY_FIELDS.get((entity or "", field)) or FIELD_LABELS.get(field)
    if pair is None:
        pair = ("其他信息", "other detail")
    text = _pick(pair, lang)
    return text if lang.startswith("zh") else text[:1].upper() + text[1:]


def wire_type(entity: str | None, field: str) -> str | None:
    spec = wire.ENTITIES.get(entity or "")
    if spec is not None and field in spec.fields:
        return spec.fields[field]
    for other in wire.ENTITIES.values():  # a field of an entity we were not told: its usual type
        if field in other.fields:
            return other.fields[field]
    return None


def time_text(moment: datetime) -> str:
    """A moment in Beijing time, to the minute: records and screens use the records' zone."""
    if moment.tzinfo is None:
        return moment.strftime("%Y-%m-%d %H:%M")
    return moment.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")


def _enum_text(cls: type[Labelled], value: Any, lang: str) -> str:
    try:
        return cls(value).label(lang)
    except ValueError:
        return "其他" if lang.startswith("zh") else "other"


def value_text(entity: str | None, field: str, value: Any, lang: str, names: Mapping[str, str] | None = None) -> str:
    """A wire value as a person reads it. `names`: id → what the record is called (looked up by the caller)."""
    if value is None or value == "" or value == []:
        return "—"
    kind = wire_type(entity, field)
    shown = _typed_text(kind, field, value, lang, names or {})
    if shown is None:
        shown = _named_text(entity, field, value, lang)
    return shown


def _typed_text(kind: str | None, field: str, value: Any, lang: str, names: Mapping[str, str]) -> str | None:
    """Values read by their wire type: yes/no, counts, record names, times and dates (None: not one of these)."""
    zh = lang.startswith("zh")
    if isinstance(value, bool) or kind == wire.BOOL:
        return ("是" if value else "否") if zh else ("yes" if value else "no")
    if isinstance(value, list) and (field in _COUNTED or kind == wire.ID_LIST):
        return _count_of(kind, field, value, zh)
    if kind == wire.ID or field.endswith("_id"):
        return names.get(str(value)) or _pick(UNKNOWN_RECORD, lang)
    if kind == wire.DATETIME or isinstance(value, datetime):
        moment = value if isinstance(value, datetime) else _parse_time(value)
        return time_text(moment) if moment is not None else "—"
    if kind == wire.DATE or isinstance(value, date):
        return value.isoformat() if isinstance(value, date) else str(value)[:10]
    return None


def _count_of(kind: str | None, field: str, value: list, zh: bool) -> str:
    if field in _COUNTED:
        zh_text, one, many = _COUNTED[field]
        return zh_text.format(len(value)) if zh else count_text(len(value), one, many)
    return ("{0} 项" if zh else "{0} items").format(len(value))


def _named_text(entity: str | None, field: str, value: Any, lang: str) -> str:
    """Values read by what the field names: entity kinds, statuses, categories, enumerations, plain text."""
    joiner = "、" if lang.startswith("zh") else ", "
    if field == "entity":
        return entity_label(str(value), lang)
    if entity == "walkround" and field == "status":
        return _pick(_WALKROUND_STATUS.get(str(value), ("其他", "other")), lang)
    if field == "category":
        return _category_text(str(value), lang)
    coded = _participation_words(entity, field)
    if coded is not None:
        words = [_coded_text(coded, str(v), lang) for v in (value if isinstance(value, list) else [value])]
        return joiner.join(words)
    cls = _ENUMS.get((entity, field)) or _ENUMS.get((None, field))
    if cls is not None:
        if isinstance(value, list):
            return joiner.join(_enum_text(cls, v, lang) for v in value)
        return _enum_text(cls, value, lang)
    if isinstance(value, list):
        return joiner.join(str(v) for v in value)
    return str(value)


def _parse_time(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


def _category_text(code: str, lang: str) -> str:
    from .categories import load_categories  # the table is read once, when a category is first shown

    category = load_categories().get(code)
    return category.label(lang) if category is not None else ("其他类别" if lang.startswith("zh") else "another category")


_OPINION_STATUS = {"open": ("待答复", "open"), "answered": ("已答复", "answered"), "closed": ("已关闭", "closed")}
_ACTIVITY_STATUS = {"published": ("已发布", "published"), "cancelled": ("已取消", "cancelled")}
_ORDER_SOURCES = {"resident": ("居民点单", "a resident's request"), "visit": ("走访中发现", "raised in a visit"),
                  "staff": ("社区录入", "entered by staff")}
_SOURCE_KINDS = {"activity": ("活动", "activity"), "order": ("服务点单", "service order"), "wish": ("微心愿", "micro-wish"),
                 "manual": ("手工记分", "manual entry"), "redemption": ("积分兑换", "points shop"), "reversal": ("冲正", "reversal")}


def _participation_words(entity: str | None, field: str) -> dict[str, tuple[str, str]] | None:
    """The (zh, en) words of a participation record's coded field (issue 16), or None for any other field."""
    from .participation import activities, checkin, orders, shop, tables, wishes

    def named(table) -> dict[str, tuple[str, str]]:
        return {code: (entry.label("zh"), entry.label("en")) for code, entry in table.items()}

    if field in ("skills", "skill") and entity in ("member", "service_order", "order_event"):
        return named(tables.skills())
    if field == "rule_item" and entity in ("service_order", "activity", "ledger_entry", "wish"):
        return named(tables.rule_items())
    by_field = {
        ("member", "posts"): lambda: named(tables.posts()), ("member", "status"): lambda: checkin.STATUS_LABELS,
        ("service_order", "status"): lambda: orders.STATUS_LABELS, ("service_order", "source"): lambda: _ORDER_SOURCES,
        ("order_event", "action"): lambda: orders.ACTION_LABELS, ("activity", "kind"): lambda: named(tables.activity_kinds()),
        ("activity", "status"): lambda: _ACTIVITY_STATUS, ("activity_event", "action"): lambda: activities.ACTION_LABELS,
        ("ledger_entry", "source_kind"): lambda: _SOURCE_KINDS, ("redemption", "status"): lambda: shop.STATUS_LABELS,
        ("wish", "status"): lambda: wishes.STATUS_LABELS, ("wish_event", "action"): lambda: wishes.ACTION_LABELS,
        ("opinion", "status"): lambda: _OPINION_STATUS,
    }
    words = by_field.get((entity or "", field))
    return words() if words is not None else None


def _coded_text(words: dict[str, tuple[str, str]], code: str, lang: str) -> str:
    pair = words.get(code)
    if pair is None:
        return "其他" if lang.startswith("zh") else "other"
    text = _pick(pair, lang)
    return text if lang.startswith("zh") else text[:1].upper() + text[1:]
