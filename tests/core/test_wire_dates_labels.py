"""Dates and times on the wire: only the documented forms, within their bounds, stored normalised;
and every field a refusal can name has words in Chinese and English, never its wire name."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from gridworker.domain import display, validation, wire
from gridworker.domain.errors import ValidationError
from gridworker.domain.register import InvalidRecord, clean_person


def _refused(entity: str, fields: dict, *, creating: bool = True) -> dict[str, ValidationError]:
    with pytest.raises(InvalidRecord) as e:
        wire.validate(entity, fields, creating=creating)
    return {err.field: err for err in e.value.errors}


@pytest.mark.parametrize(
    "value",
    ["2026-W49-1T10:00:00+08:00", "2026-335T10:00:00+08:00", "20261121T093000+0800", "2026-11-21 09:30+08:00",
     "2026-11-21T09+08:00", "2026-11-21T09:30:00+0800", "2026-11-21T09:30:00.1234567+08:00", "2026-11-21T09:30:00+15:00",
     "２０２６-11-21T09:30:00+08:00"],
)  # fmt: skip
def test_times_in_forms_other_than_the_documented_one_are_refused(value):
    errors = _refused("visit", {"visited_at": value})
    assert errors["visited_at"].code == "datetime"
    assert "走访时间" in errors["visited_at"].zh and "visited_at" not in errors["visited_at"].zh


@pytest.mark.parametrize(
    "value, stored",
    [("2026-11-21T09:30Z", "2026-11-21T09:30:00+00:00"), ("2026-11-21T09:30:00+08:00", "2026-11-21T09:30:00+08:00"),
     ("2026-11-21T09:30:00.5-05:30", "2026-11-21T09:30:00.500000-05:30"), ("2026-11-21t09:30:00z", None)],
)  # fmt: skip
def test_documented_times_are_stored_in_one_form(value, stored):
    if stored is None:  # lower-case T and Z are not the documented form
        assert _refused("visit", {"visited_at": value})["visited_at"].code == "datetime"
    else:
        assert wire.validate("visit", {"visited_at": value})["visited_at"] == stored


def test_dates_accept_only_yyyy_mm_dd_on_the_wire():
    for value in ("2026-W49-1", "2026-335", "20261121", "2026/11/21", "2026-11-21T00:00:00", "2026-1-2", "2026年11月21日"):
        assert _refused("walkround", {"name": "巡查", "planned_for": value})["planned_for"].code == "date", value
        assert _refused("membership", {"person_id": wire_id(), "household_id": wire_id(), "moved_in": value})["moved_in"]
    assert wire.validate("walkround", {"name": "巡查", "planned_for": date.today().isoformat()})["planned_for"] == date.today().isoformat()


def wire_id() -> str:
    import uuid

    return str(uuid.uuid4())


def test_dates_out_of_their_bounds_are_refused_naming_the_field():
    today = date.today()
    for born in ("9999-12-31", "1800-01-01", "1899-12-31", (today + timedelta(days=3)).isoformat()):
        err = _refused("person", {"name": "张三", "birth_date": born})["birth_date"]
        assert err.code == "date_range", born
        assert err.zh.startswith("出生日期应在1900-01-01到") and "birth date" in err.en
    for planned in ("0001-01-01", "1900-01-01", (today + timedelta(days=8 * 366)).isoformat(), (today - timedelta(days=8 * 366)).isoformat()):
        err = _refused("walkround", {"name": "巡查", "planned_for": planned})["planned_for"]
        assert err.code == "date_range" and err.zh.startswith("计划日期应在"), planned
    assert wire.validate("person", {"name": "张三", "birth_date": "1900-01-01"}, creating=True)["birth_date"] == "1900-01-01"
    assert wire.validate("walkround", {"name": "巡查", "planned_for": (today + timedelta(days=366)).isoformat()})
    for field in ("moved_in", "moved_out"):
        err = _refused("membership", {"person_id": wire_id(), "household_id": wire_id(), field: "9999-12-31"})[field]
        assert err.code == "date_range"


def test_the_client_register_checks_the_same_bounds():
    """The client cleans a person with the same domain rules before saving."""
    with pytest.raises(InvalidRecord) as e:
        clean_person({"name": "张三", "birth_date": date(9999, 12, 31)})
    assert e.value.errors[0].field == "birth_date" and e.value.errors[0].code == "date_range"
    with pytest.raises(InvalidRecord):
        clean_person({"name": "张三", "birth_date": "1800-01-01"})
    # A typed date in the forms people write is still read on the client.
    assert clean_person({"name": "张三", "birth_date": "1980年5月17日"})["birth_date"] == date(1980, 5, 17)


def test_every_field_of_every_entity_has_words_not_its_wire_name():
    missing = []
    for entity, spec in wire.ENTITIES.items():
        for field in spec.fields:
            pair = validation.FIELD_LABELS.get(field)
            if pair is None:
                missing.append((entity, field, "no label"))
                continue
            zh, en = validation.label(field, "zh"), validation.label(field, "en")
            if zh == field or any("a" <= c.lower() <= "z" for c in zh) or "_" in zh:
                missing.append((entity, field, zh))
            if "_" in en or en != en.strip() or not en:
                missing.append((entity, field, en))
            for lang in ("zh", "en"):
                shown = display.field_label(field, lang, entity)
                if "_" in shown or (lang == "zh" and shown == field):
                    missing.append((entity, field, lang, shown))
    assert missing == []


@pytest.mark.parametrize(
    "entity, fields, field, words",
    [("walkround", {"name": "巡查", "planned_at": "1800-01-01T00:00:00+08:00"}, "planned_at", "制定时间"),
     ("incident", {"title": "井盖", "reported_at": "1800-01-01T00:00:00+08:00"}, "reported_at", "上报时间"),
     ("photo", {"sha256": "a" * 64, "width": 10**6}, "width", "宽度"),
     ("photo", {"sha256": "a" * 64, "bytes": -1}, "bytes", "大小"),
     ("visit", {"visited_at": "2026-11-21T09:30:00+08:00", "household_id": "x"}, "household_id", "住户"),
     ("visit", {"visited_at": 5}, "visited_at", "走访时间")],
)  # fmt: skip
def test_refusals_name_the_field_in_words(entity, fields, field, words):
    err = _refused(entity, fields)[field]
    assert err.zh.startswith(words) and field not in err.zh, err.zh
    assert field not in err.en or " " not in field, err.en
