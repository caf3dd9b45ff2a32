"""The year-end evaluation (双管三评): the community's rating of a member for a year (saved here, synced), and
the files for the employers (the results go back to the members' units): one Excel workbook per employer
unit, its members' figures, self-assessments and ratings for the year."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ...domain import validation as v
from ...domain.errors import GridWorkerError, Refused, ValidationError
from ...domain.participation import evaluation as rules
from ...domain.participation.common import STAFF
from ...domain.participation_records import Evaluation, Member
from ..base import Tx, get_live, operation
from ..changes import apply_fields, record_upsert
from ..excel_writer import SheetData, write_xlsx
from ..queries.evaluation import EvaluationRow, evaluation
from .common import when

HEADERS = {
    "zh": ["姓名", "工作单位", "网格", "服务队", "年度积分", "参加活动（次）", "完成服务点单（单）", "平均评价（星）", "实现微心愿（个）",
           "个人自评", "社区测评", "测评意见"],
    "en": ["Name", "Employer", "Grid", "Team", "Points this year", "Activities attended", "Service orders completed",
           "Average rating (stars)", "Micro-wishes fulfilled", "Self-assessment", "Community's rating", "Rating note"],
}
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]')  # not in a file name on Windows


def file_stem(text: str) -> str:
    """A name safe for a file on Windows, macOS and Linux."""
    stem = _UNSAFE.sub("_", text).strip(" .") or "_"
    return stem[:80]


def row_values(r: EvaluationRow, lang: str = "zh") -> list[Any]:
    return [r.name, r.employer, r.grid_name, r.team, r.points, r.activities, r.orders,
            r.rating if r.rating is not None else "", r.wishes, r.self_assessment, rules.grade_words(r.grade, lang), r.grade_note]


@operation
def rate(tx: Tx, member_id: str, year: int, grade: str, note: str | None, *, actor_id: str, actor_role: str) -> Evaluation:
    """The community's rating (社区测评) of a member for a year, by community staff: saved here, pushed at the
    next sync. The member's self-assessment on the same record is theirs and is never written here."""
    if actor_role not in STAFF:
        raise Refused("只有社区工作人员可以测评", "Only community staff rate members", code="role_not_allowed")
    member = get_live(tx.s, Member, member_id)
    if grade not in rules.GRADE_LABELS:
        raise ValidationError("grade", "请选择社区测评等次", "Choose the community's rating", code="required")
    year = v.integer("year", year, lo=2000, hi=2100)
    values = {"grade": grade, "grade_note": v.text("grade_note", note, max_len=rules.MAX_GRADE_NOTE)}
    record_id = rules.evaluation_id(member.id, year)
    record = tx.s.get(Evaluation, record_id)
    if record is None:
        values |= {"member_id": member.id, "year": year, "area_id": member.area_id}
        record = Evaluation(id=record_id, **values)
        changed = {k: x for k, x in values.items() if x is not None}
    else:
        changed = apply_fields(record, values)
    if changed:
        record.rated_by, record.rated_at = actor_id, when(None)  # the server's (read-only), for display until pulled
    record_upsert(tx.s, record, changed, tx.changes)
    return record


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
            write_xlsx(path, [SheetData(title=file_stem(employer)[:31], rows=[HEADERS[lang]] + [row_values(r, lang) for r in rows],
                                        widths=[12, 24, 16, 16, 10, 12, 14, 14, 14, 40, 10, 24])])
        except OSError:
            raise unwritable(path) from None
        written.append(path)
    return written


__all__ = ["HEADERS", "export_by_employer", "file_stem", "rate", "row_values", "writable"]
