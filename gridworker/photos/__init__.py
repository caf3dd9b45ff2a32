"""Photos: EXIF read, orientation, resize, thumbnails, content-addressed encrypted storage (no database, no Qt).

`import_photo` turns a picture file into a stored, normalised JPEG and returns
what a `photo` record needs; the storage helpers give the sync engine paths,
chunks for upload and a checked way to save what it downloads. See docs/photos.md.
"""

from importlib import import_module
from typing import TYPE_CHECKING

from .errors import PhotoError

# Submodules load on first use (PEP 562): Pillow is heavy, and a command such as
# `gridworker status`, which only unlocks the photo folder, should not pay for it.
_WHERE = {
    "heif_available": "formats",
    **dict.fromkeys(["MAX_FILE_BYTES", "STORED_MIME", "PhotoInfo", "StoredPhoto", "import_photo", "inspect"], "importer"),
    **dict.fromkeys(["LONG_EDGE", "MAX_PIXELS", "THUMB_LONG_EDGE"], "normalise"),
    **dict.fromkeys(
        [
            "check_sha256", "has_photo", "has_thumbnail", "encrypt_plain_files", "iter_chunks", "path_for",
            "photo_size", "read_bytes", "read_chunks", "save_bytes", "stored_files", "sweep_temp_files",
            "thumb_path_for", "verify",
        ],
        "storage",
    ),
}


def __getattr__(name: str):
    if name in _WHERE:
        value = getattr(import_module(f".{_WHERE[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if TYPE_CHECKING:
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
