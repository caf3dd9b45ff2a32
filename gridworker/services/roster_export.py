"""The grid's forces (1+6+N) to Excel: one row per member, grid by grid, the leader first (issue 15).

Reads through services.queries.roster (the grids this account may write in,
or the ones given); the grid's name, the role's words in the sheet's
language, name, phone (kept as text), skills, where the member comes from
(the register, a user, or typed), notes.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlmodel import select

from ..domain.errors import GridWorkerError
from ..domain.models import Area
from ..domain.roster import role_label
from .excel_writer import SheetData, write_xlsx
from .queries.roster import RosterEntry, rosters

HEADERS = {
    "zh": ["网格", "角色", "姓名", "电话", "特长", "来自", "备注"],
    "en": ["Grid", "Role", "Name", "Phone", "Skills", "From", "Notes"],
}
SOURCES = {
    "person": ("台账人员", "register"),
    "user": ("系统用户", "user"),
    "typed": ("手工填写", "typed"),
}


def source_of(entry: RosterEntry, lang: str = "zh") -> str:
    kind = "person" if entry.person_id else "user" if entry.user_id else "typed"
    zh, en = SOURCES[kind]
    return zh if lang.startswith("zh") else en


def roster_rows(store: Any, area_ids: Iterable[str] | None = None, lang: str = "zh") -> list[list[Any]]:
    entries = rosters(store, area_ids)
    with store.read() as s:
        names = dict(s.exec(select(Area.id, Area.name)).all())
    ordered = sorted(entries, key=lambda e: (names.get(e.area_id or "", ""), e.area_id or ""))  # stable: roles kept
    return [[names.get(e.area_id or "", ""), role_label(e.role, lang), e.name, e.phone, e.skills, source_of(e, lang),
             e.notes] for e in ordered]  # fmt: skip


def export_roster(store: Any, path: str | Path, lang: str = "zh", area_ids: Iterable[str] | None = None) -> Path:
    """The rosters of `area_ids` (default: the account's grids) to an .xlsx file; the suffix added when missing."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        path = path.with_name(path.name + ".xlsx")
    head = HEADERS["zh" if lang.startswith("zh") else "en"]
    title = "网格力量" if lang.startswith("zh") else "Grid teams"
    sheet = SheetData(title, [head, *roster_rows(store, area_ids, lang)], widths=[16, 14, 12, 16, 24, 10, 30],
                      text_columns={3})  # fmt: skip
    try:
        write_xlsx(path, [sheet])
    except OSError:
        raise GridWorkerError(
            f"无法写入“{path.name}”：文件可能正在 Excel 或 WPS 中打开，或者文件夹不可写",
            f"Cannot write '{path.name}': it may be open in Excel or WPS, or the folder is not writable",
            code="unwritable_file",
        ) from None
    return path
