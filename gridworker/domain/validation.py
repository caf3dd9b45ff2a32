"""Field validation for register records: each check raises ValidationError naming the field."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from . import idnumber
from .digits import ascii_digits
from .enums import Gender, Labelled
from .errors import ValidationError

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
}

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
    zh, en = FIELD_LABELS.get(field, (field, field))
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
    if any(ord(c) < 32 and c not in "\n\t" for c in s):
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


def a_date(field: str, value: Any) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, date):
        return value.date() if hasattr(value, "date") and callable(value.date) else value
    s = str(value).strip().replace("/", "-").replace(".", "-")
    m = re.match(r"^(\d{4})-?(\d{1,2})-?(\d{1,2})(?:[ T].*)?$", s) or re.match(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$", s)
    try:
        if not m:
            raise ValueError
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise ValidationError(
            field,
            f"{label(field)}“{value}”不是有效日期（如 1980-05-17）",
            f"{label(field, 'en')} '{value}' is not a valid date (e.g. 1980-05-17)",
            code="date",
        ) from None


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
