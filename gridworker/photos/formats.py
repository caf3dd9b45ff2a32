"""Which image format a file holds, told from its first bytes, before any decoder sees it.

The file name is never trusted: a text file called `.jpg` is not a photo, and a
HEIC photo renamed `.jpg` still is one. Each accepted format is then opened with
only its own Pillow decoder (`Image.open(..., formats=...)`).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from . import errors

HEADER_BYTES = 32


@dataclass(frozen=True)
class Format:
    name: str  # what people call it, for messages
    mime: str
    pillow_formats: tuple[str, ...]  # decoders allowed to open it


JPEG = Format("JPEG", "image/jpeg", ("JPEG",))
PNG = Format("PNG", "image/png", ("PNG",))
WEBP = Format("WebP", "image/webp", ("WEBP",))
HEIF = Format("HEIC/HEIF", "image/heif", ("HEIF",))

# ISO-BMFF brands of HEVC-coded HEIF stills and sequences (iPhone "High Efficiency").
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1"}
_AVIF_BRANDS = {b"avif", b"avis"}

# Image formats recognised only to say "not supported" rather than "not an image".
_OTHER_IMAGES = (
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"\x00\x00\x01\x00", "ICO"),
    (b"8BPS", "PSD"),
)


def sniff(header: bytes, name: str) -> Format:
    """The accepted format of a file from its first HEADER_BYTES bytes, or a PhotoError saying why not."""
    if header.startswith(b"\xff\xd8\xff"):
        return JPEG
    if header.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if header[:4] == b"RIFF" and header[8:12] == b"WEBP":
        return WEBP
    if header[4:8] == b"ftyp":
        return _sniff_isobmff(header, name)
    for magic, kind in _OTHER_IMAGES:
        if header.startswith(magic):
            raise errors.unsupported_format(name, kind)
    raise errors.not_an_image(name)


def _sniff_isobmff(header: bytes, name: str) -> Format:
    box_size = int.from_bytes(header[0:4], "big")
    major = header[8:12]
    # Compatible brands follow the minor version, up to the end of the ftyp box.
    compatible = {header[i : i + 4] for i in range(16, min(box_size, len(header)) - 3, 4)}
    brands = {major} | compatible
    if major in _AVIF_BRANDS or (major in (b"mif1", b"msf1") and brands & _AVIF_BRANDS):
        raise errors.unsupported_format(name, "AVIF")
    if major in _HEIF_BRANDS:
        if not heif_available():
            raise errors.heif_not_installed(name)
        return HEIF
    raise errors.not_an_image(name)  # MP4/MOV video and other ISO-BMFF files


_heif_lock = threading.Lock()
_heif_registered = False


def heif_available() -> bool:
    """True when pillow-heif can be imported; registers its Pillow opener the first time (import costs ~50 ms)."""
    global _heif_registered
    try:
        import pillow_heif
    except ImportError:
        return False
    with _heif_lock:
        if not _heif_registered:
            pillow_heif.register_heif_opener()
            _heif_registered = True
    return True
