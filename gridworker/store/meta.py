"""The Meta store of the local database: key/value settings, this device's id and its clock.

`next_hlc` persists the hybrid logical clock (domain/hlc.py) in Meta in the
caller's transaction, so a stamp never repeats or goes back. Services and the
sync engine both read and write these; they sit here, below both.
"""

from __future__ import annotations

import uuid

from sqlmodel import Session

from ..domain import hlc
from ..domain.models import Meta


def get_meta(s: Session, key: str, default: str | None = None) -> str | None:
    row = s.get(Meta, key)
    return row.value if row else default


def set_meta(s: Session, key: str, value: str) -> None:
    row = s.get(Meta, key)
    if row:
        row.value = value
    else:
        s.add(Meta(key=key, value=value))


def device_id(s: Session) -> str:
    value = s.info.get("gw.device_id")  # it never changes: read once per transaction
    if value is None:
        value = get_meta(s, "device_id")
        if value is None:
            value = uuid.uuid4().hex[:16]
            set_meta(s, "device_id", value)
        s.info["gw.device_id"] = value
    return value


def next_hlc(s: Session) -> str:
    """A new timestamp, persisted in the same transaction, so it never repeats or goes back."""
    last_text = get_meta(s, "hlc")
    stamp = hlc.tick(hlc.Hlc.parse(last_text) if last_text else None, device_id(s))
    set_meta(s, "hlc", str(stamp))
    return str(stamp)
