"""Excel and CSV files of the register: the public entry points.

    write_template(path, lang)                  the empty workbook to fill in
    import_register(store, path, ...)           upsert buildings, households, people from .xlsx / .csv
    export_sheet(store, kind, path, lang)       one sheet as .xlsx or .csv
    export_workbook(store, path, lang)          all three sheets in one workbook

The layout all of them share is in excel_columns; reading files in
excel_reader; the upsert in excel_import; writing in excel_export.
"""

from __future__ import annotations

from .excel_export import export_sheet, export_workbook, write_template
from .excel_import import CellError, ImportReport, SheetResult, import_register
from .excel_reader import Table, read_tables

__all__ = [
    "CellError",
    "ImportReport",
    "SheetResult",
    "Table",
    "export_sheet",
    "export_workbook",
    "import_register",
    "read_tables",
    "write_template",
]
