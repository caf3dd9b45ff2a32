"""The row-level "same as stored" test: a row whose cells are what its stored record gives needs no cleaning.

Re-importing a file (an export, or last month's list with a few rows edited) mostly meets rows that
equal what is stored. Cleaning and checking each of their cells as a new row would be (ID numbers,
dates, labels) was half of such an import. Here each cell of the record's own fields is compared, in
the form the reader produces, with the stored value; only when every cell of the row matches is the
row called unchanged without being cleaned. A row with any other cell, in any column, is cleaned and
checked whole as before, so every bad cell of a row that changed is still named (one changed cell can
make an unchanged one wrong: an ID number against a gender).

A cell matches when cleaning it alone would certainly give the stored value:
  - text, room and unit numbers, phones, ID numbers: the same text (a whole number in a text column
    as its digits; an ID number only as text: as a number it is an error);
  - whole numbers: the same int (or its digits, from a CSV file); dates: a date (or a midnight datetime) of that day, or its ISO text;
  - labels and tags: whatever the register's own cleaning makes of the cell (run once per distinct
    cell text and column, a sheet has few);
  - an empty cell (None, or '' from a CSV file) only where nothing is stored (an empty cell keeps what is stored, but a row relying
    on that is left to the full path, which also fills a gender or birth date from the ID number).
An error cell (#N/A…) never matches, whatever its text. The stored values are the register's clean
forms: every write of a household or person (services, import, the app's forms) cleans them first.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

from ..domain import validation as v
from ..domain.errors import ValidationError
from .excel_columns import CellProblem, Column, cell_value, split_tags
from .excel_sheets import Sheet

PERSON_FIELDS = ("name", "gender", "id_number", "birth_date", "phone", "relation", "residence", "status", "tags", "skills", "notes")
HOUSEHOLD_FIELDS = ("unit", "room", "floor", "address", "housing", "phone", "notes")
AMBIGUOUS = object()  # a cell whose cleaned form is not known without the full cleaning
_MIDNIGHT = time()


def code_cell(raw: Any) -> Any:
    """A text cell's value for a look-up key (unit, room, name, ID number), AMBIGUOUS when only cleaning can tell."""
    if raw is None or raw == "":
        return None
    if type(raw) is str:
        return raw
    if type(raw) is int:
        return str(raw)
    return AMBIGUOUS


def _same_text(raw: Any, stored: Any) -> bool:
    if raw is None:
        return stored is None
    if type(raw) is str:
        return raw == stored
    return type(raw) is int and stored is not None and str(raw) == stored


def _same_id(raw: Any, stored: Any) -> bool:
    return stored is None if raw is None else (type(raw) is str and raw == stored)


def _same_int(raw: Any, stored: Any) -> bool:
    if raw is None or stored is None:
        return raw is None and stored is None
    kind = type(raw)
    return (kind is int and raw == stored) or (kind is str and raw == str(stored))


def _same_date(raw: Any, stored: Any) -> bool:
    if raw is None or stored is None:
        return raw is None and stored is None
    kind = type(raw)
    if kind is date:
        return raw == stored
    if kind is datetime:
        return raw.time() == _MIDNIGHT and raw.date() == stored
    return kind is str and raw == stored.isoformat()


class _Labels:
    """An enum or tags column: each distinct cell text cleaned once by the register's own rules."""

    def __init__(self, column: Column):
        self.column = column
        self.cleaned: dict[str, Any] = {}

    def clean(self, raw: str) -> Any:
        c = self.column
        try:
            value = cell_value(c, raw)
            if c.kind == "tags":
                return frozenset(v.tags(c.enum, c.field, split_tags(value, c.enum) if isinstance(value, str) else value))
            member = v.enum(c.enum, c.field, value)
            return member.value if member is not None else None
        except (CellProblem, ValidationError):
            return AMBIGUOUS

    def same(self, raw: Any, stored: Any) -> bool:
        if raw is None:
            return not stored  # no label stored; for tags, none or an empty list
        if type(raw) is not str:
            return False
        cleaned = self.cleaned.get(raw, AMBIGUOUS)
        if cleaned is AMBIGUOUS and raw not in self.cleaned:
            cleaned = self.cleaned[raw] = self.clean(raw)
        if cleaned is AMBIGUOUS:
            return False
        if self.column.kind == "tags":
            return cleaned == frozenset(stored or ())
        return cleaned == stored


_BY_KIND: dict[str, Callable[[Any, Any], bool]] = {
    "text": _same_text,
    "code": _same_text,
    "phone": _same_text,
    "id": _same_id,
    "int": _same_int,
    "date": _same_date,
}


class SameTest:
    """For one sheet: whether a row's cells of `fields` are what a stored record holds."""

    def __init__(self, sheet: Sheet, fields: tuple[str, ...]):
        self.columns = sheet.columns
        self.checks: list[tuple[str, int, Callable[[Any, Any], bool]]] = []
        for f in fields:
            i = sheet.columns.get(f)
            if i is None:
                continue  # a column the sheet does not have: the import leaves that field alone
            column = sheet.spec.by_field[f]
            same = _Labels(column).same if column.kind in ("enum", "tags") else _BY_KIND.get(column.kind)
            if same is None:
                raise ValueError(f"no same-as-stored test for a {column.kind} column")
            self.checks.append((f, i, same))

    def cell(self, values: list[Any], field: str) -> Any:
        """A cell as the reader gave it (None for an empty cell or a column the sheet does not have)."""
        i = self.columns.get(field)
        return values[i] if i is not None and i < len(values) else None

    def same(self, values: list[Any], record: Any) -> bool:
        n = len(values)
        for f, i, same in self.checks:
            raw = values[i] if i < n else None
            if raw == "":
                raw = None  # an empty CSV cell (the .xlsx readers give None)
            if not same(raw, getattr(record, f)):
                return False
        return True
