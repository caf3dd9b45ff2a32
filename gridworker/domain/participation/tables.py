"""The resource tables as lookups: posts, skills, activity kinds, point rules (names in Chinese and English)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .common import load_table


@dataclass(frozen=True)
class Named:
    code: str
    name: str
    name_en: str

    def label(self, lang: str = "zh") -> str:
        return self.name if lang.startswith("zh") else self.name_en


@dataclass(frozen=True)
class RuleItem(Named):
    area: str
    points: int


@dataclass(frozen=True)
class RuleArea(Named):
    from_seed: bool
    items: tuple[RuleItem, ...]


@lru_cache(maxsize=1)
def post_sets() -> dict[str, tuple[Named, ...]]:
    """Post sets by code ("tongnan", "junan"): a community configures which posts it offers."""
    sets = load_table("posts.json")["sets"]
    return {s["code"]: tuple(Named(p["code"], p["name"], p["name_en"]) for p in s["posts"]) for s in sets}


@lru_cache(maxsize=1)
def posts() -> dict[str, Named]:
    return {p.code: p for group in post_sets().values() for p in group}


@lru_cache(maxsize=1)
def skills() -> dict[str, Named]:
    return {s["code"]: Named(s["code"], s["name"], s["name_en"]) for s in load_table("skills.json")["skills"]}


@lru_cache(maxsize=1)
def activity_kinds() -> dict[str, Named]:
    return {k["code"]: Named(k["code"], k["name"], k["name_en"]) for k in load_table("activity_kinds.json")["kinds"]}


@lru_cache(maxsize=1)
def deliberation_kinds() -> frozenset[str]:
    return frozenset(k["code"] for k in load_table("activity_kinds.json")["kinds"] if k.get("deliberation"))


@lru_cache(maxsize=1)
def rule_areas() -> tuple[RuleArea, ...]:
    areas = []
    for a in load_table("point_rules.json")["areas"]:
        items = tuple(RuleItem(i["code"], i["name"], i["name_en"], a["code"], int(i["points"])) for i in a["items"])
        areas.append(RuleArea(a["code"], a["name"], a["name_en"], bool(a["from_seed"]), items))
    return tuple(areas)


@lru_cache(maxsize=1)
def rule_items() -> dict[str, RuleItem]:
    return {item.code: item for area in rule_areas() for item in area.items}
