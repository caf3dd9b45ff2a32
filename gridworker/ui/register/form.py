"""The one way record editors are built: a form whose fields carry their own messages, a draft, and a save.

An editor subclass lays out its fields with `add_row` (a label with a
buddy, the field, and under it the field's message), says what the form
holds (`values` / `set_values`) and how to save (`save_record`, run off the
GUI thread). The base class does the rest:

- the core's validation errors (InvalidRecord, ValidationError) are shown
  under the fields they name, in the user's language; other refusals at the
  bottom; unexpected errors go to the error dialog, and the form stays;
- what is typed is saved as a draft (services.drafts) shortly after each
  change, so a crash loses nothing; a draft found when the editor opens is
  offered back in a banner;
- closing with unsaved edits asks: save, keep the draft for later, discard.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from ...domain.errors import GridWorkerError, NotFound, ValidationError
from ...domain.register import InvalidRecord
from ...services import drafts
from ..context import AppContext
from ..errors import format_traceback
from ..fieldwork.text import error_text, local_time
from ..style import ERROR_STYLE, OK_STYLE, error_label

DRAFT_DELAY_MS = 800
HINT_STYLE = OK_STYLE


def field_message() -> QLabel:
    return error_label()


def report_unexpected(ctx: AppContext, exc: BaseException) -> None:
    """Send an error no form can explain to the main window's error dialog."""
    ctx.runner.failed.emit(exc, format_traceback(exc))


async def read_for_editor(ctx: AppContext, parent: QWidget, fn: Callable[..., Any], *args: Any,
                          on_gone: Callable[[str], None] | None = None) -> Any | None:
    """What an editor opens on, read on the database thread; None when the record was deleted meanwhile (a sync),
    which is said through `on_gone(text)` in words instead of reaching the error dialog."""
    try:
        return await ctx.runner.call(fn, *args, guard=parent)
    except NotFound as exc:
        if isValid(parent) and on_gone is not None:
            on_gone(error_text(exc, ctx.lang))
        return None


class DraftBanner(QFrame):
    restore = Signal()
    discard = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setStyleSheet("DraftBanner { background: #fff4d6; border: 1px solid #e8c66a; border-radius: 4px; }")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.restore_button = QPushButton(self.tr("Restore the draft"))
        self.discard_button = QPushButton(self.tr("Discard it"))
        self.restore_button.clicked.connect(self.restore)
        self.discard_button.clicked.connect(self.discard)
        layout = QHBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.restore_button)
        layout.addWidget(self.discard_button)
        self.hide()

    def offer(self, draft: drafts.Draft) -> None:
        when = local_time(draft.saved_at, year=True)  # China time, as the records show it
        self.text.setText(self.tr("Unsaved edits from {0} were kept as a draft.").format(when))
        self.show()


class EditorDialog(QDialog):
    """Base of the register editors. Subclasses: build fields with add_row, then call start()."""

    saved = Signal(object)  # the record, after a successful save

    def __init__(self, ctx: AppContext, draft_key: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.draft_key = draft_key
        self.messages: dict[str, QLabel] = {}
        self._baseline: dict[str, Any] = {}
        self._filling = False
        self._saving = False
        self._draft_pending = False  # typed since the last draft was kept
        self._draft: drafts.Draft | None = None
        self._draft_timer = QTimer(self, singleShot=True, interval=DRAFT_DELAY_MS)
        self._draft_timer.timeout.connect(self.save_draft_now)

        self.banner = DraftBanner()
        self.banner.restore.connect(self._restore_draft)
        self.banner.discard.connect(self._discard_draft)
        self.general_message = field_message()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.body = QVBoxLayout()
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(self.body, 1)
        layout.addWidget(self.general_message)
        layout.addWidget(self.buttons)

    # -- building ------------------------------------------------------------------------------
    def add_row(self, form: QFormLayout, field: str, text: str, editor: QWidget, *, message: QLabel | None = None) -> None:
        """A labelled field with its message under it; `text` carries the & of the buddy shortcut."""
        label = QLabel(text)
        label.setBuddy(editor)
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(1)
        column.addWidget(editor)
        self.messages[field] = message or field_message()
        column.addWidget(self.messages[field])
        form.addRow(label, box)
        for signal in ("textChanged", "currentIndexChanged", "changed"):
            if hasattr(editor, signal):
                getattr(editor, signal).connect(self.changed)
                break

    def start(self, values: dict[str, Any], draft: drafts.Draft | None) -> None:
        """Show `values` (the record as saved); offer `draft` if it holds something else."""
        self._baseline = dict(values)
        self._fill(values)
        if draft is not None and draft.data != values:
            self._draft = draft
            self.banner.offer(draft)

    def _fill(self, values: dict[str, Any]) -> None:
        self._filling = True
        try:
            self.set_values(values)
        finally:
            self._filling = False

    # -- what subclasses provide ------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        raise NotImplementedError

    def set_values(self, values: dict[str, Any]) -> None:
        raise NotImplementedError

    def save_record(self, store, values: dict[str, Any]) -> Any:
        """Save through the services (runs off the GUI thread); returns the record."""
        raise NotImplementedError

    def field_of(self, exc: GridWorkerError) -> str | None:
        """The field a refusal is about (e.g. a duplicate ID number), if any."""
        return None

    # -- state ------------------------------------------------------------------------------------
    @property
    def dirty(self) -> bool:
        return self.values() != self._baseline

    @Slot()
    def changed(self) -> None:
        if self._filling:
            return
        if self.dirty:
            self._draft_pending = True
            self._draft_timer.start()

    def show_message(self, field: str, text: str, *, hint: bool = False) -> None:
        label = self.messages.get(field, self.general_message)
        label.setStyleSheet(HINT_STYLE if hint else ERROR_STYLE)
        label.setText(text)
        label.setVisible(bool(text))

    def clear_messages(self) -> None:
        for field in [*self.messages, "_general"]:
            self.show_message(field, "")

    def check(self, field: str, check: Callable[[], Any]) -> bool:
        """Run one field's core check now (on leaving the field); show or clear its message."""
        try:
            check()
        except InvalidRecord as exc:
            mine = [e for e in exc.errors if e.field == field]
            self.show_message(field, mine[0].message(self.ctx.lang) if mine else "")
            return not mine
        except ValidationError as exc:
            self.show_message(field, exc.message(self.ctx.lang))
            return False
        self.show_message(field, "")
        return True

    # -- drafts -----------------------------------------------------------------------------------
    @Slot()
    def save_draft_now(self) -> None:
        self._draft_timer.stop()
        self._draft_pending = False
        if self.dirty:
            runner = self.ctx.runner
            runner.start(runner.call(drafts.save_draft, self.ctx.store, self.draft_key, self.values()), "save draft")

    def hideEvent(self, event: QHideEvent) -> None:
        """Hidden with edits not yet kept (the main window closing, which stops every timer): keep them now."""
        if self._draft_pending:
            self.save_draft_now()
        super().hideEvent(event)

    def _restore_draft(self) -> None:
        if self._draft is not None:
            self._fill(self._draft.data)
        self.banner.hide()

    def _discard_draft(self) -> None:
        self._draft = None
        self.banner.hide()
        runner = self.ctx.runner
        runner.start(runner.call(drafts.discard_draft, self.ctx.store, self.draft_key), "discard draft")

    # -- saving -----------------------------------------------------------------------------------
    @Slot()
    def save(self) -> None:
        if self._saving:
            return
        self._draft_timer.stop()
        self._draft_pending = False  # saved with the record, or kept again if the save fails
        self.clear_messages()
        self._saving = True
        self.save_button.setEnabled(False)  # with the click itself: a second click cannot save twice
        self.ctx.runner.start(self._save(), "save record")

    async def _save(self) -> None:
        try:
            record = await self.ctx.runner.call(self._save_task, self.values(), guard=self)
        except Exception as exc:  # noqa: BLE001 - refusals by their fields, the rest as a report (_failed)
            if isValid(self):
                self._failed(exc)
            return
        self._saved(record)

    def _save_task(self, values: dict[str, Any]) -> Any:
        record = self.save_record(self.ctx.store, values)
        drafts.discard_draft(self.ctx.store, self.draft_key)
        return record

    def _saved(self, record: Any) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        self._baseline = self.values()
        self.saved.emit(record)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        lang = self.ctx.lang
        if isinstance(exc, InvalidRecord):
            for error in exc.errors:
                self.show_message(error.field if error.field in self.messages else "_general", error.message(lang))
        elif isinstance(exc, ValidationError):
            self.show_message(exc.field if exc.field in self.messages else "_general", exc.message(lang))
        elif isinstance(exc, GridWorkerError):
            self.show_message(self.field_of(exc) or "_general", exc.message(lang))
        else:
            report_unexpected(self.ctx, exc)
        self.save_draft_now()  # what was typed stays safe while the user fixes it

    # -- closing ----------------------------------------------------------------------------------
    def reject(self) -> None:
        if self._saving:
            return
        if self.dirty and not self._confirm_close():
            return
        super().reject()

    def _confirm_close(self) -> bool:
        """Ask what to do with unsaved edits; False: stay in the editor."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Unsaved edits"))
        box.setText(self.tr("This form has edits that are not saved."))
        box.setInformativeText(self.tr("A draft keeps them on this computer, to finish later."))
        save = box.addButton(self.tr("Save"), QMessageBox.ButtonRole.AcceptRole)
        keep = box.addButton(self.tr("Keep as draft"), QMessageBox.ButtonRole.ActionRole)
        discard = box.addButton(self.tr("Discard edits"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(keep)
        box.exec()
        clicked = box.clickedButton()
        if clicked is save:
            self.save()
            return False  # closes itself once saved
        if clicked is keep:
            self.save_draft_now()
            return True
        if clicked is discard:
            self._draft_timer.stop()
            self._draft_pending = False
            runner = self.ctx.runner
            runner.start(runner.call(drafts.discard_draft, self.ctx.store, self.draft_key), "discard draft")
            return True
        return False

