"""A local sync server for `make run`: started with the app, stopped with it, the demo account linked to it.

    start_demo_server(home=None) -> DemoServer     init + demo-seed once, then serve on a free loopback port
    link_demo_account(account, store, url)         sign the demo account in as demo_worker1, keep its grid
    start_for_demo(account, store) -> DemoServer | None   both; a failure is kept for startup_problem()
    startup_problem() -> GridWorkerError | None    why the demo server is not running (the status bar says it)

The server's data lives in <GridWorker home>/demo-server and is seeded with
the same generator, seed and size as the local demo account, so both hold
the same records under the same ids; once linked, the local account keeps
only the records of the areas the server grants demo_worker1 (grid 1), so
the worker is offered nothing the server would refuse. The server is a child process that
never outlives the app: it is terminated at exit (atexit), and on Linux the
kernel sends it SIGTERM if the app dies without running atexit
(prctl PR_SET_PDEATHSIG). No Qt here.
"""

from __future__ import annotations

import atexit
import ctypes
import logging
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from ..domain.errors import GridWorkerError
from ..store.accounts import Account, home_dir
from ..store.database import Store
from .account import DEMO_PASSWORD, DEMO_PERSONS

log = logging.getLogger(__name__)

DEMO_USERNAME = "demo_worker1"
SERVER_FOLDER = "demo-server"
START_TIMEOUT_S = 60.0
PR_SET_PDEATHSIG = 1
SEED_MARK = "2"  # 2: the seed holds the phone accounts and their work (demo.server_participation)

_problem: GridWorkerError | None = None


class DemoServerError(GridWorkerError):
    code = "demo_server"


def startup_problem() -> GridWorkerError | None:
    return _problem


def _server_command() -> list[str]:
    # The console script beside this interpreter; `-m` keeps working when it is not installed.
    script = Path(sys.executable).parent / "gridworker-server"
    return [str(script)] if script.exists() else [sys.executable, "-m", "gridworker.server.admin.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Loaded here, not in the child: between fork and exec the child may only make the system call.
_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None


def _die_with_parent() -> None:
    """Run in the child before exec: the kernel sends it SIGTERM when the thread that started it ends.

    That thread is the app's main thread, or a runner thread that lives as long
    as the account is open: either way the server goes with what started it.
    """
    _LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class DemoServer:
    def __init__(self, data: Path, port: int | None = None):
        self.data = Path(data)
        self.port = port or free_port()
        self.proc: subprocess.Popen | None = None
        self.log_path = self.data.parent / f"{self.data.name}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _admin(self, *args: str, stdin: str | None = None) -> None:
        cmd = [*_server_command(), "--lang", "en", *args, "--data", str(self.data)]
        done = subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=600, check=False)
        if done.returncode != 0:
            raise DemoServerError(
                f"演示服务器命令 {args[0]} 失败：{(done.stderr or done.stdout).strip()[-500:]}",
                f"The demo server command {args[0]} failed: {(done.stderr or done.stdout).strip()[-500:]}",
            )

    def prepare(self, persons: int = DEMO_PERSONS) -> None:
        """Create and seed the data folder the first time; later runs reuse it (and what was synced)."""
        marker = self.data / ".demo-seeded"
        if marker.exists():
            if marker.read_text("utf-8").strip() == "1":  # seeded before the phone accounts existed: add them once
                self._admin("demo-seed", "--participation-only")
                marker.write_text(SEED_MARK, "utf-8")
            return
        self.data.mkdir(parents=True, exist_ok=True)
        if not (self.data / "server.db").exists():
            self._admin("init", "--password-stdin", stdin=DEMO_PASSWORD + "\n")
        self._admin("demo-seed", "--persons", str(persons), "--seed", "1")
        marker.write_text(SEED_MARK, "utf-8")

    def start(self, timeout: float = START_TIMEOUT_S) -> DemoServer:
        cmd = [*_server_command(), "serve", "--data", str(self.data), "--host", "127.0.0.1", "--port", str(self.port)]
        preexec = _die_with_parent if _LIBC is not None else None
        with open(self.log_path, "ab") as out:
            self.proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         preexec_fn=preexec)  # noqa: PLW1509  # fmt: skip
        atexit.register(self.stop)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                tail = self.log_path.read_text("utf-8", errors="replace")[-1000:]
                self.proc = None
                raise DemoServerError(f"演示服务器启动后退出：{tail}", f"The demo server exited at start: {tail}")
            try:
                if requests.get(self.url + "/api/v1/health", timeout=1).status_code == 200:
                    log.info("demo server at %s (data %s)", self.url, self.data)
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        self.stop()
        raise DemoServerError(f"演示服务器 {timeout:.0f} 秒内未就绪", f"The demo server was not ready within {timeout:.0f} s")

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def start_demo_server(home: str | Path | None = None) -> DemoServer:
    server = DemoServer(home_dir(home) / SERVER_FOLDER)
    server.prepare()
    return server.start()


def link_demo_account(account: Account, store: Store, url: str) -> None:
    """Sign the demo account in as demo_worker1 at `url`.

    The port changes from run to run; the server (its data folder) does not,
    so a link to demo_worker1 at another loopback port is moved to this one.
    """
    from .load import trim_to_scope
    from ..sync import link  # the HTTP stack only when linking

    entry = link.server_entry(account)
    if entry and entry.get("username") == DEMO_USERNAME and entry.get("url", "").startswith("http://127.0.0.1:"):
        entry["url"] = url
        account.save_info()
    link.login(account, store, url, DEMO_USERNAME, DEMO_PASSWORD)
    # The local demo holds the whole community; the server grants demo_worker1 one grid. Keep what it
    # grants, so that nothing a first try touches is refused at the first sync (issue 12).
    trim_to_scope(store)


def start_for_demo(account: Account, store: Store, home: str | Path | None = None) -> DemoServer | None:
    """Start the demo server and link the demo account to it; on failure the app goes on offline."""
    global _problem
    try:
        server = start_demo_server(home)
    except (GridWorkerError, OSError, subprocess.SubprocessError) as exc:
        _problem = exc if isinstance(exc, GridWorkerError) else DemoServerError(f"无法启动：{exc}", f"cannot start: {exc}")
        log.warning("demo server not started: %s", exc)
        return None
    try:
        link_demo_account(account, store, server.url)
    except GridWorkerError as exc:
        _problem = exc
        log.warning("demo account not linked: %s", exc)
    else:
        _problem = None
    return server
