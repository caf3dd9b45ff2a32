"""The incident board (事件看板): incidents by status, the late ones in red, one incident in detail with its steps.

Tabs follow the closed loop: to accept, in progress, to verify, overdue,
closed, rejected, all. The list pages through the service as it scrolls. The
detail shows photos, the timeline and the buttons for what the signed-in
person may do now, each checked offline by the core's rules; refusals from
the server (outbox rows the server rejected) are shown on the incident.
"""

from __future__ import annotations


from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSplitter,
    QTabBar,
    QVBoxLayout,
    QWidget,
)

from ...domain.enums import Role, Status
from ...domain.errors import NotFound
from ...services.queries import incidents as incident_queries
from ...services.queries import people as people_queries
from ..fieldwork.actions import ActionDialog, dispatch_choices
from ..fieldwork.category import categories_for
from ..fieldwork.incident import IncidentDetailView
from ..models.column import Column
from ..models.rows import PAGE, RowsModel
from ..tasks import async_slot
from ..fieldwork.text import (
    LATE,
    MUTED,
    STATUS_COLOURS,
    WAITING,
    category_text,
    local_time,
    person_text,
    short_sync_text,
    sync_colour,
    time_left_text,
)
from ..tables import make_table

WATCHED = {"incident", "incident_event", "photo", "user"}


class IncidentBoardPage(QWidget):
    page_id = "incidents"

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.names = {ctx.actor.id: ctx.actor.display_name} if ctx.actor.display_name else {}
        self._names_stale = True  # the server's users (people_names): loaded with the list, again when they change
        self._generation = 0
        self._stale = True
        self._selected_id: str | None = None
        self.action_dialog: ActionDialog | None = None
        self._people: dict[str | None, tuple] = {}  # incident area → (known_people, its grid's roster), for the pickers

        self.views = list(incident_queries.VIEWS)
        self.tabs = QTabBar()
        self.tabs.setExpanding(False)
        for view in self.views:
            self.tabs.addTab(self._view_label(view))
        self.tabs.currentChanged.connect(lambda _i: self.reload())
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search title, description or place"))
        self.search.setClearButtonEnabled(True)
        self.mine = QCheckBox(self.tr("Only mine"))
        self.mine.setToolTip(self.tr("Incidents assigned to me or reported by me"))
        self.mine.setChecked(ctx.actor.role == Role.handler.value)
        self.mine.toggled.connect(lambda _on: self.reload())
        self._search_timer = QTimer(self, singleShot=True, interval=250)
        self._search_timer.timeout.connect(self.reload)
        self.search.textChanged.connect(self._search_timer.start)
        self.count = QLabel()

        self.model = RowsModel(self._columns(), self)
        self.table = make_table(self.model, word_wrap=False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.Stretch)
        header.setMinimumSectionSize(48)
        self.table.selectionModel().currentRowChanged.connect(self._row_chosen)

        self.detail = IncidentDetailView(ctx, self)
        self.detail.action_requested.connect(self.start_action)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        scroll.setWidget(self.detail)
        scroll.setMinimumWidth(360)

        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addWidget(self.mine)
        bar.addWidget(self.count)
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.tabs)
        column.addLayout(bar)
        column.addWidget(self.table, 1)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(scroll)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(split)

        self._refresh_timer = QTimer(self, singleShot=True, interval=150)
        self._refresh_timer.timeout.connect(self.reload)
        ctx.data_changed.connect(self._data_changed)

    def title(self) -> str:
        return self.tr("Incident board")

    def on_shown(self) -> None:
        if self._stale:
            self.reload()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.on_shown()

    # -- the list --------------------------------------------------------------------------
    def _view_label(self, view: str, count: int | None = None) -> str:
        label = {
            "to_accept": self.tr("To accept"),
            "open": self.tr("In progress"),
            "to_verify": self.tr("To verify"),
            "overdue": self.tr("Overdue"),
            "closed": self.tr("Closed"),
            "rejected": self.tr("Rejected"),
            "all": self.tr("All"),
        }[view]
        return f"{label} ({count})" if count is not None else label

    def _columns(self) -> list[Column]:
        lang, cats = self.ctx.lang, categories_for(self.ctx)

        def deadline(r) -> str:
            if r.status in ("closed", "rejected"):
                return ""
            return time_left_text(r.time_left) if r.time_left is not None else local_time(r.deadline)

        def late_colour(r) -> QColor | None:
            return LATE if r.late_now or (r.overdue and r.status not in ("closed", "rejected")) else None

        return [
            Column(
                self.tr("Title"),
                lambda r: r.title,
                bold=lambda r: r.urgency in ("high", "urgent"),
                tooltip=lambda r: r.location_text,
            ),
            Column(
                self.tr("Category"),
                lambda r: category_text(r.category, lang, table=cats.table),
                tooltip=lambda r: category_text(r.category, lang, full=True, table=cats.table),
            ),
            Column(
                self.tr("Status"),
                lambda r: Status(r.status).label(lang),
                colour=lambda r: QColor(STATUS_COLOURS.get(r.status, "#374151")),
            ),
            Column(self.tr("Reported"), lambda r: local_time(r.reported_at)),
            Column(
                self.tr("Time left"),
                deadline,
                colour=late_colour,
                bold=lambda r: r.late_now,
                tooltip=lambda r: local_time(r.deadline, year=True),
            ),
            Column(self.tr("Assigned to"), lambda r: person_text(r.assignee_id, self.names, lang)),
            Column(
                self.tr("Sync"),
                lambda r: short_sync_text("rejected") if r.refused else short_sync_text("pending") if r.waiting_sync else "",
                colour=lambda r: QColor(sync_colour("rejected")) if r.refused else WAITING if r.waiting_sync else MUTED,
            ),
        ]

    def current_view(self) -> str:
        return self.views[self.tabs.currentIndex()]

    def reload(self) -> None:
        """Load the first page of the current tab again, and the counts of every tab."""
        self._stale = False
        self._generation += 1
        generation = self._generation
        with_names, self._names_stale = self._names_stale, False
        kwargs = {"mine_of": self.ctx.actor.id if self.mine.isChecked() else None, "text": self.search.text() or None}
        self._load(generation, with_names, self.current_view(), kwargs)

    @async_slot()
    async def _load(self, generation: int, with_names: bool, view: str, kwargs) -> None:
        if with_names:
            self._names_known(await self.ctx.runner.call(people_queries.people_names, self.ctx.store, self.ctx.actor, guard=self))
        rows = await self.ctx.runner.call(incident_queries.list_incidents, self.ctx.store, view, limit=PAGE, **kwargs, guard=self)
        self._first_page(generation, rows, kwargs)
        counts = await self.ctx.runner.call(incident_queries.incident_counts, self.ctx.store, mine_of=kwargs["mine_of"], guard=self)
        self._show_counts(generation, counts)

    def _names_known(self, names: dict[str, str]) -> None:
        self.names = names
        rows = self.model.rowCount()
        if rows:  # the "assigned to" column now shows names
            self.model.dataChanged.emit(self.model.index(0, 0), self.model.index(rows - 1, self.model.columnCount() - 1))
        if self.detail.detail is not None:
            self.detail.show_detail(self.detail.detail, self.names)

    def _first_page(self, generation: int, rows, kwargs) -> None:
        if generation != self._generation:
            return
        self.model.set_rows(rows, self._more_loader(generation, len(rows), kwargs) if len(rows) == PAGE else None)
        if self._selected_id is None and rows:
            self._selected_id = rows[0].id  # the top of the queue: what to work on next
        self._reselect()

    def _more_loader(self, generation: int, offset: int, kwargs):
        return lambda: self._load_more(generation, offset, kwargs)

    @async_slot()
    async def _load_more(self, generation: int, offset: int, kwargs) -> None:
        rows = await self.ctx.runner.call(
            incident_queries.list_incidents, self.ctx.store, self.current_view(), offset=offset, limit=PAGE, **kwargs, guard=self
        )
        self._next_page(generation, offset, rows, kwargs)

    def _next_page(self, generation: int, offset: int, rows, kwargs) -> None:
        if generation == self._generation:
            more = self._more_loader(generation, offset + len(rows), kwargs) if len(rows) == PAGE else None
            self.model.append_rows(rows, more)

    def _show_counts(self, generation: int, counts: dict[str, int]) -> None:
        if generation != self._generation:
            return
        for i, view in enumerate(self.views):
            self.tabs.setTabText(i, self._view_label(view, counts.get(view, 0)))
        n = counts.get(self.current_view(), 0)
        self.count.setText(self.tr("1 incident") if n == 1 else self.tr("{0} incidents").format(n))

    def _reselect(self) -> None:
        """After a reload: the incident shown stays shown, even when its step took it out of this tab."""
        if self._selected_id is None:
            return
        rows = self.model.rows()
        index = next((i for i, r in enumerate(rows) if r.id == self._selected_id), None)
        if index is not None:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(index, 0), QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows
            )
        self.load_detail(self._selected_id)

    def _data_changed(self, changes) -> None:
        if not WATCHED & set(changes.ids):
            return
        if "user" in changes.ids:
            self._names_stale = True
        if "incident_event" in changes.ids or "user" in changes.ids:
            self._people.clear()
        if self.isVisible():
            self._refresh_timer.start()
        else:
            self._stale = True

    # -- one incident ------------------------------------------------------------------------------
    def _row_chosen(self, current, _previous=None) -> None:
        if not current.isValid():
            return
        incident_id = self.model.row(current.row()).id
        if incident_id != self._selected_id:
            self._selected_id = incident_id
            self.load_detail(incident_id)

    def select_incident(self, incident_id: str) -> None:
        """Show this incident (e.g. opened from elsewhere) whatever tab it is in."""
        self._selected_id = incident_id
        self.tabs.setCurrentIndex(self.views.index("all"))
        self.reload()

    @async_slot(str)
    async def load_detail(self, incident_id: str) -> None:
        actor = self.ctx.actor
        try:
            detail = await self.ctx.runner.call(
                incident_queries.incident_detail, self.ctx.store, incident_id, actor.id, actor.role, guard=self
            )
        except NotFound:  # anything else is not something this page can explain: the error dialog
            self._detail_gone(incident_id)
            return
        self._show_detail(incident_id, detail)

    def _show_detail(self, incident_id: str, detail) -> None:
        if incident_id == self._selected_id:
            self.detail.show_detail(detail, self.names)

    def _detail_gone(self, incident_id: str) -> None:
        if incident_id == self._selected_id:  # deleted, or left this account's areas
            self._selected_id = None
            self.detail.clear()

    def start_action(self, action: str) -> None:
        detail = self.detail.detail
        if detail is None:
            return
        area_id = detail.incident.area_id
        if area_id in self._people:
            self._open_dialog(detail, action, self._people[area_id])
            return
        self._load_people(detail, action)

    @async_slot()
    async def _load_people(self, detail, action: str) -> None:
        area_id = detail.incident.area_id
        people = await self.ctx.runner.call(dispatch_choices, self.ctx.store, self.ctx.actor, area_id, guard=self)
        self._people_known(detail, action, people)

    def _people_known(self, detail, action: str, people) -> None:
        # Reading every event of every incident once is enough until new ones (or new users) arrive.
        self._people[detail.incident.area_id] = people
        self._open_dialog(detail, action, people)

    def _open_dialog(self, detail, action: str, choices) -> None:
        people, contacts = choices
        people = [p for p in people if p.id != self.ctx.actor.id] if action in ("dispatch", "reopen") else people
        dialog = ActionDialog(self.ctx, detail, action, people, self, contacts=contacts)
        dialog.done.connect(lambda _state: self.load_detail(detail.incident.id))
        inc = detail.incident
        if action == "reject" and inc.lat is not None and inc.lon is not None:
            self._find_duplicates(dialog, inc)
        self.action_dialog = dialog
        dialog.open()

    @async_slot()
    async def _find_duplicates(self, dialog: ActionDialog, inc) -> None:
        cards = await self.ctx.runner.call(
            incident_queries.duplicate_cards, self.ctx.store, inc.category, inc.lat, inc.lon, exclude_id=inc.id, guard=dialog
        )
        dialog.set_duplicates(cards)
