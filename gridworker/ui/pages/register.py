"""The registers page: the area tree, the people / household / building lists, the household view, the search box.

Choosing a node of the tree (a grid, a building, a unit, a household)
narrows the lists to it; typing in the search box lists the people found
instead (names, pinyin initials, ID or phone digits, addresses), as you
type. The toolbar holds the register's named operations; each runs one
service through the task runner, and every list refreshes itself when the
services announce a change (ctx.data_changed). The Excel menu imports a
workbook (checked first, with progress and a report of every refused cell),
exports the register or the part chosen in the tree, and saves the template.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QPoint, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QFocusEvent, QHideEvent, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QSplitter,
    QToolBar,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from ...domain.enums import AreaLevel, PersonStatus, Role
from ...services.changes import Changes
from ...services.queries.places import area_choices
from ...services.queries.register import Scope, TreeNode
from ..context import AppContext
from ..models.area_tree import AreaTreeModel
from ..settings import INCLUDE_INACTIVE, REGISTER_SPLITTER, Settings
from ..register.excel_export import ExcelExport
from ..register.excel_import import ExcelImport
from ..register.excel_menu import ExcelTransfers
from ..register.roster import RosterDialog
from ..register.household_view import HouseholdView
from ..register.lists import BUILDINGS, HOUSEHOLDS, PEOPLE, RegisterLists
from ..register.operations import RecordOperations
from ..places.found import PlacesFound
from ..style import ACCENT, error_label
from ..tasks import async_slot

SEARCH_DELAY_MS = 200
REFRESH_DELAY_MS = 150
REGISTER_EDITORS = {Role.admin.value, Role.dispatcher.value, Role.worker.value}
REGISTER_ENTITIES = {"area", "building", "household", "person", "membership"}


class AreaTree(QTreeView):
    """The area tree; reaching it with Tab chooses nothing (Qt makes the first node current then)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.entering = False

    def focusInEvent(self, event: QFocusEvent) -> None:
        had_current = self.currentIndex().isValid()
        self.entering = True
        try:
            super().focusInEvent(event)
        finally:
            self.entering = False
        if not had_current and self.selectionModel() is not None:
            self.selectionModel().clearSelection()  # a focus frame on the first node, nothing chosen


class RegisterPage(RecordOperations, ExcelTransfers, QWidget):
    page_id = "register"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.settings = Settings()
        self.scope = Scope()
        self.scope_title = self.tr("Whole register")
        self.editor = None  # the editor or dialog open now (tests and screenshots look at it)
        self._opening: tuple[str, str] | None = None  # the record whose editor is being opened
        self.transfer: ExcelImport | ExcelExport | None = None  # the import or export under way
        self._stale = True
        # Areas a linked account may place records in (services.scope, as area_choices lists them): the tree
        # may show other grids the store holds, to read; adding there is greyed. None until read.
        self.writable: set[str] | None = None
        self.chosen_area: str | None = None  # the area of the tree's choice (or the area it lies in)

        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search: name, pinyin initials, ID or phone digits, address…"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(220)  # on its own row with the scope: the toolbar keeps its room
        self.include_inactive = QCheckBox(self.tr("Include moved out and deceased"))
        self.include_inactive.setChecked(self.settings.get(INCLUDE_INACTIVE))

        self.tree_model = AreaTreeModel(ctx, self)
        self.tree = AreaTree()
        self.tree.setModel(self.tree_model)
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setMinimumWidth(200)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._tree_menu)
        self.lists = RegisterLists(ctx)
        # Handlers see incidents only: the server refuses any change of theirs to the register.
        self.read_only = ctx.actor.role not in REGISTER_EDITORS
        self.household = HouseholdView(ctx)
        self.household.read_only = self.read_only
        self.household.setMinimumWidth(330)
        self.scope_label = QLabel()
        self.scope_label.setStyleSheet(f"font-weight: bold; color: {ACCENT}; padding: 2px 0;")

        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)  # no separators: fits 1024 px
        self._build_actions()

        middle = QWidget()
        column = QVBoxLayout(middle)
        column.setContentsMargins(0, 0, 0, 0)
        self.team_button = QToolButton()  # a grid chosen in the tree: its team (1+6+N), beside its name
        self.team_button.setText(self.tr("Grid team (1+6+N)"))
        self.team_button.setAutoRaise(True)
        self.team_button.hide()
        self.team_button.clicked.connect(lambda: self.open_roster(self.chosen_grid[0], self.chosen_grid[1]))
        self.chosen_grid: tuple[str, str] | None = None
        title_row = QHBoxLayout()
        title_row.addWidget(self.scope_label, 1)
        title_row.addWidget(self.team_button)
        column.addLayout(title_row)
        self.scope_label.setMinimumWidth(1)  # a long area path is cut, not widening the page (tooltip: all)
        column.addWidget(self.lists, 1)
        self.splitter = QSplitter()
        self.splitter.addWidget(self.tree)
        self.splitter.addWidget(middle)
        self.splitter.addWidget(self.household)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([190, 800, 370])
        state = self.settings.get(REGISTER_SPLITTER)
        if not state.isEmpty():
            self.splitter.restoreState(state)
        self.splitter.splitterMoved.connect(lambda *_: self.settings.set(REGISTER_SPLITTER, self.splitter.saveState()))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        search_row = QHBoxLayout()  # the search on its own row: the toolbar keeps the whole width (1024×600)
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.include_inactive)
        search_row.addWidget(self.excel_button)
        layout.addLayout(search_row)
        self.places_found = PlacesFound(ctx)  # the one search box finds places too: links to their cards
        layout.addWidget(self.places_found)
        layout.addWidget(self.toolbar)
        self.gone_label = error_label()  # a record opened that a sync had just deleted (operations.say_gone)
        layout.addWidget(self.gone_label)
        layout.addWidget(self.splitter, 1)

        self._register_touched = False
        self._refresh_timer = QTimer(self, singleShot=True, interval=REFRESH_DELAY_MS)
        self._refresh_timer.timeout.connect(self._refresh)
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.reload_lists)
        self.search.textChanged.connect(self._search_timer.start)
        self.search.installEventFilter(self)  # Down / Enter: into the results
        self.include_inactive.toggled.connect(self._include_inactive_toggled)
        QWidget.setTabOrder(self.search, self.include_inactive)  # then the lists, the tree, the household
        self.tree.selectionModel().currentChanged.connect(self._node_chosen)
        self.tree_model.children_loaded.connect(self._open_single_children)
        self.lists.current_household.connect(self._show_household)
        self.lists.activated.connect(self._edit_record)
        self.lists.selection_changed.connect(self._update_actions)
        self.lists.selection_changed.connect(self._forget_gone)
        self.search.textChanged.connect(self._forget_gone)
        self.lists.counts_changed.connect(self._update_scope_label)
        self.household.edit_household.connect(lambda hh_id: self._edit_record(HOUSEHOLDS, hh_id))
        self.household.add_member.connect(lambda hh_id: self.new_person(hh_id))
        self.household.edit_person.connect(lambda pid: self._edit_record(PEOPLE, pid))
        ctx.data_changed.connect(self._data_changed)
        self._update_actions()
        self._update_scope_label()
        self._load_writable()

    @async_slot()
    async def _load_writable(self) -> None:
        self._writable_arrived(await self.ctx.runner.call(area_choices, self.ctx.store, guard=self))

    def _writable_arrived(self, areas) -> None:
        self.writable = {a.id for a in areas}
        self._update_actions()

    def may_add_in(self, area_id: str | None) -> bool:
        """Whether records may be added in `area_id` (None: the whole register, wherever the account may)."""
        if self.writable is None:
            return True  # not read yet: the service refuses a place outside the grant in words anyway
        return bool(self.writable) if area_id is None else area_id in self.writable

    def title(self) -> str:
        return self.tr("Registers")

    def eventFilter(self, watched, event) -> bool:
        if watched is self.search and event.type() == QEvent.Type.KeyPress and event.key() in (
            Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter
        ):
            self.enter_results()
            return True
        return super().eventFilter(watched, event)

    def enter_results(self) -> None:
        """From the search box into the list of what was found, its first row chosen (the search runs now if due)."""
        if self._search_timer.isActive():
            self._search_timer.stop()
            self.reload_lists()
        kind = self.lists.current_kind() if not self.search.text().strip() else PEOPLE
        self.lists.setCurrentIndex(list(self.lists.models).index(kind))
        view = self.lists.views[kind]
        if not self.lists.selected_rows(kind) and self.lists.models[kind].rowCount():
            self.lists.select_row(kind, 0)
        view.setFocus(Qt.FocusReason.TabFocusReason)

    def on_shown(self) -> None:
        if self._stale:  # changes (or a search) arrived while the page was hidden
            self.reload_lists()
            self.tree_model.refresh()
            self.household.refresh()
        self.search.setFocus()

    def hideEvent(self, event: QHideEvent) -> None:
        """Nothing runs for a page nobody sees (nor after its account closed); it reloads when shown again."""
        for timer in (self._search_timer, self._refresh_timer):
            if timer.isActive():
                timer.stop()
                self._stale = True
        super().hideEvent(event)

    # -- actions ------------------------------------------------------------------------------------
    def _action(self, text: str, slot, *, shortcut: QKeySequence | str | None = None, tip: str = "") -> QAction:
        action = QAction(text, self)
        action.triggered.connect(slot)
        if shortcut:
            action.setShortcut(shortcut)
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        tip = tip or text.rstrip("…")
        action.setToolTip(f"{tip} ({keys})" if keys else tip)  # the toolbar is this page's menu: it says the keys
        action.setData(action.toolTip())  # the tooltip to give back when an "outside your areas" one goes
        self.toolbar.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.new_building_action = self._action(self.tr("New building"), lambda: self.new_building(),
                                                shortcut="Ctrl+Shift+B")  # fmt: skip
        self.new_household_action = self._action(self.tr("New household"), lambda: self.new_household(),
                                                 shortcut="Ctrl+Shift+H")  # fmt: skip
        self.new_person_action = self._action(self.tr("New resident"), lambda: self.new_person(),
                                              shortcut=QKeySequence.StandardKey.New)  # fmt: skip
        self.edit_action = self._action(self.tr("Edit"), self.edit_current, shortcut="Ctrl+E")
        self.move_action = self._action(self.tr("Move…"), self.move_person, shortcut="Ctrl+M")
        self.moved_out_action = self._action(self.tr("Moved out…"), lambda: self.leave(deceased=False))
        self.deceased_action = self._action(self.tr("Deceased…"), lambda: self.leave(deceased=True))
        self.delete_action = self._action(self.tr("Delete"), self.delete_current, shortcut=QKeySequence.StandardKey.Delete)
        self.merge_action = self._action(
            self.tr("Merge duplicates…"), self.merge, tip=self.tr("Select the two records of one person, then merge them")
        )
        self.reveal_action = self._action(
            self.tr("Show numbers"), self.reveal_numbers,
            tip=self.tr("Show the full ID and phone numbers of the selected rows"),
        )
        self._build_excel_menu()
        find = QAction(self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(lambda: (self.search.setFocus(), self.search.selectAll()))
        self.addAction(find)
        for kind in (PEOPLE, HOUSEHOLDS):
            view = self.lists.views[kind]
            actions = [self.edit_action, self.reveal_action, self.delete_action]
            if kind == PEOPLE:
                actions[2:2] = [self.move_action, self.moved_out_action, self.deceased_action, self.merge_action]
            view.addActions(actions)
        self.lists.views[BUILDINGS].addActions([self.edit_action, self.new_building_action])

    def _build_excel_menu(self) -> None:
        menu = QMenu(self)
        self.import_action = menu.addAction(self.tr("Import from Excel…"), lambda: self.import_excel())
        self.export_action = menu.addAction(self.tr("Export…"), lambda: self.export_excel())
        menu.addSeparator()
        self.template_action = menu.addAction(self.tr("Download template…"), lambda: self.download_template())
        menu.addSeparator()
        self.compare_action = menu.addAction(self.tr("Compare a list…"), lambda: self.compare_list())
        button = QToolButton()
        button.setText(self.tr("Excel") + " ▾")
        button.setStyleSheet("QToolButton::menu-indicator { image: none; }")  # the ▾ says it, without overlapping
        button.setToolTip(self.tr("Import the register from a workbook, export it, get the empty template, or compare an outside list with it"))
        button.setMenu(menu)
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        button.setAutoRaise(True)
        self.excel_button = button  # on the search row: the toolbar fits 1024 px in English too

    @Slot()
    def _update_actions(self) -> None:
        kind = self.lists.current_kind()
        people = self.lists.selected_records(PEOPLE) if kind == PEOPLE else []
        one_person = len(people) == 1
        active = one_person and people[0].status == PersonStatus.active.value
        chosen = bool(self.lists.selected_rows(kind))
        self.edit_action.setEnabled(len(self.lists.selected_rows(kind)) == 1)
        self.move_action.setEnabled(one_person)
        self.moved_out_action.setEnabled(active)
        self.deceased_action.setEnabled(one_person and people[0].status != PersonStatus.deceased.value)
        self.delete_action.setEnabled(kind in (PEOPLE, HOUSEHOLDS) and len(self.lists.selected_rows(kind)) == 1)
        self.merge_action.setEnabled(len(people) == 2)
        self.reveal_action.setEnabled(kind in (PEOPLE, HOUSEHOLDS) and chosen)
        self.new_person_action.setEnabled(self._current_household() is not None)
        outside = self.tr("Outside your areas: you cannot add here")
        add_building = self.may_add_in(self.chosen_area)
        self.new_building_action.setEnabled(add_building)
        self.new_building_action.setToolTip(self.new_building_action.data() if add_building else outside)
        # Below an area node (building, unit, household) the chosen area is the one the building is in.
        add_household = self.may_add_in(self.chosen_area)
        self.new_household_action.setEnabled(add_household)
        self.new_household_action.setToolTip(self.new_household_action.data() if add_household else outside)
        if self.read_only:
            for action in self._write_actions():
                action.setEnabled(False)
                action.setToolTip(self.tr("A handler cannot change the register"))

    def _write_actions(self) -> list[QAction]:
        return [self.new_building_action, self.new_household_action, self.new_person_action, self.edit_action,
                self.move_action, self.moved_out_action, self.deceased_action, self.delete_action, self.merge_action,
                self.import_action]  # fmt: skip

    # -- scope and search -------------------------------------------------------------------------------
    @Slot()
    def reload_lists(self) -> None:
        self._stale = False
        query = self.search.text().strip()
        if query:
            self.lists.setCurrentIndex(0)  # the people found
        self.lists.load(self.scope, query, self.include_inactive.isChecked())
        self.places_found.search(query)
        self._update_scope_label()

    def _include_inactive_toggled(self, on: bool) -> None:
        self.settings.set(INCLUDE_INACTIVE, on)
        self.reload_lists()

    @Slot(QModelIndex, QModelIndex)
    def _node_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self.tree.entering:  # Tab came into the tree: the search and the lists stay as they are
            return
        node: TreeNode | None = self.tree_model.node(current)
        self.scope = node.scope if node else Scope()
        self.chosen_area = self._area_of(current)
        is_grid = node is not None and node.kind == "area" and node.detail == AreaLevel.grid.value
        self.chosen_grid = (node.scope.area_id, node.label) if is_grid else None
        self.team_button.setVisible(is_grid)
        self._update_actions()
        self.scope_title = self._node_title(current) if node else self.tr("Whole register")
        if self.search.text():  # the tree wins over an old query
            self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(False)
        self.reload_lists()
        if node is not None and node.kind == "household":
            self.household.show_household(node.scope.household_id)

    def _area_of(self, index: QModelIndex) -> str | None:
        """The area a tree node is or lies in (None: nothing chosen)."""
        while index.isValid():
            node = self.tree_model.node(index)
            if node is not None and node.kind == "area":
                return node.scope.area_id
            index = index.parent()
        return None

    def _node_title(self, index: QModelIndex) -> str:
        names = []
        while index.isValid():
            node = self.tree_model.node(index)
            if node.kind != "area" or node.detail in (AreaLevel.community.value, AreaLevel.grid.value,
                                                      AreaLevel.microgrid.value):
                names.append(node.label)
            index = index.parent()
        return " › ".join(reversed(names))  # fmt: skip

    @Slot(QModelIndex)
    def _open_single_children(self, parent: QModelIndex) -> None:
        """Open the tree down to where it branches (district → street → community is one path)."""
        if self.tree_model.rowCount(parent) == 1:
            child = self.tree_model.index(0, 0, parent)
            node = self.tree_model.node(child)
            if node is not None and node.kind == "area":
                self.tree.expand(child)
        elif not parent.isValid():
            for row in range(self.tree_model.rowCount(parent)):
                self.tree.expand(self.tree_model.index(row, 0, parent))

    def _update_scope_label(self) -> None:
        query = self.search.text().strip()
        if query:
            text = self.tr("Search “{0}”: {1} people found").format(query, f"{self.lists.people.rowCount():,}")
        else:
            text = self.scope_title
        self.scope_label.setText(text)
        self.scope_label.setToolTip(text)

    # -- the household view ----------------------------------------------------------------------------
    def _current_household(self) -> str | None:
        return self.lists.household_of_current() or self.scope.household_id

    @Slot(object)
    def _show_household(self, household_id: str | None) -> None:
        self.household.show_household(household_id or self.scope.household_id)
        self._update_actions()

    # -- the tree's menu -----------------------------------------------------------------------------------
    @Slot(QPoint)
    def _tree_menu(self, pos: QPoint) -> None:
        index = self.tree.indexAt(pos)
        if not index.isValid():
            return
        self.tree.setCurrentIndex(index)  # the scope the menu's actions work on
        self.tree_menu(self.tree_model.node(index)).popup(self.tree.viewport().mapToGlobal(pos))

    def tree_menu(self, node: TreeNode) -> QMenu:
        """What can be done with a node of the tree: add or edit a building, add a household, export that part."""
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        area_id = node.scope.area_id if node.kind == "area" else self.chosen_area
        if self.read_only or not self.may_add_in(area_id):
            pass  # reading and exporting only: outside the account's areas nothing is added or edited here
        elif node.kind == "area":
            menu.addAction(self.tr("New building here…"), lambda: self.new_building(node.scope.area_id))
        elif node.kind == "building":
            menu.addAction(self.tr("Edit building…"), lambda: self._edit_record(BUILDINGS, node.scope.building_id))
            menu.addAction(self.tr("New household here…"), self.new_household)
        menu.addAction(self.tr("Export “{0}”…").format(node.label), lambda: self.export_excel(scope=node.scope))
        if node.kind == "area" and node.detail == AreaLevel.grid.value:
            menu.addAction(self.tr("Grid team (1+6+N)…"), lambda: self.open_roster(node.scope.area_id, node.label))
        return menu

    def open_roster(self, area_id: str, name: str) -> RosterDialog:
        """The grid's team (1+6+N); editable where the account may add records."""
        self.roster_dialog = RosterDialog(self.ctx, area_id, name, editable=not self.read_only and self.may_add_in(area_id),
                                          parent=self)  # fmt: skip
        self.roster_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.roster_dialog.open()
        return self.roster_dialog

    # -- refresh after changes -----------------------------------------------------------------------------
    @Slot(object)
    def _data_changed(self, changes: Changes) -> None:
        """Coalesced: a sync that commits page after page refreshes the screen once it pauses, not per page."""
        touched = {entity for entity, ids in changes.ids.items() if ids}
        if touched & (REGISTER_ENTITIES | {"visit"}):
            self._register_touched |= bool(touched & REGISTER_ENTITIES)
            self._refresh_timer.start()

    def _refresh(self) -> None:
        if self._register_touched:
            self._load_writable()  # new areas, or a grant that changed with them
            self.tree_model.refresh()
            if self.isVisible():
                self.lists.reload()
            else:
                self._stale = True
        self._register_touched = False
        self.household.refresh()

