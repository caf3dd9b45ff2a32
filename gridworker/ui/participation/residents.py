"""居民身份确认: residents who registered on the phone pages and wait to be verified — staff confirm them (optionally
linking the person of the register they are, among the people this computer's register holds), or undo a
confirmation with a reason. Sent to the server with the next sync; the resident's pages then say verified."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...services.participation import residents as resident_service
from ...services.queries import residents as resident_queries
from ..fieldwork.text import local_time
from ..models.column import Column
from ..style import OK, WARNING
from ..tasks import async_slot
from .base import ListTab, pair


class ResidentsTab(ListTab):
    watched = frozenset({"resident", "person", "area"})

    def __init__(self, ctx, parent=None):
        self.views = list(resident_queries.VIEWS)
        super().__init__(ctx, parent)
        self.current = None
        self.lay_out(self._detail(), above=(self.view_tabs(), self.search_box(self.tr("Search name or phone"))))

    def _detail(self) -> QWidget:
        self.facts = QLabel(self.tr("Choose a resident in the list."))
        self.facts.setWordWrap(True)
        self.facts.setTextFormat(Qt.TextFormat.PlainText)
        self.person = QComboBox()
        self.person.setToolTip(self.tr("People of your register with the resident's name, in their community"))
        self.confirm_button = QPushButton(self.tr("Confirm"))
        self.confirm_button.clicked.connect(self.confirm)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("Why the confirmation is taken back"))
        self.undo_button = QPushButton(self.tr("Undo"))
        self.undo_button.clicked.connect(self.undo)
        panel = QWidget()
        outer = QVBoxLayout(panel)
        form = QFormLayout()
        outer.addLayout(form)
        outer.addStretch(1)
        hint = QLabel(self.tr("Confirm a resident you know in person. They are verified on their phone after the next sync."))
        hint.setWordWrap(True)
        form.addRow(hint)
        form.addRow(self.facts)
        form.addRow(self.message)
        form.addRow(self.tr("Person of the register"), self.person)
        form.addRow("", self.confirm_button)
        form.addRow(self.tr("Reason"), pair(self.reason, self.undo_button))
        panel.setMinimumWidth(300)
        return panel

    def view_label(self, view: str, count: int | None = None) -> str:
        label = {"waiting": self.tr("Waiting"), "verified": self.tr("Verified"), "all": self.tr("All")}[view]
        return f"{label} ({count})" if count is not None else label

    def _status(self, r) -> str:
        if not r.verified:
            return self.tr("Waiting for verification")
        return self.tr("Confirmed by staff") if r.confirmed else self.tr("ID number matched")

    def columns(self) -> list[Column]:
        return [
            Column(self.tr("Name"), lambda r: r.name),
            Column(self.tr("Phone"), lambda r: r.phone),
            Column(self.tr("Community"), lambda r: r.community),
            Column(self.tr("Registered"), lambda r: local_time(r.registered_at) if r.registered_at else ""),
            Column(self.tr("Status"), self._status, colour=lambda r: QColor(OK if r.verified else WARNING),
                   tooltip=lambda r: r.undo_reason),
        ]

    @async_slot()
    async def reload(self) -> None:
        generation = self.begin_load()
        view = self.views[self.tabs.currentIndex()]
        keep = self.current.id if self.current is not None else None
        rows = await self.ctx.runner.call(resident_queries.residents, self.ctx.store, view, self.search.text(), also=keep,
                                          guard=self)
        counts = await self.ctx.runner.call(resident_queries.counts, self.ctx.store, guard=self)
        if not self.is_latest(generation):
            return
        for i, v in enumerate(self.views):
            self.tabs.setTabText(i, self.view_label(v, counts.get(v, 0)))
        self.show_rows(rows, keep)

    def row_chosen(self, row) -> None:
        self.current = row
        self.person.clear()
        if row is None:
            self.facts.setText(self.tr("Choose a resident in the list."))
        else:
            self._show_facts(row)
            self._load_matches(row.id)
        self.enable_buttons()

    def row_refreshed(self, row) -> None:
        """The resident read again (a sync, another desk): the person chosen to link (or "Not linked") stays."""
        if row is None or self.current is None:
            return self.row_chosen(row)
        self.current = row
        self._show_facts(row)
        self._load_matches(row.id, (self.person.currentData(),) if self.person.count() else None)
        self.enable_buttons()

    def _show_facts(self, row) -> None:
        lines = [f"{row.name}  {row.phone}", row.community, self._status(row)]
        if row.undo_reason and not row.verified:
            lines.append(self.tr("Confirmation undone: {0}").format(row.undo_reason))
        self.facts.setText("\n".join(lines))

    @async_slot()
    async def _load_matches(self, resident_id: str, keep: tuple[str | None] | None = None) -> None:
        """The register's people who may be this resident; `keep`: (the choice made,) when read again."""
        matches = await self.ctx.runner.call(resident_queries.register_matches, self.ctx.store, resident_id, guard=self)
        if self.current is None or self.current.id != resident_id:
            return
        self.person.clear()
        self.person.addItem(self.tr("Not linked"), None)
        for person_id, label in matches:
            self.person.addItem(label, person_id)
        ids = [person_id for person_id, _label in matches]
        if keep is not None and (keep[0] is None or keep[0] in ids):
            self.person.setCurrentIndex(0 if keep[0] is None else ids.index(keep[0]) + 1)
        elif len(matches) == 1:
            self.person.setCurrentIndex(1)

    def enable_buttons(self) -> None:
        row = self.current
        self.confirm_button.setEnabled(row is not None and not row.verified)
        self.undo_button.setEnabled(row is not None and row.verified)  # a confirmation, or a wrong claim to release

    def confirm(self) -> None:
        if self.current is None:
            return
        self.start_work((self.confirm_button, self.undo_button), resident_service.confirm, self.current.id,
                        actor_id=self.ctx.actor.id, person_id=self.person.currentData(), actor_role=self.ctx.actor.role,
                        done=self.tr("{0} is confirmed: verified on their phone after the next sync.").format(self.current.name))

    def undo(self) -> None:
        if self.current is None:
            return
        done = (self.tr("The confirmation of {0} is undone.") if self.current.confirmed
                else self.tr("The verification of {0} is released.")).format(self.current.name)
        self.start_work((self.confirm_button, self.undo_button), resident_service.undo, self.current.id,
                        reason=self.reason.text(), done=done)
