"""The wire schema (domain.wire) matches the client's models, so a client push never meets an unknown field."""

from __future__ import annotations

import pytest

from gridworker.domain import wire
from gridworker.domain.errors import ValidationError
from gridworker.domain.fieldwork import FIELDWORK_MODELS, push_fields, wire_name
from gridworker.domain.models import REGISTER_MODELS, wire_fields
from gridworker.domain.placework import PLACE_MODELS
from gridworker.domain.register import InvalidRecord

from gridworker.domain.participation_records import PARTICIPATION_MODELS

CLIENT_MODELS = REGISTER_MODELS | FIELDWORK_MODELS | PLACE_MODELS | PARTICIPATION_MODELS
ID = "6f1c3f9e-9a4b-4c1e-8a38-1c1f0d7e2b11"


@pytest.mark.parametrize("entity", sorted(CLIENT_MODELS))
def test_every_client_field_is_on_the_wire(entity):
    model = CLIENT_MODELS[entity]
    with_markers = FIELDWORK_MODELS | PLACE_MODELS | PARTICIPATION_MODELS
    pushed = {wire_name(model, f) for f in (push_fields(model) if entity in with_markers else wire_fields(model))}
    spec = wire.ENTITIES[entity]
    if spec.server_managed and "area_id" not in spec.fields:
        pushed.discard("area_id")  # a local column every record has (e.g. point_rule); never pushed, never sent
    assert pushed <= set(spec.fields), pushed - set(spec.fields)
    read_only = getattr(model, "read_only_fields", frozenset())
    assert read_only == spec.read_only
    assert bool(getattr(model, "create_only", False)) == spec.create_only


@pytest.mark.parametrize("entity", sorted(PARTICIPATION_MODELS))
def test_the_desktop_keeps_every_participation_field_in_a_column(entity):
    """What the server sends of a participation record lands in the desktop's columns, not in `extra`."""
    columns = set(wire_fields(PARTICIPATION_MODELS[entity]))
    assert set(wire.ENTITIES[entity].fields) <= columns, set(wire.ENTITIES[entity].fields) - columns


def test_extension_entities_are_named():
    places = {"place", "inspection", "hazard", "hazard_event", "checklist", "roster_member"}  # issue 15
    participation = {"point_rule", "member", "resident", "service_order", "order_event", "activity", "activity_event", "ledger_entry",
                     "shop_item", "redemption", "wish", "wish_event", "notice", "notice_read", "opinion", "evaluation"}  # issue 16
    assert wire.EXTENSIONS == {"membership", "walkround", "holiday"} | places | participation
    assert wire.SERVER_MANAGED == {"area", "user", "category", "holiday", "checklist", "point_rule"}


def test_inspection_answers_are_a_bounded_list_of_flat_objects():
    ok = {"answers": [{"item_code": "EXIT", "result": "fail", "photo_ids": [ID], "photo_waiver": None}]}
    assert wire.check_types("inspection", ok) == []
    nested = {"answers": [{"item_code": "EXIT", "result": {"deep": ["x"]}}]}
    too_many = {"answers": [{"item_code": str(i), "result": "pass"} for i in range(wire.MAX_OBJECTS + 1)]}
    not_objects = {"answers": ["EXIT=pass"]}
    long_list = {"answers": [{"item_code": "EXIT", "photo_ids": [ID] * (wire.MAX_OBJECT_LIST + 1)}]}
    for bad in (nested, too_many, not_objects, long_list):
        assert [(p.field, p.code) for p in wire.check_types("inspection", bad)] == [("answers", "wrong_type")]
    surrogate = {"answers": [{"item_code": "EXIT", "note": "\ud800"}]}
    assert [p.code for p in wire.check_types("inspection", surrogate)] == ["invalid_text"]


def test_inspection_answers_and_verdicts_are_checked_item_by_item():
    with pytest.raises(InvalidRecord) as info:
        wire.validate("inspection", {"place_id": ID, "at": "2026-11-21T09:30:00+08:00",
                                     "answers": [{"item_code": "EXIT", "result": "maybe"}]}, creating=True)
    assert {(f["field"], f["code"]) for f in info.value.details["fields"]} == {("answers", "enum")}
    with pytest.raises(InvalidRecord) as info:
        wire.validate("inspection", {"place_id": ID, "at": "2026-11-21T09:30:00+08:00",
                                     "verdicts": [{"hazard_id": "x", "outcome": "rectified"}]}, creating=True)
    assert {(f["field"], f["code"]) for f in info.value.details["fields"]} == {("hazard_id", "id")}
    out = wire.validate("inspection", {"place_id": ID, "at": "2026-11-21T09:30:00+08:00", "purpose": "routine",
                                       "answers": [{"item_code": "EXIT", "result": "fail", "note": "  blocked  "}]}, creating=True)
    assert out["answers"][0]["note"] == "blocked" and out["answers"][0]["photo_ids"] == []


def test_a_place_and_a_roster_member_are_cleaned_as_the_client_saves_them():
    with pytest.raises(InvalidRecord) as info:
        wire.validate("place", {"name": "", "kind": "bakery", "licence_number": "91350100M000100Y4"}, creating=True)
    assert {f["field"] for f in info.value.details["fields"]} == {"name", "kind", "licence_number"}
    # An edit of one field checks that field only.
    assert wire.validate("place", {"phone": "138 0013 8000"}) == {"phone": "13800138000"}
    with pytest.raises(InvalidRecord) as info:
        wire.validate("roster_member", {"role": "队长", "name": "王芳"}, creating=True)
    assert {(f["field"], f["code"]) for f in info.value.details["fields"]} == {("role", "unknown_role")}
    assert wire.validate("roster_member", {"role": "楼栋长", "name": "王芳"}, creating=True)["role"] == "building_head"


def test_check_types_finds_client_bugs_not_user_typos():
    problems = wire.check_types("building", {"name": 3, "floors": "6", "colour": "red", "lat": True, "notes": None})
    assert {(p.field, p.code) for p in problems} == {("name", "wrong_type"), ("floors", "wrong_type"),
                                                     ("colour", "unknown_field"), ("lat", "wrong_type")}  # fmt: skip
    assert wire.check_types("spaceship", {})[0].code == "unknown_entity"


def test_validate_lists_every_bad_field_and_cleans_the_good_ones():
    with pytest.raises(InvalidRecord) as info:
        wire.validate("visit", {"visited_at": "2026-11-21 09:30", "outcome": "maybe", "household_id": "h1"}, creating=True)
    assert {f["field"] for f in info.value.details["fields"]} == {"visited_at", "outcome", "household_id"}
    out = wire.validate("incident_event", {"incident_id": ID, "action": "Report", "at": "2026-11-21T09:30:00+08:00"}, creating=True)
    assert out["action"] == "report"
    with pytest.raises(InvalidRecord):
        wire.validate("incident", {"status": "closed"})  # read-only
    with pytest.raises(InvalidRecord):
        wire.validate("incident_event", {"incident_id": ID}, creating=True)  # action and at are required
    assert wire.validate("photo", {"sha256": "a" * 64, "entity": "incident", "entity_id": ID}, creating=True)["entity"] == "incident"
    with pytest.raises(InvalidRecord):
        wire.validate("photo", {"sha256": "A" * 64}, creating=True)
    with pytest.raises(ValidationError):
        wire.a_datetime("at", "2026-11-21T09:30:00")  # no offset


def test_writable_fields_leave_out_what_the_server_derives():
    assert "actor_role" not in wire.ENTITIES["incident_event"].writable()
    assert "status" not in wire.ENTITIES["incident"].writable() and "title" in wire.ENTITIES["incident"].writable()
