"""What the camera wrote about a photo: when, where, which way up, with what.

Every reader here is forgiving: a missing, malformed or implausible tag gives
None (or orientation 1), never an error, because a photo without good EXIF is
still a good photo.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from PIL import ExifTags, Image

# Cameras write local time without a zone unless they also write OffsetTime*;
# GridWorker is used in China, so a bare time is read as China time.
DEFAULT_TZ = ZoneInfo("Asia/Shanghai")

TAG_ORIENTATION = 0x0112
TAG_MAKE = 0x010F
TAG_MODEL = 0x0110
TAG_DATETIME_ORIGINAL = 0x9003
TAG_DATETIME_DIGITIZED = 0x9004
TAG_OFFSET_TIME_ORIGINAL = 0x9011
TAG_OFFSET_TIME_DIGITIZED = 0x9012
TAG_SUBSEC_TIME_ORIGINAL = 0x9291
GPS_LAT_REF, GPS_LAT, GPS_LON_REF, GPS_LON, GPS_STATUS = 1, 2, 3, 4, 9

_DATETIME = re.compile(r"(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})")
_OFFSET = re.compile(r"([+-])(\d{2}):(\d{2})")


def orientation(exif: Image.Exif) -> int:
    """EXIF orientation 1–8; anything else (absent, 0, 9, garbage) counts as 1, upright."""
    value = exif.get(TAG_ORIENTATION)
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def camera(exif: Image.Exif) -> tuple[str | None, str | None]:
    """(make, model), each stripped of padding, or None when absent."""
    return _text(exif.get(TAG_MAKE)), _text(exif.get(TAG_MODEL))


def capture_time(exif: Image.Exif) -> datetime | None:
    """When the photo was taken, timezone-aware.

    DateTimeOriginal with OffsetTimeOriginal when the camera wrote one; a bare
    time is taken as China time. Falls back to DateTimeDigitized (same moment on
    a phone). IFD0 DateTime is not used: editing software rewrites it.
    """
    ifd = _ifd(exif, ExifTags.IFD.Exif)
    for time_tag, offset_tag in (
        (TAG_DATETIME_ORIGINAL, TAG_OFFSET_TIME_ORIGINAL),
        (TAG_DATETIME_DIGITIZED, TAG_OFFSET_TIME_DIGITIZED),
    ):
        local = _parse_datetime(ifd.get(time_tag))
        if local is None:
            continue
        if time_tag == TAG_DATETIME_ORIGINAL:
            local = local.replace(microsecond=_subsec_micros(ifd.get(TAG_SUBSEC_TIME_ORIGINAL)))
        tz = _parse_offset(ifd.get(offset_tag)) or DEFAULT_TZ
        return local.replace(tzinfo=tz)
    return None


def gps(exif: Image.Exif) -> tuple[float, float] | None:
    """(latitude, longitude) in decimal degrees, south and west negative, or None.

    None when absent, malformed, out of range, marked void by the receiver, or
    exactly 0,0 (what some phones write when they had no fix).
    """
    info = _ifd(exif, ExifTags.IFD.GPSInfo)
    if not info or _text(info.get(GPS_STATUS)) == "V":
        return None
    lat = _degrees(info.get(GPS_LAT), _text(info.get(GPS_LAT_REF)), "S", 90.0)
    lon = _degrees(info.get(GPS_LON), _text(info.get(GPS_LON_REF)), "W", 180.0)
    if lat is None or lon is None or (lat == 0.0 and lon == 0.0):
        return None
    return lat, lon


def _ifd(exif: Image.Exif, which: ExifTags.IFD) -> dict:
    """A sub-IFD, read lazily by Pillow; a broken offset in it means "no tags", not a refused photo."""
    try:
        return dict(exif.get_ifd(which))
    except Exception:  # Pillow raises struct.error, SyntaxError, ValueError... on malformed blocks
        return {}


def _degrees(dms: object, ref: str | None, negative_ref: str, limit: float) -> float | None:
    """Degrees/minutes/seconds rationals to signed decimal degrees, None if not plausible."""
    if not isinstance(dms, tuple) or not 1 <= len(dms) <= 3:
        return None
    try:
        parts = [float(p) for p in dms]  # IFDRational with a zero denominator gives nan
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    parts += [0.0] * (3 - len(parts))
    deg, minutes, seconds = parts
    if not all(math.isfinite(p) and p >= 0 for p in parts) or minutes >= 60 or seconds >= 60:
        return None
    value = deg + minutes / 60 + seconds / 3600
    if value > limit:
        return None
    if ref is not None and ref.upper().startswith(negative_ref):
        value = -value
    return round(value, 7)  # ~1 cm: more digits are noise


def _parse_datetime(value: object) -> datetime | None:
    text = _text(value)
    match = _DATETIME.match(text) if text else None
    if not match:
        return None  # also "0000:00:00 00:00:00" and blank placeholders, via the ValueError below
    try:
        return datetime(*(int(g) for g in match.groups()))
    except ValueError:
        return None


def _parse_offset(value: object) -> timezone | None:
    text = _text(value)
    match = _OFFSET.fullmatch(text) if text else None
    if not match:
        return None
    sign, hours, minutes = match.groups()
    delta = timedelta(hours=int(hours), minutes=int(minutes))
    if delta > timedelta(hours=14) or int(minutes) >= 60:
        return None
    return timezone(-delta if sign == "-" else delta)


def _subsec_micros(value: object) -> int:
    text = _text(value)
    if not text or not text.isdigit():
        return 0
    return int(text[:6].ljust(6, "0"))


def _text(value: object) -> str | None:
    """EXIF ASCII values arrive as str or bytes, often NUL- or space-padded."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return None
    value = value.replace("\x00", "").strip()
    return value or None
