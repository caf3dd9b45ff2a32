"""The grid's forces (网格“1+6+N”) on screen: a grid's team, a member's form, the grids whose team is incomplete.

`RosterDialog` opens from the register's tree (a grid's menu) and from the
dashboard's list of incomplete grids: the members by role (the leader, the
6, the N), the required roles nobody holds, add / edit / remove, export. A
member is chosen from the register's people (search by name, pinyin or
number) or the system's users, or simply typed (the police officer and the
doctor often are neither). Reads and writes go through services.roster,
services.queries.roster and services.places_excel, awaited in async slots.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from ...domain.roster import load_roles, missing_roles, role_label
from ...services import roster as roster_service
from ...services.queries import people as people_queries
from ...services.queries import roster as roster_queries
from ...services.queries.roster import IncompleteGrid, RosterEntry
from ...services.places_excel import export_roster
from ...services.search import find_people
from ..fieldwork.text import error_text
from ..models.column import Column
from ..models.rows import RowsModel
from ..style import ERROR_STYLE, MUTED, OK, error_label
from ..tables import make_table, set_rows_keeping_selection
from ..tasks import async_slot
from .excel_export import ask_save_path, safe_file_name


class MemberDialog(QDialog):
    """One member of a grid's team: role, who (a person of the register, a user, or typed), phone, skills."""

    saved = Signal()

    def __init__(self, ctx, area_id: str, users: list, member: RosterEntry | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.area_id, self.member = ctx, area_id, member
        self.person_id = member.person_id if member else None
        self.setWindowTitle(self.tr("Edit a member of the grid team") if member else self.tr("Add a member to the grid team"))
        self.setMinimumWidth(460)
        self.role = QComboBox()
        for r in load_roles():
            self.role.addItem(f"{r.label(ctx.lang)}（{r.group}）" if ctx.lang.startswith("zh") else f"{r.label(ctx.lang)} ({r.group})", r.code)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Name, pinyin initials, ID or phone digits"))
        self.search.setClearButtonEnabled(True)
        self.hits = QComboBox()
        self.hits.addItem(self.tr("(not from the register)"), None)
        self.hits.activated.connect(self._hit_chosen)
        self.user = QComboBox()
        self.user.addItem(self.tr("(not a user)"), None)
        for u in users:
            self.user.addItem(u.display_name or u.username or u.id[:8], u.id)
        self.name, self.phone, self.skills, self.notes = QLineEdit(), QLineEdit(), QLineEdit(), QLineEdit()
        self.skills.setPlaceholderText(self.tr("e.g. first aid, plumbing, sign language"))
        form = QFormLayout()
        for label, widget in ((self.tr("Role"), self.role), (self.tr("Find in the register"), self.search),
                              ("", self.hits), (self.tr("User"), self.user), (self.tr("Name"), self.name),
                              (self.tr("Phone"), self.phone), (self.tr("Skills"), self.skills),
                              (self.tr("Notes"), self.notes)):  # fmt: skip
            caption = QLabel(label)
            caption.setBuddy(widget)
            form.addRow(caption, widget)
        self.error = error_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self._search_timer = QTimer(self, singleShot=True, interval=250)
        self._search_timer.timeout.connect(self._look_up)
        self.search.textChanged.connect(self._search_timer.start)
        if member is not None:
            self.role.setCurrentIndex(max(0, self.role.findData(member.role)))
            self.user.setCurrentIndex(max(0, self.user.findData(member.user_id)))
            for edit, value in ((self.name, member.name), (self.phone, member.phone), (self.skills, member.skills),
                                (self.notes, member.notes)):  # fmt: skip
                edit.setText(value or "")
            if member.person_id:
                self.hits.addItem(member.name, member.person_id)
                self.hits.setCurrentIndex(1)

    @async_slot()
    async def _look_up(self) -> None:
        text = self.search.text().strip()
        if not text:
            return
        hits = await self.ctx.runner.call(find_people, self.ctx.store, text, limit=20, guard=self)
        if text != self.search.text().strip():
            return  # typed on (or cleared) meanwhile: these people were found for words no longer there
        self.hits.clear()
        self.hits.addItem(self.tr("(not from the register)"), None)
        for h in hits:
            self.hits.addItem(" · ".join(x for x in (h.name, h.address) if x), h)
        if hits:
            self.hits.setCurrentIndex(1)
            self._hit_chosen(1)

    def _hit_chosen(self, index: int) -> None:
        hit = self.hits.itemData(index)
        if hit is None:
            self.person_id = None
            return
        if isinstance(hit, str):  # the member's own person, as it was
            self.person_id = hit
            return
        self.person_id = hit.person_id
        self.name.setText(hit.name)
        self.phone.setText(hit.phone or "")

    def values(self) -> dict:
        return {
            "area_id": self.area_id, "role": self.role.currentData(), "person_id": self.person_id,
            "user_id": self.user.currentData(), "name": self.name.text().strip(), "phone": self.phone.text().strip(),
            "skills": self.skills.text().strip(), "notes": self.notes.text().strip(),
        }  # fmt: skip

    def submit(self) -> None:
        self.buttons.setEnabled(False)  # with the click itself: one save per click
        self.ctx.runner.start(self._save(self.values()), "save roster member")

    async def _save(self, values: dict) -> None:
        try:
            if self.member is None:
                await self.ctx.runner.call(roster_service.add_member, self.ctx.store, values, guard=self)
            else:
                await self.ctx.runner.call(roster_service.update_member, self.ctx.store, self.member.id, values, guard=self)
        except Exception as exc:  # noqa: BLE001 - said in words in the dialog (error_text)
            if isValid(self):
                self.buttons.setEnabled(True)
                self.error.setText(error_text(exc, self.ctx.lang))
                self.error.show()
            return
        self.saved.emit()
        self.accept()


class RosterDialog(QDialog):
    """A grid's team (1+6+N): who holds which role, the required roles still empty; add, edit, remove, export."""

    def __init__(self, ctx, area_id: str, area_name: str, *, editable: bool = True, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.area_id, self.area_name, self.editable = ctx, area_id, area_name, editable
        self.entries: list[RosterEntry] = []
        self.users: list = []
        self.member_dialog: MemberDialog | None = None
        self.setWindowTitle(self.tr("Grid team (1+6+N): {0}").format(area_name))
        self.resize(820, 480)
        lang = ctx.lang
        self.model = RowsModel([
            Column(self.tr("Role"), lambda e: role_label(e.role, lang)),
            Column(self.tr("Name"), lambda e: e.name),
            Column(self.tr("Phone"), lambda e: e.phone or ""),
            Column(self.tr("Skills"), lambda e: e.skills or "", tooltip=lambda e: e.skills),
            Column(self.tr("From"), lambda e: source_of(e, lang)),
            Column(self.tr("Notes"), lambda e: e.notes or "", tooltip=lambda e: e.notes),
        ], self)  # fmt: skip
        self.table = make_table(self.model, word_wrap=False, alternate=True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _i: self.edit_member())
        self.missing = QLabel()
        self.missing.setWordWrap(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.add_button = QPushButton(self.tr("Add…"))
        self.add_button.clicked.connect(lambda: self.add_member())
        self.edit_button = QPushButton(self.tr("Edit…"))
        self.edit_button.clicked.connect(lambda: self.edit_member())
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.clicked.connect(self.remove_member)
        self.export_button = QPushButton(self.tr("Export…"))
        self.export_button.clicked.connect(lambda: self.export())
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.remove_button, self.export_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.missing)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self._update_buttons()
        self.load()

    @async_slot()
    async def load(self) -> None:
        entries, users = await self.ctx.runner.call(_roster_and_users, self.ctx.store, self.ctx.actor, self.area_id, guard=self)
        self.entries, self.users = entries, users
        set_rows_keeping_selection(self.table, entries, lambda e: e.id)  # the member just edited stays chosen
        missing = missing_roles(e.role for e in entries)
        if missing:
            names = ("、" if self.ctx.lang.startswith("zh") else ", ").join(r.label(self.ctx.lang) for r in missing)
            self.missing.setText(self.tr("Incomplete: nobody is {0}").format(names))
            self.missing.setStyleSheet(ERROR_STYLE)
        else:
            self.missing.setText(self.tr("Complete: every required role is held"))
            self.missing.setStyleSheet(f"color: {OK};")
        self._update_buttons()

    def selected(self) -> RosterEntry | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        chosen = self.selected() is not None
        self.add_button.setEnabled(self.editable)
        self.edit_button.setEnabled(self.editable and chosen)
        self.remove_button.setEnabled(self.editable and chosen)

    def add_member(self) -> MemberDialog | None:
        return self._open_member(None) if self.editable else None

    def edit_member(self) -> MemberDialog | None:
        member = self.selected()
        return self._open_member(member) if self.editable and member is not None else None

    def _open_member(self, member: RosterEntry | None) -> MemberDialog:
        dialog = MemberDialog(self.ctx, self.area_id, self.users, member, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self.load)
        self.member_dialog = dialog
        dialog.open()
        return dialog

    def remove_member(self) -> None:
        member = self.selected()
        if member is None:
            return
        answer = QMessageBox.question(self, self.tr("Remove"), self.tr("Remove {0} ({1}) from the grid team?").format(
            member.name, role_label(member.role, self.ctx.lang)))  # fmt: skip
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.remove_button.setEnabled(False)  # with the click itself
        self.ctx.runner.start(self._remove(member.id), "remove roster member")

    async def _remove(self, member_id: str) -> None:
        try:
            await self.ctx.runner.call(roster_service.remove_member, self.ctx.store, member_id, guard=self)
        except Exception as exc:  # noqa: BLE001 - said in words in the dialog (error_text)
            if isValid(self):
                self._say(error_text(exc, self.ctx.lang), ERROR_STYLE)
                self._update_buttons()  # the click turned Remove off: it comes back with the failure
            return
        self.load()

    def export(self, path: str | Path | None = None) -> None:
        if path is None:
            path = ask_save_path(self, self.tr("Export the grid team"), safe_file_name(self.area_name) + "-1+6+N.xlsx")
            if path is None:
                return
        self.export_button.setEnabled(False)  # with the click itself
        self.ctx.runner.start(self._export(Path(path)), "export roster")

    async def _export(self, path: Path) -> None:
        try:
            await self.ctx.runner.call(export_roster, self.ctx.store, path, self.ctx.lang, area_ids=[self.area_id],
                                       pool="net", guard=self)  # fmt: skip
        except Exception as exc:  # noqa: BLE001 - said in words in the dialog (error_text)
            if isValid(self):
                self.export_button.setEnabled(True)
                self._say(error_text(exc, self.ctx.lang), ERROR_STYLE)
            return
        self.export_button.setEnabled(True)
        self._say(self.tr("Exported to {0}").format(str(path)), f"color: {OK};")

    def _say(self, text: str, style: str) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(style)


def source_of(entry: RosterEntry, lang: str) -> str:
    """Where a member comes from: the register, the system's users, or typed in."""
    zh = lang.startswith("zh")
    if entry.person_id:
        return "台账人员" if zh else "register"
    if entry.user_id:
        return "系统用户" if zh else "user"
    return "手工填写" if zh else "typed"


def _roster_and_users(store, me, area_id: str) -> tuple[list[RosterEntry], list]:
    """On the database thread: the grid's team, and the users to choose a member from (the stored ones)."""
    users = [p for p in people_queries.known_people(store, me) if p.username is not None]
    return roster_queries.grid_roster(store, area_id), users


class IncompleteRosters(QWidget):
    """The dashboard's list: grids of the chosen area whose team lacks a required role; double-click opens it."""

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.dialog: RosterDialog | None = None
        lang = ctx.lang
        sep = "、" if lang.startswith("zh") else ", "
        self.model = RowsModel([
            Column(self.tr("Grid"), lambda g: g.name),
            Column(self.tr("Roles nobody holds"), lambda g: sep.join(r.label(lang) for r in g.missing)),
        ], self)  # fmt: skip
        self.table = make_table(self.model)
        self.table.setMinimumHeight(140)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda index: self.open_grid(self.model.row(index.row())))
        self.title = QLabel(self.tr("Grids whose team (1+6+N) is incomplete"))
        self.title.setStyleSheet("font-weight: bold;")
        self.note = QLabel()
        self.note.setStyleSheet(f"color: {MUTED};")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)

    @async_slot()
    async def load(self, area_id: str) -> None:
        self.show_grids(await self.ctx.runner.call(roster_queries.incomplete_grids, self.ctx.store, [area_id], guard=self))

    def show_grids(self, grids: list[IncompleteGrid]) -> None:
        self.model.set_rows(grids)
        self.note.setText(self.tr("Every grid's team is complete.") if not grids
                          else self.tr("Double-click a grid to fill in its team."))  # fmt: skip

    def open_grid(self, grid: IncompleteGrid) -> RosterDialog:
        editable = self.ctx.actor.role != "handler"
        self.dialog = RosterDialog(self.ctx, grid.area_id, grid.name, editable=editable, parent=self)
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.open()
        return self.dialog
