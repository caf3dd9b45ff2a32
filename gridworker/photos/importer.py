"""Taking a picture file into GridWorker: check it, read its EXIF, store a normalised copy and a thumbnail."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PIL import Image

from . import crypto, errors, exif, normalise, storage
from .formats import HEADER_BYTES, Format, sniff

MAX_FILE_BYTES = 20 * 1024 * 1024
STORED_MIME = "image/jpeg"


@dataclass(frozen=True)
class PhotoInfo:
    """What a picture file says about itself, read without decoding its pixels."""

    mime: str
    width: int  # as stored in the file, before turning upright
    height: int
    orientation: int  # EXIF 1–8; 1 is upright
    taken_at: datetime | None  # timezone-aware
    lat: float | None
    lon: float | None
    make: str | None = None
    model: str | None = None

    @property
    def upright_size(self) -> tuple[int, int]:
        """(width, height) as the photo is meant to be seen: orientations 5–8 are a quarter turn."""
        return (self.height, self.width) if self.orientation >= 5 else (self.width, self.height)


@dataclass(frozen=True)
class StoredPhoto:
    """A photo kept under photos_dir: what a `photo` record needs (PROTOCOL.md), plus where its files are."""

    sha256: str
    path: Path
    thumb_path: Path
    width: int  # of the stored, normalised image
    height: int
    bytes: int
    mime: str
    taken_at: datetime | None
    lat: float | None
    lon: float | None
    original_name: str


def inspect(path: str | os.PathLike[str]) -> PhotoInfo:
    """Format, size, capture time, place and orientation of a picture file; PhotoError if it is not one we accept."""
    src = Path(path)
    data = _read_limited(src)
    fmt = sniff(data[:HEADER_BYTES], src.name)
    with normalise.open_image(data, fmt, src.name) as img:
        return _describe(img, fmt, img.size, loaded=False)


def import_photo(src_path: str | os.PathLike[str], photos_dir: str | os.PathLike[str]) -> StoredPhoto:
    """Check, normalise and store a picture; the same picture imported twice gives the same sha256 and files.

    Refusals (PhotoError) come before any pixel is decoded where the file allows:
    missing file, over MAX_FILE_BYTES, not an image, unsupported format,
    too many pixels; a damaged file is refused when its pixels fail to decode.
    A refused file writes nothing. A failure while writing (disk full) leaves
    no partial file: at most a whole thumbnail whose photo is not stored yet.
    """
    crypto.key_for(photos_dir)  # a locked folder is refused before any work
    src = Path(src_path)
    data = _read_limited(src)
    fmt = sniff(data[:HEADER_BYTES], src.name)
    with normalise.open_image(data, fmt, src.name) as img:
        original_size = img.size  # decode() may shrink it (JPEG draft)
        normalise.decode(img, src.name)
        info = _describe(img, fmt, original_size, loaded=True)
        upright = normalise.normalise(img, info.orientation)  # may be `img` itself: encode before closing
        photo_bytes = normalise.encode_jpeg(upright, normalise.JPEG_QUALITY)
        thumb_bytes = normalise.thumbnail(upright)
        width, height = upright.size
    sha256 = storage.sha256_of(photo_bytes)
    thumb_path = storage.thumb_path_for(photos_dir, sha256)
    path = storage.path_for(photos_dir, sha256)
    # Thumbnail first: whenever the photo is there, its thumbnail is too.
    storage.store_file(photos_dir, sha256, thumb_bytes, thumbnail=True)
    storage.store_file(photos_dir, sha256, photo_bytes)
    return StoredPhoto(
        sha256=sha256,
        path=path,
        thumb_path=thumb_path,
        width=width,
        height=height,
        bytes=len(photo_bytes),
        mime=STORED_MIME,
        taken_at=info.taken_at,
        lat=info.lat,
        lon=info.lon,
        original_name=src.name,
    )


def _read_limited(src: Path) -> bytes:
    """The whole file (decoding from memory means what was size-checked is what gets decoded)."""
    try:
        size = src.stat().st_size
        if size > MAX_FILE_BYTES:
            raise errors.too_large(src.name, size, MAX_FILE_BYTES)
        with open(src, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        raise errors.file_missing(src.name) from None
    if len(data) > MAX_FILE_BYTES:  # grew after the stat
        raise errors.too_large(src.name, len(data), MAX_FILE_BYTES)
    return data


def _describe(img: Image.Image, fmt: Format, size: tuple[int, int], *, loaded: bool) -> PhotoInfo:
    tags = _exif_of(img, loaded=loaded)
    where = exif.gps(tags)
    make, model = exif.camera(tags)
    return PhotoInfo(
        mime=fmt.mime,
        width=size[0],
        height=size[1],
        orientation=exif.orientation(tags),
        taken_at=exif.capture_time(tags),
        lat=where[0] if where else None,
        lon=where[1] if where else None,
        make=make,
        model=model,
    )


def _exif_of(img: Image.Image, *, loaded: bool) -> Image.Exif:
    # A PNG keeps EXIF in an eXIf chunk that may follow the pixel data; Pillow's
    # getexif() would then decode the whole image to find it. Not for inspect().
    if img.format == "PNG" and not loaded and "exif" not in img.info:
        return Image.Exif()
    try:
        return img.getexif()
    except Exception:  # malformed EXIF block: the photo is still good, it just says nothing
        return Image.Exif()
