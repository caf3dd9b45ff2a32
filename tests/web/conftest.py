"""Fixtures of the phone-page tests: a real server process, a person of the register, and a real browser.

The browser is Debian's `chromium` (scripts/system-deps.sh installs it) driven by
Playwright for Python through `executable_path`: Playwright's own browser
download is not used. Where no chromium is installed, the browser tests skip
and say so; everything else here runs without one.
"""

from __future__ import annotations

import os
import shutil
from datetime import date

import pytest

from gridworker.domain import idnumber
from gridworker.domain.enums import Gender
from gridworker.services import register

from ..sync.helpers import area_ids
from ..sync.server import ServerProcess, make_client

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
PERSON_NAME = "王秀英"
PERSON_ID = idnumber.make("500223", date(1961, 3, 14), 21, Gender.female)
# A person of the register is one resident account (the first to verify holds it): each test that verifies takes
# a namesake of its own (helpers.next_person_id); the web_server's register holds them all.
PERSON_IDS = [PERSON_ID] + [idnumber.make("500223", date(1962, 4, 15), 100 + 2 * n, Gender.female) for n in range(80)]
PHONE_VIEWPORT = {"width": 360, "height": 640}


def chromium_path() -> str | None:
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="session")
def web_server(tmp_path_factory):
    """One server for the session, with grid G1's register holding PERSON_NAME (and a grid worker w1a)."""
    os.environ["GRIDWORKER_WEB_RATE_SCALE"] = "50"  # every browser of the suite comes from 127.0.0.1
    srv = ServerProcess(tmp_path_factory.mktemp("web") / "data").set_up().start()
    home = tmp_path_factory.mktemp("web-worker-home")
    worker = make_client(home, srv, "w1a")
    worker.sync_ok()
    store = worker.store
    b = register.register_building(store, {"name": "3号楼", "estate": "幸福小区", "area_id": area_ids(worker)["G1"]})
    hh = register.register_household(store, {"building_id": b.id, "unit": "2", "room": "301"})
    for number in PERSON_IDS:
        register.register_person(store, {"name": PERSON_NAME, "household_id": hh.id, "id_number": number})
    worker.sync_ok()
    srv.worker = worker
    yield srv
    worker.close()
    srv.stop()
    os.environ.pop("GRIDWORKER_WEB_RATE_SCALE", None)


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        reason = "no chromium on this machine: scripts/system-deps.sh installs Debian's chromium package"
        if os.environ.get("GRIDWORKER_REQUIRE_BROWSER"):  # CI (.ci/run): a skipped browser test is a failure there
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


@pytest.fixture
def phone(browser, web_server):
    """A fresh phone: 360×640, touch, Chinese, no cookies; every request to another origin is recorded and refused."""
    context = browser.new_context(viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True, locale="zh-CN",
                                  permissions=[], base_url=web_server.url)  # fmt: skip
    context.set_default_timeout(20_000)
    context.outside = []

    def route(r):
        if r.request.url.startswith(web_server.url):
            r.continue_()
        else:
            context.outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.errors = []  # script errors and console errors: a page that works has none
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    # (A refusal the page shows — 409 not enough points — is logged by the browser as a failed load: not an error.)
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
    yield page
    context.close()
