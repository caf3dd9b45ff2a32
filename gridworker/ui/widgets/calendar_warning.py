"""The status bar's warning when the holiday calendar lacks a year deadlines may need.

Deadlines count working days on the holiday table in force on this computer
(services.tables: the server's, over the one shipped with the app). For a
year the table does not cover they count Monday to Friday only, which is
wrong around every public holiday and make-up working day: the user is told
so plainly, with what to do, until the server's table for that year arrives
(it is checked again whenever a sync brings holiday records).
"""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QWidget

from ...domain.workdays import TZ
from ...services import tables
from ..context import AppContext
from ..tasks import async_slot
from ..style import WARNING
from .elided import ElidedStatusLabel

AMBER = WARNING


def today() -> date:
    """Today in China (deadlines are counted in China time); tests replace it."""
    return datetime.now(TZ).date()


class CalendarWarning(ElidedStatusLabel):  # shrinks with … rather than widen the window (whole text in the tooltip)
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("calendar_warning")
        self.setStyleSheet(f"color: {AMBER};")
        self.setVisible(False)
        self.missing: list[int] = []
        ctx.data_changed.connect(self._changed)
        self.refresh()

    @async_slot()
    async def refresh(self) -> None:
        self.show_missing(await self.ctx.runner.call(tables.missing_holiday_years, self.ctx.store, today(), guard=self))

    @Slot(object)
    def _changed(self, changes) -> None:
        if changes.ids.get("holiday"):
            self.refresh()

    @Slot(object)
    def show_missing(self, years: list[int]) -> None:
        self.missing = list(years)
        if not years:
            self.setText("")
            self.setToolTip("")
            self.setVisible(False)
            return
        sep = "、" if self.ctx.lang == "zh" else ", "
        listed = sep.join(str(y) for y in years)
        self.setText(self.tr("⚠ No {0} holiday calendar").format(listed))  # short: the status bar of a netbook
        explain = self.tr(
            "Deadlines in a year the holiday calendar does not cover skip weekends only, not public holidays, "
            "and miss the make-up working days. Ask the server's administrator to import that year's holiday "
            "arrangement (published by the State Council each November); it reaches this computer at the next sync."
        )
        whole = self.tr("⚠ No {0} holiday calendar: deadlines count Monday to Friday only").format(listed)
        self.setToolTip(f"{whole}\n\n{explain}")
        self.setVisible(True)


def make_calendar_warning(ctx: AppContext) -> QWidget:
    return CalendarWarning(ctx)
