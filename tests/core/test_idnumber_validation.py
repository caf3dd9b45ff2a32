from datetime import date

import pytest

from gridworker.domain import idnumber, validation
from gridworker.domain.enums import Gender, Relation
from gridworker.domain.errors import ValidationError
from gridworker.domain.register import InvalidRecord, clean_household, clean_person, floor_of_room

# A published sample number (GB 11643 examples) and one built by hand:
# 11010519491231002X: weights·digits sum = 167, 167 % 11 = 2 → check 'X'.
SAMPLE = "11010519491231002X"


def test_check_char_matches_hand_computation():
    assert idnumber.check_char(SAMPLE[:17]) == "X"
    info = idnumber.parse(SAMPLE)
    assert info.birth_date == date(1949, 12, 31)
    assert info.gender == Gender.female  # 17th digit 2 is even
    assert info.region == "110105"


@pytest.mark.parametrize(
    "text, code",
    [
        ("1101051949123100", "id_length"),
        ("11010519491231002Y", "id_chars"),
        ("110105194913310021", "id_birth_date"),
        ("110105194912310021", "id_checksum"),
        ("110105299912310021", "id_birth_date"),
    ],
)
def test_bad_id_numbers_say_why(text, code):
    with pytest.raises(ValidationError) as e:
        idnumber.parse(text)
    assert e.value.code == code
    assert e.value.field == "id_number"
    assert e.value.zh and e.value.en


def test_lowercase_x_and_spaces_are_normalised():
    assert idnumber.parse(" 11010519491231002x ").number == SAMPLE


def test_make_builds_valid_numbers_for_both_genders():
    for g in Gender:
        n = idnumber.make("330106", date(1990, 2, 28), 17, g)
        assert idnumber.parse(n).gender == g


@pytest.mark.parametrize("raw, clean", [("138 0013 8000", "13800138000"), ("+86 139-1234-5678", "13912345678"), ("010-62345678", "010-62345678")])
def test_phone_accepts_mobiles_and_landlines(raw, clean):
    assert validation.phone(raw) == clean


@pytest.mark.parametrize("raw", ["12345678901", "1380013800", "abc", "23800138000"])
def test_phone_refuses_non_numbers(raw):
    with pytest.raises(ValidationError) as e:
        validation.phone(raw)
    assert e.value.field == "phone"


def test_clean_person_derives_gender_and_birth_date_from_id():
    out = clean_person({"name": "王芳", "id_number": SAMPLE})
    assert out["gender"] == "female" and out["birth_date"] == date(1949, 12, 31)


def test_clean_person_reports_every_bad_field_at_once():
    with pytest.raises(InvalidRecord) as e:
        clean_person({"name": "", "id_number": SAMPLE, "gender": "男", "phone": "123", "relation": "邻居"})
    fields = {err.field for err in e.value.errors}
    assert fields == {"name", "gender", "phone", "relation"}
    assert "性别" in e.value.zh and "gender" in e.value.en


def test_typed_birth_date_must_match_id():
    with pytest.raises(InvalidRecord) as e:
        clean_person({"name": "王芳", "id_number": SAMPLE, "birth_date": "1950-01-01"})
    assert e.value.errors[0].field == "birth_date"


def test_enum_labels_in_either_language():
    assert clean_person({"name": "甲", "relation": "户主"})["relation"] == Relation.head.value
    assert clean_person({"name": "甲", "relation": "Spouse"})["relation"] == "spouse"
    assert clean_person({"name": "甲", "tags": "独居老人、党员"})["tags"] == ["elderly_alone", "party_member"]


def test_control_characters_and_overlong_text_refused():
    with pytest.raises(InvalidRecord):
        clean_person({"name": "a\x00b"})
    with pytest.raises(InvalidRecord):
        clean_person({"name": "长" * 51})


@pytest.mark.parametrize("room, floor", [("301", 3), ("1203", 12), ("B-502", 5), ("12", None), ("底商", None)])
def test_floor_from_room(room, floor):
    assert floor_of_room(room) == floor


def test_household_needs_room_or_address():
    with pytest.raises(InvalidRecord):
        clean_household({"unit": "1"})
    assert clean_household({"room": "301"})["floor"] == 3
