"""党员报到: check-ins to review — place in a grid (the register's building → grid, or by hand), approve with a
volunteer team, return with a reason — and each member's skills, posts and team."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...domain.participation import checkin
from ...domain.participation.common import STAFF
from ...domain.participation import tables as rule_tables
from ...services.participation import members as member_service
from ...services.queries import members as member_queries
from ..fieldwork.text import local_time
from ..models.column import Column
from ..style import ERROR, MUTED, OK, WARNING
from ..tasks import async_slot
from .base import ListTab, named, pair, pick, refill, room_below, scrolled

STATUS_COLOURS = {"submitted": WARNING, "returned": ERROR, "approved": OK}


class _CheckList(QListWidget):
    """A list that asks for little height and takes what the panel can give, up to its maximum.

    A detail panel with wrapped words is laid out for its width (QScrollArea and heightForWidth) from its
    rows' preferred heights: a list asking for its whole maximum made the panel scroll to its Save button at
    1024×600 while the lists could have given up the room."""

    least = 72

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self.least)


def checklist(entries, *, least: int = 72) -> QListWidget:
    """A list of checkable entries (code in UserRole), e.g. the skills of the resource table: `least` pixels high
    where the panel is short, growing to its maximum where there is room (base.room_below)."""
    widget = _CheckList()
    widget.least = least
    for code, label in entries:
        item = QListWidgetItem(label)
        item.setData(Qt.ItemDataRole.UserRole, code)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Unchecked)
        widget.addItem(item)
    widget.setMaximumHeight(140)
    policy = widget.sizePolicy()
    policy.setVerticalStretch(10)  # the room of a tall panel goes to its lists first (base.room_below takes the rest)
    widget.setSizePolicy(policy)
    return widget


def checked(widget: QListWidget) -> list[str]:
    return [widget.item(i).data(Qt.ItemDataRole.UserRole) for i in range(widget.count())
            if widget.item(i).checkState() == Qt.CheckState.Checked]


def set_checked(widget: QListWidget, codes) -> None:
    for i in range(widget.count()):
        item = widget.item(i)
        item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in codes else Qt.CheckState.Unchecked)


class MembersTab(ListTab):
    watched = frozenset({"member", "area", "ledger_entry"})

    def __init__(self, ctx, parent=None):
        self.views = list(member_queries.VIEWS)
        super().__init__(ctx, parent)
        self.current = None
        self.lay_out(self._detail(), above=(self.view_tabs(), self.search_box(self.tr("Search name, employer or phone"))))

    def _detail(self) -> QWidget:
        lang = self.ctx.lang
        self.facts = QLabel(self.tr("Choose a member in the list."))
        self.facts.setWordWrap(True)
        self.facts.setTextFormat(Qt.TextFormat.PlainText)
        self.staff_note = QLabel()
        self.staff_note.setWordWrap(True)
        self.staff_note.setStyleSheet(f"color: {MUTED};")
        self.staff_note.hide()
        self.grid = QComboBox()
        self.place_button = QPushButton(self.tr("Place in this grid"))
        self.place_button.clicked.connect(self.place)
        self.team = QLineEdit()
        self.team.setPlaceholderText(self.tr("Volunteer team, if any"))
        self.approve_button = QPushButton(self.tr("Approve"))
        self.approve_button.clicked.connect(self.approve)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("Why it goes back to the member"))
        self.return_button = QPushButton(self.tr("Return"))
        self.return_button.clicked.connect(self.send_back)
        self.skills = checklist((s.code, s.label(lang)) for s in rule_tables.skills().values())
        self.posts = checklist((p.code, p.label(lang)) for p in rule_tables.posts().values())
        self.save_button = QPushButton(self.tr("Save skills, posts and team"))
        self.save_button.clicked.connect(self.save_profile)

        panel = QWidget()
        outer = QVBoxLayout(panel)
        form = QFormLayout()
        outer.addLayout(form)
        form.addRow(self.facts)
        form.addRow(self.staff_note)
        form.addRow(self.message)
        form.addRow(self.tr("Grid"), pair(self.grid, self.place_button))
        form.addRow(self.tr("Team"), self.team)
        form.addRow("", self.approve_button)
        form.addRow(self.tr("Reason"), pair(self.reason, self.return_button))
        form.addRow(self.tr("Skills"), self.skills)
        form.addRow(self.tr("Posts"), self.posts)
        form.addRow("", self.save_button)
        room_below(form)
        return scrolled(panel)

    def view_label(self, view: str, count: int | None = None) -> str:
        label = {
            "submitted": self.tr("To review"), "to_place": self.tr("To place by hand"), "approved": self.tr("Approved"),
            "returned": self.tr("Returned"), "all": self.tr("All"),
        }[view]
        return f"{label} ({count})" if count is not None else label

    def columns(self) -> list[Column]:
        lang = self.ctx.lang
        skills, posts = rule_tables.skills(), rule_tables.posts()
        return [
            Column(self.tr("Name"), lambda r: r.name, tooltip=lambda r: r.phone),
            Column(self.tr("Employer"), lambda r: r.employer),
            Column(self.tr("Lives in"), lambda r: f"{r.estate} {r.building}"),
            Column(self.tr("Grid"), lambda r: r.grid_name or self.tr("to place"),
                   colour=lambda r: None if r.grid_id else QColor(WARNING)),
            Column(self.tr("Skills"), lambda r: "、".join(named(lang, skills, c) for c in r.skills)),
            Column(self.tr("Posts"), lambda r: "、".join(named(lang, posts, c) for c in r.posts)),
            Column(self.tr("Team"), lambda r: r.team or ""),
            Column(self.tr("Status"), lambda r: pick(lang, checkin.STATUS_LABELS[r.status]),
                   colour=lambda r: QColor(STATUS_COLOURS.get(r.status, MUTED)), tooltip=lambda r: r.return_reason),
            Column(self.tr("Points"), lambda r: str(r.balance), align_right=True),
            Column(self.tr("Checked in"), lambda r: local_time(r.submitted_at)),
        ]

    # -- loading ----------------------------------------------------------------------------------------
    @async_slot()
    async def reload(self) -> None:
        generation = self.begin_load()
        view = self.views[self.tabs.currentIndex()]
        store = self.ctx.store
        rows = await self.ctx.runner.call(member_queries.members, store, view, self.search.text(),
                                          also=self.current.id if self.current is not None else None, guard=self)
        counts = await self.ctx.runner.call(member_queries.counts, store, guard=self)
        grids = await self.ctx.runner.call(member_queries.grids, store, guard=self)
        if not self.is_latest(generation):
            return
        if self.grid.count() != len(grids):
            self.grid.clear()
            for grid_id, name in grids:
                self.grid.addItem(name, grid_id)
        for i, v in enumerate(self.views):
            self.tabs.setTabText(i, self.view_label(v, counts.get(v, 0)))
        self.show_rows(rows, self.current.id if self.current is not None else None)

    def row_chosen(self, row) -> None:
        self.current = row
        if row is None:
            self.facts.setText(self.tr("Choose a member in the list."))
        else:
            self._show_facts(row)
            self._choose_grid(row.grid_id)
            self.team.setText(row.team or "")
            set_checked(self.skills, row.skills)
            set_checked(self.posts, row.posts)
        self.enable_buttons()

    def row_refreshed(self, row) -> None:
        """The member read again (after work, a sync): a grid, team, skills or posts being changed stay."""
        before = self.current
        if row is None or before is None:
            return self.row_chosen(row)
        self.current = row
        self._show_facts(row)
        refill(self.grid.currentData(), before.grid_id, row.grid_id, self._choose_grid)
        refill(self.team.text(), before.team or "", row.team or "", self.team.setText)
        refill(set(checked(self.skills)), set(before.skills), set(row.skills), lambda codes: set_checked(self.skills, codes))
        refill(set(checked(self.posts)), set(before.posts), set(row.posts), lambda codes: set_checked(self.posts, codes))
        self.enable_buttons()

    def _show_facts(self, row) -> None:
        status = pick(self.ctx.lang, checkin.STATUS_LABELS[row.status])
        lines = [f"{row.name}  {row.phone}", row.employer, f"{row.estate} {row.building}", self.tr("Status: {0}").format(status)]
        if row.grid_id is None:
            lines.append(self.tr("The register does not know this building: place the member in a grid by hand."))
        if row.return_reason:
            lines.append(self.tr("Returned: {0}").format(row.return_reason))
        self.facts.setText("\n".join(lines))

    def _choose_grid(self, grid_id: str | None) -> None:
        index = self.grid.findData(grid_id)
        if index >= 0:
            self.grid.setCurrentIndex(index)

    def enable_buttons(self) -> None:
        row = self.current
        staff = self.ctx.actor.role in STAFF  # the rules let community staff alone review and record (checkin, set_profile)
        waiting = staff and row is not None and row.status == "submitted"
        self.place_button.setEnabled(waiting and self.grid.count() > 0)
        self.approve_button.setEnabled(waiting)
        self.return_button.setEnabled(waiting)
        self.save_button.setEnabled(staff and row is not None)
        # What cannot be saved cannot be ticked or typed either (a grid worker ticked skills Save would not take).
        for field in (self.skills, self.posts, self.team):
            field.setEnabled(staff and row is not None)
        self.grid.setEnabled(waiting)
        self.reason.setEnabled(waiting)
        why = "" if staff else self.tr("Community staff review check-ins and record skills, posts and teams")
        for widget in (self.place_button, self.approve_button, self.return_button, self.save_button, self.skills,
                       self.posts, self.team):  # fmt: skip
            widget.setToolTip(why)
        self.staff_note.setText(why)  # said, not only in a tooltip
        self.staff_note.setVisible(bool(why))

    # -- acting ---------------------------------------------------------------------------------------------
    def _review(self, action: str, done: str, **kwargs) -> None:
        actor = self.ctx.actor
        buttons = (self.place_button, self.approve_button, self.return_button, self.save_button)
        self.start_work(buttons, member_service.review, self.current.id, action, actor_id=actor.id, actor_role=actor.role,
                        done=done, **kwargs)

    def place(self) -> None:
        if self.current is not None:
            self._review("place", self.tr("Placed in {0}.").format(self.grid.currentText()), grid_id=self.grid.currentData())

    def approve(self) -> None:
        if self.current is not None:
            self._review("approve", self.tr("{0} is approved.").format(self.current.name), team=self.team.text())

    def send_back(self) -> None:
        if self.current is not None:
            self._review("return", self.tr("Returned to {0}.").format(self.current.name), reason=self.reason.text())

    def save_profile(self) -> None:
        if self.current is None:
            return
        self.start_work((self.save_button,), member_service.set_profile, self.current.id, skills=checked(self.skills),
                        posts=checked(self.posts), team=self.team.text(), actor_id=self.ctx.actor.id,
                        actor_role=self.ctx.actor.role, done=self.tr("Saved."))
