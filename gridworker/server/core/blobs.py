"""Photo blobs on disk: content-addressed, uploaded in resumable chunks, checked by SHA-256, thumbnailed.

Layout under the data folder (never a name a client chose: every path is
built from a hash checked to be 64 lowercase hex characters, and a user id
the server made):

    blobs/ab/cd/<sha256>                 whole, checked files
    blobs/thumbs/ab/cd/<sha256>.jpg      thumbnails, made on first request
    blobs/uploads/<sha256>/<user>-<total>.part   uploads in progress, one per user

A chunk is appended under an exclusive lock on the part file (flock; on
Windows a byte-range lock), so two requests for the same upload cannot
interleave, whichever server process or host (over a shared mount) they
reach; `received` is the size of the part file. After the last chunk the part
is fsynced and hashed: a mismatch is deleted (422 hash_mismatch); a match is
first registered in the database (`register`, which waits for a collection
that is deleting the same blob to commit, blob_usage.collect) and only then
renamed into place (atomic, directory fsynced) — so a collection never
deletes a file that an upload has just put back.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import secrets
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None
    import msvcrt

from PIL import Image, ImageOps

from .errors import ApiError, bad_request, too_large

SHA256 = re.compile(r"[0-9a-f]{64}")
RANGE = re.compile(r"bytes (\d{1,12})-(\d{1,12})/(\d{1,12})")
THUMB_LONG_EDGE = 320
THUMB_QUALITY = 80
MAX_PIXELS = 1024 * 1024 * 1024 // 4 // 3  # Pillow's own default bomb limit, kept even if someone changes Pillow's
READ_BLOCK = 1024 * 1024
# Every photo a client sends is normalised to JPEG first (photos.import_photo): a blob that does not start like one
# is refused at completion, so it never reaches another device as a photo nobody can show.
JPEG_MAGIC = b"\xff\xd8\xff"


def check_hash(value: str) -> str:
    if not SHA256.fullmatch(value or ""):
        raise bad_request(
            "bad_hash",
            "照片哈希应为64位小写十六进制字符",
            "A blob hash is 64 lowercase hexadecimal characters",
            {"sha256": (value or "")[:80]},
        )
    return value


@dataclass(frozen=True)
class ContentRange:
    start: int
    end: int  # inclusive
    total: int


def parse_range(header: str | None, body_len: int, max_blob: int) -> ContentRange:
    m = RANGE.fullmatch((header or "").strip())
    if not m:
        raise bad_request(
            "bad_range",
            "缺少或无效的 Content-Range（应为 bytes 起-止/总数）",
            "Content-Range is missing or invalid (expected: bytes start-end/total)",
            {"content_range": (header or "")[:100]},
        )
    start, end, total = (int(g) for g in m.groups())
    if total > max_blob:
        raise too_large("blob", max_blob)
    if not (start <= end < total) or end - start + 1 != body_len:
        raise bad_request(
            "bad_range",
            f"Content-Range 与数据长度不符（收到 {body_len} 字节）",
            f"Content-Range does not match the chunk (received {body_len} bytes)",
            {"content_range": header, "chunk_bytes": body_len},
        )
    return ContentRange(start, end, total)


class BlobStore:
    def __init__(self, root: Path):
        self.root = Path(root)

    def path(self, sha: str) -> Path:
        sha = check_hash(sha)
        return self.root / sha[:2] / sha[2:4] / sha

    def thumb_path(self, sha: str) -> Path:
        sha = check_hash(sha)
        return self.root / "thumbs" / sha[:2] / sha[2:4] / f"{sha}.jpg"

    def _upload_dir(self, sha: str) -> Path:
        return self.root / "uploads" / check_hash(sha)

    def has(self, sha: str) -> bool:
        return self.path(sha).is_file()

    def size(self, sha: str) -> int:
        return self.path(sha).stat().st_size

    def _part(self, sha: str, user_id: str) -> Path | None:
        folder = self._upload_dir(sha)
        if not folder.is_dir():
            return None
        return next(iter(sorted(folder.glob(f"{user_id}-*.part"))), None)

    def received(self, sha: str, user_id: str) -> int:
        part = self._part(sha, user_id)
        return part.stat().st_size if part else 0

    def put_chunk(
        self, sha: str, user_id: str, rng: ContentRange, data: bytes, register: Callable[[], None] | None = None
    ) -> tuple[int, bool]:
        """Append a chunk; returns (received, complete). Raises ApiError on a wrong range or a bad hash.

        `register` runs once the whole file is checked, before it is put in place (see the module doc)."""
        folder = self._upload_dir(sha)
        folder.mkdir(parents=True, exist_ok=True)
        existing = self._part(sha, user_id)
        part = folder / f"{user_id}-{rng.total}.part"
        if existing is not None and existing != part:
            if rng.start != 0:
                raise _range_mismatch(existing.stat().st_size, "total")
            existing.unlink(missing_ok=True)  # a new upload of the same hash with another size: start over
        with open(part, "ab") as f:
            _lock(f)
            try:
                have = os.fstat(f.fileno()).st_size
                if rng.start == 0 and have:
                    f.truncate(0)  # the client starts over
                    have = 0
                if rng.start != have:
                    raise _range_mismatch(have, "start")
                f.write(data)
                f.flush()
                received = have + len(data)
                if received < rng.total:
                    return received, False
                os.fsync(f.fileno())
                self._finish(sha, part, register)
                return received, True
            finally:
                _unlock(f)

    def _finish(self, sha: str, part: Path, register: Callable[[], None] | None = None) -> None:
        digest = hashlib.sha256()
        with open(part, "rb") as f:
            head = f.read(len(JPEG_MAGIC))
            digest.update(head)
            while block := f.read(READ_BLOCK):
                digest.update(block)
        actual = digest.hexdigest()
        if actual != sha:
            part.unlink(missing_ok=True)
            raise ApiError(
                422,
                "hash_mismatch",
                "上传内容的 SHA-256 与地址中的哈希不符，已丢弃，请重新上传",
                "The uploaded bytes do not hash to the SHA-256 in the address; they were discarded: upload again",
                {"expected": sha, "actual": actual},
            )
        if head != JPEG_MAGIC:
            part.unlink(missing_ok=True)
            raise ApiError(
                422,
                "not_a_jpeg",
                "上传的文件不是 JPEG 照片，服务器只接收 JPEG 照片；上传内容已丢弃",
                "The uploaded file is not a JPEG photo (the server takes JPEG photos only); it was discarded",
                {"field": "body", "expected": "image/jpeg"},
            )
        if register is not None:
            register()
        final = self.path(sha)
        final.parent.mkdir(parents=True, exist_ok=True)
        if final.exists():
            part.unlink(missing_ok=True)  # someone else finished the same file first
        else:
            os.replace(part, final)
            _fsync_dir(final.parent)
        try:
            part.parent.rmdir()
        except OSError:
            pass  # another user's upload of the same file is still there

    def sweep_uploads(self, older_than_s: float = 7 * 24 * 3600) -> int:
        """Delete uploads nobody has continued for a week (a device that never came back); returns how many."""
        cutoff = time.time() - older_than_s
        removed = 0
        for part in (self.root / "uploads").glob("*/*.part"):
            try:
                if part.stat().st_mtime < cutoff:
                    part.unlink()
                    removed += 1
                    part.parent.rmdir()
            except OSError:
                pass  # gone already, or the folder still holds another user's upload
        return removed

    def unfinished(self) -> dict[str, dict[str, int]]:
        """user id → {hash: bytes} of every upload in progress."""
        out: dict[str, dict[str, int]] = {}
        for part in (self.root / "uploads").glob("*/*.part"):
            user_id = part.stem.rsplit("-", 1)[0]
            try:
                size = part.stat().st_size
            except OSError:
                continue  # finished or swept meanwhile
            out.setdefault(user_id, {})[part.parent.name] = size
        return out

    def unfinished_of(self, user_id: str) -> dict[str, int]:
        """{hash: bytes} of this user's uploads in progress."""
        out = {}
        for part in (self.root / "uploads").glob(f"*/{user_id}-*.part"):
            try:
                out[part.parent.name] = part.stat().st_size
            except OSError:
                pass
        return out

    def free_bytes(self) -> int:
        return shutil.disk_usage(self.root).free

    def remove(self, sha: str) -> int:
        """Delete a whole blob and its thumbnail; returns the bytes freed."""
        freed = 0
        for path in (self.path(sha), self.thumb_path(sha)):
            try:
                freed += path.stat().st_size
                path.unlink()
            except OSError:
                pass  # gone already
        return freed

    def thumbnail(self, sha: str) -> Path:
        """The thumbnail file (long edge 320 px, JPEG), made on first request."""
        thumb = self.thumb_path(sha)
        if thumb.is_file():
            return thumb
        try:
            with Image.open(self.path(sha)) as img:
                if img.size[0] * img.size[1] > MAX_PIXELS:
                    raise ValueError("too many pixels")
                img.draft("RGB", (THUMB_LONG_EDGE, THUMB_LONG_EDGE))
                img = ImageOps.exif_transpose(img).convert("RGB")
                img.thumbnail((THUMB_LONG_EDGE, THUMB_LONG_EDGE))
                out = io.BytesIO()
                img.save(out, "JPEG", quality=THUMB_QUALITY)
        except Exception as exc:  # Pillow raises many types for files it cannot read
            raise ApiError(
                422, "not_an_image", "该文件不是可读取的图片，无法生成缩略图", "The blob is not a readable image: no thumbnail"
            ) from exc
        thumb.parent.mkdir(parents=True, exist_ok=True)
        temp = thumb.with_name(f".{thumb.name}.{secrets.token_hex(4)}.tmp")
        with open(temp, "wb") as f:
            f.write(out.getvalue())
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, thumb)  # another process making the same thumbnail at once: either file is whole
        return thumb


def _range_mismatch(received: int, what: str) -> ApiError:
    return ApiError(
        409,
        "range_mismatch",
        f"分块位置不对：服务器已收到 {received} 字节，请从该位置继续",
        f"The chunk does not continue the upload: the server has {received} bytes, resume from there",
        {"received": received, "mismatch": what},
    )


def _lock(f) -> None:
    """Exclusive lock on an open part file, held across processes (and hosts, on a mount that supports locks)."""
    if fcntl is not None:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)
    else:
        f.seek(0)
        msvcrt.locking(f.fileno(), msvcrt.LK_LOCK, 1)


def _unlock(f) -> None:
    if fcntl is not None:
        fcntl.flock(f.fileno(), fcntl.LOCK_UN)
    else:
        f.seek(0)
        msvcrt.locking(f.fileno(), msvcrt.LK_UNLCK, 1)


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":
        return  # Windows cannot open a folder to fsync it; NTFS journals the rename
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
