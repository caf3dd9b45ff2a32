"""The GUI stays responsive during a big first sync (issue 6).

A real `gridworker-server` process holds a 50,000-person demo district; an
empty local account signs in as demo_admin (scope: the whole district, so it
pulls every record, where demo_dispatcher sees only community 1) and has one
local incident with four noise photos queued for upload. The real main
window is shown while SyncController.sync_now() runs the initial sync; a
20 ms QTimer measures how late the event loop gets to it.
"""

from __future__ import annotations

import os
import time

import pytest
import requests
from PIL import Image
from PySide6.QtCore import QTimer
from sqlmodel import func, select

from gridworker.demo.account import DEMO_PASSWORD
from gridworker.demo.server import DemoServer
from gridworker.domain.categories import load_categories
from gridworker.domain.fieldwork import Photo
from gridworker.domain.models import Person
from gridworker.services import incidents
from gridworker.store.meta import get_meta
from gridworker.store import AccountManager
from gridworker.sync import link, state

PERSONS = 50_000
PHOTOS = 4  # noise 2048² JPEGs, stored re-encoded at quality 85: ~2.65 MiB each, ~10.6 MiB in all
TICK_MS = 20
MAX_LATENCY_MS = 100


@pytest.fixture(scope="module")
def big_server(tmp_path_factory):
    server = DemoServer(tmp_path_factory.mktemp("big-demo") / "demo-server")
    server.prepare(persons=PERSONS)  # ~16 s on 2 cores
    server.start()
    # The server stands in for another machine: here it shares the laptop's two cores with the app, which
    # it never does in use. Lowered like the app's own sync process, it does not take the GUI's turn.
    os.setpriority(os.PRIO_PROCESS, server.proc.pid, 10)
    yield server
    server.stop()


@pytest.fixture
def admin_ctx(qapp, big_server, gridworker_home):
    """An empty account signed in as demo_admin, in an AppContext; closed after the test."""
    from gridworker.ui.app import make_context
    from gridworker.ui.main_window import drain

    manager = AccountManager(gridworker_home)
    manager.create("big", "account-pass-1")
    account, store = manager.open("big", "account-pass-1")
    link.login(account, store, big_server.url, "demo_admin", DEMO_PASSWORD)
    ctx = make_context(account, store, "en")
    yield ctx
    if getattr(ctx, "_sync_controller", None):
        ctx._sync_controller.stop()
    drain(ctx.runner)
    ctx.close()
    store.close()


def _queue_incident_with_photos(ctx, tmp_path) -> list[Photo]:
    files = []
    for i in range(PHOTOS):
        path = tmp_path / f"scene-{i}.jpg"
        Image.frombytes("RGB", (2048, 2048), os.urandom(2048 * 2048 * 3)).save(path, quality=100)
        files.append(path)
    entry = ctx.account.info["server"]
    category = next(c.code for c in load_categories() if c.parent_code)
    incident = incidents.report_incident(
        ctx.store, ctx.photos_dir, reporter_id=entry["user_id"], reporter_role=entry["role"], category=category,
        description="楼道堆物（大照片）", photos=files, area_id=entry["area_ids"][0],
    )  # fmt: skip
    with ctx.store.read() as s:
        return list(s.exec(select(Photo).where(Photo.id.in_(incident.photo_ids))))


def _server_has(server, ctx, sha: str) -> int:
    with ctx.store.read() as s:
        token = get_meta(s, state.TOKEN)
    headers = {"X-Gridworker-Schema": "1", "Authorization": f"Bearer {token}"}
    return requests.head(f"{server.url}/api/v1/blobs/{sha}", headers=headers, timeout=10).status_code


@pytest.mark.slow
def test_gui_turns_within_100ms_during_first_sync_of_50000_persons_and_10mib_of_photos(
    qtbot, admin_ctx, big_server, tmp_path
):
    from gridworker.ui.app import make_main_window
    from gridworker.ui.sync_controller import controller_for

    ctx = admin_ctx
    photos = _queue_incident_with_photos(ctx, tmp_path)
    upload_bytes = sum(p.bytes for p in photos)
    assert upload_bytes > 10 * 1024 * 1024  # what really goes up: the stored (normalised) files
    window = make_main_window(ctx)
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    controller = controller_for(ctx)
    qtbot.waitUntil(lambda: not ctx.runner.busy, timeout=10_000)  # the window's first loads are done

    ticks: list[float] = []
    ticker = QTimer(interval=TICK_MS)
    ticker.timeout.connect(lambda: ticks.append(time.monotonic()))
    results = []
    controller.synced.connect(results.append)
    started = time.monotonic()
    ticker.start()
    controller.sync_now()
    qtbot.waitUntil(lambda: bool(results), timeout=80_000)
    ticker.stop()
    duration = time.monotonic() - started

    [result] = results
    assert result.error is None and result.complete
    assert result.uploaded == PHOTOS and result.photos_waiting == 0
    assert all(_server_has(big_server, ctx, p.sha256) == 200 for p in photos)
    with ctx.store.read() as s:
        persons = s.exec(select(func.count()).select_from(Person)).one()
    assert persons == PERSONS
    gaps_ms = [(b - a) * 1000 for a, b in zip(ticks, ticks[1:])]
    latency_ms = max(gaps_ms) - TICK_MS
    worst = sorted(range(len(gaps_ms)), key=gaps_ms.__getitem__)[-8:]
    print("\nworst gaps (ms at s):", [(round(gaps_ms[i]), round(ticks[i] - started, 1)) for i in worst])
    print(f"\nfirst sync: {result.pulled} records pulled, {upload_bytes / 2**20:.1f} MiB of photos uploaded "
          f"in {duration:.1f} s; event-loop latency max {latency_ms:.0f} ms over {len(ticks)} ticks")  # fmt: skip
    assert len(ticks) > 10
    assert latency_ms < MAX_LATENCY_MS
