"""Fixtures of the sync tests: real server processes on loopback, clients per test.

The admin CLI (`init`, `area import`, `user add`) builds one template data
folder per session; each server starts from a copy of it, because every
admin command is a process start of its own and that is slow on a loaded
two-core machine. Tests share the `server` but never each other's records
(each makes its own, with fresh ids); tests that change the server itself
(restore from backup, revoke) take a `fresh_server`.
"""

from __future__ import annotations

import socket
import threading

import pytest

from .helpers import household, new_household
from .server import ServerProcess, make_client


@pytest.fixture(scope="session")
def server_template(tmp_path_factory):
    return ServerProcess(tmp_path_factory.mktemp("template") / "data").set_up()


@pytest.fixture(scope="session")
def server(server_template, tmp_path_factory):
    srv = server_template.copy_of(tmp_path_factory.mktemp("server") / "data").start()
    yield srv
    srv.stop()


@pytest.fixture
def fresh_server(server_template, tmp_path):
    srv = server_template.copy_of(tmp_path / "server-data").start()
    yield srv
    srv.stop()


@pytest.fixture
def clients(gridworker_home):
    """clients(server, username, account=None) → a signed-in Client; all closed at the end."""
    made = []

    def factory(srv, username, account=None):
        c = make_client(gridworker_home, srv, username, account=account)
        made.append(c)
        return c

    yield factory
    for c in made:
        c.close()


@pytest.fixture
def pair(server, clients):
    """Two workers of grid G1 (w1a, w1b), both synced, and a household both of them hold."""
    a, b = clients(server, "w1a"), clients(server, "w1b")
    a.sync_ok()
    _, hh = new_household(a)
    a.sync_ok()
    b.sync_ok()
    assert household(b, hh.id) is not None
    return a, b, hh


@pytest.fixture
def hung_server():
    """Accepts connections, reads the request, never answers; counts the connections."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            accepted.append(conn)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}", accepted
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    listener.close()
