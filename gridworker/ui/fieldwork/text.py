"""Words and colours shared by the field-work pages: times, durations, sync states, people, errors.

Source strings are English, translated through the "FieldworkText" context
(resources/i18n/fieldwork_zh_CN.ts). Labels of core enumerations
come from the core (`Status.label(lang)`), never re-translated here.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor

from ...domain.categories import CategoryTable, load_categories
from ...domain.enums import Role, Tag
from ...domain.errors import GridWorkerError
from ...domain.fieldwork import CHINA_TZ
from ...photos import PhotoError
from .. import style
from ..style import ERROR, OK, WARNING

log = logging.getLogger(__name__)

STATUS_COLOURS = {
    "reported": "#d97706",
    "accepted": "#2563eb",
    "dispatched": "#7c3aed",
    "in_progress": "#0891b2",
    "parked": "#6b7280",
    "handled": "#65a30d",
    "closed": "#15803d",
    "rejected": "#9ca3af",
}
URGENCY_COLOURS = {"low": "#6b7280", "normal": "#2563eb", "high": "#d97706", "urgent": "#dc2626"}
LATE = QColor(ERROR)
WAITING = QColor(WARNING)
MUTED = QColor(style.MUTED)


def local_time(moment: datetime | None, *, year: bool = False) -> str:
    """China time, as a grid worker reads it: 03-02 09:30 (2026-03-02 09:30 with the year)."""
    if moment is None:
        return ""
    return moment.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M" if year else "%m-%d %H:%M")


def duration_text(amount: timedelta) -> str:
    """A span of working time: 3 h, 1 d 4 h (a working day counts 24 hours), 25 min."""
    minutes = int(abs(amount).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return QCoreApplication.translate("FieldworkText", "{0} d {1} h").format(days, hours)
    if hours:
        return QCoreApplication.translate("FieldworkText", "{0} h").format(hours)
    return QCoreApplication.translate("FieldworkText", "{0} min").format(mins)


def time_left_text(left: timedelta | None) -> str:
    if left is None:
        return ""
    if left < timedelta(0):
        return QCoreApplication.translate("FieldworkText", "{0} overdue").format(duration_text(left))
    return QCoreApplication.translate("FieldworkText", "{0} left").format(duration_text(left))


def sync_text(state: str) -> str:
    """What the app may truthfully say about a record: never "sent" before the server has it."""
    if state == "pending":
        return QCoreApplication.translate("FieldworkText", "Saved on this computer, waiting to sync")
    if state == "rejected":
        return QCoreApplication.translate("FieldworkText", "The server refused part of it: see below")
    if state == "photos":
        return QCoreApplication.translate("FieldworkText", "On the server; photos still uploading")
    return QCoreApplication.translate("FieldworkText", "On the server")


def short_sync_text(state: str) -> str:
    if state == "pending":
        return QCoreApplication.translate("FieldworkText", "Waiting to sync")
    if state == "rejected":
        return QCoreApplication.translate("FieldworkText", "Refused")
    if state == "photos":
        return QCoreApplication.translate("FieldworkText", "Photos uploading")
    return QCoreApplication.translate("FieldworkText", "Synced")


def sync_colour(state: str) -> str:
    return {"pending": WARNING, "rejected": ERROR, "photos": WARNING}.get(state, OK)


def category_text(code: str, lang: str, *, full: bool = False, table: CategoryTable | None = None) -> str:
    """An incident category: the entry's own name ("井盖"), or with its class ("公用设施 › 井盖").

    `table`: the one in force on this computer (fieldwork.category.categories_for); the shipped one if not given."""
    table = table or load_categories()
    found = table.get(code)
    if found is None:
        return code
    return table.path_label(code, lang) if full or found.parent_code is None else found.label(lang)


def tags_text(tags: Iterable[str], lang: str) -> str:
    labels = [Tag(t).label(lang) for t in tags if t in Tag._value2member_map_]
    return ("、" if lang.startswith("zh") else ", ").join(labels)


def person_text(person_id: str | None, names: dict[str, str], lang: str, role: str | None = None) -> str:
    """A user as the board shows them: their name where this computer knows it, else a short id."""
    if not person_id:
        return ""
    name = names.get(person_id) or (f"{person_id[:8]}…" if len(person_id) > 10 else person_id)
    if role and role in Role._value2member_map_:
        return f"{name}（{Role(role).label(lang)}）" if lang.startswith("zh") else f"{name} ({Role(role).label(lang)})"
    return name


def error_text(exc: BaseException, lang: str) -> str:
    """A core error in the user's language; anything else in plain words, its details kept in the log.

    Python's own text ("KeyError: 'household_id'", "[Errno 13] …") never reaches a user."""
    if isinstance(exc, GridWorkerError):
        return exc.message(lang)
    log.error("unexpected error shown to the user", exc_info=(type(exc), exc, exc.__traceback__))
    if lang.startswith("zh"):
        return "出现了意外的问题，未能完成。已保存的内容不受影响，详情已写入日志（帮助 → 打开日志文件夹）。"
    return "Something unexpected went wrong and this was not done. What was saved is unaffected; the details are in the log (Help → Open the log folder)."


def error_field(exc: BaseException) -> str | None:
    """The form field an error names (ValidationError.field), or the field a refusal is about."""
    if field := getattr(exc, "field", None):
        return field
    if isinstance(exc, PhotoError):
        return "photos"
    return {
        "reason_required": "reason",
        "note_required": "note",
        "photo_required": "photos",
        "assignee_required": "assignee_id",
        "same_assignee": "assignee_id",
        "deadline_required": "deadline",
        "deadline_not_later": "deadline",
        "deadline_passed": "deadline",
        "deadline_not_workday": "deadline",
        "invalid_rating": "rating",
    }.get(getattr(exc, "code", ""))


def esc(text: object) -> str:
    """Text for rich-text labels."""
    return str(text if text is not None else "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
