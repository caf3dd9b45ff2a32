"""Server test fixtures: one suite, run on SQLite and on a real PostgreSQL 15 started here.

- `pg_cluster` (session): a throw-away PostgreSQL 15 cluster (tests.pgtemp:
  a temp folder owned by `postgres`, a free loopback port, fsync off); a template database
  with the schema migrated, so each module's fresh database is one
  CREATE DATABASE … TEMPLATE away. Stopped and removed at the end.
- `backend` (module, parametrised): "sqlite" | "postgresql".
- `world` (module): a server on that backend with a small area tree and one
  user of each role, reached through FastAPI's TestClient.

All server test modules share one xdist group, so one worker owns the cluster.
"""

from __future__ import annotations

import itertools
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from gridworker.domain import hlc
from tests import pgtemp
from tests.pgtemp import free_port  # noqa: F401  (used by test modules)

PASSWORD = "password-1"
BACKENDS = ["sqlite", "postgresql"]


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.xdist_group("server"))


# -- PostgreSQL --------------------------------------------------------------------------------
class PgCluster(pgtemp.TempCluster):
    """The session's cluster: fresh databases are copies of a template with the schema migrated."""

    def fresh_database(self) -> str:
        return self.create_database(template="gw_template")

    def drop(self, name: str) -> None:
        self.drop_database(name)


@pytest.fixture(scope="session")
def pg_cluster():
    if not pgtemp.available():
        yield None
        return
    cluster = PgCluster().start()
    try:
        cluster.sql("CREATE DATABASE gw_template")
        from gridworker.server.core.db import Database

        template = Database(cluster.url("gw_template"))
        template.migrate()
        template.dispose()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request, pg_cluster):
    if request.param == "postgresql" and pg_cluster is None:
        pytest.skip(f"PostgreSQL 15 binaries not found in {pgtemp.PG_BIN} (set GRIDWORKER_PG_BIN)")
    return request.param


@pytest.fixture(scope="module")
def database_url(backend, pg_cluster):
    """None for SQLite (the file in the data folder); a fresh PostgreSQL database otherwise."""
    if backend == "sqlite":
        yield None
        return
    name = pg_cluster.fresh_database()
    yield pg_cluster.url(name)
    pg_cluster.drop(name)


# -- the world -----------------------------------------------------------------------------------
AREAS = [
    # code, parent, name, level
    ("D", None, "西湖区", "district"),
    ("S", "D", "幸福街道", "street"),
    ("C1", "S", "翠苑社区", "community"),
    ("G1", "C1", "第1网格", "grid"),
    ("G2", "C1", "第2网格", "grid"),
    ("C2", "S", "文华社区", "community"),
    ("G3", "C2", "第3网格", "grid"),
]
USERS = [
    # username, role, areas
    ("admin", "admin", []),
    ("disp", "dispatcher", ["C1"]),
    ("w1", "worker", ["G1"]),
    ("w2", "worker", ["G2"]),
    ("w3", "worker", ["G3"]),
    ("h1", "handler", ["C1"]),
    ("h2", "handler", ["C1"]),
]


class Api:
    """One signed-in device talking to the server."""

    def __init__(self, world: "World", username: str, device: str):
        self.world = world
        self.username = username
        self.device = device
        self._clock: hlc.Hlc | None = None
        body = world.login(username, device)
        self.token = body["token"]
        self.user = body["user"]
        self.cursor: str | None = None
        self.records: dict[tuple[str, str], dict[str, Any]] = {}
        self.versions: dict[tuple[str, str], int] = {}

    @property
    def headers(self) -> dict[str, str]:
        return {"X-Gridworker-Schema": "1", "Authorization": f"Bearer {self.token}", "Accept-Language": "en"}

    def request(self, method: str, path: str, **kw):
        headers = self.headers | kw.pop("headers", {})
        return self.world.client.request(method, "/api/v1" + path, headers=headers, **kw)

    def tick(self) -> str:
        self._clock = hlc.tick(self._clock, self.device)
        return str(self._clock)

    def mutation(self, entity: str, record_id: str, fields: dict | None = None, *, op: str = "upsert", base: Any = "auto") -> dict:
        if base == "auto":
            base = self.versions.get((entity, record_id))
        return {
            "mutation_id": str(uuid.uuid4()), "entity": entity, "id": record_id, "op": op,
            "base_version": base, "fields": fields or {}, "hlc": self.tick(),
        }  # fmt: skip

    def push_raw(self, mutations: list[dict]):
        return self.request("POST", "/sync/push", json={"device_id": self.device, "mutations": mutations})

    def push(self, mutations: list[dict]) -> list[dict]:
        r = self.push_raw(mutations)
        assert r.status_code == 200, r.text
        results = r.json()["results"]
        for m, res in zip(mutations, results):
            if res["status"] != "rejected" and res["version"] is not None:
                self.versions[(m["entity"], m["id"])] = res["version"]
        return results

    def upsert(self, entity: str, record_id: str, fields: dict, **kw) -> dict:
        return self.push([self.mutation(entity, record_id, fields, **kw)])[0]

    def pull(self, limit: int = 1000) -> list[dict]:
        """Pull until caught up, applying every change like a client would; returns the changes."""
        seen = []
        while True:
            params = {"limit": limit} | ({"cursor": self.cursor} if self.cursor else {})
            r = self.request("GET", "/sync/pull", params=params)
            assert r.status_code == 200, r.text
            body = r.json()
            for ch in body["changes"]:
                key = (ch["entity"], ch["id"])
                if ch["op"] == "evict":
                    self.records.pop(key, None)
                    self.versions.pop(key, None)
                else:
                    self.records[key] = dict(ch["data"], _deleted=ch["op"] == "delete")
                    self.versions[key] = ch["version"]
            seen += body["changes"]
            self.cursor = body["cursor"]
            if not body["has_more"]:
                return seen

    def holds(self, entity: str, record_id: str) -> bool:
        return (entity, record_id) in self.records


@dataclass
class World:
    backend: str
    app: Any
    client: Any
    settings: Any
    area_ids: dict[str, str]
    user_ids: dict[str, str]
    _devices: itertools.count = field(default_factory=lambda: itertools.count(1))

    @property
    def db(self):
        return self.app.state.gw.db

    def login(self, username: str, device: str = "dev") -> dict:
        r = self.client.post(
            "/api/v1/auth/login",
            json={"username": username, "password": PASSWORD, "device_id": device},
            headers={"X-Gridworker-Schema": "1"},
        )
        assert r.status_code == 200, r.text
        return r.json()

    def api(self, username: str, device: str | None = None) -> Api:
        return Api(self, username, device or f"{username}-dev{next(self._devices)}")


def new_id() -> str:
    return str(uuid.uuid4())


def make_server(data_dir: Path, database_url: str | None, **settings_kw):
    from gridworker.server.api.app import create_app
    from gridworker.server.core.config import Settings

    settings = Settings(data_dir=data_dir, database_url=database_url, **settings_kw)
    return create_app(settings), settings


def build_world(app) -> tuple[dict[str, str], dict[str, str]]:
    from gridworker.server.admin import operations as admin
    from gridworker.server.admin import bootstrap

    db = app.state.gw.db
    with db.write() as conn:
        bootstrap.load_shipped_tables(conn)
        admin.import_areas(conn, [{"code": c, "parent_code": p, "name": n, "level": lv} for c, p, n, lv in AREAS])
        for username, role, areas in USERS:
            admin.add_user(conn, username, role, areas, PASSWORD)
        area_ids = {a["code"]: a["id"] for a in admin.list_areas(conn)}
        user_ids = {u["username"]: u["id"] for u in admin.list_users(conn)}
    return area_ids, user_ids


@pytest.fixture(scope="module")
def world(backend, database_url, tmp_path_factory):
    from fastapi.testclient import TestClient

    app, settings = make_server(tmp_path_factory.mktemp(f"server-{backend}"), database_url)
    area_ids, user_ids = build_world(app)
    with TestClient(app) as client:
        yield World(backend, app, client, settings, area_ids, user_ids)
    app.state.gw.db.dispose()


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False
