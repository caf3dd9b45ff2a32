"""The visits page's two tables: the walk-round's stops and the due list, as columns of the shared rows model.

A mixin of VisitsPage (ui/pages/visits.py), which holds the context, the stops'
positions and the visits being saved that these columns read.
"""

from __future__ import annotations

from PySide6.QtGui import QColor

from ...domain.enums import Outcome
from .. import style
from ..models.column import Column
from .text import LATE, MUTED, WAITING, local_time, tags_text

SPECIAL = QColor(style.SPECIAL)
REFUSED = QColor(style.ERROR)


class VisitColumns:
    def _stop_columns(self) -> list[Column]:
        lang = self.ctx.lang

        def outcome(stop) -> str:
            if stop.household_id in self._saving:
                return self.tr("Saving…") + " " + Outcome(self._saving[stop.household_id]).label(lang)
            if stop.outcome:
                return f"{Outcome(stop.outcome).label(lang)} {local_time(stop.visited_at)}"
            if stop.refused:  # the visit logged here did not reach the server: the door is still to do
                return self.tr("Refused by the server: {0}").format(stop.refused.message(lang))
            return ""

        def outcome_colour(stop) -> QColor | None:
            if stop.household_id in self._saving:
                return WAITING
            if stop.refused and not stop.outcome:
                return REFUSED
            return QColor(style.OK) if stop.outcome == Outcome.met.value else (MUTED if stop.outcome else None)

        def outcome_tip(stop) -> str:
            if stop.refused and not stop.outcome and stop.household_id not in self._saving:
                return self.tr("The server refused the visit logged here ({0}). It does not count as visited; "
                               "see the Sync page.").format(stop.refused.message(lang))  # fmt: skip
            return outcome(stop)

        return [
            Column("#", lambda s: str(self._positions.get(s.household_id, 0)), align_right=True),
            Column(
                self.tr("Address"),
                lambda s: s.address,
                bold=lambda s: not s.visit_id and s.household_id not in self._saving,
            ),
            Column(
                self.tr("Residents"), lambda s: f"{s.head_name or ''} ({s.members})" if s.members else self.tr("nobody")
            ),
            Column(self.tr("Special groups"), lambda s: tags_text(s.special_tags, lang), colour=lambda s: SPECIAL),
            Column(self.tr("Outcome"), outcome, colour=outcome_colour, tooltip=outcome_tip),
        ]

    def _due_columns(self) -> list[Column]:
        lang = self.ctx.lang

        def due_text(d) -> str:
            if d.days_overdue is None:
                return self.tr("never met")
            if d.days_overdue == 0:
                return self.tr("due today")
            if d.days_overdue == 1:
                return self.tr("1 day overdue")
            return self.tr("{0} days overdue").format(d.days_overdue)

        return [
            Column(self.tr("Address"), lambda d: d.address or ""),
            Column(
                self.tr("Special groups"),
                lambda d: tags_text(d.special_tags, lang),
                colour=lambda d: SPECIAL,
                bold=lambda d: d.special,
            ),
            Column(self.tr("Visit every"), lambda d: self.tr("1 day") if d.interval_days == 1
                   else self.tr("{0} days").format(d.interval_days), align_right=True),  # fmt: skip
            Column(self.tr("Last met"), lambda d: d.last_visited.isoformat() if d.last_visited else ""),
            Column(
                self.tr("Due"),
                due_text,
                colour=lambda d: LATE if d.days_overdue is None or d.days_overdue > 0 else None,
            ),
        ]
