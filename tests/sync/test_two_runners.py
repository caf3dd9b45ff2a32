"""Two syncs of one account at once (the app and the CLI): an edit squashed by one is never lost by the other."""

from gridworker.services import register
from gridworker.store.accounts import AccountManager
from gridworker.sync import push
from gridworker.sync.engine import SyncEngine, SyncResult

from .helpers import new_household
from .server import SERVER_PASSWORD


def test_a_stale_copy_of_a_squashed_row_is_not_sent(server, clients, gridworker_home):
    a = clients(server, "w1a")
    a.sync_ok()
    _, hh = new_household(a, room="101")
    a.sync_ok()
    register.update_household(a.store, hh.id, {"phone": "13900000001"})
    _, store2 = AccountManager(gridworker_home).open(a.name, SERVER_PASSWORD)
    cli = SyncEngine(a.account, store2, attempts=2)  # e.g. `gridworker sync` beside the app
    transport = cli._connect()
    loaded_by_cli = cli._outbox()  # the CLI has loaded the phone edit …
    register.update_household(a.store, hh.id, {"notes": "second edit"})
    a.engine._outbox()  # … when the app squashes the note into that same row
    batch, body = push.next_batch(loaded_by_cli, set())
    try:
        cli._send(transport, batch, body, push.by_record(loaded_by_cli), SyncResult())
    except push.OutboxChanged:
        pass  # the CLI's round stops; its next one reloads
    a.sync_ok()
    data = server.records("w1a")[("household", hh.id)]["data"]
    assert data.get("phone") == "13900000001" and data.get("notes") == "second edit"
    store2.close()
