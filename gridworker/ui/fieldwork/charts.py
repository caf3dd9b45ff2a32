"""Small charts for the dashboard, painted with QPainter: horizontal bars, a ring, figure cards.

Why not QtCharts: the dashboard needs three simple shapes, while PySide6-Addons
(which carries QtCharts) adds about 160 MB to every install and bundle, and Qt
has deprecated QtCharts since 6.10 (its successor, Qt Graphs, renders through
Qt Quick). A hundred lines of painting keep the app small, look the same on
every platform, and render offscreen in tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

from ..style import ERROR, MUTED, STRONG, TEXT

PALETTE = ("#2563eb", "#059669", "#d97706", "#7c3aed", "#dc2626", "#0891b2", "#65a30d", "#db2777", "#6b7280")


@dataclass(frozen=True)
class Slice:
    label: str
    value: float
    colour: str | None = None
    text: str | None = None  # shown instead of the value, e.g. "12 (40%)"


class BarChart(QWidget):
    """Horizontal bars, largest first as given; labels on the left, values at the bar's end."""

    BAR = 20
    GAP = 8

    def __init__(self, title: str, parent=None):
        super().__init__(parent)
        self.title = title
        self.slices: list[Slice] = []
        self.empty_text = ""
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Minimum)

    def set_data(self, slices: Sequence[Slice], empty_text: str = "") -> None:
        self.slices = list(slices)
        self.empty_text = empty_text
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        rows = max(len(self.slices), 2)
        return QSize(420, 40 + rows * (self.BAR + self.GAP))

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.Antialiasing)
        _title(p, self.title, self.width())
        if not self.slices:
            _empty(p, self.rect().adjusted(0, 28, 0, 0), self.empty_text)
            return
        fm = QFontMetrics(self.font())
        label_w = min(max(fm.horizontalAdvance(s.label) for s in self.slices) + 12, int(self.width() * 0.45))
        value_w = max(fm.horizontalAdvance(s.text or _number(s.value)) for s in self.slices) + 10
        top, most = 32, max(s.value for s in self.slices) or 1
        span = max(self.width() - label_w - value_w - 8, 10)
        for i, s in enumerate(self.slices):
            y = top + i * (self.BAR + self.GAP)
            p.setPen(self.palette().text().color())
            label = fm.elidedText(s.label, Qt.ElideMiddle, label_w - 8)
            p.drawText(QRectF(0, y, label_w - 8, self.BAR), Qt.AlignRight | Qt.AlignVCenter, label)
            width = span * s.value / most
            p.setPen(Qt.NoPen)
            p.setBrush(QColor(s.colour or PALETTE[i % len(PALETTE)]))
            p.drawRoundedRect(QRectF(label_w, y + 2, max(width, 2), self.BAR - 4), 3, 3)
            p.setPen(self.palette().text().color())
            p.drawText(
                QRectF(label_w + width + 6, y, value_w, self.BAR),
                Qt.AlignLeft | Qt.AlignVCenter,
                s.text or _number(s.value),
            )


class RingChart(QWidget):
    """Shares of a whole as a ring, with a legend beside it."""

    def __init__(self, title: str, parent=None):
        super().__init__(parent)
        self.title = title
        self.slices: list[Slice] = []
        self.centre_text = ""
        self.empty_text = ""
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Minimum)

    def set_data(self, slices: Sequence[Slice], centre_text: str = "", empty_text: str = "") -> None:
        self.slices = [s for s in slices if s.value > 0]
        self.centre_text = centre_text
        self.empty_text = empty_text
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(380, max(200, 44 + 24 * len(self.slices)))

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.Antialiasing)
        _title(p, self.title, self.width())
        total = sum(s.value for s in self.slices)
        if not total:
            _empty(p, self.rect().adjusted(0, 28, 0, 0), self.empty_text)
            return
        side = min(self.height() - 40, self.width() // 2, 220)
        ring = QRectF(8, 34, side, side)
        start = 90 * 16
        thickness = max(side * 0.22, 14)
        for i, s in enumerate(self.slices):
            span = -round(360 * 16 * s.value / total)
            pen = QPen(QColor(s.colour or PALETTE[i % len(PALETTE)]), thickness)
            pen.setCapStyle(Qt.FlatCap)
            p.setPen(pen)
            inset = thickness / 2
            p.drawArc(ring.adjusted(inset, inset, -inset, -inset), start, span)
            start += span
        p.setPen(self.palette().text().color())
        font = p.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.4)
        p.setFont(font)
        p.drawText(ring, Qt.AlignCenter, self.centre_text)
        p.setFont(self.font())
        x, y = ring.right() + 16, 40
        fm = QFontMetrics(self.font())
        for i, s in enumerate(self.slices):
            p.setPen(Qt.NoPen)
            p.setBrush(QColor(s.colour or PALETTE[i % len(PALETTE)]))
            p.drawRoundedRect(QRectF(x, y + 4, 12, 12), 2, 2)
            p.setPen(self.palette().text().color())
            text = f"{s.label}  {s.text or _number(s.value)}"
            p.drawText(
                QRectF(x + 18, y, self.width() - x - 18, 20),
                Qt.AlignVCenter,
                fm.elidedText(text, Qt.ElideRight, int(self.width() - x - 18)),
            )
            y += 24


class FigureCard(QFrame):
    """One figure, large, with what it counts and how."""

    def __init__(self, caption: str, parent=None):
        super().__init__(parent)
        self.setObjectName("figureCard")
        self.setStyleSheet("#figureCard { background: palette(base); border: 1px solid #d1d5db; border-radius: 6px; }")
        self.value = QLabel("—")
        self.value.setStyleSheet(f"font-size: 22pt; font-weight: bold; color: {STRONG};")
        self.caption = QLabel(caption)
        self.caption.setStyleSheet(f"font-weight: bold; color: {TEXT};")
        self.detail = QLabel()
        self.detail.setStyleSheet(f"color: {MUTED};")
        self.detail.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(2)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)
        layout.addWidget(self.detail)

    def set(self, value: str, detail: str = "", *, alarm: bool = False) -> None:
        self.value.setText(value)
        self.value.setStyleSheet(f"font-size: 22pt; font-weight: bold; color: {ERROR if alarm else STRONG};")
        self.detail.setText(detail)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _title(p: QPainter, title: str, width: int) -> None:
    font = p.font()
    font.setBold(True)
    p.setFont(font)
    p.drawText(QRectF(0, 0, width, 24), Qt.AlignLeft | Qt.AlignVCenter, title)
    font.setBold(False)
    p.setFont(font)


def _empty(p: QPainter, rect, text: str) -> None:
    p.setPen(QColor(MUTED))
    p.drawText(QRectF(rect), Qt.AlignCenter, text)
