"""The demo's places, inspections, hazards and rosters (demo.places_data): what `make run` shows (issue 15)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from gridworker.demo.data import generate
from gridworker.demo.load import load_demo, load_places
from gridworker.demo.places_data import PER_KIND, generate_places
from gridworker.domain.places import licence
from gridworker.domain.places.inspections import HazardRules
from gridworker.domain.places.kinds import load_kinds
from gridworker.domain.placework import PLACE_MODELS
from gridworker.domain.workdays import TZ
from gridworker.server.sync.places import to_step
from gridworker.services.queries import places_register as q
from gridworker.services.queries import roster as rq

AS_OF = date(2026, 12, 7)


def test_every_kind_many_times_hazards_by_the_rules_and_rows_shaped_like_the_tables():
    community = generate(persons=1500, seed=3, as_of=AS_OF)
    demo = generate_places(community)
    assert demo.records() == generate_places(community).records()  # the same seed, the same demo
    kinds = [p["kind"] for p in demo.places]
    assert all(kinds.count(k.code) == PER_KIND for k in load_kinds())
    assert all(licence.is_valid(p["licence_number"]) for p in demo.places)
    for entity, rows in demo.records().items():
        columns = set(PLACE_MODELS[entity].model_fields)
        assert rows and all(set(row) == columns for row in rows), entity
    # Each hazard's derived fields are what its events give by the rules.
    rules = HazardRules()
    events: dict[str, list] = {}
    for e in demo.hazard_events:
        events.setdefault(e["hazard_id"], []).append(to_step({k: (v.isoformat() if isinstance(v, datetime) else v)
                                                              for k, v in e.items()}))  # fmt: skip
    for h in demo.hazards:
        state = rules.replay(events[h["id"]])
        assert (h["status"], h["deadline"], h["rectified_at"]) == (state.status, state.deadline, state.rectified_at)
    statuses = {h["status"] for h in demo.hazards}
    assert statuses == {"open", "rectified"}


def test_loaded_the_due_list_the_overdue_hazards_and_an_incomplete_roster_show(store):
    community = generate(persons=900, seed=4, as_of=AS_OF)
    demo = generate_places(community)
    load_demo(store, community)
    load_places(store, demo)
    now = datetime.combine(AS_OF, time(18), tzinfo=TZ)
    grids = [a for a in community.areas if a["level"] == "grid"]
    due = q.due_places(store, today=AS_OF, now=now)
    assert any(d.last_inspected is None for d in due) and any(d.recheck for d in due)
    assert q.overdue_hazards(store, now=now)
    assert [g.area_id for g in rq.incomplete_grids(store)] == [grids[0]["id"]]
    assert {r.code for r in rq.incomplete_grids(store)[0].missing} == {"doctor", "mediator"}
    shop = next(p for p in demo.places if p["kind"] == "shop")
    assert shop["id"] in [r.id for r in q.search_places(store, shop["initials"], limit=50)]
    figures = q.place_figures(store, start=now - timedelta(days=130), end=now, as_of=now)
    assert figures.total.places == len(demo.places) and 0 < figures.total.inspected < figures.total.places
    assert figures.total.found == len(demo.hazards)
