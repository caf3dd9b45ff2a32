"""Place kinds and inspection checklists: the shipped tables, and the server's edits laid over them."""

import copy
import json

import pytest

from gridworker import resources_path
from gridworker.domain.categories import load_categories
from gridworker.domain.places.checklists import (
    SEVERITIES,
    ChecklistTable,
    ChecklistTableError,
    load_checklists,
    severity_label,
    table_with_records,
)
from gridworker.domain.places.kinds import PlaceKindTableError, load_kinds, parse_table

NINE = ["小商店", "小餐饮", "小旅馆", "小歌舞娱乐", "小网吧", "小美容洗浴", "小学校幼儿园（托育）", "小医院诊所", "小生产加工企业"]


def _shipped() -> dict:
    return json.loads(resources_path("checklists.json").read_text("utf-8"))


def test_the_nine_small_places_and_the_organisations():
    kinds = load_kinds()
    assert [k.name for k in kinds.small_places()] == NINE
    assert {k.name for k in kinds if not k.small_place} == {"物业公司", "社会组织", "单位"}
    assert kinds["restaurant"].interval_days == 30 and kinds["shop"].interval_days == 90  # monthly, quarterly
    assert all(k.name_en and k.label("en") == k.name_en and k.label("zh") == k.name for k in kinds)


def test_every_kind_has_a_checklist_with_the_basics():
    table = load_checklists()
    for kind in load_kinds():
        codes = [i.code for i in table.for_kind(kind.code)]
        assert {"FIRE-EXT", "WIRING", "EBIKE"} <= set(codes), kind.code
        if kind.small_place:
            assert "EXIT" in codes, kind.code
    restaurant = [i.code for i in table.for_kind("restaurant")]
    assert {"GAS-ALARM", "GAS-HOSE", "LPG", "NO-SLEEP"} <= set(restaurant)
    assert "HOTEL-REG" not in restaurant and "HOTEL-REG" in [i.code for i in table.for_kind("hotel")]
    assert "NO-SLEEP" not in [i.code for i in table.for_kind("hotel")]  # sleeping there is its business


def test_items_are_complete_in_both_languages_and_escalate_into_real_categories():
    table, categories = load_checklists(), load_categories()
    assert len(table) >= 20
    for item in table:
        assert item.name and item.name_en and item.hazard and item.hazard_en
        assert item.severity in SEVERITIES and 1 <= item.days <= 60
        assert item.category in categories, item.code
    for kind in load_kinds():
        assert kind.category in categories
    assert {i.severity for i in table} == set(SEVERITIES)
    assert severity_label("major") == "重大" and severity_label("general", "en") == "minor"


def test_server_records_replace_remove_and_add_items():
    base = load_checklists()
    records = [
        {"code": "FIRE-EXT", "kinds": ["@all"], "severity": "significant", "days": 2, "category": "C0103",
         "name": "灭火器在有效期内（街道要求）", "name_en": "Extinguishers in date (street rule)",
         "hazard": "灭火器过期", "hazard_en": "Extinguisher out of date"},
        {"code": "DUTY", "deleted": True},
        {"code": "ZZ-NEW", "kinds": ["restaurant"], "severity": "general", "days": 5,
         "name": "餐厨垃圾分类", "name_en": "Kitchen waste sorted", "hazard": "餐厨垃圾未分类", "hazard_en": "Kitchen waste not sorted"},
        {"code": "AA-NEW", "kinds": ["@small"], "severity": "general", "days": 5,
         "name": "门前三包", "name_en": "Frontage kept", "hazard": "门前脏乱", "hazard_en": "Frontage untidy"},
        {"code": "EXIT", "kinds": ["nowhere"], "severity": "general", "days": 1,
         "name": "x", "name_en": "x", "hazard": "x", "hazard_en": "x"},  # unreadable: the shipped EXIT stays
        {"code": 7},
    ]  # fmt: skip
    edited = table_with_records(base, records)
    assert edited.get("FIRE-EXT").severity == "significant" and edited.get("FIRE-EXT").days == 2
    assert "DUTY" not in edited and "DUTY" in base  # the shipped table is untouched
    assert edited.get("EXIT") == base.get("EXIT")
    codes = [i.code for i in edited.for_kind("restaurant")]
    assert codes[-2:] == ["AA-NEW", "ZZ-NEW"]  # new items after the shipped ones, in code order
    assert "ZZ-NEW" not in [i.code for i in edited.for_kind("shop")] and "AA-NEW" in [i.code for i in edited.for_kind("shop")]
    assert "AA-NEW" not in [i.code for i in edited.for_kind("unit")]
    assert len(edited) == len(base) - 1 + 2
    assert edited.category_for(edited.get("AA-NEW"), "restaurant") == load_kinds()["restaurant"].category


@pytest.mark.parametrize(
    "change, words",
    [
        (lambda t: t["items"][1].update(severity="fatal"), ("EXIT", "severity")),
        (lambda t: t["items"][1].update(days=0), ("EXIT", "days")),
        (lambda t: t["items"][1].update(kinds=["bakery"]), ("EXIT", "bakery")),
        (lambda t: t["items"][1].pop("hazard_en"), ("EXIT", "hazard_en")),
        (lambda t: t["items"][1].update(colour="red"), ("EXIT", "colour")),
        (lambda t: t["items"].append(dict(t["items"][0])), ("FIRE-EXT", "twice")),
        (lambda t: t.update(version=2), ("version",)),
    ],
)
def test_a_malformed_table_is_refused_naming_the_item(change, words):
    table = copy.deepcopy(_shipped())
    change(table)
    with pytest.raises(ChecklistTableError) as info:
        ChecklistTable.from_table(table)
    for w in words:
        assert w in info.value.en
    assert "检查表" in info.value.zh


def test_a_malformed_kind_table_is_refused():
    table = json.loads(resources_path("place_kinds.json").read_text("utf-8"))
    table["kinds"][0]["interval_days"] = 0
    with pytest.raises(PlaceKindTableError) as info:
        parse_table(table)
    assert "shop" in info.value.en and "interval_days" in info.value.en
