"""Inspections of places and the hazards (隐患) they find, followed until rectified (整改) and signed off (销号).

An inspection answers every item of the place's checklist: passed, failed or
not applicable. A failed item needs a photo unless the inspector says why
there is none. When anything failed, the person in charge acknowledges the
notice by typing their name. Each failed item becomes a hazard with a
rectification deadline counted in working days (workdays.WorkCalendar),
unless the same item already has an open hazard at that place: then it is
that hazard, still open.

A re-inspection (复查) gives a verdict on every open hazard of the place:
rectified (销号), extended (with a reason, a bounded number of times), or not
rectified (recorded; the deadline stands). A routine inspection may give
verdicts too.

A hazard's state is a fold of its append-only event log, as an incident's is
(domain/lifecycle.py): found → open → rectified, or → escalated into an
incident (the incident's closed loop takes over; a later re-inspection can
still sign the hazard off). Serious hazards qualify for escalation: a major
(重大) one at once; a significant (较大) one once overdue; any once overdue
with its extensions used up.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from ..errors import Refused, ValidationError
from ..register import InvalidRecord
from ..workdays import TZ, WorkCalendar
from .checklists import ChecklistItem, ChecklistTable

RESULTS: dict[str, tuple[str, str]] = {"pass": ("合格", "passed"), "fail": ("不合格", "failed"), "na": ("不适用", "not applicable")}
PURPOSES: dict[str, tuple[str, str]] = {"routine": ("日常检查", "routine inspection"), "recheck": ("复查", "re-inspection")}
VERDICTS: dict[str, tuple[str, str]] = {
    "rectified": ("已整改销号", "rectified and signed off"),
    "extended": ("延期整改", "deadline extended"),
    "not_rectified": ("未整改", "not rectified"),
}
MAX_EXTENSIONS = 2  # per hazard
MAX_EXTENSION_DAYS = 30  # working days per extension
CLOCK_SKEW = timedelta(minutes=5)  # a laptop clock a little ahead is not an inspection "in the future"
MAX_TEXT = 500


@dataclass(frozen=True)
class Answer:
    item_code: str
    result: str  # a key of RESULTS
    photo_ids: tuple[str, ...] = ()
    photo_waiver: str | None = None  # why a failed item has no photo
    note: str | None = None


@dataclass(frozen=True)
class Verdict:
    """A re-inspection's word on one open hazard."""

    hazard_id: str
    outcome: str  # a key of VERDICTS
    reason: str | None = None  # extended: required
    days: int | None = None  # extended: working days from the re-inspection
    photo_ids: tuple[str, ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class Inspection:
    id: str
    place_id: str
    kind: str
    inspector_id: str
    at: datetime
    answers: tuple[Answer, ...] = ()
    purpose: str = "routine"  # a key of PURPOSES
    verdicts: tuple[Verdict, ...] = ()
    acknowledged_by: str | None = None  # the person in charge's typed name
    notes: str | None = None

    def failed(self) -> list[Answer]:
        return [a for a in self.answers if a.result == "fail"]


# -- validating an inspection -------------------------------------------------------------------
def validate_inspection(
    inspection: Inspection,
    checklists: ChecklistTable,
    *,
    open_hazards: Mapping[str, "HazardState"] | None = None,
    now: datetime | None = None,
    rules: "HazardRules | None" = None,
) -> Inspection:
    """The inspection with its texts trimmed, or InvalidRecord listing every problem (each naming its field).

    `open_hazards` are the place's open hazards by id: a re-inspection must give each a verdict."""
    open_hazards = open_hazards or {}
    rules = rules or HazardRules()
    errors: list[ValidationError] = []
    at = inspection.at
    if at.tzinfo is None or at.utcoffset() is None:
        errors.append(ValidationError("at", "检查时间缺少时区", "The inspection time has no timezone", code="naive_time"))
    elif now is not None and at > now + CLOCK_SKEW:
        errors.append(ValidationError("at", "检查时间不能晚于现在", "The inspection time cannot be in the future", code="future"))
    if inspection.purpose not in PURPOSES:
        errors.append(ValidationError("purpose", "检查类型无效（日常检查或复查）", "The purpose must be a routine inspection or a re-inspection",
                                      code="unknown_purpose"))  # fmt: skip
    if inspection.kind not in checklists.kinds:
        errors.append(ValidationError("kind", "未知的场所类型", "Unknown kind of place", code="unknown_kind"))
    answers = tuple(_clean_answer(a, errors) for a in inspection.answers)
    if inspection.purpose == "routine" or answers:
        _check_answers(answers, checklists.for_kind(inspection.kind), errors)
    verdicts = tuple(_clean_verdict(v, open_hazards, rules, errors) for v in inspection.verdicts)
    _check_verdicts(inspection.purpose, verdicts, open_hazards, checklists, errors)
    acknowledged = _text("acknowledged_by", inspection.acknowledged_by, "负责人签名", "the acknowledgement", errors, 50)
    if any(a.result == "fail" for a in answers) and not acknowledged:
        errors.append(ValidationError(
            "acknowledged_by", "有不合格项时，须由场所负责人签名确认（输入姓名）",
            "When an item failed, the person in charge must acknowledge it by typing their name", code="acknowledgement_required",
        ))  # fmt: skip
    notes = _text("notes", inspection.notes, "备注", "the notes", errors, 2000)
    if errors:
        raise InvalidRecord(errors)
    return replace(inspection, answers=answers, verdicts=verdicts, acknowledged_by=acknowledged, notes=notes)


def _check_verdicts(purpose: str, verdicts: tuple[Verdict, ...], open_hazards: Mapping[str, "HazardState"],
                    checklists: ChecklistTable, errors: list[ValidationError]) -> None:
    """A re-inspection decides on every open hazard (there must be one); no hazard gets two verdicts."""
    if purpose == "recheck":
        decided = {v.hazard_id for v in verdicts}
        for hazard_id, state in open_hazards.items():
            if hazard_id not in decided:
                errors.append(ValidationError(
                    f"verdicts.{hazard_id}", f"复查须对每项未整改隐患作出结论：{_hazard_name(state, checklists, 'zh')}",
                    f"A re-inspection must give a verdict on every open hazard: {_hazard_name(state, checklists, 'en')}",
                    code="verdict_missing",
                ))  # fmt: skip
        if not open_hazards:
            errors.append(ValidationError("verdicts", "该场所没有需要复查的隐患", "This place has no open hazard to re-inspect",
                                          code="nothing_to_recheck"))  # fmt: skip
    seen: set[str] = set()
    for v in verdicts:
        if v.hazard_id in seen:
            errors.append(ValidationError(f"verdicts.{v.hazard_id}", "同一隐患有两个复查结论", "A hazard has two verdicts",
                                          code="duplicate_verdict"))  # fmt: skip
        seen.add(v.hazard_id)


def _text(field: str, value: str | None, zh: str, en: str, errors: list, limit: int = MAX_TEXT) -> str | None:
    if value is None or not str(value).strip():
        return None
    s = str(value).strip()
    if len(s) > limit:
        errors.append(ValidationError(field, f"{zh}过长（最多{limit}个字）", f"{en[0].upper()}{en[1:]} is too long (at most {limit} characters)",
                                      code="too_long"))  # fmt: skip
    return s


def _clean_answer(a: Answer, errors: list[ValidationError]) -> Answer:
    field = f"answers.{a.item_code}"
    if a.result not in RESULTS:
        errors.append(ValidationError(field, "检查结果应为合格、不合格或不适用", "The result must be passed, failed or not applicable",
                                      code="unknown_result"))  # fmt: skip
    waiver = _text(field, a.photo_waiver, "无照片的原因", "the reason for no photo", errors)
    note = _text(field, a.note, "说明", "the note", errors)
    photos = tuple(p for p in a.photo_ids if p)
    return replace(a, photo_ids=photos, photo_waiver=waiver, note=note)


def _check_answers(answers: tuple[Answer, ...], items: list[ChecklistItem], errors: list[ValidationError]) -> None:
    by_code = {i.code: i for i in items}
    seen: set[str] = set()
    for a in answers:
        field = f"answers.{a.item_code}"
        item = by_code.get(a.item_code)
        if item is None:
            errors.append(ValidationError(field, "该检查项不属于此类场所的检查表", "This item is not on the checklist of this kind of place",
                                          code="unknown_item"))  # fmt: skip
            continue
        if a.item_code in seen:
            errors.append(ValidationError(field, f"检查项“{item.name}”回答了两次", f"Item '{item.name_en}' is answered twice",
                                          code="duplicate_answer"))  # fmt: skip
        seen.add(a.item_code)
        if a.result == "fail" and not a.photo_ids and not a.photo_waiver:
            errors.append(ValidationError(
                field, f"不合格项“{item.name}”须拍照，或说明无法拍照的原因",
                f"Failed item '{item.name_en}' needs a photo, or the reason there is none", code="photo_required",
            ))  # fmt: skip
    for item in items:
        if item.code not in seen:
            errors.append(ValidationError(f"answers.{item.code}", f"检查项“{item.name}”未作答", f"Item '{item.name_en}' is not answered",
                                          code="unanswered"))  # fmt: skip


def _clean_verdict(v: Verdict, open_hazards: Mapping[str, "HazardState"], rules: "HazardRules",
                   errors: list[ValidationError]) -> Verdict:  # fmt: skip
    field = f"verdicts.{v.hazard_id}"
    reason = _text(field, v.reason, "延期原因", "the reason", errors)
    note = _text(field, v.note, "说明", "the note", errors)
    if v.outcome not in VERDICTS:
        errors.append(ValidationError(field, "复查结论应为已整改、延期或未整改", "The verdict must be rectified, extended or not rectified",
                                      code="unknown_verdict"))  # fmt: skip
    state = open_hazards.get(v.hazard_id)
    if state is None:
        errors.append(ValidationError(field, "该隐患不是此场所未整改的隐患", "This is not an open hazard of this place",
                                      code="not_open"))  # fmt: skip
    elif v.outcome == "extended":
        refusal = rules.extension_refusal(state, reason, v.days)
        if refusal is not None:
            errors.append(ValidationError(field, refusal.zh, refusal.en, code=refusal.code))
    return replace(v, reason=reason, note=note, photo_ids=tuple(p for p in v.photo_ids if p))


def _hazard_name(state: "HazardState", checklists: ChecklistTable, lang: str) -> str:
    item = checklists.get(state.item_code or "")
    return item.hazard_label(lang) if item else (state.item_code or "")


# -- hazards -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Hazard:
    """The facts of a hazard when it was found (its state is derived from its events)."""

    id: str
    place_id: str
    inspection_id: str
    item_code: str
    severity: str
    found_at: datetime
    deadline: datetime
    photo_ids: tuple[str, ...] = ()
    note: str | None = None


_HAZARD_IDS = uuid.UUID("6f1d2c1e-5b0a-4c3e-9a57-15a1ce0fa2d5")  # the namespace of hazard ids (never change it)


def hazard_id(inspection_id: str, item_code: str) -> str:
    """Stable: the same inspection synced twice makes the same hazard. A UUID (every record id on the wire
    is one), derived from the inspection and the item (uuid5), so two devices never make two ids for it."""
    return str(uuid.uuid5(_HAZARD_IDS, f"{inspection_id}:{item_code}"))


@dataclass(frozen=True)
class HazardEvent:
    action: str  # found | rectified | extended | not_rectified | escalated
    actor_id: str
    at: datetime
    inspection_id: str | None = None  # found, rectified, extended, not_rectified: the inspection that said so
    deadline: datetime | None = None  # found, extended: the (new) deadline
    reason: str | None = None  # extended
    incident_id: str | None = None  # escalated
    severity: str | None = None  # found
    item_code: str | None = None  # found
    photo_ids: tuple[str, ...] = ()


ACTIONS: dict[str, tuple[str, str]] = {
    "found": ("发现隐患", "found"),
    "rectified": ("整改销号", "sign off"),
    "extended": ("延期整改", "extend"),
    "not_rectified": ("复查未整改", "record as not rectified"),
    "escalated": ("转为事件", "escalate into an incident"),
}
STATUSES: dict[str, tuple[str, str]] = {
    "open": ("待整改", "open"),
    "rectified": ("已销号", "signed off"),
    "escalated": ("已转事件", "escalated"),
}
_FROM: dict[str, frozenset] = {
    "found": frozenset({None}),
    "rectified": frozenset({"open", "escalated"}),
    "extended": frozenset({"open"}),
    "not_rectified": frozenset({"open"}),
    "escalated": frozenset({"open"}),
}


def status_label(status: str | None, lang: str = "zh") -> str:
    zh, en = STATUSES.get(status or "", ("未发现", "not found"))
    return zh if lang.startswith("zh") else en


@dataclass(frozen=True)
class HazardState:
    status: str | None = None
    item_code: str | None = None
    severity: str | None = None
    found_at: datetime | None = None
    found_by: str | None = None
    deadline: datetime | None = None
    first_deadline: datetime | None = None
    extensions: int = 0
    rechecks: int = 0  # verdicts of "not rectified"
    overdue: bool = False  # some event came after the deadline while open: kept (the history)
    rectified_at: datetime | None = None
    rectified_by: str | None = None
    rectified_on_time: bool | None = None
    escalated_at: datetime | None = None
    incident_id: str | None = None
    last_at: datetime | None = None


class HazardRefusal(Refused):
    def __init__(self, code: str, zh: str, en: str, *, action: str | None = None):
        super().__init__(zh, en, code=code, details={"action": action} if action else None)
        self.action = action


class HazardRules:
    """The hazard rules, with the working-day calendar deadlines are counted on."""

    def __init__(self, calendar: WorkCalendar | None = None, *, max_extensions: int = MAX_EXTENSIONS):
        self.calendar = calendar or WorkCalendar.default()
        self.max_extensions = max_extensions

    # -- deadlines ----------------------------------------------------------------------------
    def deadline(self, start: datetime, days: int) -> datetime:
        """`days` working days after `start`, same clock time (workdays.WorkCalendar.add_workdays)."""
        return self.calendar.add_workdays(start, days).astimezone(TZ)

    def is_overdue(self, state: HazardState, now: datetime) -> bool:
        return state.status == "open" and state.deadline is not None and now > state.deadline

    def qualifies_for_escalation(self, state: HazardState, now: datetime) -> bool:
        """Major at once; significant once overdue; any once overdue with no extension left."""
        if state.status != "open":
            return False
        if state.severity == "major":
            return True
        overdue = self.is_overdue(state, now)
        return overdue and (state.severity == "significant" or state.extensions >= self.max_extensions)

    def extension_refusal(self, state: HazardState, reason: str | None, days: int | None) -> HazardRefusal | None:
        if state.status != "open":
            return HazardRefusal("not_open", "只能对未整改的隐患延期", "Only an open hazard can be extended", action="extended")
        if state.extensions >= self.max_extensions:
            return HazardRefusal(
                "extension_limit", f"该隐患已延期{state.extensions}次，不能再延期（最多{self.max_extensions}次）",
                f"This hazard has been extended {state.extensions} times and cannot be extended again"
                f" (at most {self.max_extensions})", action="extended",
            )  # fmt: skip
        if not (reason and reason.strip()):
            return HazardRefusal("reason_required", "延期须填写原因", "An extension needs a reason", action="extended")
        if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_EXTENSION_DAYS:
            return HazardRefusal(
                "extension_days", f"延期天数应为1到{MAX_EXTENSION_DAYS}个工作日",
                f"An extension must be 1 to {MAX_EXTENSION_DAYS} working days", action="extended",
            )  # fmt: skip
        return None

    # -- the event log ------------------------------------------------------------------------
    def check(self, state: HazardState, event: HazardEvent) -> HazardRefusal | None:
        try:
            self._validate(state, event)
        except HazardRefusal as refusal:
            return refusal
        return None

    def apply(self, state: HazardState, event: HazardEvent) -> HazardState:
        self._validate(state, event)
        late = state.status == "open" and state.deadline is not None and event.at > state.deadline
        s = replace(state, last_at=event.at, overdue=state.overdue or late)
        a = event.action
        if a == "found":
            return replace(s, status="open", item_code=event.item_code, severity=event.severity, found_at=event.at,
                           found_by=event.actor_id, deadline=event.deadline.astimezone(TZ),
                           first_deadline=event.deadline.astimezone(TZ))  # fmt: skip
        if a == "rectified":
            on_time = not s.overdue if state.status == "open" else None  # after escalation: the incident's clock
            return replace(s, status="rectified", rectified_at=event.at, rectified_by=event.actor_id, rectified_on_time=on_time)
        if a == "extended":
            return replace(s, deadline=event.deadline.astimezone(TZ), extensions=s.extensions + 1)
        if a == "not_rectified":
            return replace(s, rechecks=s.rechecks + 1)
        return replace(s, status="escalated", escalated_at=event.at, incident_id=event.incident_id)

    def replay(self, events: Iterable[HazardEvent]) -> HazardState:
        state = HazardState()
        for event in sorted(events, key=lambda e: (e.at, e.action != "found")):
            state = self.apply(state, event)
        return state

    def _validate(self, state: HazardState, e: HazardEvent) -> None:
        a = e.action
        if a not in _FROM:
            raise HazardRefusal("unknown_action", "未知的隐患操作", "Unknown hazard action")
        if e.at.tzinfo is None or e.at.utcoffset() is None:
            raise HazardRefusal("naive_time", "时间缺少时区", "The time has no timezone", action=a)
        if not e.actor_id:
            raise HazardRefusal("no_actor", "缺少操作人", "The event names no actor", action=a)
        if state.last_at is not None and e.at < state.last_at:
            raise HazardRefusal("out_of_order", "时间早于上一条记录，请检查设备时间",
                                "The event is dated before the previous one; check the device clock", action=a)  # fmt: skip
        if state.status not in _FROM[a]:
            zh, en = ACTIONS[a]
            raise HazardRefusal(
                "wrong_state", f"隐患处于“{status_label(state.status)}”状态，不能{zh}",
                f"A hazard that is {status_label(state.status, 'en')} cannot be {'signed off' if a == 'rectified' else en}",
                action=a,
            )  # fmt: skip
        self._check_payload(state, e)

    def _check_payload(self, state: HazardState, e: HazardEvent) -> None:
        """What each action's event must carry."""
        a = e.action
        if a == "found":
            if e.deadline is None or e.severity is None or not e.item_code or not e.inspection_id:
                raise HazardRefusal("incomplete", "发现隐患须记明检查、检查项、等级和整改期限",
                                    "A hazard found names its inspection, item, grade and deadline", action=a)  # fmt: skip
        elif a in ("rectified", "not_rectified") and not e.inspection_id:
            raise HazardRefusal("recheck_required", "隐患须经复查才能销号或记为未整改",
                                "A hazard is signed off (or found not rectified) only at a re-inspection", action=a)  # fmt: skip
        elif a == "extended":
            refusal = self.extension_refusal(state, e.reason, 1)
            if refusal is not None:
                raise refusal
            if not e.inspection_id:
                raise HazardRefusal("recheck_required", "隐患须经复查才能延期", "A hazard is extended only at a re-inspection", action=a)
            if e.deadline is None or e.deadline <= state.deadline:
                raise HazardRefusal("deadline_not_later", "延期后的整改期限须晚于原期限",
                                    "The extended deadline must be later than the current one", action=a)  # fmt: skip
        elif a == "escalated":
            if not e.incident_id:
                raise HazardRefusal("incident_required", "转为事件须记明事件", "An escalation names its incident", action=a)
            if not self.qualifies_for_escalation(state, e.at):
                raise HazardRefusal(
                    "not_serious", "只有重大隐患，或逾期未整改的较大隐患（或已用完延期的隐患）可以转为事件",
                    "Only a major hazard, or an overdue significant one (or one with no extension left), can be escalated",
                    action=a,
                )  # fmt: skip


# -- from an inspection to hazard events ---------------------------------------------------------
def inspection_events(
    inspection: Inspection,
    checklists: ChecklistTable,
    rules: HazardRules,
    open_hazards: Mapping[str, HazardState] | None = None,
) -> tuple[list[Hazard], dict[str, list[HazardEvent]]]:
    """What a validated inspection does: the new hazards, and the events for every hazard it touches
    (new ones: found; open ones: the verdicts). A failed item whose item already has an open hazard at
    the place makes no new hazard."""
    open_hazards = open_hazards or {}
    open_items = {s.item_code for s in open_hazards.values()}
    at = inspection.at.astimezone(TZ)
    new: list[Hazard] = []
    events: dict[str, list[HazardEvent]] = {}
    for answer in inspection.failed():
        item = checklists.get(answer.item_code)
        if item is None or item.code in open_items:
            continue
        h = Hazard(hazard_id(inspection.id, item.code), inspection.place_id, inspection.id, item.code, item.severity,
                   at, rules.deadline(at, item.days), answer.photo_ids, answer.note)  # fmt: skip
        new.append(h)
        events[h.id] = [HazardEvent("found", inspection.inspector_id, at, inspection.id, h.deadline, severity=h.severity,
                                    item_code=h.item_code, photo_ids=h.photo_ids)]  # fmt: skip
    for v in inspection.verdicts:
        e = HazardEvent(v.outcome, inspection.inspector_id, at, inspection.id, reason=v.reason, photo_ids=v.photo_ids)
        if v.outcome == "extended":
            e = replace(e, deadline=rules.deadline(at, v.days))
        events.setdefault(v.hazard_id, []).append(e)
    return new, events
