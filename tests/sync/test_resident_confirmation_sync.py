"""A grid worker confirms a resident (issue 17), with a real server process: a resident registers on the phone, the
community's desk pulls them, confirms them offline linking the person of the register, syncs — the resident's API
says verified (special group from the register: micro-wishes open); undone on the desk with a reason, unverified."""

from __future__ import annotations

import uuid

import requests
from sqlmodel import select

from gridworker.domain.models import Outbox, Person
from gridworker.domain.participation_records import Resident
from gridworker.identity import identity_of
from gridworker.services import register
from gridworker.services.participation import residents

from .helpers import area_ids, new_household

P = "/api/v1/p"


def _phone(server, community_id: str, name: str) -> tuple[str, str]:
    number = f"137{uuid.uuid4().int % 10**8:08d}"
    r = requests.post(server.url + P + "/auth/register", json={"role": "resident", "phone": number, "password": "secret-pass-1",
                                                               "name": name, "community_id": community_id}, timeout=10)  # fmt: skip
    assert r.status_code == 201, r.text
    return r.json()["token"], r.json()["user"]["id"]


def _me(server, token: str) -> dict:
    r = requests.get(server.url + P + "/me", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert r.status_code == 200, r.text
    return r.json()["resident"]


def test_the_desk_confirms_a_resident_and_the_phone_says_verified_after_the_sync(server, clients):
    worker, desk = clients(server, "w1a"), clients(server, "disp")
    worker.sync_ok()
    _building, household = new_household(worker, room=f"{uuid.uuid4().int % 900 + 100}")
    name = "欧阳" + uuid.uuid4().hex[:3]
    person = register.register_person(worker.store, {"name": name, "household_id": household.id, "tags": ["elderly_alone"]})
    worker.sync_ok()
    areas = area_ids(worker)
    token, resident_id = _phone(server, areas["C1"], name)
    assert _me(server, token)["verified"] is False

    desk.sync_ok()
    staff = identity_of(desk.account)
    with desk.store.read() as s:
        assert s.get(Resident, resident_id).name == name
        assert s.get(Person, person.id) is not None
    residents.confirm(desk.store, resident_id, actor_id=staff.id, person_id=person.id)  # offline: in the outbox
    assert _me(server, token)["verified"] is False
    desk.sync_ok()
    with desk.store.read() as s:
        assert not s.exec(select(Outbox).where(Outbox.state == "rejected")).all()
        local = s.get(Resident, resident_id)
        assert (local.verified, local.person_id, local.confirmed_by) == (True, person.id, staff.id)
    me = _me(server, token)
    assert me["verified"] is True and me["special_group"] is True
    wish = requests.post(server.url + P + "/wishes", json={"wish": "想要一台收音机"},
                         headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert wish.status_code in (200, 201), wish.text

    residents.undo(desk.store, resident_id, reason="不是本人")
    desk.sync_ok()
    assert _me(server, token)["verified"] is False
