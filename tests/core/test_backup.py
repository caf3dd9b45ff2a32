"""Backup and restore of an account: consistent while writing, encrypted, refused when damaged or locked."""

from __future__ import annotations

import hashlib
import json
import threading
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from gridworker.cli import main
from gridworker import photos
from gridworker.domain.errors import GridWorkerError, Refused, WrongPassword
from gridworker.domain.models import Building, Outbox
from gridworker.services import register
from gridworker.services.backup import DB_ENTRY, MANIFEST, BadBackup, create_backup, read_manifest, restore_backup
from gridworker.store import keys
from gridworker.store.database import Store

from ..conftest import PASSWORD

PHOTO = b"\xff\xd8\xff\xe0 not really a jpeg, but private: 330106199001011234"
PHOTO_SHA = hashlib.sha256(PHOTO).hexdigest()


def buildings_and_outbox(store: Store) -> tuple[int, int]:
    with store.read() as s:
        return (
            s.scalar(select(func.count()).select_from(Building)),
            s.scalar(select(func.count()).select_from(Outbox).where(Outbox.entity == "building")),
        )


def home_listing(home: Path) -> list[str]:
    return sorted(str(p.relative_to(home)) for p in home.rglob("*"))


@pytest.fixture
def backup_file(account, store, tmp_path) -> Path:
    register.register_building(store, {"name": "1幢", "estate": "翠苑一区"})
    photos.storage.store_file(account.photos_dir, PHOTO_SHA, PHOTO)  # encrypted with the account's photo key
    (account.photos_dir / "stray.txt").write_bytes(b"not a photo file")  # left out of the backup
    out = tmp_path / "out" / "worker.gwbak"
    create_backup(account, store, out)
    return out


def test_backup_while_another_thread_writes_is_a_consistent_snapshot(accounts, account, store, tmp_path):
    written = 0
    stop = threading.Event()
    failure: list[BaseException] = []

    def writer() -> None:
        nonlocal written
        try:
            while not stop.is_set():
                register.register_building(store, {"name": f"{written + 1}幢", "estate": "金桂花园"})
                written += 1
        except BaseException as exc:  # reported by the main thread
            failure.append(exc)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while written < 5 and thread.is_alive():
            thread.join(0.01)
        before = written
        create_backup(account, store, tmp_path / "live.gwbak")
        after = written
        while written < after + 3 and thread.is_alive():
            thread.join(0.01)
    finally:
        stop.set()
        thread.join()
    assert not failure
    restored = restore_backup(accounts, tmp_path / "live.gwbak", PASSWORD, as_name="copy")
    with Store(restored.account.db_path, keys.unwrap(restored.account.info["key"], PASSWORD, b"copy")) as copy:
        records, queued = buildings_and_outbox(copy)
    assert records == queued
    assert before <= records <= after + 1  # +1: a write that committed while the backup started
    assert buildings_and_outbox(store)[0] == written > records


def test_backup_is_encrypted_and_restores_photos_under_a_new_name(accounts, account, backup_file):
    raw = backup_file.read_bytes()
    assert b"not really a jpeg" not in raw and "翠苑一区".encode() not in raw and b"SQLite format 3" not in raw
    manifest = read_manifest(backup_file)
    assert manifest["account"] == "worker" and {f["path"] for f in manifest["files"]} == {
        "gridworker.db", "account.json", f"photos/{PHOTO_SHA[:2]}/{PHOTO_SHA[2:4]}/{PHOTO_SHA}.jpg",
    }
    result = restore_backup(accounts, backup_file, PASSWORD, as_name="laptop2")
    assert result.replaced is None and sorted(accounts.names()) == ["laptop2", "worker"]
    restored_file = photos.path_for(result.account.photos_dir, PHOTO_SHA)
    assert b"not really a jpeg" not in restored_file.read_bytes()  # encrypted on disk again
    _account, st = accounts.open("laptop2", PASSWORD)  # the data key is rewrapped for the new name
    with st, st.read() as s:
        assert [b.estate for b in s.scalars(select(Building))] == ["翠苑一区"]
    assert photos.read_bytes(result.account.photos_dir, PHOTO_SHA) == PHOTO


def test_a_damaged_photo_file_stops_the_backup_with_a_clear_message(account, store, tmp_path):
    photos.storage.store_file(account.photos_dir, PHOTO_SHA, PHOTO)
    path = photos.path_for(account.photos_dir, PHOTO_SHA)
    path.write_bytes(path.read_bytes()[:-3])
    with pytest.raises(GridWorkerError) as refused:
        create_backup(account, store, tmp_path / "b.gwbak")
    assert "damaged" in refused.value.message("en") and "Traceback" not in refused.value.message("en")
    assert not (tmp_path / "b.gwbak").exists()


def test_wrong_password_changes_nothing(accounts, backup_file, gridworker_home):
    before = home_listing(gridworker_home)
    with pytest.raises(WrongPassword):
        restore_backup(accounts, backup_file, "not the password", as_name="other")
    assert home_listing(gridworker_home) == before


def test_truncated_or_altered_files_are_refused(accounts, backup_file, gridworker_home, tmp_path):
    before = home_listing(gridworker_home)
    raw = backup_file.read_bytes()
    truncated = tmp_path / "truncated.gwbak"
    truncated.write_bytes(raw[: len(raw) // 2])
    with zipfile.ZipFile(backup_file) as zf:
        info = zf.getinfo(DB_ENTRY)
    data_at = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    flipped = bytearray(raw)
    flipped[data_at + 5000] ^= 0x01
    altered = tmp_path / "altered.gwbak"
    altered.write_bytes(bytes(flipped))
    not_zip = tmp_path / "notes.gwbak"
    not_zip.write_text("hello")
    for bad in (truncated, altered, not_zip):
        with pytest.raises(BadBackup):
            read_manifest(bad)
        with pytest.raises(BadBackup):
            restore_backup(accounts, bad, PASSWORD, as_name="other")
    assert home_listing(gridworker_home) == before


def test_altered_file_with_a_matching_hash_fails_the_mac(accounts, backup_file, gridworker_home, tmp_path):
    """Someone who also rewrites the manifest's hashes is caught by the MAC once the key is known."""
    with zipfile.ZipFile(backup_file) as zf:
        entries = {name: zf.read(name) for name in zf.namelist()}
    manifest = json.loads(entries.pop(MANIFEST))
    entries.pop(f"photos/{PHOTO_SHA[:2]}/{PHOTO_SHA[2:4]}/{PHOTO_SHA}.jpg")
    manifest["files"] = [f for f in manifest["files"] if not f["path"].startswith("photos/")]
    forged = tmp_path / "forged.gwbak"
    with zipfile.ZipFile(forged, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
        zf.writestr(MANIFEST, json.dumps(manifest))
    read_manifest(forged)  # sizes and hashes agree with the forged manifest
    before = home_listing(gridworker_home)
    with pytest.raises(BadBackup) as err:
        restore_backup(accounts, forged, PASSWORD, as_name="other")
    assert "altered" in err.value.en
    assert home_listing(gridworker_home) == before


def test_existing_account_needs_force_and_is_kept_aside(accounts, account, store, backup_file, gridworker_home):
    register.register_building(store, {"name": "after the backup"})
    store.close()
    with pytest.raises(Refused):
        restore_backup(accounts, backup_file, PASSWORD)
    result = restore_backup(accounts, backup_file, PASSWORD, force=True)
    assert result.replaced is not None and result.replaced.parent == gridworker_home / "replaced"
    assert result.replaced.name.startswith("worker-")
    assert accounts.names() == ["worker"]
    _account, restored = accounts.open("worker", PASSWORD)
    with restored, restored.read() as s:
        assert [b.name for b in s.scalars(select(Building))] == ["1幢"]
    old_key = keys.unwrap(json.loads((result.replaced / "account.json").read_text())["key"], PASSWORD, b"worker")
    with Store(result.replaced / "gridworker.db", old_key) as old, old.read() as s:
        assert sorted(b.name for b in s.scalars(select(Building))) == ["1幢", "after the backup"]


def test_cli_round_trip(accounts, store, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("GRIDWORKER_PASSWORD", PASSWORD)
    register.register_building(store, {"name": "7幢", "estate": "梧桐公寓"})
    out = tmp_path / "cli.gwbak"
    assert main(["--lang", "en", "backup", "-o", str(out)]) == 0
    assert main(["--lang", "en", "backup", "-o", str(out)]) == 1  # no silent overwrite
    assert "--overwrite" in capsys.readouterr().err
    assert main(["--lang", "en", "restore", str(out)]) == 1
    assert "--force" in capsys.readouterr().err
    assert main(["--lang", "en", "restore", str(out), "--as", "copy"]) == 0
    assert "Restored account 'copy'" in capsys.readouterr().out
    _account, copy = accounts.open("copy", PASSWORD)
    with copy, copy.read() as s:
        assert [(b.estate, b.name) for b in s.scalars(select(Building))] == [("梧桐公寓", "7幢")]
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    monkeypatch.setenv("GRIDWORKER_PASSWORD", "wrong password")
    assert main(["--lang", "en", "restore", str(out), "--as", "copy2"]) == 1
    assert "Wrong password" in capsys.readouterr().err
    assert sorted(accounts.names()) == ["copy", "worker"] and hashlib.sha256(out.read_bytes()).hexdigest() == digest


def _with_account_entry(src: Path, dst: Path, change) -> None:
    """A copy of the backup `src` whose account.json went through `change` (manifest size and hash kept true)."""
    with zipfile.ZipFile(src) as zin:
        manifest = json.loads(zin.read(MANIFEST))
        info = json.loads(zin.read("account.json"))
        change(info)
        account_bytes = json.dumps(info).encode()
        for item in manifest["files"]:
            if item["path"] == "account.json":
                item["bytes"], item["sha256"] = len(account_bytes), hashlib.sha256(account_bytes).hexdigest()
        with zipfile.ZipFile(dst, "w") as zout:
            for entry in zin.namelist():
                if entry == MANIFEST:
                    zout.writestr(entry, json.dumps(manifest))
                elif entry == "account.json":
                    zout.writestr(entry, account_bytes)
                else:
                    zout.writestr(entry, zin.read(entry))


@pytest.mark.parametrize(
    "param, value, words",
    [("memory_cost", 2**31, "KiB of memory"), ("time_cost", 2**40, "number of passes"), ("parallelism", 0, "parallelism"),
     ("memory_cost", "65536", "KiB of memory")],
)
def test_a_backup_asking_argon2_for_too_much_is_refused_clearly(
    accounts, backup_file, gridworker_home, tmp_path, capsys, monkeypatch, param, value, words
):
    monkeypatch.setenv("GRIDWORKER_PASSWORD", PASSWORD)
    crafted = tmp_path / "crafted.gwbak"
    _with_account_entry(backup_file, crafted, lambda info: info["key"]["params"].__setitem__(param, value))
    before = home_listing(gridworker_home)
    with pytest.raises(BadBackup) as refused:
        restore_backup(accounts, crafted, PASSWORD, as_name="other")
    assert words in refused.value.message("en") and "Nothing was changed" in refused.value.message("en")
    assert "允许范围" in refused.value.message("zh")
    assert home_listing(gridworker_home) == before
    # The command line says the same, no traceback (it used to end in argon2's HashingError).
    assert main(["--lang", "en", "restore", str(crafted), "--as", "other"]) == 1
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err and "HashingError" not in err


def test_an_account_key_file_asking_argon2_for_too_much_is_refused(accounts, account, store):
    account.info["key"]["params"]["memory_cost"] = 2**31  # 2 TiB
    account.save_info()
    with pytest.raises(keys.BadKeyFile) as refused:
        accounts.open("worker", PASSWORD)
    assert "2147483648 KiB" in refused.value.message("en") and "内存" in refused.value.message("zh")
