"""Places in and out of Excel (and CSV), and the grids' rosters out (issue 15).

The import has the register import's guarantees: the whole file is checked
first, every bad cell is named by sheet, row, column letter and header, and
nothing is saved unless every row is good (all or nothing; `dry_run` checks
and counts only). A place is matched by its unified social credit code when
the row has one, else by grid and name: a match is updated (an empty cell
keeps what is stored), anything else is new. Every record goes through
services.places, so each change lands in the outbox as a typed edit would.

The layout (headers in Chinese or English, in any order; the first row that
names the place and its kind is the header):

    场所名称 Name* | 场所类型 Kind* | 所属网格 Grid* | 地址 Address | 负责人 Person in charge |
    负责人电话 Phone | 统一社会信用代码 Licence number | 备注 Notes
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.utils.cell import get_column_letter
from sqlmodel import select

from ..domain.errors import GridWorkerError, ValidationError
from ..domain.models import Area
from ..domain.places.kinds import load_kinds
from ..domain.places.place import clean_place
from ..domain.placework import Place
from ..domain.register import InvalidRecord
from ..domain.roster import role_label
from ..store.database import Store
from . import places as svc
from .base import transaction
from .excel_import import CellError
from .excel_reader import read_tables
from .excel_writer import SheetData, Validation, write_xlsx
from .outfiles import writing
from .queries.roster import rosters
from .scope import writable_areas

# field → (Chinese header, English header, required)
COLUMNS: dict[str, tuple[str, str, bool]] = {
    "name": ("场所名称", "Name", True),
    "kind": ("场所类型", "Kind", True),
    "grid": ("所属网格", "Grid", True),
    "address": ("地址", "Address", False),
    "person_in_charge": ("负责人", "Person in charge", False),
    "phone": ("负责人电话", "Phone", False),
    "licence_number": ("统一社会信用代码", "Licence number", False),
    "notes": ("备注", "Notes", False),
}
_ALIASES = {"名称": "name", "类型": "kind", "网格": "grid", "电话": "phone", "信用代码": "licence_number"}


def _norm(text: Any) -> str:
    return "".join(str(text or "").split()).lower().rstrip("*＊")


_HEADERS = {_norm(h): f for f, (zh, en, _r) in COLUMNS.items() for h in (zh, en)} | {_norm(k): v for k, v in _ALIASES.items()}


@dataclass
class PlacesImport:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[CellError] = field(default_factory=list)
    committed: bool = False
    dry_run: bool = False

    def lines(self, lang: str = "zh") -> list[str]:
        zh = lang.startswith("zh")
        head = (f"场所：新增 {self.new}，更新 {self.updated}，未变 {self.unchanged}，错误 {len(self.errors)}" if zh else
                f"Places: {self.new} new, {self.updated} updated, {self.unchanged} unchanged, {len(self.errors)} errors")  # fmt: skip
        return [head] + [e.message(lang) for e in self.errors]


class _Rollback(Exception):
    pass


def _header(rows: list[tuple[int, list[Any]]]) -> tuple[int, dict[str, int]] | None:
    for number, cells in rows[:20]:
        found = {_HEADERS[_norm(c)]: i for i, c in reversed(list(enumerate(cells))) if _norm(c) in _HEADERS}
        if {"name", "kind"} <= found.keys():
            return number, found
    return None


def _grids(s) -> dict[str, str]:
    """Area code or name → id, of the areas this account may place records in."""
    allowed = writable_areas(s)
    out: dict[str, str] = {}
    for a in s.exec(select(Area).where(Area.deleted == False)):  # noqa: E712
        if allowed is None or a.id in allowed:
            out.setdefault(_norm(a.code), a.id)
            out.setdefault(_norm(a.name), a.id)
    return out


def import_places(store: Store, path: str | Path, *, dry_run: bool = False) -> PlacesImport:
    """Check every row, then save all of them in one transaction, or none (see the module docstring)."""
    tables = read_tables(path)
    report = PlacesImport(dry_run=dry_run)
    table = next((t for t in tables if _header(t.rows)), None)
    if table is None:
        raise GridWorkerError("找不到场所表：表头须含“场所名称”和“场所类型”", "No places sheet found: the header needs 'Name' and 'Kind'",
                              code="no_sheet")  # fmt: skip
    header_row, cols = _header(table.rows)
    headers = {i: c for i, c in enumerate(next(cells for n, cells in table.rows if n == header_row))}
    try:
        with transaction(store, initiator="import") as tx:
            grids = _grids(tx.s)
            existing = list(tx.s.exec(select(Place).where(Place.deleted == False)))  # noqa: E712
            by_licence = {p.licence_number: p for p in existing if p.licence_number}
            by_name = {(p.area_id, p.name): p for p in existing}
            seen: dict[str, int] = {}  # place id → the row of this file that first named it
            for number, cells in table.rows:
                if number <= header_row:
                    continue
                _row(tx, report, table.name, number, cells, cols, headers, grids, (by_licence, by_name, seen))
            if report.errors or dry_run:
                raise _Rollback
            report.committed = True
    except _Rollback:
        pass
    return report


def _cell(cells: list[Any], cols: dict[str, int], name: str) -> Any:
    i = cols.get(name)
    value = cells[i] if i is not None and i < len(cells) else None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return None if value is None or str(value).strip() == "" else str(value).strip()


def _row(tx, report: PlacesImport, sheet: str, number: int, cells: list[Any], cols: dict[str, int], headers: dict[int, Any],
         grids: dict[str, str], known: tuple[dict[str, Place], dict[tuple, Place], dict[str, int]]) -> None:  # fmt: skip
    by_licence, by_name, seen = known
    raw = {f: _cell(cells, cols, f) for f in COLUMNS}
    cleaned, errors = _checked(raw, grids)
    match = None if errors else (by_licence.get(cleaned.get("licence_number") or "")
                                 or by_name.get((cleaned["area_id"], cleaned["name"])))  # fmt: skip
    fields = {k: v for k, v in cleaned.items() if v is not None} | ({"notes": raw["notes"]} if raw["notes"] else {})
    if match is not None and match.id in seen and any(getattr(match, k) != v for k, v in fields.items()):
        errors.append(_repeated(match, fields, seen[match.id]))  # it would overwrite what an earlier row just said
    for e in errors:
        i = cols.get(e.field)
        report.errors.append(CellError(sheet, number, get_column_letter(i + 1) if i is not None else None,
                                       headers.get(i) if i is not None else None, e.zh, e.en, e.code or "invalid_value"))  # fmt: skip
    if errors:
        return
    place = _save(tx, report, match, fields)
    seen.setdefault(place.id, number)
    by_name[(place.area_id, place.name)] = place
    if place.licence_number:
        by_licence[place.licence_number] = place


def _repeated(match: Place, fields: dict[str, Any], first: int) -> ValidationError:
    """A row naming the place an earlier row of the file named (same licence, or same grid and name), differently."""
    if fields.get("licence_number") and match.licence_number == fields["licence_number"]:
        return ValidationError("licence_number", f"统一社会信用代码与第{first}行相同：同一场所不能在文件中出现两次",
                               f"Same unified social credit code as row {first}: a place cannot be in the file twice",
                               code="duplicate")  # fmt: skip
    return ValidationError("name", f"与第{first}行是同一网格中的同名场所，但内容不同：请合并为一行或改名",
                           f"Same grid and name as row {first} but different details: keep one row or rename one",
                           code="duplicate")  # fmt: skip


def _checked(raw: dict[str, Any], grids: dict[str, str]) -> tuple[dict[str, Any], list[ValidationError]]:
    """The row's place cleaned, and every problem (the grid's too)."""
    errors: list[ValidationError] = []
    area_id = grids.get(_norm(raw["grid"])) if raw["grid"] else None
    if area_id is None:
        zh = "请填写所属网格" if not raw["grid"] else f"没有您可录入的网格“{raw['grid']}”"
        en = "The grid is required" if not raw["grid"] else f"No grid '{raw['grid']}' you may add records to"
        errors.append(ValidationError("grid", zh, en, code="unknown_area"))
    values = {k: v for k, v in raw.items() if k != "grid"} | {"area_id": area_id}
    try:
        return clean_place(values), errors
    except InvalidRecord as e:
        return {}, errors + e.errors


def _save(tx, report: PlacesImport, match: Place | None, fields: dict[str, Any]) -> Place:
    if match is None:
        report.new += 1
        return svc.register_place(tx, fields)
    changed = {k: v for k, v in fields.items() if getattr(match, k) != v}
    if not changed:
        report.unchanged += 1
        return match
    report.updated += 1
    return svc.update_place(tx, match.id, changed)


# -- export ------------------------------------------------------------------------------------
def _write(path: Path, title: str, header: list[str], rows: Iterable[list[Any]], text_columns: set[int],
           validations: list[Validation] = ()) -> int:  # fmt: skip
    rows = list(rows)
    with writing(path):
        if path.suffix.lower() == ".csv":
            with path.open("w", encoding="utf-8-sig", newline="") as f:
                w = csv.writer(f)
                w.writerow(header)
                w.writerows([["" if v is None else v for v in r] for r in rows])
        else:
            write_xlsx(path, [SheetData(title, [header] + rows, widths=[max(10, len(h) * 2) for h in header],
                                        text_columns=text_columns, required={0, 1, 2}, validations=list(validations))])  # fmt: skip
    return len(rows)


def export_places(store: Store, path: str | Path, lang: str = "zh", *, area_ids: Iterable[str] | None = None) -> int:
    """The places of the grids (default: all this account holds), in the layout import_places reads back."""
    zh = lang.startswith("zh")
    kinds = load_kinds()
    with store.read() as s:
        names = dict(s.exec(select(Area.id, Area.name)).all())
        q = select(Place).where(Place.deleted == False)  # noqa: E712
        if area_ids is not None:
            q = q.where(Place.area_id.in_(list(area_ids)))
        places = sorted(s.exec(q), key=lambda p: (names.get(p.area_id, ""), p.kind, p.name))
    header = [zh_ if zh else en for zh_, en, _r in COLUMNS.values()]
    rows = [[p.name, kinds.get(p.kind).label(lang) if kinds.get(p.kind) else p.kind, names.get(p.area_id, ""), p.address,
             p.person_in_charge, p.phone, p.licence_number, p.notes] for p in places]  # fmt: skip
    kind_list = Validation(1, "场所类型" if zh else "Kind", "", [k.label(lang) for k in kinds])
    return _write(Path(path), "场所" if zh else "Places", header, rows, {5, 6}, [kind_list])


ROSTER_HEADERS = (("网格", "Grid"), ("网格角色", "Role in the grid"), ("姓名", "Name"), ("电话", "Phone"), ("特长", "Skills"),
                  ("备注", "Notes"))  # fmt: skip


def export_roster(store: Store, path: str | Path, lang: str = "zh", *, area_ids: Iterable[str] | None = None) -> int:
    """Every grid's team (网格“1+6+N”), grid by grid, leader first; returns the rows written."""
    zh = lang.startswith("zh")
    with store.read() as s:
        names = dict(s.exec(select(Area.id, Area.name)).all())
    members = rosters(store, area_ids)
    rows = [[names.get(m.area_id, ""), role_label(m.role, lang), m.name, m.phone, m.skills, m.notes] for m in members]
    header = [a if zh else b for a, b in ROSTER_HEADERS]
    return _write(Path(path), "网格力量" if zh else "Grid teams", header, rows, {3})
