"""Photos sent from a phone: checked, read and stored with the app's photo pipeline (gridworker.photos).

The browser sends each picture made smaller on a canvas, with the
original's EXIF segment put back in (app.js); a browser without JavaScript
sends the camera's file. Either way the server tells the format from the
bytes (a text file called .jpg is refused), reads the capture time and GPS
from the EXIF, and keeps only a normalised JPEG: upright, no metadata.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from ...photos import exif, normalise
from ...photos.errors import PhotoError
from ...photos.formats import HEADER_BYTES, sniff
from ..core.blobs import BlobStore, ContentRange
from ..core.schema import blob_uploaders, blobs
from .residents import WebError

MAX_PHOTO_BYTES = 8 * 1024 * 1024  # one picture as sent (the browser sends ~0.5 MB after resizing)
MAX_PHOTOS = 3
MIB = 1024 * 1024
WEB_UPLOAD_BYTES = MAX_PHOTOS * MAX_PHOTO_BYTES + 256 * 1024  # a whole form of the phone pages


@dataclass(frozen=True)
class Upload:
    sha256: str
    data: bytes
    width: int
    height: int
    taken_at: datetime | None
    lat: float | None
    lon: float | None


def limit_text(limit: int = MAX_PHOTO_BYTES) -> str:
    return f"{limit // MIB} MB"


def read_photo(data: bytes, name: str, *, resized: bool) -> Upload:
    """One uploaded picture as the normalised JPEG to keep; WebError naming it when it is no photo or too big."""
    shown = (name or "photo")[:60]
    if len(data) > MAX_PHOTO_BYTES:
        raise WebError("photo_too_big", "photo", 413, name=shown, limit=limit_text())
    try:
        fmt = sniff(data[:HEADER_BYTES], shown)
        with normalise.open_image(data, fmt, shown) as img:
            tags = img.getexif()
            where = exif.gps(tags)
            taken = exif.capture_time(tags)
            # The canvas drew the picture upright already: its copied EXIF orientation must not turn it again.
            turn = 1 if resized else exif.orientation(tags)
            normalise.decode(img, shown)
            upright = normalise.normalise(img, turn)
            jpeg = normalise.encode_jpeg(upright, normalise.JPEG_QUALITY)
            width, height = upright.size
    except PhotoError:
        raise WebError("not_a_photo", "photo", name=shown) from None
    return Upload(hashlib.sha256(jpeg).hexdigest(), jpeg, width, height, taken, *(where or (None, None)))


def check_room(store: BlobStore, min_free_bytes: int, uploads: list[Upload]) -> None:
    """WebError 507 when keeping these photos would take the disk below its floor (as blob_usage.check_upload
    refuses every other upload: the API's /photos, the desktops')."""
    size = sum(len(u.data) for u in uploads if not store.has(u.sha256))
    if size and store.free_bytes() - size < min_free_bytes:
        raise WebError("storage_full", "photo", 507)


def keep(conn: Connection, store: BlobStore, user_id: str, upload: Upload) -> None:
    """Store the JPEG as a blob this user uploaded (so their photo record may name it)."""
    if not store.has(upload.sha256):
        size = len(upload.data)
        store.put_chunk(upload.sha256, user_id, ContentRange(0, size - 1, size), upload.data)
    dialect_insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    conn.execute(dialect_insert(blobs).values(sha256=upload.sha256, size=len(upload.data), created_at=time.time()).on_conflict_do_nothing())
    conn.execute(dialect_insert(blob_uploaders).values(sha256=upload.sha256, user_id=user_id).on_conflict_do_nothing())


def too_large_page(scope, limit: int):
    """The page for a form over WEB_UPLOAD_BYTES, refused before anything of it is read (api.app.BodyLimit)."""
    from starlette.requests import Request

    from .site import refusal

    response = refusal(Request(scope), WebError("too_large", status=413, limit=limit_text(limit)), back="/h5/")
    response.headers["Connection"] = "close"  # the rest of the body is not read
    return response
