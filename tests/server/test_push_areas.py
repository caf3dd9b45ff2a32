"""Whoever may push to every area (an admin) can still only put records in areas that exist:
each area a push names is looked up by key, once a push (PushRun.area_exists)."""

from __future__ import annotations

from sqlalchemy import update

from gridworker.server.admin import operations as admin
from gridworker.server.core.schema import records

from .conftest import new_id


def test_an_admin_push_names_areas_that_exist_and_are_not_deleted(world):
    with world.db.write() as conn:
        admin.import_areas(conn, [{"code": "GONE", "parent_code": None, "name": "撤销的网格", "level": "grid"}])
        gone = next(a["id"] for a in admin.list_areas(conn) if a["code"] == "GONE")
        conn.execute(update(records).where(records.c.entity == "area", records.c.id == gone).values(deleted=True))
    boss = world.api("admin")
    g1, g2, nowhere = world.area_ids["G1"], world.area_ids["G2"], new_id()
    areas = [g1, nowhere, g2, gone, g1, nowhere]
    results = boss.push([boss.mutation("person", new_id(), {"name": f"赵{i}", "area_id": a}) for i, a in enumerate(areas)])
    assert [r["status"] for r in results] == ["applied", "rejected", "applied", "rejected", "applied", "rejected"]
    assert [r["error"]["code"] for r in results if r["status"] == "rejected"] == ["unknown_area"] * 3
    assert all(r["version"] is None for r in results if r["status"] == "rejected")
