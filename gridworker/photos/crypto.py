"""Photo files encrypted at rest: streaming AES-256-GCM, chunk by chunk, each chunk authenticated.

A photo or thumbnail file on disk is

    header   b"GWPE" | version (1 byte) | chunk size (4 bytes, big-endian) | salt (16 bytes)
    chunks   AES-256-GCM of each `chunk size` bytes of the JPEG, then of the rest
             (0 to chunk size - 1 bytes: the last chunk is always shorter than
             the others, so a file cut at a chunk boundary is seen as cut)

The key of a file is HKDF-SHA256(the account's photo key, salt) and each chunk's
nonce is its index and a "last chunk" flag; the associated data is the header,
the file's label ("photo:<sha256>" or "thumb:<sha256>"), the index and the flag.
So a chunk cannot be changed, dropped, reordered, moved to another file or
turned into the last one without the read failing (PhotoError `photo_damaged`),
and no more than one chunk is ever in memory.

The account's photo key is derived from its data key (`FILE_KEY_PURPOSE`, HKDF,
never the SQLCipher key itself). Opening an account unlocks its photos folder
(`unlock`); every read and write of a photo file looks its key up by folder.
"""

from __future__ import annotations

import os
import secrets
import struct
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from . import errors

MAGIC = b"GWPE"
VERSION = 1
SALT_BYTES = 16
HEADER = struct.Struct(">4sBI16s")  # magic, version, chunk size, salt
TAG = 16
CHUNK = 64 * 1024
MAX_CHUNK = 16 * 1024 * 1024
FILE_KEY_PURPOSE = b"gridworker photo files v1"
TEMP_SUFFIX = ".tmp"
_CHUNK_KEY_INFO = b"gridworker photo file key v1"

_keys: dict[str, bytes] = {}
_lock = threading.Lock()


# -- which key a photos folder has -------------------------------------------------------
def _folder_id(photos_dir: str | os.PathLike[str]) -> str:
    return os.path.normcase(str(Path(photos_dir).resolve()))


def unlock(photos_dir: str | os.PathLike[str], key: bytes) -> None:
    """From now on photo files under `photos_dir` are written and read with `key` (32 bytes) in this process."""
    if len(key) != 32:
        raise ValueError("a photo key has 32 bytes")
    with _lock:
        _keys[_folder_id(photos_dir)] = bytes(key)


def lock(photos_dir: str | os.PathLike[str]) -> None:
    with _lock:
        _keys.pop(_folder_id(photos_dir), None)


def key_for(photos_dir: str | os.PathLike[str]) -> bytes:
    """The key `unlock` gave this folder; PhotoError `photos_locked` if none (the account is not open here)."""
    with _lock:
        key = _keys.get(_folder_id(photos_dir))
    if key is None:
        raise errors.photos_locked()
    return key


# -- sizes -------------------------------------------------------------------------------
def encrypted_size(plain_size: int, chunk: int = CHUNK) -> int:
    return HEADER.size + (plain_size // chunk) * (chunk + TAG) + plain_size % chunk + TAG


def plain_size(path: Path, label: str) -> int:
    """Bytes of the JPEG inside the encrypted file `path`, from its size (no decryption); photo_damaged if impossible."""
    with open(path, "rb") as f:
        chunk = _read_header(f, label)[0]
        size = os.fstat(f.fileno()).st_size
    body = size - HEADER.size - TAG
    if body < 0:
        raise errors.photo_damaged(label)
    full, rest = divmod(body, chunk + TAG)
    if rest >= chunk:
        raise errors.photo_damaged(label)
    return full * chunk + rest


def is_encrypted(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(len(MAGIC)) == MAGIC


# -- one file -----------------------------------------------------------------------------
def _file_key(key: bytes, salt: bytes) -> AESGCM:
    return AESGCM(HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=_CHUNK_KEY_INFO).derive(key))


def _nonce(index: int, last: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def _aad(header: bytes, label: str, index: int, last: bool) -> bytes:
    return header + label.encode("utf-8") + b"\x00" + _nonce(index, last)


def encrypt_stream(blocks: Iterable[bytes], key: bytes, label: str, chunk: int = CHUNK) -> Iterator[bytes]:
    """The encrypted file, piece by piece, for plain `blocks` of any sizes."""
    salt = secrets.token_bytes(SALT_BYTES)
    header = HEADER.pack(MAGIC, VERSION, chunk, salt)
    aead = _file_key(key, salt)
    yield header
    pending = bytearray()
    index = 0
    for block in blocks:
        pending += block
        while len(pending) >= chunk:
            piece = bytes(pending[:chunk])
            del pending[:chunk]
            yield aead.encrypt(_nonce(index, False), piece, _aad(header, label, index, False))
            index += 1
    yield aead.encrypt(_nonce(index, True), bytes(pending), _aad(header, label, index, True))


def _read_header(f, label: str) -> tuple[int, bytes, bytes]:
    header = f.read(HEADER.size)
    if len(header) != HEADER.size:
        raise errors.photo_damaged(label)
    magic, version, chunk, salt = HEADER.unpack(header)
    if magic != MAGIC or version != VERSION or not 1 <= chunk <= MAX_CHUNK:
        raise errors.photo_damaged(label)
    return chunk, salt, header


def decrypt_file(path: Path, key: bytes, label: str) -> Iterator[bytes]:
    """The JPEG inside `path`, chunk by chunk; PhotoError `photo_damaged` at the first sign of change or truncation.

    FileNotFoundError is left to the caller (a missing photo is not a damaged one).
    """
    with open(path, "rb") as f:
        chunk, salt, header = _read_header(f, label)
        aead = _file_key(key, salt)
        index = 0
        while True:
            sealed = f.read(chunk + TAG)
            last = len(sealed) < chunk + TAG
            try:
                plain = aead.decrypt(_nonce(index, last), sealed, _aad(header, label, index, last))
            except (InvalidTag, ValueError):
                raise errors.photo_damaged(label) from None
            yield plain
            if last:
                if f.read(1):
                    raise errors.photo_damaged(label)
                return
            index += 1


def write_file(path: Path, blocks: Iterable[bytes], key: bytes, label: str) -> None:
    """Encrypt `blocks` into `path` atomically: a temp file beside it, fsync, rename, fsync of the folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    _put(_write_temp(path, blocks, key, label), path)


def encrypt_in_place(path: Path, key: bytes, label: str) -> None:
    """Replace the plain file `path` by its encryption, streaming; the plain file stays whole until the rename."""
    with open(path, "rb") as src:
        temp = _write_temp(path, iter(lambda: src.read(CHUNK), b""), key, label)
    _put(temp, path)  # after closing the source: Windows does not rename over an open file


def _write_temp(path: Path, blocks: Iterable[bytes], key: bytes, label: str) -> Path:
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}")
    try:
        with open(temp, "xb") as f:
            for piece in encrypt_stream(blocks, key, label):
                f.write(piece)
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def _put(temp: Path, path: Path) -> None:
    try:
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def fsync_dir(folder: Path) -> None:
    """Make a rename durable. Windows cannot open a folder for fsync (and does not need it)."""
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
