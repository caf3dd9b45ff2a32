"""Places and their inspections: register a place, inspect it, re-inspect, escalate a hazard (issue 15).

Each operation is one transaction writing the records and their outbox rows,
as the register's and the incidents' do. The rules are the pure core's
(domain/places, docs/places.md): `clean_place` names every bad field,
`validate_inspection` checks an inspection against the checklist in force
(the server's items laid over the shipped table, services.tables) and the
place's open hazards, `inspection_events` turns it into hazards and their
`found`/verdict events, `HazardRules` checks every event — the server checks
them again with the same rules.

An inspection, its photos (ordinary photo records, entity "inspection"), its
new hazards and all hazard events are saved in one transaction: a refusal
leaves nothing behind but photo files no record names. A hazard's derived
fields (status, deadline, ...) are set locally for display and never pushed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from ..domain import validation as v
from ..domain.enums import Source
from ..domain.errors import Refused
from ..domain.fieldwork import Photo
from ..domain.models import Building, new_id, utcnow
from ..domain.names import pinyin_of
from ..domain.permissions import check_may_edit_places
from ..domain.places.checklists import ChecklistTable
from ..domain.places.escalation import escalation_fields
from ..domain.places.inspections import Answer, Hazard as HazardFacts, HazardEvent as Step, HazardRules, HazardState
from ..domain.places.inspections import Inspection as InspectionFacts, Verdict, inspection_events, validate_inspection
from ..domain.places.place import Place as PlaceFacts, clean_place
from ..domain.placework import Hazard, HazardEvent, Inspection, Place
from . import tables
from .base import Tx, create_record, get_live, operation
from .changes import apply_fields, record_delete, record_upsert
from .incidents import append_record, attach_photo, aware, report_incident
from .scope import stored_role


# -- places ---------------------------------------------------------------------------------
def _set_names(p: Place) -> None:
    p.pinyin, p.initials = pinyin_of(p.name)


def _place_values(s: Session, values: dict[str, Any]) -> dict[str, Any]:
    """A place in a building takes the building's grid when none is given."""
    if values.get("building_id"):
        building = get_live(s, Building, values["building_id"])
        if not values.get("area_id"):
            values["area_id"] = building.area_id
    return values


@operation
def register_place(tx: Tx, fields: dict[str, Any]) -> Place:
    """A new place; InvalidRecord names every bad field (name, kind, phone, licence_number, ...)."""
    values = clean_place(fields)
    values["notes"] = _notes(fields.get("notes"))
    values = _place_values(tx.s, values)
    place, changed = create_record(Place, {k: v for k, v in values.items() if v is not None})
    _set_names(place)
    record_upsert(tx.s, place, changed | {"name": place.name, "kind": place.kind}, tx.changes)
    return place


@operation
def update_place(tx: Tx, place_id: str, fields: dict[str, Any]) -> Place:
    """Change some fields of a place: the others are kept; every bad field is named."""
    place = get_live(tx.s, Place, place_id)
    current = {k: getattr(place, k) for k in ("name", "kind", "address", "building_id", "person_in_charge", "phone",
                                             "licence_number", "area_id")}  # fmt: skip
    values = clean_place(current | fields)
    values = {k: v for k, v in values.items() if k in fields}
    if "notes" in fields:
        values["notes"] = _notes(fields.get("notes"))
    if values.get("building_id") and values["building_id"] != place.building_id:
        values = _place_values(tx.s, values)
    changed = apply_fields(place, values)
    if "name" in changed:
        _set_names(place)
    record_upsert(tx.s, place, changed, tx.changes)
    if "area_id" in changed:
        _move_records(tx, place)
    return place


def _move_records(tx: Tx, place: Place) -> None:
    """A place moved to another grid: its inspections (and their photos), hazards and hazard events follow
    here at once, for the lists. No outbox rows: the server moves them itself (create-only records cannot be
    pushed again) and sends their new versions."""
    inspections = list(tx.s.exec(select(Inspection.id).where(Inspection.place_id == place.id)))
    hazards = list(tx.s.exec(select(Hazard.id).where(Hazard.place_id == place.id)))
    moved = {
        Inspection: Inspection.id.in_(inspections), Hazard: Hazard.id.in_(hazards),
        HazardEvent: HazardEvent.hazard_id.in_(hazards),
        Photo: (Photo.owner_entity == "inspection") & Photo.entity_id.in_(inspections),
    }  # fmt: skip
    for model, where in moved.items():
        for row in tx.s.exec(select(model).where(where)):
            row.area_id = place.area_id
            tx.s.add(row)
            tx.changes.add(model.entity, row.id)


def _notes(value: Any) -> str | None:
    return v.text("notes", value, max_len=2000)


@operation
def delete_place(tx: Tx, place_id: str, *, actor_role: str | None = None) -> Place:
    """Tombstone a place (synced as a delete). One with open hazards is refused: they must be signed off or
    escalated first; so is a role that may not change the places' register (`actor_role`, or the linked
    account's). Its inspections and hazards stay, as records of what was done."""
    check_may_edit_places(actor_role)
    check_may_edit_places(stored_role(tx.s))
    place = get_live(tx.s, Place, place_id)
    n = len(open_hazards(tx.s, place.id))
    if n:
        raise Refused(
            f"场所“{place.name}”还有{n}项隐患未整改销号或上报，不能删除",
            f"{place.name} still has {n} open hazard{'s' if n > 1 else ''}: sign them off or escalate them before deleting it",
            code="not_empty",
        )
    record_delete(tx.s, place, tx.changes)
    return place


def place_facts(place: Place) -> PlaceFacts:
    return PlaceFacts(place.id, place.name, place.kind, place.area_id, place.address, place.building_id,
                      place.person_in_charge, place.phone, place.licence_number)  # fmt: skip


# -- hazards ---------------------------------------------------------------------------------
def hazard_rules(s: Session) -> HazardRules:
    """The hazard rules on the holiday calendar in force on this device."""
    return HazardRules(tables.work_calendar(s))


def to_step(row: HazardEvent) -> Step:
    return Step(row.action, row.actor_id, row.at, row.inspection_id, row.deadline, row.reason, row.incident_id,
                row.severity, row.item_code, tuple(row.photo_ids))  # fmt: skip


def hazard_steps(s: Session, hazard_id: str) -> list[HazardEvent]:
    q = select(HazardEvent).where(HazardEvent.hazard_id == hazard_id, HazardEvent.deleted == False)  # noqa: E712
    return sorted(s.exec(q), key=lambda e: (e.at, e.action != "found"))


def hazard_state(s: Session, hazard_id: str, rules: HazardRules | None = None) -> HazardState:
    return (rules or hazard_rules(s)).replay(to_step(e) for e in hazard_steps(s, hazard_id))


def open_hazards(s: Session, place_id: str, rules: HazardRules | None = None) -> dict[str, HazardState]:
    """The place's open hazards by id, each replayed from its events."""
    q = select(Hazard.id).where(Hazard.place_id == place_id, Hazard.deleted == False, Hazard.status == "open")  # noqa: E712
    rules = rules or hazard_rules(s)
    states = {hid: hazard_state(s, hid, rules) for hid in s.exec(q).all()}
    return {hid: st for hid, st in states.items() if st.status == "open"}


def _set_derived(tx: Tx, hazard: Hazard, state: HazardState, now: datetime) -> None:
    """The derived fields, for display: no outbox row (the server derives them itself)."""
    hazard.status = state.status or "open"
    hazard.deadline = state.deadline
    hazard.extensions = state.extensions
    hazard.overdue = state.overdue or (state.status == "open" and state.deadline is not None and now > state.deadline)
    hazard.rectified_at = state.rectified_at
    hazard.escalated_at = state.escalated_at
    hazard.incident_id = state.incident_id
    tx.s.add(hazard)
    tx.changes.add(hazard.entity, hazard.id)


def _append_step(tx: Tx, hazard: Hazard, state: HazardState, step: Step, rules: HazardRules, now: datetime) -> HazardState:
    new_state = rules.apply(state, step)
    values = {
        "area_id": hazard.area_id, "hazard_id": hazard.id, "action": step.action, "actor_id": step.actor_id,
        "at": step.at, "inspection_id": step.inspection_id, "deadline": step.deadline, "reason": step.reason,
        "incident_id": step.incident_id, "severity": step.severity, "item_code": step.item_code,
        "photo_ids": list(step.photo_ids),
    }  # fmt: skip
    append_record(tx, HazardEvent(**values), values)
    _set_derived(tx, hazard, new_state, now)
    return new_state


# -- inspections -------------------------------------------------------------------------------
@dataclass(frozen=True)
class ItemAnswer:
    """What the inspector said about one checklist item; `photos` are picture files to attach."""

    item_code: str
    result: str  # pass | fail | na
    photos: Sequence[str | Path] = ()
    photo_waiver: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class HazardVerdict:
    """A re-inspection's word on one open hazard: rectified (销号), extended (reason, days) or not_rectified."""

    hazard_id: str
    outcome: str
    reason: str | None = None
    days: int | None = None
    photos: Sequence[str | Path] = ()
    note: str | None = None


@dataclass
class InspectionResult:
    inspection: Inspection
    new_hazards: list[Hazard] = field(default_factory=list)
    states: dict[str, HazardState] = field(default_factory=dict)  # every hazard it touched, after it


@operation
def save_inspection(
    tx: Tx,
    photos_dir: str | Path | None,
    *,
    place_id: str,
    inspector_id: str,
    answers: Sequence[ItemAnswer] = (),
    verdicts: Sequence[HazardVerdict] = (),
    purpose: str = "routine",
    acknowledged_by: str | None = None,
    notes: str | None = None,
    at: datetime | None = None,
    checklists: ChecklistTable | None = None,
) -> InspectionResult:
    """Save an inspection (or re-inspection) with its photos, new hazards and every hazard event, in one
    transaction. InvalidRecord lists every problem, each naming its field (`answers.<item>`,
    `verdicts.<hazard>`, `acknowledged_by`, ...), before anything is written."""
    place = get_live(tx.s, Place, place_id)
    when = aware("at", at) if at is not None else utcnow()
    now = utcnow()
    checklists = checklists or tables.checklist_table(tx.s)
    rules = hazard_rules(tx.s)
    open_now = open_hazards(tx.s, place.id, rules)
    if (any(a.photos for a in answers) or any(v.photos for v in verdicts)) and photos_dir is None:
        raise ValueError("photos_dir is required to attach photos")
    facts = _facts(place, inspector_id, when, answers, verdicts, purpose, acknowledged_by, notes)
    facts = validate_inspection(facts, checklists, open_hazards=open_now, now=now, rules=rules)
    record = Inspection(id=facts.id, place_id=place.id, kind=place.kind, inspector_id=inspector_id, at=when)
    facts = _with_photos(tx, photos_dir, record.id, place.area_id, facts, answers, verdicts)
    values = {
        "area_id": place.area_id, "place_id": place.id, "kind": place.kind, "inspector_id": inspector_id, "at": when,
        "purpose": facts.purpose, "acknowledged_by": facts.acknowledged_by, "notes": facts.notes,
        "answers": [_answer_wire(a) for a in facts.answers], "verdicts": [_verdict_wire(v) for v in facts.verdicts],
        "photo_ids": [p for a in facts.answers for p in a.photo_ids] + [p for v in facts.verdicts for p in v.photo_ids],
    }  # fmt: skip
    for name, value in values.items():
        setattr(record, name, value)
    append_record(tx, record, values)
    result = _write_hazards(tx, record, facts, checklists, rules, open_now, now)
    from .place_walks import advance_after_inspection  # it builds on services.visits, which builds on incidents

    advance_after_inspection(tx, place.id, when)
    return result


def _placeholders(paths: Sequence[Any]) -> tuple[str, ...]:
    """Stand-in photo ids while the inspection is checked: the files are stored only once it is accepted."""
    return tuple(f"new:{i}" for i in range(len(paths)))


def _facts(place: Place, inspector_id: str, when: datetime, answers: Sequence[ItemAnswer], verdicts: Sequence[HazardVerdict],
           purpose: str, acknowledged_by: str | None, notes: str | None) -> InspectionFacts:  # fmt: skip
    return InspectionFacts(
        id=new_id(), place_id=place.id, kind=place.kind, inspector_id=inspector_id, at=when,
        answers=tuple(Answer(a.item_code, a.result, _placeholders(a.photos), a.photo_waiver, a.note) for a in answers),
        purpose=purpose,
        verdicts=tuple(Verdict(v.hazard_id, v.outcome, v.reason, v.days, _placeholders(v.photos), v.note) for v in verdicts),
        acknowledged_by=acknowledged_by, notes=notes,
    )  # fmt: skip


def _with_photos(tx: Tx, photos_dir: str | Path | None, inspection_id: str, area_id: str | None, facts: InspectionFacts,
                 answers: Sequence[ItemAnswer], verdicts: Sequence[HazardVerdict]) -> InspectionFacts:  # fmt: skip
    """The photos stored (records of the inspection, captioned with their item) and their ids put in place."""

    def attach(paths: Sequence[str | Path], caption: str | None) -> tuple[str, ...]:
        return tuple(attach_photo(tx, photos_dir, p, "inspection", inspection_id, caption, area_id=area_id).id for p in paths)

    by_item = {a.item_code: a for a in answers}
    return replace(
        facts,
        answers=tuple(replace(a, photo_ids=attach(by_item[a.item_code].photos, a.item_code)) for a in facts.answers),
        verdicts=tuple(replace(v, photo_ids=attach(src.photos, None)) for v, src in zip(facts.verdicts, verdicts)),
    )


def _write_hazards(tx: Tx, record: Inspection, facts: InspectionFacts, checklists: ChecklistTable, rules: HazardRules,
                   open_now: dict[str, HazardState], now: datetime) -> InspectionResult:  # fmt: skip
    new, events = inspection_events(facts, checklists, rules, open_now)
    result = InspectionResult(record)
    rows: dict[str, Hazard] = {}
    for h in new:
        row = _new_hazard(tx, h, record.area_id)
        rows[h.id] = row
        result.new_hazards.append(row)
    for hazard_id, steps in events.items():
        row = rows.get(hazard_id) or get_live(tx.s, Hazard, hazard_id)
        state = open_now.get(hazard_id) or HazardState()
        for step in steps:
            state = _append_step(tx, row, state, step, rules, now)
        result.states[hazard_id] = state
    return result


def _new_hazard(tx: Tx, h: HazardFacts, area_id: str | None) -> Hazard:
    values = {
        "area_id": area_id, "place_id": h.place_id, "inspection_id": h.inspection_id, "item_code": h.item_code,
        "severity": h.severity, "found_at": h.found_at, "note": h.note, "photo_ids": list(h.photo_ids),
    }  # fmt: skip
    row = Hazard(id=h.id, **values)
    append_record(tx, row, values)
    return row


def _answer_wire(a: Answer) -> dict[str, Any]:
    return {"item_code": a.item_code, "result": a.result, "photo_ids": list(a.photo_ids), "photo_waiver": a.photo_waiver,
            "note": a.note}  # fmt: skip


def _verdict_wire(v: Verdict) -> dict[str, Any]:
    return {"hazard_id": v.hazard_id, "outcome": v.outcome, "reason": v.reason, "days": v.days,
            "photo_ids": list(v.photo_ids), "note": v.note}  # fmt: skip


def answers_of(record: Inspection) -> list[Answer]:
    """An inspection's answers as the domain reads them (for the screens and the rectification notice)."""
    return [Answer(a.get("item_code", ""), a.get("result", ""), tuple(a.get("photo_ids") or ()), a.get("photo_waiver"),
                   a.get("note")) for a in record.answers if isinstance(a, dict)]  # fmt: skip


# -- escalation ----------------------------------------------------------------------------------
@operation
def escalate_hazard(
    tx: Tx, hazard_id: str, *, actor_id: str, actor_role: str, lang: str = "zh", at: datetime | None = None
) -> tuple[str, HazardState]:
    """Turn a serious hazard into an incident (source "inspection") and record the `escalated` event naming
    it, in one transaction. Refused (HazardRefusal, code not_serious, wrong_state, ...) before anything is
    written when the hazard does not qualify. Returns the incident id and the hazard's new state."""
    hazard = get_live(tx.s, Hazard, hazard_id)
    place = get_live(tx.s, Place, hazard.place_id)
    rules = hazard_rules(tx.s)
    state = hazard_state(tx.s, hazard.id, rules)
    when = aware("at", at) if at is not None else max(utcnow(), state.last_at or utcnow())
    probe = Step("escalated", actor_id, when, incident_id="pending")
    refusal = rules.check(state, probe)
    if refusal is not None:
        raise refusal
    facts = HazardFacts(hazard.id, place.id, hazard.inspection_id or "", hazard.item_code, hazard.severity,
                        hazard.found_at, state.deadline or when, tuple(hazard.photo_ids), hazard.note)  # fmt: skip
    fields = escalation_fields(place_facts(place), facts, state, tables.checklist_table(tx.s), now=when, lang=lang)
    photos = [p for p in (tx.s.get(Photo, i) for i in fields["photo_ids"]) if p is not None and not p.deleted]
    if not photos and (waiver := _photo_waiver(tx.s, hazard)):
        fields["description"] += (f"无照片原因：{waiver}" if lang.startswith("zh") else f" No photo: {waiver}")
    incident = report_incident(
        tx, None, reporter_id=actor_id, reporter_role=actor_role, category=fields["category"],
        description=fields["description"], title=fields["title"], urgency=fields["urgency"],
        location_text=fields["location_text"], building_id=fields["building_id"], area_id=fields["area_id"],
        source=Source.inspection.value, reported_at=when, reuse_photos=photos,
    )  # fmt: skip
    new_state = _append_step(tx, hazard, state, replace(probe, incident_id=incident.id), rules, utcnow())
    return incident.id, new_state


def _photo_waiver(s: Session, hazard: Hazard) -> str | None:
    """Why the inspection that found the hazard took no photo of it (the reason typed for the failed item)."""
    inspection = s.get(Inspection, hazard.inspection_id) if hazard.inspection_id else None
    for a in answers_of(inspection) if inspection is not None else []:
        if a.item_code == hazard.item_code and a.photo_waiver:
            return a.photo_waiver
    return None
