"""The register page's record operations: open an editor (once per request), add, move, leave, merge, delete.

A mixin of RegisterPage (ui/pages/register.py), which holds the lists, the scope
and the context these methods use; split out to keep each module short.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer, Slot
from PySide6.QtWidgets import QMessageBox

from ...domain.errors import GridWorkerError
from ...services import register
from .building_editor import open_building_editor
from .dialogs import LeaveDialog, MergeDialog, MoveDialog
from .form import report_unexpected
from .household_editor import open_household_editor
from .lists import BUILDINGS, HOUSEHOLDS, PEOPLE
from .person_editor import open_person_editor

OPENING_GUARD_MS = 3000


class RecordOperations:
    # -- operations ----------------------------------------------------------------------------------------
    def _keep_editor(self, editor) -> None:
        self.editor = editor

    def _edit_record(self, kind: str, record_id: str) -> None:
        """Open the record's editor, once: a second request while it opens or is open is ignored."""
        if self.read_only:
            return
        if self._opening == (kind, record_id):
            return
        if self.editor is not None and self.editor.isVisible() and getattr(self.editor, "record_key", None) == (kind, record_id):
            self.editor.raise_()
            return
        self._opening = (kind, record_id)

        def opened(editor) -> None:
            self._opening = None
            editor.record_key = (kind, record_id)
            self._keep_editor(editor)

        self._open_editor(kind, record_id, opened)
        QTimer.singleShot(OPENING_GUARD_MS, self._forget_opening)

    def _forget_opening(self) -> None:
        self._opening = None  # an editor that failed to open does not block the next try for long

    def _open_editor(self, kind: str, record_id: str, opened) -> None:
        self.say_gone("")
        if kind == PEOPLE:
            open_person_editor(self.ctx, self, person_id=record_id, on_open=opened, on_gone=self.say_gone)
        elif kind == HOUSEHOLDS:
            open_household_editor(self.ctx, self, household_id=record_id, on_open=opened, on_gone=self.say_gone)
        elif kind == BUILDINGS:
            open_building_editor(self.ctx, self, building_id=record_id, on_open=opened, on_gone=self.say_gone)

    def say_gone(self, text: str) -> None:
        """The record asked for was deleted meanwhile (a sync): said above the lists, in words ("" clears it)."""
        if text:
            self._opening = None
        self._gone_at = self._where() if text else None
        self.gone_label.setText(text)
        self.gone_label.setVisible(bool(text))

    def _where(self) -> tuple:
        """What the list showed chosen when a record was said gone: the words stay until that changes."""
        kind = self.lists.current_kind()
        return kind, self.lists.current_id(kind), self.search.text()

    def _forget_gone(self) -> None:
        """Another record chosen, another search: the gone record's words were about none of them."""
        if getattr(self, "_gone_at", None) is not None and self._where() != self._gone_at:
            self.say_gone("")

    def new_building(self, area_id: str | None = None) -> None:
        if self.read_only or not self.may_add_in(None):
            return
        area_id = area_id or self.scope.area_id
        if not self.may_add_in(area_id):
            area_id = None  # outside the grant: the editor offers the account's own places instead
        open_building_editor(self.ctx, self, area_id=area_id, on_open=self._keep_editor)

    @Slot()
    def edit_current(self) -> None:
        kind = self.lists.current_kind()
        record_id = self.lists.current_id(kind)
        if record_id:
            self._edit_record(kind, record_id)

    def new_person(self, household_id: str | None = None) -> None:
        if self.read_only:
            return
        household_id = household_id or self._current_household()
        if household_id:
            open_person_editor(self.ctx, self, household_id=household_id, on_open=self._keep_editor)

    def new_household(self) -> None:
        if self.read_only:
            return
        building_id, unit = self.scope.building_id, self.scope.unit
        if building_id is None and self.lists.current_kind() == BUILDINGS:
            building_id = self.lists.current_id(BUILDINGS)
        if building_id is None and self.lists.current_kind() == HOUSEHOLDS:
            record = self.lists.selected_records(HOUSEHOLDS)
            building_id = record[0].building_id if record else None
        open_household_editor(self.ctx, self, building_id=building_id, unit=unit or None, on_open=self._keep_editor)

    def _one_person(self):
        people = self.lists.selected_records(PEOPLE)
        return people[0] if len(people) == 1 else None

    def _open_dialog(self, dialog) -> None:
        self.editor = dialog
        dialog.open()

    @Slot()
    def move_person(self) -> None:
        if person := self._one_person():
            self._open_dialog(MoveDialog(self.ctx, person, self))

    def leave(self, *, deceased: bool) -> None:
        if person := self._one_person():
            self._open_dialog(LeaveDialog(self.ctx, person, deceased=deceased, parent=self))

    @Slot()
    def merge(self) -> None:
        people = self.lists.selected_records(PEOPLE)
        if len(people) == 2:
            self._open_dialog(MergeDialog(self.ctx, people[0], people[1], self))

    @Slot()
    def delete_current(self) -> None:
        kind = self.lists.current_kind()
        records = self.lists.selected_records(kind)
        if kind not in (PEOPLE, HOUSEHOLDS) or len(records) != 1:
            return
        record = records[0]
        what = record.name if kind == PEOPLE else record.address
        answer = QMessageBox.question(
            self,
            self.tr("Delete"),
            self.tr("Delete “{0}” from the register? Use “Moved out” or “Deceased” if that is what happened.").format(what),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.ctx.runner.start(self._delete(kind, record.id), "delete record")

    async def _delete(self, kind: str, record_id: str) -> None:
        try:
            await self.ctx.runner.call(register.delete_record, self.ctx.store, kind, record_id, initiator="register",
                                       guard=self)  # fmt: skip
        except Exception as exc:  # noqa: BLE001 - refusals in words, the rest as a report
            self._operation_failed(exc)

    def _operation_failed(self, exc: BaseException) -> None:
        if isinstance(exc, GridWorkerError):
            QMessageBox.warning(self, self.tr("Not done"), exc.message(self.ctx.lang))
        else:
            report_unexpected(self.ctx, exc)

    @Slot()
    def reveal_numbers(self) -> None:
        kind = self.lists.current_kind()
        if kind in (PEOPLE, HOUSEHOLDS):
            self.lists.models[kind].reveal(self.lists.selected_rows(kind))
