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
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from ...domain.enums import Status
from ...services.queries import incidents as incident_queries
from ...services.queries.incidents import DuplicateCard
from .incident import IncidentDetailView
from .photos import placeholder, thumbnail_icon
from .text import error_text, local_time
from ..style import ERROR_STYLE, MUTED

ID_ROLE = Qt.UserRole + 1
THUMB = 240


class DuplicatesPanel(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.dialog: IncidentDialog | None = None
        # Set by the report page: (incident id, done, failed) → add the report's photos to that incident instead.
        self.same_problem = None
        self.photos_to_add = lambda: 0  # how many photos the report holds
        title = QLabel(self.tr("Possible duplicates nearby"))
        title.setStyleSheet("font-weight: bold;")
        hint = QLabel(self.tr("Same category within 250 m in the last 30 days. Open one to compare before saving."))
        hint.setWordWrap(True)
        hint.setStyleSheet(f"color: {MUTED};")
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
        self.summary.setStyleSheet(f"color: {MUTED};")
        self.setMinimumWidth(200)
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
        self.dialog = IncidentDialog(self.ctx, item.data(ID_ROLE), self, same_problem=self.same_problem,
                                     photos=self.photos_to_add())  # fmt: skip
        self.dialog.open()


class IncidentDialog(QDialog):
    """A possible duplicate, opened from the report page: what it is, its photos, where it stands."""

    def __init__(self, ctx, incident_id: str, parent=None, *, same_problem=None, photos: int = 0):
        super().__init__(parent)
        self.ctx = ctx
        self.incident_id = incident_id
        self.same_problem = same_problem
        self.setWindowTitle(self.tr("Possible duplicate"))
        self.resize(640, 720)
        self.view = IncidentDetailView(ctx, self, show_actions=False)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.view)
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        # As FixMyStreet does when a report matches an open one: no second incident, the photos go to this one.
        self.same_button = QPushButton(self.tr("Same problem: don't report it, add my photos to this incident"))
        self.same_button.setVisible(same_problem is not None)
        self.same_button.setEnabled(photos > 0)
        self.same_button.setToolTip(self.tr("The report is not made and its draft is discarded; its photos are "
                                            "added to this incident with its description as a comment")
                                    if photos else self.tr("Add a photo to the report first"))  # fmt: skip
        self.same_button.clicked.connect(self._same_problem)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.same_button)
        layout.addWidget(buttons)
        names = {ctx.actor.id: ctx.actor.display_name}
        ctx.runner.start(self._load(incident_id, names), "incident detail")

    async def _load(self, incident_id: str, names: dict[str, str]) -> None:
        ctx = self.ctx
        try:
            detail = await ctx.runner.call(incident_queries.incident_detail, ctx.store, incident_id, ctx.actor.id,
                                           ctx.actor.role, guard=self)  # fmt: skip
        except Exception as exc:  # noqa: BLE001 - said in words here (error_text)
            if isValid(self):
                self._failed(exc)
            return
        self.view.show_detail(detail, names)

    def _failed(self, exc: BaseException) -> None:
        self.error.setText(error_text(exc, self.ctx.lang))
        self.error.show()

    def _same_problem(self) -> None:
        self.same_button.setEnabled(False)  # with the click itself: the photos are added once
        self.error.hide()
        self.ctx.runner.start(self._add_to_existing(), "same problem")

    async def _add_to_existing(self) -> None:
        try:
            await self.same_problem(self.incident_id)
        except Exception as exc:  # noqa: BLE001 - said in words here (error_text)
            if isValid(self):
                self.same_button.setEnabled(True)
                self._failed(exc)
            return
        if isValid(self):
            self.accept()
