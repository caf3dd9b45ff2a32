"""A server that takes the request and never answers: one wait of the read timeout, then the sync gives up
(the worker tries again later) in words that say so — not four waits in a row (four minutes at 60 s)."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from gridworker.sync.errors import NoAnswer, Offline
from gridworker.sync.transport import Transport


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


def test_a_hung_server_is_waited_for_once_and_named(hung_server):
    url, accepted = hung_server
    transport = Transport(url, "token", sleep=lambda _s: None)
    started = time.monotonic()
    with pytest.raises(NoAnswer) as caught:
        transport.call("GET", "/me", timeout=0.5)
    elapsed = time.monotonic() - started
    transport.close()
    assert len(accepted) == 1 and elapsed < 1.5
    assert isinstance(caught.value, Offline)  # still "offline" to the status rule and the worker's retry
    assert caught.value.message("en") == "The server did not answer in time; GridWorker will try again later"
    assert "服务器没有及时回应" in caught.value.message("zh")


def test_a_refused_connection_is_still_retried(hung_server):
    url, _accepted = hung_server
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens there
    tries: list[float] = []
    transport = Transport(f"http://127.0.0.1:{port}", "token", sleep=tries.append)
    with pytest.raises(Offline) as caught:
        transport.call("GET", "/me", timeout=0.5)
    transport.close()
    assert len(tries) == 3 and not isinstance(caught.value, NoAnswer)
