"""Turning a picture before it is imported: the user turned it in the preview.

The import (photos.importer) has no rotation parameter, so an upright, turned
JPEG copy is made first, and imported like any picture.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageOps

from .importer import inspect as inspect_photo


def prepared_copy(src: str | Path, quarter_turns: int, folder: str | Path, *, keep_position: bool = True) -> Path:
    """A JPEG copy of a picture, upright, then turned `quarter_turns` × 90° clockwise; EXIF time kept.

    The copy says orientation 1 (its pixels are already the right way up), so
    the import does not turn it again. Without `keep_position` its GPS tags are
    left out: the user corrected the place, and report_incident would
    otherwise take the first photo's EXIF position over the typed one.
    """
    inspect_photo(src)  # refuses what the import would refuse (not a picture, too large) before decoding it
    turns = quarter_turns % 4
    target = Path(folder) / f"{Path(src).stem}-r{turns}{'' if keep_position else '-nogps'}.jpg"
    with Image.open(src) as img:
        exif = img.getexif()
        upright = ImageOps.exif_transpose(img)
        if turns:
            upright = upright.transpose(_CLOCKWISE[turns])
        exif[_ORIENTATION] = 1
        if not keep_position:
            exif.pop(_GPS_IFD, None)
        upright.convert("RGB").save(target, "JPEG", quality=95, exif=exif.tobytes())
    return target


_ORIENTATION = 0x0112


_GPS_IFD = 0x8825


_CLOCKWISE = {1: Image.Transpose.ROTATE_270, 2: Image.Transpose.ROTATE_180, 3: Image.Transpose.ROTATE_90}
