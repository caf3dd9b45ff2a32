"""The category table: two levels, both languages, search by Chinese, English and pinyin, clear loader errors."""

from __future__ import annotations

import copy

import pytest

from gridworker.domain.categories import CategoryTable, CategoryTableError, load_categories, search

TABLE = load_categories()


def names(found) -> list[str]:
    return [c.name for c in found]


def test_two_levels_with_the_national_classes_and_grid_governance():
    roots = TABLE.roots()
    events = {c.name for c in roots if c.kind == "event"}
    components = {c.name for c in roots if c.kind == "component"}
    governance = {c.name for c in roots if c.kind == "governance"}
    assert events == {"市容环境", "宣传广告", "施工管理", "街面秩序", "突发事件"}
    assert components == {"公用设施", "道路交通", "市容环境", "园林绿化", "房屋土地", "其他设施"}
    assert governance == {"矛盾纠纷", "安全隐患", "治安防控", "民生诉求", "特殊人群服务"}
    for c in TABLE:
        assert c.name and c.name_en and c.level_default in ("community", "street")
        if c.parent_code is None:
            assert TABLE.children(c.code), f"{c.name} has no entries"
        else:
            parent = TABLE.get(c.parent_code)
            assert parent.parent_code is None and parent.kind == c.kind
    assert len({c.code for c in TABLE}) == len(TABLE)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("公告栏", "公告栏"),  # broken notice board
        ("乱倒垃圾", "乱倒垃圾"),  # rubbish dumped
        ("illegal parking", "违章停车"),
        ("油烟", "油烟扰民"),  # kitchen fumes
        ("fxcd", "飞线充电"),  # private charging wires, by pinyin initials
        ("sewage", "污水冒溢"),
        ("邻里", "邻里纠纷"),
        ("jg", "井盖"),
        ("ld", "路灯"),
        ("jianshen", "健身器材"),
        ("消防通道", "消防通道堵塞"),
        ("燃气", "燃气隐患"),
    ],
)
def test_search_finds_the_examples_of_the_domain(query, expected):
    assert expected in names(search(query)[:3]), names(search(query))


def test_search_ranks_exact_and_prefix_matches_first_and_matches_keywords_last():
    assert names(TABLE.search("井盖"))[0] == "井盖"
    assert names(TABLE.search("Fire"))[0] == "火情"  # "Fire" exactly, before "Fire-fighting equipment"
    found = names(TABLE.search("私拉电线"))  # only a keyword of 飞线充电
    assert found == ["飞线充电"]
    assert TABLE.search("   ") == [] and TABLE.search("zzzzqqq") == []
    assert len(TABLE.search("纠纷", limit=2)) == 2


def test_street_level_and_photos_are_per_entry():
    assert TABLE.get("E0301").name == "违法建设" and TABLE.get("E0301").level_default == "street"
    emergencies = [c for c in TABLE if c.kind == "event" and c.name == "突发事件"][0]
    assert all(c.level_default == "street" for c in TABLE.children(emergencies.code))
    dispute = names(TABLE.search("邻里纠纷"))[0]
    assert dispute == "邻里纠纷" and not TABLE.search("邻里纠纷")[0].photo_required
    assert TABLE.search("井盖")[0].photo_required


def test_labels_tell_the_two_city_appearance_classes_apart():
    labels = {TABLE.path_label(c.code) for c in TABLE.roots() if c.name == "市容环境"}
    assert labels == {"市容环境（部件）", "市容环境（事件）"}
    bin_ = TABLE.search("垃圾箱")[0]
    assert TABLE.path_label(bin_.code) == "市容环境 › 垃圾箱"
    assert TABLE.path_label(bin_.code, "en").endswith("› Litter bin")


def minimal() -> dict:
    return {
        "format": "gridworker-categories",
        "version": 1,
        "categories": [
            {"code": "G02", "kind": "governance", "name": "安全隐患", "name_en": "Safety hazards", "children": [
                {"code": "G0201", "name": "飞线充电", "name_en": "Private charging wires"},
            ]},
        ],
    }


def test_children_inherit_from_their_class():
    table = CategoryTable.from_table(minimal())
    child = table.get("G0201")
    assert (child.kind, child.level_default, child.photo_required, child.parent_code) == (
        "governance", "community", True, "G02"
    )


@pytest.mark.parametrize(
    "mutate, words",
    [
        (lambda t: t["categories"][0]["children"].append(dict(t["categories"][0]["children"][0])), ["G0201", "重复"]),
        (lambda t: t["categories"][0]["children"][0].pop("name_en"), ["G0201", "name_en"]),
        (lambda t: t["categories"][0]["children"][0].update(level_default="city"), ["G0201", "city"]),
        (lambda t: t["categories"][0]["children"][0].update(kind="event"), ["G0201", "kind"]),
        (lambda t: t["categories"][0]["children"][0].update(children=[]), ["G0201", "两级"]),
        (lambda t: t["categories"][0]["children"][0].update(photo_required="yes"), ["G0201", "photo_required"]),
        (lambda t: t["categories"][0]["children"][0].update(code="G 02 01"), ["G 02 01"]),
        (lambda t: t["categories"][0].update(kind="thing"), ["G02", "thing"]),
        (lambda t: t["categories"][0].update(keywords="充电"), ["G02", "keywords"]),
        (lambda t: t.update(version=9), ["9"]),
    ],
)
def test_bad_tables_name_the_entry(mutate, words):
    table = copy.deepcopy(minimal())
    mutate(table)
    with pytest.raises(CategoryTableError) as err:
        CategoryTable.from_table(table)
    for word in words:
        assert word in err.value.zh
    assert err.value.en
