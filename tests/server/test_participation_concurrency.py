"""50 redemptions at once against a real server process never overspend or oversell — SQLite and PostgreSQL
(issue 16). Desks push them through /sync, as a desk that recorded them offline does on reconnecting; on
PostgreSQL the server runs two worker processes, so the decisions race across processes too."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

import pytest
import requests

from gridworker.domain import hlc

from .conftest import PASSWORD, build_world, free_port, make_server, wait_for

RACERS = 50
PRICE, POINTS, STOCK = 10, 95, 12  # points for 9 pieces, stock for 12: the balance must stop it at 9


def _rule_item() -> str:
    from gridworker.domain.participation import tables

    return next(iter(tables.rule_items()))


class Desk:
    def __init__(self, base: str, device: str):
        self.base, self.device = base, device
        self.http = requests.Session()
        r = self.http.post(base + "/auth/login", json={"username": "disp", "password": PASSWORD, "device_id": device},
                           headers={"X-Gridworker-Schema": "1"}, timeout=60)  # fmt: skip
        r.raise_for_status()
        self.http.headers.update({"X-Gridworker-Schema": "1", "Authorization": "Bearer " + r.json()["token"], "Accept-Language": "en"})
        self.clock: hlc.Hlc | None = None

    def push(self, entity: str, fields: dict, record_id: str | None = None) -> dict:
        self.clock = hlc.tick(self.clock, self.device)
        m = {"mutation_id": str(uuid.uuid4()), "entity": entity, "id": record_id or str(uuid.uuid4()), "op": "upsert",
             "base_version": None, "fields": fields, "hlc": str(self.clock)}  # fmt: skip
        r = self.http.post(self.base + "/sync/push", json={"device_id": self.device, "mutations": [m]}, timeout=120)
        assert r.status_code == 200, r.text
        return r.json()["results"][0]


@pytest.fixture(scope="module")
def live_server(backend, pg_cluster, tmp_path_factory):
    data = tmp_path_factory.mktemp(f"redeem-{backend}")
    url, name = None, None
    if backend == "postgresql":
        name = pg_cluster.fresh_database()
        url = pg_cluster.url(name)
    app, _settings = make_server(data, url)
    area_ids, _users = build_world(app)
    app.state.gw.db.dispose()
    port = free_port()
    env = os.environ | {"GRIDWORKER_KDF": "fast", "GRIDWORKER_LANG": "en"}
    workers = ["--workers", "2"] if url else []
    if url:
        env["GRIDWORKER_DATABASE_URL"] = url
    log = open(data / "server.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "gridworker.server.admin.cli", "serve", "--data", str(data), "--port", str(port), *workers],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}/api/v1"

    def up():
        try:
            return requests.get(base + "/health", timeout=1).status_code == 200
        except requests.RequestException:
            return proc.poll() is not None

    assert wait_for(up, timeout=60) and proc.poll() is None, (data / "server.log").read_text()
    yield base, area_ids
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()
    if name:
        pg_cluster.drop(name)


def test_fifty_redemptions_at_once_never_overspend_or_oversell(live_server):
    base, area_ids = live_server
    setup = Desk(base, "setup")
    member = str(uuid.uuid4())
    assert setup.push("member", {"name": "李强", "area_id": area_ids["G1"], "status": "approved"}, member)["status"] == "applied"
    item = str(uuid.uuid4())
    fields = {"name": "洗衣液", "price": PRICE, "stock_total": STOCK, "area_id": area_ids["C1"]}
    assert setup.push("shop_item", fields, item)["status"] == "applied"
    award = {"member_id": member, "points": POINTS, "source_kind": "manual", "rule_item": _rule_item(), "note": "补录",
             "at": datetime.now(timezone.utc).isoformat()}  # fmt: skip
    assert setup.push("ledger_entry", award)["status"] == "applied"
    desks = [Desk(base, f"desk-{n:02d}") for n in range(RACERS)]
    start = threading.Barrier(RACERS)

    def race(desk: Desk) -> dict:
        start.wait()
        return desk.push("redemption", {"member_id": member, "item_id": item, "qty": 1})

    with ThreadPoolExecutor(RACERS) as pool:
        results = list(pool.map(race, desks))
    applied = [r for r in results if r["status"] == "applied"]
    refused = [r for r in results if r["status"] == "rejected"]
    assert len(applied) == POINTS // PRICE and len(refused) == RACERS - len(applied), results
    assert {r["error"]["code"] for r in refused} == {"not_enough_points"}
    # The server's own view: the ledger and the stock as a desk pulls them.
    r = setup.http.get(base + "/sync/pull", params={"limit": 1000}, timeout=60)
    records = {(c["entity"], c["id"]): c["data"] for c in r.json()["changes"]}
    ledger = [d for (e, _i), d in records.items() if e == "ledger_entry" and d["member_id"] == member]
    assert sum(d["points"] for d in ledger) == POINTS - PRICE * len(applied) >= 0
    assert records[("shop_item", item)]["stock"] == STOCK - len(applied) >= 0


def test_fifty_redemptions_of_the_last_pieces_never_oversell(live_server):
    base, area_ids = live_server
    setup = Desk(base, "setup2")
    item = str(uuid.uuid4())
    assert setup.push("shop_item", {"name": "雨伞", "price": 1, "stock_total": 5, "area_id": area_ids["C1"]}, item)["status"] == "applied"
    members = []
    for n in range(RACERS):
        mid = str(uuid.uuid4())
        setup.push("member", {"name": f"党员{n}", "area_id": area_ids["G1"], "status": "approved"}, mid)
        award = {"member_id": mid, "points": 3, "source_kind": "manual", "rule_item": _rule_item(), "note": "x",
                 "at": datetime.now(timezone.utc).isoformat()}  # fmt: skip
        assert setup.push("ledger_entry", award)["status"] == "applied"
        members.append(mid)
    desks = [Desk(base, f"shop-{n:02d}") for n in range(RACERS)]
    start = threading.Barrier(RACERS)

    def race(n: int) -> dict:
        start.wait()
        return desks[n].push("redemption", {"member_id": members[n], "item_id": item, "qty": 1})

    with ThreadPoolExecutor(RACERS) as pool:
        results = list(pool.map(race, range(RACERS)))
    applied = [r for r in results if r["status"] == "applied"]
    assert len(applied) == 5, results
    assert {r["error"]["code"] for r in results if r["status"] == "rejected"} == {"out_of_stock"}


def test_phones_and_desks_redeeming_at_once_never_overspend(live_server):
    """25 redemptions from the member's phone (the JSON API) race 25 recorded at desks (/sync)."""
    base, area_ids = live_server
    root = base.rsplit("/api/v1", 1)[0]
    phone = requests.Session()
    r = phone.post(root + "/api/v1/p/auth/register", json={"role": "member", "phone": "13700009999", "password": "secret-pass-1",
                                                            "name": "李强", "community_id": area_ids["C1"]}, timeout=60)  # fmt: skip
    assert r.status_code == 201, r.text
    member = r.json()["user"]["id"]
    body = {"name": "李强", "phone": "13700009999", "employer": "县医院", "estate": "无此小区", "building": "1幢",
            "community_id": area_ids["C1"]}  # fmt: skip
    assert phone.put(root + "/api/v1/p/member/checkin", json=body, timeout=60).status_code == 200  # placed by hand: the community
    setup = Desk(base, "setup3")
    item = str(uuid.uuid4())
    assert setup.push("shop_item", {"name": "毛巾", "price": 4, "stock_total": 30, "area_id": area_ids["C1"]}, item)["status"] == "applied"
    award = {"member_id": member, "points": 50, "source_kind": "manual", "rule_item": _rule_item(), "note": "x",
             "at": datetime.now(timezone.utc).isoformat()}  # fmt: skip
    assert setup.push("ledger_entry", award)["status"] == "applied"
    desks = [Desk(base, f"mixed-{n:02d}") for n in range(RACERS // 2)]
    start = threading.Barrier(RACERS)

    def race(n: int) -> bool:
        start.wait()
        if n % 2:
            return desks[n // 2].push("redemption", {"member_id": member, "item_id": item, "qty": 1})["status"] == "applied"
        res = phone.post(root + "/api/v1/p/shop/redeem", json={"item_id": item, "qty": 1}, timeout=120)
        assert res.status_code in (201, 409), res.text
        return res.status_code == 201

    with ThreadPoolExecutor(RACERS) as pool:
        won = sum(pool.map(race, range(RACERS)))
    assert won == 50 // 4  # 12 pieces: the balance, not the stock, stops it
    me = phone.get(root + "/api/v1/p/shop", timeout=60).json()
    assert me["balance"] == 50 - 4 * won >= 0
    assert next(i for i in me["items"] if i["id"] == item)["stock"] == 30 - won
