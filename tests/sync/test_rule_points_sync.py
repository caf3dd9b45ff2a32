"""The community sets the points of the rules from the desktop (no seed gives them), with a real server process:
offline on the desk, sent at the sync; every desk then holds the new points and the phone pages list them."""

from __future__ import annotations

import uuid

import requests
from sqlmodel import select

from gridworker.domain.models import Outbox
from gridworker.domain.participation_records import PointRule
from gridworker.identity import identity_of
from gridworker.services.participation import points

from .helpers import area_ids

P = "/api/v1/p"


def _listed(server, token: str, code: str) -> int:
    r = requests.get(server.url + P + "/rules", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert r.status_code == 200, r.text
    return next(i["points"] for i in r.json()["items"] if i["code"] == code)


def test_the_desk_sets_a_rules_points_and_the_phone_and_the_other_desks_have_them(server, clients):
    desk, worker = clients(server, "disp"), clients(server, "w1a")
    desk.sync_ok()
    worker.sync_ok()
    body = {"role": "member", "phone": f"137{uuid.uuid4().int % 10**8:08d}", "password": "secret-pass-1", "name": "李强",
            "community_id": area_ids(desk)["C1"]}  # fmt: skip
    token = requests.post(server.url + P + "/auth/register", json=body, timeout=10).json()["token"]
    with desk.store.read() as s:
        before = s.exec(select(PointRule).where(PointRule.code == "A08.01")).one().points
    assert _listed(server, token, "A08.01") == before
    staff = identity_of(desk.account)
    points.set_rule_points(desk.store, "A08.01", before + 3, actor_id=staff.id, actor_role=staff.role)  # offline: the outbox
    assert _listed(server, token, "A08.01") == before
    desk.sync_ok()
    with desk.store.read() as s:
        assert not s.exec(select(Outbox).where(Outbox.state == "rejected")).all()
    assert _listed(server, token, "A08.01") == before + 3
    worker.sync_ok()
    with worker.store.read() as s:
        assert s.exec(select(PointRule).where(PointRule.code == "A08.01")).one().points == before + 3
