"""An import's creates are reference rows (store/outbox.py): the server must get exactly what it got before.

The reference is the register services themselves (copies of the fields in the outbox): the same workbook and
the same edits in a second account, pushed to a second copy of the same server. Both pushes are captured as
posted; with record ids and stamps replaced by their order, they must be equal mutation for mutation (same
records, ops, bases, fields and values, same order, same stamp order). And each server must hold what the
client holds, field by field.
"""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from gridworker.domain.models import Household, Membership, Person
from gridworker.services import excel_import
from gridworker.services import register as reg
from gridworker.services.excel import import_register
from gridworker.store import AccountManager, outbox
from gridworker.sync.engine import SyncEngine
from gridworker.domain.models import Outbox
from tests.core.test_excel import BASE, write_book
from tests.core.test_excel_rows import MORE, _ServiceRows

from .helpers import server_rows, synced_values
from .server import SERVER_PASSWORD, make_client


@pytest.fixture
def capture(monkeypatch):
    """Every mutation each engine posts, in order: store → list."""
    sent: dict[object, list[dict]] = {}
    post = SyncEngine._post

    def spy(self, transport, body):
        sent.setdefault(self.store, []).extend(json.loads(body))
        return post(self, transport, body)

    monkeypatch.setattr(SyncEngine, "_post", spy)
    return sent


@pytest.fixture
def second_server(server_template, tmp_path):
    srv = server_template.copy_of(tmp_path / "second-data").start()
    yield srv
    srv.stop()


def _import(store, path, *, services: bool, monkeypatch, create_areas: bool = False) -> None:
    with monkeypatch.context() as m:
        if services:
            m.setattr(excel_import, "NewRows", _ServiceRows)
        result = import_register(store, path, create_areas=create_areas)
    assert result.committed and not result.errors, result.lines()


def _canon(mutations: list[dict]) -> list[tuple]:
    """The mutations with record ids numbered by first appearance and stamps by their rank."""
    ids: dict[str, str] = {}
    for m in mutations:
        ids.setdefault(m["id"], f"#{len(ids)}")
    ranks = {h: n for n, h in enumerate(sorted(m["hlc"] for m in mutations))}

    def canon(v):
        if isinstance(v, str):
            return ids.get(v, v)
        if isinstance(v, dict):
            return {k: canon(x) for k, x in v.items()}
        if isinstance(v, list):
            return [canon(x) for x in v]
        return v

    return [(m["entity"], canon(m["id"]), m["op"], m["base_version"], canon(m["fields"]), ranks[m["hlc"]]) for m in mutations]


def _held_as_server_holds(client, server) -> None:
    """Every register record of the client is on the server with the same wire values."""
    with client.store.read() as s:
        keys = [(e, rid) for model, e in ((Household, "household"), (Person, "person"), (Membership, "membership"))
                for rid in s.exec(select(model.id))]  # fmt: skip
    rows = server_rows(server, keys)
    assert len(keys) > 10 and set(rows) == set(keys)
    for entity, rid in keys:
        local = synced_values(client, entity, rid)
        on_server = rows[(entity, rid)]
        assert on_server["deleted"] == local.pop("deleted")
        for name, value in local.items():
            wire = value.isoformat() if hasattr(value, "isoformat") else value
            data = on_server["data"]
            if name not in data:  # never sent: the field's empty default on both sides
                assert wire in (None, [], {}), (entity, name, wire)
                continue
            assert data[name] == wire, (entity, name, data[name], wire)


def _references(store) -> int:
    with store.read() as s:
        return sum(outbox.is_reference(f) for f in s.exec(select(Outbox.fields).where(Outbox.state == "pending")))


def _edit_before_push(store) -> None:
    """Edits of imported records before their first push: a name, a household's phone, a move, a new member."""
    with store.read() as s:
        zhang = s.exec(select(Person).where(Person.name == "张美玲")).one()
        zhao = s.exec(select(Person).where(Person.name == "赵磊")).one()
        hh = s.get(Household, zhang.household_id)
    reg.update_person(store, zhang.id, {"name": "张美丽", "phone": "13900000001", "notes": "改过"})
    reg.update_household(store, hh.id, {"phone": "0571-88009999", "housing": None})
    reg.move_person(store, zhao.id, hh.id, relation="租户")
    reg.register_person(store, {"name": "新生儿", "household_id": hh.id, "relation": "子女"})


@pytest.mark.parametrize("edited", [False, True], ids=["as-imported", "edited-before-push"])
def test_an_imported_community_is_pushed_as_the_services_pushed_it(
    fresh_server, second_server, clients, capture, monkeypatch, tmp_path, edited
):
    ours, theirs = clients(fresh_server, "disp"), clients(second_server, "disp", account="disp-services")
    for client, services in ((ours, False), (theirs, True)):
        client.sync_ok()  # the server's areas, which the workbook names
        _import(client.store, write_book(tmp_path / "base.xlsx", BASE), services=services, monkeypatch=monkeypatch)
        _import(client.store, write_book(tmp_path / "more.xlsx", MORE), services=services, monkeypatch=monkeypatch)
        if edited:
            _edit_before_push(client.store)
    assert _references(ours.store) > 20 and _references(theirs.store) == 0
    ours.sync_ok()
    theirs.sync_ok()
    assert _canon(capture[ours.store]) == _canon(capture[theirs.store])
    assert len(capture[ours.store]) > 20
    _held_as_server_holds(ours, fresh_server)
    _held_as_server_holds(theirs, second_server)
    with ours.store.read() as s:  # what was sent is kept in the row: a replay means what was sent
        assert not any(outbox.is_reference(f) for f in s.exec(select(Outbox.fields)))


def test_an_offline_import_whose_area_is_rewritten_at_login_pushes_as_the_services_did(
    fresh_server, second_server, capture, monkeypatch, tmp_path, gridworker_home
):
    """Made offline in local areas, then linked: the areas become the server's before the first push."""
    accounts = AccountManager(gridworker_home)
    made = []
    for name, services in (("field", False), ("field-services", True)):
        accounts.create(name, SERVER_PASSWORD)
        _account, store = accounts.open(name, SERVER_PASSWORD)
        community = reg.register_area(store, code="C1", name="幸福社区", level="community")
        reg.register_area(store, code="G1", name="第一网格", level="grid", parent_id=community.id)
        reg.register_area(store, code="G2", name="第二网格", level="grid", parent_id=community.id)
        _import(store, write_book(tmp_path / "base.xlsx", BASE), services=services, monkeypatch=monkeypatch)
        _import(store, write_book(tmp_path / "more.xlsx", MORE), services=services, monkeypatch=monkeypatch)
        _edit_before_push(store)
        store.close()
        made.append(name)
    ours = make_client(gridworker_home, fresh_server, "disp", account="field")
    theirs = make_client(gridworker_home, second_server, "disp", account="field-services")
    try:
        assert _references(ours.store) > 20
        ours.sync_ok()
        theirs.sync_ok()
        mine, reference = capture[ours.store], capture[theirs.store]
        assert _canon(mine) == _canon(reference)
        local_areas = set()
        for m in mine:
            if "area_id" in m["fields"]:
                local_areas.add(m["fields"]["area_id"])
        on_server = {c["data"]["code"]: c["id"] for c in fresh_server.records("disp").values() if c["entity"] == "area"}
        assert local_areas and local_areas <= {on_server["G1"], on_server["G2"]}  # the server's areas, not the local ones
        _held_as_server_holds(ours, fresh_server)
    finally:
        ours.close()
        theirs.close()


def test_a_reference_refused_before_it_was_sent_keeps_what_it_stood_for(store, tmp_path, monkeypatch):
    """A create refused here (larger than a push may be) is listed with its fields, whatever the record becomes."""
    from gridworker.sync import push
    from gridworker.sync.review import review_lists

    _import(store, write_book(tmp_path / "base.xlsx", BASE), services=False, monkeypatch=monkeypatch, create_areas=True)
    with store.write() as s:
        ref = next(p for p in push.load_pending(s) if p.ref and p.entity == "person")
        assert ref.fields["name"] and ref.fields["status"] == "active"
        push.reject_locally(s, ref, "too_large", "太大", "too large")
    reg.update_person(store, ref.record_id, {"name": "改了名"})
    with store.read() as s:
        stored = s.exec(select(Outbox.fields).where(Outbox.mutation_id == ref.mutation_id)).one()
    assert stored == ref.fields
    [listed] = [r for r in review_lists(store).rejected if r.mutation_id == ref.mutation_id]
    assert listed.fields == ref.fields and listed.fields["name"] != "改了名"
