"""Who is using a local account, and signing an account in to a sync server (no Qt).

The actor of an account (who signs visits and incident events, and whose
role decides what the screens offer) is the server user it is linked to
(account.info["server"], written by sync.link.login). An account that has
never been linked works offline as its own grid worker: a local identity
made once and kept in account.json, so the id does not change between runs.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from typing import Any

from .domain.enums import Role
from .domain.errors import WrongPassword
from .domain.models import new_id
from .store.accounts import Account, AccountManager
from .store.database import Store


@dataclass(frozen=True)
class Identity:
    id: str
    role: str  # a Role value
    display_name: str
    linked: bool  # True: a server user; False: this account's own offline identity


def identity_of(account: Account) -> Identity:
    """The person behind `account`: the linked server user, else the account's local worker identity."""
    server = account.info.get("server") or {}
    if server.get("user_id"):
        name = server.get("display_name") or server.get("username") or account.name
        return Identity(server["user_id"], server.get("role") or Role.worker.value, name, True)
    local = account.info.get("local_user")
    if not local:
        local = {"id": new_id(), "role": Role.worker.value, "display_name": account.name}
        account.info["local_user"] = local
        account.save_info()
    return Identity(local["id"], local.get("role") or Role.worker.value, local.get("display_name") or account.name, False)


def normalise_server_url(text: str) -> str:
    """What people type ("grid.example.cn", "192.168.1.5:8000/") as a base URL; https unless on this machine."""
    url = text.strip().rstrip("/")
    if url and not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", url):
        local = re.match(r"^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$", url)
        url = ("http://" if local else "https://") + url
    return url


def account_name_for(username: str) -> str:
    """A local account name made from a server username (folder-safe: letters, digits, Chinese, . - _)."""
    name = re.sub(r"[^\w.\-\u4e00-\u9fff]", "_", username.strip())[:64].lstrip(".")
    return name or "account"


def account_for_login(manager: AccountManager, url: str, username: str, password: str,
                      account: str | None = None) -> tuple[str, tuple[Account, Store] | None]:
    """The local account that signs in as this server user (the rules both front-ends share).

    1. the account asked for (the CLI's --account or GRIDWORKER_ACCOUNT);
    2. else the account already linked to this user on this server (the URL normalised);
    3. else the only account on this computer, when it was never linked and
       the password opens it: its offline work goes to the server;
    4. else a new account named after the user.
    Returns the name, and the account and its open store when rule 3 opened it.
    """
    if account:
        return account, None
    url = normalise_server_url(url)
    names = manager.names()
    for name in names:
        entry = manager.get(name).info.get("server") or {}
        if entry.get("username") == username and normalise_server_url(entry.get("url", "")) == url:
            return name, None
    if len(names) == 1 and not manager.get(names[0]).info.get("server"):
        try:
            return names[0], manager.open(names[0], password)
        except WrongPassword:
            pass  # another person's offline account (or the demo): leave it alone
    return account_name_for(username), None


def sign_in_online(manager: AccountManager, url: str, username: str, password: str, *,
                   account: str | None = None, server_password: str | None = None) -> tuple[Account, Store, dict[str, Any]]:
    """Sign in to the server at `url`: open (or create) the local account of this user and link it.

    The one sign-in path of the app's dialog and `gridworker login`. The URL is
    normalised (normalise_server_url); the account is chosen by
    account_for_login. `password` opens the local account (a new account gets
    it); the server gets `server_password` when given, else the same password.
    If the sign-in fails, an account made for it is removed again: nothing was
    saved in it. Returns the open account, its store and the server's user.
    """
    from .sync import link  # the HTTP stack only when someone signs in online

    url = normalise_server_url(url)
    name, opened = account_for_login(manager, url, username, password, account)
    created = name not in manager.names()
    if created:
        manager.create(name, password)
    account_, store = opened or manager.open(name, password)
    try:
        user = link.login(account_, store, url, username, password if server_password is None else server_password)
    except BaseException:
        store.close()
        if created:
            shutil.rmtree(account_.folder, ignore_errors=True)
        raise
    return account_, store, user
