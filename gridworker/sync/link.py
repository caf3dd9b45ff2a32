"""Linking a local account to a server user: sign in, sign out, and mapping offline areas to the server's.

The token is kept in the encrypted database (Meta); account.json records
only which server and user the account belongs to (url, username, user id,
role, area ids), so `gridworker status` can say it without the password.

An account created offline keeps its own area tree (services.register.
register_area: areas with version 0 and no outbox rows). Once the server's
areas have been pulled, each local area is matched to the server's area of
the same code; the records are moved over in one transaction, with outbox
rows, so the server gets them in the right area.
"""

from __future__ import annotations

import platform
from typing import Any

from sqlalchemy import delete, func, insert, or_, select, update
from sqlmodel import Session

from ..domain.models import Area, Outbox, new_id
from ..services import scope
from ..store.meta import device_id, next_hlc
from ..store import outbox, search
from ..store.accounts import Account
from ..store.database import Store
from . import state
from .errors import BadCredentials, NotLinked, SignedOut, SyncError
from .mapping import ENTITY_MAPS, SEARCHED
from .transport import Transport

AREA = Area.__table__  # type: ignore[attr-defined]
OUTBOX = Outbox.__table__  # type: ignore[attr-defined]


def server_entry(account: Account) -> dict[str, Any] | None:
    return account.info.get("server") or None


def require_link(account: Account, store: Store) -> tuple[dict[str, Any], str]:
    """(server entry, token), or NotLinked / SignedOut."""
    entry = server_entry(account)
    if not entry or not entry.get("url"):
        raise NotLinked()
    with store.read() as s:
        token = state.get_meta(s, state.TOKEN)
    if not token:
        raise SignedOut()
    return entry, token


def check_same_user(account: Account, url: str, username: str) -> None:
    """An account holds one user's data: signing it in as someone else would mix two scopes."""
    entry = server_entry(account)
    if not entry:
        return
    if entry.get("url", "").rstrip("/") != url.rstrip("/") or entry.get("username") != username:
        raise SyncError(
            f"账户“{account.name}”已关联 {entry.get('username')}@{entry.get('url')}，不能再登录为其他用户；"
            "请用 --account 另建一个账户",
            f"Account '{account.name}' is linked to {entry.get('username')} at {entry.get('url')}: it cannot sign in "
            "as another user. Use --account to make another account.",
            code="linked_elsewhere",
        )


def login(account: Account, store: Store, url: str, username: str, password: str) -> dict[str, Any]:
    """Sign in, keep the token in the database and the link in account.json; returns the server's user."""
    check_same_user(account, url, username)
    with store.write() as s:
        device = device_id(s)
    transport = Transport(url)
    try:
        body = transport.json(
            "POST", "/auth/login", auth=False,
            json_body={"username": username, "password": password, "device_id": device,
                       "device_name": f"GridWorker {platform.node()}"[:100]},
        )  # fmt: skip
    except SignedOut:
        raise BadCredentials() from None
    finally:
        transport.close()
    user, token = body.get("user") or {}, body.get("token")
    if not token or not user.get("id"):
        raise SyncError("服务器的登录应答不完整", "The server's answer to the sign-in is incomplete", code="bad_answer")
    with store.write() as s:
        state.set_meta(s, state.TOKEN, token)
        state.set_meta(s, state.TOKEN_EXPIRES, str(body.get("expires_at") or ""))
        state.delete_meta(s, state.LAST_ERROR)
        state.set_meta(s, state.STATE, "ok")
        scope.remember_scope(s, user.get("role"), user.get("area_ids") or [])
    account.info["server"] = {
        "url": url.rstrip("/"),
        "username": username,
        "user_id": user["id"],
        "display_name": user.get("display_name"),
        "role": user.get("role"),
        "area_ids": list(user.get("area_ids") or []),
    }
    account.save_info()
    return user


def logout(account: Account, store: Store) -> bool:
    """Revoke the token on the server if it can be reached, and forget it here. Nothing else is touched."""
    entry = server_entry(account)
    with store.read() as s:
        token = state.get_meta(s, state.TOKEN)
    revoked = False
    if entry and token:
        transport = Transport(entry["url"], token, attempts=1)
        try:
            transport.call("POST", "/auth/logout", timeout=10)
            revoked = True
        except SyncError:
            pass  # offline or already invalid: forgetting it locally is what matters
        finally:
            transport.close()
    with store.write() as s:
        state.delete_meta(s, state.TOKEN)
        state.set_meta(s, state.STATE, "signed out")
    return revoked


def remember_user(account: Account, user: dict[str, Any]) -> None:
    entry = server_entry(account)
    if entry is None:
        return
    fresh = {"role": user.get("role"), "area_ids": list(user.get("area_ids") or []), "display_name": user.get("display_name")}
    if any(entry.get(k) != v for k, v in fresh.items()):
        entry.update(fresh)
        account.save_info()


# -- offline areas → server areas ------------------------------------------------
def has_local_areas(s: Session) -> bool:
    return s.connection().execute(select(func.count()).select_from(AREA).where(AREA.c.version == 0)).scalar_one() > 0


def map_local_areas(s: Session) -> list[str]:
    """Move records from local areas to the server's areas of the same code; returns the codes left unmatched
    that still hold records (their records must not be pushed yet)."""
    conn = s.connection()
    areas = conn.execute(select(AREA.c.id, AREA.c.code, AREA.c.version, AREA.c.deleted)).all()
    server = {a.code: a.id for a in areas if a.version > 0 and not a.deleted}
    unmatched = []
    touched: dict[str, set[str]] = {e: set() for e in SEARCHED}
    for local in (a for a in areas if a.version == 0):
        target = server.get(local.code)
        if target is None:
            if _holds_records(s, local.id):
                unmatched.append(local.code)
            continue
        for name, ids in _move_records(s, local.id, target).items():
            if name in touched:
                touched[name] |= ids
        conn.execute(update(AREA).where(AREA.c.parent_id == local.id).values(parent_id=target))
        conn.execute(delete(AREA).where(AREA.c.id == local.id))
    if any(touched.values()):
        search.reindex(s, touched)
    return sorted(unmatched)


def _holds_records(s: Session, area_id: str) -> bool:
    conn = s.connection()
    for name, emap in ENTITY_MAPS.items():
        if name == "area":
            continue
        if conn.execute(select(emap.table.c.id).where(emap.table.c.area_id == area_id).limit(1)).first():
            return True
    return False


def _move_records(s: Session, old: str, new: str) -> dict[str, set[str]]:
    """Rewrite area_id old → new everywhere; unsent rows are corrected in place, the rest get an outbox row."""
    conn = s.connection()
    moved: dict[str, set[str]] = {}
    area_field = func.json_extract(OUTBOX.c.fields, "$.area_id")
    for name, emap in ENTITY_MAPS.items():
        if name == "area":
            continue
        table = emap.table
        rows = conn.execute(select(table.c.id, table.c.version).where(table.c.area_id == old)).all()
        if not rows:
            continue
        conn.execute(update(table).where(table.c.area_id == old).values(area_id=new))
        conn.execute(
            update(OUTBOX)
            .where(OUTBOX.c.state == "pending", OUTBOX.c.entity == name, area_field == old)
            .values(fields=func.json_set(OUTBOX.c.fields, "$.area_id", new))
        )
        # A reference create (store/outbox.py) carries the record's area, rewritten just above.
        carried = set(
            conn.execute(
                select(OUTBOX.c.record_id).where(
                    OUTBOX.c.state == "pending", OUTBOX.c.entity == name,
                    or_(area_field == new, outbox.reference_sql(OUTBOX.c.fields)),
                )  # fmt: skip
            ).scalars()
        )
        missing = [r for r in rows if r.id not in carried]
        if missing:
            conn.execute(
                insert(OUTBOX),
                [{"mutation_id": new_id(), "entity": name, "record_id": r.id, "op": "upsert", "fields": {"area_id": new},
                  "base_version": r.version or None, "hlc": next_hlc(s), "state": "pending",
                  "result": None} for r in missing],
            )  # fmt: skip
        moved[name] = {r.id for r in rows}
    return moved
