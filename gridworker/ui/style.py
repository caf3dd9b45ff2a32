"""The UI's colours and the error label, in one place.

One red for every error, refusal and lateness; one amber for what waits or
needs a look; one green for what is done. Data palettes (incident status and
urgency colours, chart series) stay with their texts in fieldwork/text.py and
fieldwork/charts.py.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

ERROR = "#dc2626"  # errors, refusals, late and overdue
WARNING = "#b45309"  # waiting to sync, needs a look, a holiday table running out
OK = "#15803d"  # done, met, saved
MUTED = "#6b7280"  # hints, captions, secondary text
TEXT = "#374151"  # facts and captions a shade darker than MUTED
STRONG = "#1f2937"  # big figures
ACCENT = "#1f4e79"  # titles and links
SPECIAL = "#b35c00"  # special-group tags

ERROR_STYLE = f"color: {ERROR};"
OK_STYLE = f"color: {OK};"
MUTED_STYLE = f"color: {MUTED};"
# A box listing what the server refused: the error colour on a light red ground.
ERROR_BOX_STYLE = "background: #fee2e2; color: #991b1b; border: 1px solid #fca5a5; padding: 6px;"


def error_label(parent: QWidget | None = None) -> QLabel:
    """A word-wrapped label in the error colour, hidden until it has something to say."""
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setStyleSheet(ERROR_STYLE)
    label.hide()
    return label
