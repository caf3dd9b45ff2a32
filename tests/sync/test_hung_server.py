"""A server that takes the request and never answers: one wait of the read timeout, then the sync gives up
(the worker tries again later) in words that say so — not four waits in a row (four minutes at 60 s)."""

from __future__ import annotations

import socket
import time

import pytest

from gridworker.sync.errors import NoAnswer, Offline
from gridworker.sync.transport import Transport


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
