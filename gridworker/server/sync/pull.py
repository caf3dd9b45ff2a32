"""Pull: pages of changes in commit order, cut to what the user may see, with an opaque cursor.

A cursor is one of three positions (all with the server epoch `e` and the
scope snapshot `k` it was made under):

- `snap` — a first pull walks the records table in feed order (`records.seq`,
  the position of each record's latest change), live records only. A record
  changed while the walk goes on moves ahead of the walk and is met again, so
  nothing is missed. At the end the cursor moves to the feed where the walk
  began (`base`), so that a record deleted or moved away during the walk —
  perhaps after it was sent — gets its `delete` or `evict`.
- `feed` — the change rows after position `s`, each turned into the record's
  present state: `upsert`/`delete` when the user sees the record now, `evict`
  when the user does not but might hold it (the row's old or new area was in
  scope, or the incident was assigned to them). When an incident is assigned
  to or away from a handler, its events and photos travel with it.
- `diff` — the user's scope changed (areas assigned or taken away, a new
  role, the area tree re-drawn): records whose visibility differs between the
  old snapshot `u` and the new one are sent (`upsert`) or dropped (`evict`),
  then the feed resumes from where the client was, judging "might hold" by
  both scopes until it has caught up.

Positions are the feed's `seq`, which is commit order (db.py), so "seq > s"
never skips a change. A cursor of another epoch, one ahead of the feed, or
one whose scope changed twice before the client caught up answers 410
`resync_required`.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import String, and_, cast, false, func, literal, or_, select, tuple_, union_all
from sqlalchemy.engine import Connection

from ...domain.wire import ENTITIES, INCIDENT_CHILDREN, SERVER_MANAGED
from ..core.errors import ApiError, bad_request
from ..core.schema import changes, records
from .records import by_entity
from .scope import ALL, AREAS, HANDLER, RESIDENT_ENTITY, Scope, ScopeCache
from .users_view import user_filter

SNAP, FEED, DIFF = "snap", "feed", "diff"
_SERVER_MANAGED = sorted(SERVER_MANAGED)
_CHILDREN = sorted(INCIDENT_CHILDREN)
MAX_SCAN_FACTOR = 5
MAX_WALKED_AREAS = 64  # a first pull walks each area's index (Puller._snap_bound) up to this many areas
_ID = re.compile(r"[0-9A-Za-z-]{1,36}")  # a diff page looks at no more than this many records per change it may return


@dataclass(frozen=True)
class Cursor:
    epoch: str
    mode: str
    seq: int
    scope_id: int
    old_scope_id: int | None = None  # while catching up after a scope change
    after: tuple[str, str] | None = None  # diff: last record key looked at
    base: int = 0  # snap: the feed's head when the first pull began

    def encode(self) -> str:
        raw = {"e": self.epoch, "m": self.mode, "s": self.seq, "k": self.scope_id}
        if self.old_scope_id is not None:
            raw["u"] = self.old_scope_id
        if self.after is not None:
            raw["a"] = list(self.after)
        if self.base:
            raw["b"] = self.base
        text = json.dumps(raw, separators=(",", ":")).encode()
        return "c1." + base64.urlsafe_b64encode(text).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> "Cursor":
        try:
            if not text.startswith("c1.") or len(text) > 400:
                raise ValueError
            body = text[3:]
            raw = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
            if not isinstance(raw, dict):
                raise ValueError
            after = raw.get("a")
            cursor = cls(
                epoch=str(raw["e"]),
                mode=raw["m"],
                seq=int(raw["s"]),
                scope_id=int(raw["k"]),
                old_scope_id=int(raw["u"]) if raw.get("u") is not None else None,
                base=int(raw.get("b", 0)),
                after=(str(after[0]), str(after[1])) if after else None,
            )
            scope_ids = (cursor.scope_id, cursor.old_scope_id or 0)  # INTEGER columns: 32 bits on PostgreSQL
            positions = (cursor.seq, cursor.base)
            if (
                cursor.mode not in (SNAP, FEED, DIFF)
                or not all(0 <= n < 2**62 for n in positions)
                or not all(0 <= n < 2**31 for n in scope_ids)
            ):
                raise ValueError
            if cursor.after is not None and (cursor.after[0] not in ENTITIES or not _ID.fullmatch(cursor.after[1])):
                raise ValueError  # the key goes into SQL: only what a record key can be
            return cursor
        except (ValueError, KeyError, TypeError, IndexError, OverflowError, RecursionError, binascii.Error):
            # OverflowError: int() of 1e400; ValueError covers UnicodeDecodeError and int() of NaN.
            raise bad_request("bad_cursor", "同步游标无效", "The sync cursor is not valid") from None


def resync(reason_zh: str, reason_en: str) -> ApiError:
    return ApiError(
        410,
        "resync_required",
        f"需要重新完整同步：{reason_zh}",
        f"A full re-sync is required: {reason_en}",
        {"reason": reason_en},
    )


# -- visibility ----------------------------------------------------------------------------
def visible(scope: Scope, rec, owners: dict[str, str | None]) -> bool:
    """Whether `scope` sees the record now; `owners`: incident id → its present assignee."""
    if rec.entity in SERVER_MANAGED or scope.kind == ALL:
        return True
    if scope.kind == AREAS:
        return scope.sees(rec.entity, rec.area_id)
    if rec.entity == "incident":
        return rec.assignee_id == scope.user_id
    return rec.entity in INCIDENT_CHILDREN and rec.parent_id is not None and owners.get(rec.parent_id) == scope.user_id


def might_hold(scope: Scope, row, owners: dict[str, str | None]) -> bool:
    """Whether a client under `scope` may have received the record this change row is about."""
    if row.entity in SERVER_MANAGED or scope.kind == ALL:
        return True
    if scope.kind == AREAS:
        return scope.sees(row.entity, row.area_old) or scope.sees(row.entity, row.area_new)
    uid = scope.user_id
    return uid in (row.owner_old, row.owner_new) or (row.entity in INCIDENT_CHILDREN and owners.get(row.parent_id) == uid)


def _handler_incidents(user_id: str):
    return select(records.c.id).where(records.c.entity == "incident", records.c.assignee_id == user_id)


def _record_filter(scope: Scope):
    """SQL: exactly the records `scope` sees (the rule of `visible`, for the database to apply)."""
    if scope.kind == ALL:
        return None
    managed = records.c.entity.in_(_SERVER_MANAGED)
    if scope.kind == AREAS:
        residents = and_(records.c.entity == RESIDENT_ENTITY, records.c.area_id.in_(sorted(scope.communities)))
        terms = [managed] + ([records.c.area_id.in_(sorted(scope.areas))] if scope.areas else [])
        return or_(*terms, *([residents] if scope.communities else []))
    return or_(
        managed,
        and_(records.c.entity == "incident", records.c.assignee_id == scope.user_id),
        and_(
            records.c.entity.in_(_CHILDREN),
            records.c.parent_id.isnot(None),  # the partial index (migration 0004)
            records.c.parent_id.in_(_handler_incidents(scope.user_id)),
        ),
    )


def _change_filter(scopes: Iterable[Scope]):
    """SQL: change rows a client under any of `scopes` may care about (see `might_hold`)."""
    terms = []
    for scope in scopes:
        if scope.kind == ALL:
            return None
        if scope.kind == AREAS:
            if scope.areas:
                area_list = sorted(scope.areas)
                terms += [changes.c.area_old.in_(area_list), changes.c.area_new.in_(area_list)]
            if scope.communities:
                up = sorted(scope.communities)
                terms.append(and_(changes.c.entity == RESIDENT_ENTITY, or_(changes.c.area_old.in_(up), changes.c.area_new.in_(up))))
        else:
            terms += [
                changes.c.owner_old == scope.user_id,
                changes.c.owner_new == scope.user_id,
                and_(changes.c.entity.in_(_CHILDREN), changes.c.parent_id.in_(_handler_incidents(scope.user_id))),
            ]
    return or_(changes.c.entity.in_(_SERVER_MANAGED), *terms)


# -- one page ---------------------------------------------------------------------------------
_ITEM = '{"entity":"%s","id":"%s","op":"%s","version":%d,"data":%s}'
_SNAP_ITEM = (
    literal('{"entity":"') + records.c.entity + literal('","id":"') + records.c.id
    + literal('","op":"upsert","version":') + cast(records.c.version, String) + literal(',"data":') + records.c.data
    + literal("}")
)  # fmt: skip


class Page:
    """The changes of one answer, serialised as they are added (data is stored as JSON text already)."""

    def __init__(self):
        self.items: list[str] = []
        self.keys: set[tuple[str, str]] = set()

    def __len__(self) -> int:
        return len(self.items)

    def add(self, entity: str, record_id: str, op: str, version: int, data: str | None) -> None:
        key = (entity, record_id)
        if key in self.keys:
            return  # already in this page, with the record's present state
        self.keys.add(key)
        # No escaping needed: entities are the names of wire.ENTITIES, ids were checked to be
        # UUIDs when pushed (or made by the server), and `data` is stored as JSON text.
        self.items.append(_ITEM % (entity, record_id, op, version, data if data is not None else "null"))

    def add_record(self, rec, sees: bool) -> None:
        if sees:
            self.add(rec.entity, rec.id, "delete" if rec.deleted else "upsert", rec.version, rec.data)
        else:
            self.add(rec.entity, rec.id, "evict", rec.version, None)

    def body(self, cursor: str, has_more: bool, epoch: str) -> bytes:
        return (
            '{"changes":[' + ",".join(self.items) + f'],"cursor":{json.dumps(cursor)},'
            f'"has_more":{"true" if has_more else "false"},"epoch":{json.dumps(epoch)}}}'
        ).encode()


_REC_COLUMNS = (
    records.c.entity, records.c.id, records.c.version, records.c.deleted, records.c.data,
    records.c.area_id, records.c.assignee_id, records.c.parent_id, records.c.seq,
)  # fmt: skip


def incident_owners(conn: Connection, incident_ids: set[str]) -> dict[str, str | None]:
    ids = sorted(i for i in incident_ids if i)
    out: dict[str, str | None] = {}
    for start in range(0, len(ids), 500):
        rows = conn.execute(
            select(records.c.id, records.c.assignee_id).where(
                records.c.entity == "incident", records.c.id.in_(ids[start : start + 500])
            )
        )
        out.update({i: a for i, a in rows})
    return out


class Puller:
    def __init__(self, conn: Connection, scope: Scope, epoch: str, scopes: ScopeCache):
        self.conn = conn
        self.scope = scope
        self.epoch = epoch
        self.scopes = scopes
        self._user_filters: dict[int, Any] = {}

    def _sees(self, scope: Scope, rec, owners: dict[str, str | None]) -> bool:
        """`visible`, and for user records the rule of users_view (each role gets only the users it needs)."""
        if rec.entity != "user" or scope.kind == ALL:
            return visible(scope, rec, owners)
        if scope.id not in self._user_filters:
            self._user_filters[scope.id] = user_filter(self.conn, scope)
        return self._user_filters[scope.id](rec.id, json.loads(rec.data))

    def page(self, cursor_text: str | None, limit: int) -> bytes:
        head = self.conn.execute(select(func.max(changes.c.seq))).scalar() or 0
        cursor = self._start(cursor_text, head)
        if cursor.mode == SNAP:
            next_cursor, has_more, page = self._snap(cursor, limit, head)
        elif cursor.mode == DIFF:
            next_cursor, has_more, page = self._diff(cursor, limit)
        else:
            next_cursor, has_more, page = self._feed(cursor, limit, head)
        return page.body(next_cursor.encode(), has_more, self.epoch)

    def _start(self, text: str | None, head: int) -> Cursor:
        if text is None:
            return Cursor(self.epoch, SNAP, 0, self.scope.id, base=head)
        cursor = Cursor.decode(text)
        if cursor.epoch != self.epoch:
            raise resync("服务器数据已从备份恢复", "the server was restored from a backup (new epoch)")
        if cursor.seq > head:
            raise resync("游标超出服务器记录", "the cursor is ahead of the server's change feed")
        if cursor.scope_id == self.scope.id:
            if cursor.old_scope_id is not None:
                # A cursor is readable JSON: an "old scope" of someone else's would list their record ids.
                old = self.scopes.get(self.conn, cursor.old_scope_id)
                if old is None or old.user_id != self.scope.user_id:
                    raise bad_request("bad_cursor", "同步游标不属于当前用户", "The sync cursor belongs to another user")
            return cursor
        if cursor.mode == SNAP or cursor.old_scope_id is not None:
            raise resync("同步期间负责范围已变更", "your scope changed while a sync was still catching up")
        old = self.scopes.get(self.conn, cursor.scope_id)
        if old is None or old.user_id != self.scope.user_id:
            raise bad_request("bad_cursor", "同步游标不属于当前用户", "The sync cursor belongs to another user")
        return Cursor(self.epoch, DIFF, cursor.seq, self.scope.id, old_scope_id=old.id)

    # -- modes ---------------------------------------------------------------------------------
    def _snap(self, cursor: Cursor, limit: int, head: int) -> tuple[Cursor, bool, Page]:
        # The SQL filter is exactly `visible` here, and the database writes each change's JSON
        # itself: a first pull of a whole grid is the hot path.
        q = select(_SNAP_ITEM, records.c.seq).where(records.c.seq > cursor.seq, records.c.deleted.is_(False))
        flt = _record_filter(self.scope)
        if flt is not None:
            q = q.where(flt, records.c.entity != "user")  # users: chosen in Python, on the last page
        bound = self._snap_bound(cursor.seq, limit)
        if bound is not None:
            q = q.where(records.c.seq <= bound)
        rows = self.conn.execute(q.order_by(records.c.seq).limit(limit + 1)).all()
        page = Page()
        page.items = [item for item, _seq in rows[:limit]]
        if len(rows) <= limit and bound is not None:
            return replace(cursor, seq=bound), True, page  # every visible record up to `bound` is in the page
        if len(rows) > limit:
            return replace(cursor, seq=rows[limit - 1][1]), True, page
        if flt is not None:
            users = select(*_REC_COLUMNS).where(records.c.entity == "user", records.c.deleted.is_(False))
            for row in self.conn.execute(users.order_by(records.c.id)):
                if self._sees(self.scope, row, {}):
                    page.add_record(row, True)
        # Records deleted or moved away while the pages went by were sent earlier, perhaps:
        # the feed from where the first pull began tells (deletes, evicts; repeats are harmless).
        return Cursor(self.epoch, FEED, cursor.base, self.scope.id), cursor.base < head, page

    def _snap_bound(self, after: int, limit: int) -> int | None:
        """A seq that leaves at most `limit + 1` of the scope's records between `after` and it; None: the rest fits.

        Asked of the database as it is, "areas in the scope, seq > after, in seq order, first
        limit + 1" matches an OR of indexes and sorts every remaining row of the scope for each
        page: a first pull grew with the square of the grid's size. Walking the (area_id, seq)
        index of each area for at most limit + 1 positions (index only) and taking the
        (limit + 1)-th smallest bounds the page's query to a short range. Deleted rows are counted
        too (the index does not know): a page may then hold fewer than `limit` items.
        """
        if self.scope.kind != AREAS or not self.scope.areas or len(self.scope.areas) > MAX_WALKED_AREAS:
            return None
        walks = [
            select(records.c.seq).where(records.c.area_id == area, records.c.seq > after)
            .order_by(records.c.seq).limit(limit + 1).subquery()
            for area in sorted(self.scope.areas)
        ]  # fmt: skip
        managed = (
            select(records.c.seq)
            .where(records.c.entity.in_(_SERVER_MANAGED), records.c.entity != "user", records.c.seq > after)
            .order_by(records.c.seq).limit(limit + 1).subquery()
        )  # fmt: skip
        union = union_all(*(select(w.c.seq) for w in [*walks, managed])).subquery()
        return self.conn.execute(select(union.c.seq).order_by(union.c.seq).offset(limit).limit(1)).scalar()

    def _feed(self, cursor: Cursor, limit: int, head: int) -> tuple[Cursor, bool, Page]:
        old = self.scopes.get(self.conn, cursor.old_scope_id) if cursor.old_scope_id is not None else None
        judged = [self.scope] + ([old] if old is not None else [])
        flt = _change_filter(judged)
        q = select(changes).where(changes.c.seq > cursor.seq, changes.c.seq <= head)
        if flt is not None:
            q = q.where(flt)
        rows = self.conn.execute(q.order_by(changes.c.seq).limit(limit + 1)).all()
        current = self._records_of((r.entity, r.record_id) for r in rows)
        handler_view = any(s.kind == HANDLER for s in judged)
        owners = self._owners_of(list(current.values()), handler_view)
        page, pos, stopped = Page(), cursor.seq, False
        for row in rows[:limit]:
            rec = current[(row.entity, row.record_id)]
            children = self._travelling_children(row) if handler_view else []
            if children:
                owners[rec.id] = rec.assignee_id
            if page and len(page) + 1 + len(children) > limit:
                stopped = True
                break
            sees = self._sees(self.scope, rec, owners)
            if sees or any(might_hold(s, row, owners) for s in judged):
                page.add_record(rec, sees)
            for child in children:
                page.add_record(child, visible(self.scope, child, owners))
            pos = row.seq
        if stopped or len(rows) > limit:
            return replace(cursor, seq=pos), True, page
        # Caught up: every row up to the head has been judged.
        return Cursor(self.epoch, FEED, head, self.scope.id), False, page

    def _travelling_children(self, row) -> list:
        """An incident assigned to or away from someone: its events and photos go (or leave) with it."""
        if row.entity != "incident" or row.owner_old == row.owner_new:
            return []
        return self.conn.execute(
            select(*_REC_COLUMNS)
            .where(records.c.parent_id == row.record_id, records.c.entity.in_(_CHILDREN))
            .order_by(records.c.created_seq)
        ).all()

    def _diff(self, cursor: Cursor, limit: int) -> tuple[Cursor, bool, Page]:
        old = self.scopes.get(self.conn, cursor.old_scope_id)
        if old is None:
            raise resync("负责范围记录缺失", "the previous scope is no longer known")
        q = select(*_REC_COLUMNS).where(records.c.entity.notin_(_SERVER_MANAGED))
        if old.kind == AREAS and self.scope.kind == AREAS:
            changed_areas = sorted((old.areas ^ self.scope.areas) | (old.communities ^ self.scope.communities))
            q = q.where(records.c.area_id.in_(changed_areas) if changed_areas else false())
        if cursor.after is not None:
            q = q.where(tuple_(records.c.entity, records.c.id) > tuple_(*cursor.after))
        scan = limit * MAX_SCAN_FACTOR
        rows = self.conn.execute(q.order_by(records.c.entity, records.c.id).limit(scan)).all()
        owners = self._owners_of(rows, HANDLER in (old.kind, self.scope.kind))
        page, last, scanned_all = Page(), cursor.after, len(rows) < scan
        if cursor.after is None:  # first diff page: the users the new scope gains or loses (users_view)
            users = select(*_REC_COLUMNS).where(records.c.entity == "user", records.c.deleted.is_(False))
            for row in self.conn.execute(users.order_by(records.c.id)):
                now, before = self._sees(self.scope, row, {}), self._sees(old, row, {})
                if now != before:
                    page.add_record(row, now)
        extra = len(page)
        for row in rows:
            if len(page) - extra >= limit:
                scanned_all = False
                break
            now, before = visible(self.scope, row, owners), visible(old, row, owners)
            if now and not before and not row.deleted:
                page.add_record(row, True)
            elif before and not now:
                page.add_record(row, False)
            last = (row.entity, row.id)
        if not scanned_all:
            return replace(cursor, after=last), True, page
        # Diff done: resume the feed where the client was, judging by both scopes until caught up.
        return Cursor(self.epoch, FEED, cursor.seq, self.scope.id, old_scope_id=old.id), True, page

    # -- helpers -------------------------------------------------------------------------------
    def _records_of(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Any]:
        out = {}
        for entity, ids in by_entity(keys).items():
            for start in range(0, len(ids), 500):
                q = select(*_REC_COLUMNS).where(records.c.entity == entity, records.c.id.in_(ids[start : start + 500]))
                out.update(((row.entity, row.id), row) for row in self.conn.execute(q))
        return out

    def _owners_of(self, rows, needed: bool) -> dict[str, str | None]:
        """Present assignees of the incidents that `rows` belong to (only handler scopes look at them)."""
        if not needed:
            return {}
        return incident_owners(self.conn, {r.parent_id for r in rows if r.entity in INCIDENT_CHILDREN and r.parent_id})
