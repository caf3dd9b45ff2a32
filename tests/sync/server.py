"""A real sync server process on loopback, set up with the admin CLI, and clients that sync with it."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from gridworker.store import AccountManager
from gridworker.sync import link
from gridworker.sync.engine import SyncEngine, SyncResult

SERVER_PASSWORD = "grid-secret-1"
BIN = Path(sys.executable).parent
AREAS = [
    {"code": "D1", "parent_code": "", "name": "城区", "level": "district"},
    {"code": "S1", "parent_code": "D1", "name": "东街道", "level": "street"},
    {"code": "C1", "parent_code": "S1", "name": "幸福社区", "level": "community"},
    {"code": "G1", "parent_code": "C1", "name": "第一网格", "level": "grid"},
    {"code": "G2", "parent_code": "C1", "name": "第二网格", "level": "grid"},
]
USERS = [("w1a", "worker", ["G1"]), ("w1b", "worker", ["G1"]), ("w2", "worker", ["G2"]), ("disp", "dispatcher", ["C1"])]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    def __init__(self, data: Path):
        self.data = Path(data)
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.log = self.data.parent / f"{self.data.name}-serve.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def admin(self, *args: str, stdin: str | None = None) -> str:
        cmd = [str(BIN / "gridworker-server"), "--lang", "en", *args, "--data", str(self.data)]
        done = subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed: {done.stdout}{done.stderr}")
        return done.stdout

    def set_up(self, users=USERS) -> "ServerProcess":
        self.admin("init", "--password-stdin", stdin=SERVER_PASSWORD + "\n")
        areas = self.data.parent / f"{self.data.name}-areas.json"
        areas.write_text(json.dumps(AREAS, ensure_ascii=False), "utf-8")
        self.admin("area", "import", str(areas))
        for username, role, codes in users:
            extra = [a for code in codes for a in ("--area", code)]
            self.admin("user", "add", username, "--role", role, *extra, "--password-stdin", stdin=SERVER_PASSWORD + "\n")
        return self

    def copy_of(self, data: Path) -> "ServerProcess":
        """A server whose data folder starts as a copy of this one's (which must not be running)."""
        shutil.copytree(self.data, data)
        return ServerProcess(data)

    def start(self) -> "ServerProcess":
        cmd = [str(BIN / "gridworker-server"), "serve", "--data", str(self.data), "--host", "127.0.0.1", "--port", str(self.port)]
        self.proc = subprocess.Popen(cmd, stdout=open(self.log, "ab"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text(errors='replace')[-2000:]}")
            try:
                if requests.get(self.url + "/api/v1/health", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError("server did not start in 60 s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    # -- looking at the server's data as an admin client would -----------------------------------
    def token(self, username: str = "disp") -> str:
        body = requests.post(
            self.url + "/api/v1/auth/login",
            json={"username": username, "password": SERVER_PASSWORD, "device_id": f"test-{username}"},
            headers={"X-Gridworker-Schema": "1"}, timeout=10,
        ).json()  # fmt: skip
        return body["token"]

    def records(self, username: str = "disp") -> dict[tuple[str, str], dict]:
        """Every record `username` can see, as (entity, id) → change, read through the public pull API."""
        headers = {"X-Gridworker-Schema": "1", "Authorization": f"Bearer {self.token(username)}"}
        out: dict[tuple[str, str], dict] = {}
        cursor = None
        while True:
            params = {"limit": 1000} | ({"cursor": cursor} if cursor else {})
            body = requests.get(self.url + "/api/v1/sync/pull", params=params, headers=headers, timeout=30).json()
            for c in body["changes"]:
                if c["op"] == "evict":
                    out.pop((c["entity"], c["id"]), None)
                else:
                    out[(c["entity"], c["id"])] = c
            cursor = body["cursor"]
            if not body["has_more"]:
                return out


@dataclass
class Client:
    name: str
    account: object
    store: object
    engine: SyncEngine

    def sync(self) -> SyncResult:
        return self.engine.sync_once()

    def sync_ok(self) -> SyncResult:
        result = self.engine.sync_once()
        assert result.error is None, result.error
        assert result.complete, result
        return result

    def close(self) -> None:
        self.store.close()


def make_client(home: Path, server: ServerProcess, username: str, *, account: str | None = None, password: str = SERVER_PASSWORD) -> Client:
    accounts = AccountManager(home)
    name = account or username
    if name not in accounts.names():
        accounts.create(name, password)
    acc, store = accounts.open(name, password)
    link.login(acc, store, server.url, username, SERVER_PASSWORD)
    return Client(name, acc, store, SyncEngine(acc, store, attempts=2))


def env_for_cli(home: Path) -> dict[str, str]:
    return os.environ | {"GRIDWORKER_HOME": str(home), "GRIDWORKER_KDF": "fast", "GRIDWORKER_LANG": "en"}
