"""Inspect a place and re-inspect its open hazards: the forms in dialogs, saved through services.places.

Inspect: the place's checklist (InspectionForm). Save is disabled on the
click itself; the service validates and writes the inspection, its photos,
the hazards found and their events in one transaction; a refusal is shown
under the item or field it names. When an item failed, the dialog then
offers the rectification notice as a PDF (notice.py) before it closes.

Re-inspect: every open hazard of the place (RecheckForm): signed off with a
photo, extended with a reason, or recorded as not rectified.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from ...domain.errors import GridWorkerError, NotFound
from ...domain.places.checklists import ChecklistTable
from ...domain.places.inspections import Hazard, HazardState
from ...services import places as place_service
from ...services import tables
from ...services.queries.places_register import place_card
from ..fieldwork.text import error_text, esc
from ..register.excel_export import documents_folder, safe_file_name
from ..style import ACCENT, OK
from ..tasks import async_slot
from .inspection_form import InspectionForm
from .notice import write_notice
from .records import hazard_of, inspection_of, place_of
from .recheck_form import RecheckForm


def _scrolled(widget: QWidget) -> QScrollArea:
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setWidget(widget)
    return scroll


class _PlaceDialog(QDialog):
    saved = Signal(object)  # services.places.InspectionResult

    def __init__(self, ctx, place, title: str, parent=None):
        super().__init__(parent)
        self.ctx, self.place = ctx, place
        self.result_saved = None
        self.setWindowTitle(title)
        self.heading = QLabel(f"<b style='color:{ACCENT}; font-size: 12pt'>{esc(place.name)}</b>"
                              + (f"<br/>{esc(place.address)}" if place.address else ""))  # fmt: skip
        self.heading.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addWidget(self.heading)

    def _fit(self) -> None:
        screen = self.screen().availableGeometry() if self.screen() else None
        height = min(720, screen.height() - 60) if screen else 640
        self.resize(min(760, screen.width() - 40) if screen else 720, height)

    def save(self) -> None:
        self.save_button.setEnabled(False)  # with the click itself: a double click saves once
        self._save()

    @async_slot()
    async def _save(self) -> None:
        write = self._write()  # what the form holds is read here, on the GUI thread; the write runs on the database's
        try:
            result = await self.ctx.runner.call(write, guard=self)
        except GridWorkerError as exc:  # a refusal: said under the item or field it names
            if isValid(self):
                self.save_button.setEnabled(True)
                self.form.show_errors(exc)
                QTimer.singleShot(0, self._scroll_to_error)  # once the messages are laid out
            return
        except Exception as exc:  # noqa: BLE001 - unexpected: the error dialog (and the log); the form stays
            if isValid(self):
                self.save_button.setEnabled(True)
            self.ctx.runner.report(exc, name="save inspection")
            return
        self.result_saved = result
        self.saved.emit(result)
        self._saved(result)

    def _saved(self, result) -> None:
        self.accept()

    def _scroll_to_error(self) -> None:
        """The first message the refusal put on the form, scrolled into view (a long checklist at 1024×600)."""
        if not isValid(self):
            return
        labels = [row.error for row in self.form.rows.values()] + list(getattr(self.form, "errors", {}).values())
        shown = [w for w in labels + [self.form.general_error] if not w.isHidden()]
        if shown:
            first = min(shown, key=lambda w: w.mapTo(self.form, w.rect().topLeft()).y())
            self.scroll.ensureWidgetVisible(first)


class InspectDialog(_PlaceDialog):
    """A routine inspection of one place; then, if an item failed, the rectification notice."""

    def __init__(self, ctx, place, checklists: ChecklistTable, parent=None):
        super().__init__(ctx, place, self.tr("Inspect {0}").format(place.name), parent)
        self.checklists = checklists
        self.form = InspectionForm(checklists.for_kind(place.kind), ctx.lang)
        self.done_label = QLabel()
        self.done_label.setWordWrap(True)
        self.done_label.hide()
        self.notice_button = QPushButton(self.tr("Save the rectification notice (PDF)…"))
        self.notice_button.clicked.connect(self.ask_notice_path)
        self.notice_button.hide()
        self.notice_path: Path | None = None
        self.scroll = _scrolled(self.form)
        self.layout_.addWidget(self.scroll, 1)
        self.layout_.addWidget(self.done_label)
        self.layout_.addWidget(self.notice_button)
        self.layout_.addWidget(self.buttons)
        self._fit()

    def _write(self) -> Callable[[], Any]:
        answers = [
            place_service.ItemAnswer(a.item_code, a.result or "", tuple(p for p, _turns in a.photos), a.photo_waiver, a.note)
            for a in self.form.answers() if a.result
        ]  # fmt: skip
        return partial(
            place_service.save_inspection, self.ctx.store, self.ctx.photos_dir, place_id=self.place.id,
            inspector_id=self.ctx.actor.id, answers=answers, acknowledged_by=self.form.acknowledged_by.text(),
            notes=self.form.notes.toPlainText(), checklists=self.checklists,
        )  # fmt: skip

    def _saved(self, result) -> None:
        if not result.new_hazards:
            self.accept()
            return
        self.form.setEnabled(False)
        found = len(result.new_hazards)
        self.done_label.setText(
            self.tr("Saved. 1 hazard was found: print the rectification notice for the person in charge to sign.") if found == 1
            else self.tr("Saved. {0} hazards were found: print the rectification notice for the person in charge to sign.").format(found))
        self.done_label.setStyleSheet(f"color: {OK};")
        self.done_label.show()
        self.notice_button.show()
        self.buttons.setStandardButtons(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.accept)

    def notice_parts(self) -> tuple:
        result = self.result_saved
        return (place_of(self.place), inspection_of(result.inspection), [hazard_of(h) for h in result.new_hazards],
                self.checklists)  # fmt: skip

    def ask_notice_path(self) -> None:
        title = self.tr("Rectification notice")
        name = safe_file_name(f"{title}_{self.place.name}") + ".pdf"
        chosen, _ = QFileDialog.getSaveFileName(self, self.tr("Save the rectification notice"),
                                                str(documents_folder() / name), "PDF (*.pdf)")  # fmt: skip
        if chosen:
            self.save_notice(Path(chosen) if chosen.lower().endswith(".pdf") else Path(chosen + ".pdf"))

    def save_notice(self, path: Path) -> None:
        place, inspection, hazards, checklists = self.notice_parts()
        try:
            write_notice(path, place, inspection, hazards, checklists, inspector=self.ctx.actor.display_name,
                         lang=self.ctx.lang)  # fmt: skip
        except OSError as exc:
            self.done_label.setText(self.tr("The notice was not saved: {0}").format(error_text(exc, self.ctx.lang)))
            return
        self.notice_path = path
        self.done_label.setText(self.tr("The rectification notice was saved: {0}").format(path))


class RecheckDialog(_PlaceDialog):
    """A re-inspection: a verdict on every open hazard of the place."""

    def __init__(self, ctx, place, hazards: Sequence[tuple[Hazard, HazardState]], checklists: ChecklistTable,
                 parent=None):  # fmt: skip
        super().__init__(ctx, place, self.tr("Re-inspect {0}").format(place.name), parent)
        self.form = RecheckForm(hazards, checklists, ctx.lang)
        self.scroll = _scrolled(self.form)
        self.layout_.addWidget(self.scroll, 1)
        self.layout_.addWidget(self.buttons)
        self._fit()

    def _write(self) -> Callable[[], Any]:
        verdicts = [
            place_service.HazardVerdict(v.hazard_id, v.outcome or "", v.reason, v.days, tuple(p for p, _t in v.photos),
                                        v.note)  # fmt: skip
            for v in self.form.verdicts() if v.outcome
        ]
        return partial(place_service.save_inspection, self.ctx.store, self.ctx.photos_dir, place_id=self.place.id,
                       inspector_id=self.ctx.actor.id, verdicts=verdicts, purpose="recheck")  # fmt: skip


def open_inspection(ctx, parent: QWidget, place_id: str, on_gone: Callable[[str], None] | None = None) -> None:
    """Inspect a place from elsewhere (a walk-round): the dialog opens once the place and the checklists are read;
    `parent.place_dialog` holds it. A place deleted meanwhile (a sync) is said through `on_gone`, in words."""

    if getattr(parent, "_inspection_opening", False):
        return  # a second click while the place is read: one inspection, not two
    parent._inspection_opening = True

    async def load() -> None:
        try:
            place, checklists = await ctx.runner.call(
                lambda: (place_card(ctx.store, place_id).place, tables.checklists_of(ctx.store)), guard=parent)
        except NotFound as exc:
            if isValid(parent) and on_gone is not None:
                on_gone(error_text(exc, ctx.lang))
            return
        finally:
            if isValid(parent):
                parent._inspection_opening = False
        parent.place_dialog = InspectDialog(ctx, place, checklists, parent)
        parent.place_dialog.open()

    ctx.runner.start(load(), "open inspection")
