"""The Qt half of `GridWorker --self-test`: the main window renders, Chinese text has a font, translations load.

Runs after the core checks of gridworker.selftest, on the account they made,
so the window opens on a real encrypted database. Without a display (a
server, a CI machine, `env -i`) Qt is put on its offscreen platform first.
"""

from __future__ import annotations

import os
import sys

from .. import resources_path, selftest
from ..selftest import CheckFailed, SelfTestEnv

CHINESE_SAMPLE = "网格员工作台"
NO_GLYPH = "\U0010fffd"  # a private-use code point no font draws: what a missing glyph looks like


def ensure_platform() -> None:
    """Choose Qt's offscreen platform when there is no display (and the user chose no platform)."""
    if sys.platform.startswith("linux") and not os.environ.get("QT_QPA_PLATFORM"):
        if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            os.environ["QT_QPA_PLATFORM"] = "offscreen"


def application():
    """The running QApplication, or a new one (offscreen if there is no display)."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        ensure_platform()
        app = QApplication([sys.argv[0] if sys.argv else "GridWorker"])
        app.setApplicationName("GridWorker")
    return app


def check_main_window(env: SelfTestEnv) -> str:
    """The main window on the self-test account, shown and drawn offscreen: it must paint something."""
    from PySide6.QtCore import QSettings

    from .app import make_main_window
    from .context import Actor, AppContext

    app = application()
    # Window geometry and other settings go to the throw-away folder, not the user's.
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(env.root / "settings"))
    ctx = AppContext(env.account, env.store, Actor(id="selftest", role="worker", display_name="自检"), lang="zh")
    window = make_main_window(ctx)
    try:
        window.resize(1024, 700)
        window.show()
        for _ in range(5):
            app.processEvents()
        image = window.grab().toImage()
        if image.isNull() or image.width() == 0 or image.height() == 0:
            raise CheckFailed("the main window drew nothing (null image)")
        colours = {image.pixel(x, y) for x in range(0, image.width(), 16) for y in range(0, image.height(), 16)}
        if len(colours) < 3:
            raise CheckFailed(f"the main window drew {len(colours)} colour(s) only: it looks blank")
        title = window.windowTitle()
    finally:
        window.close()
        app.processEvents()
        ctx.close()  # also closes the store, which the self-test's clean-up then finds closed
    return f"{type(window).__name__} '{title}' drawn at {image.width()}x{image.height()} on {app.platformName()}"


def _ink(text: str, font):
    """`text` drawn black on white; returns the image and how many pixels are not white."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter

    image = QImage(240, 60, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    painter.setFont(font)
    painter.setPen(Qt.GlobalColor.black)
    painter.drawText(image.rect(), Qt.AlignmentFlag.AlignCenter, text)
    painter.end()
    white = image.pixel(0, 0)
    inked = sum(1 for x in range(image.width()) for y in range(image.height()) if image.pixel(x, y) != white)
    return image, inked


def check_chinese_font(env: SelfTestEnv) -> str:
    """Some font draws Chinese: without one, every label is a row of boxes."""
    from PySide6.QtGui import QFontDatabase

    app = application()
    families = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    if not families:
        raise CheckFailed("no installed font covers Simplified Chinese: text would show as boxes")
    font = app.font()
    sample, inked = _ink(CHINESE_SAMPLE, font)
    missing, _ = _ink(NO_GLYPH * len(CHINESE_SAMPLE), font)
    if inked == 0 or sample == missing:
        raise CheckFailed(f"'{CHINESE_SAMPLE}' draws as missing glyphs with the font {font.family()}")
    bundle = getattr(sys, "_MEIPASS", None)
    source = " (bundled font folder in use)" if bundle and os.environ.get("FONTCONFIG_FILE", "").startswith(bundle) else ""
    return f"{len(families)} Chinese font families{source}, e.g. {families[0]}"


def check_translations(env: SelfTestEnv) -> str:
    """Every shipped .qm file loads into a QTranslator."""
    from PySide6.QtCore import QTranslator

    application()
    folder = resources_path("i18n")
    shipped = sorted(p.name for p in folder.iterdir() if p.name.endswith(".qm")) if folder.is_dir() else []
    broken = [name for name in shipped if not QTranslator().load(str(folder / name))]
    if broken:
        raise CheckFailed(f"these translation files do not load: {', '.join(broken)}")
    return f"{len(shipped)} loaded: {', '.join(shipped)}" if shipped else "no .qm files shipped (the app shows its Chinese source texts)"


UI_CHECKS: list[selftest.Check] = [
    ("chinese-font", check_chinese_font),
    ("main-window", check_main_window),
    ("translations", check_translations),
]


def main(argv: list[str] | None = None) -> int:
    """`GridWorker --self-test`: the core checks, then these."""
    ensure_platform()
    return selftest.main(argv, extra_checks=UI_CHECKS)


if __name__ == "__main__":
    sys.exit(main())
