"""The Meta store of the local database: key/value settings, this device's id and its clock.

`next_hlc` persists the hybrid logical clock (domain/hlc.py) in Meta in the
caller's transaction, so a stamp never repeats or goes back. Services and the
sync engine both read and write these; they sit here, below both.
"""

from __future__ import annotations

import uuid

from sqlalchemy import event
from sqlalchemy.orm.attributes import set_attribute
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
    """A new timestamp, persisted in the same transaction, so it never repeats or goes back.

    The clock's Meta row and its parsed value are kept for the transaction
    (`s.info`), so 10,000 edits in one transaction read it once; the row is
    still updated at every tick, and a value changed by anyone else (it no
    longer matches the text we parsed) is parsed again.
    """
    held = s.info.get("gw.clock")
    if held is not None and held[0].value == held[1]:
        row, _text, last = held
    else:
        row = s.get(Meta, "hlc")
        last = hlc.Hlc.parse(row.value) if row is not None and row.value else None
    tick = hlc.tick(last, device_id(s))
    stamp = str(tick)
    if row is None:
        row = Meta(key="hlc", value=stamp)
        s.add(row)
    else:
        # The ORM's own setter (the change is saved at the flush), without SQLModel's __setattr__ around it:
        # a third of a tick's cost, and an import ticks once for each of its ~120,000 outbox rows.
        set_attribute(row, "value", stamp)
    s.info["gw.clock"] = (row, stamp, tick)
    return stamp


def _forget_clock(s: Session, *_args) -> None:
    s.info.pop("gw.clock", None)


# A transaction that ends (commit or rollback) leaves the row to be read afresh by the next one.
event.listen(Session, "after_commit", _forget_clock)
event.listen(Session, "after_rollback", _forget_clock)
