"""Possible duplicates of a report being written: large thumbnails, each opening the incident it may repeat."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ...domain.enums import Status
from ...services.queries import incidents as incident_queries
from ...services.queries.incidents import DuplicateCard
from .fieldwork_incident import IncidentDetailView
from .fieldwork_models import guarded
from .fieldwork_photos import placeholder, thumbnail_icon
from .fieldwork_text import error_text, local_time

ID_ROLE = Qt.UserRole + 1
THUMB = 240


class DuplicatesPanel(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.dialog: IncidentDialog | None = None
        title = QLabel(self.tr("Possible duplicates nearby"))
        title.setStyleSheet("font-weight: bold;")
        hint = QLabel(self.tr("Same category within 250 m in the last 30 days. Open one to compare before saving."))
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #6b7280;")
        self.list = QListWidget()
        self.list.setViewMode(QListView.IconMode)
        self.list.setFlow(QListView.TopToBottom)
        self.list.setWrapping(False)
        self.list.setMovement(QListView.Static)
        self.list.setResizeMode(QListView.Adjust)
        self.list.setIconSize(QSize(THUMB, THUMB * 3 // 4))
        self.list.setWordWrap(True)
        self.list.setSpacing(6)
        self.list.itemClicked.connect(self._open)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("color: #6b7280;")
        self.setMinimumWidth(260)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addWidget(self.summary)
        layout.addWidget(self.list, 100)
        layout.addStretch(1)  # keeps the words at the top while the list is hidden
        self.show_cards(None)

    def show_cards(self, cards: list[DuplicateCard] | None) -> None:
        """None: not looked for yet (no category or no position)."""
        self.list.clear()
        if cards is None:
            self.summary.setText(self.tr("Choose a category and give a position to look for duplicates."))
        elif not cards:
            self.summary.setText(self.tr("None found: this looks new."))
        else:
            self.summary.setText(self.tr("{0} found nearby").format(len(cards)))
        lang = self.ctx.lang
        no_photo = self.tr("No photo")
        for card in cards or []:
            if card.photo_sha:
                icon = thumbnail_icon(self.ctx.photos_dir, card.photo_sha, THUMB, no_photo)
            else:
                icon = QIcon(placeholder(THUMB, no_photo))
            distance = self.tr("{0:.0f} m").format(card.distance_m)
            text = f"{card.title}\n{Status(card.status).label(lang)} · {distance} · {local_time(card.reported_at)}"
            item = QListWidgetItem(icon, text)
            item.setData(ID_ROLE, card.incident_id)
            self.list.addItem(item)
        self.list.setVisible(bool(cards))

    def _open(self, item: QListWidgetItem) -> None:
        self.dialog = IncidentDialog(self.ctx, item.data(ID_ROLE), self)
        self.dialog.open()


class IncidentDialog(QDialog):
    """A possible duplicate, opened from the report page: what it is, its photos, where it stands."""

    def __init__(self, ctx, incident_id: str, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("Possible duplicate"))
        self.resize(640, 720)
        self.view = IncidentDetailView(ctx, self, show_actions=False)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.view)
        self.error = QLabel()
        self.error.setStyleSheet("color: #dc2626;")
        self.error.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        names = {ctx.actor.id: ctx.actor.display_name}
        ctx.runner.run(
            incident_queries.incident_detail, ctx.store, incident_id, ctx.actor.id, ctx.actor.role,
            on_done=guarded(self, lambda detail: self.view.show_detail(detail, names)),
            on_error=guarded(self, self._failed),
        )  # fmt: skip

    def _failed(self, exc: BaseException) -> None:
        self.error.setText(error_text(exc, self.ctx.lang))
        self.error.show()
