"""The community QR codes of the phone pages (issue 17): shown, printed, or saved for the notice board.

A code opens `<server>/h5/c/<community code>`: that community's pages for
residents, served by the account's sync server. Made here with segno, so it
can be printed on a PC with no network at that moment.
"""

from __future__ import annotations

import base64
from urllib.parse import quote

import segno
from PySide6.QtCore import QRectF, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QFont, QImage, QPainter, QPixmap
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..services.queries import places as place_queries
from .tasks import async_slot


def page_url(server_url: str, community_code: str) -> str:
    return server_url.rstrip("/") + "/h5/c/" + quote(community_code, safe="")


def qr_image(url: str, scale: int = 8) -> QImage:
    png = segno.make(url, error="m").png_data_uri(scale=scale, border=2)
    image = QImage()
    image.loadFromData(base64.b64decode(png.split(",", 1)[1]), "PNG")
    return image


class CommunityQrDialog(QDialog):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.server_url = (ctx.account.info.get("server") or {}).get("url") or ""
        self.setWindowTitle(self.tr("Community QR codes"))
        self.communities = QComboBox()
        self.communities.currentIndexChanged.connect(self._show)
        self.picture = QLabel()
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setMinimumSize(260, 260)
        self.caption = QLabel()
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption.setWordWrap(True)
        self.address = QLabel()  # the page's address, to type or check (selectable)
        self.address.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.address.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.print_button = QPushButton(self.tr("&Print…"))
        self.save_button = QPushButton(self.tr("&Save as picture…"))
        self.open_button = QPushButton(self.tr("Open in browser"))
        self.open_button.setToolTip(self.tr("The community's pages in this computer's browser (the demo server is reached from here only)"))
        buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.open_button.clicked.connect(self.open_page)
        self.print_button.clicked.connect(self.print_code)
        self.save_button.clicked.connect(self.save_code)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Residents scan the code with WeChat or a phone camera to open the community's pages.")))
        layout.addWidget(self.communities)
        layout.addWidget(self.picture)
        layout.addWidget(self.caption)
        layout.addWidget(self.address)
        layout.addWidget(buttons)
        self._set_enabled(False)
        self._load()

    def _set_enabled(self, on: bool) -> None:
        self.print_button.setEnabled(on)
        self.save_button.setEnabled(on)
        self.open_button.setEnabled(on)

    @async_slot()
    async def _load(self) -> None:
        found = await self.ctx.runner.call(place_queries.communities, self.ctx.store, guard=self)
        if not self.server_url:
            self.caption.setText(self.tr("The codes open the pages of this account's sync server: link the account to a server first."))
            return
        for c in found:
            self.communities.addItem(c.name, c.code)
        if not found:
            self.caption.setText(self.tr("No community on this computer yet: sync first."))

    def current_url(self) -> str | None:
        code = self.communities.currentData()
        return page_url(self.server_url, code) if code and self.server_url else None

    def _show(self) -> None:
        url = self.current_url()
        self._set_enabled(url is not None)
        if url is None:
            return
        self.picture.setPixmap(QPixmap.fromImage(qr_image(url, scale=6)))
        self.caption.setText(self.tr("Scan for %1's resident services").replace("%1", self.communities.currentText()))
        self.address.setText(url)

    def open_page(self) -> None:
        url = self.current_url()
        if url is not None and not QDesktopServices.openUrl(QUrl(url)):  # no browser here: say so, the address stays
            self.caption.setText(self.tr("No browser could be opened on this computer: type the address below into one"))

    def print_code(self) -> None:
        url = self.current_url()
        if url is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if QPrintDialog(printer, self).exec() != QDialog.DialogCode.Accepted:
            return
        self.paint(printer, url)

    def paint(self, printer: QPrinter, url: str) -> None:
        """One page: the title over a large code, as the notice board needs it."""
        painter = QPainter(printer)
        try:
            area = QRectF(printer.pageLayout().paintRectPixels(printer.resolution()))
            area.moveTo(0, 0)
            font = QFont(painter.font())
            font.setPointSize(28)
            painter.setFont(font)
            title = QRectF(area.x(), area.y(), area.width(), area.height() * 0.15)
            painter.drawText(title, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.caption.text())
            side = min(area.width(), area.height() * 0.7)
            target = QRectF(area.x() + (area.width() - side) / 2, title.bottom() + area.height() * 0.05, side, side)
            painter.drawImage(target, qr_image(url, scale=20))
        finally:
            painter.end()

    def save_code(self) -> None:
        url = self.current_url()
        if url is None:
            return
        name = f"qr-{self.communities.currentData()}.png"
        chosen, _filter = QFileDialog.getSaveFileName(self, self.tr("Save the QR code"), name, self.tr("PNG picture (*.png)"))
        if not chosen:
            return
        if not qr_image(url, scale=20).save(chosen, "PNG"):
            QMessageBox.warning(self, self.windowTitle(), self.tr("The picture could not be saved there."))


def open_dialog(ctx, parent: QWidget) -> None:
    CommunityQrDialog(ctx, parent).exec()
