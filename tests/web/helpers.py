"""Shared steps of the phone-page tests."""

from __future__ import annotations

import itertools
import os
import random
from pathlib import Path

import piexif
from PIL import Image

from .conftest import PERSON_IDS, PERSON_NAME

PASSWORD = "spring-garden-42"
_numbers = itertools.count(random.Random(os.getpid()).randrange(1000, 9000) * 10000)
_people = iter(PERSON_IDS[1:])


def next_person_id() -> str:
    """The ID number of a namesake of PERSON_NAME no resident of this session has verified as (conftest)."""
    return next(_people)


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


def small_jpeg(colour=(200, 60, 60)) -> bytes:
    import io

    out = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, "JPEG")
    return out.getvalue()


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


def verify_resident(page, name: str = PERSON_NAME, id_number: str | None = None) -> None:
    page.goto("/h5/verify")
    page.get_by_label("姓名").fill(name)
    page.get_by_label("身份证号").fill(id_number or next_person_id())
    page.get_by_role("button", name="提交").click()


class Visitor:
    """A phone without a browser: plain HTTP with cookies, reading each form's CSRF token from its page."""

    def __init__(self, server, lang: str = "zh-CN"):
        import requests

        self.url = server.url
        self.http = requests.Session()
        self.http.headers["Accept-Language"] = lang

    def get(self, path: str, **kw):
        return self.http.get(self.url + path, timeout=30, **kw)

    def csrf(self, path: str) -> str:
        import re

        found = re.search(r'name="csrf" value="([0-9a-f]+)"', self.get(path).text)
        assert found, f"no form on {path}"
        return found.group(1)

    def post(self, path: str, data: dict, form_page: str | None = None, files=None, **kw):
        data = {"csrf": self.csrf(form_page or path)} | data
        return self.http.post(self.url + path, data=data, files=files, timeout=60, **kw)

    def form_id(self, path: str = "/h5/snap") -> str:
        import re

        return re.search(r'name="form_id" value="([0-9a-f-]+)"', self.get(path).text).group(1)

    def register(self, name: str = "赵敏", phone: str | None = None, community: str = "C1") -> str:
        phone = phone or new_phone()
        self.get(f"/h5/c/{community}")
        r = self.post("/h5/register", {"name": name, "phone": phone, "password": PASSWORD})
        assert r.status_code == 200 and "/h5/" in r.url, r.text[-500:]
        return phone

    def verify(self, name: str = PERSON_NAME, id_number: str | None = None):
        return self.post("/h5/verify", {"name": name, "id_number": id_number or next_person_id()})

    def snap(self, description: str, files=None, **fields):
        data = {"form_id": fields.pop("form_id", None) or self.form_id(), "category": "C0101", "description": description,
                "address": "幸福小区3栋"} | fields  # fmt: skip
        return self.post("/h5/snap", data, files=files)
