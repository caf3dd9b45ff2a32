"""Drafts: what a person is typing in a form, kept in the encrypted store until it is saved or discarded.

A form saves its draft as the user types (debounced), so a crash, a flat
battery or a closed laptop lid loses nothing; when the form is opened again
for the same thing, the draft is offered back. Drafts are this device's own:
they are Meta rows ("draft:<key>") and are never synced.

Keys name what is being edited, e.g. "person:<id>", "person:new:<household id>",
"household:<id>", "visit:<household id>", "report:new". Data is a JSON object;
dates and datetimes are stored as ISO text and come back as text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import col, select

from ..domain.errors import GridWorkerError
from ..domain.models import Meta, utcnow
from ..store.database import Store
from ..store.meta import get_meta, set_meta

PREFIX = "draft:"
MAX_KEY = 64 - len(PREFIX)  # Meta.key holds 64 characters


@dataclass(frozen=True)
class Draft:
    key: str
    saved_at: datetime
    data: dict[str, Any]


def _meta_key(key: str) -> str:
    if not key or len(key) > MAX_KEY:
        raise GridWorkerError(
            f"草稿键“{key}”无效（1到{MAX_KEY}个字符）",
            f"Invalid draft key '{key}' (1 to {MAX_KEY} characters)",
            code="bad_draft_key",
        )
    return PREFIX + key


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"a draft holds JSON values, not {type(value).__name__}")


def save_draft(store: Store, key: str, data: dict[str, Any]) -> Draft:
    """Keep `data` as the draft of `key`, replacing the one before; durable when this returns."""
    meta_key = _meta_key(key)
    saved_at = utcnow()
    text = json.dumps({"saved_at": saved_at.isoformat(), "data": data}, ensure_ascii=False, default=_plain)
    with store.write() as s:
        set_meta(s, meta_key, text)
    return Draft(key, saved_at, json.loads(text)["data"])


def load_draft(store: Store, key: str) -> Draft | None:
    """The draft of `key`, or None."""
    with store.read() as s:
        text = get_meta(s, _meta_key(key))
    return _parse(key, text) if text is not None else None


def discard_draft(store: Store, key: str) -> bool:
    """Forget the draft of `key` (after a save, or when the user throws it away); True if there was one."""
    meta_key = _meta_key(key)
    with store.write() as s:
        row = s.get(Meta, meta_key)
        if row is None:
            return False
        s.delete(row)
    return True


def list_drafts(store: Store, prefix: str = "") -> list[Draft]:
    """Every draft whose key starts with `prefix`, newest first (e.g. "visit:" for the visit forms)."""
    with store.read() as s:
        rows = s.exec(select(Meta).where(col(Meta.key).startswith(PREFIX + prefix, autoescape=True))).all()
    drafts = [_parse(row.key[len(PREFIX) :], row.value) for row in rows]
    return sorted(drafts, key=lambda d: d.saved_at, reverse=True)


def _parse(key: str, text: str) -> Draft:
    body = json.loads(text)
    return Draft(key, datetime.fromisoformat(body["saved_at"]), body.get("data") or {})
