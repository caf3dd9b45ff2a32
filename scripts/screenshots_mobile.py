#!/usr/bin/env python3
"""Render the main phone pages (H5) in Chinese and English at 360×640 in a real browser.

    python scripts/screenshots_mobile.py [--out docs/screenshots/mobile]

Starts the demo server (as `make run` does) in a throw-away folder, registers a
resident of the demo community, verifies them against the demo register,
sends a 随手拍 with a photo, and photographs each page with Debian's chromium
driven by Playwright: docs/screenshots/mobile/<lang>/<page>.png.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import sys
import tempfile
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("GRIDWORKER_KDF", "fast")

VIEWPORT = {"width": 360, "height": 640}
PASSWORD = "spring-garden-42"


class Desk:
    """The community's dispatcher (demo_dispatcher) pushing records as the desktop would: activities, the shop."""

    def __init__(self, url: str):
        import requests

        from gridworker.demo.account import DEMO_PASSWORD

        self.url, self.http, self.n = url, requests.Session(), 0
        self.http.headers["X-Gridworker-Schema"] = "1"
        body = {"username": "demo_dispatcher", "password": DEMO_PASSWORD, "device_id": "screenshots"}
        self.http.headers["Authorization"] = "Bearer " + self.http.post(url + "/api/v1/auth/login", json=body, timeout=30).json()["token"]

    def upsert(self, entity: str, fields: dict, record_id: str | None = None) -> str:
        import time
        import uuid

        self.n += 1
        record_id = record_id or str(uuid.uuid4())
        m = {"mutation_id": str(uuid.uuid4()), "entity": entity, "id": record_id, "op": "upsert", "base_version": None,
             "fields": fields, "hlc": f"{int(time.time() * 1000):013d}-{self.n:04d}-screenshots"}  # fmt: skip
        result = self.http.post(self.url + "/api/v1/sync/push", json={"device_id": "screenshots", "mutations": [m]}, timeout=30).json()
        if result["results"][0]["status"] == "rejected":
            raise SystemExit(f"the demo server refused {entity}: {result['results'][0]}")
        return record_id


def _when(minutes: float) -> str:
    from datetime import datetime, timedelta, timezone

    return (datetime.now(timezone.utc) + timedelta(minutes=minutes)).isoformat()


def _building(data: Path, community_code: str) -> tuple[str, str, str]:
    """A building of a grid of the community: its estate, name and grid."""
    with closing(sqlite3.connect(f"file:{data / 'server.db'}?mode=ro", uri=True)) as db:
        areas = {i: (p, json.loads(d)) for i, p, d in db.execute("SELECT id, parent_id, data FROM records WHERE entity = 'area'")}
        community = next(i for i, (_p, a) in areas.items() if a.get("code") == community_code)
        grids = {i for i, (p, a) in areas.items() if p == community and a.get("level") == "grid"}
        below = {i: next((g for g in (i, areas[i][0]) if g in grids), None) for i in areas}  # a grid or its micro-grid
        for text, area in db.execute("SELECT data, area_id FROM records WHERE entity = 'building' AND deleted = 0"):
            b = json.loads(text)
            if below.get(area) and b.get("estate") and b.get("name"):
                return b["estate"], b["name"], below[area]
    raise SystemExit("the demo register has no building")


def _register_facts(data: Path, count: int) -> list[tuple[str, str, str]]:
    """A community's code and `count` adults of its register (name, ID number) no resident account holds yet (a
    person of the register is one account), read from the demo server's database."""
    with closing(sqlite3.connect(f"file:{data / 'server.db'}?mode=ro", uri=True)) as db:
        areas = {i: json.loads(d) for i, d in db.execute("SELECT id, data FROM records WHERE entity = 'area' AND deleted = 0")}
        community = next(a for a in areas.values() if a.get("level") == "community")
        held = {json.loads(d).get("person_id") for (d,) in db.execute("SELECT data FROM records WHERE entity = 'resident'")}
        found = []
        for pid, data_text in db.execute("SELECT id, data FROM records WHERE entity = 'person' AND deleted = 0 LIMIT 200"):
            p = json.loads(data_text)
            if p.get("id_number") and p.get("name") and pid not in held:
                found.append((community["code"], p["name"], p["id_number"]))
            if len(found) == count:
                return found
    raise SystemExit("the demo register has too few people with an ID number")


def _photo(path: Path) -> Path:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (1600, 1200), (96, 110, 120))
    draw = ImageDraw.Draw(img)
    draw.ellipse((500, 350, 1100, 950), fill=(60, 60, 60), outline=(30, 30, 30), width=30)
    img.save(path, "JPEG", quality=85)
    return path


def shoot(browser, url: str, facts: tuple[str, str, str], out: Path, lang: str, workdir: Path) -> list[Path]:
    code, name, id_number = facts
    context = browser.new_context(viewport=VIEWPORT, is_mobile=True, has_touch=True, device_scale_factor=1,
                                  locale="zh-CN" if lang == "zh" else "en-GB", base_url=url)  # fmt: skip
    page = context.new_page()
    written: list[Path] = []
    folder = out / lang
    folder.mkdir(parents=True, exist_ok=True)

    def snap(name_: str) -> None:
        path = folder / f"{name_}.png"
        page.screenshot(path=str(path), full_page=True)
        written.append(path)

    page.goto(f"/h5/c/{code}")
    snap("landing")
    page.goto("/h5/register")
    page.fill("input[name=name]", "李明" if lang == "zh" else "Li Ming")
    page.fill("input[name=phone]", "13912340001" if lang == "zh" else "13912340002")
    page.fill("input[name=password]", PASSWORD)
    snap("register")
    page.click("button[type=submit]")
    page.wait_for_url("**/h5/")
    snap("home")
    page.goto("/h5/verify")
    page.fill("input[name=name]", name)
    snap("verify")
    page.fill("input[name=id_number]", id_number)
    page.click("button[type=submit]")
    page.goto("/h5/snap")
    page.set_input_files("input[name=photo]", str(_photo(workdir / "photo.jpg")))
    page.wait_for_selector("[data-previews] img")
    page.fill("input[data-category-search]", "jg")
    page.fill("textarea[name=description]", "3栋门口井盖松动，晚上容易绊倒" if lang == "zh" else "The manhole cover by building 3 is loose")
    page.fill("input[name=address]", "幸福小区3栋门口" if lang == "zh" else "Building 3, front door")
    snap("snap")
    page.click("button[type=submit]")
    page.wait_for_url("**/h5/mine?sent=1")
    snap("mine")
    page.click(".card")
    page.wait_for_load_state()
    snap("report")
    page.goto(f"/h5/c/{code}/poster")
    snap("qr-poster")
    page.goto("/h5/orders")
    page.fill("input[name=title]", "帮忙修水龙头" if lang == "zh" else "Fix a dripping tap")
    page.fill("textarea[name=need]", "厨房水龙头漏水，周末在家" if lang == "zh" else "The kitchen tap drips; home at the weekend")
    page.click("form button[type=submit]")
    page.wait_for_selector("[data-items] .card")
    snap("order")
    page.goto("/h5/opinions")
    page.fill("textarea[name=content]", "小区路灯晚上十点就关了，太早" if lang == "zh" else "The estate's lamps go off at ten: too early")
    page.click("form button[type=submit]")
    page.wait_for_selector("[data-items] .card")
    snap("opinions")
    context.close()
    written += shoot_member(browser, url, code, out, lang, workdir)
    return written


def shoot_member(browser, url: str, code: str, out: Path, lang: str, workdir: Path) -> list[Path]:
    """A party member: registers, checks in (报到), is approved; an activity and the shop with points."""
    desk = Desk(url)
    estate, building, grid = _building(workdir / "demo-server", code)
    context = browser.new_context(viewport=VIEWPORT, is_mobile=True, has_touch=True, device_scale_factor=1,
                                  locale="zh-CN" if lang == "zh" else "en-GB", base_url=url)  # fmt: skip
    page = context.new_page()
    written: list[Path] = []

    def snap(name_: str) -> None:
        path = out / lang / f"member-{name_}.png"
        page.screenshot(path=str(path), full_page=True)
        written.append(path)

    page.goto(f"/h5/c/{code}")
    page.goto("/h5/register")
    page.fill("input[name=name]", "李强" if lang == "zh" else "Li Qiang")
    page.fill("input[name=phone]", "13912340011" if lang == "zh" else "13912340012")
    page.check("input[name=role][value=member]")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/h5/")
    snap("home")
    page.goto("/h5/checkin")
    page.fill("input[name=employer]", "县人民医院" if lang == "zh" else "County hospital")
    page.fill("input[name=estate]", estate)
    page.fill("input[name=building]", building)
    page.check("input[name=skills] >> nth=1")
    page.check("input[name=posts] >> nth=0")
    page.click("form button[type=submit]")
    page.wait_for_selector("[data-api-done]:not([hidden])")
    snap("checkin")
    me = page.evaluate("fetch('/api/v1/p/me').then(r => r.json())")
    desk.upsert("member", {"status": "approved", "area_id": grid}, me["id"])
    area = me["member"].get("community_id") or grid
    from gridworker.domain.participation import tables

    activity = desk.upsert("activity", {"title": "垃圾分类宣讲" if lang == "zh" else "Waste sorting talk", "place": "社区礼堂",
                                        "kind": next(iter(tables.activity_kinds())), "starts_at": _when(60 * 24), "ends_at": _when(60 * 26),
                                        "signup_deadline": _when(60 * 20), "capacity": 30, "points": 5, "area_id": area})  # fmt: skip
    desk.upsert("activity_event", {"activity_id": activity, "action": "publish", "at": _when(0)})
    desk.upsert("ledger_entry", {"member_id": me["id"], "points": 40, "source_kind": "manual",
                                 "rule_item": next(iter(tables.rule_items())), "note": "补录", "at": _when(0)})  # fmt: skip
    desk.upsert("shop_item", {"name": "洗衣液" if lang == "zh" else "Laundry liquid", "price": 10, "stock_total": 8, "area_id": area})
    page.goto("/h5/activities")
    page.wait_for_selector("[data-items] .card")
    page.click("[data-items] .card button:not([hidden])")
    page.wait_for_selector("[data-api-done]:not([hidden])")
    snap("activities")
    page.goto("/h5/shop")
    page.wait_for_selector("[data-items] .card")
    page.click("[data-items] .card button")
    page.wait_for_selector("[data-api-done]:not([hidden])")
    snap("shop")
    page.goto("/h5/points")
    page.wait_for_selector("[data-items] .card")
    snap("points")
    context.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Render the phone pages into PNG files.")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots" / "mobile")
    parser.add_argument("--persons", type=int, default=300)
    args = parser.parse_args(argv)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("no chromium: scripts/system-deps.sh installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    from gridworker.demo.server import DemoServer

    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="gw-mobile-") as home:
        os.environ["GRIDWORKER_HOME"] = home
        server = DemoServer(Path(home) / "demo-server")
        server.prepare(persons=args.persons)
        server.start()
        try:
            people = _register_facts(server.data, 2)  # one a language: each verifies as a person of their own
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
                for lang, facts in zip(("zh", "en"), people, strict=True):
                    written += shoot(browser, server.url, facts, args.out, lang, Path(home))
                browser.close()
        finally:
            server.stop()
    for path in written:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
