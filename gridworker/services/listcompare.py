"""List comparison (名单比对) end to end: read an outside list, compare it with the register, export, plan visits.

A community receives lists (a vaccination list, the subsidy roll, a census
extract) as .xlsx or .csv — a CSV from Excel on a Chinese Windows is GBK,
elsewhere UTF-8 with or without a BOM. `read_list` finds the header row (a
title row or two above it is common), keeps every data row with its row
number, and guesses which columns hold the ID number, name and phone
(domain.listcompare.guess_columns; the caller may change them).
`compare_list` compares it with the active people of the account's areas
(queries.register.people_to_compare) by the pure rules of
domain.listcompare. Each group can be written to .xlsx (`export_group`: the
list's own columns, so the file speaks the list's language), and the
missing people's households become a walk-round in walking order in one step
(`plan_visits_for_missing`, through services.visits.plan_walkround).

Every bad file is refused with a message that names the problem (no file,
a locked file, an .xls, a damaged workbook, no rows, no usable column),
never a traceback.
"""

from __future__ import annotations

import re
import xml.parsers.expat
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl.utils.cell import get_column_letter

from ..domain import listcompare as lc
from ..domain.collector import collector_paused
from ..domain.errors import GridWorkerError
from ..domain.fieldwork import Walkround
from ..domain.permissions import check_may_plan_visits
from .excel_reader import Table, read_csv, read_xlsx
from .excel_writer import SheetData, write_xlsx
from .outfiles import make_folder, writing
from .queries.register import ComparedPerson, people_to_compare
from .visits import plan_walkround

GROUPS = ("missing", "unknown", "differs", "ambiguous")
GROUP_LABELS = {
    "missing": ("名单中缺少的人", "Missing from the list"),
    "unknown": ("登记簿中没有的人", "Not in the register"),
    "differs": ("信息不一致", "Different details"),
    "ambiguous": ("无法确定", "Ambiguous"),
}
FIELD_LABELS = {"id_number": ("身份证号", "ID number"), "name": ("姓名", "name"), "phone": ("电话", "phone")}
HEADER_SEARCH_ROWS = 15  # the header row is looked for among the first rows (titles and notes above it)
PREVIEW_ROWS = 10
_OLE = b"\xd0\xcf\x11\xe0"  # an .xls (Excel 97–2003) file, whatever its name says


def words(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang.startswith("zh") else pair[1]


def group_label(group: str, lang: str = "zh") -> str:
    return words(GROUP_LABELS[group], lang)


# -- reading the list ---------------------------------------------------------------------------------
@dataclass
class ListFile:
    """An outside list: its header row, its data rows (values by column) and their row numbers in the file."""

    name: str
    sheet: str
    header_row: int  # 1-based, as the spreadsheet numbers it
    headers: list[str]
    rows: list[tuple]  # tuples (not lists): 50,000 of them are not scanned by every collection
    row_numbers: list[int]
    columns: lc.Columns  # as guessed

    def column_label(self, i: int) -> str:
        """"C 联系电话": the column's letter and its header."""
        header = self.headers[i] if i < len(self.headers) else ""
        return f"{get_column_letter(i + 1)} {header}".strip()

    def preview(self, n: int = PREVIEW_ROWS) -> list[list[str]]:
        """The first rows as text, each as wide as the headers."""
        width = len(self.headers)
        return [[cell_text(r[i]) if i < len(r) else "" for i in range(width)] for r in self.rows[:n]]


def read_list(path: str | Path) -> ListFile:
    """The first sheet that has rows, its header row found, its columns guessed."""
    path = Path(path)
    with collector_paused():
        tables = _tables(path)
    table = next((t for t in tables if t.rows), None)
    if table is None:
        raise GridWorkerError(f"文件“{path.name}”是空的", f"'{path.name}' is empty", code="empty_file")
    at = _header_index(table.rows)
    header_row, header_values = table.rows[at]
    data = table.rows[at + 1 :]
    if not data:
        raise GridWorkerError(
            f"文件“{path.name}”在表头（第 {header_row} 行）下面没有数据行",
            f"'{path.name}' has no rows under its header (row {header_row})",
            code="no_rows",
        )
    width = max(len(header_values), max(len(values) for _n, values in data))
    headers = [cell_text(header_values[i]) if i < len(header_values) else "" for i in range(width)]
    headers = [h or get_column_letter(i + 1) for i, h in enumerate(headers)]
    rows = [tuple(values) for _n, values in data]  # tuples of plain values: the collector soon stops tracking them
    return ListFile(path.name, table.name, header_row, headers, rows, [n for n, _v in data],
                    lc.guess_columns(headers, rows[:50]))  # fmt: skip


def _tables(path: Path) -> list[Table]:
    if not path.is_file():
        raise GridWorkerError(f"找不到文件：{path}", f"No such file: {path}", code="no_file")
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".xlsm"):
        raise GridWorkerError(
            f"只能比对 .xlsx 或 .csv 文件（{suffix or '无扩展名'}）：请在 Excel 或 WPS 中另存为 .xlsx",
            f"Only .xlsx and .csv files can be compared ({suffix or 'no extension'}): save it as .xlsx in Excel or WPS",
            code="bad_file_type",
        )
    try:
        with path.open("rb") as f:
            head = f.read(8)
        if head.startswith(_OLE) or (suffix == ".csv" and head.startswith(b"PK")):
            raise GridWorkerError(
                f"文件“{path.name}”其实是 Excel 工作簿，不是 CSV 文本：请在 Excel 或 WPS 中另存为 .xlsx",
                f"'{path.name}' is an Excel workbook, not CSV text: save it as .xlsx in Excel or WPS",
                code="bad_file_type",
            )
        return [read_csv(path)] if suffix == ".csv" else read_xlsx(path)
    except OSError:
        raise GridWorkerError(
            f"无法读取文件“{path.name}”：它可能正在 Excel 或 WPS 中打开，请关闭后再试",
            f"Cannot read '{path.name}': it may be open in Excel or WPS; close it and try again",
            code="unreadable_file",
        ) from None
    except (zipfile.BadZipFile, KeyError, IndexError, ValueError, xml.parsers.expat.ExpatError):
        raise GridWorkerError(
            f"文件“{path.name}”不是有效的 .xlsx 工作簿（可能已损坏）",
            f"'{path.name}' is not a valid .xlsx workbook (it may be damaged)",
            code="bad_file",
        ) from None


def _header_index(rows: Sequence[tuple[int, list[Any]]]) -> int:
    """The row among the first ones whose cells name the most of the three columns; a title row (one text,
    merged across) loses to the real header, which has more distinct cells. No such row: the first."""
    best, best_score = 0, (0, 0)
    for i, (_n, values) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        texts = [cell_text(v) for v in values]
        score = (len(lc.guess_columns(texts).chosen()), len({t for t in texts if t}))
        if score[0] and score > best_score:
            best, best_score = i, score
    return best


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return value.isoformat()[:10]
    return str(value).strip()


def check_columns(listfile: ListFile, columns: lc.Columns) -> None:
    """The columns must let rows be matched: an ID number column, or both a name and a phone column."""
    for f, i in columns.chosen().items():
        if not 0 <= i < len(listfile.headers):
            raise GridWorkerError(
                f"{words(FIELD_LABELS[f], 'zh')}列不在文件中（文件共 {len(listfile.headers)} 列）",
                f"The {words(FIELD_LABELS[f], 'en')} column is not in the file (it has {len(listfile.headers)} columns)",
                code="bad_column",
            )
    if len(set(columns.chosen().values())) < len(columns.chosen()):
        raise GridWorkerError("同一列不能既是身份证号又是姓名或电话", "One column cannot hold two of ID number, name and phone",
                              code="bad_column")  # fmt: skip
    if columns.id_number is None and (columns.name is None or columns.phone is None):
        raise GridWorkerError(
            "请选择身份证号列，或者同时选择姓名列和电话列：否则无法比对",
            "Choose the ID number column, or both the name and the phone columns: nothing can be matched otherwise",
            code="no_key_column",
        )


# -- comparing ----------------------------------------------------------------------------------------
@dataclass
class ListComparison:
    """The groups of one list against the register, with what the export and the walk-round need."""

    file: ListFile
    columns: lc.Columns
    result: lc.Comparison
    people: dict[str, ComparedPerson] = field(default_factory=dict)  # the register's people compared, by id
    damaged_ids: list[int] = field(default_factory=list)  # row numbers whose ID number Excel stored as a number

    def counts(self) -> dict[str, int]:
        """The groups' sizes, the list's rows and the register's people compared, and `skipped`: rows with
        nothing in the chosen columns (blank there), which no group holds."""
        counts = self.result.counts()
        used = counts["same"] + counts["differs"] + counts["unknown"] + counts["ambiguous_rows"]
        return counts | {"rows": len(self.file.rows), "people": len(self.people), "skipped": len(self.file.rows) - used,
                         "damaged_ids": len(self.damaged_ids)}

    def missing_households(self) -> list[str]:
        """The households of the missing people, once each, in the register's walking order."""
        ids = (self.people[p.person_id].household_id for p in self.result.missing)
        return list(dict.fromkeys(h for h in ids if h))


def compare_list(store: Any, listfile: ListFile, columns: lc.Columns | None = None, *,
                 area_id: str | None = None) -> ListComparison:  # fmt: skip
    """Compare the list (by `columns`, else the guessed ones) with the active people of the account's areas."""
    columns = columns if columns is not None else listfile.columns
    check_columns(listfile, columns)
    people = people_to_compare(store, area_id)
    register = [lc.RegisterPerson(p.id, p.id_number, p.name, p.phone) for p in people]
    result = lc.compare_normalised(lc.register_people(register), lc.read_rows(listfile.rows, columns))
    return ListComparison(listfile, columns, result, {p.id: p for p in people}, damaged_ids(listfile, columns))


_SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+\d{2}$", re.IGNORECASE)


def damaged_ids(listfile: ListFile, columns: lc.Columns) -> list[int]:
    """Row numbers whose ID number cell Excel turned into a number: 18 digits do not fit Excel's 15, so the last
    ones became 0 (330102199608084000), or a CSV saved it as 3.30102E+17. Such a row cannot match anyone;
    the list's maker must format the column as Text and type the numbers again."""
    i = columns.id_number
    if i is None:
        return []
    out = []
    for number, row in zip(listfile.row_numbers, listfile.rows):
        value = row[i] if i < len(row) else None
        if isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) >= 1e15:
            out.append(number)
        elif isinstance(value, str) and _SCIENTIFIC.match(value.strip()):
            out.append(number)
    return out


# -- the groups as tables (shown on screen and exported alike) -----------------------------------------
def group_table(comparison: ListComparison, group: str, lang: str = "zh") -> tuple[list[str], list[tuple]]:
    """Headers and rows of one group: the register's people for `missing`, the list's own rows for the rest."""
    zh = lang.startswith("zh")
    f = comparison.file
    if group == "missing":
        head = ["姓名", "身份证号", "联系电话", "住址"] if zh else ["Name", "ID number", "Phone", "Address"]
        people = [comparison.people[p.person_id] for p in comparison.result.missing]
        return head, [(p.name, p.id_number, p.phone, p.address) for p in people]
    row_no = "行号" if zh else "Row"
    if group == "unknown":
        return [row_no, *f.headers], [(f.row_numbers[r.index], *f.rows[r.index]) for r in comparison.result.unknown]
    if group == "differs":
        extra = ["登记簿中的姓名", "登记簿中的电话", "不一致"] if zh else ["Name in the register", "Phone in the register", "Differs in"]
        out = []
        for d in comparison.result.differs:
            person = comparison.people[d.person.person_id]
            what = ("、" if zh else ", ").join(words(FIELD_LABELS[x], lang) for x in d.fields)
            out.append((f.row_numbers[d.row.index], *_padded(f, d.row.index), person.name, person.phone, what))
        return [row_no, *f.headers, *extra], out
    if group == "ambiguous":
        head = [row_no, "原因" if zh else "Why", *f.headers, "可能是" if zh else "Could be"]
        out = []
        for a in comparison.result.ambiguous:
            who = ("、" if zh else ", ").join(_who(comparison.people[p.person_id], zh) for p in a.people)
            for r in a.rows:
                out.append((f.row_numbers[r.index], a.label(lang), *_padded(f, r.index), who))
        return head, out
    raise ValueError(f"unknown group {group!r}")


def number_columns(comparison: ListComparison, group: str) -> dict[int, str]:
    """The columns of `group_table(comparison, group)` that hold ID numbers ("id_number") or phones ("phone"):
    kept as text in the export, masked on screen until shown."""
    if group == "missing":
        return {1: "id_number", 2: "phone"}
    offset = {"unknown": 1, "differs": 1, "ambiguous": 2}[group]
    out = {offset + i: f for f, i in comparison.columns.chosen().items() if f != "name"}
    if group == "differs":
        out[offset + len(comparison.file.headers) + 1] = "phone"  # the register's phone
    return out


def _padded(f: ListFile, index: int) -> tuple:
    values = f.rows[index]
    return tuple(values) + (None,) * (len(f.headers) - len(values))


def _who(p: ComparedPerson, zh: bool) -> str:
    where = p.address or ("无住址" if zh else "no address")
    return f"{p.name}（{where}）" if zh else f"{p.name} ({where})"


def export_group(comparison: ListComparison, group: str, path: str | Path, lang: str = "zh") -> Path:
    """One group to an .xlsx file (the suffix added when missing); ID and phone columns kept as text."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        path = path.with_name(path.name + ".xlsx")
    head, rows = group_table(comparison, group, lang)
    text_columns = set(number_columns(comparison, group))
    widths = [max(8, min(40, 2 * len(str(h)) + 4)) for h in head]
    sheet = SheetData(group_label(group, lang)[:31], [head, *rows], widths=widths, text_columns=text_columns)
    with writing(path):
        write_xlsx(path, [sheet])
    return path


def export_all(comparison: ListComparison, folder: str | Path, lang: str = "zh") -> list[Path]:
    """Every group to its own file in `folder`: "<list name>-<group>.xlsx"."""
    folder = make_folder(folder)
    stem = Path(comparison.file.name).stem
    return [export_group(comparison, g, folder / f"{stem}-{group_label(g, lang)}.xlsx", lang) for g in GROUPS]


# -- the missing people's households as a walk-round ----------------------------------------------------
def walkround_name(comparison: ListComparison, lang: str = "zh") -> str:
    stem = Path(comparison.file.name).stem
    return (f"名单比对：{stem}" if lang.startswith("zh") else f"List comparison: {stem}")[:100]


def plan_visits_for_missing(store: Any, comparison: ListComparison, *, name: str | None = None,
                            planner_id: str | None = None, lang: str = "zh", planner_role: str | None = None) -> Walkround:  # fmt: skip
    """A walk-round over the missing people's households, in walking order (refused for a role that may not plan)."""
    check_may_plan_visits(planner_role)
    households = comparison.missing_households()
    if not households:
        raise GridWorkerError(
            "名单中缺少的人都没有登记住户：没有可走访的户",
            "None of the people missing from the list lives in a household of the register: there is nobody to visit",
            code="nobody_to_visit",
        )
    return plan_walkround(store, name or walkround_name(comparison, lang), household_ids=households,
                          planner_id=planner_id, planner_role=planner_role)  # fmt: skip
