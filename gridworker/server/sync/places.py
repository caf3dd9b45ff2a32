"""Places, inspections and hazards on the server: checked with the core's rules, hazards' state derived.

The rules are domain.places' — the same code the client runs offline:

- an `inspection` belongs to a live place the user may write to; it takes the
  place's area and kind; its inspector is the signed-in user; it is checked
  with `validate_inspection` against the checklist in force on the server
  (the shipped table with the server's `checklist` records laid over it) and
  the place's open hazards (replayed from their stored events);
- a `hazard` belongs to a live place the user may write to and takes its
  area; its place is its parent (so the place's hazards are found by index),
  as it is an inspection's (whose photos name the inspection as theirs);
- a `hazard_event` belongs to a hazard and takes its area; its actor is the
  signed-in user; it is checked with `HazardRules.apply` against the state
  replayed from the hazard's stored events (its parent is the hazard), on the
  server's holiday calendar. An accepted event sets the hazard's derived
  fields (a new version of the hazard).

A place moved to another area takes its inspections and their photos, its
hazards and their events along (new versions, written by the server), as an
incident takes its events and photos.

A refusal rejects the mutation with the rule's code (`unanswered`,
`photo_required`, `acknowledgement_required`, `verdict_missing`,
`wrong_state`, `not_serious`, `extension_limit`, `out_of_order`, ...; the
first problem's code when there are several, every problem in
`details.fields`), or `unknown_place` / `unknown_hazard` for a record that
is not there; an `escalated` event must name an incident the user sees
(`unknown_incident`).
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select

from ...domain.places.checklists import ChecklistTable, load_checklists, table_with_records
from ...domain.places.inspections import (Answer, HazardEvent, HazardRefusal, HazardRules, HazardState, Inspection,
                                          Verdict, validate_inspection)  # fmt: skip
from ...domain.register import InvalidRecord
from ..core.schema import records
from .records import Rec, rec_from_row

PLACE_RULED = frozenset({"inspection", "hazard", "hazard_event"})
HAZARD_DERIVED = ("status", "deadline", "extensions", "overdue", "rectified_at", "escalated_at", "incident_id")


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def to_step(data: dict[str, Any]) -> HazardEvent:
    return HazardEvent(
        data["action"], data.get("actor_id") or "", _when(data["at"]), data.get("inspection_id"), _when(data.get("deadline")),
        data.get("reason"), data.get("incident_id"), data.get("severity"), data.get("item_code"),
        tuple(data.get("photo_ids") or ()),
    )  # fmt: skip


def derived_fields(state: HazardState) -> dict[str, Any]:
    def iso(d: datetime | None) -> str | None:
        return d.isoformat() if d else None

    return {
        "status": state.status or "open", "deadline": iso(state.deadline), "extensions": state.extensions,
        "overdue": state.overdue, "rectified_at": iso(state.rectified_at), "escalated_at": iso(state.escalated_at),
        "incident_id": state.incident_id,
    }  # fmt: skip


class PlacePush:
    """What one push needs to check places' records: the checklist, the hazards' logs, made so far included."""

    def __init__(self, run: Any):
        self.run = run
        self._checklists: ChecklistTable | None = None
        self._hazards_of: dict[str, set[str]] = {}  # place id → hazard ids made in this push
        self._logs: dict[str, list[dict[str, Any]]] = {}  # hazard id → its events' data, in order

    # -- lookups ------------------------------------------------------------------------------
    @property
    def checklists(self) -> ChecklistTable:
        if self._checklists is None:
            rows = self.run.conn.execute(select(records.c.data, records.c.deleted).where(records.c.entity == "checklist"))
            recs = [dict(json.loads(data), deleted=bool(deleted)) for data, deleted in rows]
            self._checklists = table_with_records(load_checklists(), recs) if recs else load_checklists()
        return self._checklists

    @property
    def rules(self) -> HazardRules:
        return HazardRules(self.run.rules.calendar)

    def log(self, hazard_id: str) -> list[dict[str, Any]]:
        if hazard_id not in self._logs:
            rows = self.run.conn.execute(
                select(records).where(records.c.parent_id == hazard_id, records.c.entity == "hazard_event",
                                      records.c.deleted.is_(False)).order_by(records.c.created_seq)  # fmt: skip
            )
            self._logs[hazard_id] = [rec_from_row(r).data for r in rows]
        return self._logs[hazard_id]

    def state(self, hazard_id: str) -> HazardState:
        """The hazard's state from its accepted events (one the rules now refuse is skipped, as incidents')."""
        rules, state = self.rules, HazardState()
        for data in sorted(self.log(hazard_id), key=lambda d: (d["at"] and _when(d["at"]), d["action"] != "found")):
            step = to_step(data)
            if rules.check(state, step) is None:
                state = rules.apply(state, step)
        return state

    def open_hazards(self, place_id: str) -> dict[str, HazardState]:
        rows = self.run.conn.execute(
            select(records.c.id).where(records.c.parent_id == place_id, records.c.entity == "hazard", records.c.deleted.is_(False))
        )
        ids = {r[0] for r in rows} | self._hazards_of.get(place_id, set())
        states = {hid: self.state(hid) for hid in sorted(ids)}
        return {hid: s for hid, s in states.items() if s.status == "open"}

    def _owner(self, entity: str, record_id: str | None, code: str, zh: str, en: str) -> Rec:
        from .push import Rejected

        owner = self.run.get(entity, record_id)
        if owner is None or owner.deleted:
            raise Rejected(code, zh, en, {"fields": [{"field": f"{entity}_id", "code": code}]})
        self.run._check_scope(owner, owner.area_id, False, None)
        return owner

    def _actor(self, values: dict[str, Any], field: str) -> None:
        from .push import Rejected

        actor = values.get(field) or self.run.user.id
        if actor != self.run.user.id:
            raise Rejected("actor_mismatch", "检查人或操作人必须是当前登录用户", "The inspector or actor must be the signed-in user")
        values[field] = actor

    # -- the checks -----------------------------------------------------------------------------
    def prepare(self, entity: str, rec: Rec, values: dict[str, Any], creating: bool) -> Any:
        if entity == "hazard_event":
            return self._prepare_step(rec, values)
        if not creating and "place_id" not in values:
            return None  # an edit of a hazard's note
        place = self._owner("place", values.get("place_id"), "unknown_place", "找不到该场所", "No such place")
        values["area_id"] = place.area_id
        if entity == "hazard":
            rec.parent_id = place.id
            self._hazards_of.setdefault(place.id, set()).add(rec.id)
            return None
        self._actor(values, "inspector_id")
        values["kind"] = place.data.get("kind")
        rec.parent_id = place.id
        self._check_inspection(rec, values)
        return None

    def _check_inspection(self, rec: Rec, values: dict[str, Any]) -> None:
        from .push import Rejected

        answers = tuple(Answer(a["item_code"], a.get("result") or "", tuple(a.get("photo_ids") or ()), a.get("photo_waiver"),
                               a.get("note")) for a in values.get("answers") or [])  # fmt: skip
        verdicts = tuple(Verdict(x["hazard_id"], x.get("outcome") or "", x.get("reason"), x.get("days"),
                                 tuple(x.get("photo_ids") or ()), x.get("note")) for x in values.get("verdicts") or [])  # fmt: skip
        facts = Inspection(rec.id, values["place_id"], values["kind"] or "", values["inspector_id"], _when(values["at"]),
                           answers, values.get("purpose") or "routine", verdicts, values.get("acknowledged_by"),
                           values.get("notes"))  # fmt: skip
        try:
            validate_inspection(facts, self.checklists, open_hazards=self.open_hazards(values["place_id"]),
                                now=datetime.now(timezone.utc), rules=self.rules)  # fmt: skip
        except InvalidRecord as e:
            first = e.errors[0]
            raise Rejected(first.code or "invalid_value", e.zh, e.en, e.details) from None

    def _prepare_step(self, rec: Rec, values: dict[str, Any]) -> tuple[Rec, HazardState]:
        from .push import Rejected

        hazard = self._owner("hazard", values.get("hazard_id"), "unknown_hazard", "找不到该隐患", "No such hazard")
        values["area_id"] = hazard.area_id
        self._actor(values, "actor_id")
        rec.parent_id = hazard.id
        if values.get("action") == "escalated" and values.get("incident_id"):
            self._owner("incident", values["incident_id"], "unknown_incident", "找不到该事件", "No such incident")
        try:
            state = self.rules.apply(self.state(hazard.id), to_step(values))
        except HazardRefusal as r:
            raise Rejected(r.code, r.zh, r.en, r.details) from None
        return hazard, state

    def saved(self, rec: Rec, prepared: Any, creating: bool = False, take: dict[str, Any] | None = None) -> None:
        """After a hazard event is written: it joins its hazard's log, and the hazard's derived fields follow.
        After a place moved to another area: its records go with it."""
        if rec.entity == "place":
            if not creating and "area_id" in (take or {}):
                self._move(rec)
            return
        if rec.entity != "hazard_event":
            return
        hazard, state = prepared
        self.log(hazard.id).append(rec.data)
        derived = {k: v for k, v in derived_fields(state).items() if hazard.data.get(k) != v}
        if derived:
            self.run.set_server_fields(hazard, derived)

    # -- a place moved to another area ----------------------------------------------------------
    def _children(self, parent_id: str, entities: tuple[str, ...]) -> list[Rec]:
        rows = self.run.conn.execute(
            select(records).where(records.c.parent_id == parent_id, records.c.entity.in_(entities)).order_by(records.c.created_seq)
        )
        return [self.run.recs.get((r.entity, r.id)) or rec_from_row(r) for r in rows]

    def _move(self, place: Rec) -> None:
        """A place moved to another grid takes its inspections (and their photos), hazards and hazard events:
        they share its scope, so the new grid's workers can re-inspect it (new versions, written by the server)."""
        for child in self._children(place.id, ("inspection", "hazard")):
            below = self._children(child.id, ("photo",) if child.entity == "inspection" else ("hazard_event",))
            for rec in (child, *below):
                if rec.area_id != place.area_id and not rec.deleted:
                    self.run.set_server_fields(rec, {"area_id": place.area_id})
                    self.run.recs[rec.key] = rec
