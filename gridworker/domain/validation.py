"""Field validation for register records: each check raises ValidationError naming the field."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from typing import Any

from . import idnumber
from .digits import ascii_digits
from .enums import Gender, Labelled
from .errors import ValidationError

# (Chinese, English) words for every field of every entity on the wire (domain.wire.ENTITIES): the one
# table refusals (here, domain.wire, domain.wire_checks) and screens (domain.display) name fields with.
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "name": ("姓名", "name"),
    "gender": ("性别", "gender"),
    "id_number": ("身份证号", "ID number"),
    "birth_date": ("出生日期", "birth date"),
    "phone": ("电话", "phone"),
    "relation": ("与户主关系", "relation"),
    "residence": ("户籍类型", "residence"),
    "status": ("状态", "status"),
    "tags": ("标签", "tags"),
    "estate": ("小区", "estate"),
    "address": ("地址", "address"),
    "units": ("单元数", "units"),
    "floors": ("层数", "floors"),
    "unit": ("单元", "unit"),
    "room": ("房号", "room"),
    "housing": ("住房性质", "housing"),
    "lat": ("纬度", "latitude"),
    "lon": ("经度", "longitude"),
    "area_id": ("所属网格", "area"),
    "title": ("标题", "title"),
    "description": ("问题描述", "description"),
    "category": ("事件类别", "category"),
    "urgency": ("紧急程度", "urgency"),
    "location_text": ("位置描述", "location"),
    "outcome": ("走访结果", "outcome"),
    "visited_at": ("走访时间", "visit time"),
    "notes": ("备注", "notes"),
    "needs": ("诉求", "needs"),
    "note": ("说明", "note"),
    "reason": ("原因", "reason"),
    "rating": ("评分", "rating"),
    "deadline": ("期限", "deadline"),
    "assignee_id": ("处置人", "assignee"),
    "caption": ("照片说明", "caption"),
    "skills": ("特长", "skills"),
    "household_id": ("住户", "household"),
    "building_id": ("楼栋", "building"),
    "parent_id": ("上级", "parent"),
    "code": ("编码", "code"),
    "level": ("层级", "level"),
    "floor": ("楼层", "floor"),
    "head_person_id": ("户主", "head of household"),
    "person_id": ("人员", "person"),
    "moved_in": ("迁入日期", "moving-in date"),
    "moved_out": ("迁出日期", "moving-out date"),
    "visitor_id": ("走访人", "visitor"),
    "photo_ids": ("照片", "photos"),
    "reported_at": ("上报时间", "reported at"),
    "reporter_id": ("上报人", "reporter"),
    "source": ("来源", "source"),
    "overdue": ("已超期", "overdue"),
    "rework_count": ("返工次数", "times reworked"),
    "incident_id": ("事件", "incident"),
    "action": ("处理动作", "action"),
    "actor_id": ("处理人", "done by"),
    "actor_role": ("处理人角色", "role of the person"),
    "at": ("时间", "time"),
    "partly_solved": ("部分解决", "partly solved"),
    "duplicate_of": ("重复于", "duplicate of"),
    "sha256": ("照片", "photo"),
    "entity": ("所属记录类型", "belongs to"),
    "entity_id": ("所属记录", "belongs to"),
    "taken_at": ("拍摄时间", "taken at"),
    "width": ("宽度", "width"),
    "height": ("高度", "height"),
    "bytes": ("大小", "size"),
    "mime": ("格式", "format"),
    "planner_id": ("制定人", "planned by"),
    "planned_at": ("制定时间", "planned at"),
    "planned_for": ("计划日期", "planned for"),
    "household_ids": ("住户", "households"),
    "finished_at": ("完成时间", "finished at"),
    "username": ("用户名", "user name"),
    "display_name": ("姓名", "name"),
    "role": ("角色", "role"),
    "area_ids": ("负责网格", "areas"),
    "disabled": ("已停用", "disabled"),
    "name_en": ("英文名称", "English name"),
    "parent_code": ("上级类别", "parent category"),
    "kind": ("类型", "kind"),
    "level_default": ("默认层级", "default level"),
    "photo_required": ("须附照片", "photo required"),
    "keywords": ("关键词", "keywords"),
    "year": ("年份", "year"),
    "from": ("开始日期", "first day"),
    "to": ("结束日期", "last day"),
    "workdays": ("调休上班日", "make-up working days"),
    # places, inspections, hazards, checklists, the grid's roster (issue 15)
    "person_in_charge": ("负责人", "person in charge"),
    "licence_number": ("统一社会信用代码", "unified social credit code"),
    "place_id": ("场所", "place"),
    "place_ids": ("场所", "places"),
    "inspector_id": ("检查人", "inspector"),
    "purpose": ("检查类型", "type of inspection"),
    "answers": ("检查结果", "checklist answers"),
    "verdicts": ("复查结论", "re-inspection verdicts"),
    "acknowledged_by": ("负责人签名", "acknowledgement"),
    "inspection_id": ("检查记录", "inspection"),
    "item_code": ("检查项", "checklist item"),
    "severity": ("隐患等级", "grade of the hazard"),
    "found_at": ("发现时间", "found at"),
    "extensions": ("延期次数", "extensions"),
    "rectified_at": ("销号时间", "signed off at"),
    "escalated_at": ("转事件时间", "escalated at"),
    "hazard_id": ("隐患", "hazard"),
    "kinds": ("适用场所类型", "kinds of place"),
    "days": ("整改期限（工作日）", "working days to rectify"),
    "hazard": ("隐患描述", "hazard"),
    "hazard_en": ("英文隐患描述", "hazard in English"),
    "user_id": ("用户", "user"),
    # Participation (issue 16: domain.wire_participation)
    "employer": ("工作单位", "employer"),
    "building": ("楼栋", "building"),
    "posts": ("认领岗位", "posts"),
    "team": ("志愿服务队", "volunteer team"),
    "submitted_at": ("提交时间", "submitted at"),
    "return_reason": ("退回原因", "reason for returning"),
    "reviewed_by": ("审核人", "reviewed by"),
    "reviewed_at": ("审核时间", "reviewed at"),
    "to_place": ("待人工分配网格", "to be placed by hand"),
    "registered_at": ("注册时间", "registered at"),
    "verified": ("已核验身份", "identity verified"),
    "verified_at": ("核实时间", "verified at"),
    "verified_by": ("核实人", "verified by"),
    "special_group": ("特殊群体", "special group"),
    "confirmed": ("网格员已确认身份", "confirmed by staff"),
    "confirm_person_id": ("对应的登记人员", "person of the register"),
    "undo_reason": ("撤销确认的原因", "reason for undoing the confirmation"),
    "confirmed_at": ("确认时间", "confirmed at"),
    "need": ("需求内容", "what is needed"),
    "resident_id": ("居民", "resident"),
    "visit_id": ("走访记录", "visit"),
    "raised_at": ("提出时间", "raised at"),
    "rule_item": ("积分项目", "points rule"),
    "points": ("积分", "points"),
    "raised_by": ("提出人", "raised by"),
    "skill": ("所需特长", "skill needed"),
    "takers_wanted": ("需要人数", "members wanted"),
    "takers": ("接单党员", "members who took it"),
    "invited": ("指派党员", "members assigned"),
    "write_up": ("工作简述", "write-up"),
    "closed_at": ("完成时间", "closed at"),
    "comment": ("评价意见", "comment"),
    "on_time": ("按时完成", "on time"),
    "order_id": ("服务点单", "service order"),
    "member_ids": ("党员", "members"),
    "days_allowed": ("办理时限（工作日）", "working days allowed"),
    "place": ("地点", "place"),
    "starts_at": ("开始时间", "starts at"),
    "ends_at": ("结束时间", "ends at"),
    "signup_deadline": ("报名截止时间", "sign-up deadline"),
    "capacity": ("名额", "places"),
    "signed_up": ("已报名", "signed up"),
    "attended": ("已签到", "attended"),
    "minutes": ("会议记录", "minutes"),
    "decisions": ("议定事项", "decisions"),
    "cancel_reason": ("取消原因", "reason for cancelling"),
    "activity_id": ("活动", "activity"),
    "member_id": ("党员", "member"),
    "source_kind": ("积分来源", "source of the points"),
    "source_id": ("来源记录", "source record"),
    "reverses": ("冲正的记录", "entry corrected"),
    "price": ("所需积分", "price in points"),
    "stock_total": ("累计入库数量", "pieces supplied in total"),
    "active": ("上架中", "on offer"),
    "stock": ("库存", "stock"),
    "item_id": ("兑换商品", "item"),
    "qty": ("数量", "quantity"),
    "requested_at": ("申请时间", "requested at"),
    "recorded_by": ("登记人", "recorded by"),
    "closed_by": ("办理人", "closed by"),
    "wish": ("心愿内容", "wish"),
    "claimed_by": ("认领党员", "claimed by"),
    "confirmed_by": ("确认人", "confirmed by"),
    "wish_id": ("微心愿", "micro-wish"),
    "body": ("正文", "text"),
    "published_at": ("发布时间", "published at"),
    "published_by": ("发布人", "published by"),
    "expires_on": ("截止日期", "shown until"),
    "read_count": ("已读人数", "times read"),
    "notice_id": ("公告", "notice"),
    "user_id": ("用户", "user"),
    "topic": ("主题", "topic"),
    "content": ("意见内容", "opinion"),
    "answer": ("答复", "answer"),
    "answered_by": ("答复人", "answered by"),
    "answered_at": ("答复时间", "answered at"),
    "password": ("密码", "password"),
    "area_code": ("积分方面编码", "rule area code"),
    "area_name": ("积分方面", "rule area"),
    "area_name_en": ("积分方面英文名称", "rule area in English"),
    "from_seed": ("来自原始细则", "from the seed rules"),
    "community_id": ("社区", "community"),
    "self_assessment": ("个人自评", "self-assessment"),
    "self_assessed_at": ("自评时间", "self-assessed at"),
    "grade": ("社区测评等次", "community's rating"),
    "grade_note": ("测评意见", "rating note"),
    "rated_by": ("测评人", "rated by"),
    "rated_at": ("测评时间", "rated at"),
}

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")  # C0 control characters but tab (09) and newline (0a)
_MOBILE = re.compile(r"^1[3-9][0-9]{9}$", re.ASCII)
# Landlines: optional 3-4 digit area code starting with 0, then 7-8 digits.
_LANDLINE = re.compile(r"^(0[0-9]{2,3}-?)?[2-9][0-9]{6,7}$", re.ASCII)
MAX_TEXT = {"name": 50, "default": 200, "notes": 2000}


def _short(value: Any, limit: int = 40) -> str:
    """A value as quoted in a message: a 400-digit number is not read by anyone."""
    if isinstance(value, int) and abs(value) >= 10**limit:
        return ("-" if value < 0 else "") + f"~1e{int(abs(value).bit_length() * 0.30103)}"
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"


def label(field: str, lang: str = "zh") -> str:
    """The words for a field in a message; a field missing from the table gets a neutral word, never its wire name."""
    zh, en = FIELD_LABELS.get(field, ("此项", "this field"))
    return zh if lang.startswith("zh") else en


def text(field: str, value: Any, *, required: bool = False, max_len: int | None = None) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError(field, f"{label(field)}不能为空", f"{label(field, 'en')} is required", code="required")
        return None
    s = str(value).strip()
    limit = max_len or MAX_TEXT.get(field, MAX_TEXT["default"])
    if len(s) > limit:
        raise ValidationError(
            field,
            f"{label(field)}过长（最多{limit}个字）",
            f"{label(field, 'en')} is too long (at most {limit} characters)",
            code="too_long",
        )
    if _CONTROL.search(s):
        raise ValidationError(
            field, f"{label(field)}含有控制字符", f"{label(field, 'en')} contains control characters", code="control_chars"
        )
    return s


def phone(value: Any, field: str = "phone") -> str | None:
    """A mainland mobile number (11 digits starting 13-19) or a landline; +86 and separators allowed.

    Digits of any script (full-width, Arabic-Indic, …) are stored as ASCII.
    """
    if value is None or not str(value).strip():
        return None
    s = re.sub(r"[\s()（）]", "", ascii_digits(str(value)))
    if s.startswith("+86"):
        s = s[3:]
    elif s.startswith("0086"):
        s = s[4:]
    digits = s.replace("-", "")
    if _MOBILE.match(digits):
        return digits
    if _LANDLINE.match(s):
        return s
    raise ValidationError(
        field,
        f"{label(field)}“{value}”不是有效的手机号（11位，以13-19开头）或固定电话",
        f"{label(field, 'en')} '{value}' is not a valid mobile number (11 digits starting 13-19) or landline",
        code="phone",
    )


def enum(cls: type[Labelled], field: str, value: Any, *, required: bool = False):
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError(field, f"{label(field)}不能为空", f"{label(field, 'en')} is required", code="required")
        return None
    if isinstance(value, cls):
        return value
    try:
        return cls.parse(value)
    except ValueError:
        choices_zh = "、".join(m.label("zh") for m in cls)
        choices_en = ", ".join(m.value for m in cls)
        raise ValidationError(
            field,
            f"{label(field)}“{value}”无效，可选：{choices_zh}",
            f"{label(field, 'en')} '{value}' is not one of: {choices_en}",
            code="enum",
        ) from None


def tags(cls: type[Labelled], field: str, value: Any) -> list[str]:
    if value is None or value == "":
        return []
    items = value if isinstance(value, (list, tuple, set)) else re.split(r"[,，;；、\s]+", str(value))
    out: list[str] = []
    for item in items:
        if item is None or not str(item).strip():
            continue
        member = enum(cls, field, item)
        if member.value not in out:
            out.append(member.value)
    return out


def integer(field: str, value: Any, *, lo: int = 0, hi: int = 10_000) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        if isinstance(value, int) and not isinstance(value, bool):
            n = value  # as sent: float() of a huge integer overflows
        else:
            f = float(value)
            if f != int(f):
                raise ValueError
            n = int(f)
    except (TypeError, ValueError, OverflowError):  # OverflowError: int() of an infinity ("1e400")
        raise ValidationError(
            field,
            f"{label(field)}“{_short(value)}”应为整数",
            f"{label(field, 'en')} '{_short(value)}' must be a whole number",
            code="integer",
        ) from None
    if not lo <= n <= hi:
        raise ValidationError(
            field,
            f"{label(field)}应在{lo}到{hi}之间",
            f"{label(field, 'en')} must be between {lo} and {hi}",
            code="range",
        )
    return n


def coordinate(field: str, value: Any) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        f = float(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: an integer too big for a float
        raise ValidationError(
            field, f"{label(field)}“{_short(value)}”应为数字", f"{label(field, 'en')} '{_short(value)}' must be a number", code="number"
        ) from None
    limit = 90.0 if field == "lat" else 180.0
    if not -limit <= f <= limit:
        raise ValidationError(
            field,
            f"{label(field)}应在±{limit:g}之间",
            f"{label(field, 'en')} must be within ±{limit:g}",
            code="range",
        )
    return f


# Bounds of dates (docs/sync-protocol.md §4.8): field → (earliest, latest as days after today, or a fixed last day).
# "Today" is the date on the latest clock on Earth (UTC+14), so no one's today is ever refused.
EARLIEST_DATE = date(1900, 1, 1)
PLAN_DAYS = 5 * 366
DATE_BOUNDS: dict[str, tuple[date | int, date | int]] = {
    "birth_date": (EARLIEST_DATE, 0),
    "planned_for": (-PLAN_DAYS, PLAN_DAYS),
    "moved_in": (EARLIEST_DATE, 366),
    "moved_out": (EARLIEST_DATE, 366),
    # The holiday table is published per year (its `year` runs 1900-2200).
    "from": (EARLIEST_DATE, date(2200, 12, 31)),
    "to": (EARLIEST_DATE, date(2200, 12, 31)),
    "workdays": (EARLIEST_DATE, date(2200, 12, 31)),
}
DEFAULT_DATE_BOUNDS: tuple[date | int, date | int] = (EARLIEST_DATE, PLAN_DAYS)


def _today() -> date:
    return (datetime.now(timezone.utc) + timedelta(hours=14)).date()


def date_window(field: str) -> tuple[date, date]:
    """The first and last date a field may hold."""
    today = _today()
    lo, hi = DATE_BOUNDS.get(field, DEFAULT_DATE_BOUNDS)
    return (
        lo if isinstance(lo, date) else today + timedelta(days=lo),
        hi if isinstance(hi, date) else today + timedelta(days=hi),
    )


def _bounded(field: str, day: date) -> date:
    lo, hi = date_window(field)
    if not lo <= day <= hi:
        raise ValidationError(
            field,
            f"{label(field)}应在{lo.isoformat()}到{hi.isoformat()}之间",
            f"{label(field, 'en')} must be between {lo.isoformat()} and {hi.isoformat()}",
            code="date_range",
        )
    return day


def a_date(field: str, value: Any) -> date | None:
    """A date as people write it (1980-05-17, 1980/5/17, 1980年5月17日), within the field's bounds."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, date):
        return _bounded(field, value.date() if isinstance(value, datetime) else value)
    s = str(value).strip().replace("/", "-").replace(".", "-")
    m = re.match(r"^(\d{4})-?(\d{1,2})-?(\d{1,2})(?:[ T].*)?$", s) or re.match(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$", s)
    try:
        if not m:
            raise ValueError
        day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise ValidationError(
            field,
            f"{label(field)}“{value}”不是有效日期（如 1980-05-17）",
            f"{label(field, 'en')} '{value}' is not a valid date (e.g. 1980-05-17)",
            code="date",
        ) from None
    return _bounded(field, day)


def person_identity(
    id_number: Any, gender: Any, birth_date: Any
) -> tuple[str | None, Gender | None, date | None]:
    """Check an ID number and fill in, or check, gender and birth date from it."""
    g = enum(Gender, "gender", gender)
    b = a_date("birth_date", birth_date)
    if id_number is None or not str(id_number).strip():
        return None, g, b
    info = idnumber.parse(str(id_number))
    if g is not None and g != info.gender:
        raise ValidationError(
            "gender",
            f"性别“{g.label()}”与身份证号不符（应为{info.gender.label()}）",
            f"gender '{g.value}' does not match the ID number ({info.gender.value})",
            code="id_mismatch",
        )
    if b is not None and b != info.birth_date:
        raise ValidationError(
            "birth_date",
            f"出生日期{b.isoformat()}与身份证号不符（应为{info.birth_date.isoformat()}）",
            f"birth date {b.isoformat()} does not match the ID number ({info.birth_date.isoformat()})",
            code="id_mismatch",
        )
    return info.number, info.gender, info.birth_date
