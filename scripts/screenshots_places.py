#!/usr/bin/env python3
"""The places screens for `make screenshots` (scripts/screenshots.py calls `seed_places` and `shoot_places`).

    python scripts/screenshots_places.py [--out /tmp/shots] [--lang zh] [--persons 300]

run alone, renders only these (on a small demo community) at 1366×800 (or --size) and 1024×600: the places page with
a place's card, an inspection with two failed items, and the rectification notice (the PDF's document,
drawn on an A4-shaped picture).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

PLACES = (  # name, kind, address, person in charge, phone, licence
    ("老王川菜馆", "restaurant", "幸福路12号", "王建国", "13805710012", "91350100M000100Y43"),
    ("便民超市", "shop", "幸福路18号", "李秀兰", "13905710018", None),
    ("星空网吧", "internet_cafe", "文三路88号2楼", "赵磊", "13705710088", None),
    ("阳光托育园", "school", "文三路90号", "陈静", "13605710090", None),
)
FAILED = ("EXIT", "LPG")


def _picture(path: Path, colour) -> Path:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1024, 768), (150, 150, 140))
    ImageDraw.Draw(image).rectangle((300, 200, 720, 620), fill=colour)
    image.save(path, quality=85)
    return path


def seed_places(ctx, workdir: Path, community=None) -> str:
    """The demo's places (with `community`: demo.places_data, as `make run` has them), and a few more in the
    first grid; the restaurant inspected a week ago with two failed items (photos). Returns the restaurant's id."""
    from sqlmodel import select

    from gridworker.demo.load import load_places
    from gridworker.demo.places_data import generate_places

    if community is not None:
        load_places(ctx.store, generate_places(community))
    from gridworker.domain.models import Area, Building
    from gridworker.services import places, tables

    with ctx.store.read() as s:
        grid = s.exec(select(Area).where(Area.level == "grid", Area.deleted == False).order_by(Area.code)).first()  # noqa: E712
        building = s.exec(select(Building).where(Building.area_id == grid.id).order_by(Building.name)).first()
    ids = []
    for name, kind, address, person, phone, licence in PLACES:
        fields = {"name": name, "kind": kind, "address": address, "person_in_charge": person, "phone": phone,
                  "licence_number": licence, "area_id": grid.id, "building_id": building.id if building else None}
        ids.append(places.register_place(ctx.store, {k: v for k, v in fields.items() if v}).id)
    checklists = tables.checklists_of(ctx.store)
    photos = {code: _picture(workdir / f"{code}.jpg", (200, 60 + 80 * n, 40)) for n, code in enumerate(FAILED)}
    answers = [places.ItemAnswer(i.code, "fail" if i.code in FAILED else "pass", [photos[i.code]] if i.code in FAILED else (),
                                 note="后门被纸箱堵住" if i.code == "EXIT" else None)
               for i in checklists.for_kind("restaurant")]  # fmt: skip
    places.save_inspection(ctx.store, ctx.photos_dir, place_id=ids[0], inspector_id=ctx.actor.id, answers=answers,
                           acknowledged_by="王建国", at=datetime.now(timezone.utc) - timedelta(days=7))  # fmt: skip
    return ids[0]


def shoot_places(shooter, window, ctx, place_id: str, workdir: Path) -> None:
    """The places page with the restaurant's card, an inspection being filled in, its notice; the places due on
the visits page and the places' figures on the dashboard."""
    from screenshots import settle

    from gridworker.ui.places.dialogs import InspectDialog

    page = window.pages["places"]
    window.show_page("places")
    settle(shooter.app, ctx)
    page.select_place(place_id)
    settle(shooter.app, ctx)
    shooter.save(window, "places", ctx)
    card = page.card.card
    dialog = InspectDialog(ctx, card.place, page.checklists, window)
    dialog.show()
    for code in FAILED:
        dialog.form.set_result(code, "fail")
        dialog.form.rows[code].photos.add_files([str(_picture(workdir / f"again-{code}.jpg", (60, 90, 200)))])
    dialog.form.rows["LPG"].note.setText("后厨存放两瓶液化气")
    for code in list(dialog.form.rows)[:3]:
        if code not in FAILED:
            dialog.form.set_result(code, "pass")
    dialog.form.acknowledged_by.setText("王建国")
    shooter.save(dialog, "inspection", ctx)
    dialog.reject()
    shooter.save_image(notice_image(page, workdir), "notice")
    shoot_places_elsewhere(shooter, window, ctx)


def shoot_places_elsewhere(shooter, window, ctx) -> None:
    """The places due beside the households (visits page), and the places' figures (dashboard, scrolled to them)."""
    from PySide6.QtWidgets import QScrollArea

    from screenshots import settle

    visits = window.pages["visits"]
    window.show_page("visits")
    visits.tabs.setCurrentIndex(1)
    shooter.save(window, "visits-due", ctx)
    visits.tabs.setCurrentIndex(0)
    dashboard = window.pages["dashboard"]
    window.show_page("dashboard")
    settle(shooter.app, ctx)
    scroll = dashboard.findChild(QScrollArea)
    scroll.verticalScrollBar().setValue(scroll.verticalScrollBar().maximum())
    shooter.save(window, "dashboard-places", ctx)
    scroll.verticalScrollBar().setValue(0)


def notice_image(page, workdir: Path):
    """The rectification notice of the place shown, drawn as it prints (the document of the PDF), on white."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QColor, QImage, QPainter

    from gridworker.ui.places.notice import notice_document
    from gridworker.ui.places.records import hazard_of, inspection_of, place_of

    card_view = page.card
    inspection = card_view.notice_inspection()
    hazards = [hazard_of(h, inspection.id) for h in card_view.notice_hazards(inspection)]
    doc = notice_document(place_of(card_view.card.place), inspection_of(inspection), hazards, page.checklists,
                          inspector=page.ctx.actor.display_name, lang=page.ctx.lang)  # fmt: skip
    width = 794  # A4 at 96 dpi
    doc.setTextWidth(width - 2 * 60)
    height = max(1123, int(doc.size().height()) + 120)
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.translate(60, 60)
    doc.drawContents(painter, QRectF(0, 0, width - 120, height - 120))
    painter.end()
    return image


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "gw-place-shots")
    parser.add_argument("--lang", action="append", choices=["zh", "en"])
    parser.add_argument("--persons", type=int, default=300)
    parser.add_argument("--size", default="1366x800", help="the large size (make screenshots: 1366x800)")
    args = parser.parse_args(argv)
    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("GRIDWORKER_KDF", "fast")
    with tempfile.TemporaryDirectory(prefix="gw-place-shots-") as home:
        os.environ["GRIDWORKER_HOME"] = home
        from PySide6.QtWidgets import QApplication

        import screenshots as shots
        from gridworker.ui.app import configure_application, make_context, make_main_window
        from gridworker.ui.settings import Settings, install_translators

        app = QApplication.instance() or QApplication(sys.argv[:1])
        configure_application(app)
        manager, community = shots.make_demo(args.persons)
        place_id = None
        for lang in args.lang or ["zh", "en"]:
            install_translators(lang)
            ctx = make_context(*manager.open(shots.ACCOUNT, shots.PASSWORD), lang)
            place_id = place_id or seed_places(ctx, Path(home), community)
            window = make_main_window(ctx, settings=Settings())
            wide = tuple(int(n) for n in args.size.split("x"))
            for size, folder in ((wide, args.out / lang), (shots.SMALL, args.out / "small" / lang)):
                shooter = shots.Shooter(app, folder.parent, folder.name)
                shots.sized(window, size)
                window.show()
                shoot_places(shooter, window, ctx, place_id, Path(home))
                print("\n".join(str(p) for p in shooter.written))
            window.close()
            shots.settle(app, ctx)
            ctx.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
