#!/usr/bin/env python3
"""Render every main screen of the desktop app on the demo community, in Chinese and English.

    python scripts/screenshots.py [--out docs/screenshots] [--lang zh --lang en] [--persons 2000]

Writes docs/screenshots/<lang>/<screen>.png at 1366×800, and every page of the main window again at
1024×600 (a netbook) into docs/screenshots/small/<lang>/: the sign-in dialog (both faces),
the registers page, the household view, the person, household and building
editors, the report of checking a workbook to import, a list comparison's result, a grid's team,
the error dialog, and every other page of the main window that exists
(places, visits, snap and report, incidents, dashboard, participation with each of its tabs, sync); the places page
with a place's card, an inspection and the rectification notice
(scripts/screenshots_places.py). Runs offscreen unless
a display is set (`xvfb-run` for `make screenshots`), in a throw-away
GRIDWORKER_HOME, so a user's own data and settings are never touched.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("GRIDWORKER_KDF", "fast")

ACCOUNT, PASSWORD = "demo", "demo1234"
SIZE = (1366, 800)  # a common laptop screen
SMALL = (1024, 600)  # a netbook: every page must still show whole
AS_OF = date(2025, 6, 1)


def settle(app, ctx=None, *, at_least: float = 0.3, quiet: float = 0.25, limit: float = 20.0) -> None:
    """Let queued work finish: the task runner idle for `quiet` seconds (and `at_least` seconds in all)."""
    from PySide6.QtCore import QEventLoop

    start = last_busy = time.monotonic()
    while True:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        now = time.monotonic()
        if ctx is not None and ctx.runner.busy:
            last_busy = now
        if now - start >= at_least and now - last_busy >= quiet:
            return
        if now - start > limit:
            raise SystemExit("screens did not settle within 20 s")
        time.sleep(0.01)


def make_demo(persons: int):
    """A demo account with a generated community and some field work (visits, incidents) to show."""
    from gridworker.demo.data import generate
    from gridworker.demo.load import load_demo
    from gridworker.store import AccountManager

    manager = AccountManager()
    manager.create(ACCOUNT, PASSWORD)
    _account, store = manager.open(ACCOUNT, PASSWORD)
    community = generate(persons=persons, seed=1, as_of=AS_OF)
    try:
        load_demo(store, community)
        from gridworker.demo.participation import seed_participation

        seed_participation(store, today=AS_OF)  # members, orders, a shop, a year of points (issue 16)
    finally:
        store.close()
    return manager, community


def seed_fieldwork(ctx, community, workdir: Path) -> str:
    """Visits to the first households and a few reported incidents, signed by the demo actor.

    Returns the head of the first household visited: the person the registers screenshot shows."""
    from PIL import Image, ImageDraw

    from gridworker.services.incidents import report_incident
    from gridworker.services.visits import log_visit

    now = datetime.now(timezone.utc)
    visited = [h for h in community.households[:12] if h["head_person_id"]]
    visits = [("met", "身体状况良好，按时服药"), ("met", "反映楼道灯不亮"), ("not_home", None),
              ("met", "独居老人，子女每周探望"), ("refused", None), ("met", "家中无异常")]  # fmt: skip
    for i, (household, (outcome, notes)) in enumerate(zip(visited, visits, strict=False)):
        log_visit(ctx.store, household["id"], visitor_id=ctx.actor.id, outcome=outcome, notes=notes,
                  visited_at=now - timedelta(days=i * 3, hours=2))  # fmt: skip
    photo = workdir / "scene.jpg"
    image = Image.new("RGB", (1024, 768), (126, 146, 160))
    ImageDraw.Draw(image).rectangle((260, 220, 760, 560), fill=(70, 80, 70))
    image.save(photo, quality=85)
    reports = [("E0101", "小区东门垃圾堆放，无人清理", "urgent"), ("C0201", "3幢前路灯不亮", "normal"),
               ("C0302", "公告栏玻璃破损", "low")]  # fmt: skip
    for i, (category, description, urgency) in enumerate(reports):
        report_incident(ctx.store, ctx.photos_dir, reporter_id=ctx.actor.id, reporter_role=ctx.actor.role,
                        category=category, description=description, urgency=urgency, photos=[photo],
                        household_id=visited[i]["id"], reported_at=now - timedelta(hours=5 + i * 20))  # fmt: skip
    return visited[0]["head_person_id"]


class Shooter:
    def __init__(self, app, out: Path, lang: str):
        self.app = app
        self.folder = out / lang  # out / "small" / lang for the netbook size
        self.folder.mkdir(parents=True, exist_ok=True)
        self.written: list[Path] = []

    def save(self, widget, name: str, ctx=None) -> None:
        settle(self.app, ctx)
        path = self.folder / f"{name}.png"
        if not widget.grab().save(str(path)):
            raise SystemExit(f"could not write {path}")
        self.written.append(path)

    def save_image(self, image, name: str) -> None:
        """A picture drawn off screen (the rectification notice as it prints)."""
        path = self.folder / f"{name}.png"
        if not image.save(str(path)):
            raise SystemExit(f"could not write {path}")
        self.written.append(path)


def shoot_sign_in(shooter: Shooter, lang: str, manager) -> None:
    from gridworker.store import AccountManager
    from gridworker.ui.settings import Settings
    from gridworker.ui.signin import SignInDialog

    dialog = SignInDialog(lang, Settings(), manager)
    dialog.show()
    shooter.save(dialog, "signin")
    dialog.close()
    with tempfile.TemporaryDirectory() as empty:  # a PC with no account yet: the first-run face
        first = SignInDialog(lang, Settings(), AccountManager(empty))
        first.server.setText("https://grid.example.cn")
        first.username.setText("zhangwei")
        first.show()
        shooter.save(first, "signin-first-run")
        first.close()


def shoot_register(shooter: Shooter, window, ctx, person_id: str) -> None:
    from gridworker.domain import idnumber
    from gridworker.domain.enums import Gender
    from gridworker.ui.register.lists import PEOPLE

    page = window.pages["register"]
    window.show_page("register")
    settle(shooter.app, ctx)
    tree = page.tree_model
    grid = _first_grid(tree, page, shooter, ctx)
    page.tree.setCurrentIndex(grid)
    settle(shooter.app, ctx)
    model = page.lists.people
    row = max(model.row_of(person_id), 0)
    page.lists.select_row(PEOPLE, row)
    page.lists.views[PEOPLE].scrollTo(model.index(row, 0))
    shooter.save(window, "register", ctx)
    shooter.save(page.household, "household", ctx)

    page.search.setText("zml" if ctx.lang == "zh" else "zhang")
    shooter.save(window, "register-search", ctx)
    page.search.clear()
    settle(shooter.app, ctx)

    page.editor = None
    page.new_person(page.household.household_id)
    settle(shooter.app, ctx)
    editor = page.editor
    editor.name.setText("林晓燕")
    editor.phone.setText("1391234")
    editor.save()  # refused: the message shows under the phone field
    settle(shooter.app, ctx)
    number = idnumber.make("330106", date(1986, 3, 9), 42, Gender.female)
    editor.id_number.setText(number)
    editor.id_number.textEdited.emit(number)  # as if typed: fills in birth date and gender
    shooter.save(editor, "person-editor", ctx)
    editor._baseline = editor.values()  # close without the unsaved-edits question
    editor.reject()

    page.editor = None
    page._edit_record("household", page.household.household_id)
    settle(shooter.app, ctx)
    shooter.save(page.editor, "household-editor", ctx)
    page.editor.reject()


def shoot_register_excel(shooter: Shooter, window, ctx, workdir: Path) -> None:
    """The building editor with a refused value, and the report of checking a workbook with two bad cells."""
    import openpyxl

    from gridworker.services.excel_columns import SHEET_BY_KIND
    from gridworker.services.register_excel import export_workbook

    page = window.pages["register"]
    page.editor = None
    page.new_building()
    settle(shooter.app, ctx)
    editor = page.editor
    editor.estate.setText("香樟雅苑")
    editor.name.setText("12幢")
    editor.units.setText("2")
    editor.floors.setText("十八")
    editor.lat.setText("30.2796")
    editor.lon.setText("120.1342")
    editor.save()  # refused: the message shows under the floors field
    settle(shooter.app, ctx)
    shooter.save(editor, "building-editor", ctx)
    editor._baseline = editor.values()  # close without the unsaved-edits question
    editor.reject()

    path = workdir / f"register-{ctx.lang}.xlsx"  # the register as exported, then edited by hand
    export_workbook(ctx.store, path, ctx.lang)
    book = openpyxl.load_workbook(path)
    people = book.worksheets[-1]
    headers = [c.value for c in people[1]]
    columns = {f: headers.index(c.header(ctx.lang)) for f, c in SHEET_BY_KIND["person"].by_field.items()}
    people.cell(3, columns["phone"] + 1, "1391234")
    people.cell(6, columns["birth_date"] + 1, "1988-02-30")
    newcomer = [c.value for c in people[2]]  # a new resident of the first household: a row to add
    for field, value in (("name", "林晓燕"), ("id_number", None), ("phone", None), ("birth_date", None),
                         ("relation", None)):  # fmt: skip
        newcomer[columns[field]] = value
    people.append(newcomer)
    book.save(path)
    page.import_excel(path)
    settle(shooter.app, ctx)
    shooter.save(page.transfer.report_dialog, "import-report", ctx)
    page.transfer.report_dialog.reject()
    settle(shooter.app, ctx)


def shoot_list_compare(shooter: Shooter, small: Shooter, window, ctx, workdir: Path) -> None:
    """The comparison result (issue 15): a list of two thirds of the register's people, one phone changed, a row
    twice and two strangers, compared; at its own size and at the netbook's."""
    import openpyxl

    from gridworker.domain import idnumber
    from gridworker.domain.enums import Gender
    from gridworker.services.queries.register import people_to_compare

    people = people_to_compare(ctx.store)
    listed = [p for p in people if p.id_number][: 2 * len(people) // 3]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["2025年高龄津贴发放名单" if ctx.lang == "zh" else "Old-age allowance roll 2025"])
    sheet.append(["序号", "姓名", "身份证号码", "联系电话", "发放金额"])
    for i, p in enumerate(listed, start=1):
        sheet.append([i, p.name, p.id_number, "13999990000" if i == 3 else p.phone, 100])
    sheet.append([len(listed) + 1, listed[5].name, listed[5].id_number, listed[5].phone, 100])
    for n in (1, 2):
        sheet.append([len(listed) + 1 + n, "林某" if n == 1 else "陈某", idnumber.make("440301", date(1950, n, 1), n, Gender.male), "", 100])
    path = workdir / f"allowance-{ctx.lang}.xlsx"
    book.save(path)
    dialog = window.pages["register"].compare_list(path)
    settle(shooter.app, ctx)
    dialog.compare()
    settle(shooter.app, ctx)
    shooter.save(dialog, "list-compare", ctx)
    dialog.resize(990, 560)  # inside 1024×600 with the window's frame
    small.save(dialog, "list-compare", ctx)
    dialog.reject()
    settle(shooter.app, ctx)


def shoot_roster(shooter: Shooter, small: Shooter, window, ctx) -> None:
    """A grid's team (1+6+N), three required roles still empty (the dashboard then lists the grid as incomplete)."""
    from gridworker.services import roster
    from gridworker.services.queries.places import area_choices
    from gridworker.services.queries.register import people_to_compare
    from gridworker.services.queries.roster import grid_roster

    grid = next(a for a in area_choices(ctx.store) if a.level == "grid")
    if not grid_roster(ctx.store, grid.id):  # the first language's run adds them; the second shows the same team
        people = [p for p in people_to_compare(ctx.store, grid.id) if p.phone]
        for role, person, skills in (("leader", people[0], "党员，社区工作 12 年"), ("building_head", people[3], None),
                                     ("volunteer", people[7], "急救证")):  # fmt: skip
            roster.add_member(ctx.store, {"area_id": grid.id, "role": role, "person_id": person.id, "skills": skills})
        roster.add_member(ctx.store, {"area_id": grid.id, "role": "full_time", "name": "周晓梅", "phone": "13957112345"})
        roster.add_member(ctx.store, {"area_id": grid.id, "role": "doctor", "name": "吴建国", "phone": "13857154321",
                                      "skills": "社区卫生服务站全科医生"})  # fmt: skip
    dialog = window.pages["register"].open_roster(grid.id, grid.name)
    settle(shooter.app, ctx)
    shooter.save(dialog, "roster", ctx)
    small.save(dialog, "roster", ctx)
    dialog.reject()
    settle(shooter.app, ctx)


def _first_grid(tree, page, shooter, ctx):
    """Open the tree down to the first grid and return its index."""
    from gridworker.domain.enums import AreaLevel

    index = tree.index(0, 0)
    for _ in range(8):
        node = tree.node(index)
        if node.kind == "area" and node.detail == AreaLevel.grid.value:
            return index
        page.tree.expand(index)
        settle(shooter.app, ctx)
        index = tree.index(0, 0, index)
    raise SystemExit("the demo community has no grid")


def sized(window, size) -> None:
    """The window at exactly `size` (not maximized to the offscreen screen, as a small screen would make it)."""
    from PySide6.QtCore import Qt

    window.setWindowState(Qt.WindowState.WindowNoState)
    window.resize(*size)


def shoot_small(shooter: Shooter, window, ctx) -> None:
    """Every page at 1024×600; the incident board with an incident open, the report page with its form."""
    sized(window, SMALL)
    for page_id in window.pages:
        if page_id == "sync":  # shot on a linked account (shoot_sync)
            continue
        window.show_page(page_id)
        page = window.pages[page_id]
        if page_id == "incidents" and hasattr(page, "table") and page.model.rowCount():
            settle(shooter.app, ctx)
            page.table.selectRow(0)
        shooter.save(window, page_id, ctx)
    sized(window, SIZE)


def shoot_other_pages(shooter: Shooter, window, ctx) -> None:
    for page_id in window.pages:
        if page_id in ("register", "sync"):  # sync: shot on a linked account (shoot_sync)
            continue
        window.show_page(page_id)
        shooter.save(window, page_id, ctx)


def shoot_participation(shooter: Shooter, window, ctx, size=None) -> None:
    """Each tab of the participation page (党群服务), a row chosen where the tab has a list."""
    window.show_page("participation")
    page = window.pages["participation"]
    for index in range(page.tabs.count()):
        page.tabs.setCurrentIndex(index)
        tab = page.tabs.currentWidget()
        if hasattr(tab, "year"):  # the demo's year, not the calendar's
            tab.year.setValue(AS_OF.year)
        if hasattr(tab, "period"):  # all time: the demo's points are dated before today
            tab.period.setCurrentIndex(tab.period.count() - 1)
        settle(shooter.app, ctx)
        if tab.model.rowCount():
            tab.table.selectRow(0)
            settle(shooter.app, ctx)
        name = ("members", "residents", "orders", "activities", "points", "shop", "wishes", "notices", "evaluation")[index]
        shooter.save(window, f"participation-{name}", ctx)
    page.tabs.setCurrentIndex(0)


def shoot_sync(shooter: Shooter, manager, server, lang: str, small: Shooter | None = None) -> None:
    """The sync page of an account linked to a real (demo) server, with a conflict to review.

    The offline demo account of the other screens is not linked, so its sync page only says so; here a
    second account signs in as demo_worker1, and the community's dispatcher changes the same phone
    number after it — the worker's sync then lists the conflict with both values."""
    from sqlmodel import select

    from gridworker.demo.account import DEMO_PASSWORD
    from gridworker.demo.server import link_demo_account
    from gridworker.domain.models import Household
    from gridworker.services import register
    from gridworker.sync import link
    from gridworker.sync.engine import SyncEngine
    from gridworker.ui.app import make_context, make_main_window
    from gridworker.ui.settings import Settings
    from gridworker.ui.sync_controller import controller_for

    manager.create(f"worker-{lang}", PASSWORD)
    account, store = manager.open(f"worker-{lang}", PASSWORD)
    link_demo_account(account, store, server.url)
    manager.create(f"dispatcher-{lang}", PASSWORD)
    other_account, other_store = manager.open(f"dispatcher-{lang}", PASSWORD)
    link.login(other_account, other_store, server.url, "demo_dispatcher", DEMO_PASSWORD)
    mine, theirs = SyncEngine(account, store), SyncEngine(other_account, other_store)
    for engine in (mine, theirs):
        if engine.sync_once().error is not None:
            raise SystemExit("the demo server did not sync")
    with store.read() as s:
        household = s.exec(select(Household).where(Household.deleted == False).order_by(Household.address)).first()  # noqa: E712
    suffix = "1" if lang == "zh" else "2"  # each language's run makes a conflict of its own
    register.update_household(store, household.id, {"phone": "1385711000" + suffix})  # earlier: loses
    register.update_household(other_store, household.id, {"phone": "1395711000" + suffix})  # later: wins
    theirs.sync_once()
    theirs.close()
    mine.close()
    other_store.close()

    ctx = make_context(account, store, lang)
    window = make_main_window(ctx, settings=Settings())
    sized(window, SIZE)
    window.show()
    window.show_page("sync")
    controller_for(ctx).sync_now()
    settle(shooter.app, ctx, at_least=1.0)
    page = window.pages["sync"]
    page.conflicts_view.selectRow(0)
    shooter.save(window, "sync", ctx)
    if small is not None:
        sized(window, SMALL)
        small.save(window, "sync", ctx)
    window.close()
    settle(shooter.app, ctx)
    ctx.close()


def shoot_error(shooter: Shooter, window, ctx) -> None:
    logging.getLogger("gridworker.ui.errors").setLevel(logging.CRITICAL)  # staged: not worth a log line
    try:
        raise ConnectionError("the sync server closed the connection")
    except ConnectionError as exc:
        from gridworker.ui.errors import format_traceback

        dialog = window.reporter.show_error(exc, format_traceback(exc), window)
    shooter.save(dialog, "error-dialog", ctx)
    dialog.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Render the main screens into PNG files.")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--lang", action="append", choices=["zh", "en"], help="default: both")
    parser.add_argument("--persons", type=int, default=2000)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="gw-shots-") as home:
        os.environ["GRIDWORKER_HOME"] = home
        from PySide6.QtCore import QEvent
        from PySide6.QtWidgets import QApplication

        from gridworker.demo.server import DemoServer
        from screenshots_places import seed_places, shoot_places
        from gridworker.ui.app import configure_application, make_context, make_main_window
        from gridworker.ui.settings import Settings, install_translators

        app = QApplication.instance() or QApplication(sys.argv[:1])
        configure_application(app)
        manager, community = make_demo(args.persons)
        server = DemoServer(Path(home) / "demo-server")  # what `make run` starts: the sync page needs one
        server.prepare(persons=args.persons)
        server.start()
        written: list[Path] = []
        for lang in args.lang or ["zh", "en"]:
            install_translators(lang)
            ctx = make_context(*manager.open(ACCOUNT, PASSWORD), lang)
            if not written:
                person_id = seed_fieldwork(ctx, community, Path(home))
                place_id = seed_places(ctx, Path(home), community)
            shooter = Shooter(app, args.out, lang)
            shoot_sign_in(shooter, lang, manager)
            small = Shooter(app, args.out / "small", lang)
            window = make_main_window(ctx, settings=Settings())
            sized(window, SIZE)
            window.show()
            shoot_register(shooter, window, ctx, person_id)
            shoot_register_excel(shooter, window, ctx, Path(home))
            shoot_list_compare(shooter, small, window, ctx, Path(home))
            shoot_roster(shooter, small, window, ctx)
            shoot_other_pages(shooter, window, ctx)
            shoot_places(shooter, window, ctx, place_id, Path(home))
            shoot_participation(shooter, window, ctx)
            shoot_error(shooter, window, ctx)
            shoot_small(small, window, ctx)
            sized(window, SMALL)
            shoot_participation(small, window, ctx)
            sized(window, SIZE)
            window.close()
            settle(app, ctx)
            ctx.close()
            shoot_sync(shooter, manager, server, lang, small)
            written += shooter.written + small.written
        # Widgets go before the application object does (else PySide may free them twice at exit).
        # Only parentless ones: a dialog or menu with a parent goes with it (deleting both frees it twice).
        for widget in app.topLevelWidgets():
            if widget.parent() is None:
                widget.deleteLater()
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        server.stop()
    for path in written:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
