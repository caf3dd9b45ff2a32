"""The register's spreadsheet layout: sheets, columns, headers, and what a cell may hold.

One layout serves the template, the export and the import, so that an export
re-imports unchanged. Headers are Chinese; English headers (and a few common
variants) are accepted on import. Cell values arrive as openpyxl-like Python
values (str, int, float, datetime, bool) or, from CSV, as text; `cell_value`
turns each into what the register's `clean_*` functions take, and says when a
cell cannot be right whatever it holds (an ID number stored as a number).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ..domain.enums import Gender, Housing, Labelled, PersonStatus, Relation, Residence, Tag

# A column's `field` is the record field it fills, or one of these references:
COMMUNITY, GRID, BUILDING = "@community", "@grid", "@building"


@dataclass(frozen=True)
class Column:
    field: str
    zh: str
    en: str
    kind: str = "text"  # text | code | int | float | date | phone | id | enum | tags
    enum: type[Labelled] | None = None
    width: int = 12
    aliases: tuple[str, ...] = ()
    required: bool = False

    def header(self, lang: str = "zh") -> str:
        return self.zh if lang.startswith("zh") else self.en


@dataclass(frozen=True)
class SheetSpec:
    kind: str  # building | household | person
    zh: str
    en: str
    columns: tuple[Column, ...]
    aliases: tuple[str, ...] = ()
    by_field: dict[str, Column] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.by_field.update({c.field: c for c in self.columns})

    def title(self, lang: str = "zh") -> str:
        return self.zh if lang.startswith("zh") else self.en


_COMMUNITY = Column(COMMUNITY, "社区", "Community", width=14, aliases=("所属社区", "社区名称", "村"))
_GRID = Column(GRID, "网格", "Grid", width=16, aliases=("所属网格", "网格名称", "微网格"))
_ESTATE = Column("estate", "小区", "Estate", width=14, aliases=("小区名称", "小区/街巷"))
_BUILDING_REF = Column(BUILDING, "楼栋", "Building", width=10, aliases=("楼号", "楼栋号", "楼栋名称", "幢"), required=True)
_UNIT = Column("unit", "单元", "Unit", kind="code", width=7, aliases=("单元号",))
_ROOM = Column("room", "房号", "Room", kind="code", width=8, aliases=("房间号", "室", "户室", "门牌号"))
_PHONE = Column("phone", "电话", "Phone", kind="phone", width=14, aliases=("联系电话", "手机", "手机号", "手机号码"))
_NOTES = Column("notes", "备注", "Notes", width=24)

BUILDINGS = SheetSpec(
    "building",
    "楼栋",
    "Buildings",
    (
        _COMMUNITY,
        Column(GRID, "网格", "Grid", width=16, aliases=_GRID.aliases, required=True),
        _ESTATE,
        Column("name", "楼栋", "Building", width=10, aliases=_BUILDING_REF.aliases, required=True),
        Column("address", "地址", "Address", width=36, aliases=("楼栋地址", "详细地址")),
        Column("units", "单元数", "Units", kind="int", width=8),
        Column("floors", "层数", "Floors", kind="int", width=8, aliases=("楼层数",)),
        Column("lat", "纬度", "Latitude", kind="float", width=11),
        Column("lon", "经度", "Longitude", kind="float", width=11),
        _NOTES,
    ),
    aliases=("楼栋信息", "楼宇", "building"),
)

HOUSEHOLDS = SheetSpec(
    "household",
    "住户",
    "Households",
    (
        _COMMUNITY,
        _GRID,
        _ESTATE,
        _BUILDING_REF,
        _UNIT,
        _ROOM,
        Column("floor", "楼层", "Floor", kind="int", width=7, aliases=("所在楼层",)),
        Column("address", "地址", "Address", width=32, aliases=("住址", "详细地址", "户地址")),
        Column("housing", "住房性质", "Housing", kind="enum", enum=Housing, width=10, aliases=("房屋性质", "居住性质")),
        _PHONE,
        _NOTES,
    ),
    aliases=("户", "住户信息", "房屋", "household"),
)

PERSONS = SheetSpec(
    "person",
    "人员",
    "Persons",
    (
        _COMMUNITY,
        _GRID,
        _ESTATE,
        Column(BUILDING, "楼栋", "Building", width=10, aliases=_BUILDING_REF.aliases),
        _UNIT,
        _ROOM,
        Column("name", "姓名", "Name", width=10, required=True),
        Column("gender", "性别", "Gender", kind="enum", enum=Gender, width=6),
        Column("id_number", "身份证号", "ID number", kind="id", width=21, aliases=("身份证号码", "公民身份号码", "身份证")),
        Column("birth_date", "出生日期", "Birth date", kind="date", width=12, aliases=("出生年月日", "生日")),
        _PHONE,
        Column("relation", "与户主关系", "Relation", kind="enum", enum=Relation, width=10, aliases=("关系",)),
        Column("residence", "户籍类型", "Residence", kind="enum", enum=Residence, width=9, aliases=("人口类型", "居住类型")),
        Column("status", "状态", "Status", kind="enum", enum=PersonStatus, width=7, aliases=("人员状态",)),
        Column("tags", "标签", "Tags", kind="tags", enum=Tag, width=16, aliases=("特殊人群", "人员标签")),
        Column("skills", "特长", "Skills", width=14, aliases=("技能",)),
        _NOTES,
    ),
    aliases=("人口", "居民", "人员信息", "people", "person", "residents"),
)

SHEETS: tuple[SheetSpec, ...] = (BUILDINGS, HOUSEHOLDS, PERSONS)
SHEET_BY_KIND = {spec.kind: spec for spec in SHEETS}


def _norm(text: Any) -> str:
    """Header text as compared: no spaces, stars or colons, case-folded, full-width brackets dropped with their content."""
    s = re.sub(r"[（(].*?[)）]", "", str(text or ""))
    return re.sub(r"[\s*＊:：]", "", s).casefold()


def spec_for_sheet_name(name: str) -> SheetSpec | None:
    n = _norm(name)
    for spec in SHEETS:
        if n in {_norm(x) for x in (spec.zh, spec.en, *spec.aliases)}:
            return spec
    return None


def match_headers(spec: SheetSpec, headers: list[Any]) -> tuple[dict[str, int], list[str]]:
    """Map each field of `spec` to its column index; also return the headers nobody claimed."""
    names: dict[str, str] = {}
    for c in spec.columns:
        for text in (c.zh, c.en, *c.aliases):
            names.setdefault(_norm(text), c.field)
    found: dict[str, int] = {}
    ignored: list[str] = []
    for i, h in enumerate(headers):
        if h is None or not str(h).strip():
            continue
        f = names.get(_norm(h))
        if f is None or f in found:
            ignored.append(str(h).strip())
        else:
            found[f] = i
    return found, ignored


def guess_spec(headers: list[Any]) -> SheetSpec | None:
    """The sheet kind a header row belongs to, for sheets and CSV files without a telling name."""
    norm = {_norm(h) for h in headers if h is not None}
    if norm & {_norm(x) for x in ("姓名", "name", "身份证号", "身份证号码", "id number")}:
        return PERSONS
    if norm & {_norm(x) for x in ("房号", "room", "住房性质", "housing")}:
        return HOUSEHOLDS
    if norm & {_norm(x) for x in ("楼栋", "building", "楼号", "单元数", "units")}:
        return BUILDINGS
    return None


def is_header_row(spec: SheetSpec, row: list[Any]) -> bool:
    found, _ = match_headers(spec, row)
    return len(found) >= 2 and all(c.field in found for c in spec.columns if c.required)


# -- cell values ----------------------------------------------------------------
class CellProblem(ValueError):
    """A cell whose value cannot be used whatever the rest of the row says."""

    def __init__(self, zh: str, en: str, code: str):
        super().__init__(en)
        self.zh, self.en, self.code = zh, en, code


_SCIENTIFIC = re.compile(r"^\d+(\.\d+)?[eE]\+?\d+$")
# Excel day numbers of 1900-01-01 .. 2099-12-31; bigger whole numbers may be typed yyyymmdd dates.
_EXCEL_DAYS = (1, 73050)


def number_text(value: float | int) -> str:
    """301.0 → "301": Excel keeps every number as a float."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def cell_value(column: Column, value: Any) -> Any:
    """The value to hand to the register's cleaning for this column, None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return None
        if column.kind == "id" and _SCIENTIFIC.match(value):
            raise _id_as_number(value)
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if column.kind == "id" and isinstance(value, (int, float)):
        raise _id_as_number(number_text(value))
    if column.kind == "date":
        return _date_value(value)
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if column.kind in ("int", "float"):
        return value
    return number_text(value)


def split_tags(text: str, enum: type[Labelled]) -> list[str]:
    """Tags as typed: separated by commas, 、 or semicolons; by spaces too, unless a label has spaces ("Party member")."""
    items: list[str] = []
    for piece in re.split(r"[,，;；、\n]+", text):
        piece = piece.strip()
        if not piece:
            continue
        try:
            enum.parse(piece)
            items.append(piece)
        except ValueError:
            items.extend(piece.split())
    return items


def _date_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)):
        if _EXCEL_DAYS[0] <= value < _EXCEL_DAYS[1]:
            from openpyxl.utils.datetime import from_excel

            return from_excel(value).date()
        return number_text(value)  # 19800517 typed as a number: validation reads it as a date
    return value


def _id_as_number(shown: str) -> CellProblem:
    return CellProblem(
        f"身份证号“{shown}”被Excel存成了数字，末几位已丢失；请把该列设为“文本”格式后重新填写",
        f"ID number '{shown}' was stored by Excel as a number and its last digits are lost: "
        "format the column as Text and type the numbers again",
        "id_as_number",
    )


# -- cell values for export -----------------------------------------------------
def export_value(column: Column, value: Any, lang: str = "zh") -> Any:
    """A stored value as the sheet shows it: labels, not wire values."""
    if value is None or value == "" or value == []:
        return None
    if column.kind == "enum" and column.enum is not None:
        try:
            return column.enum(value).label(lang)
        except ValueError:
            return value
    if column.kind == "tags" and column.enum is not None:
        labels = []
        for v in value:
            try:
                labels.append(column.enum(v).label(lang))
            except ValueError:
                labels.append(v)
        return "、".join(labels) if lang.startswith("zh") else ", ".join(labels)
    return value


# The first line of the template's instructions sheet (excel_export.write_template), each language: the import
# passes over that sheet without a word (it is ours, not a sheet of the user's it could not read).
INSTRUCTIONS_TITLES = {"zh": "填写说明", "en": "How to fill in this workbook"}

