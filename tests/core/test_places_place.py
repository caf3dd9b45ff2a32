"""A place's register record: every field checked, every problem named, in Chinese and English."""

import pytest

from gridworker.domain.places.place import clean_place
from gridworker.domain.register import InvalidRecord


def test_a_place_is_cleaned_to_wire_values():
    out = clean_place({"name": " 老王面馆 ", "kind": "小餐饮", "phone": "+86 138 0013 8000",
                       "licence_number": "９１３５０１００ｍ０００１００ｙ４３", "person_in_charge": "王建国"})  # fmt: skip
    assert out["name"] == "老王面馆" and out["kind"] == "restaurant" and out["phone"] == "13800138000"
    assert out["licence_number"] == "91350100M000100Y43" and out["person_in_charge"] == "王建国"
    assert clean_place({"name": "物业", "kind": "Property-management company"})["kind"] == "property_company"
    assert clean_place({"name": "物业", "kind": "unit", "licence_number": " "})["licence_number"] is None


def test_every_invalid_field_is_reported_at_once_with_a_label_a_person_reads():
    with pytest.raises(InvalidRecord) as info:
        clean_place({"name": "", "kind": "面包房", "licence_number": "91350100M000100Y44", "person_in_charge": "王" * 51})
    assert {e.field: e.code for e in info.value.errors} == {
        "name": "required", "kind": "unknown_kind", "licence_number": "licence_checksum", "person_in_charge": "too_long",
    }  # fmt: skip
    assert "场所名称不能为空" in info.value.zh and "负责人过长" in info.value.zh
    assert "person_in_charge" not in info.value.zh and "person_in_charge" not in info.value.en
    assert "The name of the place is required" in info.value.en and "小餐饮" in info.value.zh
