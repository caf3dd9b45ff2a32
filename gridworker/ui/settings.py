"""The desktop app's settings, declared in one place with their defaults, and the UI language they choose.

Stored with QSettings in an INI file under the GridWorker home
(GRIDWORKER_HOME, else the user data folder), so a test with its own home
never reads or writes a real user's settings. Settings are per PC user, not
per account: a shared PC remembers the last account and the language.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from PySide6.QtCore import (
    QByteArray,
    QCoreApplication,
    QLibraryInfo,
    QLocale,
    QSettings,
    QStandardPaths,
    QTranslator,
)

from .. import resources_path
from ..language import chosen_by_environment, default_language
from ..store.accounts import home_dir

log = logging.getLogger(__name__)

I18N_DIR = resources_path("i18n")
LANGUAGES = ("zh", "en")


@dataclass(frozen=True)
class Setting:
    key: str
    default: Any
    kind: type


LANGUAGE = Setting("ui/language", "zh", str)
LAST_ACCOUNT = Setting("accounts/last", "", str)
LAST_SERVER = Setting("accounts/server_url", "", str)
LAST_USERNAME = Setting("accounts/server_username", "", str)
def window_geometry(account: str) -> Setting:
    """The main window's size and place for one account (people sharing a PC arrange it differently)."""
    return Setting(f"window/geometry_{quote(account, safe='')}", "", str)  # "x y width height [maximized]"
REGISTER_SPLITTER = Setting("register/splitter", QByteArray(), QByteArray)
INCLUDE_INACTIVE = Setting("register/include_inactive", False, bool)
PHOTO_FOLDER = Setting("photos/last_folder", "", str)  # where photos were last chosen from


def prefer_chinese_dates(lang: str, environ=None) -> bool:
    """Before the QApplication is made: a Chinese UI on a PC whose locale is C/POSIX (a bare Linux) formats
    the dates in Qt's own dialogs (the file dialog's 修改日期) in Chinese, not as "7 12 2026".

    Qt reads the system locale once, from LC_ALL / LC_TIME / LANG; only the time part is set, and only
    where nothing but the C locale was asked for. Windows and macOS take it from the user's settings.
    """
    environ = os.environ if environ is None else environ
    if lang != "zh" or environ.get("LC_ALL"):
        return False
    current = environ.get("LC_TIME") or environ.get("LANG") or ""
    if current.split(".")[0] not in ("", "C", "POSIX"):
        return False
    environ["LC_TIME"] = "zh_CN.UTF-8"
    return True


def pictures_folder() -> Path:
    """The user's pictures folder (Windows 图片, Linux ~/Pictures), else their home."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
    return Path(found) if found and Path(found).is_dir() else Path.home()


class Settings:
    def __init__(self, home: str | Path | None = None):
        self.path = home_dir(home) / "settings.ini"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._q = QSettings(str(self.path), QSettings.Format.IniFormat)

    def get(self, setting: Setting) -> Any:
        value = self._q.value(setting.key, setting.default)
        if value is None:
            return setting.default
        if setting.kind is bool and isinstance(value, str):  # INI files hold text
            return value.lower() in ("1", "true", "yes")
        if setting.kind is QByteArray:
            return value if isinstance(value, QByteArray) else setting.default
        try:
            return setting.kind(value)
        except (TypeError, ValueError):
            log.warning("setting %s: unreadable value %r, using the default", setting.key, value)
            return setting.default

    def set(self, setting: Setting, value: Any) -> None:
        self._q.setValue(setting.key, value)
        self._q.sync()

    def language(self) -> str:
        """GRIDWORKER_LANG for this run, else the language chosen in the app, else the system's (Chinese unless it names another)."""
        chosen = chosen_by_environment()
        if chosen:
            return chosen
        if self._q.contains(LANGUAGE.key):
            lang = self.get(LANGUAGE)
            if lang in LANGUAGES:
                return lang
        return default_language()


# -- translators -------------------------------------------------------------------------
_installed: list[QTranslator] = []


def install_translators(lang: str) -> list[Path]:
    """Load every compiled catalogue for `lang` (ours and Qt's own dialogs'); English needs none.

    Returns the files loaded. A missing .qm file is logged, not fatal: the
    English source text shows instead (scripts/build_translations.py makes them).
    """
    app = QCoreApplication.instance()
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    locale = QLocale(QLocale.Language.Chinese, QLocale.Country.China) if lang == "zh" else QLocale(QLocale.Language.English)
    QLocale.setDefault(locale)
    if lang == "en":
        return []
    loaded: list[Path] = []
    ours = sorted(I18N_DIR.glob("*_zh_CN.qm"))
    if not ours:
        log.warning("no compiled translations in %s: run scripts/build_translations.py", I18N_DIR)
    qt_dir = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    for path in [qt_dir / "qtbase_zh_CN.qm", *ours]:
        translator = QTranslator(app)
        if translator.load(str(path)):
            app.installTranslator(translator)
            _installed.append(translator)
            loaded.append(path)
        elif path.parent == I18N_DIR:
            log.warning("could not load translation %s", path)
    return loaded
