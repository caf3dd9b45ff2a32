"""The server's users kept on the client: names and roles for the pickers, moves and disabling followed,
and a database that synced before users were kept gets them through one re-read after its upgrade."""

from __future__ import annotations

import uuid
from datetime import date

from alembic import command
from sqlmodel import select

from gridworker.domain.models import Household, Outbox, Person
from gridworker.domain.users import User
from gridworker.services import register
from gridworker.services.queries.people import known_people, people_names
from gridworker.store import migrate
from gridworker.sync import pull, resync, state

from .helpers import area_ids, local_ids, new_household
from .server import SERVER_PASSWORD


def user_named(client, username: str) -> User | None:
    with client.store.read() as s:
        return s.exec(select(User).where(User.username == username)).first()


def picker(client, area_code: str) -> list[tuple[str | None, str | None]]:
    """What the dispatch dialog offers for an incident in this area: (display name, role)."""
    return [(p.display_name, p.role) for p in known_people(client.store, area_id=area_ids(client)[area_code])]


def test_a_dispatcher_knows_handlers_by_name_and_follows_their_moves(fresh_server, clients):
    srv = fresh_server
    srv.admin("user", "add", "hd", "--role", "handler", "--area", "G1", "--display-name", "陈刚", "--password-stdin",
              stdin=SERVER_PASSWORD + "\n")  # fmt: skip
    disp = clients(srv, "disp")
    disp.sync_ok()
    handler = user_named(disp, "hd")
    assert (handler.display_name, handler.role, handler.area_ids) == ("陈刚", "handler", [area_ids(disp)["G1"]])
    assert handler.active and handler.version > 0
    # Handlers first, then the grid's workers; the other grid's worker and the dispatchers are not offered.
    offered = picker(disp, "G1")
    assert offered[0] == ("陈刚", "handler")
    assert {name for name, role in offered if role == "worker"} == {"w1a", "w1b"}
    assert all(role in ("handler", "worker") for _name, role in offered)
    assert people_names(disp.store)[handler.id] == "陈刚"

    srv.admin("user", "update", "hd", "--area", "G2")  # the handler now serves the other grid
    disp.sync_ok()
    assert ("陈刚", "handler") not in picker(disp, "G1")
    assert ("陈刚", "handler") in picker(disp, "G2")

    srv.admin("user", "disable", "hd")
    disp.sync_ok()
    assert user_named(disp, "hd").disabled
    assert ("陈刚", "handler") not in picker(disp, "G2")
    assert people_names(disp.store)[handler.id] == "陈刚"  # the work they did keeps their name


def test_a_database_synced_before_users_were_kept_fetches_them_once_after_the_upgrade(server, clients):
    w, disp = clients(server, "w1a"), clients(server, "disp")
    w.sync_ok()
    _, stays = new_household(w, room="201")
    _, leaves = new_household(w, room="202")
    w.sync_ok()
    register.update_household(w.store, stays.id, {"phone": "13800000001"})  # unsent when the app is upgraded
    # Meanwhile the dispatcher writes a note on one household and moves the other to the second grid.
    disp.sync_ok()
    register.update_household(disp.store, stays.id, {"notes": "独居老人，每周探访"})
    register.update_household(disp.store, leaves.id, {"area_id": area_ids(disp)["G2"]})
    disp.sync_ok()
    # The worker's database as version 0003 left it (no user table), then the upgrade.
    command.downgrade(migrate.config(w.store.engine), "0003")
    migrate.upgrade(w.store.engine)
    with w.store.read() as s:
        assert resync.in_progress(s) and state.get_meta(s, state.CURSOR) is None
        assert s.exec(select(User)).all() == []
        [edit] = s.exec(select(Outbox).where(Outbox.state == "pending")).all()
        outbox_rows = len(s.exec(select(Outbox)).all())

    result = w.sync_ok()
    assert user_named(w, "disp").role == "dispatcher" and user_named(w, "w1b").area_ids == [area_ids(w)["G1"]]
    assert user_named(w, "w2") is None  # another grid's worker: not among the users a G1 worker receives
    assert not result.resynced and stays.id in local_ids(w, "household")
    with w.store.read() as s:
        assert not resync.in_progress(s)
        # Not a restore: the household that left the grid is dropped, not sent back to the server ...
        assert s.get(Household, leaves.id) is None
        assert len(s.exec(select(Outbox)).all()) == outbox_rows
        # ... and the unsent edit kept its base: the server saw the dispatcher's note as someone else's change.
        sent = s.get(Outbox, edit.seq)
        assert (sent.state, sent.base_version, sent.result["status"]) == ("sent", edit.base_version, "merged")
        household = s.get(Household, stays.id)
        assert (household.phone, household.notes) == ("13800000001", "独居老人，每周探访")


def test_a_pulled_user_is_written_tombstoned_and_evicted(store):
    uid = str(uuid.uuid4())
    data = {"username": "hd", "display_name": "陈刚", "role": "handler", "area_ids": ["g1"], "disabled": False}

    def page(op: str, version: int, **fields):
        with store.write() as s:
            return pull.apply_page(s, [{"entity": "user", "id": uid, "op": op, "version": version,
                                        "data": (data | fields) if op != "evict" else None}])  # fmt: skip

    assert page("upsert", 1).upserts == 1
    assert page("upsert", 2, display_name="陈刚强", team="东片").touched == {"user": {uid}}
    with store.read() as s:
        user = s.get(User, uid)
        assert (user.display_name, user.extra, user.active) == ("陈刚强", {"team": "东片"}, True)
    page("delete", 3)
    with store.read() as s:
        assert s.get(User, uid).deleted and not s.get(User, uid).active
    page("upsert", 4)
    assert page("evict", 5).evicts == 1
    with store.read() as s:
        assert s.get(User, uid) is None


def test_a_page_whose_first_record_lacks_a_date_that_others_have_is_written(store):
    """Regression (found by this suite): the bulk insert took the first value's emptiness as a JSON hint."""
    people = [(str(uuid.uuid4()), {"name": "甲"}), (str(uuid.uuid4()), {"name": "乙", "birth_date": "1950-01-02"})]
    with store.write() as s:
        pull.apply_page(s, [{"entity": "person", "id": pid, "op": "upsert", "version": 1, "data": d} for pid, d in people])
    with store.read() as s:
        assert [s.get(Person, pid).birth_date for pid, _d in people] == [None, date(1950, 1, 2)]
