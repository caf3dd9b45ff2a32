"""Writing .xlsx files straight from rows: the register's sheets, styled, at a few µs per cell.

openpyxl's write-only mode costs ~50 µs per cell (a Cell object, then an
element tree serialised piece by piece): a minute for a 50,000-person export.
The register's sheets need little of SpreadsheetML — text, numbers, dates, a
styled and frozen header row, column widths, columns kept as text, drop-down
lists — so this writes those parts directly, streaming each sheet into the zip.
Text goes to the shared-string table, as Excel does: a register repeats its
community, grid, estate and label values on every row, so the file is smaller
and reads back faster. The output opens in Excel, WPS and LibreOffice, and
openpyxl reads it back.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from openpyxl.utils.cell import get_column_letter
from openpyxl.utils.datetime import to_excel

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# Style indexes in styles.xml below.
PLAIN, HEADER, REQUIRED_HEADER, DATE, TEXT, TITLE = range(6)
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass
class Validation:
    """A drop-down list (or, with `choices` None, only an input hint) on one column below the header."""

    column: int  # 0-based
    title: str
    message: str
    choices: list[str] | None = None


@dataclass
class SheetData:
    title: str
    rows: Iterable[list[Any]]  # the first row is the header when `header` is True, else a title
    widths: list[int] = field(default_factory=list)
    text_columns: set[int] = field(default_factory=set)  # formatted as Text ("@") for what people type
    required: set[int] = field(default_factory=set)  # header cells shown as required
    validations: list[Validation] = field(default_factory=list)
    header: bool = True
    validation_rows: int = 20000


def write_xlsx(path: str | Path, sheets: list[SheetData]) -> None:
    strings: dict[str, int] = {}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        z.writestr("[Content_Types].xml", _content_types(len(sheets)))
        z.writestr("_rels/.rels", _XML + f'<Relationships xmlns="{_PKG_REL}">'
                   f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", _workbook(sheets))
        z.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(len(sheets)))
        z.writestr("xl/styles.xml", _STYLES)
        for i, sheet in enumerate(sheets, start=1):
            with z.open(f"xl/worksheets/sheet{i}.xml", "w") as f:
                _write_sheet(f, sheet, strings)
        with z.open("xl/sharedStrings.xml", "w") as f:
            _write_strings(f, strings)


def _write_strings(f, strings: dict[str, int]) -> None:
    f.write((_XML + f'<sst xmlns="{_MAIN}" count="{len(strings)}" uniqueCount="{len(strings)}">').encode())
    chunk = []
    for text in strings:  # in insertion order, which is index order
        space = ' xml:space="preserve"' if text != text.strip() else ""
        chunk.append(f"<si><t{space}>{escape(text)}</t></si>")
        if len(chunk) >= 1000:
            f.write("".join(chunk).encode())
            chunk.clear()
    chunk.append("</sst>")
    f.write("".join(chunk).encode())


def _content_types(n: int) -> str:
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, n + 1)
    )
    return (
        _XML + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        f"{sheets}</Types>"
    )


def _workbook(sheets: list[SheetData]) -> str:
    entries = "".join(
        f'<sheet name={quoteattr(s.title[:31])} sheetId="{i}" r:id="rId{i}"/>' for i, s in enumerate(sheets, start=1)
    )
    return _XML + f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>{entries}</sheets></workbook>'


def _workbook_rels(n: int) -> str:
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>' for i in range(1, n + 1)
    )
    return (
        _XML + f'<Relationships xmlns="{_PKG_REL}">{rels}'
        f'<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId{n + 2}" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
    )


_STYLES = _XML + (
    f'<styleSheet xmlns="{_MAIN}">'
    '<fonts count="4"><font><sz val="11"/><name val="宋体"/><family val="3"/><charset val="134"/></font>'
    '<font><b/><sz val="11"/><color rgb="FFFFFFFF"/><name val="宋体"/><family val="3"/><charset val="134"/></font>'
    '<font><b/><sz val="11"/><color rgb="FFFFEB3B"/><name val="宋体"/><family val="3"/><charset val="134"/></font>'
    '<font><b/><sz val="14"/><name val="宋体"/><family val="3"/><charset val="134"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FF2F5597"/><bgColor indexed="64"/></patternFill></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">'
    '<alignment horizontal="center" vertical="center"/></xf>'
    '<xf numFmtId="0" fontId="2" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">'
    '<alignment horizontal="center" vertical="center"/></xf>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="3" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _write_sheet(f, sheet: SheetData, strings: dict[str, int]) -> None:
    pane = '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>' if sheet.header else ""
    head = [_XML, f'<worksheet xmlns="{_MAIN}"><sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>']
    if sheet.widths:
        cols = "".join(
            f'<col min="{i + 1}" max="{i + 1}" width="{w}" customWidth="1"' + (f' style="{TEXT}"' if i in sheet.text_columns else "") + "/>"
            for i, w in enumerate(sheet.widths)
        )
        head.append(f"<cols>{cols}</cols>")
    head.append("<sheetData>")
    f.write("".join(head).encode())
    buffer: list[str] = []
    for r, values in enumerate(sheet.rows, start=1):
        if sheet.header and r == 1:
            styles = [REQUIRED_HEADER if i in sheet.required else HEADER for i in range(len(values))]
        elif r == 1:
            styles = [TITLE] * len(values)
        else:
            styles = [TEXT if i in sheet.text_columns else PLAIN for i in range(len(values))]
        cells = "".join(_cell(f"{get_column_letter(i + 1)}{r}", v, styles[i], strings) for i, v in enumerate(values))
        buffer.append(f'<row r="{r}">{cells}</row>')
        if len(buffer) >= 500:
            f.write("".join(buffer).encode())
            buffer.clear()
    buffer.append("</sheetData>")
    if sheet.validations:
        buffer.append(_validations(sheet))
    buffer.append("</worksheet>")
    f.write("".join(buffer).encode())


def _cell(ref: str, value: Any, style: int, strings: dict[str, int]) -> str:
    if value is None or value == "":
        return ""
    s = f' s="{style}"' if style else ""
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"{s}><v>{value!r}</v></c>'
    if isinstance(value, (date, datetime)):
        return f'<c r="{ref}" s="{DATE}"><v>{to_excel(value)}</v></c>'
    text = _ILLEGAL.sub("", str(value))
    index = strings.get(text)
    if index is None:
        index = strings[text] = len(strings)
    return f'<c r="{ref}"{s} t="s"><v>{index}</v></c>'


def _validations(sheet: SheetData) -> str:
    out = []
    for v in sheet.validations:
        col = get_column_letter(v.column + 1)
        where = f'sqref="{col}2:{col}{sheet.validation_rows}"'
        if v.choices is None:
            out.append(f'<dataValidation allowBlank="1" showInputMessage="1" promptTitle={quoteattr(v.title)} prompt={quoteattr(v.message)} {where}/>')
        else:
            items = escape('"' + ",".join(v.choices) + '"')
            out.append(
                f'<dataValidation type="list" allowBlank="1" showErrorMessage="1" errorTitle={quoteattr(v.title)} '
                f"error={quoteattr(v.message)} {where}><formula1>{items}</formula1></dataValidation>"
            )
    return f'<dataValidations count="{len(out)}">{"".join(out)}</dataValidations>'
