"""Content-addressed photo files: photos_dir/ab/cd/<sha256>.jpg, thumbnails under photos_dir/thumbs/.

Every file is encrypted with the account's photo key (crypto.py: streaming
AES-256-GCM), so the ".jpg" on disk holds no JPEG, no EXIF and no pixels. The
name is the SHA-256 of the plain, normalised JPEG: what the server stores and
checks. Everything that reads a stored photo (thumbnails, the viewer, the
upload, backups) goes through `read_chunks`, which decrypts one chunk at a
time and raises PhotoError `photo_damaged` for a cut or altered file.

A file is only ever visible under its final name once it is whole and on disk
(temporary file in the same folder, fsync, rename, fsync of the folder). The
name of every file is checked to be 64 lowercase hex characters before it
becomes part of a path, so no id that arrives from outside can point anywhere
else.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path


from . import crypto, errors
from .crypto import TEMP_SUFFIX

THUMBS = "thumbs"
SUFFIX = ".jpg"
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


def label_for(sha256: str, thumbnail: bool) -> str:
    """What a file's encryption is bound to: which photo, and whether it is the thumbnail."""
    return f"{'thumb' if thumbnail else 'photo'}:{sha256}"


def read_chunks(photos_dir: str | os.PathLike[str], sha256: str, *, thumbnail: bool = False) -> Iterator[bytes]:
    """The one way to read a stored photo or thumbnail: its plain JPEG, chunk by chunk (never whole in memory).

    PhotoError `photo_missing` if the file is not there, `photo_damaged` as soon
    as a chunk fails its check (cut short, altered, or another file's), and
    `photos_locked` if the account owning `photos_dir` is not open in this process.
    """
    path = (thumb_path_for if thumbnail else path_for)(photos_dir, sha256)
    key = crypto.key_for(photos_dir)
    try:
        yield from crypto.decrypt_file(path, key, label_for(sha256, thumbnail))
    except FileNotFoundError:
        raise errors.photo_missing(sha256) from None


def read_bytes(photos_dir: str | os.PathLike[str], sha256: str, *, thumbnail: bool = False) -> bytes:
    """The whole plain JPEG (photos are at most a few MB once normalised; thumbnails a few KB)."""
    return b"".join(read_chunks(photos_dir, sha256, thumbnail=thumbnail))


def verify(photos_dir: str | os.PathLike[str], sha256: str) -> bool:
    """True if the stored photo is there, decrypts whole and its bytes still hash to its name."""
    digest = hashlib.sha256()
    try:
        for block in read_chunks(photos_dir, sha256):
            digest.update(block)
    except errors.PhotoError as exc:
        if exc.code in ("photo_missing", "photo_damaged"):
            return False
        raise
    return digest.hexdigest() == sha256


def photo_size(photos_dir: str | os.PathLike[str], sha256: str) -> int:
    """Bytes of the stored photo's JPEG: the `total` of an upload's Content-Range."""
    try:
        return crypto.plain_size(path_for(photos_dir, sha256), label_for(sha256, False))
    except FileNotFoundError:
        raise errors.photo_missing(sha256) from None


def iter_chunks(
    photos_dir: str | os.PathLike[str], sha256: str, start: int = 0, chunk_size: int = CHUNK
) -> Iterator[tuple[int, bytes]]:
    """(offset, bytes) pieces of the stored photo's JPEG from `start` to the end: resuming an upload at `received`."""
    if start < 0 or chunk_size < 1:
        raise ValueError("start must be >= 0 and chunk_size >= 1")
    offset = start  # of the first byte in `pending`
    pending = bytearray()
    pos = 0  # of the end of the blocks read so far
    for block in read_chunks(photos_dir, sha256):
        block_start, pos = pos, pos + len(block)
        if pos <= start:
            continue
        pending += block[max(0, start - block_start) :]
        while len(pending) >= chunk_size:
            yield offset, bytes(pending[:chunk_size])
            del pending[:chunk_size]
            offset += chunk_size
    if pending:
        yield offset, bytes(pending)


def save_bytes(
    data: bytes, photos_dir: str | os.PathLike[str], expected_sha256: str, *, thumbnail: bool = False
) -> Path:
    """Store bytes received from the server, atomically and encrypted; returns the final path.

    A photo must hash to `expected_sha256` (PhotoError `hash_mismatch` otherwise,
    and nothing is written). A thumbnail is stored under the photo's hash, so it
    cannot be checked by hash: it must instead decode as a whole JPEG no larger
    than the thumbnail size.
    """
    expected_sha256 = check_sha256(expected_sha256)
    if thumbnail:
        _check_thumbnail(data, expected_sha256)
    else:
        actual = sha256_of(data)
        if actual != expected_sha256:
            raise errors.hash_mismatch(expected_sha256, actual)
    return store_file(photos_dir, expected_sha256, data, thumbnail=thumbnail)


def _check_thumbnail(data: bytes, sha256: str) -> None:
    from PIL import Image  # here, not at the top: a sync with no thumbnail to check does not load Pillow

    from .normalise import THUMB_LONG_EDGE

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


def store_file(photos_dir: str | os.PathLike[str], sha256: str, data: bytes, *, thumbnail: bool = False) -> Path:
    """Put `data` (a plain JPEG) encrypted at its place unless the same content is already there; never a partial file."""
    path = (thumb_path_for if thumbnail else path_for)(photos_dir, sha256)
    key = crypto.key_for(photos_dir)
    try:
        if crypto.plain_size(path, label_for(sha256, thumbnail)) == len(data):
            return path  # content-addressed: same name and size is the same file
    except (FileNotFoundError, errors.PhotoError):
        pass  # not there, or not a file of ours: write it
    crypto.write_file(path, [data], key, label_for(sha256, thumbnail))
    return path


def stored_files(photos_dir: str | os.PathLike[str]) -> Iterator[tuple[Path, str, bool]]:
    """(path, sha256, thumbnail?) of every photo and thumbnail file in the folder's layout; temp files and strays left out."""
    root = Path(photos_dir)
    for base, thumbnail in ((root, False), (root / THUMBS, True)):
        if not base.is_dir():
            continue
        for path in sorted(base.glob(f"[0-9a-f][0-9a-f]/[0-9a-f][0-9a-f]/*{SUFFIX}")):
            sha = path.name[: -len(SUFFIX)]
            if _SHA256.fullmatch(sha) and path.parent.name == sha[2:4] and path.parent.parent.name == sha[:2] and path.is_file():
                yield path, sha, thumbnail


def encrypt_plain_files(photos_dir: str | os.PathLike[str]) -> int:
    """Encrypt in place every photo file an older GridWorker left as a plain JPEG; returns how many.

    Idempotent and crash-safe: each file is read in chunks, written encrypted
    to a temp file beside it, fsynced and renamed over the plain one, so at any
    moment a file is either the old plain JPEG or the whole encrypted one, and
    a run cut short (even by SIGKILL) is finished by the next.
    """
    key = crypto.key_for(photos_dir)
    done = 0
    for path, sha, thumbnail in list(stored_files(photos_dir)):
        try:
            if crypto.is_encrypted(path):
                continue
            crypto.encrypt_in_place(path, key, label_for(sha, thumbnail))
        except FileNotFoundError:
            continue  # removed meanwhile (sync evicted it)
        done += 1
    return done


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
