"""`gridworker sync` and `login` end with the documented exit status, with and without --json, whatever the server did.

A small HTTP server in the test process plays the sync server: it signs the
user in, then answers every other request the way one failure would (5xx,
429, 426, 401, a push refused as a whole, 410 again and again), or like a
healthy empty server. Scripts rely on 0 / 1 / 3 / 4 / 5 and on the JSON body.
"""

from __future__ import annotations

import io
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from gridworker.cli import main
from gridworker.domain.models import Outbox
from gridworker.store.meta import next_hlc
from gridworker.store import AccountManager

PASSWORD = "grid-secret-1"
USER = {"id": "00000000-0000-4000-8000-000000000001", "username": "w1", "role": "worker", "display_name": "测试员", "area_ids": []}


class FakeServer:
    """Answers like a sync server in `mode`: ok, 500, 429, 426, 401, refuse_push, resync."""

    def __init__(self):
        self.mode = "ok"
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                fake.answer(self)

            def do_POST(self):
                fake.answer(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def answer(self, h: BaseHTTPRequestHandler) -> None:
        length = int(h.headers.get("Content-Length") or 0)
        body = json.loads(h.rfile.read(length) or b"{}") if length else {}
        path = h.path.split("?")[0].removeprefix("/api/v1")
        if path == "/auth/login":
            return self.send(h, 200, {"token": "t0ken", "expires_at": None, "user": USER})
        mode = self.mode
        if mode == "500":
            return self.send(h, 500, {"error": {"code": "internal", "message": "boom"}}, {"Retry-After": "3600"})
        if mode == "429":
            return self.send(h, 429, {"error": {"code": "rate_limited", "message": "slow down"}}, {"Retry-After": "3600"})
        if mode == "426":
            return self.send(h, 426, {"error": {"code": "upgrade_required", "message": "update"}})
        if mode == "401":
            return self.send(h, 401, {"error": {"code": "token_revoked", "message": "signed out"}})
        if path == "/sync/push":
            if mode == "refuse_push":
                return self.send(h, 403, {"error": {"code": "role_not_allowed", "message": "not allowed"}})
            results = [{"mutation_id": m["mutation_id"], "status": "applied", "version": 1} for m in body.get("mutations", [])]
            return self.send(h, 200, {"results": results, "server_time": "2026-12-07T05:00:00+00:00"})
        if path == "/sync/pull":
            if mode == "resync":
                return self.send(h, 410, {"error": {"code": "resync_required", "message": "restored"}})
            return self.send(h, 200, {"changes": [], "cursor": "c1.x", "has_more": False, "epoch": "e1"})
        if path == "/me":
            return self.send(h, 200, {"user": USER})
        return self.send(h, 404, {"error": {"code": "not_found", "message": "no such endpoint"}})

    @staticmethod
    def send(h: BaseHTTPRequestHandler, status: int, payload: dict, headers: dict | None = None) -> None:
        data = json.dumps(payload).encode()
        h.send_response(status)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        h.end_headers()
        h.wfile.write(data)


@pytest.fixture
def fake():
    srv = FakeServer()
    yield srv
    srv.stop()


def run(capsys, monkeypatch, *argv):
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    code = main(["--lang", "en", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def login_argv(url: str) -> list[str]:
    return ["login", "--server", url, "--username", "w1", "--password-stdin"]


# mode → (exit status, error code in the JSON, words of the message on stderr)
FAILURES = {
    "500": (3, "server_busy", "server had an error"),
    "429": (3, "server_busy", "server is busy"),
    "426": (5, "update_required", "newer version"),
    "401": (4, "signed_out", "Signed out"),
    "refuse_push": (1, "server_refused", "refused the request: not allowed"),
    "resync": (1, "resync_loop", "full re-sync"),
}


def add_unsent_edit(home) -> None:
    _account, store = AccountManager(home).open("w1", PASSWORD)
    with store.write() as s:
        s.add(Outbox(entity="household", record_id="00000000-0000-4000-8000-0000000000aa", op="upsert",
                     fields={"notes": "x"}, hlc=next_hlc(s)))  # fmt: skip
    store.close()


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
@pytest.mark.parametrize("mode", list(FAILURES))
def test_sync_exit_status_for_each_failure(fake, capsys, monkeypatch, gridworker_home, mode, as_json):
    assert run(capsys, monkeypatch, *login_argv(fake.url), "--no-sync")[0] == 0
    add_unsent_edit(gridworker_home)  # so that a push goes out
    fake.mode = mode
    code, out, err = run(capsys, monkeypatch, "--password-stdin", "sync", *(["--json"] if as_json else []))
    want, error_code, words = FAILURES[mode]
    assert "Traceback" not in err
    assert code == want, (out, err)
    if as_json:
        result = json.loads(out)
        assert result["exit_status"] == want and result["complete"] is False
        assert result["error"]["code"] == error_code and words in result["error"]["message_en"]
        assert result["error"]["message_zh"]
    else:
        assert words in err


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
@pytest.mark.parametrize("mode", ["500", "426", "401", "resync"])
def test_login_exit_status_when_its_first_sync_fails(fake, capsys, monkeypatch, mode, as_json):
    fake.mode = mode
    code, out, err = run(capsys, monkeypatch, *login_argv(fake.url), *(["--json"] if as_json else []))
    want, error_code, words = FAILURES[mode]
    assert "Traceback" not in err
    assert code == want, (out, err)
    if as_json:
        result = json.loads(out)  # the whole of standard output: "Signed in …" goes to standard error
        assert result["exit_status"] == want and result["error"]["code"] == error_code
    else:
        assert words in err


def test_login_json_is_one_json_object(fake, capsys, monkeypatch):
    code, out, err = run(capsys, monkeypatch, *login_argv(fake.url), "--no-sync", "--json")
    assert code == 0 and "Signed in" in err
    assert json.loads(out) == {"signed_in": True, "account": "w1", "server": fake.url, "username": "w1", "role": "worker",
                               "exit_status": 0}  # fmt: skip
    code, out, err = run(capsys, monkeypatch, *login_argv(fake.url), "--json")
    result = json.loads(out)
    assert code == 0 and result["exit_status"] == 0 and result["complete"] and result["error"] is None


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_sync_exit_0_when_all_is_done_and_3_when_offline(fake, capsys, monkeypatch, gridworker_home, as_json):
    flag = ["--json"] if as_json else []
    assert run(capsys, monkeypatch, *login_argv(fake.url), "--no-sync")[0] == 0
    add_unsent_edit(gridworker_home)
    code, out, err = run(capsys, monkeypatch, "--password-stdin", "sync", *flag)
    assert code == 0, (out, err)
    if as_json:
        result = json.loads(out)
        assert result["exit_status"] == 0 and result["error"] is None and result["pushed"] == 1 and result["complete"]
    add_unsent_edit(gridworker_home)
    fake.stop()  # nobody answers any more
    code, out, err = run(capsys, monkeypatch, "--password-stdin", "sync", *flag)
    assert code == 3 and "Traceback" not in err
    if as_json:
        result = json.loads(out)
        assert result["exit_status"] == 3 and result["error"]["code"] == "offline" and result["pending"] == 1
    else:
        assert "Cannot reach the server" in err
    fake.httpd = _Stopped()  # the fixture's stop() has nothing left to do


class _Stopped:
    def shutdown(self):
        pass

    def server_close(self):
        pass


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_sync_of_an_account_not_signed_in_exits_1(capsys, monkeypatch, as_json):
    assert run(capsys, monkeypatch, "--password-stdin", "account", "create", "w1")[0] == 0
    code, out, err = run(capsys, monkeypatch, "--account", "w1", "--password-stdin", "sync", *(["--json"] if as_json else []))
    assert code == 1 and "Traceback" not in err
    if as_json:
        result = json.loads(out)
        assert result["exit_status"] == 1 and result["error"]["code"] == "not_linked"
    else:
        assert "not signed in" in err
