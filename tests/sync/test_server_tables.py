"""The server's holiday and category tables reach every client and are used offline (issue 12, item 4).

A real server process: an admin imports next year's 调休 table (and a new
category) while a device already synced; at its next sync the device keeps
them, and a deadline it computes offline for an incident dispatched in 2027
counts 2027's make-up working day and holiday, not Monday–Friday.
"""

import json
from datetime import date, datetime, timedelta, timezone

from gridworker import resources_path
from gridworker.services import incidents, tables

from .helpers import area_ids

CHINA = timezone(timedelta(hours=8))
# Invented for the test (2027-02-05 is a Friday): a week off with a make-up Saturday before and Sunday after.
HOLIDAYS_2027 = {
    "format": "gridworker-holidays",
    "version": 1,
    "years": {
        "2027": [
            {"name": "春节", "name_en": "Spring Festival", "from": "2027-02-07", "to": "2027-02-13",
             "workdays": ["2027-02-06", "2027-02-14"]},
        ]
    },
}  # fmt: skip


def _import(srv, tmp_path, what: str, table: dict) -> None:
    path = tmp_path / f"{what}.json"
    path.write_text(json.dumps(table, ensure_ascii=False), "utf-8")
    srv.admin(what, "import", str(path))


def _with_new_category(shipped_path) -> dict:
    table = json.loads(shipped_path.read_text("utf-8"))
    table["categories"][0]["children"].append({"code": "C0199", "name": "充电桩", "name_en": "EV charger", "photo_required": False})
    return table


def test_a_holiday_import_reaches_a_synced_client_and_sets_its_2027_deadlines(fresh_server, clients, tmp_path):
    srv = fresh_server
    disp = clients(srv, "disp")
    disp.sync_ok()  # synced before the import: the table must come through the feed
    assert 2027 in tables.missing_holiday_years(disp.store, date(2026, 12, 7))
    friday = datetime(2027, 2, 5, 10, 0, tzinfo=CHINA)
    assert tables.calendar_of(disp.store).add_workdays(friday, 1) == datetime(2027, 2, 8, 10, 0, tzinfo=CHINA)

    _import(srv, tmp_path, "holiday", HOLIDAYS_2027)
    disp.sync_ok()

    assert tables.missing_holiday_years(disp.store, date(2026, 12, 7)) == []
    calendar = tables.calendar_of(disp.store)
    assert calendar.add_workdays(friday, 1) == datetime(2027, 2, 6, 10, 0, tzinfo=CHINA)  # the make-up Saturday
    assert calendar.add_workdays(friday, 3) == datetime(2027, 2, 15, 10, 0, tzinfo=CHINA)  # over the holiday week
    assert not calendar.is_workday(date(2026, 10, 1))  # the shipped years are kept

    # Offline: an incident reported and dispatched in 2027 gets its deadline from 2027's table.
    entry = disp.account.info["server"]
    who = {"actor_id": entry["user_id"], "actor_role": entry["role"]}
    g1 = area_ids(disp)["G1"]
    incident = incidents.report_incident(
        disp.store, disp.account.photos_dir, reporter_id=who["actor_id"], reporter_role=who["actor_role"],
        category=_no_photo_category(disp), description="路灯不亮", area_id=g1,
        source="request", reported_at=friday - timedelta(hours=1),
    )  # fmt: skip
    incidents.transition_incident(disp.store, incident.id, "accept", at=friday - timedelta(minutes=30), **who)
    handler_id = clients(srv, "w1a").account.info["server"]["user_id"]  # a worker of G1 may be dispatched to
    state = incidents.transition_incident(disp.store, incident.id, "dispatch", at=friday, assignee_id=handler_id, **who)
    assert state.deadline == datetime(2027, 2, 6, 10, 0, tzinfo=CHINA)
    disp.sync_ok()  # the server, on the same table, agrees
    assert srv.records()[("incident", incident.id)]["data"]["deadline"].startswith("2027-02-06T10:00")


def test_a_category_import_reaches_the_client_and_is_checked_offline(fresh_server, clients, tmp_path):
    srv = fresh_server
    w = clients(srv, "w1a")
    w.sync_ok()
    assert "C0199" not in tables.categories_of(w.store)
    shipped = resources_path("categories.json")
    _import(srv, tmp_path, "category", _with_new_category(shipped))
    w.sync_ok()
    table = tables.categories_of(w.store)
    assert table.get("C0199").name == "充电桩"
    assert table.get("C0199").parent_code == "C01"
    assert "C0101" in table
    entry = w.account.info["server"]
    incident = incidents.report_incident(
        w.store, w.account.photos_dir, reporter_id=entry["user_id"], reporter_role=entry["role"],
        category="C0199", description="充电桩损坏", area_id=area_ids(w)["G1"], source="request",
    )  # fmt: skip
    assert incident.category == "C0199"


def _no_photo_category(client) -> str:
    return next(c.code for c in tables.categories_of(client.store) if c.parent_code and not c.photo_required)
