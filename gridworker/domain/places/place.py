"""A place (场所) of the register: a shop, restaurant, workshop, property company, organisation …

The register record is cleaned here as people are in domain/register.py:
every field checked, every problem reported with its field at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import validation as v
from ..errors import ValidationError
from ..register import InvalidRecord
from . import licence
from .kinds import PlaceKindTable, load_kinds


@dataclass(frozen=True)
class Place:
    id: str
    name: str
    kind: str  # a code of the place-kind table
    area_id: str | None = None  # the grid
    address: str | None = None
    building_id: str | None = None
    person_in_charge: str | None = None
    phone: str | None = None
    licence_number: str | None = None  # 统一社会信用代码


def clean_place(raw: dict[str, Any], kinds: PlaceKindTable | None = None) -> dict[str, Any]:
    """Wire values of a place, or InvalidRecord naming every invalid field."""
    kinds = kinds or load_kinds()
    out: dict[str, Any] = {}
    errors: list[ValidationError] = []

    def take(field: str, fn, *args, **kw) -> None:
        try:
            out[field] = fn(*args, **kw)
        except ValidationError as e:
            errors.append(e)

    take("name", text, "name", raw.get("name"), required=True)
    take("kind", _kind, raw.get("kind"), kinds)
    take("address", text, "address", raw.get("address"))
    take("person_in_charge", text, "person_in_charge", raw.get("person_in_charge"))
    take("phone", v.phone, raw.get("phone"))
    number = raw.get("licence_number")
    if number is None or not str(number).strip():
        out["licence_number"] = None
    else:
        take("licence_number", licence.parse, number)
    for key in ("area_id", "building_id"):
        out[key] = raw.get(key) or None
    if errors:
        raise InvalidRecord(errors)
    return out


# A place's fields as people read them, and their longest length.
FIELDS: dict[str, tuple[str, str, int]] = {
    "name": ("场所名称", "name of the place", 100),
    "kind": ("场所类型", "kind of place", 32),
    "address": ("地址", "address", 200),
    "person_in_charge": ("负责人", "person in charge", 50),
    "phone": ("负责人电话", "phone of the person in charge", 20),
    "licence_number": ("统一社会信用代码", "unified social credit code", 18),
}


def text(field: str, value: Any, *, required: bool = False) -> str | None:
    """Validated text of a place's field, with the place's own field labels."""
    zh, en, limit = FIELDS[field]
    try:
        return v.text(field, value, required=required, max_len=limit)
    except ValidationError as e:
        if e.code == "required":
            raise ValidationError(field, f"{zh}不能为空", f"The {en} is required", code=e.code) from None
        if e.code == "too_long":
            raise ValidationError(field, f"{zh}过长（最多{limit}个字）", f"The {en} is too long (at most {limit} characters)",
                                  code=e.code) from None  # fmt: skip
        raise ValidationError(field, f"{zh}含有控制字符", f"The {en} contains control characters", code=e.code) from None


def _kind(value: Any, kinds: PlaceKindTable) -> str:
    text = str(value or "").strip()
    for k in kinds:
        if text in (k.code, k.name) or text.lower() == k.name_en.lower():
            return k.code
    if not text:
        raise ValidationError("kind", "场所类型不能为空", "The kind of place is required", code="required")
    raise ValidationError(
        "kind", f"未知的场所类型“{text}”（可选：{'、'.join(k.name for k in kinds)}）",
        f"Unknown kind of place '{text}' (one of: {', '.join(k.name_en for k in kinds)})", code="unknown_kind",
    )  # fmt: skip
