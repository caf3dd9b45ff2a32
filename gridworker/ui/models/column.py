"""One table column, for every table model in the UI (the paged register lists and the field-work lists)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass
from typing import Any

from PySide6.QtGui import QColor


@dataclass(frozen=True)
class Column:
    """Its header (already translated), how to show a row as text, and how to dress it.

    `width` is in digits (a Chinese character is two); views that size their
    columns from it use it (the register lists), others let Qt size them.
    """

    header: str
    text: Callable[[Any], str]
    width: int = 10
    _: KW_ONLY
    colour: Callable[[Any], QColor | None] | None = None
    tooltip: Callable[[Any], str | None] | None = None
    bold: Callable[[Any], bool] | None = None
    align_right: bool = False
