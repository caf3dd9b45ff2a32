"""The sync commands as scripts use them: login (new or offline account), sync, status, conflicts, logout.

Run in-process through gridworker.cli.main (the same parser and code as the
installed command, without a process start per call); the SIGKILL test runs
the real `gridworker sync` processes.
"""

import io
import json
import sys

import pytest
from sqlmodel import select

from gridworker.cli import main
from gridworker.domain.models import Area, Household, Meta
from gridworker.services import register
from gridworker.store import AccountManager

from .helpers import new_household
from .server import SERVER_PASSWORD


def run(capsys, monkeypatch, *argv, stdin=""):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(["--lang", "en", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def run_json(capsys, monkeypatch, *argv, stdin=""):
    code, out, err = run(capsys, monkeypatch, *argv, "--json", stdin=stdin)
    return code, json.loads(out), err


def test_login_creates_the_account_keeps_the_token_encrypted_and_syncs(server, capsys, monkeypatch, gridworker_home):
    code, out, err = run(capsys, monkeypatch, "login", "--server", server.url, "--username", "w2", "--password-stdin",
                         stdin=SERVER_PASSWORD + "\n")  # fmt: skip
    assert code == 0, err
    assert "as w2 (Grid worker); local account 'w2'" in out + err and "(worker)" not in out + err  # the role in words
    accounts = AccountManager(gridworker_home)
    assert accounts.names() == ["w2"]
    info = accounts.get("w2").info["server"]
    assert info["url"] == server.url and info["username"] == "w2" and info["role"] == "worker" and len(info["area_ids"]) == 1
    account, store = accounts.open("w2", SERVER_PASSWORD)
    with store.read() as s:
        token = s.get(Meta, "server.token").value
        codes = {a.code for a in s.exec(select(Area))}
    store.close()
    assert "G2" in codes
    for path in account.folder.rglob("*"):
        if path.is_file() and not path.name.startswith("gridworker.db"):
            assert token not in path.read_text("utf-8", errors="replace")

    code, status, _ = run_json(capsys, monkeypatch, "--password-stdin", "status", stdin=SERVER_PASSWORD + "\n")
    assert code == 0 and status["state"] == "ok" and status["pending"] == 0 and status["last_success"]


def test_wrong_server_password_leaves_no_account_behind(server, capsys, monkeypatch, gridworker_home):
    code, _out, err = run(capsys, monkeypatch, "login", "--server", server.url, "--username", "w2", "--password-stdin",
                          stdin="not-the-password\n")  # fmt: skip
    assert code == 1 and "Wrong user name or password" in err
    assert AccountManager(gridworker_home).names() == []


def test_login_links_an_offline_account_and_sends_its_work(server, capsys, monkeypatch, gridworker_home):
    local_password = "offline-pass-9"
    assert run(capsys, monkeypatch, "--password-stdin", "account", "create", "field", stdin=local_password + "\n")[0] == 0
    accounts = AccountManager(gridworker_home)
    _account, store = accounts.open("field", local_password)
    area = register.register_area(store, code="G1", name="一网格(本机)", level="grid")
    b = register.register_building(store, {"name": "离线楼", "area_id": area.id})
    hh = register.register_household(store, {"building_id": b.id, "unit": "2", "room": "502"})
    p = register.register_person(store, {"name": "孙八", "household_id": hh.id, "relation": "户主"})
    store.close()

    code, out, err = run(capsys, monkeypatch, "login", "--server", server.url, "--username", "w1a", "--password-stdin",
                         "--server-password-stdin", stdin=f"{local_password}\n{SERVER_PASSWORD}\n")  # fmt: skip
    assert code == 0, err
    assert accounts.names() == ["field"]  # linked, not a new account
    on_server = server.records("w1a")
    server_g1 = next(c["id"] for c in on_server.values() if c["entity"] == "area" and c["data"]["code"] == "G1")
    for entity, rid in (("building", b.id), ("household", hh.id), ("person", p.id)):
        assert on_server[(entity, rid)]["data"]["area_id"] == server_g1
    _account, store = accounts.open("field", local_password)
    with store.read() as s:
        assert s.get(Area, area.id) is None and s.get(Household, hh.id).area_id == server_g1
    store.close()


def test_offline_work_in_an_area_the_server_lacks_is_held_back_with_a_clear_error(server, capsys, monkeypatch, gridworker_home):
    run(capsys, monkeypatch, "--password-stdin", "account", "create", "field", stdin=SERVER_PASSWORD + "\n")
    _account, store = AccountManager(gridworker_home).open("field", SERVER_PASSWORD)
    area = register.register_area(store, code="G77", name="不存在的网格", level="grid")
    register.register_building(store, {"name": "楼", "area_id": area.id})
    store.close()
    code, out, err = run(capsys, monkeypatch, "login", "--server", server.url, "--username", "w1a", "--password-stdin",
                         stdin=SERVER_PASSWORD + "\n")  # fmt: skip
    assert code == 1 and "G77" in err
    code, status, _ = run_json(capsys, monkeypatch, "--password-stdin", "status", stdin=SERVER_PASSWORD + "\n")
    assert status["pending"] == 1 and status["state"] == "areas not on the server"


def test_sync_conflicts_resolve_and_logout(server, clients, capsys, monkeypatch, gridworker_home):
    other = clients(server, "w1b", account="other")
    other.sync_ok()
    code, _out, err = run(capsys, monkeypatch, "--account", "w1a", "login", "--server", server.url, "--username", "w1a",
                          "--password-stdin", stdin=SERVER_PASSWORD + "\n")  # fmt: skip
    assert code == 0, err
    accounts = AccountManager(gridworker_home)
    _acc, store = accounts.open("w1a", SERVER_PASSWORD)
    holder = type("C", (), {"store": store})
    _, hh = new_household(holder, room="909")
    store.close()
    pw = SERVER_PASSWORD + "\n"
    code, result, _ = run_json(capsys, monkeypatch, "--account", "w1a", "sync", "--password-stdin", stdin=pw)
    assert code == 0 and result["pushed"] == 2 and result["exit_status"] == 0
    other.sync_ok()
    _acc, store = accounts.open("w1a", SERVER_PASSWORD)
    register.update_household(store, hh.id, {"phone": "13700000001"})
    store.close()
    register.update_household(other.store, hh.id, {"phone": "13700000002"})  # later: wins
    other.sync_ok()
    code, result, _ = run_json(capsys, monkeypatch, "--account", "w1a", "--password-stdin", "sync", stdin=pw)
    assert code == 0 and result["conflicts"] == 1

    code, listed, _ = run_json(capsys, monkeypatch, "--account", "w1a", "--password-stdin", "conflicts", stdin=pw)
    [c] = listed["conflicts"]
    assert (c["field"], c["mine"], c["theirs"], c["winner"]) == ("phone", "13700000001", "13700000002", "theirs")
    code, out, _err = run(capsys, monkeypatch, "--account", "w1a", "--password-stdin", "conflicts", stdin=pw)
    assert f"household {hh.address} (no. {hh.id[:8]})" in out  # named as the sync page names it, not by number alone
    code, out, err = run(capsys, monkeypatch, "--account", "w1a", "conflicts", "resolve", c["id"], "--mine", "--password-stdin", stdin=pw)
    assert code == 0, err
    code, result, _ = run_json(capsys, monkeypatch, "--account", "w1a", "--password-stdin", "sync", stdin=pw)
    assert code == 0 and result["pushed"] == 1
    other.sync_ok()
    with other.store.read() as s:
        assert s.get(Household, hh.id).phone == "13700000001"

    assert run(capsys, monkeypatch, "--account", "w1a", "--password-stdin", "logout", stdin=pw)[0] == 0
    code, status, _ = run_json(capsys, monkeypatch, "--account", "w1a", "--password-stdin", "status", stdin=pw)
    assert status["state"].startswith("signed out")
    code, result, _ = run_json(capsys, monkeypatch, "--account", "w1a", "--password-stdin", "sync", stdin=pw)
    assert code == 4 and result["error"]["code"] == "signed_out"
    # The other account on this machine is untouched by all of it.
    assert other.sync_ok().pulled == 0


@pytest.mark.parametrize("argv", [["login", "--server", "http://127.0.0.1:9", "--username", "w1a", "--password-stdin"]])
def test_an_unreachable_server_is_a_clear_error(capsys, monkeypatch, argv, gridworker_home):
    code, _out, err = run(capsys, monkeypatch, *argv, stdin=SERVER_PASSWORD + "\n")
    assert code == 1 and "Cannot reach the server" in err
    assert AccountManager(gridworker_home).names() == []


def test_login_normalises_the_address_and_leaves_an_offline_account_it_cannot_open(server, capsys, monkeypatch, gridworker_home):
    """The sign-in rules of gridworker.identity.sign_in_online, the app's too: the URL as people type it, and the
    only offline account is linked only when the password opens it (else it is someone else's: a new account)."""
    assert run(capsys, monkeypatch, "--password-stdin", "account", "create", "field", stdin="offline-pass-9\n")[0] == 0
    typed = server.url.removeprefix("http://") + "/"  # "127.0.0.1:PORT/"
    code, signed_in, err = run_json(capsys, monkeypatch, "login", "--server", typed, "--username", "w2", "--password-stdin",
                                    "--no-sync", stdin=SERVER_PASSWORD + "\n")  # fmt: skip
    assert code == 0, err
    assert signed_in["account"] == "w2" and signed_in["server"] == server.url
    accounts = AccountManager(gridworker_home)
    assert accounts.names() == ["field", "w2"] and not accounts.get("field").info.get("server")
    assert accounts.get("w2").info["server"]["url"] == server.url
    # Signing in again with the address typed another way finds the linked account.
    code, again, err = run_json(capsys, monkeypatch, "login", "--server", server.url + "/", "--username", "w2",
                                "--password-stdin", "--no-sync", stdin=SERVER_PASSWORD + "\n")  # fmt: skip
    assert code == 0 and again["account"] == "w2", err
