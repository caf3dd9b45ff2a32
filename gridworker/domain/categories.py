"""The incident category table: two levels, Chinese and English names, found by pinyin initials too.

The first level is the national digital city-management classes (components
部件, events 事件) plus the grid-governance classes (网格治理); the second
level the entries a grid worker picks. Each entry says at which level it is
normally handled (community or street) and whether a photo is required.
The shipped table is resources/categories.json; its format is in
docs/incident-lifecycle.md. Children inherit kind, level_default and
photo_required from their class unless they set their own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from .. import resources_path
from .enums import Level
from .errors import GridWorkerError
from .names import pinyin_of

TABLE_FORMAT = "gridworker-categories"
TABLE_VERSION = 1
KINDS = {"component": ("部件", "Component"), "event": ("事件", "Event"), "governance": ("网格治理", "Grid governance")}
_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")
_TOP_KEYS = {"code", "kind", "name", "name_en", "level_default", "photo_required", "keywords", "children"}
_CHILD_KEYS = _TOP_KEYS - {"children"}


class CategoryTableError(GridWorkerError):
    """The category table is malformed; the message names the entry."""

    code = "invalid_category_table"


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    name_en: str
    parent_code: str | None
    level_default: str
    photo_required: bool
    kind: str
    keywords: tuple[str, ...] = ()
    # Lower-case strings search compares against: (full pinyin, initials) of the name and keywords.
    _pinyin: tuple[tuple[str, str], ...] = field(default=(), repr=False, compare=False)

    def label(self, lang: str = "zh") -> str:
        return self.name if lang.startswith("zh") else self.name_en

    def kind_label(self, lang: str = "zh") -> str:
        zh, en = KINDS[self.kind]
        return zh if lang.startswith("zh") else en


class CategoryTable:
    """The categories in table order; look up by code, list children, search."""

    def __init__(self, categories: list[Category]):
        self._all = tuple(categories)
        self._by_code = {c.code: c for c in categories}
        root_names = [c.name for c in categories if c.parent_code is None]
        # Two first-level classes share a name (市容环境: component and event); their labels add the kind.
        self._ambiguous = {n for n in root_names if root_names.count(n) > 1}

    @classmethod
    def from_table(cls, table: dict) -> "CategoryTable":
        return cls(parse_table(table))

    def __iter__(self) -> Iterator[Category]:
        return iter(self._all)

    def __len__(self) -> int:
        return len(self._all)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def get(self, code: str) -> Category | None:
        return self._by_code.get(code)

    def roots(self) -> list[Category]:
        return [c for c in self._all if c.parent_code is None]

    def children(self, code: str) -> list[Category]:
        return [c for c in self._all if c.parent_code == code]

    def path_label(self, code: str, lang: str = "zh") -> str:
        """"公用设施 › 井盖"; a class whose name another class shares gets its kind: "市容环境（部件）"."""
        c = self._by_code[code]
        if c.parent_code:
            return f"{self._by_code[c.parent_code].label(lang)} › {c.label(lang)}"
        if c.name in self._ambiguous:
            return f"{c.label(lang)}（{c.kind_label(lang)}）" if lang.startswith("zh") else f"{c.label(lang)} ({c.kind_label(lang)})"
        return c.label(lang)

    def search(self, text: str, limit: int | None = None) -> list[Category]:
        """Categories matching the Chinese name, English name, keywords, or pinyin (full or initials), best first."""
        query = (text or "").strip().lower()
        if not query:
            return []
        scored = [(rank, i, c) for i, c in enumerate(self._all) if (rank := _match_rank(c, query)) is not None]
        scored.sort(key=lambda t: (t[0], t[1]))
        found = [c for _, _, c in scored]
        return found[:limit] if limit else found


def _match_rank(c: Category, q: str) -> int | None:
    """0 exact (code, name, pinyin), 1 prefix, 2 inside the Chinese name or an English word's start,
    3 inside the full pinyin, 4 a keyword; None: no match."""
    zh, en = c.name.lower(), c.name_en.lower()
    full, initials = c._pinyin[0]
    if q in (c.code.lower(), zh, en, full, initials):
        return 0
    if any(s.startswith(q) for s in (zh, en, full, initials)):
        return 1
    if q in zh or any(word.startswith(q) for word in en.split()):
        return 2
    if len(q) >= 3 and q.isascii() and q in full:
        return 3
    if any(q in k.lower() for k in c.keywords) or any(p.startswith(q) for pair in c._pinyin[1:] for p in pair):
        return 4
    return None


@lru_cache(maxsize=1)
def load_categories() -> CategoryTable:
    """The table shipped with the app (resources/categories.json)."""
    text = resources_path("categories.json").read_text(encoding="utf-8")
    try:
        table = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CategoryTableError(
            f"类别表不是有效的 JSON（第{exc.lineno}行）", f"The category table is not valid JSON (line {exc.lineno})"
        ) from exc
    return CategoryTable.from_table(table)


def table_with_records(base: CategoryTable, records: list[dict]) -> CategoryTable:
    """`base` with the server's category records applied: a record replaces the category of its code,
    a withdrawn one (`"deleted": true`) removes it, new ones are added; classes first, each followed by
    its entries, in code order for the new ones."""
    by_code = {c.code: c for c in base}
    order = [c.code for c in base]
    for r in sorted(records, key=lambda r: (r.get("parent_code") is not None, str(r.get("code")))):
        code = r.get("code")
        if not isinstance(code, str):
            continue
        if r.get("deleted"):
            by_code.pop(code, None)
            continue
        try:
            by_code[code] = _from_record(r)
        except (KeyError, TypeError, ValueError, AttributeError):
            continue  # a record this version cannot read: the shipped entry (if any) stays
        if code not in order:
            order.append(code)
    live = [by_code[c] for c in order if c in by_code]
    roots = [c for c in live if c.parent_code is None or c.parent_code not in by_code]
    out: list[Category] = []
    for root in roots:
        out.append(root)
        out += [c for c in live if c.parent_code == root.code]
    return CategoryTable(out)


def _from_record(r: dict) -> Category:
    name, keywords = str(r["name"]).strip(), tuple(str(k).strip() for k in (r.get("keywords") or ()))
    if not name:
        raise ValueError("a category needs a name")
    kind = r.get("kind") if r.get("kind") in KINDS else "event"
    level = r.get("level_default") if r.get("level_default") in {lv.value for lv in Level} else Level.community.value
    return Category(
        r["code"], name, str(r.get("name_en") or name).strip(), r.get("parent_code") or None, level,
        bool(r.get("photo_required", True)), kind, keywords, tuple(pinyin_of(t) for t in (name, *keywords)),
    )  # fmt: skip


def search(text: str, limit: int | None = None) -> list[Category]:
    """Search the shipped table."""
    return load_categories().search(text, limit)


def parse_table(table: dict) -> list[Category]:
    """Validate a category table and flatten it (each class followed by its entries)."""
    if not isinstance(table, dict) or table.get("format") != TABLE_FORMAT:
        raise CategoryTableError(f"类别表的 format 必须是 “{TABLE_FORMAT}”", f"The category table's 'format' must be '{TABLE_FORMAT}'")
    if table.get("version") != TABLE_VERSION:
        raise CategoryTableError(
            f"不支持的类别表版本：{table.get('version')!r}", f"Unsupported category table version {table.get('version')!r}"
        )
    entries = table.get("categories")
    if not isinstance(entries, list) or not entries:
        raise CategoryTableError("类别表缺少 categories", "The category table has no 'categories'")
    out: list[Category] = []
    seen: set[str] = set()
    for i, entry in enumerate(entries, start=1):
        top = _parse_entry(entry, f"第{i}项", f"entry {i}", None, seen)
        out.append(top)
        children = entry.get("children", [])
        if not isinstance(children, list):
            raise CategoryTableError(f"类别 {top.code}：children 应为列表", f"Category {top.code}: 'children' must be a list")
        for j, child in enumerate(children, start=1):
            out.append(_parse_entry(child, f"{top.code} 的第{j}个子项", f"child {j} of {top.code}", top, seen))
    return out


def _parse_entry(entry: object, where_zh: str, where_en: str, parent: Category | None, seen: set[str]) -> Category:
    def fail(zh: str, en: str) -> CategoryTableError:
        return CategoryTableError(f"类别表{where_zh}：{zh}", f"Category table, {where_en}: {en}")

    if not isinstance(entry, dict):
        raise fail("应为对象", "expected an object")
    code = entry.get("code")
    if not isinstance(code, str) or not _CODE.match(code):
        raise fail(f"编码 {code!r} 无效（字母、数字、._-，最多32位）", f"code {code!r} is invalid (letters, digits, . _ -; at most 32)")
    where_zh, where_en = f"{where_zh}（{code}）", f"{where_en} ({code})"
    if code in seen:
        raise fail("编码重复", "the code appears twice")
    seen.add(code)
    _check_keys(entry, parent, fail)
    name, name_en = entry.get("name"), entry.get("name_en")
    if not isinstance(name, str) or not name.strip():
        raise fail("缺少中文名称 name", "'name' (Chinese) is missing")
    if not isinstance(name_en, str) or not name_en.strip():
        raise fail("缺少英文名称 name_en", "'name_en' (English) is missing")
    kind, level, photo = _entry_settings(entry, parent, fail)
    keywords = entry.get("keywords", [])
    if not isinstance(keywords, list) or not all(isinstance(k, str) and k.strip() for k in keywords):
        raise fail("keywords 应为文字列表", "'keywords' must be a list of words")
    keywords = tuple(k.strip() for k in keywords)
    pinyin = tuple(pinyin_of(t) for t in (name.strip(), *keywords))
    return Category(
        code, name.strip(), name_en.strip(), parent.code if parent else None, level, photo, kind, keywords, pinyin
    )


def _check_keys(entry: dict, parent: Category | None, fail) -> None:
    allowed = _TOP_KEYS if parent is None else _CHILD_KEYS
    unknown = sorted(set(entry) - allowed)
    if unknown:
        hint = "（类别表只有两级）" if parent is not None and "children" in unknown else ""
        raise fail(f"未知字段 {', '.join(unknown)}{hint}", f"unknown field(s) {', '.join(unknown)}" + (" (the table has two levels)" if hint else ""))


def _entry_settings(entry: dict, parent: Category | None, fail) -> tuple[str, str, bool]:
    """An entry's kind, default level and photo rule: its own, else its class's (a class: the defaults)."""
    kind = entry.get("kind", parent.kind if parent else None)
    if kind not in KINDS or (parent is not None and kind != parent.kind):
        raise fail(f"类型 kind {kind!r} 无效（{'/'.join(KINDS)}，与上级一致）", f"kind {kind!r} is invalid ({'/'.join(KINDS)}, same as its class)")
    level = entry.get("level_default", parent.level_default if parent else Level.community.value)
    if level not in {lv.value for lv in Level}:
        raise fail(f"level_default {level!r} 无效（community/street）", f"level_default {level!r} is invalid (community/street)")
    photo = entry.get("photo_required", parent.photo_required if parent else True)
    if not isinstance(photo, bool):
        raise fail("photo_required 应为 true 或 false", "'photo_required' must be true or false")
    return kind, level, photo
