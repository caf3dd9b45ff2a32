"""From raw tables to sheets the import understands: which kind, where the header is, one row's cells and errors."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from openpyxl.utils.cell import get_column_letter

from ..domain.errors import GridWorkerError, ValidationError
from ..domain.register import InvalidRecord
from .excel_columns import INSTRUCTIONS_TITLES, SHEETS, CellProblem, SheetSpec, cell_value, guess_spec, is_header_row, match_headers, spec_for_sheet_name, split_tags
from .excel_reader import ErrorValue, Table

HEADER_SEARCH_ROWS = 10
_ID_FIELDS = frozenset(c.field for spec in SHEETS for c in spec.columns if c.kind == "id")  # a text cell may still be wrong  # a title row or two above the header is common in hand-made sheets


@dataclass
class Sheet:
    title: str
    spec: SheetSpec
    columns: dict[str, int]  # field → column index
    headers: list[Any]
    rows: list[tuple[int, list[Any]]]

    def where(self, field: str) -> tuple[str | None, str | None]:
        """Column letter and header text of a field, (None, None) when the sheet has no such column."""
        i = self.columns.get(field)
        if i is None:
            return None, None
        return get_column_letter(i + 1), str(self.headers[i]).strip()


@dataclass
class Prepared:
    sheets: list[Sheet]
    ignored_sheets: list[str]  # sheets with rows but no header we know (an instructions sheet, say)
    ignored_columns: list[tuple[str, str]]  # (sheet, header)


def _our_instructions(table: Table) -> bool:
    """The template's instructions sheet (its first cell is their title): nothing to say about it."""
    first = table.rows[0][1] if table.rows else []
    return bool(first) and isinstance(first[0], str) and first[0].strip() in INSTRUCTIONS_TITLES.values()


def prepare_sheets(tables: list[Table]) -> Prepared:
    """The sheets to import, in workbook order; several of one kind are fine (people split by grid, say)."""
    out = Prepared([], [], [])
    for table in tables:
        sheet = _find_header(table)
        if sheet is None:
            if table.rows and not _our_instructions(table):
                out.ignored_sheets.append(table.name)
            continue
        _, ignored = match_headers(sheet.spec, sheet.headers)
        out.ignored_columns.extend((sheet.title, h) for h in ignored)
        out.sheets.append(sheet)
    return out


def _find_header(table: Table) -> Sheet | None:
    named = spec_for_sheet_name(table.name)
    for i, (_number, values) in enumerate(table.rows[:HEADER_SEARCH_ROWS]):
        spec = named or guess_spec(values)
        if spec is not None and is_header_row(spec, values):
            columns, _ = match_headers(spec, values)
            return Sheet(table.name, spec, columns, values, table.rows[i + 1 :])
    return None


class Row:
    """One data row: its cells as the register's cleaning takes them, and the errors found in it."""

    def __init__(self, sheet: Sheet, number: int, values: list[Any]):
        self.sheet = sheet
        self.number = number
        self.values = values
        self.errors: list[tuple] = []  # CellError arguments
        self._failed: set[str] = set()
        self._values: dict[str, Any] = {}  # field → value: the import asks for the building's cells several times

    def value(self, field: str) -> Any:
        if field in self._values:
            return self._values[field]
        v = self._values[field] = self._value(field)
        return v

    def _value(self, field: str) -> Any:
        i = self.sheet.columns.get(field)
        if i is None or i >= len(self.values):
            return None
        raw = self.values[i]
        if raw is None:
            return None
        if type(raw) is str and field not in _ID_FIELDS:  # most cells: cell_value's answer, without the call
            return raw.strip() or None
        if isinstance(raw, ErrorValue):
            self.fail(field, f"单元格是错误值 {raw}（多为公式出错）", f"the cell holds the error {raw} (usually a broken formula)", "error_cell")
            return None
        try:
            return cell_value(self.sheet.spec.by_field[field], raw)
        except CellProblem as p:
            self.fail(field, p.zh, p.en, p.code)
            return None

    def text(self, field: str) -> str | None:
        v = self.value(field)
        return None if v is None else str(v).strip() or None

    def raw(self, fields: tuple[str, ...]) -> dict[str, Any]:
        """The non-empty cells among `fields`: an empty cell keeps what is stored."""
        out = {}
        for f in fields:
            v = self.value(f)
            if v is None:
                continue
            column = self.sheet.spec.by_field[f]
            out[f] = split_tags(v, column.enum) if column.kind == "tags" and isinstance(v, str) else v
        return out

    def clean(self, fn: Callable[[dict[str, Any]], dict[str, Any]], raw: dict[str, Any]) -> dict[str, Any] | None:
        try:
            return fn(raw)
        except InvalidRecord as e:
            for ve in e.errors:
                self.fail(ve.field, ve.zh, ve.en, ve.code)
            return None

    def fail(self, field: str | None, zh: str, en: str, code: str) -> None:
        if field is not None and field in self._failed:
            return  # one message per cell
        if field is not None:
            self._failed.add(field)
        letter, header = self.sheet.where(field) if field else (None, None)
        self.errors.append((self.sheet.title, self.number, letter, header, zh, en, code))

    def fail_with(self, exc: GridWorkerError) -> None:
        if isinstance(exc, InvalidRecord):
            for ve in exc.errors:
                self.fail(ve.field, ve.zh, ve.en, ve.code)
        else:
            self.fail(exc.field if isinstance(exc, ValidationError) else None, exc.zh, exc.en, exc.code)

    def unique(self, key: Any, first_row_of: dict[Any, tuple[str, int]], field: str, what_zh: str, what_en: str) -> bool:
        """False (and an error) when an earlier row of the file (this sheet or another) has the same upsert key."""
        here = (self.sheet.title, self.number)
        first = first_row_of.setdefault(key, here)
        if first == here:
            return True
        sheet, row = first
        where_zh = f"第{row}行" if sheet == self.sheet.title else f"“{sheet}”表第{row}行"
        where_en = f"row {row}" if sheet == self.sheet.title else f"sheet '{sheet}' row {row}"
        self.fail(field, f"与{where_zh}重复（{what_zh}相同）", f"duplicates {where_en} (same {what_en})", "duplicate_row")
        return False
