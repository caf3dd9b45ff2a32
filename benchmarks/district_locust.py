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
import random
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
TRIES = 4  # as the desktop client (docs/sync-protocol.md): a device tries a request 4 times before the round fails
RETRY_STATUS = {0, 429}  # 0: no answer (a cut connection, a refused one); and every 5xx
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
        answer = self._send("POST", "/api/v1/auth/login", "login", json=body, headers=H | address)
        if answer is None:
            return
        auth = H | {"Authorization": "Bearer " + answer["token"]}
        households, cursor = [], None
        while True:
            path = "/api/v1/sync/pull?limit=1000" + (f"&cursor={cursor}" if cursor else "")
            page = self._send("GET", path, "pull", headers=auth)
            if page is None:
                return
            households += [(c["id"], c["version"]) for c in page["changes"] if c["entity"] == "household"]
            cursor = page["cursor"]
            if not page["has_more"]:
                break
        clock, mutations = None, []
        for record_id, version in households[:EDITS]:
            clock = hlc.tick(clock, device)
            mutations.append({"mutation_id": str(uuid.uuid4()), "entity": "household", "id": record_id, "op": "upsert",
                              "base_version": version, "fields": {"notes": f"{device} 早间走访"}, "hlc": str(clock)})  # fmt: skip
        push = json.dumps({"device_id": device, "mutations": mutations}, ensure_ascii=False).encode()
        if self._send("POST", "/api/v1/sync/push", "push", check=_refused, data=push, headers=auth) is None:
            return
        _times["served"] = _times.get("served", 0) + 1

    def _send(self, method: str, path: str, name: str, check=lambda _answer: "", **kw) -> dict | None:
        """One request as a device sends it (docs/sync-protocol.md, "Errors, backoff, states"): a cut
        connection, a 5xx or a 429 is tried again, up to 4 tries in all, after an exponential backoff with
        full jitter (0.25 s … 4 s) or the answer's Retry-After (at most 10 s). Every failed try is a
        failure in locust's figures (with what it was), and so is an answer `check` finds wrong (what it
        says). The answer's JSON, or None when the device gives up."""
        for attempt in range(TRIES):
            with self.client.request(method, path, name=name, catch_response=True, **kw) as r:
                if r.status_code == 200:
                    answer = r.json()
                    wrong = check(answer)
                    if not wrong:
                        return answer
                    r.failure(f"{name} {wrong}")
                    _times["incomplete"] += 1
                    return None
                again = attempt + 1 < TRIES and (r.status_code in RETRY_STATUS or r.status_code >= 500)
                r.failure(f"{name} {_why(r)}" + (" (tried again)" if again else ""))
                retry_after = (r.headers or {}).get("Retry-After", "")
            if not again:
                _times["incomplete"] += 1
                return None
            _times["retries"] = _times.get("retries", 0) + 1
            pause = random.uniform(0, min(4.0, 0.25 * 2**attempt))
            if retry_after.isdigit():
                pause = max(pause, min(10.0, float(retry_after)))
            gevent.sleep(pause)
        return None


def _why(r) -> str:
    """What a failed answer was: the status, the connection's error (status 0) or the start of the body."""
    return f"{r.status_code} {getattr(r, 'error', None) or ''} {(r.text or '')[:200]}"


def _refused(answer: dict) -> str:
    """A push whose mutations were not all applied (each device edits households of its own grid only)."""
    refused = [x for x in answer["results"] if x["status"] not in ("applied", "merged")]
    return f"refused: {str(refused[0])[:200]}" if refused else ""


@events.quitting.add_listener
def _write_times(environment, **_kw):
    if OUT:
        with open(OUT, "w", encoding="utf-8") as f:
            json.dump(_times, f)
