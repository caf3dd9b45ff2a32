"""The locust side of bench_district: one locust user is one device's morning, done once.

Started by bench_district as `python -m locust -f benchmarks/district_locust.py --headless ...`
(a process of its own: locust patches the standard library with gevent). Environment:
DISTRICT_DEVICES (how many devices), DISTRICT_PASSWORD, DISTRICT_OUT (a JSON file for the
times of the first start and the last finish). Device k signs in as `d{k}`, pulls its grid
to the end (pages of 1000), then pushes one edit to each of 50 of its households.
"""

from __future__ import annotations

import itertools
import json
import os
import time
import uuid

import gevent
from locust import FastHttpUser, constant, events, task
from locust.exception import StopUser

from gridworker.domain import hlc

DEVICES = int(os.environ.get("DISTRICT_DEVICES", "200"))
PASSWORD = os.environ.get("DISTRICT_PASSWORD", "")
OUT = os.environ.get("DISTRICT_OUT", "")
EDITS = 50
H = {"X-Gridworker-Schema": "1", "Content-Type": "application/json"}
_next = itertools.count()
_times = {"first": None, "last": None, "done": 0, "incomplete": 0}


class Device(FastHttpUser):
    wait_time = constant(0)
    network_timeout = 600.0
    connection_timeout = 600.0

    @task
    def morning(self):
        k = next(_next)
        if k >= DEVICES:
            raise StopUser()
        if _times["first"] is None:
            _times["first"] = time.time()
        try:
            self._morning(k)
        except BaseException:  # gevent's Timeout is no Exception: a request that waited network_timeout
            _times["incomplete"] += 1
            raise
        finally:
            _times["done"] += 1
            _times["last"] = time.time()
            if _times["done"] >= DEVICES:
                gevent.spawn_later(0.1, self.environment.runner.quit)
        raise StopUser()

    def _morning(self, k: int) -> None:
        device = f"device-{k}"
        body = {"username": f"d{k}", "password": PASSWORD, "device_id": device}
        # Each device from its own address, as nginx passes it on (the per-address sign-in limit counts
        # attempts in flight: 2,000 sign-ins from one address within seconds would be refused).
        address = {"X-Forwarded-For": f"10.{k // 65536 % 256}.{k // 256 % 256}.{k % 256}"}
        with self.client.post("/api/v1/auth/login", json=body, headers=H | address, name="login", catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"login {r.status_code} {r.text[:200]}")
                _times["incomplete"] += 1
                return
            token = r.json()["token"]
        auth = H | {"Authorization": "Bearer " + token}
        households, cursor = [], None
        while True:
            path = "/api/v1/sync/pull?limit=1000" + (f"&cursor={cursor}" if cursor else "")
            with self.client.get(path, headers=auth, name="pull", catch_response=True) as r:
                if r.status_code != 200:
                    r.failure(f"pull {r.status_code}")
                    _times["incomplete"] += 1
                    return
                page = r.json()
            households += [(c["id"], c["version"]) for c in page["changes"] if c["entity"] == "household"]
            cursor = page["cursor"]
            if not page["has_more"]:
                break
        clock, mutations = None, []
        for record_id, version in households[:EDITS]:
            clock = hlc.tick(clock, device)
            mutations.append({"mutation_id": str(uuid.uuid4()), "entity": "household", "id": record_id, "op": "upsert",
                              "base_version": version, "fields": {"notes": f"{device} 早间走访"}, "hlc": str(clock)})  # fmt: skip
        push = {"device_id": device, "mutations": mutations}
        with self.client.post("/api/v1/sync/push", data=json.dumps(push, ensure_ascii=False).encode(), headers=auth,
                              name="push", catch_response=True) as r:  # fmt: skip
            if r.status_code != 200 or any(x["status"] not in ("applied", "merged") for x in r.json()["results"]):
                r.failure(f"push {r.status_code}")
                _times["incomplete"] += 1
                return
        _times["served"] = _times.get("served", 0) + 1


@events.quitting.add_listener
def _write_times(environment, **_kw):
    if OUT:
        with open(OUT, "w", encoding="utf-8") as f:
            json.dump(_times, f)
