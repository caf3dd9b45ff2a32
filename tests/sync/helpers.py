"""Small helpers shared by the sync tests."""

from __future__ import annotations

import json
import random
import sqlite3
from collections import defaultdict
from contextlib import closing
from dataclasses import dataclass, field

from sqlmodel import select

from gridworker.domain.models import Area, Household, Outbox
from gridworker.services import register, visits
from gridworker.services.base import Tx, transaction
from gridworker.sync.mapping import ENTITY_MAPS
from gridworker.store.sync_tables import SyncConflict


def area_ids(client) -> dict[str, str]:
    with client.store.read() as s:
        return {a.code: a.id for a in s.exec(select(Area)) if a.version > 0}


def new_household(client, code: str = "G1", room: str = "101"):
    """A building and a household in the server's area `code` (the client has synced once)."""
    area = area_ids(client)[code]
    b = register.register_building(client.store, {"name": f"{room}号楼", "estate": "测试小区", "area_id": area})
    hh = register.register_household(client.store, {"building_id": b.id, "unit": "1", "room": room})
    return b, hh


def settle(*clients) -> None:
    """Each client syncs, twice round: after it every edit made before has reached every one of them."""
    for c in clients:
        c.sync_ok()
    for c in clients:
        c.sync_ok()


def household(client, hh_id: str) -> Household | None:
    with client.store.read() as s:
        return s.get(Household, hh_id)


def synced_values(client, entity: str, record_id: str) -> dict | None:
    """The wire fields of a local record (what both sides must agree on)."""
    emap = ENTITY_MAPS[entity]
    with client.store.read() as s:
        obj = s.get(emap.model, record_id)
        if obj is None:
            return None
        return {k: getattr(obj, k) for k in emap.columns} | {"deleted": obj.deleted}


def open_conflicts(client) -> list[SyncConflict]:
    with client.store.read() as s:
        return list(s.exec(select(SyncConflict).where(SyncConflict.resolution == None)))  # noqa: E711


def local_ids(client, entity: str) -> set[str]:
    emap = ENTITY_MAPS[entity]
    with client.store.read() as s:
        return set(s.connection().execute(select(emap.table.c.id)).scalars())


def server_rows(server, keys) -> dict[tuple[str, str], dict]:
    """The server's own rows of these (entity, id) records, tombstones included: {version, deleted, data}.

    Read from the server's SQLite file (read-only): a first pull through the API
    leaves out records deleted before it, and a test of exactly-once needs them.
    """
    wanted = set(keys)
    with closing(sqlite3.connect(f"file:{server.data / 'server.db'}?mode=ro", uri=True)) as db:
        rows = db.execute("SELECT entity, id, version, deleted, data FROM records").fetchall()
    return {
        (entity, rid): {"version": version, "deleted": bool(deleted), "data": json.loads(data)}
        for entity, rid, version, deleted, data in rows
        if (entity, rid) in wanted
    }


EDITS = {
    "new_household": 12, "new_person": 16, "household": 12, "person": 14, "move_person": 10,
    "move_household": 4, "delete_person": 6, "delete_household": 3, "visit": 15, "new_building": 2, "building": 4,
}  # fmt: skip


@dataclass
class RandomEdits:
    """Random edits of a worker's register, and the records as they left them: what the server must end up holding.

    Creates, updates, moves and deletes of buildings, households and people,
    and visits, drawn from `rng` (so a seed repeats them). Every edit sets a
    fresh note along with what it changes, so each mutation changes its
    record, even after unsent edits are squashed together: one server version
    per mutation (see `assert_each_edit_sent_once`).
    """

    rng: random.Random
    area_id: str
    user_id: str
    expected: dict[tuple[str, str], dict] = field(default_factory=dict)  # (entity, id) → values set, "deleted"
    live: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def edit(self, store, count: int) -> None:
        """`count` random edits in one transaction (the parts of one form, or a small import)."""
        with transaction(store) as tx:
            tx.hold_clock()  # as an import does: no flush per change to read the clock
            for _ in range(count):
                kind = self.rng.choices(list(EDITS), weights=list(EDITS.values()))[0]
                getattr(self, f"_{kind}")(tx)

    def _note(self, what: str) -> str:
        return f"{what} {self.rng.random():.12f}"

    def _set(self, entity: str, record_id: str, **values) -> None:
        self.expected.setdefault((entity, record_id), {}).update(values)

    def _pick(self, entity: str, maker, tx: Tx) -> str:
        """A live record of `entity`, or a new one when there is none."""
        return self.rng.choice(self.live[entity]) if self.live[entity] else maker(tx)

    def _new_building(self, tx: Tx) -> str:
        notes = self._note("楼")
        name = f"{len(self.live['building'])}号楼"
        b = register.register_building(tx, {"name": name, "area_id": self.area_id, "notes": notes})
        self._set("building", b.id, notes=notes)
        self.live["building"].append(b.id)
        return b.id

    def _building(self, tx: Tx) -> None:
        bid = self._pick("building", self._new_building, tx)
        notes = self._note("楼栋备注")
        register.update_building(tx, bid, {"notes": notes})
        self._set("building", bid, notes=notes)

    def _new_household(self, tx: Tx) -> str:
        bid = self._pick("building", self._new_building, tx)
        notes = self._note("户")
        room = f"{self.rng.randint(1, 30)}{self.rng.randint(1, 4):02d}"
        hh = register.register_household(tx, {"building_id": bid, "unit": "1", "room": room, "notes": notes})
        self._set("household", hh.id, building_id=bid, notes=notes)
        self.live["household"].append(hh.id)
        return hh.id

    def _household(self, tx: Tx) -> None:
        hid = self._pick("household", self._new_household, tx)
        phone = f"1{self.rng.choice('3456789')}{self.rng.randrange(10**9):09d}"
        values = {"notes": self._note("住户备注"), "phone": phone}
        register.update_household(tx, hid, values)
        self._set("household", hid, **values)

    def _move_household(self, tx: Tx) -> None:
        hid = self._pick("household", self._new_household, tx)
        bid = self._new_building(tx) if self.rng.random() < 0.3 else self._pick("building", self._new_building, tx)
        values = {"building_id": bid, "notes": self._note("换楼")}
        register.update_household(tx, hid, values)
        self._set("household", hid, **values)

    def _new_person(self, tx: Tx) -> str:
        hid = self._pick("household", self._new_household, tx)
        notes = self._note("人")
        name = self.rng.choice("张王李赵刘陈") + "测试"
        p = register.register_person(tx, {"name": name, "household_id": hid, "notes": notes})
        self._set("person", p.id, household_id=hid, notes=notes)
        self.live["person"].append(p.id)
        return p.id

    def _person(self, tx: Tx) -> None:
        pid = self._pick("person", self._new_person, tx)
        notes = self._note("人员备注")
        register.update_person(tx, pid, {"notes": notes})
        self._set("person", pid, notes=notes)

    def _move_person(self, tx: Tx) -> None:
        pid = self._pick("person", self._new_person, tx)
        here = self.expected[("person", pid)]["household_id"]
        others = [h for h in self.live["household"] if h != here]
        target = self.rng.choice(others) if others else self._new_household(tx)
        values = {"household_id": target, "notes": self._note("迁移")}
        register.update_person(tx, pid, values)  # a new household: the stay moves (memberships)
        self._set("person", pid, **values)

    def _delete_person(self, tx: Tx) -> None:
        if self.live["person"]:
            pid = self.rng.choice(self.live["person"])
            register.delete_record(tx, "person", pid)
            self._set("person", pid, deleted=True)
            self.live["person"].remove(pid)

    def _delete_household(self, tx: Tx) -> None:
        lived_in = {self.expected[("person", p)]["household_id"] for p in self.live["person"]}
        empty = [h for h in self.live["household"] if h not in lived_in]
        if empty:
            hid = self.rng.choice(empty)
            register.delete_record(tx, "household", hid)
            self._set("household", hid, deleted=True)
            self.live["household"].remove(hid)

    def _visit(self, tx: Tx) -> None:
        hid = self._pick("household", self._new_household, tx)
        notes = self._note("走访")
        outcome = self.rng.choice(["met", "not_home"])
        v = visits.log_visit(tx, household_id=hid, visitor_id=self.user_id, outcome=outcome, notes=notes)
        self._set("visit", v.id, household_id=hid, notes=notes)

    def visit_with_photos(self, store, photos_dir, files) -> list[str]:
        """A visit with these photo files attached (one transaction); the photos' ids."""
        with transaction(store) as tx:
            hid = self._pick("household", self._new_household, tx)
            notes = self._note("拍照走访")
            v = visits.log_visit(
                tx, household_id=hid, visitor_id=self.user_id, outcome="met", notes=notes, photos=files, photos_dir=photos_dir
            )  # fmt: skip
        self._set("visit", v.id, household_id=hid, notes=notes, photo_ids=v.photo_ids)
        return v.photo_ids


def assert_each_edit_sent_once(store, server, edits: RandomEdits) -> None:
    """Every outbox row sent and applied exactly once, and the server holding what the edits left.

    Each record's mutations got versions 1..N from the server, one each (a
    mutation applied twice, or lost, breaks the run), and the server's own row
    (tombstones included) is at version N with the values of `edits.expected`.
    """
    with store.read() as s:
        rows = s.exec(select(Outbox)).all()
    assert [(r.state, r.result) for r in rows if r.state != "sent"] == []
    versions: dict[tuple[str, str], list[int]] = defaultdict(list)
    for r in rows:
        assert r.result["status"] == "applied", r.result  # one writer: never merged with, never in conflict
        versions[(r.entity, r.record_id)].append(r.result["version"])
    assert versions.keys() >= edits.expected.keys()
    on_server = server_rows(server, versions)
    for key, got in versions.items():
        # Every mutation changed the record: one new version each, none twice, none lost.
        assert sorted(got) == list(range(1, len(got) + 1)), (key, got)
        assert on_server[key]["version"] == len(got), key
    for key, values in edits.expected.items():
        remote = on_server[key]
        assert remote["deleted"] == values.get("deleted", False), key
        wanted = {k: v for k, v in values.items() if k != "deleted"}
        assert {k: remote["data"].get(k) for k in wanted} == wanted, key
    # And the client, having pulled its own edits back among others', still shows them, at the server's version.
    with store.read() as s:
        for (entity, rid), values in edits.expected.items():
            local = s.get(ENTITY_MAPS[entity].model, rid)
            shown = ({k: getattr(local, k) for k in values}, local.deleted, local.version)
            assert shown == (values, values.get("deleted", False), on_server[(entity, rid)]["version"]), (entity, rid)
