"""Backup and restore of one local account, in one encrypted file.

The file is a zip archive (entries stored, not compressed: they are encrypted)
holding:

    manifest.json   format and version, account name, created_at, app version,
                    schema revision, every other entry with its size and SHA-256,
                    and a MAC over all of that keyed from the account's data key
    account.json    the account's info: the data key wrapped by the password
    gridworker.db   a consistent snapshot of the SQLCipher database, still
                    encrypted with the data key (Store.backup_to: the online
                    backup API, safe while the app keeps writing)
    photos/...      every photo and thumbnail of the photos folder, read (and
                    checked) through photos.read_chunks, each AES-256-GCM
                    encrypted with a key derived from the data key, its path as
                    associated data; restored files are encrypted again with
                    the account's photo key (photos/crypto.py), as on disk

So the file is as safe as the account: without the password nobody reads the
residents' data or photos. The database is copied before the photos, and
photos are only ever added, so every photo the snapshot refers to is there.

Restore checks every size and hash first (a truncated or damaged file is
refused before anything is asked), then the password, the MAC, and that the
database opens and passes SQLite's quick_check — all in a staging folder. Only
then is the account put in place by renaming folders; an account it replaces
(--force) is moved aside to <home>/replaced/<name>-<timestamp>, never deleted.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
import uuid
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from typing import IO, Any

from alembic.script import ScriptDirectory
from alembic.script.revision import RevisionError
from alembic.util import CommandError
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .. import __version__
from ..domain.errors import GridWorkerError, Refused, WrongPassword
from ..store import keys, migrate
from ..photos import PhotoError, check_sha256, read_bytes, stored_files
from ..photos import crypto as photo_crypto
from ..photos.storage import THUMBS, store_file
from ..store.accounts import PHOTOS_ENCRYPTED, Account, AccountManager, check_account_name, unlock_photos, write_atomically
from ..store.database import Store

FORMAT = "gridworker-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DB_ENTRY = "gridworker.db"
ACCOUNT_ENTRY = "account.json"
PHOTOS_PREFIX = "photos/"
PHOTO_KEY_PURPOSE = b"gridworker backup photos v1"
MANIFEST_KEY_PURPOSE = b"gridworker backup manifest v1"
CHUNK = 1024 * 1024
SUFFIX = ".gwbak"


class BadBackup(GridWorkerError):
    code = "bad_backup"


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    account: str
    created_at: str
    files: int
    bytes: int
    photos: int


@dataclass(frozen=True)
class RestoreResult:
    account: Account
    replaced: Path | None  # where the account it replaced was moved, if any
    manifest: dict[str, Any]


# -- backup ----------------------------------------------------------------------
def default_backup_name(account: str, now: datetime | None = None) -> str:
    return f"gridworker-{account}-{(now or datetime.now()).strftime('%Y%m%d-%H%M%S')}{SUFFIX}"


def create_backup(account: Account, store: Store, out: Path) -> BackupInfo:
    """Write a backup of the open account to `out` (replaced atomically if it exists)."""
    out = Path(out)
    try:
        return _create_backup(account, store, out)
    except OSError as exc:
        raise GridWorkerError(
            f"无法写入备份文件“{out}”：{exc.strerror or exc}", f"Cannot write the backup file '{out}': {exc.strerror or exc}",
            code="backup_failed",
        ) from exc


def _create_backup(account: Account, store: Store, out: Path) -> BackupInfo:
    out.parent.mkdir(parents=True, exist_ok=True)
    work = out.parent / f".{out.name}.{uuid.uuid4().hex}"
    work.mkdir()
    try:
        snapshot = work / DB_ENTRY
        store.backup_to(snapshot)
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "account": account.name,
            "created_at": datetime.now(timezone.utc).isoformat(),
            "app_version": __version__,
            "schema_revision": migrate.current(store.engine),
            "photos": "aes-256-gcm",
            "files": [],
        }
        photo_key = AESGCM(store.derive_key(PHOTO_KEY_PURPOSE))
        archive = work / "backup.zip"
        with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
            with open(snapshot, "rb") as src:
                manifest["files"].append(_write_entry(zf, DB_ENTRY, src))
            manifest["files"].append(_write_bytes(zf, ACCOUNT_ENTRY, (account.folder / ACCOUNT_ENTRY).read_bytes()))
            photos = 0
            unlock_photos(account, store, migrate=False)
            for path, sha, thumbnail in stored_files(account.photos_dir):
                entry = PHOTOS_PREFIX + path.relative_to(account.photos_dir).as_posix()
                try:
                    plain = read_bytes(account.photos_dir, sha, thumbnail=thumbnail)
                except PhotoError as exc:
                    if exc.code == "photo_missing":
                        continue  # evicted by a sync meanwhile
                    raise GridWorkerError(
                        f"无法备份：{exc.message('zh')}请先同步，或删除这张照片后再备份。",
                        f"Cannot back up: {exc.message('en')} Sync first, or remove that photo, then back up again.",
                        code="backup_failed",
                    ) from None
                nonce = os.urandom(12)
                sealed = nonce + photo_key.encrypt(nonce, plain, entry.encode())
                manifest["files"].append(_write_bytes(zf, entry, sealed))
                photos += 1
            manifest["mac"] = _mac(store.derive_key(MANIFEST_KEY_PURPOSE), manifest)
            zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
        _fsync(archive)
        os.replace(archive, out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    size = sum(f["bytes"] for f in manifest["files"])
    return BackupInfo(out, account.name, manifest["created_at"], len(manifest["files"]), size, photos)


def _write_entry(zf: zipfile.ZipFile, name: str, src: IO[bytes]) -> dict[str, Any]:
    digest, size = hashlib.sha256(), 0
    with zf.open(name, "w", force_zip64=True) as dst:
        while block := src.read(CHUNK):
            digest.update(block)
            size += len(block)
            dst.write(block)
    return {"path": name, "bytes": size, "sha256": digest.hexdigest()}


def _write_bytes(zf: zipfile.ZipFile, name: str, data: bytes) -> dict[str, Any]:
    zf.writestr(name, data)
    return {"path": name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def _mac(key: bytes, manifest: dict[str, Any]) -> str:
    body = {k: v for k, v in manifest.items() if k != "mac"}
    return hmac.new(key, json.dumps(body, sort_keys=True, ensure_ascii=False).encode(), hashlib.sha256).hexdigest()


def _fsync(path: Path) -> None:
    with open(path, "rb") as f:
        os.fsync(f.fileno())


# -- checking a backup file --------------------------------------------------------
def _damaged(path: Path, why_zh: str, why_en: str) -> BadBackup:
    return BadBackup(
        f"备份文件“{path}”无法使用：{why_zh}。未做任何改动。",
        f"The backup file '{path}' cannot be used: {why_en}. Nothing was changed.",
    )


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest of a backup file whose every entry is present, whole and unaltered; BadBackup otherwise."""
    path = Path(path)
    if not path.is_file():
        raise BadBackup(f"找不到备份文件“{path}”", f"No backup file at '{path}'", code="no_backup")
    try:
        with zipfile.ZipFile(path) as zf:
            manifest = _parse_manifest(path, zf)
            for item in manifest["files"]:
                with zf.open(item["path"]) as src:
                    _check_entry(path, item, src, None)
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise _damaged(path, f"文件不完整或已损坏（{exc}）", f"it is incomplete or damaged ({exc})") from None
    return manifest


def _parse_manifest(path: Path, zf: zipfile.ZipFile) -> dict[str, Any]:
    try:
        manifest = json.loads(zf.read(MANIFEST))
    except KeyError:
        raise _damaged(path, "缺少清单（manifest.json），不是 GridWorker 备份", "it has no manifest.json: not a GridWorker backup") from None
    except ValueError:
        raise _damaged(path, "清单（manifest.json）无法读取", "its manifest.json is not valid JSON") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _damaged(path, "不是 GridWorker 备份文件", "it is not a GridWorker backup")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise _damaged(
            path,
            f"备份格式版本为{manifest.get('format_version')}，本程序只支持{FORMAT_VERSION}，请升级 GridWorker",
            f"its format version is {manifest.get('format_version')}, this program reads {FORMAT_VERSION}: upgrade GridWorker",
        )
    files = manifest.get("files")
    listed = [f.get("path") for f in files] if isinstance(files, list) and all(isinstance(f, dict) for f in files) else None
    if not listed or not all(isinstance(p, str) and _safe_entry(p) for p in listed) or len(set(listed)) != len(listed):
        raise _damaged(path, "清单中的文件列表无效", "its list of files is invalid")
    if DB_ENTRY not in listed or ACCOUNT_ENTRY not in listed:
        raise _damaged(path, "缺少数据库或账户信息", "the database or the account information is missing")
    present = set(zf.namelist()) - {MANIFEST}
    if present != set(listed):
        raise _damaged(path, "文件内容与清单不符（多出或缺少文件）", "its entries differ from the manifest (files added or missing)")
    return manifest


def _safe_entry(name: str) -> bool:
    """Only the known entries, and photo paths that stay inside the photos folder."""
    if name in (DB_ENTRY, ACCOUNT_ENTRY):
        return True
    if not name.startswith(PHOTOS_PREFIX) or "\\" in name:
        return False
    parts = PurePosixPath(name).parts
    return len(parts) > 1 and not any(p in ("", ".", "..") for p in parts) and not PurePosixPath(name).is_absolute()


def _check_entry(path: Path, item: dict[str, Any], src: IO[bytes], dst: IO[bytes] | None) -> None:
    """Hash (and copy to `dst`) one entry; refuse when its size or SHA-256 is not the manifest's."""
    digest, size = hashlib.sha256(), 0
    while block := src.read(CHUNK):
        digest.update(block)
        size += len(block)
        if dst is not None:
            dst.write(block)
    if size != item.get("bytes") or digest.hexdigest() != item.get("sha256"):
        raise _damaged(path, f"“{item['path']}”的内容与清单不符（被截断或改动过）", f"'{item['path']}' does not match the manifest (truncated or altered)")


# -- restore ---------------------------------------------------------------------
def restore_target(accounts: AccountManager, manifest: dict[str, Any], as_name: str | None, *, force: bool) -> str:
    """The account name to restore into; refuses an existing account unless `force`."""
    name = as_name or str(manifest.get("account", ""))
    check_account_name(name)
    if (accounts.accounts_dir / name).exists() and not force:
        raise Refused(
            f"账户“{name}”已存在：如要替换请加 --force（原账户会被移到一旁保留），或用 --as 恢复为新账户",
            f"Account '{name}' already exists: add --force to replace it (the old one is kept aside), "
            "or restore under another name with --as",
            code="account_exists",
        )
    return name


def restore_backup(
    accounts: AccountManager, path: Path, password: str, *, as_name: str | None = None, force: bool = False
) -> RestoreResult:
    """Restore a backup as account `as_name` (default: its own name). Nothing changes unless every check passes."""
    path = Path(path)
    manifest = read_manifest(path)
    name = restore_target(accounts, manifest, as_name, force=force)
    try:
        with zipfile.ZipFile(path) as zf:
            return _restore_from(accounts, path, zf, manifest, name, password)
    except (zipfile.BadZipFile, EOFError) as exc:  # the file changed after it was checked
        raise _damaged(path, f"文件不完整或已损坏（{exc}）", f"it is incomplete or damaged ({exc})") from None
    except OSError as exc:
        raise GridWorkerError(
            f"恢复失败，原有账户未改动：{exc}", f"The restore failed and left the existing accounts as they were: {exc}",
            code="restore_failed",
        ) from exc


def _restore_from(
    accounts: AccountManager, path: Path, zf: zipfile.ZipFile, manifest: dict[str, Any], name: str, password: str
) -> RestoreResult:
    original = str(manifest["account"])
    try:
        info = json.loads(zf.read(ACCOUNT_ENTRY))
        data_key = keys.unwrap(info["key"], password, original.encode())  # WrongPassword: nothing touched yet
    except keys.BadKeyFile as exc:  # e.g. Argon2 asked for terabytes: refused before it runs
        raise _damaged(path, f"其中的账户密钥无法使用（{exc.zh_why}）", f"its account key cannot be used ({exc.en_why})") from None
    except (ValueError, KeyError, TypeError):
        raise _damaged(path, "账户信息无法读取", "the account information cannot be read") from None
    accounts.home.mkdir(parents=True, exist_ok=True)
    staging = accounts.home / f".restore-{uuid.uuid4().hex}"
    staging.mkdir(mode=0o700)
    try:
        _unpack(path, zf, manifest, staging, data_key)
        info[PHOTOS_ENCRYPTED] = True  # _unpack wrote every photo encrypted
        if name != original:
            info["name"] = name
            info["key"] = keys.wrap(data_key, password, name.encode())
        write_atomically(staging / ACCOUNT_ENTRY, json.dumps(info, ensure_ascii=False, indent=2).encode())
        replaced = _swap_in(accounts, name, staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return RestoreResult(accounts.get(name), replaced, manifest)


def _unpack(path: Path, zf: zipfile.ZipFile, manifest: dict[str, Any], staging: Path, data_key: bytes) -> None:
    """Copy the database and decrypt the photos into `staging`, checking each against the manifest and the MAC."""
    items = {f["path"]: f for f in manifest["files"]}
    with zf.open(DB_ENTRY) as src, open(staging / DB_ENTRY, "wb") as dst:
        _check_entry(path, items[DB_ENTRY], src, dst)
        dst.flush()
        os.fsync(dst.fileno())
    try:
        store = Store(staging / DB_ENTRY, data_key, migrate=False)
    except WrongPassword:
        # The password opened account.json, so the database was swapped for another one.
        raise _damaged(path, "数据库与账户密钥不匹配", "its database does not belong to its account key") from None
    try:
        if not hmac.compare_digest(_mac(store.derive_key(MANIFEST_KEY_PURPOSE), manifest), str(manifest.get("mac"))):
            raise _damaged(path, "清单校验失败，文件被改动过", "its manifest fails the integrity check: the file was altered")
        _check_database(path, store, manifest)
        photo_key = AESGCM(store.derive_key(PHOTO_KEY_PURPOSE))
        staged_photos = staging / "photos"
        photo_crypto.unlock(staged_photos, store.derive_key(photo_crypto.FILE_KEY_PURPOSE))
    finally:
        store.close()
    try:
        for entry, item in items.items():
            if not entry.startswith(PHOTOS_PREFIX):
                continue
            sealed = zf.read(entry)
            if hashlib.sha256(sealed).hexdigest() != item["sha256"]:
                raise _damaged(path, f"“{entry}”的内容与清单不符", f"'{entry}' does not match the manifest")
            try:
                data = photo_key.decrypt(sealed[:12], sealed[12:], entry.encode())
            except InvalidTag:
                raise _damaged(path, f"照片“{entry}”无法解密", f"the photo '{entry}' cannot be decrypted") from None
            where = _photo_entry(entry)
            if where is None:
                continue  # not a photo or thumbnail (an older version backed up every file of the folder)
            store_file(staged_photos, where[0], data, thumbnail=where[1])
    finally:
        photo_crypto.lock(staged_photos)


def _photo_entry(entry: str) -> tuple[str, bool] | None:
    """(sha256, thumbnail?) of a backup entry photos/ab/cd/<sha>.jpg or photos/thumbs/ab/cd/<sha>.jpg."""
    parts = PurePosixPath(entry).parts[1:]
    thumbnail = len(parts) == 4 and parts[0] == THUMBS
    if thumbnail:
        parts = parts[1:]
    if len(parts) != 3 or not parts[2].endswith(".jpg"):
        return None
    sha = parts[2][: -len(".jpg")]
    try:
        check_sha256(sha)
    except PhotoError:
        return None
    return (sha, thumbnail) if parts[0] == sha[:2] and parts[1] == sha[2:4] else None


def _check_database(path: Path, store: Store, manifest: dict[str, Any]) -> None:
    revision = migrate.current(store.engine)
    if revision is not None:
        try:
            ScriptDirectory.from_config(migrate.config()).get_revision(revision)
        except (CommandError, RevisionError):
            raise _damaged(
                path,
                f"数据库来自更新版本的 GridWorker（{manifest.get('app_version')}），请先升级",
                f"its database comes from a newer GridWorker ({manifest.get('app_version')}): upgrade first",
            ) from None
    with store.engine.connect() as conn:
        result = conn.exec_driver_sql("PRAGMA quick_check").scalar()
    if result != "ok":
        raise _damaged(path, f"数据库校验失败（{result}）", f"its database fails the integrity check ({result})")


def _swap_in(accounts: AccountManager, name: str, staging: Path) -> Path | None:
    """Move the restored folder into place; an existing account goes to <home>/replaced/<name>-<timestamp>."""
    target = accounts.accounts_dir / name
    accounts.accounts_dir.mkdir(parents=True, exist_ok=True)
    aside = None
    if target.exists():
        aside = accounts.home / "replaced" / f"{name}-{datetime.now().strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}"
        aside.parent.mkdir(parents=True, exist_ok=True)
        os.rename(target, aside)
    try:
        os.rename(staging, target)
    except OSError:
        if aside is not None:
            os.rename(aside, target)
        raise
    return aside
