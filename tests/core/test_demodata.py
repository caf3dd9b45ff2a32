"""The demo community: valid, plausible, deterministic, and loadable into a store."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

import pytest
from sqlalchemy import func, select

from gridworker.cli import main
from gridworker.demo.data import DEMO_USERS, SKILLS, generate
from gridworker.domain import idnumber, validation
from gridworker.domain.errors import GridWorkerError, Refused
from gridworker.domain.models import REGISTER_MODELS, Building, Household, Membership, Outbox, Person
from gridworker.domain.register import age_on
from gridworker.demo.load import load_demo, register_counts
from gridworker.store import search

from ..conftest import PASSWORD

AS_OF = date(2026, 6, 1)


@pytest.fixture(scope="module")
def demo():
    return generate(persons=8000, seed=3, as_of=AS_OF)


def years_between(older: date, younger: date) -> int:
    return age_on(older, younger)


def test_same_seed_same_community_other_seed_another():
    a = generate(persons=300, seed=5, as_of=AS_OF)
    b = generate(persons=300, seed=5, as_of=AS_OF)
    c = generate(persons=300, seed=6, as_of=AS_OF)
    assert a.records() == b.records()
    assert [p["id_number"] for p in a.persons] != [p["id_number"] for p in c.persons]


def test_exact_number_of_people_and_rows_shaped_like_the_models(demo):
    assert len(demo.persons) == 8000
    for entity, rows in demo.records().items():
        columns = set(REGISTER_MODELS[entity].model_fields)
        assert rows and all(set(row) == columns for row in rows), entity


def test_every_id_number_is_valid_and_matches_birth_date_and_gender(demo):
    numbers = [p["id_number"] for p in demo.persons]
    assert len(set(numbers)) == len(numbers)
    for p in demo.persons:
        info = idnumber.parse(p["id_number"], today=AS_OF)
        assert info.birth_date == p["birth_date"]
        assert info.gender.value == p["gender"]


def test_phones_are_valid_mobiles_and_unique(demo):
    phones = [p["phone"] for p in demo.persons if p["phone"]]
    assert len(phones) > 0.6 * len(demo.persons)
    assert len(set(phones)) == len(phones)
    assert all(validation.phone(n) == n and len(n) == 11 for n in phones)
    assert all(p["phone"] is None for p in demo.persons if age_on(p["birth_date"], AS_OF) < 16)


def test_relations_fit_ages(demo):
    by_household = defaultdict(list)
    for p in demo.persons:
        by_household[p["household_id"]].append(p)
    for hh in demo.households:
        people = by_household.get(hh["id"], [])
        if hh["housing"] == "vacant":
            assert not people and hh["head_person_id"] is None
            continue
        heads = [p for p in people if p["relation"] == "head"]
        assert len(heads) == 1 and hh["head_person_id"] == heads[0]["id"]
        head = heads[0]
        assert 25 <= age_on(head["birth_date"], AS_OF) <= 85
        for p in people:
            if p["relation"] == "child":
                assert years_between(head["birth_date"], p["birth_date"]) >= 20
            elif p["relation"] == "parent":
                assert years_between(p["birth_date"], head["birth_date"]) >= 20
            elif p["relation"] == "grandchild":
                assert years_between(head["birth_date"], p["birth_date"]) >= 40
            elif p["relation"] == "spouse":
                assert p["gender"] != head["gender"]
                assert abs((p["birth_date"] - head["birth_date"]).days) <= 6 * 366
                assert age_on(p["birth_date"], AS_OF) >= 22


def test_records_point_at_each_other_and_share_their_area(demo):
    buildings = {b["id"]: b for b in demo.buildings}
    households = {h["id"]: h for h in demo.households}
    persons = {p["id"]: p for p in demo.persons}
    for hh in demo.households:
        assert hh["area_id"] == buildings[hh["building_id"]]["area_id"]
        assert hh["address"].startswith(buildings[hh["building_id"]]["estate"])
    for p in demo.persons:
        assert p["area_id"] == households[p["household_id"]]["area_id"]
    assert len(demo.memberships) == len(demo.persons)
    for m in demo.memberships:
        p = persons[m["person_id"]]
        assert m["household_id"] == p["household_id"] and m["relation"] == p["relation"]
        assert p["birth_date"] <= m["moved_in"] <= AS_OF


def test_tag_proportions_are_realistic(demo):
    n = len(demo.persons)
    share = {tag: count / n for tag, count in Counter(t for p in demo.persons for t in p["tags"]).items()}
    assert 0.02 <= share["elderly_alone"] <= 0.04
    assert 0.01 <= share["disabled"] <= 0.03
    assert 0.005 <= share["hardship"] <= 0.03
    assert 0.06 <= share["party_member"] <= 0.10
    assert 0 < share["left_behind_child"] < 0.02
    assert 0 < share["key_person"] < 0.015
    size = Counter(p["household_id"] for p in demo.persons)
    for p in demo.persons:
        age = age_on(p["birth_date"], AS_OF)
        if "elderly_alone" in p["tags"]:
            assert age >= 60 and size[p["household_id"]] == 1
        if "left_behind_child" in p["tags"]:
            assert age < 18 and p["relation"] == "grandchild"
        if "party_member" in p["tags"]:
            assert age >= 18
    skilled = [p["skills"] for p in demo.persons if p["skills"]]
    assert skilled and all(set(s.split("、")) <= set(SKILLS) for s in skilled)


def test_area_tree_and_households_per_grid(demo):
    areas = {a["id"]: a for a in demo.areas}
    codes = [a["code"] for a in demo.areas]
    assert len(set(codes)) == len(codes)
    below = {"district": None, "street": "district", "community": "street", "grid": "community", "microgrid": "grid"}
    for a in demo.areas:
        parent = areas.get(a["parent_id"])
        assert (parent["level"] if parent else None) == below[a["level"]]
    per_grid = Counter(areas[areas[hh["area_id"]]["parent_id"]]["code"] for hh in demo.households)
    assert len(per_grid) == sum(1 for a in demo.areas if a["level"] == "grid") >= 6
    assert all(300 <= n <= 500 for n in per_grid.values()), per_grid
    for user in DEMO_USERS:
        assert set(user.area_codes) <= set(codes)
        assert user.password == "demo1234"


def test_tiny_and_impossible_sizes():
    one = generate(persons=1, seed=1, as_of=AS_OF)
    assert len(one.persons) == 1 and one.persons[0]["relation"] == "head"
    with pytest.raises(GridWorkerError):
        generate(persons=0)


def test_load_demo_writes_everything_without_outbox_and_indexes_people(store):
    community = generate(persons=400, seed=7, as_of=AS_OF)
    seen = []
    load_demo(store, community, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (community.count(), community.count())
    with store.read() as s:
        assert register_counts(s) == {
            "building": len(community.buildings), "household": len(community.households), "person": 400,
        }
        assert s.scalar(select(func.count()).select_from(Membership)) == 400
        assert s.scalar(select(func.count()).select_from(Outbox)) == 0
        sample = community.persons[123]
        stored = s.get(Person, sample["id"])
        assert stored.id_number == sample["id_number"] and stored.tags == sample["tags"] and stored.initials
        assert s.get(Household, sample["household_id"]).head_person_id is not None
        assert [h.person_id for h in search.search(s, sample["id_number"])] == [sample["id"]]
        assert sample["id"] in [h.person_id for h in search.search(s, sample["name"], limit=500)]
    with pytest.raises(Refused):
        load_demo(store, community)
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(Person)) == 400


def test_load_demo_through_services_queues_every_record(store):
    community = generate(persons=40, seed=9, as_of=AS_OF)
    load_demo(store, community, queue_outbox=True)
    with store.read() as s:
        queued = {(e, r) for e, r in s.execute(select(Outbox.entity, Outbox.record_id))}
        for model in (Building, Household, Person, Membership):
            ids = set(s.scalars(select(model.id)))
            assert ids and {(model.entity, i) for i in ids} <= queued
        people = list(s.scalars(select(Person)))
        assert sorted(p.id_number for p in people) == sorted(p["id_number"] for p in community.persons)


def test_demo_command_refuses_an_account_with_records_unless_forced(store, monkeypatch, capsys):
    monkeypatch.setenv("GRIDWORKER_PASSWORD", PASSWORD)
    assert main(["--lang", "en", "demo", "--persons", "150"]) == 0
    assert "150 people" in capsys.readouterr().out
    assert main(["--lang", "en", "demo", "--persons", "150", "--seed", "2"]) == 1
    assert "--force" in capsys.readouterr().err
    assert main(["--lang", "en", "demo", "--persons", "150", "--seed", "2", "--force"]) == 0
    with store.read() as s:
        assert register_counts(s)["person"] == 300
