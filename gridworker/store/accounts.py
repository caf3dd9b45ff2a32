"""Local accounts: one folder and one encrypted database each, under the GridWorker home.

    <home>/accounts/<name>/account.json   wrapped data key, device id, server link
    <home>/accounts/<name>/gridworker.db  the SQLCipher database (+ -wal, -shm)
    <home>/accounts/<name>/photos/        content-addressed photo files, encrypted (photos/crypto.py)
    <home>/accounts/<name>/logs/          rotating log
"""

from __future__ import annotations

import json
import os
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..domain.errors import GridWorkerError, NotFound
from . import keys

if TYPE_CHECKING:
    from .database import Store

# The database, the photo key and the password rules load where they are used: finding an account and
# unwrapping its key (gridworker.sync.probe, a sync with nothing to do) needs none of them.

MIN_PASSWORD = 6
_NAME = re.compile(r"^[\w.\-\u4e00-\u9fff]{1,64}$")


def home_dir(home: str | os.PathLike | None = None) -> Path:
    """The data folder: the argument, else GRIDWORKER_HOME, else the platform's user data folder."""
    if home:
        return Path(home)
    env = os.environ.get("GRIDWORKER_HOME")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir("GridWorker", appauthor=False))


def write_atomically(path: Path, data: bytes) -> None:
    """Temp file, fsync, rename, fsync the folder: the old or the new content survives a crash."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def check_account_name(name: str) -> None:
    """Refuse a name that cannot be a folder name on every platform we run on."""
    if not _NAME.match(name) or name.startswith("."):
        raise GridWorkerError(
            f"账户名“{name}”无效：只能使用字母、数字、汉字、点、横线和下划线",
            f"Invalid account name '{name}': use letters, digits, Chinese characters, '.', '-' and '_'",
            code="bad_account_name",
        )


@dataclass
class Account:
    name: str
    folder: Path
    info: dict

    @property
    def db_path(self) -> Path:
        return self.folder / "gridworker.db"

    @property
    def photos_dir(self) -> Path:
        return self.folder / "photos"

    @property
    def logs_dir(self) -> Path:
        return self.folder / "logs"

    def save_info(self) -> None:
        write_atomically(self.folder / "account.json", json.dumps(self.info, ensure_ascii=False, indent=2).encode())


PHOTOS_ENCRYPTED = "photos_encrypted"  # in account.json: every photo file is encrypted (no plain ones left)


def unlock_photos(account: Account, store: Store, *, migrate: bool) -> None:
    """Give this process the account's photo key; with `migrate`, first encrypt the plain files of older versions.

    The key is derived from the data key (HKDF, its own purpose), never the
    SQLCipher key itself. The migration runs once per account: account.json
    records when no plain file is left; until then every open resumes it.
    """
    from ..photos import crypto as photo_crypto

    photo_crypto.unlock(account.photos_dir, store.derive_key(photo_crypto.FILE_KEY_PURPOSE))
    if migrate and not account.info.get(PHOTOS_ENCRYPTED):
        from ..photos import storage as photo_storage  # Pillow: only while older plain files remain

        photo_storage.encrypt_plain_files(account.photos_dir)
        account.info[PHOTOS_ENCRYPTED] = True
        account.save_info()


class AccountManager:
    def __init__(self, home: str | os.PathLike | None = None):
        self.home = home_dir(home)

    @property
    def accounts_dir(self) -> Path:
        return self.home / "accounts"

    def names(self) -> list[str]:
        if not self.accounts_dir.is_dir():
            return []
        return sorted(p.name for p in self.accounts_dir.iterdir() if (p / "account.json").is_file())

    def get(self, name: str) -> Account:
        folder = self.accounts_dir / name
        info_path = folder / "account.json"
        if not _NAME.match(name) or not info_path.is_file():
            raise NotFound(f"没有名为“{name}”的账户", f"No account named '{name}'", code="no_account")
        return Account(name, folder, json.loads(info_path.read_text("utf-8")))

    def create(self, name: str, password: str) -> Account:
        from ..domain import passwords
        from .database import Store

        check_account_name(name)
        passwords.check_password(password, min_length=MIN_PASSWORD)
        folder = self.accounts_dir / name
        if (folder / "account.json").exists():
            raise GridWorkerError(f"账户“{name}”已存在", f"Account '{name}' already exists", code="account_exists")
        folder.mkdir(parents=True, exist_ok=True)
        os.chmod(folder, 0o700)
        data_key = keys.new_data_key()
        account = Account(
            name,
            folder,
            {"name": name, "key": keys.wrap(data_key, password, name.encode()), "server": None, PHOTOS_ENCRYPTED: True},
        )
        store = Store(account.db_path, data_key)
        store.close()
        account.save_info()  # last: an account exists only once its database does
        return account

    def open(self, name: str, password: str | None, *, key: bytes | None = None) -> tuple[Account, Store]:
        """The account and its open store; `key`: the data key already unwrapped in this process (then no password)."""
        from .database import Store

        account = self.get(name)
        data_key = key if key is not None else keys.unwrap(account.info["key"], password or "", name.encode())
        store = Store(account.db_path, data_key)
        try:
            unlock_photos(account, store, migrate=True)
        except BaseException:
            store.close()
            raise
        return account, store

    def change_password(self, name: str, old: str, new: str) -> None:
        from ..domain import passwords

        passwords.check_password(new, min_length=MIN_PASSWORD)
        account = self.get(name)
        data_key = keys.unwrap(account.info["key"], old, name.encode())
        account.info["key"] = keys.wrap(data_key, new, name.encode())
        account.save_info()
