"""Visits (走访): today's walk-round door by door with one key per outcome, and the households due a visit.

The walk-round tab lists the stops in walking order (building → unit →
floor → room); choosing an outcome (a button, or keys 1–5 while the list has
the focus) logs the visit with what the form holds and moves on to the next
door at once, while the visit is saved in the background. A need raised with
"report as an incident" becomes an incident in the same transaction. The due
tab lists households whose visit is due, special groups first, and plans a
walk-round from the ones chosen.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QHeaderView, QLabel, QMessageBox, QProgressBar
from PySide6.QtWidgets import QPushButton, QScrollArea, QSplitter, QTabWidget, QVBoxLayout, QWidget
from shiboken6 import isValid

from ...domain.fieldwork import local_day
from ...domain.permissions import may_plan_visits
from ...domain.models import utcnow
from ...services import drafts, figures
from ...services.queries import visits as visit_queries
from ...services import visits as visit_service
from ...services import place_walks
from ..fieldwork.category import follow_categories
from ..models.rows import RowsModel
from ..tasks import async_slot, guarded
from ..fieldwork.text import error_text, local_time
from ..fieldwork.visit import OUTCOME_KEYS, BuildingPlanDialog, VisitForm
from ..fieldwork.visit_columns import VisitColumns
from .. import style
from ..tables import make_table, set_rows_keeping_selection
from ..places.dialogs import open_inspection
from ..places.walk import DuePlacesPanel, WalkPlacesPanel

WATCHED = {"visit", "walkround", "household", "person", "place", "inspection", "hazard"}


class VisitsPage(VisitColumns, QWidget):
    page_id = "visits"

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self._stale = True
        self._due_stale = True
        self._walk_id: str | None = None
        self._current_id: str | None = None  # the household the form is for
        self._saving: dict[str, str] = {}  # household → outcome being saved
        self._positions: dict[str, int] = {}  # household → its place in the walking order
        self.plan_dialog: BuildingPlanDialog | None = None

        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_walk_tab(), self.tr("Walk-round"))
        self.tabs.addTab(self._build_due_tab(), self.tr("Due for a visit"))
        self.tabs.currentChanged.connect(self._tab_changed)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)

        self._draft_timer = QTimer(self, singleShot=True, interval=600)
        self._draft_timer.timeout.connect(self._save_draft)
        self.form.edited.connect(self._draft_timer.start)
        self._refresh_timer = QTimer(self, singleShot=True, interval=150)
        self._refresh_timer.timeout.connect(self.reload)
        ctx.data_changed.connect(self._data_changed)

    def title(self) -> str:
        return self.tr("Visits")

    # -- building ---------------------------------------------------------------------------
    def _build_walk_tab(self) -> QWidget:
        self.walks = QComboBox()
        self.walks.setMinimumWidth(160)  # 1024×600 screens: the bar fits in 870 px
        self.walks.currentIndexChanged.connect(self._walk_chosen)
        self.progress = QProgressBar()
        # Doors called at, whoever answered; beside it the households visited as the dashboard counts them.
        # The figures are said in labels beside the bar: drawn on it, its filled block covered their first characters.
        lang = self.ctx.lang
        self.progress.setTextVisible(False)
        self.progress.setToolTip(figures.DOORS_CALLED.means(lang))
        self.progress.setFixedWidth(120)
        self.progress_label = QLabel()
        self.progress_label.setToolTip(figures.DOORS_CALLED.means(lang))
        self.met_label = QLabel()
        self.met_label.setToolTip(figures.HOUSEHOLDS_VISITED.means(lang))
        plan = QPushButton(self.tr("Plan from buildings…"))
        plan.clicked.connect(self.open_plan_dialog)
        from_due = QPushButton(self.tr("Plan from the due list…"))
        from_due.clicked.connect(lambda: self.tabs.setCurrentIndex(1))
        self.cancel_walk = QPushButton(self.tr("Cancel this walk-round"))
        self.cancel_walk.clicked.connect(self._cancel_walk)
        bar = QHBoxLayout()
        walk_label = QLabel(self.tr("Walk-round"))
        walk_label.setBuddy(self.walks)
        bar.addWidget(walk_label)
        bar.addWidget(self.walks, 1)
        bar.addWidget(plan)
        bar.addWidget(from_due)
        bar.addWidget(self.cancel_walk)
        self.plan_buttons = [plan, from_due]
        figures_row = QHBoxLayout()  # a line of its own: 1024×600 in English has no room beside the buttons
        figures_row.addWidget(self.progress)
        figures_row.addWidget(self.progress_label)
        figures_row.addSpacing(16)
        figures_row.addWidget(self.met_label)
        figures_row.addStretch(1)
        self.empty = QLabel(
            self.tr("No walk-round planned. Plan one from buildings, or from the households due a visit.")
        )
        self.empty.setStyleSheet(f"color: {style.MUTED}; padding: 24px;")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignCenter)

        self.stops_model = RowsModel(self._stop_columns(), self)
        self.stops = make_table(self.stops_model, word_wrap=False)
        header = self.stops.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeToContents)  # the address keeps its room number
        header.setSectionResizeMode(3, QHeaderView.Stretch)  # special groups give way first (tooltip: all of it)
        self.stops.selectionModel().currentRowChanged.connect(self._stop_chosen)

        self.form = VisitForm(self.ctx.lang)
        follow_categories(self.ctx, self.form.category)
        self.form.outcome_chosen.connect(self.log_outcome)
        scroll = self.form_scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        scroll.setMinimumWidth(320)
        split = QSplitter()
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.empty)
        column.addWidget(self.stops, 1)
        self.walk_places = WalkPlacesPanel(self.ctx)  # the places of the walk-round, in its walking order (issue 15)
        self.walk_places.inspect.connect(lambda place_id: open_inspection(self.ctx, self, place_id, self.walk_places.say))
        column.addWidget(self.walk_places)
        split.addWidget(left)
        split.addWidget(scroll)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)

        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addLayout(bar)
        layout.addLayout(figures_row)
        layout.addWidget(split, 1)
        # Keys 1–5: while typing in a text box the digits are typed, not taken as outcomes.
        for n, outcome in enumerate(OUTCOME_KEYS, start=1):
            shortcut = QShortcut(QKeySequence(str(n)), tab)
            shortcut.setContext(Qt.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda o=outcome.value: self.log_outcome(o))
        return tab

    def _build_due_tab(self) -> QWidget:
        self.special_only = QCheckBox(self.tr("Special groups only"))
        self.special_only.toggled.connect(self._show_due)
        self.due_count = QLabel()
        self.due_count.setWordWrap(True)  # a long count wraps: the bar fits a 1024×600 screen in English
        first = QPushButton(self.tr("Select the first 20"))
        first.clicked.connect(lambda: self._select_due(20))
        self.plan_due = QPushButton(self.tr("Plan a walk-round with the selected"))
        self.plan_due.clicked.connect(self.plan_from_due)
        bar = QHBoxLayout()
        bar.addWidget(self.special_only)
        bar.addWidget(self.due_count, 1)
        bar.addWidget(first)
        bar.addWidget(self.plan_due)
        self.plan_buttons.append(self.plan_due)
        if not may_plan_visits(self.ctx.actor.role):  # a handler: the service refuses it too
            for button in self.plan_buttons:
                button.setEnabled(False)
                button.setToolTip(self.tr("Only grid workers, dispatchers and administrators plan visits"))
        self.due_model = RowsModel(self._due_columns(), self)
        self.due = make_table(self.due_model, multi=True)
        header = self.due.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.Stretch)
        self.due_error = QLabel()
        self.due_error.setStyleSheet(style.ERROR_STYLE)
        self.due_error.hide()
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addLayout(bar)
        self.due_places = DuePlacesPanel(self.ctx)  # beside the households: the places due an inspection
        split = QSplitter()
        split.addWidget(self.due)
        split.addWidget(self.due_places)
        layout.addWidget(split, 1)
        layout.addWidget(self.due_error)
        self._all_due: list = []
        return tab

    # -- loading -------------------------------------------------------------------------------
    def on_shown(self) -> None:
        if self._stale:
            self.reload()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.on_shown()

    def today(self) -> date:
        return local_day(utcnow())

    def reload(self) -> None:
        self._stale = False
        self._load_walks()
        if self.tabs.currentIndex() == 1 or self._due_stale:
            self.load_due()

    @async_slot()
    async def _load_walks(self) -> None:
        self._show_walks(await self.ctx.runner.call(visit_queries.open_walkrounds, self.ctx.store, keep_id=self._walk_id,
                                                    guard=self))  # fmt: skip

    def _show_walks(self, walks) -> None:
        keep = self._walk_id
        self.walks.blockSignals(True)
        self.walks.clear()
        for w in walks:
            when = w.planned_for.strftime("%m-%d") if w.planned_for else local_time(w.planned_at)
            mark = "✓ " if w.total and w.done == w.total else ""
            called = f"{figures.DOORS_CALLED.name(self.ctx.lang)} {w.done}/{w.total}"
            self.walks.addItem(f"{mark}{w.name}  ({when}, {called})", w.id)
        index = self.walks.findData(keep) if keep else -1
        self.walks.setCurrentIndex(index if index >= 0 else (0 if walks else -1))
        self.walks.blockSignals(False)
        self.empty.setVisible(not walks)
        self.stops.setVisible(bool(walks))
        self.cancel_walk.setEnabled(bool(walks))
        self._walk_chosen()

    def _walk_chosen(self, _index: int = -1) -> None:
        self._walk_id = self.walks.currentData()
        self.walk_places.show_walk(self._walk_id)
        if not self._walk_id:
            self.stops_model.set_rows([])
            self.progress.setRange(0, 1)
            self.progress.setValue(0)
            self.progress.hide()  # no walk-round planned: no "0 of 1 visited"
            self.progress_label.hide()
            self.met_label.hide()
            self._set_current(None)
            return
        self.ctx.runner.start(self._load_stops(self._walk_id), "walk-round stops")

    async def _load_stops(self, walk_id: str) -> None:
        self._show_stops(walk_id, await self.ctx.runner.call(visit_queries.walkround_stops, self.ctx.store, walk_id,
                                                             guard=self))  # fmt: skip

    def _show_stops(self, walk_id: str, stops) -> None:
        if walk_id != self._walk_id:
            return
        self._positions = {s.household_id: i for i, s in enumerate(stops, start=1)}
        self.stops_model.set_rows(stops)
        while self.stops_model.canFetchMore():
            self.stops_model.fetchMore()  # a walk-round is a few dozen doors: show them all
        done = sum(1 for s in stops if s.visit_id)
        self.progress.setRange(0, max(len(stops), 1))
        self.progress.setValue(done)
        self.progress.setVisible(bool(stops))
        lang = self.ctx.lang
        self.progress_label.setText(f"{figures.DOORS_CALLED.name(lang)} {figures.DOORS_CALLED.fraction(done, len(stops), lang)}")
        self.progress_label.setVisible(bool(stops))
        met = sum(1 for s in stops if s.met)
        visited = figures.HOUSEHOLDS_VISITED  # "已走访住户 3 户", "Households visited: 3" (the unit once, in its name)
        self.met_label.setText(f"{visited.name(lang)} {visited.amount(met, lang)}" if lang.startswith("zh") else f"{visited.name(lang)}: {met}")
        self.met_label.setVisible(bool(stops))
        wanted = self._current_id if any(s.household_id == self._current_id for s in stops) else None
        self._select_stop(wanted or self._next_stop_id())

    def _next_stop_id(self, after: str | None = None) -> str | None:
        """The next door not yet knocked at (after `after` in walking order, else from the start)."""
        rows = self.stops_model.rows()
        start = next((i + 1 for i, s in enumerate(rows) if s.household_id == after), 0)
        for s in rows[start:] + rows[:start]:
            if not s.visit_id and s.household_id not in self._saving:
                return s.household_id
        return None

    def _select_stop(self, household_id: str | None) -> None:
        rows = self.stops_model.rows()
        index = next((i for i, s in enumerate(rows) if s.household_id == household_id), None)
        if index is None:
            self.stops.selectionModel().clearSelection()
            self._set_current(None)
            return
        self.stops.selectionModel().setCurrentIndex(
            self.stops_model.index(index, 0), QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows
        )
        self.stops.scrollTo(self.stops_model.index(index, 0))
        if rows[index].household_id != self._current_id:
            self._set_current(rows[index])
        else:
            self.form.set_stop(rows[index])  # a refresh: what is being typed stays

    def _stop_chosen(self, current, _previous=None) -> None:
        if current.isValid():
            stop = self.stops_model.row(current.row())
            if stop.household_id != self._current_id:
                self._set_current(stop)

    def _set_current(self, stop) -> None:
        """Show a household in the form, with the draft kept for it if there is one."""
        if self._draft_timer.isActive():  # typed for the door being left, not yet kept: keep it now
            self._draft_timer.stop()
            self._save_draft()
        self._current_id = stop.household_id if stop else None
        self.form.clear()
        self.form.set_stop(stop)
        self._draft_timer.stop()  # clearing the form is not an edit
        if stop is not None:
            self.ctx.runner.start(self._load_draft(stop.household_id), "visit draft")

    async def _load_draft(self, household_id: str) -> None:
        draft = await self.ctx.runner.call(drafts.load_draft, self.ctx.store, f"visit:{household_id}", guard=self)
        self._restore_draft(household_id, draft)

    def _write_draft(self, fn, *args) -> None:
        """Keep or drop a draft (on the database thread, in the order asked; not tied to this page's life)."""
        runner = self.ctx.runner
        runner.start(runner.call(fn, self.ctx.store, *args), "visit draft")

    def _restore_draft(self, household_id: str, draft) -> None:
        if draft is not None and household_id == self._current_id and self.form.is_blank():
            self.form.edited.disconnect(self._draft_timer.start)
            self.form.set_values(draft.data)
            self.form.edited.connect(self._draft_timer.start)

    def _save_draft(self) -> None:
        if self._current_id:
            key = f"visit:{self._current_id}"
            if self.form.is_blank():
                self._write_draft(drafts.discard_draft, key)
            else:
                self._write_draft(drafts.save_draft, key, self.form.values())

    def _data_changed(self, changes) -> None:
        if not WATCHED & set(changes.ids):
            return
        self._due_stale = True
        if self.isVisible():
            self._refresh_timer.start()
        else:
            self._stale = True

    # -- logging a visit --------------------------------------------------------------------------
    def current_stop(self):
        return next((s for s in self.stops_model.rows() if s.household_id == self._current_id), None)

    def log_outcome(self, outcome: str) -> None:
        """Record the visit to the current door with this outcome, and go on to the next door at once."""
        stop = self.current_stop()
        if stop is None or stop.household_id in self._saving:
            return
        values = self.form.values()
        if values["raise_incident"] and not values["category"]:
            self.form.show_message("category", self.tr("Choose a category for the incident"))
            return
        self._draft_timer.stop()
        household_id = stop.household_id
        self._saving[household_id] = outcome
        actor = self.ctx.actor
        visit = dict(
            visitor_id=actor.id, visitor_role=actor.role, outcome=outcome,
            notes=values["notes"], needs=values["needs"], photos=values["photos"], photos_dir=self.ctx.photos_dir,
            need_category=values["category"] if values["raise_incident"] else None, need_urgency=values["urgency"],
            need_order=values["raise_order"], order_skill=values["skill"] if values["raise_order"] else None,
            need_wish=values.get("raise_wish", False),
        )  # fmt: skip
        self.ctx.runner.start(self._log(household_id, values, visit), "log visit")
        self.stops_model.layoutChanged.emit()
        self._select_stop(self._next_stop_id(after=household_id))
        self.stops.setFocus()

    async def _log(self, household_id: str, values: dict, visit: dict) -> None:
        try:
            await self.ctx.runner.call(visit_service.log_visit, self.ctx.store, household_id, **visit, guard=self)
        except Exception as exc:  # noqa: BLE001 - said by its field in the form (show_error)
            if isValid(self):
                self._not_logged(household_id, values, exc)
            return
        self._logged(household_id)

    def _logged(self, household_id: str) -> None:
        self._saving.pop(household_id, None)
        self._write_draft(drafts.discard_draft, f"visit:{household_id}")
        self._walk_chosen()

    def _not_logged(self, household_id: str, values: dict, exc: BaseException) -> None:
        self._saving.pop(household_id, None)
        self.stops_model.layoutChanged.emit()
        self._select_stop(household_id)
        self.form.set_values(values)
        label = self.form.show_error(exc)
        # Said where the user looks: the form scrolls to the error (it may be below the fold at 1024×600).
        QTimer.singleShot(0, guarded(self, lambda: self.form_scroll.ensureWidgetVisible(label)))

    def _cancel_walk(self) -> None:
        walk_id = self._walk_id
        if not walk_id:
            return
        answer = QMessageBox.question(
            self, self.tr("Cancel this walk-round"),
            self.tr("Cancel the walk-round “{0}”? Visits already logged are kept.").format(self.walks.currentText()),
        )  # fmt: skip
        if answer == QMessageBox.Yes:
            self._walk_id = None
            runner = self.ctx.runner
            runner.start(runner.call(visit_service.cancel_walkround, self.ctx.store, walk_id), "cancel walk-round")

    # -- planning --------------------------------------------------------------------------------
    @async_slot()
    async def open_plan_dialog(self) -> None:
        self._open_plan_dialog(await self.ctx.runner.call(visit_queries.buildings_for_planning, self.ctx.store, guard=self))

    def _open_plan_dialog(self, buildings) -> None:
        self.plan_dialog = BuildingPlanDialog(self.ctx, buildings, self.today(), self)
        self.plan_dialog.planned.connect(self._planned)
        self.plan_dialog.open()

    def _planned(self, walk) -> None:
        self._walk_id = walk.id
        self._current_id = None
        self.tabs.setCurrentIndex(0)
        self.reload()

    def load_due(self) -> None:
        self._due_stale = False
        self._read_due()
        self.due_places.load()

    @async_slot()
    async def _read_due(self) -> None:
        self._due_loaded(await self.ctx.runner.call(visit_service.due_households, self.ctx.store, guard=self))

    def _due_loaded(self, due) -> None:
        self._all_due = due
        self._show_due()

    def _show_due(self) -> None:
        rows = [d for d in self._all_due if d.special] if self.special_only.isChecked() else self._all_due
        set_rows_keeping_selection(self.due, rows, lambda d: d.household_id)  # a sync does not undo a choice being made
        special = sum(1 for d in self._all_due if d.special)
        lang = self.ctx.lang
        # Households both: the due list counts doors (the dashboard's special-group figure counts people).
        self.due_count.setText(self.tr("{0} due; {1}: {2}").format(
            figures.plural(len(self._all_due), "household", lang), figures.SPECIAL_HOUSEHOLDS.name(lang),
            figures.plural(special, "household", lang)))  # fmt: skip

    def _select_due(self, n: int) -> None:
        while self.due_model.rowCount() < n and self.due_model.canFetchMore():
            self.due_model.fetchMore()
        self.due.clearSelection()
        last = min(n, self.due_model.rowCount()) - 1
        if last >= 0:
            selection = self.due.selectionModel()
            top, bottom = self.due_model.index(0, 0), self.due_model.index(last, self.due_model.columnCount() - 1)
            selection.select(QItemSelection(top, bottom), QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows)

    @async_slot()
    async def plan_from_due(self) -> None:
        chosen = [self.due_model.row(i.row()) for i in self.due.selectionModel().selectedRows()]
        places = self.due_places.selected_ids()  # households and places make one walk-round, in walking order
        if not chosen and not places:
            self.due_error.setText(self.tr("Select the households to visit first"))
            self.due_error.show()
            return
        self.due_error.hide()
        said = self.tr("Visits {0} · 1 household") if len(chosen) == 1 else self.tr("Visits {0} · {1} households")
        name = said.format(self.today().strftime("%m-%d"), len(chosen))
        plan, more = (place_walks.plan_mixed_walkround, {"place_ids": places}) if places else (visit_service.plan_walkround, {})
        try:
            walk = await self.ctx.runner.call(
                plan, self.ctx.store, name, household_ids=[d.household_id for d in chosen], planner_id=self.ctx.actor.id,
                planned_for=self.today(), planner_role=self.ctx.actor.role, guard=self, **more,
            )  # fmt: skip
        except Exception as exc:  # noqa: BLE001 - said in words beside the list (error_text)
            if isValid(self):
                self._due_failed(exc)
            return
        self._planned(walk)

    def _due_failed(self, exc: BaseException) -> None:
        self.due_error.setText(error_text(exc, self.ctx.lang))
        self.due_error.show()

    def _tab_changed(self, index: int) -> None:
        if index == 1 and self._due_stale:
            self.load_due()
