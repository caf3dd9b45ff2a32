"""What the engine remembers between syncs, in the encrypted database (Meta), and the persisted clock.

The token lives here, never in a plain file: account.json only records
which server and user the account is linked to.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlmodel import Session

from ..domain import hlc
from ..store.meta import device_id, get_meta, set_meta
from ..domain.models import Meta

TOKEN = "server.token"
TOKEN_EXPIRES = "server.token_expires"
AREA_IDS = "server.area_ids"  # JSON list: the areas assigned at the last look, to purge the ones taken away
CURSOR = "sync.cursor"
EPOCH = "sync.epoch"
RESYNC = "sync.resync"  # "1" while a full re-read after 410 is under way
LAST_SUCCESS = "sync.last_success"
LAST_ERROR = "sync.last_error"  # JSON {code, zh, en, at}
STATE = "sync.state"  # the standing state for the user: ok, offline, signed out: sign in again, ...
# JSON [{"entity", "id", "fields"}]: pulled records with a value this device could not read (kept in `extra`)
SET_ASIDE = "sync.set_aside"
# JSON {"epoch", "after"}: how far GET /conflicts/mine was read (conflict ids of that server epoch)
LOST_CURSOR = "sync.lost_conflicts"


def delete_meta(s: Session, key: str) -> None:
    row = s.get(Meta, key)
    if row is not None:
        s.delete(row)
        s.flush()  # so a get_meta in the same transaction sees it gone


def get_json(s: Session, key: str, default: Any = None) -> Any:
    text = get_meta(s, key)
    return json.loads(text) if text else default


def set_json(s: Session, key: str, value: Any) -> None:
    set_meta(s, key, json.dumps(value, ensure_ascii=False))


# -- the clock ---------------------------------------------------------------
def parse_remote_time(text: str) -> hlc.Hlc | None:
    """A remote timestamp as an HLC: either an HLC string, or an ISO 8601 server time."""
    try:
        return hlc.Hlc.parse(text)
    except (ValueError, AttributeError):
        pass
    try:
        moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return hlc.Hlc(int(moment.timestamp() * 1000), 0, "server")


def observe(s: Session, remote_text: str | None) -> None:
    """Move the persisted clock past a time seen from elsewhere (server_time, a remote HLC).

    An edit made on a device whose clock runs slow still sorts after what it
    has already seen, so "the later edit wins" means later in what the user saw.
    """
    remote = parse_remote_time(remote_text) if remote_text else None
    if remote is None:
        return
    last_text = get_meta(s, "hlc")
    last = hlc.Hlc.parse(last_text) if last_text else None
    if last is not None and last.ms > remote.ms + hlc.MAX_AHEAD_MS and remote.node == "server":
        # Stamped while this device's clock was wrong (days ahead): the server would refuse every edit
        # stamped after it (clock_ahead), so start again from the server's time.
        set_meta(s, "hlc", str(hlc.observe(None, remote, device_id(s))))
        return
    if last is not None and last.ms > remote.ms:
        return  # already ahead: nothing to learn, and no write
    set_meta(s, "hlc", str(hlc.observe(last, remote, device_id(s))))
