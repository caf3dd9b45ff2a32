# PyInstaller runtime hook of the GridWorker bundle: runs before gridworker.bundle_main.
# On Linux, point fontconfig (and so Qt) at the bundle's fonts.conf, which adds the
# shipped Chinese font to the system's fonts. A FONTCONFIG_FILE set by the user wins.
import os
import sys


def _use_bundled_fonts() -> None:
    conf = os.path.join(sys._MEIPASS, "fonts", "fonts.conf")
    if sys.platform.startswith("linux") and os.path.isfile(conf):
        os.environ.setdefault("FONTCONFIG_FILE", conf)


_use_bundled_fonts()
del _use_bundled_fonts
