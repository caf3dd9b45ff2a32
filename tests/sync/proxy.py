"""A TCP proxy on loopback that makes the network bad on purpose: drops, delays, cuts mid-stream.

A seeded random generator decides: each new connection may be dropped at
once; each piece of data passed on (either direction) may be delayed, or be
the point where the connection is cut, at a random byte inside it (a request
cut in the middle of its body, an answer in the middle of its JSON). Kept-
alive connections are therefore cut as often as new ones. `down` refuses every
connection; `cut_upstream_after` cuts the next connection deterministically
after so many bytes sent to the server (an interrupted upload).
"""

from __future__ import annotations

import random
import socket
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Chaos:
    drop: float = 0.0  # close at accept
    cut: float = 0.0  # chance that a forwarded piece is where the connection is cut
    delay: float = 0.0  # chance of a pause before each forwarded piece
    max_delay_s: float = 0.05


@dataclass
class Stats:
    connections: int = 0
    dropped: int = 0
    cut: int = 0
    bytes_up: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class ChaosProxy:
    def __init__(self, target_port: int, seed: int = 1, chaos: Chaos | None = None):
        self.target = ("127.0.0.1", target_port)
        self.chaos = chaos or Chaos()
        self.down = False
        self.cut_upstream_after: int | None = None
        self.down_after_cut = False  # with cut_upstream_after: the network stays down after that cut
        self.stats = Stats()
        self._rng = random.Random(seed)
        self._rng_lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._closed = False
        threading.Thread(target=self._accept_loop, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self._closed = True
        self._listener.close()

    def _draw(self) -> tuple[bool, int | None]:
        """(drop this new connection, cut what it sends to the server after n bytes)."""
        with self._rng_lock:
            if self.down:
                return True, None
            if self.cut_upstream_after is not None:
                n, self.cut_upstream_after = self.cut_upstream_after, None
                return False, n
            return self._rng.random() < self.chaos.drop, None

    def _piece(self, size: int) -> int | None:
        """Pause maybe; return where to cut this piece, or None to pass it whole."""
        with self._rng_lock:
            c = self.chaos
            wait = self._rng.uniform(0, c.max_delay_s) if self._rng.random() < c.delay else 0
            cut = self._rng.randint(0, size - 1) if self._rng.random() < c.cut else None
        if wait:
            time.sleep(wait)
        return cut

    def _accept_loop(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        drop, up_cut = self._draw()
        with self.stats.lock:
            self.stats.connections += 1
            self.stats.dropped += drop
        if drop:
            _close(client)
            return
        try:
            upstream = socket.create_connection(self.target, timeout=30)
        except OSError:
            _close(client)
            return
        both = (client, upstream)
        threading.Thread(target=self._pump, args=(upstream, client, None, both, False), daemon=True).start()
        self._pump(client, upstream, up_cut, both, True)

    def _pump(self, src: socket.socket, dst: socket.socket, budget: int | None, both, upward: bool) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                at = self._piece(len(data))
                if at is not None and (budget is None or at < budget):
                    budget = at
                if budget is not None and len(data) >= budget:
                    dst.sendall(data[:budget])
                    self._count(budget if upward else 0)
                    with self.stats.lock:
                        self.stats.cut += 1
                    if self.down_after_cut:
                        self.down, self.down_after_cut = True, False
                    break
                if budget is not None:
                    budget -= len(data)
                dst.sendall(data)
                self._count(len(data) if upward else 0)
        except OSError:
            pass
        for s in both:
            _close(s)

    def _count(self, n: int) -> None:
        if n:
            with self.stats.lock:
                self.stats.bytes_up += n


def _close(s: socket.socket) -> None:
    try:
        s.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    s.close()
