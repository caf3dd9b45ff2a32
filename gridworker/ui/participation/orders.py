"""服务点单: orders raised by residents, in visits or at the desk — publish to a skill or assign to a member,
rate for the resident, verify (the takers' points), send back, cancel; overdue in working days in red."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...domain.errors import GridWorkerError
from ...domain.participation import orders as order_rules
from ...domain.participation import tables as rule_tables
from ...services import search as search_service
from ...services.participation import orders as order_service
from ...services.queries import members as member_queries
from ...services.queries import orders as order_queries
from ..fieldwork.text import local_time
from ..models.column import Column
from ..style import ERROR, MUTED, OK, WARNING
from ..tasks import async_slot
from .base import ListTab, named, pair, pick, scrolled

STATUS_COLOURS = {"raised": WARNING, "closed": WARNING, "verified": OK, "cancelled": MUTED}
SOURCES = {"resident": ("居民点单", "from a resident"), "visit": ("走访发现", "from a visit"), "staff": ("社区录入", "typed at the desk")}


def skill_combo(lang: str, any_text: str) -> QComboBox:
    combo = QComboBox()
    combo.addItem(any_text, None)
    for skill in rule_tables.skills().values():
        combo.addItem(skill.label(lang), skill.code)
    return combo


class NewOrderDialog(QDialog):
    """An order typed at the desk for a resident of the register: who, what they need, which skill it takes."""

    def __init__(self, tab: "OrdersTab"):
        super().__init__(tab)
        self.tab = tab
        self.setWindowTitle(self.tr("New service order"))
        self.find = QLineEdit()
        self.find.setPlaceholderText(self.tr("Resident's name, phone or ID number"))
        self.find.textChanged.connect(self.look_up)
        self.resident = QComboBox()
        self.need = QPlainTextEdit()
        self.need.setPlaceholderText(self.tr("What the resident needs"))
        self.skill = skill_combo(tab.ctx.lang, self.tr("Any member"))
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {ERROR};")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("Find"), self.find)
        form.addRow(self.tr("Resident"), self.resident)
        form.addRow(self.tr("Need"), self.need)
        form.addRow(self.tr("Skill needed"), self.skill)
        form.addRow(self.error)
        form.addRow(self.buttons)

    @async_slot()
    async def look_up(self) -> None:
        text = self.find.text()
        hits = await self.tab.ctx.runner.call(search_service.find_people, self.tab.ctx.store, text, limit=20, guard=self)
        if text != self.find.text():
            return
        self.resident.clear()
        for hit in hits:
            self.resident.addItem(f"{hit.name}  {hit.address}", hit.person_id)

    @property
    def runner(self):
        return self.tab.ctx.runner

    def save(self) -> None:
        actor = self.tab.ctx.actor
        self.buttons.setEnabled(False)
        self.runner.start(self._save(actor), "raise_order")

    async def _save(self, actor) -> None:
        try:
            await self.runner.call(
                order_service.raise_order, self.tab.ctx.store, actor_id=actor.id, actor_role=actor.role,
                need=self.need.toPlainText(), person_id=self.resident.currentData(), skill=self.skill.currentData(),
                area_id=None, guard=self,
            )
        except GridWorkerError as exc:  # a refusal is shown here; anything else goes to the error dialog
            self.error.setText(exc.message(self.tab.ctx.lang))
            self.buttons.setEnabled(True)
            return
        self.tab.say(self.tr("The order is raised: publish it or assign it."))
        self.accept()


class OrdersTab(ListTab):
    watched = frozenset({"service_order", "order_event", "member", "ledger_entry"})

    def __init__(self, ctx, parent=None):
        self.views = list(order_queries.VIEWS)
        super().__init__(ctx, parent)
        self.current = None
        self.detail = None
        self.new_dialog: NewOrderDialog | None = None
        self.new_button = QPushButton(self.tr("New order…"))
        self.new_button.clicked.connect(self.new_order)
        self.lay_out(self._detail(), above=(pair(self.view_tabs(), self.new_button),))

    def view_label(self, view: str, count: int | None = None) -> str:
        label = {
            "to_publish": self.tr("To publish"), "open": self.tr("Under way"), "to_verify": self.tr("To verify"),
            "overdue": self.tr("Overdue"), "done": self.tr("Done"), "all": self.tr("All"),
        }[view]
        return f"{label} ({count})" if count is not None else label

    def columns(self) -> list[Column]:
        lang = self.ctx.lang
        skills = rule_tables.skills()
        return [
            Column(self.tr("Need"), lambda r: r.title, tooltip=lambda r: r.need),
            Column(self.tr("Resident"), lambda r: r.resident),
            Column(self.tr("Grid"), lambda r: r.grid_name),
            Column(self.tr("Skill"), lambda r: named(lang, skills, r.skill)),
            Column(self.tr("Status"), self._status_text, colour=self._status_colour, tooltip=lambda r: r.refused),
            Column(self.tr("Taken by"), lambda r: "、".join(t for t in r.takers if t)),
            Column(self.tr("Deadline"), lambda r: local_time(r.deadline),
                   colour=lambda r: QColor(ERROR) if r.late_now else None, bold=lambda r: r.late_now),
            Column(self.tr("Rating"), lambda r: "★" * r.rating if r.rating else ""),
            Column(self.tr("Raised"), lambda r: local_time(r.raised_at)),
        ]

    def _status_text(self, r) -> str:
        if r.refused:
            return self.tr("Refused by the server")
        return pick(self.ctx.lang, (order_rules.status_label(r.status, "zh"), order_rules.status_label(r.status, "en")))

    def _status_colour(self, r) -> QColor:
        if r.refused or r.late_now:
            return QColor(ERROR)
        return QColor(STATUS_COLOURS.get(r.status, "#374151"))

    def _detail(self) -> QWidget:
        self.facts = QLabel(self.tr("Choose an order in the list."))
        self.facts.setWordWrap(True)
        self.facts.setTextFormat(Qt.TextFormat.PlainText)
        self.steps = QListWidget()
        self.steps.setMaximumHeight(130)
        self.skill = skill_combo(self.ctx.lang, self.tr("Any member"))
        self.days = QSpinBox()
        self.days.setRange(1, order_rules.MAX_DAYS)
        self.days.setValue(order_rules.DEFAULT_DAYS)
        self.days.setSuffix(self.tr(" working days"))
        self.publish_button = QPushButton(self.tr("Publish"))
        self.publish_button.clicked.connect(self.publish)
        self.member = QComboBox()
        self.assign_button = QPushButton(self.tr("Assign"))
        self.assign_button.clicked.connect(self.assign)
        self.rating = QSpinBox()
        self.rating.setRange(1, 5)
        self.rating.setValue(5)
        self.rating.setSuffix(self.tr(" stars"))
        self.rate_button = QPushButton(self.tr("Rate for the resident"))
        self.rate_button.clicked.connect(self.rate)
        self.verify_button = QPushButton(self.tr("Verify and award the points"))
        self.verify_button.clicked.connect(self.verify)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("Reason (to send back or cancel)"))
        self.send_back_button = QPushButton(self.tr("Send back for rework"))
        self.send_back_button.clicked.connect(lambda: self._act("send_back", reason=self.reason.text()))
        self.cancel_button = QPushButton(self.tr("Cancel the order"))
        self.cancel_button.clicked.connect(lambda: self._act("cancel", reason=self.reason.text()))
        panel = QWidget()
        outer = QVBoxLayout(panel)
        form = QFormLayout()
        outer.addLayout(form)
        outer.addStretch(1)  # rows keep their height; the room left stays below them
        form.addRow(self.facts)
        form.addRow(self.message)
        form.addRow(self.tr("Steps"), self.steps)
        form.addRow(self.tr("Skill"), self.skill)
        form.addRow(self.tr("Time allowed"), pair(self.days, self.publish_button))
        form.addRow(self.tr("Member"), pair(self.member, self.assign_button))
        form.addRow(self.tr("Rating"), pair(self.rating, self.rate_button))
        form.addRow("", self.verify_button)
        form.addRow(self.tr("Reason"), self.reason)
        form.addRow("", pair(self.send_back_button, self.cancel_button))
        return scrolled(panel)

    # -- loading ----------------------------------------------------------------------------------------
    @async_slot()
    async def reload(self) -> None:
        generation = self.begin_load()
        view = self.views[self.tabs.currentIndex()]
        store, lang = self.ctx.store, self.ctx.lang
        rows = await self.ctx.runner.call(order_queries.orders, store, view, lang, guard=self,
                                          also=self.current.id if self.current is not None else None)
        counts = await self.ctx.runner.call(order_queries.counts, store, guard=self)
        members = await self.ctx.runner.call(member_queries.members, store, "approved", guard=self)
        if not self.is_latest(generation):
            return
        chosen = self.member.currentData()
        self.member.clear()
        for m in members:
            self.member.addItem(f"{m.name}（{m.grid_name}）" if lang.startswith("zh") else f"{m.name} ({m.grid_name})", m.id)
        if chosen is not None and self.member.findData(chosen) >= 0:
            self.member.setCurrentIndex(self.member.findData(chosen))
        for i, v in enumerate(self.views):
            self.tabs.setTabText(i, self.view_label(v, counts.get(v, 0)))
        self.show_rows(rows, self.current.id if self.current is not None else None)

    def row_chosen(self, row) -> None:
        self.current = row
        self.detail = None
        if row is None:
            self.facts.setText(self.tr("Choose an order in the list."))
            self.steps.clear()
            self.enable_buttons()
            return
        self._load_detail(row.id)

    @async_slot(str)
    async def _load_detail(self, order_id: str) -> None:
        actor = self.ctx.actor
        detail = await self.ctx.runner.call(order_queries.detail, self.ctx.store, order_id, actor.id, actor.role,
                                            self.ctx.lang, guard=self)
        if self.current is None or self.current.id != order_id:
            return
        self.detail = detail
        if detail is None:
            self.facts.setText(self.tr("This order is no longer here: a sync removed it or moved it out of your grids."))
            self.steps.clear()
            self.enable_buttons()
            return
        self._show_detail(detail)

    def _show_detail(self, detail) -> None:
        row, lang = detail.order, self.ctx.lang
        need = row.need or ""
        lines = [row.title] if not need.startswith(row.title) else []
        lines += [need, self.tr("Resident: {0}").format(row.resident or "—"),
                 self.tr("Source: {0}").format(pick(lang, SOURCES.get(row.source, (row.source, row.source)))),
                 self.tr("Status: {0}").format(self._status_text(row))]
        if row.deadline is not None:
            lines.append(self.tr("Deadline: {0}").format(local_time(row.deadline, year=True)))
        if row.late_now or row.overdue:
            lines.append(self.tr("Overdue"))
        if row.refused:
            lines.append(self.tr("The server refused this order: {0}").format(row.refused))
        self.facts.setText("\n".join(lines))
        self.steps.clear()
        for step in detail.steps:
            label = pick(lang, order_rules.ACTION_LABELS.get(step.action, (step.action, step.action)))
            extra = step.reason or step.note or ("★" * step.rating if step.rating else "")
            self.steps.addItem(f"{local_time(step.at)}  {label}  {step.actor}  {extra}".rstrip())
        self.enable_buttons()

    def enable_buttons(self) -> None:
        allowed = set(self.detail.allowed) if self.detail is not None else set()
        self.publish_button.setEnabled("publish" in allowed)
        self.assign_button.setEnabled("assign" in allowed and self.member.count() > 0)
        self.rate_button.setEnabled("rate" in allowed)
        self.verify_button.setEnabled("verify" in allowed)
        self.send_back_button.setEnabled("send_back" in allowed)
        self.cancel_button.setEnabled("cancel" in allowed)

    # -- acting -----------------------------------------------------------------------------------------------
    def _buttons(self):
        return (self.publish_button, self.assign_button, self.rate_button, self.verify_button, self.send_back_button,
                self.cancel_button)

    def _act(self, action: str, **kwargs) -> None:
        if self.current is None:
            return
        actor = self.ctx.actor
        done = {
            "publish": self.tr("Published to the members."), "assign": self.tr("Assigned."), "rate": self.tr("Rated."),
            "verify": self.tr("Verified: the takers' points are in the ledger."),
            "send_back": self.tr("Sent back for rework."), "cancel": self.tr("Cancelled."),
        }[action]
        self.detail = None
        self.start_work(self._buttons(), order_service.act, self.current.id, action, actor_id=actor.id,
                        actor_role=actor.role, done=done, **kwargs)

    def publish(self) -> None:
        self._act("publish", skill=self.skill.currentData(), days_allowed=self.days.value())

    def assign(self) -> None:
        self._act("assign", member_ids=[self.member.currentData()], days_allowed=self.days.value())

    def rate(self) -> None:
        self._act("rate", rating=self.rating.value())

    def verify(self) -> None:
        self._act("verify")

    def new_order(self) -> None:
        self.new_dialog = NewOrderDialog(self)
        self.new_dialog.open()
