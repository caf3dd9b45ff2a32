"""`gridworker-server demo-seed` seeds the participation too (issue 16: "the demo community gets members,
activities, orders, a shop and a year of ledger history, so `make run` shows it working"): the phone accounts
that README and the user guide name sign in, and the phone pages and the desk find content."""

from __future__ import annotations

import pytest

P = "/api/v1/p"


@pytest.fixture(scope="module")
def demo(backend, database_url, tmp_path_factory):
    from fastapi.testclient import TestClient

    from gridworker.demo.data import DEMO_PASSWORD
    from gridworker.demo.seed import demo_seed

    from . import conftest
    from .conftest import World, make_server

    app, settings = make_server(tmp_path_factory.mktemp(f"demo-{backend}"), database_url)
    with app.state.gw.db.write() as conn:
        counts = demo_seed(conn, persons=300, seed=3)
    saved, conftest.PASSWORD = conftest.PASSWORD, DEMO_PASSWORD  # World.login signs the demo's staff in with it
    try:
        with TestClient(app) as client:
            yield World(backend, app, client, settings, {}, {}), counts
    finally:
        conftest.PASSWORD = saved
        app.state.gw.db.dispose()


def _sign_in(client, phone: str) -> dict:
    from gridworker.demo.server_participation import DEMO_PHONE_PASSWORD

    r = client.post(P + "/auth/login", json={"phone": phone, "password": DEMO_PHONE_PASSWORD}, headers={"Accept-Language": "en"})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}", "Accept-Language": "en"}


def test_a_demo_member_signs_in_and_finds_work_points_and_a_shop(demo):
    from gridworker.demo.server_participation import DEMO_MEMBER_PHONES

    world, counts = demo
    assert counts["participation service_order"] >= 5 and counts["participation activity"] >= 2
    member = _sign_in(world.client, DEMO_MEMBER_PHONES[0])
    me = world.client.get(P + "/me", headers=member).json()
    assert me["member"]["status"] == "approved" and me["member"]["posts"] and me["balance"] > 0
    assert world.client.get(P + "/activities", headers=member).json()["activities"]
    shop = world.client.get(P + "/shop", headers=member).json()
    assert any(item["stock"] > 0 for item in shop["items"]), shop
    history = world.client.get(P + "/points", headers=member).json()
    assert history["entries"], history
    waiting = _sign_in(world.client, DEMO_MEMBER_PHONES[-1])
    assert world.client.get(P + "/me", headers=waiting).json()["member"]["status"] == "submitted"


def test_the_demo_resident_is_verified_and_the_desk_sees_orders_in_each_state(demo):
    from gridworker.demo.server_participation import DEMO_RESIDENT_PHONES

    world, _counts = demo
    resident = _sign_in(world.client, DEMO_RESIDENT_PHONES[0])
    me = world.client.get(P + "/me", headers=resident).json()["resident"]
    assert me["verified"] is True and me["special_group"] is True  # may make a micro-wish
    desk = world.api("demo_dispatcher")
    desk.pull()
    states = {d["status"] for (e, _i), d in desk.records.items() if e == "service_order"}
    assert {"raised", "published", "taken", "closed", "verified"} <= states, states
    held = [d for (e, _i), d in desk.records.items() if e == "activity" and d.get("attended")]
    assert held, "an activity held, with attendance"
    for entity in ("wish", "notice", "opinion", "shop_item", "redemption", "member", "resident", "ledger_entry"):
        assert any(e == entity for e, _i in desk.records), entity


def test_the_demo_communitys_phone_page_opens_from_its_qr_code(demo):
    from gridworker.demo.data import DEMO_USERS

    world, _counts = demo
    code = next(u for u in DEMO_USERS if u.role == "dispatcher").area_codes[0]
    page = world.client.get(f"/h5/c/{code}")
    assert page.status_code == 200 and "注册" in page.text


def test_a_demo_server_seeded_before_the_phone_accounts_gets_them_once(tmp_path, monkeypatch):
    """`make run` on a demo server folder from before (marker "1"): demo-seed --participation-only adds the phone
    accounts and their work once; a second run adds nothing."""
    from gridworker.demo import seed as demo
    from gridworker.demo.server_participation import DEMO_MEMBER_PHONES

    from .conftest import make_server

    app, _settings = make_server(tmp_path / "data", None)
    db = app.state.gw.db
    with monkeypatch.context() as m:
        m.setattr(demo, "demo_participation", lambda conn: {})  # the seed as it was
        with db.write() as conn:
            assert not any(k.startswith("participation") for k in demo.demo_seed(conn, persons=300, seed=4))
    with db.write() as conn:
        added = demo.demo_participation(conn)
    assert added["participation member"] == len(DEMO_MEMBER_PHONES) - 1  # approved; the last one waits
    with db.write() as conn:
        assert demo.demo_participation(conn) == {}
    db.dispose()


def test_a_member_checking_in_to_a_building_of_a_microgrid_is_placed_in_its_grid(demo):
    """The demo's buildings stand in microgrids (网格 › 微网格): a check-in names the estate and building, and the
    member goes to the grid above the building's microgrid, not to the community's pile to place by hand."""
    import json

    from sqlalchemy import select

    from gridworker.server.core.schema import records

    world, _counts = demo
    db = world.app.state.gw.db
    with db.engine.connect() as conn:
        areas = {rid: json.loads(d) for rid, d in conn.execute(select(records.c.id, records.c.data).where(records.c.entity == "area"))}
        building_area, data = next((a, json.loads(d)) for a, d in conn.execute(
            select(records.c.area_id, records.c.data).where(records.c.entity == "building")) if areas[a]["level"] == "microgrid")
    grid = areas[building_area]["parent_id"]
    community = areas[grid]["parent_id"]
    body = {"role": "member", "phone": "13700000991", "password": "secret-pass-1", "name": "钱勇", "community_id": community}
    token = world.client.post(P + "/auth/register", json=body).json()["token"]
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
    form = {"name": "钱勇", "phone": "13700000991", "employer": "区人民医院", "estate": data["estate"], "building": data["name"],
            "community_id": community, "skills": [], "posts": []}  # fmt: skip
    got = world.client.put(P + "/member/checkin", json=form, headers=headers)
    assert got.status_code == 200, got.text
    assert got.json()["member"]["area_id"] == grid and got.json()["member"]["to_place"] is False
