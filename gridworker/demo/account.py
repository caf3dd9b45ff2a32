"""The demo account that `make run` opens.

Creates (once) a local account "demo" (password "demo1234") under the
GridWorker home, fills it with a generated demo community, and opens the
window (gridworker.ui.app). Set GRIDWORKER_HOME to keep the demo somewhere else.
"""

from __future__ import annotations

import os

DEMO_ACCOUNT = "demo"
DEMO_PASSWORD = "demo1234"
DEMO_PERSONS = int(os.environ.get("GRIDWORKER_DEMO_PERSONS", "3000"))


def open_demo_store():
    from datetime import date

    from ..store import AccountManager
    from .data import generate
    from .load import load_demo, load_places
    from .participation import seed_participation
    from .places_data import generate_places

    manager = AccountManager()
    if DEMO_ACCOUNT not in manager.names():
        manager.create(DEMO_ACCOUNT, DEMO_PASSWORD)
        _account, store = manager.open(DEMO_ACCOUNT, DEMO_PASSWORD)
        print(f"Creating the demo community ({DEMO_PERSONS} people) in {manager.home} …", flush=True)
        community = generate(persons=DEMO_PERSONS)
        load_demo(store, community)
        load_places(store, generate_places(community))
    else:
        store = manager.open(DEMO_ACCOUNT, DEMO_PASSWORD)[1]
    # Members, orders, a shop and a year of points (issue 16); an older demo account gets them once too.
    seed_participation(store, today=date.today())
    return store
