"""Reading .xlsx and .csv files into plain rows for the register import.

calamine (Rust, services/excel_calamine.py) reads the sheets it reads as
this module does, ~4x faster; the others, and every sheet where it is not
installed, go through a streaming expat parse of the sheet XML, not openpyxl. openpyxl's read-only
mode costs ~15 µs per cell (a 50,000-person sheet is 850,000 cells) and, on
files without a <dimension> element (openpyxl's own write-only output, which
our export is), parses each sheet twice before the first row. This parse keeps
what the import needs: values (shared, inline and formula-cached strings,
numbers, booleans, dates by the cell's number format, 1900 and 1904
calendars), merged ranges (filled with their top-left value), hidden sheets
(skipped). openpyxl's date-format rules are reused.
"""

from __future__ import annotations

import csv
import io
import posixpath
import xml.parsers.expat
import zipfile
from dataclasses import dataclass
from functools import cached_property
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.cell import column_index_from_string, range_boundaries
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from ..domain.errors import GridWorkerError
from . import excel_calamine


@dataclass
class Table:
    """The non-empty rows of one sheet (or CSV file): (1-based row number, values by column)."""

    name: str
    rows: list[tuple[int, list[Any]]]


class ErrorValue(str):
    """An Excel error cell (#N/A, #REF!…): usually a broken formula."""


def read_tables(path: str | Path) -> list[Table]:
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise GridWorkerError(f"找不到文件：{path}", f"No such file: {path}", code="no_file")
    if suffix == ".csv":
        return [read_csv(path)]
    if suffix in (".xlsx", ".xlsm"):
        try:
            return read_xlsx(path)
        except (zipfile.BadZipFile, KeyError, IndexError, ValueError, xml.parsers.expat.ExpatError, *excel_calamine.ERRORS):
            raise GridWorkerError(  # the parser's own words ("File is not a zip file") are not the user's
                f"文件“{path.name}”不是有效的 .xlsx 工作簿（可能已损坏）",
                f"'{path.name}' is not a valid .xlsx workbook (it may be damaged)",
                code="bad_file",
            ) from None
    if suffix in (".xls", ".et", ".ods", ".numbers"):
        raise GridWorkerError(
            f"不支持 {suffix} 格式：请在 Excel 或 WPS 中另存为 .xlsx 后再导入",
            f"{suffix} files are not supported: save the file as .xlsx in Excel or WPS, then import it",
            code="bad_file_type",
        )
    raise GridWorkerError("只能导入 .xlsx 或 .csv 文件", "Only .xlsx and .csv files can be imported", code="bad_file_type")


# -- CSV ----------------------------------------------------------------------
def read_csv(path: Path) -> Table:
    """UTF-8 (with or without BOM), else GB18030 (what Excel on a Chinese Windows saves); , ; or tab separated."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030", errors="replace")
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = []
    for number, cells in enumerate(csv.reader(io.StringIO(text, newline=""), dialect), start=1):
        if any(c.strip() for c in cells):
            rows.append((number, list(cells)))
    return Table(path.name, rows)


# -- XLSX ---------------------------------------------------------------------
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_STRICT_REL_NS = "http://purl.oclc.org/ooxml/officeDocument/relationships"
# Date formats that Chinese-locale Excel leaves implicit (ECMA-376 §18.8.30: locale-specific ids).
_CJK_DATE_IDS = set(range(27, 37)) | set(range(50, 59))


def _local(name: str) -> str:
    return name[name.rfind(" ") + 1 :]


def _parse(data: bytes, start=None, end=None, chars=None) -> None:
    p = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    p.buffer_text = True
    if start:
        p.StartElementHandler = start
    if end:
        p.EndElementHandler = end
    if chars:
        p.CharacterDataHandler = chars
    p.Parse(data, True)


def read_xlsx(path: Path) -> list[Table]:
    with zipfile.ZipFile(path) as z:
        book = _Book(z, set(z.namelist()))
        fast = excel_calamine.open_book(path, book)
        tables = []
        for title, target in book.sheets:
            rows = fast.rows(title, z.read(target)) if fast is not None else None
            if rows is None:  # read here: what calamine reads differently (error cells…), or no calamine
                sheet = _SheetParser(book.shared, book.date_styles, book.epoch)
                with z.open(target) as f:
                    sheet.parse(f)
                rows = sheet.table()
            tables.append(Table(title, rows))
        return tables


class _Book:
    """Workbook-level facts: visible sheets and their parts, shared strings, date styles, calendar."""

    def __init__(self, z: zipfile.ZipFile, names: set[str]):
        rels = self._rels(z, "xl/_rels/workbook.xml.rels", "xl")
        self.sheets: list[tuple[str, str]] = []
        self.epoch = CALENDAR_WINDOWS_1900

        def start(name, attrs):
            local = _local(name)
            if local == "sheet" and attrs.get("state", "visible") == "visible":
                rid = attrs.get(f"{_REL_NS} id") or attrs.get(f"{_STRICT_REL_NS} id")
                if rid in rels and rels[rid][1] in names:
                    self.sheets.append((attrs.get("name", ""), rels[rid][1]))
            elif local == "workbookPr" and attrs.get("date1904") in ("1", "true"):
                self.epoch = CALENDAR_MAC_1904

        _parse(z.read("xl/workbook.xml"), start)
        self._z, self._names = z, names
        self.parts = {kind.rsplit("/", 1)[-1]: target for kind, target in rels.values()}

    @cached_property
    def shared(self) -> list[str]:
        part = self.parts.get("sharedStrings")
        return self._shared_strings(self._z.read(part)) if part in self._names else []

    @cached_property
    def date_styles(self) -> set[int]:
        part = self.parts.get("styles")
        return self._date_styles(self._z.read(part)) if part in self._names else set()

    @staticmethod
    def _rels(z: zipfile.ZipFile, part: str, base: str) -> dict[str, tuple[str, str]]:
        """Relationship id → (type, part name inside the zip)."""
        out: dict[str, tuple[str, str]] = {}

        def start(name, attrs):
            if _local(name) == "Relationship" and attrs.get("TargetMode") != "External":
                target = attrs.get("Target", "")
                full = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))
                out[attrs.get("Id", "")] = (attrs.get("Type", ""), full)

        _parse(z.read(part), start)
        return out

    @staticmethod
    def _shared_strings(data: bytes) -> list[str]:
        strings: list[str] = []
        state = {"parts": None, "text": False, "phonetic": 0}

        def start(name, attrs):
            local = _local(name)
            if local == "si":
                state["parts"] = []
            elif local == "rPh":  # phonetic guide (furigana): not part of the value
                state["phonetic"] += 1
            elif local == "t" and not state["phonetic"]:
                state["text"] = True

        def end(name):
            local = _local(name)
            if local == "si":
                strings.append("".join(state["parts"]))
                state["parts"] = None
            elif local == "rPh":
                state["phonetic"] -= 1
            elif local == "t":
                state["text"] = False

        def chars(data):
            if state["text"]:
                state["parts"].append(data)

        _parse(data, start, end, chars)
        return strings

    @staticmethod
    def _date_styles(data: bytes) -> set[int]:
        """Indexes of the cell formats (cellXfs) whose number format shows a date or time."""
        custom: dict[int, str] = {}
        xf_formats: list[int] = []
        inside = {"cellXfs": False}

        def start(name, attrs):
            local = _local(name)
            if local == "numFmt":
                custom[int(attrs.get("numFmtId", "0"))] = attrs.get("formatCode", "")
            elif local == "cellXfs":
                inside["cellXfs"] = True
            elif local == "xf" and inside["cellXfs"]:
                xf_formats.append(int(attrs.get("numFmtId", "0")))

        def end(name):
            if _local(name) == "cellXfs":
                inside["cellXfs"] = False

        _parse(data, start, end)

        def is_date(fmt_id: int) -> bool:
            if fmt_id in custom:
                return is_date_format(custom[fmt_id])
            if fmt_id in _CJK_DATE_IDS:
                return True
            return fmt_id in BUILTIN_FORMATS and is_date_format(BUILTIN_FORMATS[fmt_id])

        return {i for i, fmt_id in enumerate(xf_formats) if is_date(fmt_id)}


_C, _V, _T, _ROW, _PHONETIC, _MERGE = range(6)
_SHEET_TAGS = {"c": _C, "v": _V, "t": _T, "row": _ROW, "rPh": _PHONETIC, "mergeCell": _MERGE}


def _sheet_tag(name: str) -> int | None:
    """The tag of a worksheet element; prefixed names ("x:c") are rare, so they take the slow path."""
    if ":" in name:
        return _SHEET_TAGS.get(name.rpartition(":")[2])
    return _SHEET_TAGS.get(name)


class _SheetParser:
    """expat callbacks for one worksheet (no namespace processing: it halves the parse time).

    They run once per XML element, ~5 million times for a 50,000-person sheet,
    so they are kept to a dictionary lookup and a few comparisons.
    """

    def __init__(self, shared: list[str], date_styles: set[int], epoch: datetime):
        self.shared, self.epoch = shared, epoch
        self.date_styles = {str(i) for i in date_styles}
        self.rows: dict[int, dict[int, Any]] = {}
        self.merges: list[str] = []
        self.cells: dict[int, Any] = {}
        self.row = 0
        self.col = -1
        self.type = "n"
        self.style = "0"
        self.text: str | None = None
        self.collect = False
        self.phonetic = 0
        self.columns: dict[str, int] = {}

    def parse(self, f) -> None:
        p = xml.parsers.expat.ParserCreate()
        p.buffer_text = True
        p.buffer_size = 1 << 16
        p.StartElementHandler, p.EndElementHandler, p.CharacterDataHandler = self.start, self.end, self.chars
        p.ParseFile(f)

    def start(self, name: str, attrs: dict[str, str]) -> None:
        tag = _SHEET_TAGS.get(name)
        if tag is None:
            tag = _sheet_tag(name)
            if tag is None:
                return
        if tag == _C:
            ref = attrs.get("r")
            if ref:
                letters = ref.rstrip("0123456789")
                col = self.columns.get(letters)
                if col is None:
                    col = self.columns[letters] = column_index_from_string(letters) - 1
                self.col = col
            else:
                self.col += 1
            self.type = attrs.get("t", "n")
            self.style = attrs.get("s", "0")
            self.text = None
        elif tag == _V or tag == _T:
            self.collect = not self.phonetic
        elif tag == _ROW:
            r = attrs.get("r")
            self.row = int(float(r)) if r else self.row + 1
            self.col = -1
            self.cells = self.rows.setdefault(self.row, {})
        elif tag == _PHONETIC:
            self.phonetic += 1
        elif tag == _MERGE:
            self.merges.append(attrs.get("ref", ""))

    def end(self, name: str) -> None:
        if self.collect:  # the end of a <v> or <t>: they hold text only, no elements
            self.collect = False
            if self.text is None:
                self.text = ""  # <v></v>: present but empty
            return
        tag = _SHEET_TAGS.get(name)
        if tag is None:
            tag = _sheet_tag(name)
        if tag == _C:
            if self.text is not None:
                value = self._value(self.text)
                if value is not None and value != "":
                    self.cells[self.col] = value
        elif tag == _PHONETIC:
            self.phonetic -= 1

    def chars(self, data: str) -> None:
        if self.collect:
            self.text = data if self.text is None else self.text + data

    def _value(self, text: str) -> Any:
        t = self.type
        if t == "s":
            return self.shared[int(text)]
        if t in ("str", "inlineStr"):
            return text
        if t == "n":
            if not text:
                return None
            try:
                number = float(text) if any(ch in text for ch in ".eE") else int(text)
            except ValueError:
                return text  # not a number after all (or past int()'s 4300 digits): validation names the cell
            if self.style in self.date_styles:
                try:
                    return from_excel(number, self.epoch)
                except (ValueError, OverflowError):
                    return number
            return number
        if t == "b":
            return text.strip() in ("1", "true")
        if t == "e":
            return ErrorValue(text)
        if t == "d":
            return datetime.fromisoformat(text)
        return text

    def table(self) -> list[tuple[int, list[Any]]]:
        for ref in self.merges:
            try:
                min_col, min_row, max_col, max_row = range_boundaries(ref)
            except ValueError:
                continue
            top_left = self.rows.get(min_row, {}).get(min_col - 1)
            if top_left is None:
                continue
            for r in range(min_row, max_row + 1):
                cells = self.rows.setdefault(r, {})
                for c in range(min_col - 1, max_col):
                    cells.setdefault(c, top_left)
        out = []
        for number in sorted(self.rows):
            cells = self.rows[number]
            if not cells:
                continue
            values: list[Any] = [None] * (max(cells) + 1)
            for c, v in cells.items():
                values[c] = v
            if any(not (isinstance(v, str) and not v.strip()) for v in values if v is not None):
                out.append((number, values))
        return out

