"""Writing the register to .xlsx / .csv in the import's own layout, and the empty template.

An export re-imports as "unchanged": same columns, labels that `Labelled.parse`
reads back, references (社区/网格/小区/楼栋/单元/房号) that name exactly one
building and household. A grid whose name is not unique in its community is
written by its code, which the import also accepts.
"""

from __future__ import annotations

import csv
import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from ..domain.enums import AreaLevel
from ..domain.errors import GridWorkerError
from ..domain.models import Area, Building, Household, Person
from ..store.database import Store
from .excel_columns import (
    BUILDING, COMMUNITY, GRID, INSTRUCTIONS_TITLES, SHEETS, SHEET_BY_KIND, Column, SheetSpec, export_value,
)
from .excel_writer import SheetData, Validation, write_xlsx
from .outfiles import check_folder, writing

Progress = Callable[[int, int], None]


# -- template -------------------------------------------------------------------
def write_template(path: str | Path, lang: str = "zh") -> Path:
    """The empty workbook to fill in: instructions, then one sheet per kind with styled headers and drop-downs."""
    path = check_folder(_xlsx_path(path))
    notes = SheetData("说明" if lang.startswith("zh") else "Instructions", _instructions(lang), widths=[120], header=False)
    with writing(path):
        write_xlsx(path, [notes] + [_sheet(spec, [], lang) for spec in SHEETS])
    return path


_INSTRUCTIONS_ZH = [
    INSTRUCTIONS_TITLES["zh"],
    "1. 按“楼栋”“住户”“人员”三张表填写，表头不要改动（列的顺序可以调整，不需要的列可以删除）。",
    "2. 住户按“网格 + 小区 + 楼栋”找到所属楼栋，人员按“小区 + 楼栋 + 单元 + 房号”找到所属住户；它们须已在前面的表中或系统里登记。",
    "3. 已有记录按以下规则更新：楼栋 = 网格 + 小区 + 楼栋名；住户 = 楼栋 + 单元 + 房号；人员 = 身份证号（无身份证号时为住户 + 姓名）。",
    "4. 空白单元格不会清除系统中已有的内容。",
    "5. 身份证号、电话、单元、房号请保持“文本”格式，否则 Excel 会把身份证号的末几位变成 0。",
    "6. 性别、出生日期可由身份证号自动得出；若填写，须与身份证号一致。",
    "7. 标签可填多个，用顿号或逗号分隔，例如：独居老人、党员。",
    "8. 本地账户导入时会自动建立表中的社区和网格；已关联服务器的账户只能使用已同步的社区和网格。",
    "9. 导入时任何一行有错，默认整份文件都不导入，并列出每个错误单元格；可用 --skip-errors 只导入正确的行，用 --dry-run 先检查。",
]
_INSTRUCTIONS_EN = [
    INSTRUCTIONS_TITLES["en"],
    "1. Use the sheets Buildings, Households and Persons; keep the headers (columns may be reordered or left out).",
    "2. A household names its building by grid + estate + building; a person names their household by estate + building + unit + room. "
    "They must be in an earlier sheet or already registered.",
    "3. Existing records are updated by key: building = grid + estate + name; household = building + unit + room; "
    "person = ID number (or household + name without one).",
    "4. An empty cell never clears what is stored.",
    "5. Keep ID numbers, phones, units and rooms formatted as Text, or Excel turns the last digits of ID numbers into 0.",
    "6. Gender and birth date follow from the ID number; if given, they must match it.",
    "7. Tags: several allowed, separated by commas, e.g. Elderly living alone, Party member.",
    "8. A local account creates the communities and grids named here; an account linked to a server uses only the areas it has synced.",
    "9. By default one bad row stops the whole import and every bad cell is listed; --skip-errors imports the good rows, --dry-run only checks.",
]


def _instructions(lang: str) -> list[list[str]]:
    zh = lang.startswith("zh")
    rows = [[line] for line in (_INSTRUCTIONS_ZH if zh else _INSTRUCTIONS_EN)]
    rows += [[], ["可选值" if zh else "Allowed values"]]
    listed = set()
    for spec in SHEETS:
        for col in spec.columns:
            if col.enum is not None and col.field not in listed:
                listed.add(col.field)
                labels = ("、" if zh else ", ").join(m.label(lang) for m in col.enum)
                rows.append([f"{col.header(lang)}：{labels}" if zh else f"{col.header(lang)}: {labels}"])
    return rows


def _sheet(spec: SheetSpec, rows: Iterable[list[Any]], lang: str) -> SheetData:
    """A register sheet: header row styled and frozen, widths, text columns, drop-downs for the enumerations."""
    zh = lang.startswith("zh")
    validations = []
    for i, col in enumerate(spec.columns):
        if col.enum is None:
            continue
        labels = [m.label(lang) for m in col.enum]
        listing = ("、" if zh else ", ").join(labels)
        if col.kind == "tags":  # several values per cell: a list would refuse them, so only a hint
            validations.append(Validation(i, col.header(lang), ("可填多个，用顿号分隔：" if zh else "Several allowed, comma separated: ") + listing))
        else:
            validations.append(Validation(i, col.header(lang), ("请从下拉列表中选择：" if zh else "Choose from the list: ") + listing, labels))
    return SheetData(
        spec.title(lang),
        itertools.chain([[c.header(lang) for c in spec.columns]], rows),
        widths=[c.width + 2 for c in spec.columns],
        # Text: Excel keeps 18-digit ID numbers, phone numbers and leading zeros as typed.
        text_columns={i for i, c in enumerate(spec.columns) if c.kind in ("code", "id", "phone")},
        required={i for i, c in enumerate(spec.columns) if c.required},
        validations=validations,
    )


# -- export ---------------------------------------------------------------------
def export_sheet(store: Store, kind: str, path: str | Path, lang: str = "zh", progress: Progress | None = None) -> int:
    """Write one kind ("buildings", "households", "persons", or the singular) to .xlsx or .csv; returns the row count."""
    spec = _spec_of(kind)
    path = Path(path)
    if path.suffix.lower() not in (".csv", ".xlsx"):
        raise GridWorkerError("导出文件须以 .xlsx 或 .csv 结尾", "The export file name must end in .xlsx or .csv", code="bad_file_type")
    check_folder(path)
    with store.read() as s:
        rows = list(_Rows(s, lang).of(spec.kind))
    with writing(path):
        if path.suffix.lower() == ".csv":
            _write_csv(path, spec, rows, lang)
        else:
            _write_xlsx(path, [(spec, rows)], lang, progress)
    return len(rows)


def export_workbook(
    store: Store, path: str | Path, lang: str = "zh", progress: Progress | None = None, *,
    only: dict[str, set[str]] | None = None,
) -> dict[str, int]:  # fmt: skip
    """All three sheets in one workbook (the import reads it back whole); returns rows per kind.

    `only` (entity → ids: "building", "household", "person") exports just those records — a part of the
    register — in the same layout."""
    path = check_folder(_xlsx_path(path))
    with store.read() as s:
        source = _Rows(s, lang, only)
        sheets = [(spec, list(source.of(spec.kind))) for spec in SHEETS]
    with writing(path):
        _write_xlsx(path, sheets, lang, progress)
    return {spec.kind: len(rows) for spec, rows in sheets}


def _spec_of(kind: str) -> SheetSpec:
    key = kind.lower().rstrip("s")
    if key == "people":
        key = "person"
    if key not in SHEET_BY_KIND:
        raise GridWorkerError(
            f"不能导出“{kind}”：可选 buildings、households、persons",
            f"Cannot export '{kind}': choose buildings, households or persons",
            code="bad_kind",
        )
    return SHEET_BY_KIND[key]


def _xlsx_path(path: str | Path) -> Path:
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise GridWorkerError("文件名须以 .xlsx 结尾", "The file name must end in .xlsx", code="bad_file_type")
    return path


def _write_csv(path: Path, spec: SheetSpec, rows: list[list[Any]], lang: str) -> None:
    # UTF-8 with a BOM: without it Excel on Chinese Windows reads the file as GBK and shows mojibake.
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow([c.header(lang) for c in spec.columns])
        for row in rows:
            w.writerow(["" if v is None else (v.isoformat() if hasattr(v, "isoformat") else v) for v in row])


def _write_xlsx(path: Path, sheets: list[tuple[SheetSpec, list[list[Any]]]], lang: str, progress: Progress | None) -> None:
    total = sum(len(rows) for _, rows in sheets)
    done = 0

    def counted(rows: list[list[Any]]) -> Iterator[list[Any]]:
        nonlocal done
        for row in rows:
            yield row
            done += 1
            if progress and done % 2000 == 0:
                progress(done, total)

    write_xlsx(path, [_sheet(spec, counted(rows), lang) for spec, rows in sheets])
    if progress:
        progress(total, total)


def natural_key(text: str | None) -> tuple:
    """'2幢' before '10幢', '301' before '1201'."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text or ""))


class _Rows:
    """The register as sheet rows, read once with plain SELECTs (no ORM objects: 50,000 people in about a second)."""

    def __init__(self, s: Session, lang: str, only: dict[str, set[str]] | None = None):
        self.s = s
        self.lang = lang
        self.only = only
        self.areas = {a.id: a for a in s.execute(select(Area.__table__).where(Area.deleted == False))}  # noqa: E712
        self._labels: dict[str, tuple[str | None, str | None]] = {}
        self._taken = Counter(self._area_key(a.id) for a in self.areas.values())
        self._buildings: dict[str, Any] | None = None
        self._households: dict[str, Any] | None = None

    def _community(self, area_id: str | None) -> Any:
        a, hops = self.areas.get(area_id) if area_id else None, 0
        while a is not None and hops < 50:
            if a.level == AreaLevel.community.value:
                return a
            a, hops = self.areas.get(a.parent_id) if a.parent_id else None, hops + 1
        return None

    def _area_key(self, area_id: str) -> tuple:
        c = self._community(area_id)
        return (c.id if c is not None else None, self.areas[area_id].name)

    def area_labels(self, area_id: str | None) -> tuple[str | None, str | None]:
        """(社区, 网格) cells: the community's name, the area's name, or its code when the name is not unique there."""
        if not area_id or area_id not in self.areas:
            return None, None
        if area_id not in self._labels:
            a, c = self.areas[area_id], self._community(area_id)
            grid = a.name if self._taken[self._area_key(area_id)] == 1 else a.code
            self._labels[area_id] = (c.name if c is not None else None, grid)
        return self._labels[area_id]

    def _live(self, model) -> list[Any]:
        rows = self.s.execute(select(model.__table__).where(model.__table__.c.deleted == False))  # noqa: E712
        if self.only is None:
            return list(rows)
        keep = self.only.get(model.entity, set())
        return [r for r in rows if r.id in keep]

    def buildings(self) -> dict[str, Any]:
        if self._buildings is None:
            rows = self._live(Building)
            rows.sort(key=lambda b: (*self.area_labels(b.area_id), natural_key(b.estate), natural_key(b.name)))
            self._buildings = {b.id: b for b in rows}
        return self._buildings

    def households(self) -> dict[str, Any]:
        if self._households is None:
            order = {bid: i for i, bid in enumerate(self.buildings())}
            rows = self._live(Household)
            rows.sort(key=lambda h: (order.get(h.building_id, len(order)), natural_key(h.unit), natural_key(h.room)))
            self._households = {h.id: h for h in rows}
        return self._households

    def of(self, kind: str) -> Iterator[list[Any]]:
        spec = SHEET_BY_KIND[kind]
        if kind == "building":
            for b in self.buildings().values():
                yield self._row(spec, b, b)
        elif kind == "household":
            buildings = self.buildings()
            for h in self.households().values():
                yield self._row(spec, h, buildings.get(h.building_id))
        else:
            yield from self._persons(spec)

    def _persons(self, spec: SheetSpec) -> Iterator[list[Any]]:
        households, buildings = self.households(), self.buildings()
        order = {hid: i for i, hid in enumerate(households)}
        people = self._live(Person)
        people.sort(
            key=lambda p: (order.get(p.household_id, len(order)), p.relation != "head", p.birth_date or date.max, p.name)
        )
        for p in people:
            hh = households.get(p.household_id)
            building = buildings.get(hh.building_id) if hh is not None else None
            yield self._row(spec, p, building, hh)

    def _row(self, spec: SheetSpec, record: Any, building: Any, household: Any = None) -> list[Any]:
        area_id = building.area_id if building is not None else record.area_id
        community, grid = self.area_labels(area_id)
        refs = {COMMUNITY: community, GRID: grid}
        if building is not None:
            refs |= {"estate": building.estate, BUILDING: building.name}
        if household is not None:
            refs |= {"unit": household.unit, "room": household.room}
        return [self._cell(c, record, refs) for c in spec.columns]

    def _cell(self, column: Column, record: Any, refs: dict[str, Any]) -> Any:
        if column.field in refs:
            return refs[column.field]
        return export_value(column, getattr(record, column.field, None), self.lang)
