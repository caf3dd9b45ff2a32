"""The wire schema (domain.wire) matches the client's models, so a client push never meets an unknown field."""

from __future__ import annotations

import pytest

from gridworker.domain import wire
from gridworker.domain.errors import ValidationError
from gridworker.domain.fieldwork import FIELDWORK_MODELS, push_fields, wire_name
from gridworker.domain.models import REGISTER_MODELS, wire_fields
from gridworker.domain.register import InvalidRecord

from gridworker.domain.participation_records import PARTICIPATION_MODELS

CLIENT_MODELS = REGISTER_MODELS | FIELDWORK_MODELS | PARTICIPATION_MODELS
ID = "6f1c3f9e-9a4b-4c1e-8a38-1c1f0d7e2b11"


@pytest.mark.parametrize("entity", sorted(CLIENT_MODELS))
def test_every_client_field_is_on_the_wire(entity):
    model = CLIENT_MODELS[entity]
    with_markers = FIELDWORK_MODELS | PARTICIPATION_MODELS
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
    participation = {"point_rule", "member", "resident", "service_order", "order_event", "activity", "activity_event", "ledger_entry",
                     "shop_item", "redemption", "wish", "wish_event", "notice", "notice_read", "opinion"}  # issue 16
    assert wire.EXTENSIONS == {"membership", "walkround", "holiday"} | participation
    assert wire.SERVER_MANAGED == {"area", "user", "category", "holiday", "point_rule"}


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
