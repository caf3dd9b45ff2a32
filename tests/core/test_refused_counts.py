"""Refused work counts nowhere: one definition (services.refused) for the walk-round, the due list and the dashboard."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from gridworker.domain.fieldwork import CHINA_TZ, local_day
from gridworker.domain.models import utcnow
from gridworker.services import statistics as st
from gridworker.services import visits as vs
from gridworker.sync import push
from tests.core.test_incidents import LAT, LON, WORKER, jpeg, make_place, photos_dir  # noqa: F401

REFUSED = {"code": "out_of_scope", "message": "The record is outside your areas", "message_zh": "该记录不在您负责的范围内"}


def _server_refuses(store, *entities: str) -> int:
    """Record a push answer refusing every pending row of these entities, as the sync engine does."""
    with store.write() as s:
        rows = [r for r in push.load_pending(s) if r.entity in entities]
        results = [{"mutation_id": r.mutation_id, "status": "rejected", "error": REFUSED} for r in rows]
        push.apply_results(s, rows, results, push.by_record(rows))
    return len(rows)


def _figures(store, place):
    today = local_day(utcnow())
    stats = st.compute_statistics(store, [place.community], today - timedelta(days=1), today)
    return stats.households_visited, stats.visits_total, stats.incidents_reported


def test_a_refused_visit_and_its_incident_count_nowhere_and_the_stop_says_why(store, place_and_walk, photos_dir, tmp_path):
    place, walk = place_and_walk
    visit = vs.log_visit(store, place.household, visitor_id=WORKER, outcome="met", needs="楼道灯坏了",
                         need_category="E0102", photos=[jpeg(tmp_path / "door.jpg", gps=(LAT, LON))],
                         photos_dir=photos_dir)  # fmt: skip
    due_before = {d.household_id for d in vs.due_households(store)}
    assert place.household not in due_before  # met today: not due
    assert vs.walkround_progress(store, walk.id).done == 1
    assert _figures(store, place) == (1, 1, 1)

    assert _server_refuses(store, "visit", "incident", "incident_event", "photo") >= 2

    progress = vs.walkround_progress(store, walk.id)
    [stop] = progress.stops
    assert progress.done == 0 and not stop.visited
    assert (stop.refused.zh, stop.refused.en) == (REFUSED["message_zh"], REFUSED["message"])
    assert place.household in {d.household_id for d in vs.due_households(store)}
    assert _figures(store, place) == (0, 0, 0)

    # Visited again, and that visit stands: it counts, and the stop no longer shows the refusal.
    vs.log_visit(store, place.household, visitor_id=WORKER, outcome="met",
                 visited_at=datetime.now(CHINA_TZ) + timedelta(seconds=1))  # fmt: skip
    [stop] = vs.walkround_progress(store, walk.id).stops
    assert stop.visited and stop.refused is None and stop.visit_id != visit.id
    assert _figures(store, place)[:2] == (1, 1)


def test_a_refused_edit_of_a_record_the_server_has_is_not_refused_work(store, place_and_walk):
    place, walk = place_and_walk
    visit = vs.log_visit(store, place.household, visitor_id=WORKER, outcome="met")
    with store.write() as s:  # the server took the visit (version 1)
        rows = [r for r in push.load_pending(s) if r.entity == "visit"]
        push.apply_results(s, rows, [{"mutation_id": r.mutation_id, "status": "applied", "version": 1} for r in rows],
                           push.by_record(rows))  # fmt: skip
    assert vs.walkround_progress(store, walk.id).done == 1
    assert _figures(store, place)[:2] == (1, 1)
    assert visit.id


@pytest.fixture
def place_and_walk(store):
    place = make_place(store)
    walk = vs.plan_walkround(store, "今天", household_ids=[place.household], planner_id=WORKER,
                             planned_for=date.today())  # fmt: skip
    return place, walk
