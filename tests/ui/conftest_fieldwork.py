"""Fixtures of the field-work page tests: a demo community, people in three roles, real photos, real drops.

Imported by tests/ui/test_{visits_page,report_page,incident_board,dashboard}.py. The community is the
session's demo template of tests/ui/conftest.py (copied into each test's own home), opened here with
AppContexts for whichever people a test needs.
"""

from __future__ import annotations

from pathlib import Path

import piexif
import pytest
from PIL import Image
from PySide6.QtCore import QEvent, QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QComboBox

from sqlmodel import select

from gridworker.domain.models import Building
from gridworker.ui.context import Actor, AppContext

from .conftest import ACCOUNT, PASSWORD

WORKER = Actor("0b6c1f7e-0000-4000-8000-0000000000a1", "worker", "张伟")
DISPATCHER = Actor("0b6c1f7e-0000-4000-8000-0000000000a2", "dispatcher", "王丽")
HANDLER = Actor("0b6c1f7e-0000-4000-8000-0000000000a3", "handler", "陈刚")


@pytest.fixture
def demo_account(demo_accounts):
    """(account, store) of this test's copy of the demo community."""
    account, store = demo_accounts.open(ACCOUNT, PASSWORD)
    yield account, store
    store.close()


@pytest.fixture
def demo_store(demo_account):
    return demo_account[1]


@pytest.fixture
def spot(demo_store) -> tuple[float, float]:
    """A place about 30 m north of the first building of the demo community (rounded as EXIF keeps it)."""
    with demo_store.read() as s:
        building = s.exec(select(Building).where(Building.lat != None).order_by(Building.estate, Building.name)).first()  # noqa: E711
    return round(building.lat + 0.0003, 5), round(building.lon, 5)


@pytest.fixture
def make_ctx(qtbot, demo_account):
    """AppContexts over the one demo store, one per signed-in person (same store, different Actors)."""
    made: list[AppContext] = []

    def make(actor: Actor = WORKER, lang: str = "en") -> AppContext:
        ctx = AppContext(demo_account[0], demo_account[1], actor, lang=lang)
        made.append(ctx)
        return ctx

    yield make
    # Pages go first (their timers and data-changed slots with them), then the work they started, then the contexts.
    for widget in QApplication.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.DeferredDelete)
    for ctx in made:
        qtbot.waitUntil(lambda ctx=ctx: not ctx.runner.busy, timeout=10_000)
    QApplication.processEvents()
    for ctx in made:
        ctx.close()


def show(qtbot, page, size=(1200, 760)):
    """Show a page as the active window (keyboard shortcuts only reach the active window)."""
    qtbot.addWidget(page)
    page.resize(*size)
    page.show()
    activate(qtbot, page)
    area = getattr(getattr(page, "place", None), "area", None)
    if isinstance(area, QComboBox):  # a report's grid chooser fills from the database thread; a save before it is a race
        qtbot.waitUntil(lambda: area.count() > 0, timeout=10_000)
    return page


def activate(qtbot, window) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5_000)


def jpeg_with_gps(path: Path, lat: float, lon: float, *, size=(640, 480), colour=(200, 60, 40)) -> Path:
    """A real JPEG whose EXIF carries a GPS position (degrees, minutes, seconds as rationals)."""

    def dms(value: float):
        value = abs(value)
        deg = int(value)
        minutes = int((value - deg) * 60)
        seconds = round(((value - deg) * 60 - minutes) * 60 * 10000)
        return ((deg, 1), (minutes, 1), (seconds, 10000))

    exif = {
        "0th": {piexif.ImageIFD.Orientation: 1},
        "Exif": {piexif.ExifIFD.DateTimeOriginal: b"2026:03:02 09:30:00"},
        "GPS": {
            piexif.GPSIFD.GPSLatitudeRef: b"N" if lat >= 0 else b"S",
            piexif.GPSIFD.GPSLatitude: dms(lat),
            piexif.GPSIFD.GPSLongitudeRef: b"E" if lon >= 0 else b"W",
            piexif.GPSIFD.GPSLongitude: dms(lon),
        },
    }
    img = Image.new("RGB", size, (120, 170, 210))
    img.paste(colour, (0, size[1] // 2, size[0] // 3, size[1]))  # a mark that shows which way is up
    img.save(path, "JPEG", quality=90, exif=piexif.dump(exif))
    return path


def drop_files(widget, paths) -> None:
    """Drag files from a file manager and drop them on `widget`, as Qt delivers it."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    centre = widget.rect().center()
    enter = QDragEnterEvent(centre, Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted(), "the widget refused the drag"
    drop = QDropEvent(QPointF(centre), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    QApplication.sendEvent(widget, drop)


def click_row(qtbot, table, row: int, modifier=Qt.NoModifier) -> None:
    rect = table.visualRect(table.model().index(row, 1))
    qtbot.mouseClick(table.viewport(), Qt.LeftButton, modifier, rect.center())


__all__ = [
    "DISPATCHER", "HANDLER", "WORKER", "activate", "click_row", "demo_account", "demo_store", "drop_files",
    "jpeg_with_gps", "make_ctx", "show", "spot",
]  # fmt: skip
