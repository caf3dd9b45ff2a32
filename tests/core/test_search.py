"""The register search: every kind of query, ranking, the index following every change, the CLI."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from sqlalchemy import text

from gridworker.cli import main
from gridworker.domain.errors import NotFound
from gridworker.domain.idnumber import check_char
from gridworker.domain.models import Person
from gridworker.services import register as reg
from gridworker.services.base import Tx, transaction
from gridworker.services.search import find_people, household_card, rebuild_index
from gridworker.store import AccountManager, search
from tests.conftest import PASSWORD


def id_number(region: str, born: str, seq: int) -> str:
    first17 = f"{region}{born}{seq:03d}"
    return first17 + check_char(first17)


@dataclass
class Register:
    """A small register: two grids of one community, two estates, four households."""

    community: str
    grid1: str
    grid2: str
    b1: str
    h301: str
    h1203: str
    h101: str
    people: dict[str, str]  # name → person id
    ids: dict[str, str]  # name → ID number


@pytest.fixture
def register(store) -> Register:
    # One transaction, as an import would: the index is brought up to date once, in bulk, before commit.
    with transaction(store) as tx:
        return _make_register(tx)


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One register for the tests that only read it (an account costs a migration: make it once)."""
    accounts = AccountManager(tmp_path_factory.mktemp("shared"))
    accounts.create("reader", PASSWORD)
    _account, st = accounts.open("reader", PASSWORD)
    with transaction(st) as tx:
        made = _make_register(tx)
    yield st, made
    st.close()


def _make_register(store: Tx) -> Register:
    community = reg.register_area(store, code="c1", name="幸福社区", level="community")
    grid1 = reg.register_area(store, code="g1", name="一网格", level="grid", parent_id=community.id)
    grid2 = reg.register_area(store, code="g2", name="二网格", level="grid", parent_id=community.id)
    b1 = reg.register_building(store, {"name": "3号楼", "estate": "幸福小区", "area_id": grid1.id})
    b2 = reg.register_building(store, {"name": "1号楼", "estate": "和平里", "area_id": grid2.id})
    h301 = reg.register_household(store, {"building_id": b1.id, "unit": "2", "room": "301", "phone": "13900001111"})
    h1203 = reg.register_household(store, {"building_id": b1.id, "unit": "1", "room": "1203"})
    h101 = reg.register_household(store, {"building_id": b2.id, "unit": "1", "room": "101"})
    ids = {
        "张美玲": id_number("110105", "19900101", 124),
        "张伟": id_number("330106", "19850617", 31),
        "林和平": id_number("330106", "19781203", 55),
    }
    rows = [
        ("张美玲", h301, "head", {"id_number": ids["张美玲"], "phone": "13800138000"}),
        ("王美玲", h301, "spouse", {}),
        ("张伟", h1203, "head", {"id_number": ids["张伟"]}),
        ("阿依古丽·买买提", h1203, "tenant", {}),
        ("林和平", h101, "head", {"id_number": ids["林和平"]}),
        ("赵小红", h101, "spouse", {}),
        ("李Anna", h101, "child", {}),
    ]
    people = {}
    for name, hh, relation, more in rows:
        p = reg.register_person(store, {"name": name, "household_id": hh.id, "relation": relation, **more})
        people[name] = p.id
    return Register(community.id, grid1.id, grid2.id, b1.id, h301.id, h1203.id, h101.id, people, ids)


def names(hits) -> list[str]:
    return [h.name for h in hits]


def found(store, query: str, **kw) -> dict[str, tuple[str, int]]:
    """name → (what matched, rank) of every hit."""
    return {h.name: (h.match, h.rank) for h in find_people(store, query, **kw)}


def test_names_pinyin_and_initials(shared):
    store, register = shared
    assert found(store, "张美玲") == {"张美玲": ("name", search.RANK_NAME_EXACT)}
    assert found(store, "zml") == {"张美玲": ("initials", search.RANK_NAME_EXACT)}
    assert found(store, "ZhangMeiLing") == {"张美玲": ("pinyin", search.RANK_NAME_EXACT)}
    assert found(store, "zhangm") == {"张美玲": ("pinyin", search.RANK_NAME_PREFIX)}
    assert found(store, "meiling") == {
        "张美玲": ("pinyin", search.RANK_NAME_CONTAINS),
        "王美玲": ("pinyin", search.RANK_NAME_CONTAINS),
    }


def test_one_and_two_character_queries(shared):
    store, register = shared
    # Trigrams cannot match these: they go through the prefix range and the name scan.
    assert found(store, "张") == {"张美玲": ("name", search.RANK_NAME_PREFIX), "张伟": ("name", search.RANK_NAME_PREFIX)}
    assert found(store, "美玲") == {"张美玲": ("name", search.RANK_NAME_CONTAINS), "王美玲": ("name", search.RANK_NAME_CONTAINS)}
    assert found(store, "zm") == {"张美玲": ("initials", search.RANK_NAME_PREFIX)}
    assert found(store, "张伟") == {"张伟": ("name", search.RANK_NAME_EXACT)}
    assert names(find_people(store, "张", limit=1)) == ["张伟"]  # prefix order: 张伟 < 张美玲 by code point


def test_id_numbers_and_phones(shared):
    store, register = shared
    full = register.ids["张美玲"]
    assert found(store, full) == {"张美玲": ("id_number", search.RANK_ID_NUMBER)}
    assert found(store, full.lower()) == {"张美玲": ("id_number", search.RANK_ID_NUMBER)}
    assert found(store, "13800138000") == {"张美玲": ("phone", search.RANK_PHONE)}
    assert found(store, "0138") == {"张美玲": ("phone", search.RANK_NUMBER_PART)}
    assert found(store, "19850617") == {"张伟": ("id_number", search.RANK_NUMBER_PART)}
    assert found(store, "１９８５０６１７") == {"张伟": ("id_number", search.RANK_NUMBER_PART)}  # full-width digits
    # The household's phone finds the people living there.
    assert set(found(store, "00001111")) == {"张美玲", "王美玲"}


def test_addresses_buildings_and_rooms(shared):
    store, register = shared
    assert set(found(store, "幸福小区")) == {"张美玲", "王美玲", "张伟", "阿依古丽·买买提"}
    assert set(found(store, "1203")) == {"张伟", "阿依古丽·买买提", "林和平"}
    assert set(found(store, "幸福 301室")) == {"张美玲", "王美玲"}  # every word must match
    assert set(found(store, "3号楼 1单元")) == {"张伟", "阿依古丽·买买提"}
    assert set(found(store, "张 3号")) == {"张美玲", "张伟"}  # short words only: a name piece leads
    assert set(found(store, "玲 和平")) == set()
    assert {m for m, _ in found(store, "和平里").values()} == {"address"}


def test_ranking_exact_id_then_name_then_the_rest(shared):
    store, register = shared
    # "1203": an ID fragment (林和平, born 1978-12-03) ranks before the people of room 1203.
    hits = find_people(store, "1203")
    assert [(h.name, h.match) for h in hits][0] == ("林和平", "id_number")
    assert {h.match for h in hits[1:]} == {"address"}
    # "和平": the name 林和平 before the other people of the estate 和平里.
    hits = find_people(store, "和平")
    assert hits[0].name == "林和平" and hits[0].match == "name"
    assert set(names(hits[1:])) == {"赵小红", "李Anna"} and {h.match for h in hits[1:]} == {"address"}
    # Exact name before contains, and ranks never go down the list.
    hits = find_people(store, "张伟")
    assert names(hits) == ["张伟"]
    for query in ("1203", "和平", "张", "美玲", "zm", "幸福"):
        ranks = [h.rank for h in find_people(store, query)]
        assert ranks == sorted(ranks), query


def test_names_with_other_characters(shared):
    store, register = shared
    # The middle dot is a separator: the name is found with or without it, and by its initials.
    assert found(store, "阿依古丽·买买提") == {"阿依古丽·买买提": ("name", search.RANK_NAME_EXACT)}
    assert found(store, "阿依古丽买买提") == {"阿依古丽·买买提": ("name", search.RANK_NAME_EXACT)}
    assert found(store, "买买提") == {"阿依古丽·买买提": ("name", search.RANK_NAME_CONTAINS)}
    assert found(store, "ayglmmt") == {"阿依古丽·买买提": ("initials", search.RANK_NAME_EXACT)}
    assert found(store, "maimaiti") == {"阿依古丽·买买提": ("pinyin", search.RANK_NAME_CONTAINS)}
    # Latin letters in a name: kept in the pinyin, and case does not matter.
    assert found(store, "ANNA") == {"李Anna": ("name", search.RANK_NAME_CONTAINS)}
    assert found(store, "lianna") == {"李Anna": ("pinyin", search.RANK_NAME_EXACT)}


def test_odd_queries_are_not_errors(shared):
    store, register = shared
    for query in ("", "   ", '"', 'a"b', "%", "_", "*", "AND", "NEAR(", "-", "张 OR 王", "x" * 300):
        hits = find_people(store, query)
        assert all(h.person_id for h in hits)
    assert find_people(store, "") == []
    assert find_people(store, "张", limit=0) == []


def test_delete_move_and_edit_are_reflected(store, register):
    p = register.people
    reg.delete_record(store, "person", p["赵小红"])
    assert find_people(store, "赵小红") == [] and find_people(store, "zxh", include_inactive=True) == []
    reg.move_person(store, p["王美玲"], register.h101, relation="other")
    assert "王美玲" in names(find_people(store, "和平里"))
    assert "王美玲" not in names(find_people(store, "幸福小区"))
    reg.update_person(store, p["张伟"], {"name": "张大伟", "phone": "13711112222"})
    assert names(find_people(store, "zdw")) == ["张大伟"] and find_people(store, "zw") == []
    assert find_people(store, "张伟") == [] and names(find_people(store, "大伟")) == ["张大伟"]
    assert names(find_people(store, "13711112222")) == ["张大伟"]
    reg.update_household(store, register.h1203, {"room": "1204", "address": "幸福小区3号楼1单元1204室"})
    assert set(names(find_people(store, "1204室"))) == {"张大伟", "阿依古丽·买买提"}
    assert "张大伟" not in names(find_people(store, "1203室"))


def test_building_rename_reindexes_its_people(store, register):
    reg.update_building(store, register.b1, {"name": "望湖苑"})
    assert set(names(find_people(store, "望湖苑"))) == {"张美玲", "王美玲", "张伟", "阿依古丽·买买提"}


def test_area_filter_covers_sub_areas(shared):
    store, register = shared
    grid1 = {"张美玲", "王美玲", "张伟", "阿依古丽·买买提"}
    assert set(names(find_people(store, "幸福 3号楼", area_ids=[register.grid1]))) == grid1
    assert names(find_people(store, "林和平", area_ids=[register.grid1])) == []
    assert names(find_people(store, "林和平", area_ids=[register.grid2])) == ["林和平"]
    assert set(names(find_people(store, "张", area_ids=[register.community]))) == {"张美玲", "张伟"}
    assert find_people(store, "张", area_ids=[]) == []


def test_moved_out_and_deceased_only_on_request(store, register):
    reg.mark_moved_out(store, register.people["王美玲"])
    reg.mark_deceased(store, register.people["张伟"])
    assert names(find_people(store, "美玲")) == ["张美玲"]
    assert find_people(store, register.ids["张伟"]) == []
    hits = find_people(store, "美玲", include_inactive=True)
    assert [(h.name, h.status) for h in hits] == [("张美玲", "active"), ("王美玲", "moved_out")]
    assert [h.status for h in find_people(store, register.ids["张伟"], include_inactive=True)] == ["deceased"]
    # Moving back in makes the person findable again.
    reg.move_person(store, register.people["王美玲"], register.h301, relation="spouse")
    assert set(names(find_people(store, "美玲"))) == {"张美玲", "王美玲"}


def _index_rows(store) -> tuple[list[tuple], list[tuple]]:
    """The index by person (its own integer keys differ after a rebuild): text rows and name pieces."""
    with store.read() as s:
        c = s.connection()
        docs = sorted(tuple(r[1:]) for r in c.exec_driver_sql("SELECT * FROM search_doc"))
        return docs, search.pieces.indexed(c.connection.driver_connection.cursor())


def _fts_consistent(store) -> None:
    # 'integrity-check' with rank 1 compares the trigram indexes with search_doc, row by row; it raises if they differ.
    with store.read() as s:
        for fts in ("search_fts", "search_fts_name"):
            s.connection().exec_driver_sql(f"INSERT INTO {fts}({fts}, rank) VALUES ('integrity-check', 1)")


def test_rebuild_matches_the_incremental_index_and_fills_missing_pinyin(store, register):
    reg.move_person(store, register.people["赵小红"], register.h301)
    reg.delete_record(store, "person", register.people["李Anna"])
    _fts_consistent(store)
    incremental = _index_rows(store)
    assert rebuild_index(store) == 6
    assert _index_rows(store) == incremental
    _fts_consistent(store)
    # A bulk loader may write people without pinyin: the index works it out.
    with store.write() as s:
        s.add(Person(name="周明亮", household_id=register.h301, area_id=register.grid1))
    with store.write() as s:
        search.rebuild(s)
    assert set(names(find_people(store, "zml"))) == {"张美玲", "周明亮"}
    with store.write() as s:
        s.add(Person(name="郑美丽", household_id=register.h301, area_id=register.grid1))
        s.flush()
        pid = s.connection().execute(text("SELECT id FROM person WHERE name = '郑美丽'")).scalar_one()
        search.reindex(s, {"person": {pid}})
    assert found(store, "zhengmeili") == {"郑美丽": ("pinyin", search.RANK_NAME_EXACT)}
    _fts_consistent(store)


def test_a_large_reindex_rebuilds(store, register, monkeypatch):
    calls = []
    monkeypatch.setattr(search, "rebuild", lambda s: calls.append(1) or _real_rebuild(s))
    monkeypatch.setattr(search, "_BULK_MIN", 3)
    with transaction(store) as tx:  # 2 new people: too few to start afresh, patched in place
        for name in ("钱一", "钱二"):
            reg.register_person(tx, {"name": name, "household_id": register.h101})
    assert calls == []
    with transaction(store) as tx:  # 3 more against an index of 9: a third of it, so it is rebuilt
        for name in ("孙一", "孙二", "孙三"):
            reg.register_person(tx, {"name": name, "household_id": register.h101})
    assert calls == [1]
    assert set(names(find_people(store, "和平里"))) == {"林和平", "赵小红", "李Anna", "钱一", "钱二", "孙一", "孙二", "孙三"}
    _fts_consistent(store)


_real_rebuild = search.rebuild


def test_household_card(store, register):
    p = register.people
    reg.register_person(store, {"name": "张小明", "household_id": register.h301, "relation": "child"})
    reg.mark_moved_out(store, p["王美玲"])
    reg.move_person(store, p["赵小红"], register.h301, relation="other_relative")
    card = household_card(store, register.h301)
    assert card.building is not None and card.building.name == "3号楼"
    assert [m.name for m in card.members] == ["张美玲", "张小明", "赵小红"]  # head, child, other relative
    assert {e.name for e in card.history} == {"张美玲", "王美玲", "张小明", "赵小红"}
    ended = [e for e in card.history if e.moved_out is not None]
    assert [e.name for e in ended] == ["王美玲"]
    assert [e.latest for e in card.history] == sorted((e.latest for e in card.history), reverse=True)
    with pytest.raises(NotFound):
        household_card(store, "no-such-household")


def test_cli_search_masks_numbers_and_json_gives_them(store, register, monkeypatch, capsys):
    monkeypatch.setenv("GRIDWORKER_PASSWORD", PASSWORD)
    assert main(["--lang", "zh", "search", "张美玲"]) == 0
    out = capsys.readouterr().out
    full = register.ids["张美玲"]
    assert f"{full[:6]}********{full[-4:]}" in out and "138****8000" in out
    assert full not in out and "13800138000" not in out
    assert "幸福小区3号楼2单元301室" in out and register.h301 in out
    assert main(["search", "张美玲", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 1 and rows[0]["id_number"] == full and rows[0]["phone"] == "13800138000"
    assert rows[0]["match"] == "name" and rows[0]["household_id"] == register.h301
    assert main(["search", "美玲", "--json", "--limit", "1"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 1
    reg.mark_moved_out(store, register.people["王美玲"])
    assert main(["--lang", "en", "search", "王美玲"]) == 0
    assert "Nothing found" in capsys.readouterr().out
    assert main(["--lang", "en", "search", "王美玲", "--all"]) == 0
    assert "[Moved out]" in capsys.readouterr().out


def test_cli_household_show(store, register, monkeypatch, capsys):
    monkeypatch.setenv("GRIDWORKER_PASSWORD", PASSWORD)
    assert main(["--lang", "zh", "household", "show", register.h301]) == 0
    out = capsys.readouterr().out
    assert "张美玲" in out and "户主" in out and "139****1111" in out and "13900001111" not in out
    assert main(["household", "show", register.h301, "--json"]) == 0
    card = json.loads(capsys.readouterr().out)
    assert [m["name"] for m in card["members"]] == ["张美玲", "王美玲"]
    assert card["members"][0]["id_number"] == register.ids["张美玲"] and card["building"]["estate"] == "幸福小区"
    assert main(["--lang", "en", "household", "show", "nope"]) == 1
    assert "No such household" in capsys.readouterr().err
