"""Which language a run speaks when nobody chose one: Chinese unless the system explicitly asks for another.

Used by `gridworker`, `gridworker-server` and the app (no Qt here). The
order: GRIDWORKER_LANG (zh|en), then the locale the environment names
(LC_ALL, LC_MESSAGES, LANG, and GNU's LANGUAGE list), then on Windows the
user's locale. A `C`/`POSIX` locale — a fresh Linux, a container, a service
— is no choice at all: it gives Chinese, like a Chinese Windows PC. Only an
explicitly non-Chinese locale (en_US, de_DE, English_United States) gives
English, the one other language there is.

The environment is read directly: Python's locale.getlocale() reports
"C.UTF-8" as en_US and falls back to C when a named locale is not installed.
"""

from __future__ import annotations

import locale
import os
import sys
from collections.abc import Mapping

LANGUAGES = ("zh", "en")
DEFAULT = "zh"


def _language_of_locale(name: str) -> str | None:
    """zh or en for a locale name; None when the name chooses nothing (empty, C, POSIX)."""
    name = name.strip().lower()
    base = name.split(".", 1)[0].split("@", 1)[0]
    if base in ("", "c", "posix"):
        return None
    if base.startswith(("zh", "chinese")):
        return "zh"
    return "en"


def chosen_by_environment(env: Mapping[str, str] | None = None) -> str | None:
    """zh or en when GRIDWORKER_LANG names one; else None."""
    env = os.environ if env is None else env
    value = (env.get("GRIDWORKER_LANG") or "").strip().lower()
    if value.startswith(("zh", "chinese")):
        return "zh"
    if value.startswith(("en", "english")):
        return "en"
    return None  # unset or a value we do not speak: the locale decides


def _locale_name(env: Mapping[str, str]) -> str:
    """The messages locale POSIX would use: the first of LC_ALL, LC_MESSAGES, LANG that is set."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if env.get(var):
            return env[var]
    return ""


def default_language(env: Mapping[str, str] | None = None) -> str:
    env = os.environ if env is None else env
    chosen = chosen_by_environment(env)
    if chosen:
        return chosen
    name = _locale_name(env)
    lang = _language_of_locale(name)
    if lang is not None:
        # GNU gettext's LANGUAGE list (zh_CN:en) comes first, but only under a real locale.
        first = (env.get("LANGUAGE") or "").split(":", 1)[0]
        return _language_of_locale(first) or lang
    if not name and sys.platform == "win32":
        return _language_of_locale(locale.getlocale()[0] or "") or DEFAULT
    return DEFAULT
