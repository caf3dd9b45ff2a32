"""What the participation API's routes share: the web user, acting through the push rules, reading records.

A member's or resident's action becomes mutations applied with the same rules as a desk's push
(sync.participation), as that user, in one write transaction: a refusal rolls the whole action back and is
answered 409 (a rule) or 422 (a value, naming the field). The routes decide first what the user may see;
the push then runs with an all-areas scope (its own area checks are for staff).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable
from typing import Any

from fastapi import Request
from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError
from sqlalchemy import select
from sqlalchemy.engine import Connection

from ...domain import hlc as hlc_mod
from ...domain import validation as v
from ..core import web_limits
from ..core.auth import User, user_for_token
from ..core.errors import ApiError, unauthorized
from ..core.schema import records
from ..sync.push import Mutation, PushRun, apply_push
from ..sync.records import Rec, rec_from_row
from ..sync.scope import ALL, WEB_ROLES, Scope, area_tree
from ..sync.state import server_state
from .errors import lang_of

COOKIE = "gw_session"


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    @field_validator("*")
    @classmethod
    def _not_blank(cls, value: Any, info: ValidationInfo) -> Any:
        """A required text of spaces alone is as missing (the push would take it for no value at all)."""
        if isinstance(value, str) and not value.strip() and cls.model_fields[info.field_name].is_required():
            raise PydanticCustomError("blank", "must not be blank")
        return value


def web_user(request: Request) -> User:
    """The signed-in member or resident (Bearer token or the session cookie)."""
    header = request.headers.get("authorization") or ""
    token = header[7:].strip() if header.startswith("Bearer ") else request.cookies.get(COOKIE, "")
    if not token or len(token) > 200:
        raise unauthorized("no_token")
    if not header.startswith("Bearer ") and request.method not in ("GET", "HEAD") and not _same_origin(request):
        # The cookie is SameSite=Strict; a browser that ignores it still names the page that sent the request.
        raise ApiError(403, "cross_site", "请在本站页面上操作", "This can only be done from the site's own pages")
    with server_state(request).db.engine.connect() as conn:
        user = user_for_token(conn, token)
    if user is None:
        raise unauthorized("bad_token")
    if user.role not in WEB_ROLES:
        raise ApiError(403, "desktop_only", "工作人员账户请使用网格员工作台", "Staff accounts use the GridWorker desktop app")
    return user


def _same_origin(request: Request) -> bool:
    """A cookie-borne change must come from the pages themselves: an Origin (when sent) naming this host."""
    from urllib.parse import urlsplit

    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None:  # the browser's own word, whatever proxies did to Host
        return fetch_site in ("same-origin", "none")
    origin = request.headers.get("origin")
    if origin is None:
        return True  # not from a browser's cross-site form or script (those send an Origin)
    # Host names only: a proxy's `Host $host` drops the port the browser's Origin keeps.
    return urlsplit(origin).hostname == urlsplit("//" + (request.headers.get("host") or "")).hostname


def address(request: Request) -> str:
    return (request.client.host if request.client else "unknown")[:100]


def limit(request: Request, user: User | None, kind: str, *, per_account: int | None = None, per_address: int | None = None) -> None:
    """Count one creation against the account's and the address's limits (429 over them)."""
    gw = server_state(request)
    web = gw.settings.web
    keys = [("address", f"web:{kind}:addr:{address(request)}", per_address or web.per_address)]
    if user is not None:
        keys.append(("account", f"web:{kind}:acct:{user.id}", per_account or web.per_account))
        keys.append(("account", f"web:any:acct:{user.id}", web.per_account))
    with gw.db.plain() as conn:
        web_limits.count(conn, keys, web.window_s)


def act(request: Request, user: User, writes: list[tuple[str, str, dict[str, Any]]], op: str = "upsert") -> list[dict]:
    """Apply (entity, id, fields) writes as this user, all or nothing; returns their push results."""
    gw = server_state(request)
    device = "web-" + user.id
    now_ms = int(time.time() * 1000)
    batch = []
    for n, (entity, record_id, fields) in enumerate(writes):
        stamp = str(hlc_mod.Hlc(now_ms, n, device))
        batch.append(Mutation(str(uuid.uuid4()), entity, record_id, op, None, fields, stamp))
    with gw.db.write() as conn:
        run = PushRun(conn, user, Scope(0, user.id, ALL, frozenset()), device, gw.calendars, lang_of(request))
        results = apply_push(run, batch)
        for result in results:
            if result["status"] == "rejected":
                raise refusal(result["error"])
    return results


def refusal(error: dict[str, Any]) -> ApiError:
    """A rejected mutation as the API's answer: 422 naming the field for a bad value, 409 for a rule."""
    details = dict(error.get("details") or {})
    fields = details.get("fields") or []
    status = 422 if error["code"] in ("invalid_value", "read_only_field") else 404 if error["code"].startswith("unknown_") else 409
    if fields:
        details["field"] = fields[0].get("field")
    return ApiError(status, error["code"], error["message_zh"], error["message_en"], details)


def bad_value(field: str, zh: str, en: str, code: str = "invalid_value") -> ApiError:
    return ApiError(422, code, f"{v.label(field)}{zh}", f"{v.label(field, 'en').capitalize()} {en}", {"field": field})


# -- reading -------------------------------------------------------------------------------------------
def get(conn: Connection, entity: str, record_id: str) -> Rec | None:
    row = conn.execute(select(records).where(records.c.entity == entity, records.c.id == record_id)).first()
    rec = rec_from_row(row) if row else None
    return rec if rec is not None and not rec.deleted else None


def in_areas(conn: Connection, entity: str, areas: Iterable[str]) -> list[Rec]:
    q = select(records).where(records.c.entity == entity, records.c.deleted.is_(False), records.c.area_id.in_(sorted(set(areas))))
    return [rec_from_row(r) for r in conn.execute(q.order_by(records.c.created_seq.desc()))]


def by_parent(conn: Connection, entity: str, parent_id: str) -> list[Rec]:
    q = select(records).where(records.c.entity == entity, records.c.parent_id == parent_id, records.c.deleted.is_(False))
    return [rec_from_row(r) for r in conn.execute(q.order_by(records.c.created_seq))]


def by_owner(conn: Connection, entity: str, owner_id: str) -> list[Rec]:
    q = select(records).where(records.c.entity == entity, records.c.assignee_id == owner_id, records.c.deleted.is_(False))
    return [rec_from_row(r) for r in conn.execute(q.order_by(records.c.created_seq.desc()))]


class Areas:
    """The area tree: parents, levels, names (one read per request)."""

    def __init__(self, conn: Connection):
        rows = conn.execute(select(records.c.id, records.c.data).where(records.c.entity == "area", records.c.deleted.is_(False)))
        self.data = {r.id: json.loads(r.data) for r in rows}
        self.children = area_tree(conn)

    def parent(self, area_id: str | None) -> str | None:
        return (self.data.get(area_id or "") or {}).get("parent_id")

    def level(self, area_id: str | None) -> str | None:
        return (self.data.get(area_id or "") or {}).get("level")

    def name(self, area_id: str | None) -> str | None:
        return (self.data.get(area_id or "") or {}).get("name")

    def community_of(self, area_id: str | None) -> str | None:
        seen = 0
        while area_id and seen < 20:
            if self.level(area_id) == "community":
                return area_id
            area_id, seen = self.parent(area_id), seen + 1
        return None

    def below(self, area_id: str | None) -> set[str]:
        out, stack = set(), [area_id] if area_id else []
        while stack:
            a = stack.pop()
            if a not in out:
                out.add(a)
                stack.extend(self.children.get(a, ()))
        return out

    def up_from(self, area_id: str | None) -> set[str]:
        out = set()
        while area_id and area_id not in out:
            out.add(area_id)
            area_id = self.parent(area_id)
        return out


def home_area(conn: Connection, user: User) -> str | None:
    """The member's area (their check-in's) or the resident's community."""
    rec = get(conn, user.role, user.id)
    return rec.area_id if rec else None


def require_approved(conn: Connection, user: User) -> None:
    """403 unless the member's check-in (报到) was approved by staff: only then do they sign up, take or claim."""
    rec = get(conn, "member", user.id)
    if rec is None or rec.data.get("status") != "approved":
        raise ApiError(403, "not_approved", "报到经社区审核通过后才能报名、接单和认领心愿",
                       "Your check-in must be approved by the community before you sign up, take orders or claim wishes")


def words(pair: tuple[str, str] | None, lang: str) -> str | None:
    if pair is None:
        return None
    return pair[0] if lang == "zh" else pair[1]
