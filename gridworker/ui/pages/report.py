"""Snap and report (随手拍): photos in, place from the photo, category, urgency, description, duplicates nearby.

Photos are dropped on the page or chosen; the preview turns them a quarter at
a time (the turn is applied to a copy when the report is saved). The place
comes from the first photo's EXIF and stays editable (fieldwork.place).
Possible duplicates (same category within 250 m in the last 30 days) show
with large thumbnails as soon as category and place are known. Saving stores
the report on this computer at once; the page then says it is waiting to
sync, and says "on the server" only when the outbox shows the server has it.
What is being typed is kept as a draft.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QKeySequence, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from ...domain.enums import Urgency
from ...photos import inspect as inspect_photo
from ...services import drafts
from ...services import turned_photos
from ...services.queries import incidents as incident_queries
from ...services.queries import outbox as outbox_queries
from ..fieldwork.category import CategoryPicker, follow_categories
from ..fieldwork.duplicates import DuplicatesPanel
from ..fieldwork.photos import PhotoFilesStrip, dropped_files, placeholder, turned
from ..fieldwork.place import PlaceFields
from ..fieldwork.text import error_field, error_text, esc, local_time, sync_colour, sync_text
from ..style import ERROR_STYLE, MUTED, TEXT
from ..tasks import async_slot

DRAFT_KEY = "report:new"


class ReportPage(QWidget):
    page_id = "report"

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self._inspected = ""  # the photo whose EXIF gave the position
        self._photo_note: tuple[list[str], bool] | None = None  # what the first photo says: words, has a position
        self._last_id: str | None = None  # the report saved last, whose sync state the page shows
        self._last_title = ""
        self._draft_checked = False
        self._filling = False  # restoring a draft or clearing: no draft saves meanwhile
        self.errors: dict[str, QLabel] = {}
        self.setAcceptDrops(True)

        self.place = PlaceFields(ctx)
        self.duplicates = DuplicatesPanel(ctx)
        self.duplicates.same_problem = self.add_to_existing
        self.duplicates.photos_to_add = lambda: len(self.strip.paths())
        columns = QHBoxLayout(self)
        columns.addWidget(self._build_photos(), 5)
        columns.addWidget(self._scrolled(self._build_form()), 5)
        columns.addWidget(self.duplicates, 3)
        self.errors.update(self.place.errors)

        self._draft_timer = QTimer(self, singleShot=True, interval=800)
        self._draft_timer.timeout.connect(self._save_draft)
        self._duplicates_timer = QTimer(self, singleShot=True, interval=300)
        self._duplicates_timer.timeout.connect(self._find_duplicates)
        # The server's answer arrives by sync; until the page hears of it, it looks again now and then.
        self._sync_timer = QTimer(self, interval=5000)
        self._sync_timer.timeout.connect(self._check_sync)
        for signal in (self.strip.changed, self.description.textChanged, self.category.chosen,
                       self.urgency.currentIndexChanged, self.place.edited):  # fmt: skip
            signal.connect(self._edited)
        # A field's error goes as soon as the field changes: it described what was there before.
        for signal, field in ((self.strip.changed, "photos"), (self.description.textChanged, "description"),
                              (self.category.chosen, "category")):  # fmt: skip
            signal.connect(lambda *_args, field=field: self._clear_error(field))
        self.category.chosen.connect(lambda _code: self._duplicates_timer.start())
        self.place.position_changed.connect(self._duplicates_timer.start)
        self.place.edited.connect(self._show_photo_note)  # a household chosen answers "choose a household"
        ctx.data_changed.connect(self._data_changed)
        self._show_preview("")

    def title(self) -> str:
        return self.tr("Snap and report")

    # -- building -----------------------------------------------------------------------------
    def _scrolled(self, widget: QWidget) -> QScrollArea:
        """The form scrolls up and down only: it gets the width it needs (the photos and duplicates give way)."""
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        scroll.setWidget(widget)
        scroll.setMinimumWidth(widget.minimumSizeHint().width() + scroll.verticalScrollBar().sizeHint().width() + 4)
        return scroll

    def _build_photos(self) -> QWidget:
        self.preview = QLabel()
        self.preview.setAlignment(Qt.AlignCenter)
        self.preview.setMinimumSize(240, 150)  # a 1024×600 screen shows the whole page
        self.preview.setWordWrap(True)
        self.strip = PhotoFilesStrip(rotatable=True, icon=88)
        self.strip.current_changed.connect(self._show_preview)
        self.strip.changed.connect(self._photos_changed)
        self.rotate_left = QPushButton(self.tr("⟲ Rotate left"))
        self.rotate_left.clicked.connect(lambda: self.strip.rotate_current(-1))
        self.rotate_right = QPushButton(self.tr("Rotate right ⟳"))
        self.rotate_right.clicked.connect(lambda: self.strip.rotate_current(+1))
        self.photo_info = QLabel()
        self.photo_info.setStyleSheet(f"color: {TEXT};")
        self.photo_info.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.rotate_left)
        buttons.addWidget(self.rotate_right)
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.preview, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.strip)
        layout.addWidget(self.photo_info)
        layout.addWidget(self._error_label("photos"))
        return box

    def _build_form(self) -> QWidget:
        lang = self.ctx.lang
        self.category = CategoryPicker(lang)
        follow_categories(self.ctx, self.category)  # the server's categories, once synced
        self.category.setMinimumHeight(180)
        self.urgency = QComboBox()
        for u in Urgency:
            self.urgency.addItem(u.label(lang), u.value)
        self.urgency.setCurrentIndex(self.urgency.findData(Urgency.normal.value))
        self.description = QPlainTextEdit()
        self.description.setTabChangesFocus(True)  # Tab leaves the field, as in every other field
        self.description.setPlaceholderText(self.tr("What is wrong, since when, who is affected"))
        self.description.setFixedHeight(90)
        self.save = QPushButton(self.tr("Save report"))
        self.save.setMinimumHeight(40)
        self.save.setStyleSheet("font-weight: bold;")
        self.save.clicked.connect(self.submit)
        self.save.setShortcut(QKeySequence.StandardKey.Save)
        self.save.setToolTip(self.tr("Save the report on this computer ({0})").format(
            self.save.shortcut().toString(QKeySequence.SequenceFormat.NativeText)))
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.RichText)
        self.discard = QPushButton(self.tr("Discard the draft"))
        self.discard.clicked.connect(self.discard_draft)
        self.discard.hide()

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignRight)
        for label, widget, field in (
            (self.tr("Category"), self.category, "category"),
            (self.tr("Urgency"), self.urgency, "urgency"),
            (self.tr("Description"), self.description, "description"),
        ):
            caption = QLabel(label)
            caption.setBuddy(widget)
            box = QWidget()
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 0, 0, 0)
            column.addWidget(widget)
            column.addWidget(self._error_label(field))
            form.addRow(caption, box)
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.place)
        layout.addWidget(self.save)
        layout.addWidget(self.status)
        layout.addWidget(self.discard, 0, Qt.AlignLeft)
        layout.addWidget(self._error_label("general"))
        layout.addStretch(1)
        return box

    def _error_label(self, field: str) -> QLabel:
        label = QLabel()
        label.setStyleSheet(ERROR_STYLE)
        label.setWordWrap(True)
        label.hide()
        self.errors[field] = label
        return label

    # -- showing ------------------------------------------------------------------------------
    def on_shown(self) -> None:
        if not self._draft_checked:
            self._draft_checked = True
            self._load_draft()
        if self._last_id:
            self._check_sync()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.on_shown()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._show_preview(self.strip.current_path())

    def _show_preview(self, path: str) -> None:
        self.rotate_left.setEnabled(bool(path))
        self.rotate_right.setEnabled(bool(path))
        if not path:
            self.preview.setPixmap(QPixmap())
            self.preview.setText(self.tr("Drop photos here\nor choose them with the button below"))
            self.preview.setStyleSheet(
                f"border: 2px dashed #9ca3af; color: {MUTED}; font-size: 13pt; background: #f9fafb;"
            )
            return
        image = self.strip.image(path)
        self.preview.setStyleSheet("background: #111827;")
        if image.isNull():
            self.preview.setPixmap(placeholder(300, self.tr("Not a picture")))
            return
        upright = QPixmap.fromImage(turned(image, self.strip.turns(path)))
        self.preview.setPixmap(
            upright.scaled(self.preview.size() - QSize(8, 8), Qt.KeepAspectRatio, Qt.SmoothTransformation)
        )

    # -- the first photo's EXIF ----------------------------------------------------------------------
    def _photos_changed(self) -> None:
        paths = self.strip.paths()
        first = paths[0] if paths else ""
        if first == self._inspected:
            return
        self._inspected = first
        self._photo_note = None
        self.photo_info.setText("")
        self.errors["photos"].hide()
        if not first:
            self.place.set_photo_position(None)
            return
        self.ctx.runner.start(self._inspect(first), "inspect photo")

    async def _inspect(self, first: str) -> None:
        try:
            info = await self.ctx.runner.call(inspect_photo, first, pool="net", guard=self)
        except Exception as exc:  # noqa: BLE001 - a photo that cannot be read is said beside it (_photo_refused)
            if isValid(self):
                self._photo_refused(first, exc)
            return
        self._photo_inspected(first, info)

    def _photo_inspected(self, path: str, info) -> None:
        if path != self._inspected:
            return
        parts = [self.tr("Taken {0}").format(local_time(info.taken_at, year=True))] if info.taken_at else []
        where = (info.lat, info.lon) if info.lat is not None and info.lon is not None else None
        if where:
            parts.append(self.tr("at {0:.5f}, {1:.5f} (from the photo's EXIF)").format(*where))
        self._photo_note = (parts, where is not None)
        self._show_photo_note()
        self.place.set_photo_position(where)

    def _show_photo_note(self) -> None:
        """The first photo's note; without a position it asks for one only while no place answers it."""
        if self._photo_note is None:
            return
        parts, has_position = self._photo_note
        if not has_position:
            parts = parts + [
                self.tr("The photo carries no position: the place chosen below is used")
                if self.place.has_place() or self.place.position() is not None
                else self.tr("The photo carries no position: type it or choose a household")
            ]
        self.photo_info.setText(" ".join(parts))

    def _photo_refused(self, path: str, exc: BaseException) -> None:
        if path == self._inspected:
            self.show_error("photos", error_text(exc, self.ctx.lang))

    # -- duplicates ------------------------------------------------------------------------------------
    @async_slot()
    async def _find_duplicates(self) -> None:
        where, code = self.place.position(), self.category.code()
        if where is None or not code:
            self.duplicates.show_cards(None)
            return
        cards = await self.ctx.runner.call(incident_queries.duplicate_cards, self.ctx.store, code, *where, guard=self)
        self._duplicates_found(code, where, cards)

    def _duplicates_found(self, code: str, where, cards) -> None:
        if code == self.category.code() and where == self.place.position():
            self.duplicates.show_cards(cards)

    # -- saving ------------------------------------------------------------------------------------
    def _clear_error(self, field: str) -> None:
        if field in self.errors:
            self.errors[field].hide()

    def show_error(self, field: str, text: str) -> None:
        label = self.errors.get(field) or self.errors["general"]
        label.setText(text)
        label.show()

    def submit(self) -> None:
        for label in self.errors.values():
            label.hide()
        if not self.category.code():
            self.show_error("category", self.tr("Choose a category"))
            return
        self.save.setEnabled(False)  # with the click itself: a second click cannot report twice
        self.ctx.runner.start(self._submit(), "report incident")

    async def _submit(self) -> None:
        actor = self.ctx.actor
        try:
            incident = await self.ctx.runner.call(
                turned_photos.report_with_rotations, self.ctx.store, self.ctx.photos_dir, self.strip.files(),
                keep_photo_position=self.place.keep_photo_position(), reporter_id=actor.id, reporter_role=actor.role,
                source="snap", category=self.category.code(), urgency=self.urgency.currentData(),
                description=self.description.toPlainText(), **self.place.report_values(), guard=self,
            )  # fmt: skip
        except Exception as exc:  # noqa: BLE001 - said by its field in words (error_text)
            if isValid(self):
                self._not_saved(exc)
            return
        self._saved(incident)

    def _saved(self, incident) -> None:
        self.save.setEnabled(True)
        self._last_id, self._last_title = incident.id, incident.title
        self._draft_timer.stop()
        self._write_draft(drafts.discard_draft)
        self.discard.hide()
        self.clear_form()
        self._show_sync("pending")
        self._check_sync()

    async def add_to_existing(self, incident_id: str):
        """The report repeats `incident_id`: its photos go there (a comment with the description), no new incident.
        Returns the incident's new state; raises the refusal (the caller shows it where the user acted)."""
        actor = self.ctx.actor
        note = self.description.toPlainText().strip() or self.tr("The same problem, seen again: photos added")
        state = await self.ctx.runner.call(
            turned_photos.photos_to_existing_incident, self.ctx.store, self.ctx.photos_dir, incident_id, self.strip.files(),
            actor_id=actor.id, actor_role=actor.role, note=note,
            keep_photo_position=self.place.keep_photo_position(), guard=self,
        )  # fmt: skip
        self._draft_timer.stop()
        self._write_draft(drafts.discard_draft)
        self.discard.hide()
        self.clear_form()
        self._last_id = None
        self._sync_timer.stop()
        self.status.setText(esc(self.tr("Not reported again: your photos were added to the existing incident.")))
        return state

    def _not_saved(self, exc: BaseException) -> None:
        self.save.setEnabled(True)
        self.show_error(error_field(exc) or "general", error_text(exc, self.ctx.lang))

    @async_slot()
    async def _check_sync(self) -> None:
        if self._last_id:
            incident_id = self._last_id
            state = await self.ctx.runner.call(outbox_queries.sync_state, self.ctx.store, "incident", incident_id, guard=self)
            self._sync_read(incident_id, state.state)

    def _sync_read(self, incident_id: str, state: str) -> None:
        if incident_id == self._last_id:
            self._show_sync(state)

    def _show_sync(self, state: str) -> None:
        saved = self.tr("Report saved: {0}").format(self._last_title)
        self.status.setText(
            f"<b>{esc(saved)}</b><br>"
            f"<span style='color:{sync_colour(state)}; font-size: 12pt;'>● {esc(sync_text(state))}</span>"
        )
        self.status.setProperty("sync_state", state)
        waiting = state in ("pending", "photos")
        if waiting and not self._sync_timer.isActive():
            self._sync_timer.start()
        elif not waiting:
            self._sync_timer.stop()

    def sync_state_shown(self) -> str:
        return self.status.property("sync_state") or ""

    def _data_changed(self, changes) -> None:
        if self._last_id and {"incident", "incident_event", "photo"} & set(changes.ids):
            self._check_sync()

    # -- the draft ---------------------------------------------------------------------------------
    def clear_form(self) -> None:
        self._filling = True
        self.strip.clear()
        self.category.set_code("")
        self.category.search.clear()
        self.description.clear()
        self.urgency.setCurrentIndex(self.urgency.findData(Urgency.normal.value))
        self.place.clear()
        self.duplicates.show_cards(None)
        self._filling = False

    def _edited(self) -> None:
        if not self._filling:
            self._draft_timer.start()

    def _save_draft(self) -> None:
        data = {
            "photos": [[p, t] for p, t in self.strip.files()],
            "category": self.category.code(),
            "urgency": self.urgency.currentData(),
            "description": self.description.toPlainText(),
            "place": self.place.draft_data(),
        }
        if data["photos"] or data["description"].strip() or data["category"]:
            self._write_draft(drafts.save_draft, data)
        else:
            self._write_draft(drafts.discard_draft)

    @async_slot()
    async def _load_draft(self) -> None:
        self._restore_draft(await self.ctx.runner.call(drafts.load_draft, self.ctx.store, DRAFT_KEY, guard=self))

    def _write_draft(self, fn, *args) -> None:
        """Keep or drop the draft (on the database thread, in the order asked; not tied to this page's life)."""
        runner = self.ctx.runner
        runner.start(runner.call(fn, self.ctx.store, DRAFT_KEY, *args), "report draft")

    def _restore_draft(self, draft) -> None:
        if draft is None or self.strip.paths() or self.description.toPlainText():
            return
        data = draft.data
        self._filling = True
        photos = data.get("photos") or []
        self.strip.add_files([p for p, _t in photos], {p: t for p, t in photos})
        self.category.set_code(data.get("category") or "")
        self.urgency.setCurrentIndex(max(self.urgency.findData(data.get("urgency") or "normal"), 0))
        self.description.setPlainText(data.get("description") or "")
        self.place.restore(data.get("place") or {})
        self._filling = False
        self.status.setText(self.tr("A draft saved {0} was restored.").format(local_time(draft.saved_at, year=True)))
        self.discard.show()

    def discard_draft(self) -> None:
        self._write_draft(drafts.discard_draft)
        self.clear_form()
        self.status.setText("")
        self.discard.hide()

    # -- drag and drop -------------------------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:
        if dropped_files(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        files = dropped_files(event.mimeData())
        if files:
            self.strip.add_files(files)
            event.acceptProposedAction()
