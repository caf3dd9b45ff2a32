"""Photos and thumbnails are encrypted in the account folder; damage is reported; older plain files are migrated."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import piexif
import pytest
from PIL import Image

from gridworker import photos
from gridworker.photos import PhotoError, crypto
from gridworker.photos.storage import label_for
from gridworker.store.accounts import PHOTOS_ENCRYPTED

from ..conftest import PASSWORD

JPEG_MAGIC = b"\xff\xd8\xff"


def camera_jpeg(path: Path, seed: int = 0, size=(900, 600)) -> Path:
    """A noisy JPEG with the EXIF a phone writes: place, time, camera."""
    exif = piexif.dump({
        "0th": {piexif.ImageIFD.Make: b"AcmePhone", piexif.ImageIFD.Model: b"X1"},
        "Exif": {piexif.ExifIFD.DateTimeOriginal: b"2026:03:02 09:30:00"},
        "GPS": {piexif.GPSIFD.GPSLatitudeRef: b"N", piexif.GPSIFD.GPSLatitude: ((30, 1), (15, 1), (0, 1)),
                piexif.GPSIFD.GPSLongitudeRef: b"E", piexif.GPSIFD.GPSLongitude: ((120, 1), (9, 1), (0, 1))},
    })  # fmt: skip
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(path, "JPEG", quality=90, exif=exif)
    return path


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


@pytest.fixture
def opened(accounts):
    accounts.create("worker", PASSWORD)
    account, store = accounts.open("worker", PASSWORD)
    yield account, store
    store.close()


def test_no_file_in_the_account_folder_is_a_jpeg_or_holds_exif(opened, tmp_path):
    account, _store = opened
    stored = [photos.import_photo(camera_jpeg(tmp_path / f"p{i}.jpg", i), account.photos_dir) for i in range(3)]
    photo_files = files_under(account.photos_dir)
    assert len(photo_files) == 6  # three photos, three thumbnails
    for path in files_under(account.folder):
        data = path.read_bytes()
        assert not data.startswith(JPEG_MAGIC), path
        assert b"Exif\x00\x00" not in data and b"JFIF" not in data and b"AcmePhone" not in data, path
    for s in stored:  # ...and they read back as the JPEG the server gets, with its hash
        data = photos.read_bytes(account.photos_dir, s.sha256)
        assert data.startswith(JPEG_MAGIC) and hashlib.sha256(data).hexdigest() == s.sha256
        assert photos.photo_size(account.photos_dir, s.sha256) == len(data) == s.bytes
        assert photos.read_bytes(account.photos_dir, s.sha256, thumbnail=True).startswith(JPEG_MAGIC)


def test_the_photo_key_is_derived_not_the_database_key(opened):
    _account, store = opened
    derived = store.derive_key(crypto.FILE_KEY_PURPOSE)
    assert derived != store.key and len(derived) == 32


def _tamperings(path: Path, other: Path):
    """(what was done, new content) for ways a file on disk can be cut or changed."""
    data = path.read_bytes()
    chunk = crypto.CHUNK + crypto.TAG
    header = crypto.HEADER.size
    yield "one bit flipped in the middle", data[: len(data) // 2] + bytes([data[len(data) // 2] ^ 1]) + data[len(data) // 2 + 1 :]
    yield "cut at a chunk boundary", data[: header + chunk]
    yield "cut inside the header", data[:10]
    yield "last chunk dropped", data[: header + chunk * ((len(data) - header) // chunk)]
    yield "a byte added", data + b"\x00"
    yield "chunks swapped", data[:header] + data[header + chunk : header + 2 * chunk] + data[header : header + chunk] + data[header + 2 * chunk :]
    yield "header of another file", other.read_bytes()[:header] + data[header:]
    yield "the thumbnail put in its place", other.read_bytes()
    yield "a plain JPEG put in its place", b"\xff\xd8\xff\xe0" + os.urandom(5000)
    yield "empty", b""


def test_a_cut_or_altered_file_is_reported_never_read_as_good(opened, tmp_path):
    account, _store = opened
    stored = photos.import_photo(camera_jpeg(tmp_path / "p.jpg", size=(1600, 1200)), account.photos_dir)
    path, thumb = photos.path_for(account.photos_dir, stored.sha256), photos.thumb_path_for(account.photos_dir, stored.sha256)
    good = path.read_bytes()
    assert len(good) > crypto.HEADER.size + 3 * (crypto.CHUNK + crypto.TAG)  # several chunks, so the cases mean something
    for what, content in _tamperings(path, thumb):
        path.write_bytes(content)
        with pytest.raises(PhotoError) as caught:
            photos.read_bytes(account.photos_dir, stored.sha256)
        assert caught.value.code == "photo_damaged", what
        assert "damaged" in caught.value.message("en") and "损坏" in caught.value.message("zh")
        assert not photos.verify(account.photos_dir, stored.sha256), what
        with pytest.raises(PhotoError):
            list(photos.iter_chunks(account.photos_dir, stored.sha256))
    path.write_bytes(good)
    assert photos.verify(account.photos_dir, stored.sha256)


def test_another_accounts_key_cannot_read_the_files(accounts, opened, tmp_path):
    account, _store = opened
    stored = photos.import_photo(camera_jpeg(tmp_path / "p.jpg"), account.photos_dir)
    accounts.create("other", PASSWORD)
    other, other_store = accounts.open("other", PASSWORD)
    try:
        path = photos.path_for(other.photos_dir, stored.sha256)
        path.parent.mkdir(parents=True)
        path.write_bytes(photos.path_for(account.photos_dir, stored.sha256).read_bytes())
        with pytest.raises(PhotoError) as caught:
            photos.read_bytes(other.photos_dir, stored.sha256)
        assert caught.value.code == "photo_damaged"
    finally:
        other_store.close()


def _make_plain(account, shas: list[str]) -> None:
    """Turn the account into one an older GridWorker left: plain JPEG files and no 'photos_encrypted' mark."""
    for sha in shas:
        for thumbnail in (False, True):
            path = (photos.thumb_path_for if thumbnail else photos.path_for)(account.photos_dir, sha)
            path.write_bytes(photos.read_bytes(account.photos_dir, sha, thumbnail=thumbnail))
    info = json.loads((account.folder / "account.json").read_text("utf-8"))
    info.pop(PHOTOS_ENCRYPTED, None)
    (account.folder / "account.json").write_text(json.dumps(info), "utf-8")


def test_plain_files_of_an_older_version_are_encrypted_on_first_open(accounts, tmp_path):
    accounts.create("worker", PASSWORD)
    account, store = accounts.open("worker", PASSWORD)
    shas = [photos.import_photo(camera_jpeg(tmp_path / f"p{i}.jpg", i), account.photos_dir).sha256 for i in range(4)]
    originals = {sha: photos.read_bytes(account.photos_dir, sha) for sha in shas}
    _make_plain(account, shas)
    store.close()
    crypto.lock(account.photos_dir)
    assert sum(p.read_bytes().startswith(JPEG_MAGIC) for p in files_under(account.photos_dir)) == 8

    account, store = accounts.open("worker", PASSWORD)
    try:
        assert account.info[PHOTOS_ENCRYPTED] is True
        for path in files_under(account.photos_dir):
            assert not path.read_bytes().startswith(JPEG_MAGIC) and b"AcmePhone" not in path.read_bytes()
        assert {sha: photos.read_bytes(account.photos_dir, sha) for sha in shas} == originals
        assert all(photos.verify(account.photos_dir, sha) for sha in shas)
        before = {p: p.stat().st_mtime_ns for p in files_under(account.photos_dir)}
    finally:
        store.close()
    _account, store = accounts.open("worker", PASSWORD)  # again: nothing to do, nothing rewritten
    store.close()
    assert {p: p.stat().st_mtime_ns for p in files_under(account.photos_dir)} == before


def test_a_migration_killed_midway_loses_nothing_and_the_next_open_finishes_it(accounts, gridworker_home, tmp_path):
    accounts.create("worker", PASSWORD)
    account, store = accounts.open("worker", PASSWORD)
    # Distinct photos, each its own noise (one picture with a different pixel each was not enough: the
    # normalising re-encode sometimes quantised a pixel away, two photos were one, and _make_plain read it twice).
    shas = [photos.import_photo(camera_jpeg(tmp_path / f"p{i}.jpg", size=(300, 200)), account.photos_dir).sha256
            for i in range(120)]
    assert len(set(shas)) == len(shas)
    originals = {sha: (photos.read_bytes(account.photos_dir, sha), photos.read_bytes(account.photos_dir, sha, thumbnail=True)) for sha in shas}
    _make_plain(account, shas)
    store.close()
    crypto.lock(account.photos_dir)

    child = subprocess.Popen(
        [sys.executable, "-c", "import sys; from gridworker.store import AccountManager; "
         "AccountManager(sys.argv[1]).open('worker', sys.argv[2])", str(gridworker_home), PASSWORD],
        env=os.environ | {"PYTHONPATH": os.environ.get("PYTHONPATH", "")},
    )  # fmt: skip
    files = files_under(account.photos_dir)
    first = next(photos.stored_files(account.photos_dir))[0]  # the migration goes in this order
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and child.poll() is None:
            if crypto.is_encrypted(first):
                break
            time.sleep(0.001)
        child.kill()  # SIGKILL (TerminateProcess on Windows): no clean-up runs
    finally:
        child.wait()
    encrypted = sum(crypto.is_encrypted(p) for p in files)
    assert 0 < encrypted < len(files), f"the kill came at {encrypted} of {len(files)}: not midway"
    assert PHOTOS_ENCRYPTED not in json.loads((account.folder / "account.json").read_text("utf-8"))

    account, store = accounts.open("worker", PASSWORD)
    try:
        assert account.info[PHOTOS_ENCRYPTED] is True
        assert not any(p.read_bytes().startswith(JPEG_MAGIC) for p in files_under(account.photos_dir))
        for sha, (photo, thumb) in originals.items():
            assert photos.read_bytes(account.photos_dir, sha) == photo
            assert photos.read_bytes(account.photos_dir, sha, thumbnail=True) == thumb
    finally:
        store.close()
    photos.sweep_temp_files(account.photos_dir, older_than_s=0)
    assert len(files_under(account.photos_dir)) == 2 * len(shas)


def test_a_locked_folder_is_refused_before_any_work(tmp_path):
    with pytest.raises(PhotoError) as caught:
        photos.import_photo(camera_jpeg(tmp_path / "p.jpg"), tmp_path / "nobody")
    assert caught.value.code == "photos_locked"
    assert not (tmp_path / "nobody").exists()


def test_stream_format_round_trips_at_every_chunk_edge(tmp_path):
    key = os.urandom(32)
    path = tmp_path / "f"
    for size in (0, 1, 99, 100, 101, 199, 200, 201, 1000):
        data = os.urandom(size)
        sealed = b"".join(crypto.encrypt_stream([data[:7], data[7:]], key, label_for("x" * 64, False), chunk=100))
        assert len(sealed) == crypto.encrypted_size(size, 100)
        path.write_bytes(sealed)
        assert b"".join(crypto.decrypt_file(path, key, label_for("x" * 64, False))) == data
        assert crypto.plain_size(path, "photo") == size
        with pytest.raises(PhotoError):  # bound to its label: not readable as the thumbnail
            b"".join(crypto.decrypt_file(path, key, label_for("x" * 64, True)))
