"""The pages of the main window, listed in one place, in navigation order.

A page is a QWidget subclass in gridworker/ui/pages/<name>.py, constructed as
`Page(ctx, parent=None)`, with a class attribute `page_id` equal to <name>, a
`title()` (translated) and optionally `on_shown()`. A new page is added here.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from .dashboard import DashboardPage
from .incidents import IncidentBoardPage
from .participation import ParticipationPage
from .places import PlacesPage
from .register import RegisterPage
from .report import ReportPage
from .sync import SyncPage
from .visits import VisitsPage

# Navigation order. "sync" is the sync panel (conflicts, rejected edits, photos waiting).
PAGES: tuple[type[QWidget], ...] = (
    RegisterPage, PlacesPage, VisitsPage, ReportPage, IncidentBoardPage, DashboardPage, ParticipationPage, SyncPage
)
PAGE_IDS = tuple(page.page_id for page in PAGES)
