"""The year-end evaluation's files for the employers (双管三评: the results go back to the members' units):
one Excel workbook per employer unit, its members' figures for the year."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ...domain.errors import GridWorkerError
from ..excel_writer import SheetData, write_xlsx
from ..queries.evaluation import EvaluationRow, evaluation

HEADERS = {
    "zh": ["姓名", "工作单位", "网格", "服务队", "年度积分", "参加活动（次）", "完成服务点单（单）", "平均评价（星）", "实现微心愿（个）"],
    "en": ["Name", "Employer", "Grid", "Team", "Points this year", "Activities attended", "Service orders completed",
           "Average rating (stars)", "Micro-wishes fulfilled"],
}
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]')  # not in a file name on Windows


def file_stem(text: str) -> str:
    """A name safe for a file on Windows, macOS and Linux."""
    stem = _UNSAFE.sub("_", text).strip(" .") or "_"
    return stem[:80]


def row_values(r: EvaluationRow) -> list[Any]:
    return [r.name, r.employer, r.grid_name, r.team, r.points, r.activities, r.orders,
            r.rating if r.rating is not None else "", r.wishes]


def unwritable(path: Path) -> GridWorkerError:
    return GridWorkerError(f"无法写入“{path}”：文件夹不存在或不可写，或文件正在其他程序中打开",
                           f"Cannot write '{path}': the folder is missing or not writable, or the file is open in another program",
                           code="unwritable_file")


def writable(path: str | Path) -> Path:
    """`path`, created empty for a file about to be written (the PDF): a folder that is gone or is not writable
    is said in words here, before anything claims to have saved it."""
    path = Path(path)
    try:
        path.open("wb").close()
    except OSError:
        raise unwritable(path) from None
    return path


def export_by_employer(store: Any, year: int, folder: str | Path, lang: str = "zh") -> list[Path]:
    """One workbook per employer unit in `folder` (e.g. 2025年度评价_区人民医院.xlsx); the paths written."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        raise unwritable(folder) from None
    by_employer: dict[str, list[EvaluationRow]] = {}
    for row in evaluation(store, year):
        by_employer.setdefault(row.employer or ("未填单位" if lang == "zh" else "No employer"), []).append(row)
    written = []
    prefix = f"{year}年度评价" if lang == "zh" else f"Evaluation {year}"
    for employer, rows in sorted(by_employer.items()):
        path = folder / f"{file_stem(prefix + '_' + employer)}.xlsx"
        try:
            write_xlsx(path, [SheetData(title=file_stem(employer)[:31], rows=[HEADERS[lang]] + [row_values(r) for r in rows],
                                        widths=[12, 24, 16, 16, 10, 12, 14, 14, 14])])
        except OSError:
            raise unwritable(path) from None
        written.append(path)
    return written


__all__ = ["HEADERS", "export_by_employer", "file_stem", "row_values", "writable"]
