"""Status-bar texts that never widen the window: cut short with … where there is no room, whole in the tooltip."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QLabel, QSizePolicy, QStyle, QStyleOptionToolButton, QStylePainter, QToolButton

MIN_CHARS = 6  # at least "⚠ 2 项…" stays readable


def _min_width(widget) -> int:
    return widget.fontMetrics().horizontalAdvance("M") * MIN_CHARS


class ElidedStatusLabel(QLabel):
    """One line of text that shrinks to a few characters before the window grows; text() stays whole."""

    def minimumSizeHint(self) -> QSize:
        return QSize(_min_width(self), super().minimumSizeHint().height())

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        rect = self.contentsRect()
        text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), text)


class ElidedToolButton(QToolButton):
    """A text button that shrinks to a few characters before the window grows; text() stays whole."""

    def __init__(self, parent=None):
        super().__init__(parent)
        policy = self.sizePolicy()  # a tool button's width is fixed to its text by default
        policy.setHorizontalPolicy(QSizePolicy.Policy.Preferred)
        self.setSizePolicy(policy)

    def minimumSizeHint(self) -> QSize:
        return QSize(_min_width(self) + 8, super().minimumSizeHint().height())

    def paintEvent(self, _event) -> None:
        painter = QStylePainter(self)
        option = QStyleOptionToolButton()
        self.initStyleOption(option)
        room = self.width() - 8
        if self.fontMetrics().horizontalAdvance(option.text) > room:
            option.text = self.fontMetrics().elidedText(option.text, Qt.TextElideMode.ElideRight, room)
        painter.drawComplexControl(QStyle.ComplexControl.CC_ToolButton, option)
