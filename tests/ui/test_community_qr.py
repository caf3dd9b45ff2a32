"""The community QR codes for the phone pages: shown for the account's server, printed, or not offered unlinked."""

from __future__ import annotations

from PySide6.QtGui import QPageSize
from PySide6.QtPrintSupport import QPrinter

from gridworker.ui.community_qr import CommunityQrDialog, page_url, qr_image

SERVER = "https://grid.example.org:8443"


def test_a_linked_account_shows_and_prints_each_communitys_code(qtbot, ctx, tmp_path):
    ctx.account.info["server"] = {"url": SERVER}
    dialog = CommunityQrDialog(ctx)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.communities.count() > 0)
    code = dialog.communities.currentData()
    assert dialog.current_url() == f"{SERVER}/h5/c/{code}"
    shown = dialog.picture.pixmap().toImage()
    assert shown == qr_image(page_url(SERVER, code), scale=6).convertToFormat(shown.format())
    assert dialog.caption.text() == f"扫码进入{dialog.communities.currentText()}居民服务"
    assert dialog.windowTitle() == "社区二维码" and dialog.print_button.isEnabled()

    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setOutputFileName(str(tmp_path / "qr.pdf"))
    dialog.paint(printer, dialog.current_url())
    assert (tmp_path / "qr.pdf").read_bytes().startswith(b"%PDF") and (tmp_path / "qr.pdf").stat().st_size > 2000


def test_an_unlinked_account_is_told_to_link_first(qtbot, ctx):
    ctx.account.info.pop("server", None)
    dialog = CommunityQrDialog(ctx)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: "请先将账户连接到服务器" in dialog.caption.text())
    assert not dialog.print_button.isEnabled() and not dialog.save_button.isEnabled()
    assert dialog.current_url() is None


def test_page_urls_quote_the_code():
    assert page_url("http://10.1.2.3:8765/", "C 1/2") == "http://10.1.2.3:8765/h5/c/C%201%2F2"


def test_the_page_opens_in_this_computers_browser_as_the_demo_needs(qtbot, ctx, monkeypatch):
    """`make run`'s demo server listens on this computer only: a phone cannot reach the code's address, so the
    dialog opens the community's pages in the browser here (and shows the address to type)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QDesktopServices

    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()) or True)
    ctx.account.info["server"] = {"url": "http://127.0.0.1:8765"}
    dialog = CommunityQrDialog(ctx)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.communities.count() > 0)
    assert dialog.open_button.isEnabled() and dialog.open_button.text() == "在浏览器中打开"
    assert dialog.current_url() in dialog.address.text()
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    assert opened == [dialog.current_url()]


def test_no_browser_to_open_the_page_is_said_with_the_address_to_type(qtbot, ctx, monkeypatch):
    """Where no browser opens (none installed, or it fails), the dialog says so instead of doing nothing."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QDesktopServices

    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: False)
    ctx.account.info["server"] = {"url": "http://127.0.0.1:8765"}
    dialog = CommunityQrDialog(ctx)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.communities.count() > 0)
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    assert dialog.caption.text() == "本机无法打开浏览器：请在浏览器中输入下面的地址"
    assert dialog.current_url() in dialog.address.text()
