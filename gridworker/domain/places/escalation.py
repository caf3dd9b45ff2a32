"""A hazard escalated into an incident: the incident's fields, in the worker's language (no database, no Qt)."""

from __future__ import annotations

from datetime import date, datetime

from ..workdays import TZ
from .checklists import ChecklistTable, severity_label
from .inspections import Hazard, HazardState
from .kinds import load_kinds
from .place import Place

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day_text(moment: datetime, lang: str = "zh") -> str:
    """The China day of a moment in words ("2025年10月9日", "9 Oct 2025"); not strftime, whose %b follows the locale."""
    d: date = moment.astimezone(TZ).date()
    return f"{d.year}年{d.month}月{d.day}日" if lang.startswith("zh") else f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def escalation_fields(
    place: Place, hazard: Hazard, state: HazardState, checklists: ChecklistTable, *, now: datetime, lang: str = "zh"
) -> dict:
    """The incident a hazard would become: category, title, description, location and the hazard's photos.
    Texts in the worker's language; the urgency follows the hazard's grade."""
    item = checklists.get(hazard.item_code)
    kinds = load_kinds() if checklists.kinds is None else checklists.kinds
    kind = kinds.get(place.kind)
    zh = lang.startswith("zh")
    hazard_text = item.hazard_label(lang) if item else hazard.item_code
    kind_text = kind.label(lang) if kind else ""
    grade = severity_label(state.severity or hazard.severity, lang)
    overdue = state.deadline is not None and now > state.deadline
    description = _description(place, hazard, state, hazard_text, kind_text, grade, overdue, zh)
    title = f"{place.name}：{hazard_text}" if zh else f"{place.name}: {hazard_text}"
    return {
        "category": checklists.category_for(item, place.kind) if item else (kind.category if kind else None),
        "title": title[:100],
        "description": description,
        "urgency": {"major": "urgent", "significant": "high"}.get(state.severity or hazard.severity, "normal"),
        "location_text": (place.address or place.name)[:200],
        "building_id": place.building_id,
        "area_id": place.area_id,
        "photo_ids": list(hazard.photo_ids),
    }


def _description(place: Place, hazard: Hazard, state: HazardState, hazard_text: str, kind_text: str, grade: str,
                 overdue: bool, zh: bool) -> str:
    """What the hazard is, where, since when, by when, who is in charge, and the inspector's note."""
    if zh:
        description = f"{place.name}（{kind_text}）{hazard_text}。隐患等级：{grade}。{day_text(hazard.found_at)}检查发现，"
        description += f"整改期限{day_text(state.deadline)}" + ("，已逾期未整改" if overdue else "") + "。"
        if state.extensions:
            description += f"已延期{state.extensions}次。"
        if place.person_in_charge:
            description += f"负责人：{place.person_in_charge}" + (f"，电话{place.phone}" if place.phone else "") + "。"
    else:
        description = f"{place.name} ({kind_text}): {hazard_text}. Grade: {grade}. Found on {day_text(hazard.found_at, 'en')}, "
        description += f"to be rectified by {day_text(state.deadline, 'en')}" + (" (overdue)" if overdue else "") + "."
        if state.extensions:
            description += f" Extended {state.extensions} time{'s' if state.extensions > 1 else ''}."
        if place.person_in_charge:
            description += f" Person in charge: {place.person_in_charge}" + (f", phone {place.phone}" if place.phone else "") + "."
    if hazard.note:
        description += (" " if not zh else "") + hazard.note
    return description
