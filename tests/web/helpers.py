"""Shared steps of the phone-page tests."""

from __future__ import annotations

import itertools
import os
import random
from pathlib import Path

import piexif
from PIL import Image

from .conftest import PERSON_ID, PERSON_NAME

PASSWORD = "spring-garden-42"
_numbers = itertools.count(random.Random(os.getpid()).randrange(1000, 9000) * 10000)


def new_phone() -> str:
    """A mobile number no other test of this session has used."""
    return f"139{next(_numbers) % 10**8:08d}"


def gps_jpeg(path: Path, lat: float = 29.5630, lon: float = 106.5516, size=(2400, 1800)) -> Path:
    """A camera-like JPEG with EXIF capture time and GPS (and a camera model: all of it must be stripped)."""

    def dms(value: float):
        value = abs(value)
        deg, minutes = int(value), int((value - int(value)) * 60)
        seconds = round(((value - deg) * 60 - minutes) * 60 * 10000)
        return ((deg, 1), (minutes, 1), (seconds, 10000))

    exif = {
        "0th": {piexif.ImageIFD.Model: b"PhoneCam 9"},
        "Exif": {piexif.ExifIFD.DateTimeOriginal: b"2026:12:06 09:30:00"},
        "GPS": {piexif.GPSIFD.GPSLatitudeRef: b"N", piexif.GPSIFD.GPSLatitude: dms(lat),
                piexif.GPSIFD.GPSLongitudeRef: b"E", piexif.GPSIFD.GPSLongitude: dms(lon)},
    }  # fmt: skip
    img = Image.new("RGB", size, (180, 120, 60))
    for x in range(0, size[0], 40):  # some detail, so the JPEG is not trivially small
        img.paste((40, 90, 160), (x, 0, x + 12, size[1]))
    img.save(path, "JPEG", quality=92, exif=piexif.dump(exif))
    return path


def register_resident(page, name: str = "李明", phone: str | None = None, community: str = "C1") -> str:
    phone = phone or new_phone()
    page.goto(f"/h5/c/{community}")
    page.get_by_role("link", name="注册").click()
    page.get_by_label("姓名").fill(name)
    page.get_by_label("手机号").fill(phone)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="注册").click()
    page.wait_for_url("**/h5/")
    return phone


def verify_resident(page, name: str = PERSON_NAME, id_number: str = PERSON_ID) -> None:
    page.goto("/h5/verify")
    page.get_by_label("姓名").fill(name)
    page.get_by_label("身份证号").fill(id_number)
    page.get_by_role("button", name="提交").click()
