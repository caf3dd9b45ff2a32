"""Importing the register from a workbook: validate every cell, upsert through the services, report.

One transaction for the whole file. Strict mode (the default) changes nothing
when any row is bad; `skip_errors` imports the good rows; `dry_run` does all
the work, counts it, and rolls back. Every record is written by the register
services' own rules, so each change lands in the outbox exactly as a typed edit
would: new households and people as plain rows built by those rules
(excel_rows.py), everything else through the services themselves; a row equal
to what is stored writes nothing, and one whose cells are what the stored
record holds is not even cleaned (excel_same.py: any other row is cleaned and
checked whole, so every bad cell of a changed row is still named).

Upsert keys: a building is (grid, estate, name); a household (building, unit,
room), or (building, unit, address) when it has no room; a person their ID
number, or name + household when the row gives no ID number. An empty cell
keeps what is stored (it never clears a field).

Speed: everything the rows refer to is loaded once into dictionaries, as
plain rows until the first update through a service, as records from then on
(the services then find them in the session's identity map, with no query).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..domain.collector import collector_paused
from ..domain.errors import GridWorkerError
from ..domain.register import clean_building, clean_household, clean_person
from ..store.database import Store
from . import register as reg
from .base import Tx, transaction
from .excel_columns import BUILDING, COMMUNITY, GRID, SHEET_BY_KIND
from .excel_index import AreaBook, RegisterIndex, household_key
from .excel_rows import NewRows
from .excel_reader import read_tables
from .excel_same import AMBIGUOUS, HOUSEHOLD_FIELDS, PERSON_FIELDS, SameTest, code_cell
from .excel_sheets import Row, Sheet, prepare_sheets

Progress = Callable[[int, int], None]
FLUSH_EVERY = 1000
# The import's page cache: a 50,000-person file writes ~130 MB of pages, which the usual 64 MiB cache wrote out
# and read back mid-transaction (SQLCipher encrypting and decrypting them again). SQLite takes only the pages used.
IMPORT_CACHE_KIB = 262_144
PROGRESS_EVERY = 500


@dataclass
class CellError:
    """One bad cell (or row, when `column` is None), where the user will look for it."""

    sheet: str
    row: int
    column: str | None
    header: str | None
    zh: str
    en: str
    code: str = "invalid_value"

    def message(self, lang: str = "zh") -> str:
        if lang.startswith("zh"):
            where = f"“{self.sheet}”表第{self.row}行" + (f" {self.column}列（{self.header}）" if self.column else "")
            return f"{where}：{self.zh}"
        where = f"sheet '{self.sheet}', row {self.row}" + (f", column {self.column} ({self.header})" if self.column else "")
        return f"{where}: {self.en}"


@dataclass
class SheetResult:
    sheet: str
    kind: str
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: int = 0  # rows with at least one bad cell


@dataclass
class ImportReport:
    sheets: list[SheetResult] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    ignored_columns: list[tuple[str, str]] = field(default_factory=list)  # (sheet, header)
    ignored_sheets: list[str] = field(default_factory=list)
    dry_run: bool = False
    skip_errors: bool = False
    committed: bool = False

    def result(self, kind: str) -> SheetResult | None:
        return next((r for r in self.sheets if r.kind == kind), None)

    def lines(self, lang: str = "zh") -> list[str]:
        """The report as a person reads it: counts per sheet, then every bad cell."""
        zh = lang.startswith("zh")
        out = []
        for r in self.sheets:
            if self.committed:
                out.append(f"{r.sheet}：新增 {r.new}，更新 {r.updated}，未变 {r.unchanged}，错误 {r.errors}" if zh else
                           f"{r.sheet}: {r.new} new, {r.updated} updated, {r.unchanged} unchanged, {r.errors} with errors")
            else:  # a dry run, or a strict import that found errors: what it would have done, nothing written
                out.append(f"{r.sheet}：将新增 {r.new}，将更新 {r.updated}，未变 {r.unchanged}，错误 {r.errors}（未写入）" if zh else
                           f"{r.sheet}: {r.new} to add, {r.updated} to update, {r.unchanged} unchanged, "
                           f"{r.errors} with errors (nothing written)")
        for sheet, header in self.ignored_columns:
            out.append(f"“{sheet}”表的“{header}”列不认识，已忽略" if zh else f"Sheet '{sheet}': column '{header}' is not known, ignored")
        for sheet in self.ignored_sheets:
            out.append(f"工作表“{sheet}”不是楼栋、住户或人员表，已忽略" if zh else f"Sheet '{sheet}' is not a building, household or person sheet: ignored")
        out.extend(e.message(lang) for e in self.errors)
        return out


class _Rollback(Exception):
    """Raised inside the transaction to leave the store as it was (dry run, or a strict import with errors)."""


def import_register(
    store: Store,
    path: str | Path,
    *,
    create_areas: bool,
    dry_run: bool = False,
    skip_errors: bool = False,
    progress: Progress | None = None,
    initiator: Any = "import",
) -> ImportReport:
    """Import a .xlsx or .csv file of buildings, households and people.

    `create_areas`: a local account (no server) creates the communities and
    grids the file names; an account linked to a server only uses areas it has.
    """
    # ~1,000,000 cells and 100,000s of rows: the collector would walk them again and again. The pause ends
    # once _import has returned and they are freed; ending it with them alive walks them all once more.
    with collector_paused():
        return _import(store, path, create_areas, dry_run, skip_errors, progress, initiator)


def _import(store: Store, path, create_areas: bool, dry_run: bool, skip_errors: bool, progress, initiator) -> ImportReport:
    prepared = prepare_sheets(read_tables(path))
    sheets = prepared.sheets
    report = ImportReport(
        ignored_columns=prepared.ignored_columns, ignored_sheets=prepared.ignored_sheets, dry_run=dry_run, skip_errors=skip_errors
    )
    if not sheets:
        raise GridWorkerError(
            "文件中没有可导入的工作表：请使用“楼栋”“住户”“人员”表及其表头（可用 gridworker template 生成模板）",
            "The file has no sheet to import: use sheets of buildings, households or persons with their headers "
            "(`gridworker template` writes one)",
            code="nothing_to_import",
        )
    total = sum(len(s.rows) for s in sheets)
    try:
        with transaction(store, initiator=initiator, cache_kib=IMPORT_CACHE_KIB) as tx:
            importer = _Importer(tx, report, create_areas=create_areas, progress=progress, total=total)
            # Buildings before the households in them, households before their people.
            for sheet in sorted(sheets, key=lambda s: list(SHEET_BY_KIND).index(s.spec.kind)):
                importer.run(sheet)
            importer.rows.settle()
            if progress:
                progress(total, total)
            if dry_run or (report.errors and not skip_errors):
                raise _Rollback
        report.committed = True
    except _Rollback:
        pass
    return report


class _Importer:
    def __init__(self, tx: Tx, report: ImportReport, *, create_areas: bool, progress: Progress | None, total: int):
        self.tx = tx
        self.report = report
        self.progress = progress
        self.total = total
        self.done = 0
        tx.hold_clock()
        self.areas = AreaBook(tx, create=create_areas)
        self.index = RegisterIndex(tx.s)
        self.rows = NewRows(tx)  # new households and people: plain rows, the services' rules
        # upsert key → (sheet, row) that had it first, per kind: the same record twice in the file is an error
        self.first_row_of: dict[str, dict[Any, tuple[str, int]]] = {kind: {} for kind in SHEET_BY_KIND}
        self.same_tests: dict[str, SameTest] = {}  # sheet title → its "same as stored" test (excel_same.py)
        # (the row's place cells as read) → the building or household they named without an error:
        # most rows share their building's cells, and a file of 50,000 people has ~20,000 households
        self.places: dict[tuple, Any] = {}

    def same_test(self, sheet: Sheet) -> SameTest:
        test = self.same_tests.get(sheet.title)
        if test is None:
            fields = PERSON_FIELDS if sheet.spec.kind == "person" else HOUSEHOLD_FIELDS
            test = self.same_tests[sheet.title] = SameTest(sheet, fields)
        return test

    def run(self, sheet: Sheet) -> None:
        result = SheetResult(sheet.title, sheet.spec.kind)
        self.report.sheets.append(result)
        handle = {"building": self.building, "household": self.household, "person": self.person}[sheet.spec.kind]
        first_row_of = self.first_row_of[sheet.spec.kind]
        for number, values in sheet.rows:
            row = Row(sheet, number, values)
            try:
                outcome = handle(row, first_row_of)
            except GridWorkerError as exc:
                # The services check what the rows were checked for; if one still refuses, the row
                # may be half written, so the import stops here whatever the mode: nothing is kept.
                row.fail_with(exc)
                self._record(row, result)
                raise _Rollback from exc
            self._record(row, result, outcome)
            self.done += 1
            if self.done % FLUSH_EVERY == 0:
                self.tx.s.flush()  # batches the INSERTs and lets flushed records be freed
            if self.progress and self.done % PROGRESS_EVERY == 0:
                self.progress(self.done, self.total)

    def before_update(self) -> None:
        """Before a service changes a stored record: it reads what the rows wrote; the index holds records."""
        self.rows.settle()
        if not self.index.records:
            self.index.use_records(self.tx.s)
            self.places.clear()  # the households found so far were rows: the index holds records now

    def _record(self, row: Row, result: SheetResult, outcome: str | None = None) -> None:
        if row.errors:
            self.report.errors.extend(CellError(*e) for e in row.errors)
            result.errors += 1
        elif outcome:
            setattr(result, outcome, getattr(result, outcome) + 1)

    # -- buildings -----------------------------------------------------------
    def building(self, row: Row, first_row_of: dict) -> str | None:
        raw = row.raw(("estate", "name", "address", "units", "floors", "lat", "lon", "notes"))
        values = row.clean(clean_building, raw)
        area = self.areas.resolve(row, create=not row.errors)
        if row.errors or values is None or area is None:
            return None
        key = (area.id, values.get("estate"), values["name"])
        if not row.unique(key, first_row_of, "name", "网格、小区和楼栋", "grid, estate and building"):
            return None
        existing = self.index.building(key)
        self.rows.settle()  # a service reads what the rows wrote
        if existing is None:
            b = reg.register_building(self.tx, values | {"area_id": area.id}, cleaned=True)
            self.index.add_building(b)
            return "new"
        changed = _changed(existing, values)
        if not changed:
            return "unchanged"
        self.before_update()
        reg.update_building(self.tx, existing.id, changed)
        return "updated"

    # -- households ----------------------------------------------------------
    def household(self, row: Row, first_row_of: dict) -> str | None:
        building = self.remembered(row, _BUILDING_CELLS, lambda: self.find_building(row, required=True))
        if building is not None and not row.errors and self.same_household(row, building, first_row_of):
            return None if row.errors else "unchanged"
        raw = row.raw(("unit", "room", "floor", "address", "housing", "phone", "notes"))
        values = row.clean(clean_household, raw)
        if row.errors or values is None or building is None:
            return None
        key = household_key(building.id, values.get("unit"), values.get("room"), values.get("address"))
        if not _unique_household(row, key, first_row_of):
            return None
        existing = self.index.household(key)
        if existing is None:
            hh = self.rows.household(values | {"building_id": building.id}, building)
            self.index.add_household(hh)
            return "new"
        changed = _changed(existing, {k: v for k, v in values.items() if k in raw})
        if not changed:
            return "unchanged"
        self.before_update()
        reg.update_household(self.tx, existing.id, changed)
        return "updated"

    def same_household(self, row: Row, building, first_row_of: dict) -> bool:
        """True when the row's cells are what its stored household holds: unchanged, nothing to clean."""
        test = self.same_test(row.sheet)
        unit, room, address = (code_cell(test.cell(row.values, f)) for f in ("unit", "room", "address"))
        if AMBIGUOUS in (unit, room, address):
            return False
        key = household_key(building.id, unit, room, address)
        existing = self.index.household(key)
        if existing is None or not test.same(row.values, existing):
            return False
        _unique_household(row, key, first_row_of)  # a second row of the same household is named all the same
        return True

    def remembered(self, row: Row, fields: tuple[str, ...], find: Callable[[], Any]) -> Any:
        """What `find` gives for the row's place cells, found once for the same cells (plain text or numbers).

        Only a place found without an error is kept: a row whose lookup failed is named by its own lookup.
        """
        key = _plain_cells(row, fields)
        if key is not None:
            found = self.places.get(key)
            if found is not None:
                return found
        found = find()
        if key is not None and found is not None and not row.errors:
            self.places[key] = found
        return found

    def find_building(self, row: Row, *, required: bool):
        name = row.text(BUILDING)
        if not name:
            if required:
                row.fail(BUILDING, "楼栋不能为空", "The building is required", "required")
            return None
        estate = row.text("estate")
        community, grid = row.text(COMMUNITY), row.text(GRID)
        area = self.areas.find(row, community, grid) if grid else None
        if grid and area is None:
            return None  # find() named the cell
        found = self.index.find_building(self.areas, estate, name, area=area, community=community)
        if len(found) == 1:
            return found[0]
        where = f"{estate or ''}{name}"
        if found:
            row.fail(
                GRID,
                f"有{len(found)}个楼栋叫“{where}”，请填写网格以区分",
                f"{len(found)} buildings are called '{where}': give the grid to tell them apart",
                "ambiguous_building",
            )
        else:
            row.fail(
                BUILDING,
                f"找不到楼栋“{where}”：请先在“楼栋”表中登记",
                f"No building '{where}': add it to the building sheet first",
                "unknown_building",
            )
        return None

    # -- persons -------------------------------------------------------------
    def person(self, row: Row, first_row_of: dict) -> str | None:
        household = self.remembered(row, _HOUSEHOLD_CELLS, lambda: self.find_household(row))
        if household is not None and not row.errors and self.same_person(row, household, first_row_of):
            return None if row.errors else "unchanged"
        raw = row.raw(("name", "gender", "id_number", "birth_date", "phone", "relation", "residence", "status", "tags", "skills", "notes"))
        values = row.clean(clean_person, raw)
        if row.errors or values is None:
            return None
        area = None
        if household is None and row.text(GRID):
            area = self.areas.resolve(row, create=True)
            if area is None:
                return None
        number = values.get("id_number")
        home = household.id if household is not None else None
        if not _unique_person(row, number, home, values["name"], first_row_of):
            return None
        existing = self.index.person(number, home, values["name"], row)
        if row.errors:
            return None
        if existing is None:
            p = _register_person(self.tx, self.rows, values, household, area)
            self.index.add_person(p)
            return "new"
        return _update_person(self.tx, self.index, existing, values, raw, household, self.before_update)

    def same_person(self, row: Row, household, first_row_of: dict) -> bool:
        """True when the row's cells are what its stored person holds, in the household the row names."""
        test = self.same_test(row.sheet)
        number, name = code_cell(test.cell(row.values, "id_number")), test.cell(row.values, "name")
        if type(name) is not str or number is AMBIGUOUS:
            return False
        if number is not None:
            p = self.index.by_number.get(number)
        else:
            found = self.index.by_home.get((household.id, name), ())
            p = found[0] if len(found) == 1 else None
        if p is None or p.household_id != household.id or not test.same(row.values, p):
            return False
        _unique_person(row, number, household.id, name, first_row_of)  # a second row of the same person is named
        return True

    def find_household(self, row: Row):
        has_building, room = bool(row.text(BUILDING)), row.text("room")
        if not has_building and not room:
            return None  # a person without a household: allowed
        building = self.find_building(row, required=True)
        if building is None:
            return None
        if not room:
            row.fail("room", "请填写房号以确定住户", "Give the room number to say which household", "required")
            return None
        unit = row.text("unit")
        hh = self.index.household(household_key(building.id, unit, room, None))
        if hh is None:
            where = f"{building.estate or ''}{building.name}" + (f"{unit}单元" if unit else "") + f"{room}"
            row.fail(
                "room",
                f"找不到住户“{where}”：请先在“住户”表中登记",
                f"No household '{where}': add it to the household sheet first",
                "unknown_household",
            )
        return hh


_BUILDING_CELLS = (COMMUNITY, GRID, "estate", BUILDING)
_HOUSEHOLD_CELLS = (COMMUNITY, GRID, "estate", BUILDING, "unit", "room")
_PLAIN = (str, int, float, type(None))


def _plain_cells(row: Row, fields: tuple[str, ...]) -> tuple | None:
    """The row's cells of `fields` as read, with the sheet's columns; None if one is not plain (an error cell…)."""
    columns, values = row.sheet.columns, row.values
    n = len(values)
    cells = []
    for f in fields:
        i = columns.get(f)
        cell = values[i] if i is not None and i < n else None
        if type(cell) not in _PLAIN:
            return None
        cells.append(cell)
    return (fields, *cells)


def _unique_household(row: Row, key: tuple, first_row_of: dict) -> bool:
    return row.unique(key, first_row_of, "room", "楼栋、单元和房号", "building, unit and room")


def _unique_person(row: Row, number: str | None, home: str | None, name: str, first_row_of: dict) -> bool:
    key = ("id", number) if number else ("home", home, name)
    same = ("身份证号", "ID number") if number else ("住户和姓名", "household and name")
    return row.unique(key, first_row_of, "id_number" if number else "name", *same)


def _changed(record: Any, values: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for name, value in values.items():
        current = getattr(record, name)
        if name == "tags":
            if set(current or ()) != set(value or ()):
                out[name] = value
        elif current != value:
            out[name] = value
    return out


_LEAVE = {"moved_out": reg.mark_moved_out, "deceased": reg.mark_deceased}


def _register_person(tx: Tx, rows: NewRows, values: dict[str, Any], household, area):
    status = values.pop("status", "active")
    fields = values | {"household_id": household.id if household is not None else None}
    if household is None and area is not None:
        fields["area_id"] = area.id
    if status not in _LEAVE:
        return rows.person(fields, household)  # register_person's rules, as a plain row
    rows.settle()
    p = reg.register_person(tx, fields, id_checked=True, cleaned=True)
    _LEAVE[status](tx, p.id)
    return p


def _update_person(tx: Tx, index: RegisterIndex, p, values: dict[str, Any], raw: dict[str, Any], household, before_update) -> str:
    wanted = {k: v for k, v in values.items() if k in raw and k != "status"}
    changed = _changed(p, wanted)
    status = values.get("status") if "status" in raw else None
    moving = household is not None and household.id != p.household_id
    if not changed and not moving and (status is None or status == p.status):
        return "unchanged"
    before_update()
    if changed or moving:
        old_number, old_home, old_name = p.id_number, p.household_id, p.name
        stored = reg.update_person(tx, p.id, changed | ({"household_id": household.id} if moving else {}), id_checked=True)
        index.changed(p, stored, old_number, old_home, old_name)
        p = stored  # a row written by this import is read back as a record by the service
    if status is not None and status != p.status:
        if status in _LEAVE:
            _LEAVE[status](tx, p.id)
        elif p.household_id:
            reg.move_person(tx, p.id, p.household_id)  # back to active: a new stay in the same household
        else:
            reg.update_person(tx, p.id, {"status": status}, id_checked=True)
    return "updated"
