"""Turn any accepted picture into the one kind GridWorker stores: upright sRGB JPEG, no metadata.

Memory matters on old laptops: a 12-megapixel JPEG is decoded at half scale
straight from the file (libjpeg DCT scaling via `Image.draft`), which needs a
quarter of the memory and time of a full decode and still leaves 2000 px.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from PIL import Image, ImageCms

from . import errors
from .formats import Format

LONG_EDGE = 2048  # stored photo: long edge at most this
DRAFT_MIN_LONG_EDGE = 1600  # a JPEG may be decoded at 1/2, 1/4, 1/8 scale if it keeps at least this
THUMB_LONG_EDGE = 320  # the server's thumbnails are the same size (PROTOCOL.md)
JPEG_QUALITY = 85
THUMB_QUALITY = 80
# Same figure as Pillow's default MAX_IMAGE_PIXELS (~89.5 MP, 256 MiB at 24 bit),
# kept here so that no other code changing Pillow's global can switch it off.
MAX_PIXELS = 1024 * 1024 * 1024 // 4 // 3
BACKGROUND = (255, 255, 255)  # transparent areas become white, as on paper

# How to turn the stored pixels upright for each EXIF orientation (the table of
# ImageOps.exif_transpose), applied after downscaling, when it is cheapest.
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


@contextmanager
def open_image(data: bytes, fmt: Format, name: str) -> Iterator[Image.Image]:
    """Open (headers only) with the format's own decoder; refuse damaged files and decompression bombs."""
    try:
        with warnings.catch_warnings():
            # Pillow only warns between 1× and 2× its limit; check_pixels below refuses instead.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data), formats=list(fmt.pillow_formats))
    except Image.DecompressionBombError as exc:
        raise errors.too_many_pixels(name, MAX_PIXELS) from exc
    except Exception as exc:  # Pillow raises many types on malformed input; all mean "cannot read"
        raise errors.damaged_image(name, _reason(exc)) from exc
    with img:
        check_pixels(img, name)
        yield img


def check_pixels(img: Image.Image, name: str) -> None:
    width, height = img.size
    if width * height > MAX_PIXELS:
        raise errors.too_many_pixels(name, MAX_PIXELS, (width, height))


def decode(img: Image.Image, name: str) -> Image.Image:
    """Decode the pixels, at reduced scale when the format allows it and the result stays big enough."""
    if img.format in ("JPEG", "MPO"):
        scale = _draft_scale(max(img.size))
        if scale > 1:
            width, height = img.size
            img.draft(None, (max(1, width // scale), max(1, height // scale)))
    try:
        img.load()
    except Exception as exc:  # truncated or corrupt data stream
        raise errors.damaged_image(name, _reason(exc)) from exc
    return img


def _draft_scale(long_edge: int) -> int:
    for scale in (8, 4, 2):
        if long_edge // scale >= DRAFT_MIN_LONG_EDGE:
            return scale
    return 1


def normalise(img: Image.Image, orientation: int) -> Image.Image:
    """A decoded image to upright RGB (sRGB), long edge at most LONG_EDGE."""
    img = _resizable_mode(img)
    img = fit(img, LONG_EDGE)
    img = _to_srgb_rgb(img)
    if orientation in _UPRIGHT:
        img = img.transpose(_UPRIGHT[orientation])
    return img


def fit(img: Image.Image, long_edge: int) -> Image.Image:
    """Scale down (never up) so the long edge is at most `long_edge`, keeping the aspect ratio."""
    width, height = img.size
    if max(width, height) <= long_edge:
        return img
    ratio = long_edge / max(width, height)
    size = (max(1, round(width * ratio)), max(1, round(height * ratio)))
    # reducing_gap: a cheap integer box reduce first, then Lanczos for the last step.
    return img.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def encode_jpeg(img: Image.Image, quality: int) -> bytes:
    """Baseline JPEG with no EXIF, XMP or ICC profile: the bytes depend only on the pixels."""
    out = io.BytesIO()
    img.save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue()


def thumbnail(img: Image.Image) -> bytes:
    return encode_jpeg(fit(img, THUMB_LONG_EDGE), THUMB_QUALITY)


def _resizable_mode(img: Image.Image) -> Image.Image:
    """Modes that resize badly or not at all, converted first (palette resizes with nearest neighbour)."""
    mode = img.mode
    if mode in ("RGB", "RGBA", "L", "LA", "CMYK"):
        return img
    if mode in ("P", "PA"):
        has_alpha = mode == "PA" or "transparency" in img.info
        return img.convert("RGBA" if has_alpha else "RGB")
    if mode == "1":
        return img.convert("L")
    if mode.startswith("I"):  # 16-bit greyscale PNG: keep the top 8 bits instead of clipping at 255
        return img.convert("I").point(lambda v: v / 256).convert("L")
    return img.convert("RGBA" if "A" in mode else "RGB")


def _to_srgb_rgb(img: Image.Image) -> Image.Image:
    """Colours into sRGB through the embedded ICC profile (iPhones write Display P3), then alpha onto white."""
    img = _apply_icc(img)
    if img.mode in ("RGBA", "LA"):
        rgba = img.convert("RGBA")
        flat = Image.new("RGB", rgba.size, BACKGROUND)
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return img if img.mode == "RGB" else img.convert("RGB")


def _apply_icc(img: Image.Image) -> Image.Image:
    icc = img.info.get("icc_profile")
    if not icc or img.mode not in ("RGB", "RGBA", "CMYK"):
        return img
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if "srgb" in ImageCms.getProfileDescription(source).lower().replace(" ", ""):
            return img  # already sRGB: a transform would only cost time
        out_mode = "RGBA" if img.mode == "RGBA" else "RGB"
        converted = ImageCms.profileToProfile(img, source, _SRGB, outputMode=out_mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return img  # a broken or mismatched profile: plain conversion is the best we can do
    assert converted is not None
    return converted


def _reason(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text[:200]
