"""The points rules (积分细则) in force on this computer: the server's (pulled `point_rule` records) once it
has sent them, else the shipped table (resources/point_rules.json). Awards, manual entries, orders,
activities and wishes name an item of these; the server refuses an item it does not hold."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from ..domain.participation import tables
from ..domain.participation.tables import RuleItem
from ..domain.participation_records import PointRule


def rule_items_in(s: Session) -> dict[str, RuleItem]:
    rows = list(s.exec(select(PointRule).where(PointRule.deleted == False).order_by(PointRule.code)))  # noqa: E712
    if not rows:
        return tables.rule_items()
    return {r.code: RuleItem(r.code, r.name, r.name_en or r.name, r.area_code or "", r.points) for r in rows}


def rule_choices(store: Any, lang: str = "zh") -> list[tuple[str, str, int]]:
    """(code, "area · item (points)", points) for the pickers, in the rules' order."""
    zh = lang.startswith("zh")
    with store.read() as s:
        rows = list(s.exec(select(PointRule).where(PointRule.deleted == False).order_by(PointRule.code)))  # noqa: E712
    if rows:
        named = [(r.code, (r.area_name if zh else r.area_name_en) or r.area_name or "",
                  (r.name if zh else r.name_en) or r.name, r.points) for r in rows]
    else:
        named = [(i.code, a.label(lang), i.label(lang), i.points) for a in tables.rule_areas() for i in a.items]
    return [(code, f"{area} · {item}（{points}）" if zh else f"{area} · {item} ({points})", points)
            for code, area, item, points in named]


def rule_sources(store: Any) -> dict[str, bool]:
    """code → whether a seed's rules name the item's area (`from_seed`); the points are the community's either way."""
    with store.read() as s:
        rows = list(s.exec(select(PointRule.code, PointRule.from_seed).where(PointRule.deleted == False)))  # noqa: E712
    if rows:
        return dict(rows)
    return {i.code: a.from_seed for a in tables.rule_areas() for i in a.items}


def pick_item(s: Session, code: str | None, default: str) -> str:
    """`code` if the rules in force hold it, else `default`, else their first item."""
    items = rule_items_in(s)
    if code in items:
        return code
    return default if default in items else next(iter(items))


__all__ = ["pick_item", "rule_choices", "rule_items_in", "rule_sources"]
