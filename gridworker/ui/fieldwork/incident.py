"""One incident, as the board and the duplicate check show it: facts, photos, timeline, what may be done.

The actions offered are the core's (services.incidents.allowed_actions via
queries.incidents.incident_detail); a button for an action not allowed
now stays disabled and says why in its tooltip.
"""

from __future__ import annotations

import base64

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...domain.enums import Action, Level, Role, Source, Status, Urgency
from ...domain.fieldwork import IncidentEvent
from ...photos import PhotoError, read_bytes
from ...services.queries.incidents import IncidentDetail
from .category import categories_for
from .photos import PhotoViewer, StoredPhotosStrip
from .text import (
    STATUS_COLOURS,
    URGENCY_COLOURS,
    category_text,
    esc,
    local_time,
    person_text,
    short_sync_text,
    sync_colour,
    sync_text,
    time_left_text,
)
from ..style import ERROR, ERROR_BOX_STYLE, MUTED

STAFF_ACTIONS = (
    "accept",
    "reject",
    "dispatch",
    "escalate",
    "extend",
    "park",
    "close",
    "verify_pass",
    "verify_fail",
    "reopen",
    "rate",
    "comment",
)
# The buttons each role is shown (others appear only when allowed, e.g. a dispatcher assigned the work).
ROLE_ACTIONS = {
    Role.admin.value: STAFF_ACTIONS,
    Role.dispatcher.value: STAFF_ACTIONS,
    Role.worker.value: ("handle", "start", "return", "verify_pass", "verify_fail", "rate", "comment"),
    Role.handler.value: ("start", "return", "handle", "comment"),
}


def badge(text: str, colour: str) -> str:
    return f"<span style='background:{colour}; color:white; padding:2px 6px;'>&nbsp;{esc(text)}&nbsp;</span>"


class IncidentDetailView(QWidget):
    action_requested = Signal(str)

    def __init__(self, ctx, parent=None, *, show_actions: bool = True):
        super().__init__(parent)
        self.ctx = ctx
        self.detail: IncidentDetail | None = None
        self.names: dict[str, str] = {}
        self.buttons: dict[str, QPushButton] = {}
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.badges = QLabel()
        self.badges.setTextFormat(Qt.RichText)
        self.badges.setWordWrap(True)  # a long category path wraps instead of running off a narrow pane
        self.sync = QLabel()
        self.sync.setWordWrap(True)
        self.rejections = QLabel()
        self.rejections.setWordWrap(True)
        self.rejections.setStyleSheet(ERROR_BOX_STYLE)
        self.facts = QFormLayout()
        self.facts.setLabelAlignment(Qt.AlignRight | Qt.AlignTop)  # beside the first line of a value that wraps
        self.facts.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.photos = StoredPhotosStrip(ctx.photos_dir, icon=140, ctx=ctx)
        # A label grows with the log, so the page scrolls as one; links open the photos.
        self.timeline = QLabel()
        self.timeline.setTextFormat(Qt.RichText)
        self.timeline.setWordWrap(True)
        self.timeline.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        self.timeline.setStyleSheet("background: palette(base); border: 1px solid #d1d5db; padding: 4px;")
        self.timeline.linkActivated.connect(self._open_link)
        self.actions_box = QFrame()
        self.actions_grid = QGridLayout(self.actions_box)
        self.actions_grid.setContentsMargins(0, 0, 0, 0)
        self.actions_box.setVisible(show_actions)
        self.show_actions = show_actions

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        layout.addLayout(top)
        layout.addWidget(self.badges)
        layout.addWidget(self.sync)
        layout.addWidget(self.rejections)
        layout.addWidget(self.actions_box)
        layout.addLayout(self.facts)
        layout.addWidget(self.description)
        layout.addWidget(self.photos)
        self.timeline_label = QLabel(self.tr("Timeline"))
        self.timeline_label.setStyleSheet("font-weight: bold;")
        layout.addWidget(self.timeline_label)
        layout.addWidget(self.timeline)
        layout.addStretch(1)
        self.clear()

    # -- filling -------------------------------------------------------------------------
    def clear(self) -> None:
        self.detail = None
        self.title.setText(self.tr("Choose an incident in the list"))
        for w in (
            self.badges,
            self.sync,
            self.rejections,
            self.description,
            self.photos,
            self.timeline_label,
            self.timeline,
            self.actions_box,
        ):
            w.setVisible(False)
        _clear_form(self.facts)

    def show_detail(self, detail: IncidentDetail, names: dict[str, str]) -> None:
        self.detail, self.names = detail, names
        lang = self.ctx.lang
        inc, state = detail.incident, detail.state
        status = state.status or inc.status
        self.title.setText(inc.title)
        level = Level(state.level).label(lang)
        self.badges.setText(
            " ".join(
                [
                    badge(Status(status).label(lang), STATUS_COLOURS.get(status, MUTED)),
                    badge(Urgency(inc.urgency).label(lang), URGENCY_COLOURS.get(inc.urgency, MUTED)),
                    badge(level, "#475569"),
                    esc(category_text(inc.category, lang, full=True, table=categories_for(self.ctx).table)),
                ]
            )
        )
        self.sync.setText(f"<b style='color:{sync_colour(detail.sync.state)}'>{esc(sync_text(detail.sync.state))}</b>")
        self._show_rejections(detail)
        self._show_facts(detail)
        self.description.setText(inc.description)
        self.photos.set_photos([detail.photos[p] for p in inc.photo_ids if p in detail.photos])
        self.timeline.setText(self._timeline_html(detail))
        self._show_actions(detail)
        for w in (self.badges, self.sync, self.description, self.timeline_label, self.timeline):
            w.setVisible(True)
        self.actions_box.setVisible(self.show_actions)

    def _show_rejections(self, detail: IncidentDetail) -> None:
        lang = self.ctx.lang
        lines = []
        for r in detail.rejections:
            what = Action(r.action).label(lang) if r.action in Action._value2member_map_ else r.entity
            lines.append(
                f"• {esc(what)}（{esc(local_time(r.made_at))}）：{esc(r.message(lang))}"
                if lang.startswith("zh")
                else f"• {esc(what)} ({esc(local_time(r.made_at))}): {esc(r.message(lang))}"
            )
        self.rejections.setText("<b>" + esc(self.tr("Refused by the server")) + "</b><br>" + "<br>".join(lines))
        self.rejections.setVisible(bool(lines))

    def _show_facts(self, detail: IncidentDetail) -> None:
        lang, inc, state = self.ctx.lang, detail.incident, detail.state
        _clear_form(self.facts)

        def add(label: str, text: str, colour: str | None = None) -> None:
            if text:
                value = QLabel(f"<span style='color:{colour}'>{esc(text)}</span>" if colour else esc(text))
                value.setWordWrap(True)
                value.setTextInteractionFlags(Qt.TextSelectableByMouse)
                value.setAlignment(Qt.AlignLeft | Qt.AlignTop)
                caption = QLabel(label)
                caption.setAlignment(Qt.AlignRight | Qt.AlignTop)
                caption.setStyleSheet(f"color: {MUTED};")
                self.facts.addRow(caption, value)

        reporter = person_text(inc.reporter_id, self.names, lang)
        add(
            self.tr("Reported"),
            f"{local_time(inc.reported_at, year=True)} · {reporter} · {Source(inc.source).label(lang)}",
        )
        place = inc.location_text or detail.household_address or ""
        if inc.lat is not None and inc.lon is not None:
            place = f"{place}  ({inc.lat:.5f}, {inc.lon:.5f})".strip()
        add(self.tr("Place"), place)
        add(self.tr("Assigned to"), person_text(state.assignee_id, self.names, lang))
        if state.deadline is not None:
            left = time_left_text(detail.time_left)
            late = detail.time_left is not None and detail.time_left.total_seconds() < 0
            add(
                self.tr("Deadline"),
                f"{local_time(state.deadline, year=True)}  {left}".strip(),
                ERROR if late or state.overdue else None,
            )
        if state.overdue:
            add(self.tr("Overdue"), self.tr("Judged overdue at a step (kept for the statistics)"), ERROR)
        if state.rework_count:
            add(self.tr("Rework"), str(state.rework_count))
        if state.rating is not None:
            partly = self.tr("partly solved")
            stars = "★" * state.rating + "☆" * (5 - state.rating)
            add(self.tr("Rating"), stars + (f"  {partly}" if state.partly_solved else ""))
        if state.reject_reason:
            add(self.tr("Rejected because"), state.reject_reason)
        if detail.duplicate_of_title:
            add(self.tr("Duplicate of"), detail.duplicate_of_title)

    def _timeline_html(self, detail: IncidentDetail) -> str:
        rows = [self._event_html(e, detail) for e in detail.events]
        return "<table width='100%' cellspacing='0' cellpadding='4'>" + "".join(rows) + "</table>"

    def _event_html(self, e: IncidentEvent, detail: IncidentDetail) -> str:
        lang = self.ctx.lang
        lines = []
        if e.assignee_id:
            lines.append(self.tr("to {0}").format(person_text(e.assignee_id, self.names, lang)))
        if e.deadline:
            lines.append(self.tr("new deadline {0}").format(local_time(e.deadline, year=True)))
        if e.level:
            lines.append(Level(e.level).label(lang))
        if e.rating:
            partly = self.tr("partly solved")
            lines.append("★" * e.rating + "☆" * (5 - e.rating) + (f" {partly}" if e.partly_solved else ""))
        for text in (e.reason, e.note):
            if text:
                lines.append(text)
        photos = "".join(
            f"<a href='photo:{pid}'><img src='{thumbnail_data_url(self.ctx.photos_dir, detail.photos[pid].sha256)}' height='72'></a> "
            for pid in e.photo_ids
            if pid in detail.photos and e.action != Action.report.value
        )
        state = detail.event_sync.get(e.id, "server")
        mark = ""
        # Marked one by one only when they differ: the header already says when nothing is sent yet.
        if state == "rejected" or (state == "pending" and detail.sync.sent):
            mark = f" <span style='color:{sync_colour(state)}'>[{esc(short_sync_text(state))}]</span>"
        action = Action(e.action).label(lang) if e.action in Action._value2member_map_ else e.action
        who = person_text(e.actor_id, self.names, lang, e.actor_role)
        body = "<br>".join(esc(x) for x in lines)
        return (
            f"<tr><td valign='top' style='color:{MUTED}' width='90'>{esc(local_time(e.at))}</td>"
            f"<td><b>{esc(action)}</b> · {esc(who)}{mark}"
            f"{'<br>' + body if body else ''}{'<br>' + photos if photos else ''}</td></tr>"
        )

    def _show_actions(self, detail: IncidentDetail) -> None:
        while self.actions_grid.count():
            self.actions_grid.takeAt(0).widget().deleteLater()
        self.buttons = {}
        lang = self.ctx.lang
        shown = ROLE_ACTIONS.get(self.ctx.actor.role, ())
        for choice in detail.actions:
            if choice.action not in shown and not choice.allowed:
                continue
            button = QPushButton(Action(choice.action).label(lang))
            button.setObjectName(f"action_{choice.action}")
            button.setEnabled(choice.allowed)
            if choice.refusal is not None:
                button.setToolTip(choice.refusal.message(lang))
            button.clicked.connect(lambda _checked=False, a=choice.action: self.action_requested.emit(a))
            self.buttons[choice.action] = button
            n = len(self.buttons) - 1
            self.actions_grid.addWidget(button, n // 4, n % 4)

    def _open_link(self, text: str) -> None:
        if text.startswith("photo:") and self.detail is not None:
            photo = self.detail.photos.get(text[len("photo:") :])
            if photo is not None:
                self.photo_viewer = PhotoViewer(self.ctx.photos_dir, photo, self, ctx=self.ctx)
                self.photo_viewer.open()


def _clear_form(form: QFormLayout) -> None:
    while form.rowCount():
        form.removeRow(0)


def thumbnail_data_url(photos_dir, sha256: str) -> str:
    """The stored thumbnail as a data: URL for rich text (the file on disk is encrypted); empty when there is none."""
    try:
        data = read_bytes(photos_dir, sha256, thumbnail=True)
    except PhotoError:
        return ""
    return "data:image/jpeg;base64," + base64.b64encode(data).decode("ascii")
