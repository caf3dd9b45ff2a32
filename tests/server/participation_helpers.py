"""Building blocks for the participation API tests: web accounts, staff actions through /sync."""

from __future__ import annotations

import io
import uuid
from datetime import datetime, timedelta, timezone

from .conftest import new_id

P = "/api/v1/p"


class Web:
    """A member's or resident's phone: the participation API with the session cookie."""

    def __init__(self, world, role: str, phone: str, name: str = "王芳", community: str = "C1", lang: str = "en"):
        self.world, self.lang = world, lang
        r = world.client.post(P + "/auth/register", json={"role": role, "phone": phone, "password": "secret-pass-1", "name": name,
                                                          "community_id": world.area_ids[community]})  # fmt: skip
        assert r.status_code == 201, r.text
        self.token = r.json()["token"]
        self.id = r.json()["user"]["id"]

    def call(self, method: str, path: str, **kw):
        headers = {"Authorization": f"Bearer {self.token}", "Accept-Language": self.lang} | kw.pop("headers", {})
        return self.world.client.request(method, P + path, headers=headers, **kw)

    def ok(self, method: str, path: str, **kw):
        r = self.call(method, path, **kw)
        assert r.status_code in (200, 201, 204), (path, r.status_code, r.text)
        return r.json() if r.content else None


def now(minutes: float = 0) -> str:
    return (datetime.now(timezone.utc) + timedelta(minutes=minutes)).isoformat()


def rule_item() -> str:
    from gridworker.domain.participation import tables

    return next(iter(tables.rule_items()))


def jpeg_with_exif() -> bytes:
    """A small JPEG carrying a time and a GPS position in its EXIF."""
    from PIL import Image

    img = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x0132] = "2026:11:21 09:30:00"
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (30.0, 15.0, 0.0)
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif)
    return out.getvalue()


def checked_in_member(world, disp, phone: str, skills=("repair",), grid: str = "G1") -> "Web":
    """A member who signed up, checked in to a building of the grid, and was approved by staff."""
    w = world.api("w1" if grid == "G1" else "w3")
    estate, building = f"翠苑{uuid.uuid4().hex[:6]}", "3幢"
    assert w.upsert("building", new_id(), {"name": building, "estate": estate, "area_id": world.area_ids[grid]})["status"] == "applied"
    member = Web(world, "member", phone, name="李强")
    body = {"name": "李强", "phone": phone, "employer": "县人民医院", "estate": estate, "building": building,
            "community_id": world.area_ids["C1" if grid in ("G1", "G2") else "C2"], "skills": list(skills), "posts": []}  # fmt: skip
    got = member.ok("PUT", "/member/checkin", json=body)["member"]
    assert got["area_id"] == world.area_ids[grid] and not got["to_place"], got
    disp.pull()
    res = disp.upsert("member", member.id, {"status": "approved"})
    assert res["status"] in ("applied", "merged"), res
    return member
