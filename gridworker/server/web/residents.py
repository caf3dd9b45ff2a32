"""Residents of the phone pages: registering, signing in, and verification against the register.

A resident is a server user with role `resident` (username: their mobile
number) plus a `resident` record of the change feed (issue 16's entity, id =
the user id, area = the community they registered in), which staff desktops
sync; once verified, it names the person of the register they are.
Only the server compares the name and ID number with the register; the
resident learns nothing of it but "matched" or "did not" — and after three
misses the form is locked for an hour (per resident and per address).
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from ...domain import hlc as hlc_mod
from ...domain import idnumber, passwords, validation
from ...domain.enums import SPECIAL_GROUP_TAGS, Tag
from ...domain.errors import ValidationError
from ..core.auth import User, hash_password, user_from_row, verify_password
from ..core import web_limits
from ..core.schema import records, users
from ..sync.records import SERVER_WRITER, FeedWriter, Rec, load
from ..sync.participation_confirm import claimed_by
from ..sync.scope import area_tree, closure, refresh_scopes

RESIDENT = "resident"
MEMBER = "member"
WEB_ROLES = (RESIDENT, MEMBER)
MIN_PASSWORD = 8
VERIFY_TRIES = 3
VERIFY_LOCK_S = 3600
# The special groups a micro-wish is for (as the API's participation_auth.SPECIAL_TAGS): a key person (重点人员)
# is not one, and must not learn from the pages that the register marks them so.
WISH_TAGS = SPECIAL_GROUP_TAGS - {Tag.key_person}


class WebError(Exception):
    """A refusal shown on the page: a key of words.py and its values; `field` names the form field."""

    def __init__(self, key: str, field: str | None = None, status: int = 400, **values: object):
        super().__init__(key)
        self.key, self.field, self.status, self.values = key, field, status, values


@dataclass(frozen=True)
class Community:
    id: str
    code: str
    name: str


@dataclass(frozen=True)
class Resident:
    user: User
    community: Community
    person_id: str | None
    area_id: str | None  # the verified person's area (where their reports go), else their community; None until verified
    verified: bool = False  # the register matched, or staff confirmed them (server/sync/participation_confirm.py)


def community_by_code(conn: Connection, code: str) -> Community | None:
    for rid, data in conn.execute(
        select(records.c.id, records.c.data).where(records.c.entity == "area", records.c.deleted.is_(False))
    ):
        area = json.loads(data)
        if area.get("code") == code and area.get("level") == "community":
            return Community(rid, area["code"], area.get("name") or area["code"])
    return None


def community_by_id(conn: Connection, area_id: str) -> Community | None:
    data = conn.execute(select(records.c.data).where(records.c.entity == "area", records.c.id == area_id)).scalar()
    if data is None:
        return None
    area = json.loads(data)
    return Community(area_id, area.get("code", ""), area.get("name") or area.get("code", ""))


def communities(conn: Connection) -> list[Community]:
    out = []
    for rid, data in conn.execute(
        select(records.c.id, records.c.data).where(records.c.entity == "area", records.c.deleted.is_(False))
    ):
        area = json.loads(data)
        if area.get("level") == "community":
            out.append(Community(rid, area.get("code", ""), area.get("name") or area.get("code", "")))
    return sorted(out, key=lambda c: c.code)


# -- registering and signing in ---------------------------------------------------------------------
def clean_phone(raw: str) -> str:
    try:
        phone = validation.phone(raw or "")
    except ValidationError:
        phone = None
    if not phone or len(phone) != 11 or not phone.startswith("1"):
        raise WebError("bad_phone", "phone")
    return phone


def clean_name(raw: str) -> str:
    try:
        name = validation.text("name", raw, required=True, max_len=30)
    except ValidationError:
        raise WebError("bad_name", "name") from None
    return name


def register(conn: Connection, community: Community, name: str, phone: str, password: str, role: str = RESIDENT) -> str:
    """A new resident's or member's user id; WebError for a bad field or a number already registered.

    A member belongs to no area until their check-in (报到) places them (the participation API)."""
    role = MEMBER if role == MEMBER else RESIDENT
    name, phone = clean_name(name), clean_phone(phone)
    try:
        passwords.check_password(password or "", min_length=MIN_PASSWORD)
    except ValidationError:
        raise WebError("bad_password", "password") from None
    if len(password) > 128:
        raise WebError("bad_password", "password")
    if conn.execute(select(users.c.id).where(users.c.username == phone)).first() is not None:
        raise WebError("phone_taken", "phone")
    user_id = str(uuid.uuid4())
    now = time.time()
    conn.execute(
        insert(users).values(
            id=user_id, username=phone, display_name=name, role=role, password_hash=hash_password(password),
            disabled=False, area_ids=json.dumps([community.id] if role == RESIDENT else []), scope_id=None, created_at=now,
        )
    )  # fmt: skip
    refresh_scopes(conn, [user_id])
    if role == MEMBER:
        return user_id
    registered = datetime.fromtimestamp(now, timezone.utc).isoformat()
    _write(conn, None, user_id, {"area_id": community.id, "name": name, "phone": phone, "registered_at": registered,
                                 "verified": False, "special_group": False})  # fmt: skip
    return user_id


def _write(conn: Connection, rec: Rec | None, user_id: str, data: dict) -> None:
    """Create or change the resident record through the feed, the server as its writer (staff devices pull it)."""
    writer = FeedWriter(conn)
    rec = rec or Rec("resident", user_id)
    hlc = str(hlc_mod.Hlc(int(time.time() * 1000), 0, SERVER_WRITER))
    before = writer.before(rec)
    rec.version += 1
    rec.set_fields(data, rec.version, hlc, SERVER_WRITER)
    writer.saved(rec, before)
    writer.flush()


def _record(conn: Connection, user_id: str) -> Rec | None:
    rec = load(conn, [("resident", user_id)]).get(("resident", user_id))
    return None if rec is None or rec.deleted else rec


def resident(conn: Connection, user: User) -> Resident | None:
    rec = _record(conn, user.id) if user.role == RESIDENT else None
    if rec is None:
        return None
    community = community_by_id(conn, rec.area_id) or Community(rec.area_id or "", "", "")
    verified = bool(rec.data.get("verified"))
    person_id = rec.data.get("person_id") if verified else None
    area_id = rec.area_id if verified else None
    if person_id:  # the person's area now (people move between grids); the community if the person is gone
        area_id = conn.execute(
            select(records.c.area_id).where(records.c.entity == "person", records.c.id == person_id, records.c.deleted.is_(False))
        ).scalar() or rec.area_id
    return Resident(user, community, person_id, area_id, verified)


def check_sign_in(conn: Connection, phone: str, password: str) -> User | None:
    """The resident or member with this number and password, or None (the caller counts the attempt first)."""
    row = conn.execute(select(users).where(users.c.username == phone)).first()
    ok = verify_password(row.password_hash if row else None, password or "")
    if not ok or row is None or row.disabled or row.role not in WEB_ROLES:
        return None
    return user_from_row(row)


# -- verification ---------------------------------------------------------------------------------------
# One path for the phone pages (resident_pages.py) and the JSON API (api/participation_auth.py): the same tries,
# the same comparison, the same claim (a person of the register is one account), the same record written.
def verify_locked_for(conn: Connection, user_id: str, tries: int = VERIFY_TRIES, lock_s: int = VERIFY_LOCK_S) -> int:
    """Minutes left of the lock after three misses (0: the form is open)."""
    seconds = web_limits.verify_locked(conn, user_id, tries, lock_s)
    return max(1, int(seconds / 60 + 0.999)) if seconds else 0


@dataclass(frozen=True)
class Verified:
    person_id: str
    special_group: bool


def _locked(seconds: int) -> WebError:
    return WebError("verify_locked", status=429, minutes=max(1, int(seconds / 60 + 0.999)), seconds=seconds)


def verify(db, user_id: str, community_id: str | None, name: str, id_number: str,
           tries: int = VERIFY_TRIES, lock_s: int = VERIFY_LOCK_S) -> Verified:
    """Match name and ID number with a living person of the resident's community, and mark the resident verified.

    `db`: the server's Database. The try is taken (and committed) before the comparison, under the counter's
    lock, so guesses sent at once share the three tries. WebError: bad_name; verify_locked (429, `minutes`,
    `seconds`); verify_failed (422, field id_number, `left` tries: 0 means locked now); identity_claimed (409,
    another account holds that person of the register: staff release a wrong claim).
    """
    name = clean_name(name)
    with db.plain() as conn:
        locked, taken = web_limits.verify_try(conn, user_id, tries, lock_s)
    if locked:
        raise _locked(locked)
    try:
        number = idnumber.normalise(id_number or "")
    except Exception:  # noqa: BLE001 - any text that is no ID number is a miss like another
        number = ""
    with db.engine.connect() as conn:
        person = _match(conn, community_id, name, number) if community_id and len(number) == 18 else None
    if person is None:
        raise WebError("verify_failed", "id_number", status=422, left=max(0, tries - taken))
    with db.write() as conn:
        if claimed_by(conn, person["id"], user_id):
            raise WebError("identity_claimed", "id_number", status=409)
        web_limits.verify_succeeded(conn, user_id)
        special = bool(set(person.get("tags") or ()) & WISH_TAGS)
        _write(conn, _record(conn, user_id), user_id, {
            "person_id": person["id"], "household_id": person.get("household_id"), "verified": True,
            "verified_at": datetime.now(timezone.utc).isoformat(), "special_group": special, "undo_reason": None,
        })  # fmt: skip
    return Verified(person["id"], special)


def _match(conn: Connection, community_id: str, name: str, number: str) -> dict | None:
    areas = closure([community_id], area_tree(conn))
    q = select(records.c.id, records.c.area_id, records.c.data).where(
        records.c.entity == "person", records.c.deleted.is_(False), records.c.area_id.in_(sorted(areas))
    )
    for person_id, area_id, data in conn.execute(q):
        p = json.loads(data)
        living = p.get("status") in (None, "active")  # nobody verifies as one who died or moved away
        if living and p.get("name", "").strip() == name and idnumber.normalise(p.get("id_number") or "") == number:
            return p | {"id": person_id, "area_id": area_id}
    return None
