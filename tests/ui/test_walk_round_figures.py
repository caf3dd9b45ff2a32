"""The walk-round's figures read whole in both languages: beside the bar, not under its filled block; the unit said once."""

from __future__ import annotations

import pytest

from .conftest_fieldwork import demo_account, demo_store, make_ctx  # noqa: F401 (fixtures)

pytestmark = pytest.mark.timeout(120)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_walk_round_figures_are_readable_beside_the_bar(qtbot, make_ctx, demo_store, lang):
    from gridworker.services import visits as vs
    from gridworker.ui.pages.visits import VisitsPage

    from .conftest_fieldwork import WORKER, show

    due = vs.due_households(demo_store)[:4]
    vs.plan_walkround(demo_store, "巡查", household_ids=[d.household_id for d in due], planner_id=WORKER.id)
    for d, outcome in zip(due, ["met", "met", "not_home"]):
        vs.log_visit(demo_store, d.household_id, visitor_id=WORKER.id, outcome=outcome)

    page = show(qtbot, VisitsPage(make_ctx(WORKER, lang=lang)))
    qtbot.waitUntil(lambda: page.stops_model.rowCount() == 4 and page.progress.isVisible(), timeout=10_000)
    # Text drawn on the bar starts under its filled block ("▮已上门", "D▮ors called at"): none is drawn there.
    assert not page.progress.isTextVisible()
    label = page.progress_label
    assert label.isVisible() and not page.progress.geometry().intersects(label.geometry())
    met = page.met_label.text()
    if lang == "zh":
        assert label.text() == "已上门 3 / 4 户"
        assert met == "已走访住户 2 户"
    else:
        assert label.text() == "Doors called at 3 of 4 households"
        assert met == "Households visited: 2"
        assert met.lower().count("household") == 1  # not "Households visited 2 households"
