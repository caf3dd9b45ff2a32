"""活动 (E动态): publish an activity, see the sign-ups, tick attendance or show the 6-digit check-in code
big for the venue's screen, keep a deliberation meeting's minutes and decisions, award the points."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
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
from ...domain.fieldwork import CHINA_TZ
from ...domain.models import utcnow
from ...domain.participation import tables as rule_tables
from ...services.participation import activities as activity_service
from ...services.queries import activities as activity_queries
from ...services.queries import members as member_queries
from ..fieldwork.text import local_time
from ..models.column import Column
from ..style import ERROR, MUTED, OK
from ..tasks import async_slot
from .base import ListTab, named, refill, room_below, scrolled
from .members import checked, checklist, set_checked


def moment(edit: QDateTimeEdit):
    return edit.dateTime().toPython().replace(tzinfo=CHINA_TZ)


class NewActivityDialog(QDialog):
    def __init__(self, tab: "ActivitiesTab", communities):
        super().__init__(tab)
        self.tab = tab
        self.setWindowTitle(self.tr("New activity"))
        lang = tab.ctx.lang
        self.title = QLineEdit()
        self.kind = QComboBox()
        for kind in rule_tables.activity_kinds().values():
            self.kind.addItem(kind.label(lang), kind.code)
        self.place = QLineEdit()
        self.area = QComboBox()
        for area_id, name in communities:
            self.area.addItem(name, area_id)
        start = QDateTime.currentDateTime().addDays(3)
        self.starts = QDateTimeEdit(start)
        self.ends = QDateTimeEdit(start.addSecs(2 * 3600))
        self.deadline = QDateTimeEdit(start.addSecs(-3600))
        self.capacity = QSpinBox()
        self.capacity.setRange(0, 10_000)
        self.capacity.setSpecialValueText(self.tr("No limit"))
        self.points = QSpinBox()
        self.points.setRange(0, 1000)
        self.points.setValue(3)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {ERROR};")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        for label, widget in ((self.tr("Title"), self.title), (self.tr("Kind"), self.kind), (self.tr("Place"), self.place),
                              (self.tr("Community"), self.area), (self.tr("Starts"), self.starts), (self.tr("Ends"), self.ends),
                              (self.tr("Sign-up until"), self.deadline), (self.tr("Places"), self.capacity),
                              (self.tr("Points"), self.points)):
            form.addRow(label, widget)
        form.addRow(self.error)
        form.addRow(self.buttons)

    def save(self) -> None:
        self.buttons.setEnabled(False)
        actor = self.tab.ctx.actor
        values = dict(area_id=self.area.currentData(), actor_id=actor.id, actor_role=actor.role, title=self.title.text(),
                      kind=self.kind.currentData(), place=self.place.text(), starts_at=moment(self.starts),
                      ends_at=moment(self.ends), signup_deadline=moment(self.deadline),
                      capacity=self.capacity.value() or None, points=self.points.value())
        self.tab.ctx.runner.start(self._save(values), "publish activity")

    async def _save(self, values) -> None:
        try:
            await self.tab.ctx.runner.call(activity_service.publish, self.tab.ctx.store, guard=self, **values)
        except GridWorkerError as exc:
            self.error.setText(exc.message(self.tab.ctx.lang))
            self.buttons.setEnabled(True)
            return
        self.tab.say(self.tr("Published."))
        self.accept()


class ActivitiesTab(ListTab):
    watched = frozenset({"activity", "activity_event", "member", "ledger_entry"})

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        self.current = None
        self.new_dialog: NewActivityDialog | None = None
        self.communities: list = []
        self.new_button = QPushButton(self.tr("New activity…"))
        self.new_button.clicked.connect(self.new_activity)
        self.lay_out(self._detail(), below=(self.new_button,))

    def columns(self) -> list[Column]:
        kinds, lang = rule_tables.activity_kinds(), self.ctx.lang
        return [
            Column(self.tr("Activity"), lambda r: r.title, tooltip=lambda r: r.place),
            Column(self.tr("Kind"), lambda r: named(lang, kinds, r.kind)),
            Column(self.tr("Starts"), lambda r: local_time(r.starts_at)),
            Column(self.tr("Place"), lambda r: r.place),
            Column(self.tr("Signed up"), lambda r: f"{len(r.signed_up)}/{r.capacity}" if r.capacity else str(len(r.signed_up)),
                   align_right=True),
            Column(self.tr("Attended"), lambda r: str(len(r.attended)), align_right=True),
            Column(self.tr("Status"), lambda r: self.tr("Cancelled") if r.status == "cancelled" else self.tr("Published"),
                   colour=lambda r: QColor(MUTED) if r.status == "cancelled" else QColor(OK)),
        ]

    def _detail(self) -> QWidget:
        self.facts = QLabel(self.tr("Choose an activity in the list."))
        self.facts.setWordWrap(True)
        self.facts.setTextFormat(Qt.TextFormat.PlainText)
        self.code = QLabel()
        big = QFont()
        big.setPointSize(48)
        big.setBold(True)
        self.code.setFont(big)
        self.code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code.hide()  # shown with a code (_show_code)
        self.code_button = QPushButton(self.tr("Open the check-in code"))
        self.code_button.clicked.connect(lambda: self._act("open_checkin", self.tr("The code is open: show it at the venue.")))
        self.attendance = checklist((), least=120)
        self.attendance.setMaximumHeight(200)
        self.attendance_button = QPushButton(self.tr("Save attendance"))
        self.attendance_button.clicked.connect(self.save_attendance)
        self.award_button = QPushButton(self.tr("Award the points to those who attended"))
        self.award_button.clicked.connect(self.award)
        self.minutes = QPlainTextEdit()
        self.minutes.setPlaceholderText(self.tr("Minutes of the meeting"))
        self.minutes.setMaximumHeight(90)
        self.decisions = QPlainTextEdit()
        self.decisions.setPlaceholderText(self.tr("Decisions, one a line"))
        self.decisions.setMaximumHeight(70)
        self.minutes_button = QPushButton(self.tr("Save the minutes"))
        self.minutes_button.clicked.connect(self.save_minutes)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("Reason to cancel"))
        self.cancel_button = QPushButton(self.tr("Cancel the activity"))
        self.cancel_button.clicked.connect(lambda: self._act("cancel", self.tr("Cancelled."), reason=self.reason.text()))
        panel = QWidget()
        outer = QVBoxLayout(panel)
        form = QFormLayout()
        outer.addLayout(form)
        form.addRow(self.facts)
        form.addRow(self.message)
        form.addRow(self.code)
        form.addRow("", self.code_button)
        form.addRow(self.tr("Attendance"), self.attendance)
        form.addRow("", self.attendance_button)
        form.addRow("", self.award_button)
        form.addRow(self.tr("Minutes"), self.minutes)
        form.addRow(self.tr("Decisions"), self.decisions)
        form.addRow("", self.minutes_button)
        form.addRow(self.tr("Reason"), self.reason)
        form.addRow("", self.cancel_button)
        room_below(form)
        return scrolled(panel)

    @async_slot()
    async def reload(self) -> None:
        generation = self.begin_load()
        store = self.ctx.store
        rows = await self.ctx.runner.call(activity_queries.activities, store, guard=self)
        people = await self.ctx.runner.call(activity_queries.attendance_choices, store, guard=self)
        self.communities = await self.ctx.runner.call(member_queries.communities, store, guard=self)
        if not self.is_latest(generation):
            return
        self._fill_attendance(people)
        self.show_rows(rows, self.current.id if self.current is not None else None)

    def _fill_attendance(self, people) -> None:
        """The members to tick, again if they changed (one approved, one gone): the ticks not yet saved stay."""
        shown = [(self.attendance.item(i).data(Qt.ItemDataRole.UserRole), self.attendance.item(i).text())
                 for i in range(self.attendance.count())]
        if shown == [tuple(p) for p in people]:
            return
        ticked = set(checked(self.attendance))
        self.attendance.clear()
        for code, label in people:
            self.attendance.addItem(label)
            item = self.attendance.item(self.attendance.count() - 1)
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if code in ticked else Qt.CheckState.Unchecked)

    def row_chosen(self, row) -> None:
        self.current = row
        self.code.setText("")
        self.code.hide()
        if row is None:
            self.facts.setText(self.tr("Choose an activity in the list."))
        else:
            self._show_facts(row)
            set_checked(self.attendance, set(row.attended))
            self.minutes.setPlainText(row.minutes or "")
            self.decisions.setPlainText("\n".join(row.decisions))
            self._show_code(row.id)
        self.enable_buttons()

    def row_refreshed(self, row) -> None:
        """The activity read again (after work, a sync): ticks not yet saved and minutes being typed stay."""
        before = self.current
        if row is None or before is None:
            return self.row_chosen(row)
        self.current = row
        self._show_facts(row)
        refill(set(checked(self.attendance)), set(before.attended), set(row.attended),
               lambda ticked: set_checked(self.attendance, ticked))
        refill(self.minutes.toPlainText(), before.minutes or "", row.minutes or "", self.minutes.setPlainText)
        refill(self.decisions.toPlainText(), "\n".join(before.decisions), "\n".join(row.decisions),
               self.decisions.setPlainText)
        self._show_code(row.id)
        self.enable_buttons()

    def _show_facts(self, row) -> None:
        lines = [row.title, f"{local_time(row.starts_at, year=True)} – {local_time(row.ends_at)}  {row.place}",
                 self.tr("Signed up: {0}; attended: {1}; points: {2}").format(len(row.signed_up), len(row.attended),
                                                                           row.points)]
        if row.cancel_reason:
            lines.append(self.tr("Cancelled: {0}").format(row.cancel_reason))
        if row.decisions:
            lines.append(self.tr("Decisions: {0}").format("；".join(row.decisions)))
        self.facts.setText("\n".join(lines))

    @async_slot(str)
    async def _show_code(self, activity_id: str) -> None:
        code = await self.ctx.runner.call(activity_service.code_of, self.ctx.store, activity_id, guard=self)
        if self.current is not None and self.current.id == activity_id:
            self.code.setText(" ".join(code) if code else "")
            self.code.setVisible(bool(code))

    def enable_buttons(self) -> None:
        row = self.current
        live = row is not None and row.status == "published"
        now = utcnow()
        started = live and now >= row.starts_at - timedelta(minutes=30)
        for button in (self.code_button, self.attendance_button, self.award_button):
            button.setEnabled(bool(started))
        self.minutes_button.setEnabled(bool(started) and row.kind in rule_tables.deliberation_kinds())
        self.cancel_button.setEnabled(bool(live) and now < row.ends_at)
        # What no button would save cannot be ticked or typed (attendance ticked with no activity chosen).
        self.attendance.setEnabled(bool(started))
        for box in (self.minutes, self.decisions):
            box.setEnabled(self.minutes_button.isEnabled())
        self.reason.setEnabled(self.cancel_button.isEnabled())

    def _buttons(self):
        return (self.code_button, self.attendance_button, self.award_button, self.minutes_button, self.cancel_button)

    def _act(self, action: str, done: str, **kwargs) -> None:
        if self.current is None:
            return
        actor = self.ctx.actor
        self.start_work(self._buttons(), activity_service.act, self.current.id, action, actor_id=actor.id,
                        actor_role=actor.role, done=done, **kwargs)

    def save_attendance(self) -> None:
        if self.current is None:
            return
        ticked, before = set(checked(self.attendance)), set(self.current.attended)
        if ticked - before:
            self._act("mark_attended", self.tr("Attendance saved."), member_ids=sorted(ticked - before))
        elif before - ticked:
            self._act("unmark_attended", self.tr("Attendance saved."), member_ids=sorted(before - ticked))

    def save_minutes(self) -> None:
        decisions = [line.strip() for line in self.decisions.toPlainText().splitlines() if line.strip()]
        self._act("record_minutes", self.tr("Minutes saved."), minutes=self.minutes.toPlainText(), decisions=decisions)

    def award(self) -> None:
        if self.current is not None:
            self.start_work(self._buttons(), activity_service.award_attendance, self.current.id,
                            verified_by=self.ctx.actor.id, actor_role=self.ctx.actor.role, after=self._awarded)

    def _awarded(self, paid: int) -> None:
        self.say(self.tr("Points awarded to 1 member.") if paid == 1 else self.tr("Points awarded to {0} members.").format(paid))

    def new_activity(self) -> None:
        self.new_dialog = NewActivityDialog(self, self.communities)
        self.new_dialog.open()
