"""Form pieces shared by the field-work dialogs and pages: a field with its error beneath, an area chooser."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLayout, QVBoxLayout, QWidget

from ..style import error_label


def add_field_row(
    form: QFormLayout,
    label: str,
    parts: Sequence[QWidget | QLayout],
    buddy: QWidget,
    errors: dict[str, QLabel],
    field: str,
    *,
    spacing: int | None = None,
) -> QLabel:
    """A labelled row whose error message (hidden until set) sits right under the field it names."""
    error = error_label()
    errors[field] = error
    box = QWidget()
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 0, 0, 0)
    if spacing is not None:
        column.setSpacing(spacing)
    for part in [*parts, error]:
        if isinstance(part, QWidget):
            column.addWidget(part)
        else:
            column.addLayout(part)
    caption = QLabel(label)
    caption.setBuddy(buddy)
    form.addRow(caption, box)
    return error


def fill_area_combo(combo: QComboBox, areas: Sequence, prefer_level: str) -> None:
    """Refill an area chooser, keeping the area chosen before, else the first of `prefer_level`."""
    keep = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    for a in areas:
        combo.addItem(a.name, a.id)
    preferred = next((i for i, a in enumerate(areas) if a.level == prefer_level), 0)
    index = combo.findData(keep) if keep else -1
    combo.setCurrentIndex(index if index >= 0 else (preferred if areas else -1))
    combo.blockSignals(False)
