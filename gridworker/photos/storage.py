"""Content-addressed photo files: photos_dir/ab/cd/<sha256>.jpg, thumbnails under photos_dir/thumbs/.

A file is only ever visible under its final name once it is whole and on disk
(temporary file in the same folder, fsync, rename, fsync of the folder). The
name of every file is the SHA-256 of the photo's bytes, checked to be 64
lowercase hex characters before it becomes part of a path, so no id that
arrives from outside can point anywhere else.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from PIL import Image

from . import errors
from .normalise import THUMB_LONG_EDGE

THUMBS = "thumbs"
SUFFIX = ".jpg"
TEMP_SUFFIX = ".tmp"
CHUNK = 1024 * 1024
_SHA256 = re.compile(r"[0-9a-f]{64}")


def check_sha256(value: object) -> str:
    """The value itself if it is 64 lowercase hex characters; PhotoError `invalid_sha256` otherwise."""
    if not isinstance(value, str) or not _SHA256.fullmatch(value):
        raise errors.invalid_sha256(value)
    return value


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def path_for(photos_dir: str | os.PathLike[str], sha256: str) -> Path:
    sha256 = check_sha256(sha256)
    return Path(photos_dir) / sha256[:2] / sha256[2:4] / f"{sha256}{SUFFIX}"


def thumb_path_for(photos_dir: str | os.PathLike[str], sha256: str) -> Path:
    """Where the thumbnail of the photo `sha256` lives (named after the photo, not after its own bytes)."""
    sha256 = check_sha256(sha256)
    return Path(photos_dir) / THUMBS / sha256[:2] / sha256[2:4] / f"{sha256}{SUFFIX}"


def has_photo(photos_dir: str | os.PathLike[str], sha256: str) -> bool:
    return path_for(photos_dir, sha256).is_file()


def has_thumbnail(photos_dir: str | os.PathLike[str], sha256: str) -> bool:
    return thumb_path_for(photos_dir, sha256).is_file()


def verify(photos_dir: str | os.PathLike[str], sha256: str) -> bool:
    """True if the stored photo is there and its bytes still hash to its name."""
    path = path_for(photos_dir, sha256)
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            while block := f.read(CHUNK):
                digest.update(block)
    except FileNotFoundError:
        return False
    return digest.hexdigest() == sha256


def read_bytes(photos_dir: str | os.PathLike[str], sha256: str, *, thumbnail: bool = False) -> bytes:
    path = (thumb_path_for if thumbnail else path_for)(photos_dir, sha256)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise errors.photo_missing(sha256) from None


def photo_size(photos_dir: str | os.PathLike[str], sha256: str) -> int:
    """Bytes of the stored photo: the `total` of an upload's Content-Range."""
    try:
        return path_for(photos_dir, sha256).stat().st_size
    except FileNotFoundError:
        raise errors.photo_missing(sha256) from None


def open_for_upload(photos_dir: str | os.PathLike[str], sha256: str) -> BinaryIO:
    """The stored photo opened for reading (binary); the caller closes it."""
    try:
        return open(path_for(photos_dir, sha256), "rb")
    except FileNotFoundError:
        raise errors.photo_missing(sha256) from None


def iter_chunks(
    photos_dir: str | os.PathLike[str], sha256: str, start: int = 0, chunk_size: int = CHUNK
) -> Iterator[tuple[int, bytes]]:
    """(offset, bytes) pieces of the stored photo from `start` to the end: resuming an upload at `received`."""
    if start < 0 or chunk_size < 1:
        raise ValueError("start must be >= 0 and chunk_size >= 1")
    with open_for_upload(photos_dir, sha256) as f:
        f.seek(start)
        offset = start
        while block := f.read(chunk_size):
            yield offset, block
            offset += len(block)


def save_bytes(
    data: bytes, photos_dir: str | os.PathLike[str], expected_sha256: str, *, thumbnail: bool = False
) -> Path:
    """Store bytes received from the server, atomically; returns the final path.

    A photo must hash to `expected_sha256` (PhotoError `hash_mismatch` otherwise,
    and nothing is written). A thumbnail is stored under the photo's hash, so it
    cannot be checked by hash: it must instead decode as a whole JPEG no larger
    than the thumbnail size.
    """
    expected_sha256 = check_sha256(expected_sha256)
    if thumbnail:
        _check_thumbnail(data, expected_sha256)
        path = thumb_path_for(photos_dir, expected_sha256)
    else:
        actual = sha256_of(data)
        if actual != expected_sha256:
            raise errors.hash_mismatch(expected_sha256, actual)
        path = path_for(photos_dir, expected_sha256)
    store_file(path, data)
    return path


def _check_thumbnail(data: bytes, sha256: str) -> None:
    if not data.startswith(b"\xff\xd8\xff"):
        raise errors.bad_thumbnail(sha256, "not a JPEG")
    try:
        with Image.open(io.BytesIO(data), formats=["JPEG"]) as img:
            if max(img.size) > THUMB_LONG_EDGE:
                raise errors.bad_thumbnail(sha256, f"{img.size[0]}×{img.size[1]} px")
            img.load()
    except errors.PhotoError:
        raise
    except Exception as exc:  # truncated download or garbage after a JPEG marker
        raise errors.bad_thumbnail(sha256, str(exc)[:200] or type(exc).__name__) from exc


def store_file(path: Path, data: bytes) -> None:
    """Put `data` at `path` unless the same content is already there; never a partial file under `path`."""
    try:
        if path.stat().st_size == len(data):
            return  # content-addressed: same name and size is the same file
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, data)


def write_atomic(path: Path, data: bytes) -> None:
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}")
    try:
        with open(temp, "xb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable. Windows cannot open a folder for fsync (and does not need it)."""
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sweep_temp_files(photos_dir: str | os.PathLike[str], older_than_s: float = 3600.0) -> int:
    """Remove temporary files a crash left behind (older than `older_than_s`); returns how many."""
    root = Path(photos_dir)
    if not root.is_dir():
        return 0
    cutoff = time.time() - older_than_s
    removed = 0
    for temp in root.rglob(f".*{TEMP_SUFFIX}"):
        try:
            if temp.is_file() and temp.stat().st_mtime < cutoff:
                temp.unlink()
                removed += 1
        except FileNotFoundError:
            pass  # another process swept it first
    return removed
