"""Applying a push: every mutation checked (entity, role, scope, values, lifecycle), merged, recorded.

One push is one write transaction (Database.write). Mutations are applied in
the order sent, each seeing the ones before it; records are read in bulk up
front and written in bulk at the end (records.FeedWriter). A mutation that is
refused gets `rejected` with a code and a reason and changes nothing; the
others still apply. Every result is stored under (user, mutation_id), so a
replayed mutation gets its first result back and changes nothing.
"""

from __future__ import annotations

import json
import time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, insert, select
from sqlalchemy.engine import Connection

from ...domain import hlc as hlc_mod
from ...domain import wire
from ...domain.display import entity_label
from ...domain.errors import OUT_OF_SCOPE
from ...domain.lifecycle import IncidentState, Refusal, Rules
from ...domain.register import InvalidRecord
from ...domain.wire import ENTITIES, INCIDENT_CHILDREN
from ...domain.wire_participation import PARTICIPATION
from ..core.auth import User
from ..core.schema import conflicts, records
from .assignees import may_be_assigned
from .blob_access import may_claim
from .incidents import CalendarCache, derived_fields, replay, to_event
from .places import PLACE_RULED, PlacePush
from .push_conflicts import ConflictNotes
from .push_results import Outcome, exact_record, result_text
from .merge import APPLIED, REJECTED, Merge, changed_by_others, merge_fields, note_author
from .participation import ParticipationRun
from .records import SERVER_WRITER, FeedWriter, Rec, bulk, by_ids, load, load_children
from .scope import ALL, AREAS, HANDLER, Scope

STAFF_ROLES = frozenset({"admin", "dispatcher"})
_LIVE_AREA = select(records.c.id).where(
    records.c.entity == "area", records.c.id == bindparam("area_id"), records.c.deleted.is_(False)
)
CLOCK_AHEAD_MS = hlc_mod.MAX_AHEAD_MS  # how far ahead of the server's clock an edit's clock may be


@dataclass
class Mutation:
    mutation_id: str
    entity: str
    id: str
    op: str
    base_version: int | None
    fields: dict[str, Any]
    hlc: str


class Rejected(Exception):
    def __init__(self, code: str, zh: str, en: str, details: dict | None = None):
        super().__init__(en)
        self.code, self.zh, self.en, self.details = code, zh, en, details or {}


@dataclass
class PushRun(ConflictNotes):
    """The state of one push while it is applied."""

    conn: Connection
    user: User
    scope: Scope
    device_id: str
    calendars: CalendarCache
    lang: str = "zh"
    writer: FeedWriter = field(init=False)
    recs: dict[tuple[str, str], Rec | None] = field(default_factory=dict)
    conflict_rows: list[dict[str, Any]] = field(default_factory=list)
    _areas: dict[str, bool] = field(default_factory=dict)  # area id → it exists (area_exists)
    _categories: set[str] | None = None
    _logs: dict[str, list[Rec]] = field(default_factory=dict)
    _device_users: dict[str, str | None] = field(default_factory=dict)
    encoded: dict[str, str] = field(default_factory=dict)  # mutation_id → its result as JSON text (finish)

    def __post_init__(self):
        self.writer = FeedWriter(self.conn)
        self.now_ms = int(time.time() * 1000)
        self.server_hlc = str(hlc_mod.Hlc(self.now_ms, 0, SERVER_WRITER))
        self._clock_limit = f"{self.now_ms + CLOCK_AHEAD_MS:013d}"  # a clock's 13 digits of ms compare as text
        self._rules: Rules | None = None
        # The helpers see the run through a weak proxy: a cycle would keep the push's records (their data
        # and meta) alive until the garbage collector found them, in its costly older generations.
        me = weakref.proxy(self)
        self.places = PlacePush(me)  # inspections and hazards (places.py)
        self.part = ParticipationRun(me)  # issue 16's entities (participation.py)

    @property
    def rules(self) -> Rules:
        """The lifecycle rules, looked up only by pushes that touch incidents."""
        if self._rules is None:
            self._rules = self.calendars.rules(self.conn)
        return self._rules

    def msg(self, zh: str, en: str) -> str:
        return en if self.lang == "en" else zh

    # -- records -----------------------------------------------------------------------
    def prefetch(self, batch: Sequence[Mutation]) -> None:
        keys = {(m.entity, m.id) for m in batch}
        for m in batch:
            if m.entity == "incident_event" and isinstance(m.fields.get("incident_id"), str):
                keys.add(("incident", m.fields["incident_id"]))
            if m.entity == "photo" and isinstance(m.fields.get("entity_id"), str):
                keys.add((str(m.fields.get("entity")), m.fields["entity_id"]))
        found = load(self.conn, keys)
        for key in keys:
            self.recs[key] = found.get(key)

    def get(self, entity: str, record_id: str | None) -> Rec | None:
        if not record_id:
            return None
        key = (entity, record_id)
        if key not in self.recs:
            self.recs[key] = load(self.conn, [key]).get(key)
        return self.recs[key]

    def area_exists(self, area_id: str) -> bool:
        """Looked up by key, each area once a push (a push names a few: reading every area's row each push
        cost a district's admin ~3% of a push of edits)."""
        if area_id not in self._areas:
            self._areas[area_id] = self.conn.execute(_LIVE_AREA, {"area_id": area_id}).first() is not None
        return self._areas[area_id]

    def category_exists(self, code: str) -> bool:
        if self._categories is None:
            rows = self.conn.execute(
                select(records.c.data).where(records.c.entity == "category", records.c.deleted.is_(False))
            )
            self._categories = {json.loads(r[0])["code"] for r in rows}
        return code in self._categories

    def log_of(self, incident: Rec) -> list[Rec]:
        if incident.id not in self._logs:
            stored = load_children(self.conn, incident.id) if incident.stored else []
            self._logs[incident.id] = [r for r in stored if r.entity == "incident_event"]
        return self._logs[incident.id]

    # -- one mutation --------------------------------------------------------------------
    def apply(self, m: Mutation) -> dict[str, Any]:
        try:
            outcome = self._apply(m)
        except Rejected as r:
            rec = self.recs.get((m.entity, m.id))
            # Both languages too: the refusal is kept on the device and shown in whichever language its user picks.
            error = {"code": r.code, "message": self.msg(r.zh, r.en), "message_zh": r.zh, "message_en": r.en,
                     "details": r.details}  # fmt: skip
            # The version only to whoever may see the record: no answer tells whether others' records exist.
            shown = rec is not None and rec.stored and r.code != "out_of_scope" and self._sees(rec)
            outcome = Outcome(REJECTED, rec.version if shown else None, error)
        return outcome.result(m.mutation_id)

    def _check_clock(self, m: Mutation) -> None:
        """The edit's clock decides collisions: refuse one that would win every later one (docs: Bounds)."""
        if not m.hlc.isascii():
            raise Rejected(
                "bad_clock",
                "修改的时间戳无效（只能含半角数字和字母），请更新软件",
                "The edit's clock is not valid (ASCII digits and letters only); update the app",
            )
        clock = m.hlc
        if len(clock) > 13 and clock[13] == "-" and clock[:13].isdigit():  # the protocol's form (ASCII: above)
            ahead = clock[:13] > self._clock_limit  # as Hlc.parse(clock).ms > limit, without building the Hlc
        else:
            ahead = hlc_mod.Hlc.parse(clock).ms > self.now_ms + CLOCK_AHEAD_MS
        if ahead:
            raise Rejected(
                "clock_ahead",
                "设备时间比服务器快一天以上，请校正设备的日期和时间后再同步",
                "The device clock is more than a day ahead of the server's: correct its date and time, then sync again",
            )

    def _apply(self, m: Mutation) -> Outcome:
        self._check_clock(m)
        spec = ENTITIES[m.entity]
        if spec.server_managed and not self.part.edits_managed(m.entity, m.op):
            raise Rejected("server_managed", f"{entity_label(m.entity, 'zh')}由服务器管理，只能下载，不能上传",
                           f"{entity_label(m.entity, 'en').capitalize()} records are managed on the server: pull only")
        if self.user.role == "handler" and m.entity not in INCIDENT_CHILDREN:
            raise Rejected(
                "role_not_allowed",
                "处置人员只能提交事件处理记录和照片",
                "A handler can only add incident events and photos",
            )
        rec = self.get(m.entity, m.id)
        if m.op == "delete":
            return self._delete(m, spec, rec)
        return self._upsert(m, spec, rec)

    def _upsert(self, m: Mutation, spec: wire.Entity, rec: Rec | None) -> Outcome:
        if not spec.read_only.isdisjoint(m.fields):
            read_only = sorted(f for f in m.fields if f in spec.read_only)
            raise Rejected(
                "read_only_field",
                f"字段 {', '.join(read_only)} 由服务器计算，不能修改",
                f"Field(s) {', '.join(read_only)} are set by the server and cannot be written",
                {"fields": read_only},
            )
        creating = rec is None
        # A record this user may not see is answered exactly as an id the server does not have
        # (checked as a create), so that no answer tells whether someone else's record exists.
        hidden = not creating and not self._sees(rec)
        as_new = creating or hidden
        try:
            values = wire.validate(m.entity, m.fields, creating=as_new, existing=None if as_new else rec.data, types_checked=True)
        except InvalidRecord as e:
            if as_new and all(f.get("code") == "required" for f in e.details.get("fields", [])):
                raise _out_of_scope() from None  # an edit of a record that is not here, or not theirs
            raise Rejected("invalid_value", e.zh, e.en, e.details) from None
        if hidden:
            probe = Rec(m.entity, m.id)
            self._check_scope(probe, values.get("area_id"), True, self._prepare(m.entity, probe, values, True))
            raise _out_of_scope()  # it would have been a create in their areas: the id is taken
        if spec.create_only and not creating:
            return self._replayed_create(rec, values)
        if creating:
            rec = Rec(m.entity, m.id)
        before = (rec.version, dict(rec.data))  # what `exact` compares with once everything is done
        prepared = self._prepare(m.entity, rec, values, creating)
        self._check_scope(rec, values.get("area_id", rec.area_id), creating, prepared)
        if creating:
            merge = Merge(take=values)
        else:
            merge = merge_fields(rec, m.base_version, values, m.hlc, self.device_id)
            if rec.deleted:
                merge.collisions["deleted"] = {"mine": False, "theirs": True, "winner": "server"}
        if merge.take or creating:
            self._save(m, rec, merge.take, creating, prepared)
        self._record_conflicts(m, rec, merge)
        exact = exact_record(m, values, rec, before, merge)
        return Outcome(merge.status, rec.version, self._conflict_error(merge), exact)

    def _sees(self, rec: Rec) -> bool:
        if self.scope.kind == ALL or rec.entity in wire.SERVER_MANAGED:  # (edits: ParticipationRun.edits_managed)
            return True
        if self.scope.kind == AREAS:
            return self.scope.sees(rec.entity, rec.area_id)
        incident = self.get("incident", rec.parent_id) if rec.parent_id else None
        return incident is not None and incident.assignee_id == self.user.id

    def _replayed_create(self, rec: Rec, values: dict[str, Any]) -> Outcome:
        """A create-only record pushed again: fine if it says the same, refused if it tries to change it."""
        if all(rec.data.get(k) == v for k, v in values.items() if k != "area_id"):
            return Outcome(APPLIED, rec.version)
        raise Rejected("create_only", "事件记录、检查记录和照片一经保存不可修改",
                       "Incident events, inspections, hazard updates and photos cannot be changed once saved")

    def _delete(self, m: Mutation, spec: wire.Entity, rec: Rec | None) -> Outcome:
        if spec.create_only:
            raise Rejected("create_only", "办理记录、检查记录和照片不能删除",
                           "Updates (of incidents, hazards, orders…), inspections and photos cannot be deleted")
        if m.entity in PARTICIPATION:
            self.part.check_delete(m.entity)
        if m.entity == "incident" and self.user.role not in STAFF_ROLES:
            raise Rejected(
                "role_not_allowed",
                "只有社区工作人员或管理员可以删除事件（可选择不予受理）",
                "Only a dispatcher or an admin can delete an incident (reject it instead)",
            )
        if rec is None or not self._sees(rec):
            raise _out_of_scope()  # the same answer for "not there" and "not yours"
        self._check_scope(rec, rec.area_id, False, None)
        if rec.deleted:
            return Outcome(APPLIED, rec.version)
        merge = Merge()
        if changed_by_others(rec, m.base_version, self.device_id):
            merge.collisions["deleted"] = {"mine": True, "theirs": False, "winner": "client"}
        before = self.writer.before(rec)
        rec.version += 1
        rec.deleted = True
        rec.meta["d"] = [rec.version, m.hlc, self.device_id]
        self.writer.saved(rec, before)
        self._record_conflicts(m, rec, merge)
        return Outcome(merge.status, rec.version, self._conflict_error(merge))

    # -- per-entity rules -----------------------------------------------------------------
    def _prepare(self, entity: str, rec: Rec, values: dict[str, Any], creating: bool) -> Any:
        """Checks and server-set values that depend on other records; returns what _save needs."""
        if entity in PLACE_RULED:
            return self.places.prepare(entity, rec, values, creating)
        if entity in PARTICIPATION:
            return self.part.prepare(entity, rec, values, creating)
        if entity == "point_rule":
            return self.part.point_rule(rec, values, creating)
        if entity == "incident_event":
            return self._prepare_event(values)
        if entity == "photo":
            return self._prepare_photo(rec, values)
        if entity == "incident" and values.get("category") and not self.category_exists(values["category"]):
            raise Rejected(
                "invalid_value",
                f"未知的事件类别“{values['category']}”",
                f"Unknown incident category '{values['category']}'",
                {"fields": [{"field": "category", "code": "unknown_category"}]},
            )
        return None

    def _prepare_event(self, values: dict[str, Any]) -> tuple[Rec, IncidentState]:
        incident = self.get("incident", values["incident_id"])
        if incident is None or incident.deleted:
            raise Rejected("unknown_incident", "找不到该事件", "No such incident", {"incident_id": values["incident_id"]})
        self._check_scope(incident, incident.area_id, False, None)
        actor = values.get("actor_id") or self.user.id
        if actor != self.user.id:
            raise Rejected(
                "actor_mismatch", "事件记录的操作人必须是当前登录用户", "An event's actor must be the signed-in user"
            )
        values.update(actor_id=self.user.id, actor_role=self.user.role, area_id=incident.area_id)
        assignee = values.get("assignee_id")
        if assignee and not may_be_assigned(self.conn, assignee, incident.area_id):
            raise Rejected(
                "invalid_assignee",
                "处置人须为该事件所在区域的在用处置人员或网格员",
                "The assignee must be an active handler or grid worker of the incident's area",
                {"fields": [{"field": "assignee_id", "code": "invalid_assignee"}]},
            )
        state = replay(self.rules, self.log_of(incident))
        try:
            return incident, self.rules.apply(state, to_event(values))
        except Refusal as r:
            raise Rejected(r.code, r.zh, r.en, r.details) from None

    def _prepare_photo(self, rec: Rec, values: dict[str, Any]) -> Rec | None:
        owner, owner_id = values.get("entity"), values.get("entity_id")
        incident = None
        if owner == "incident":
            incident = self.get("incident", owner_id)
        elif owner == "incident_event":
            event = self.get("incident_event", owner_id)
            incident = self.get("incident", event.parent_id) if event else None
        if incident is not None:
            values["area_id"] = incident.area_id  # a photo lives where its incident lives
            rec.parent_id = incident.id
        elif owner in ("incident", "inspection") and isinstance(owner_id, str):
            # A report sends its photos before the incident itself (they are made first, in
            # one transaction): the parent is named all the same, so that whoever sees the
            # incident — a handler, through this link only — receives the photo too. An
            # inspection's photos name it too: they move with it (places.py).
            rec.parent_id = owner_id
        if not may_claim(self.conn, self.scope, self.user.id, values["sha256"]):
            raise Rejected(
                "unknown_blob",
                "该照片文件不在您可查看的范围内",
                "That photo file is not one you can see",
                {"sha256": values["sha256"]},
            )
        rec.sha256 = values["sha256"]
        return incident

    def _check_scope(self, rec: Rec, new_area: str | None, creating: bool, prepared: Any) -> None:
        if rec.entity in wire.SERVER_MANAGED:
            return  # no area: who may edit one is decided by its rules (ParticipationRun.point_rule)
        kind = self.scope.kind
        if kind == HANDLER:
            incident = prepared[0] if isinstance(prepared, tuple) else prepared if isinstance(prepared, Rec) else None
            if rec.entity == "incident":
                incident = rec
            if incident is None or incident.assignee_id != self.user.id:
                raise _out_of_scope()
            return
        if new_area is None:
            if kind == AREAS and creating:
                raise _out_of_scope()  # an edit of a record not here or not theirs looks just like this
            raise Rejected("area_required", "请指定所属网格（area_id）", "The record needs an area (area_id)")
        if kind == AREAS:
            if not self.scope.sees(rec.entity, new_area) or (not creating and not self.scope.sees(rec.entity, rec.area_id)):
                raise _out_of_scope()
        elif kind == ALL and not self.area_exists(new_area):
            raise Rejected("unknown_area", "所属网格不存在", "The area does not exist", {"area_id": new_area})

    # -- writing -----------------------------------------------------------------------------
    def _save(self, m: Mutation, rec: Rec, take: dict[str, Any], creating: bool, prepared: Any) -> None:
        before = self.writer.before(rec)
        rec.version += 1
        rec.set_fields(take, rec.version, m.hlc, self.device_id)
        note_author(rec, self.device_id, self.user.id)
        if creating and m.entity == "incident":
            state = replay(self.rules, self.log_of(rec))
            rec.set_fields(derived_fields(state), rec.version, self.server_hlc, SERVER_WRITER)
            rec.assignee_id = state.assignee_id
        if m.entity == "incident_event":
            rec.parent_id = rec.data["incident_id"]
            rec.meta["r"] = self.now_ms / 1000
        self.recs[rec.key] = rec
        self.writer.saved(rec, before)
        if m.entity in PARTICIPATION:
            self.part.saved(m.entity, rec, prepared, creating)
        if m.entity == "incident_event":
            incident, state = prepared
            self.log_of(incident).append(rec)
            self._set_derived(incident, state)
        if m.entity == "incident" and not creating and "area_id" in take:
            self._move_children(rec)
        if m.entity in PLACE_RULED or m.entity == "place":
            self.places.saved(rec, prepared, creating, take)

    def set_server_fields(self, rec: Rec, values: dict[str, Any]) -> None:
        """Fields the server derives (a hazard's state from its events): a new version, written by the server."""
        before = self.writer.before(rec)
        rec.version += 1
        rec.set_fields(values, rec.version, self.server_hlc, SERVER_WRITER)
        self.writer.saved(rec, before)

    def _set_derived(self, incident: Rec, state: IncidentState) -> None:
        derived = {k: v for k, v in derived_fields(state).items() if incident.data.get(k) != v}
        if not derived:
            return
        before = self.writer.before(incident)
        incident.version += 1
        incident.set_fields(derived, incident.version, self.server_hlc, SERVER_WRITER)
        incident.assignee_id = state.assignee_id
        self.writer.saved(incident, before)

    def _move_children(self, incident: Rec) -> None:
        """An incident moved to another area takes its events and photos with it (they share its scope)."""
        for child in load_children(self.conn, incident.id):
            child = self.recs.get(child.key) or child
            if child.area_id == incident.area_id:
                continue
            before = self.writer.before(child)
            child.version += 1
            child.set_fields({"area_id": incident.area_id}, child.version, self.server_hlc, SERVER_WRITER)
            self.recs[child.key] = child
            self.writer.saved(child, before)

    def finish(self, results: list[tuple[Mutation, dict[str, Any]]]) -> None:
        self.writer.flush()
        if self.conflict_rows:
            self.conn.execute(insert(conflicts), self.conflict_rows)
        now = time.time()
        self.encoded.update((m.mutation_id, result_text(r)) for m, r in results)
        rows = [(self.user.id, m.mutation_id, self.encoded[m.mutation_id], now) for m, _ in results]
        bulk(self.conn, "INSERT INTO mutations (user_id, mutation_id, result, at) VALUES (?, ?, ?, ?)", rows)


def _out_of_scope() -> Rejected:
    """One answer for a record that is not on the server and one that is not this user's.

    The client refuses the same writes offline with these words (domain.errors.OUT_OF_SCOPE)."""
    return Rejected(*OUT_OF_SCOPE)


def apply_push(run: PushRun, batch: Sequence[Mutation]) -> list[dict[str, Any]]:
    """Apply a push's mutations in order; replays get their first result. Call inside Database.write()."""
    ids = list({m.mutation_id for m in batch})
    done: dict[str, dict[str, Any]] = {}
    head = "SELECT mutation_id, result FROM mutations WHERE user_id = ? AND mutation_id"
    for _chunk, sql, params in by_ids(run.conn, head, ids, (run.user.id,)):
        done.update({mid: json.loads(result) for mid, result in run.conn.exec_driver_sql(sql, params)})
    run.prefetch([m for m in batch if m.mutation_id not in done])
    results: list[dict[str, Any]] = []
    fresh: list[tuple[Mutation, dict[str, Any]]] = []
    for m in batch:
        if m.mutation_id in done:
            results.append(done[m.mutation_id])
            continue
        result = run.apply(m)
        done[m.mutation_id] = result
        fresh.append((m, result))
        results.append(result)
    run.finish(fresh)
    return results
