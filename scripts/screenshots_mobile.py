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


def _register_facts(data: Path) -> tuple[str, str, str]:
    """A community's code and one adult of its register (name, ID number), read from the demo server's database."""
    with closing(sqlite3.connect(f"file:{data / 'server.db'}?mode=ro", uri=True)) as db:
        areas = {i: json.loads(d) for i, d in db.execute("SELECT id, data FROM records WHERE entity = 'area' AND deleted = 0")}
        community = next(a for a in areas.values() if a.get("level") == "community")
        for (data_text,) in db.execute("SELECT data FROM records WHERE entity = 'person' AND deleted = 0 LIMIT 200"):
            p = json.loads(data_text)
            if p.get("id_number") and p.get("name"):
                return community["code"], p["name"], p["id_number"]
    raise SystemExit("the demo register has nobody with an ID number")


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
            facts = _register_facts(server.data)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
                for lang in ("zh", "en"):
                    written += shoot(browser, server.url, facts, args.out, lang, Path(home))
                browser.close()
        finally:
            server.stop()
    for path in written:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
