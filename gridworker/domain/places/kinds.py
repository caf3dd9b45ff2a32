"""The kinds of place a grid worker inspects: the nine small places (九小场所) and organisations.

The table is resources/place_kinds.json: each kind's Chinese and
English name, whether it is one of the nine small places, how often it is
inspected (days) and the incident category a serious hazard found there is
escalated into when its checklist item names none.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from ... import resources_path
from ..errors import GridWorkerError

TABLE_FORMAT = "gridworker-place-kinds"
TABLE_VERSION = 1
_KEYS = {"code", "name", "name_en", "small_place", "interval_days", "category"}
MAX_INTERVAL_DAYS = 366


class PlaceKindTableError(GridWorkerError):
    code = "invalid_place_kind_table"


@dataclass(frozen=True)
class PlaceKind:
    code: str
    name: str
    name_en: str
    small_place: bool  # one of the nine small places (九小场所)
    interval_days: int  # inspected at least this often
    category: str  # incident category for escalation when the item names none

    def label(self, lang: str = "zh") -> str:
        return self.name if lang.startswith("zh") else self.name_en


class PlaceKindTable:
    def __init__(self, kinds: list[PlaceKind]):
        self._all = tuple(kinds)
        self._by_code = {k.code: k for k in kinds}

    @classmethod
    def from_table(cls, table: dict) -> "PlaceKindTable":
        return cls(parse_table(table))

    def __iter__(self) -> Iterator[PlaceKind]:
        return iter(self._all)

    def __len__(self) -> int:
        return len(self._all)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def get(self, code: str) -> PlaceKind | None:
        return self._by_code.get(code)

    def __getitem__(self, code: str) -> PlaceKind:
        return self._by_code[code]

    def small_places(self) -> list[PlaceKind]:
        return [k for k in self._all if k.small_place]

    def codes(self) -> list[str]:
        return [k.code for k in self._all]


@lru_cache(maxsize=1)
def load_kinds() -> PlaceKindTable:
    """The table shipped with the app."""
    text = resources_path("place_kinds.json").read_text(encoding="utf-8")
    try:
        table = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlaceKindTableError(
            f"场所类型表不是有效的 JSON（第{exc.lineno}行）", f"The place-kind table is not valid JSON (line {exc.lineno})"
        ) from exc
    return PlaceKindTable.from_table(table)


def parse_table(table: object) -> list[PlaceKind]:
    if not isinstance(table, dict) or table.get("format") != TABLE_FORMAT:
        raise PlaceKindTableError(f"场所类型表的 format 必须是 “{TABLE_FORMAT}”", f"The place-kind table's 'format' must be '{TABLE_FORMAT}'")
    if table.get("version") != TABLE_VERSION:
        raise PlaceKindTableError(
            f"不支持的场所类型表版本：{table.get('version')!r}", f"Unsupported place-kind table version {table.get('version')!r}"
        )
    entries = table.get("kinds")
    if not isinstance(entries, list) or not entries:
        raise PlaceKindTableError("场所类型表缺少 kinds", "The place-kind table has no 'kinds'")
    out, seen = [], set()
    for i, e in enumerate(entries, start=1):
        code = e.get("code") if isinstance(e, dict) else None

        def fail(zh: str, en: str, i=i, code=code) -> PlaceKindTableError:
            return PlaceKindTableError(f"场所类型表第{i}项（{code}）：{zh}", f"Place-kind table, entry {i} ({code}): {en}")

        if not isinstance(e, dict):
            raise fail("应为对象", "expected an object")
        if not isinstance(code, str) or not code or code in seen:
            raise fail("编码缺失或重复", "the code is missing or appears twice")
        seen.add(code)
        unknown = sorted(set(e) - _KEYS)
        if unknown:
            raise fail(f"未知字段 {', '.join(unknown)}", f"unknown field(s) {', '.join(unknown)}")
        if not all(isinstance(e.get(k), str) and e[k].strip() for k in ("name", "name_en", "category")):
            raise fail("name、name_en、category 不能为空", "'name', 'name_en' and 'category' are required")
        days = e.get("interval_days")
        if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_INTERVAL_DAYS:
            raise fail(f"检查周期 interval_days 应为1到{MAX_INTERVAL_DAYS}天", f"'interval_days' must be 1 to {MAX_INTERVAL_DAYS}")
        out.append(PlaceKind(code, e["name"].strip(), e["name_en"].strip(), bool(e.get("small_place")), days,
                             e["category"].strip()))  # fmt: skip
    return out
