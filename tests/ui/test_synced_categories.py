"""The report form offers the server's categories once a sync brought them (issue 12, item 4)."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt

from gridworker.services.changes import Changes, publish
from gridworker.sync import pull

CHARGER = {"code": "C0199", "name": "充电桩", "name_en": "EV charger", "parent_code": "C01", "kind": "component",
           "level_default": "community", "photo_required": False, "keywords": ["充电"]}  # fmt: skip


def _sync_brings(ctx, changes: list[dict]) -> None:
    with ctx.store.write() as s:
        pull.apply_page(s, changes)
    notice = Changes(initiator="sync")
    for change in changes:
        notice.add(change["entity"], change["id"])
    publish(notice)


def test_the_picker_offers_a_category_the_server_added_and_drops_a_withdrawn_one(qtbot, ctx):
    from gridworker.ui.pages.report import ReportPage
    from gridworker.ui.fieldwork.category import categories_for
    from gridworker.ui.fieldwork.text import category_text

    page = ReportPage(ctx)
    qtbot.addWidget(page)
    page.show()
    picker = page.category
    qtbot.waitUntil(lambda: not ctx.runner.busy, timeout=5000)
    assert "C0199" not in picker.table

    manhole = next(c for c in picker.table if c.code == "C0101")
    _sync_brings(ctx, [
        {"entity": "category", "id": str(uuid.uuid4()), "op": "upsert", "version": 1, "data": CHARGER},
        {"entity": "category", "id": str(uuid.uuid4()), "op": "delete", "version": 2,
         "data": {"code": manhole.code, "name": manhole.name, "parent_code": "C01"}},
    ])  # fmt: skip
    qtbot.waitUntil(lambda: "C0199" in picker.table, timeout=5000)
    assert "C0101" not in picker.table
    # The board, the dashboard and the incident detail name it too (not by its code).
    assert category_text("C0199", "zh", table=categories_for(ctx).table) == "充电桩"

    qtbot.keyClicks(picker.search, "cdz")
    qtbot.keyClick(picker.search, Qt.Key_Return)
    assert picker.code() == "C0199"
    assert picker.label() == "公用设施 › 充电桩"
