"""The register's Excel import, stoppable from the screen, and the export of a part of the register.

`import_workbook` is `excel.import_register` that a Stop button can cancel
(all or nothing); `export_workbook` writes the buildings, households and
people of a register scope (queries.register.Scope).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from ..domain.errors import GridWorkerError
from ..store.database import Store
from . import excel_export
from .excel_import import ImportReport, import_register
from .queries.register import Scope, raw_cursor, building_ids, household_ids, person_ids


class ImportStopped(GridWorkerError):
    code = "cancelled"

    def __init__(self) -> None:
        super().__init__("导入已取消，未做任何修改", "The import was cancelled; nothing was changed")


def import_workbook(
    store: Store,
    path: str | Path,
    *,
    create_areas: bool,
    dry_run: bool,
    skip_errors: bool = False,
    progress: Callable[[int, int], None] | None = None,
    stop_requested: Callable[[], bool] = lambda: False,
) -> ImportReport:
    """`excel.import_register`, stoppable: once `stop_requested()` says so, the next progress step raises
    ImportStopped inside the import's one transaction, which rolls back whole, so a stop leaves nothing half done."""

    def step(done: int, total: int) -> None:
        if stop_requested():
            raise ImportStopped
        if progress is not None:
            progress(done, total)

    return import_register(
        store, path, create_areas=create_areas, dry_run=dry_run, skip_errors=skip_errors, progress=step,
        initiator="import",
    )  # fmt: skip


def export_workbook(
    store: Store, path: str | Path, lang: str, scope: Scope = Scope(), progress: Callable[[int, int], None] | None = None
) -> dict[str, int]:
    """The buildings, households and people of `scope` (all of them for the empty scope) in one workbook, in the
    layout the import reads back; returns the rows written per kind."""
    if scope == Scope():
        return excel_export.export_workbook(store, path, lang, progress)
    households = set(household_ids(store, scope))
    people = set(person_ids(store, scope, include_inactive=True))
    buildings = set(building_ids(store, scope))
    with store.read() as s:
        cur = raw_cursor(s)  # every household's building, or its rows could not name it
        cur.execute("SELECT building_id FROM household WHERE id IN (SELECT value FROM json_each(?))",
                    (json.dumps(list(households)),))  # fmt: skip
        buildings |= {r[0] for r in cur.fetchall() if r[0]}
    only = {"building": buildings, "household": households, "person": people}
    return excel_export.export_workbook(store, path, lang, progress, only=only)
