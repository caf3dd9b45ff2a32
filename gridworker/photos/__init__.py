"""Photos: EXIF read, orientation, resize, thumbnails, content-addressed encrypted storage (no database, no Qt).

`import_photo` turns a picture file into a stored, normalised JPEG and returns
what a `photo` record needs; the storage helpers give the sync engine paths,
chunks for upload and a checked way to save what it downloads. See docs/photos.md.
"""

from .errors import PhotoError
from .formats import heif_available
from .importer import MAX_FILE_BYTES, STORED_MIME, PhotoInfo, StoredPhoto, import_photo, inspect
from .normalise import LONG_EDGE, MAX_PIXELS, THUMB_LONG_EDGE
from .storage import (
    check_sha256,
    has_photo,
    has_thumbnail,
    encrypt_plain_files,
    iter_chunks,
    path_for,
    photo_size,
    read_bytes,
    read_chunks,
    save_bytes,
    stored_files,
    sweep_temp_files,
    thumb_path_for,
    verify,
)

__all__ = [
    "LONG_EDGE",
    "MAX_FILE_BYTES",
    "MAX_PIXELS",
    "STORED_MIME",
    "THUMB_LONG_EDGE",
    "PhotoError",
    "PhotoInfo",
    "StoredPhoto",
    "check_sha256",
    "has_photo",
    "has_thumbnail",
    "heif_available",
    "import_photo",
    "inspect",
    "encrypt_plain_files",
    "iter_chunks",
    "path_for",
    "photo_size",
    "read_bytes",
    "read_chunks",
    "save_bytes",
    "stored_files",
    "sweep_temp_files",
    "thumb_path_for",
    "verify",
]
