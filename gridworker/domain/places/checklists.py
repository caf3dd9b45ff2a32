"""Inspection checklists: the items a grid worker checks at each kind of place.

The shipped table is resources/checklists.json. Each item says
what is checked and the hazard it looks for (Chinese and English), how
serious that hazard is (一般 / 较大 / 重大), how many working days the place
gets to rectify it, the incident category a serious hazard is escalated
into, and the kinds it applies to: kind codes, "@small" (the nine small
places) or "@all". A kind's checklist is the items that apply to it, in
table order.

The server can edit the table; its records are laid over the shipped one by
`table_with_records`, as categories are: a record replaces the item of its
code, a withdrawn one (`"deleted": true`) removes it, new ones are added.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache

from ... import resources_path
from ..errors import GridWorkerError
from .kinds import PlaceKindTable, load_kinds

TABLE_FORMAT = "gridworker-checklists"
TABLE_VERSION = 1
ALL, SMALL = "@all", "@small"
MAX_DAYS = 60
_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")
_KEYS = {"code", "kinds", "severity", "days", "category", "name", "name_en", "hazard", "hazard_en"}

# Hazard grades (隐患等级): wire value → (Chinese, English). Order is seriousness.
SEVERITIES: dict[str, tuple[str, str]] = {
    "general": ("一般", "minor"),
    "significant": ("较大", "significant"),
    "major": ("重大", "major"),
}
SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}


def severity_label(severity: str, lang: str = "zh") -> str:
    zh, en = SEVERITIES[severity]
    return zh if lang.startswith("zh") else en


class ChecklistTableError(GridWorkerError):
    """The checklist table is malformed; the message names the item."""

    code = "invalid_checklist_table"


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    name: str  # what is checked
    name_en: str
    hazard: str  # what a failure means
    hazard_en: str
    severity: str  # a key of SEVERITIES
    days: int  # rectification period, working days
    kinds: tuple[str, ...]  # kind codes, "@small", "@all"
    category: str | None = None  # incident category for escalation; None: the place kind's

    def label(self, lang: str = "zh") -> str:
        return self.name if lang.startswith("zh") else self.name_en

    def hazard_label(self, lang: str = "zh") -> str:
        return self.hazard if lang.startswith("zh") else self.hazard_en

    def applies_to(self, kind: str, kinds: PlaceKindTable) -> bool:
        if ALL in self.kinds or kind in self.kinds:
            return True
        k = kinds.get(kind)
        return SMALL in self.kinds and k is not None and k.small_place


class ChecklistTable:
    def __init__(self, items: list[ChecklistItem], kinds: PlaceKindTable | None = None):
        self._all = tuple(items)
        self._by_code = {i.code: i for i in items}
        self.kinds = kinds or load_kinds()

    @classmethod
    def from_table(cls, table: dict, kinds: PlaceKindTable | None = None) -> "ChecklistTable":
        kinds = kinds or load_kinds()
        return cls(parse_table(table, kinds), kinds)

    def __iter__(self) -> Iterator[ChecklistItem]:
        return iter(self._all)

    def __len__(self) -> int:
        return len(self._all)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def get(self, code: str) -> ChecklistItem | None:
        return self._by_code.get(code)

    def for_kind(self, kind: str) -> list[ChecklistItem]:
        """The checklist of a kind of place, in table order."""
        return [i for i in self._all if i.applies_to(kind, self.kinds)]

    def category_for(self, item: ChecklistItem, kind: str) -> str:
        """The incident category a hazard of this item at this kind of place escalates into."""
        if item.category:
            return item.category
        k = self.kinds.get(kind)
        return k.category if k else "G0202"


@lru_cache(maxsize=1)
def load_checklists() -> ChecklistTable:
    """The table shipped with the app (resources/checklists.json)."""
    text = resources_path("checklists.json").read_text(encoding="utf-8")
    try:
        table = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ChecklistTableError(
            f"检查表不是有效的 JSON（第{exc.lineno}行）", f"The checklist table is not valid JSON (line {exc.lineno})"
        ) from exc
    return ChecklistTable.from_table(table)


def table_with_records(base: ChecklistTable, records: list[Mapping]) -> ChecklistTable:
    """`base` with the server's checklist records applied (see the module docstring); a record this
    version cannot read leaves the shipped item (if any) in place. New items follow, in code order."""
    by_code = {i.code: i for i in base}
    order = [i.code for i in base]
    for r in sorted(records, key=lambda r: str(r.get("code"))):
        code = r.get("code")
        if not isinstance(code, str):
            continue
        if r.get("deleted"):
            by_code.pop(code, None)
            continue
        try:
            by_code[code] = _parse_item(r, base.kinds)
        except ChecklistTableError:
            continue
        if code not in order:
            order.append(code)
    return ChecklistTable([by_code[c] for c in order if c in by_code], base.kinds)


def parse_table(table: object, kinds: PlaceKindTable) -> list[ChecklistItem]:
    if not isinstance(table, dict) or table.get("format") != TABLE_FORMAT:
        raise ChecklistTableError(f"检查表的 format 必须是 “{TABLE_FORMAT}”", f"The checklist table's 'format' must be '{TABLE_FORMAT}'")
    if table.get("version") != TABLE_VERSION:
        raise ChecklistTableError(
            f"不支持的检查表版本：{table.get('version')!r}", f"Unsupported checklist table version {table.get('version')!r}"
        )
    entries = table.get("items")
    if not isinstance(entries, list) or not entries:
        raise ChecklistTableError("检查表缺少 items", "The checklist table has no 'items'")
    out, seen = [], set()
    for i, entry in enumerate(entries, start=1):
        item = _parse_item(entry, kinds, i)
        if item.code in seen:
            raise ChecklistTableError(f"检查表第{i}项（{item.code}）：编码重复", f"Checklist table, item {i} ({item.code}): the code appears twice")
        seen.add(item.code)
        out.append(item)
    return out


def _parse_item(entry: object, kinds: PlaceKindTable, index: int | None = None) -> ChecklistItem:
    code = entry.get("code") if isinstance(entry, dict) else None
    where_zh = f"检查表第{index}项（{code}）" if index else f"检查项 {code}"
    where_en = f"Checklist table, item {index} ({code})" if index else f"Checklist item {code}"

    def fail(zh: str, en: str) -> ChecklistTableError:
        return ChecklistTableError(f"{where_zh}：{zh}", f"{where_en}: {en}")

    if not isinstance(entry, dict):
        raise fail("应为对象", "expected an object")
    if not isinstance(code, str) or not _CODE.match(code):
        raise fail("编码无效（字母、数字、._-，最多32位）", "the code is invalid (letters, digits, . _ -; at most 32)")
    unknown = sorted(set(entry) - _KEYS - {"deleted"})
    if unknown:
        raise fail(f"未知字段 {', '.join(unknown)}", f"unknown field(s) {', '.join(unknown)}")
    texts = _item_texts(entry, fail)
    severity, days = _item_rule(entry, fail)
    applies = entry.get("kinds")
    if not isinstance(applies, list) or not applies:
        raise fail("适用场所 kinds 应为非空列表", "'kinds' must be a non-empty list")
    bad = [k for k in applies if k not in (ALL, SMALL) and k not in kinds]
    if bad:
        raise fail(f"未知的场所类型 {', '.join(map(str, bad))}", f"unknown place kind(s) {', '.join(map(str, bad))}")
    category = entry.get("category")
    if category is not None and (not isinstance(category, str) or not _CODE.match(category)):
        raise fail("事件类别 category 无效", "'category' is invalid")
    return ChecklistItem(code, texts["name"], texts["name_en"], texts["hazard"], texts["hazard_en"], severity, days,
                         tuple(applies), category)  # fmt: skip


def _item_texts(entry: dict, fail) -> dict[str, str]:
    texts = {}
    for key, zh in (("name", "检查内容"), ("name_en", "英文检查内容"), ("hazard", "隐患描述"), ("hazard_en", "英文隐患描述")):
        value = entry.get(key)
        if not isinstance(value, str) or not value.strip():
            raise fail(f"缺少{zh} {key}", f"'{key}' is missing")
        texts[key] = value.strip()
    return texts


def _item_rule(entry: dict, fail) -> tuple[str, int]:
    """The hazard's severity and the working days allowed to put it right."""
    severity = entry.get("severity")
    if severity not in SEVERITIES:
        raise fail(f"隐患等级 severity {severity!r} 无效（{'/'.join(SEVERITIES)}）", f"severity {severity!r} is invalid ({'/'.join(SEVERITIES)})")
    days = entry.get("days")
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_DAYS:
        raise fail(f"整改期限 days 应为1到{MAX_DAYS}个工作日", f"'days' must be 1 to {MAX_DAYS} working days")
    return severity, days
