"""Bad input gets a clear 4xx in the protocol's error body, and nothing is stored half.

The TestClient re-raises any exception that reaches the app's last-resort
handler, so a bug behind bad input fails these tests instead of hiding in a 500.
"""

from __future__ import annotations

import json

from sqlalchemy import func, select

from gridworker.server.core.schema import changes, mutations, records

from .conftest import new_id

SQL = "Robert'); DROP TABLE records;--"


def _counts(world):
    with world.db.read() as conn:
        return tuple(conn.execute(select(func.count()).select_from(t)).scalar() for t in (records, changes, mutations))


def _error(r, status, code=None):
    assert r.status_code == status, (r.status_code, r.text)
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) >= {"code", "message", "details"}
    assert set(body["error"]) - {"code", "message", "details"} <= {"message_zh", "message_en"}
    assert body["error"]["message"]
    if code:
        assert body["error"]["code"] == code, body
    return body["error"]


def test_malformed_and_mistyped_pushes_are_refused_whole(world):
    w1 = world.api("w1")
    before = _counts(world)
    good = w1.mutation("building", new_id(), {"name": "好的", "area_id": world.area_ids["G1"]})
    bodies = [
        (b'{"device_id": w1.device, "mutations": [', 400, "malformed_json"),
        (b"\xff\xfe not utf-8", 400, "malformed_json"),
        (b"[]", 422, "invalid_request"),
        (b"null", 422, "invalid_request"),
        (json.dumps({"device_id": w1.device, "mutations": "all of them"}).encode(), 422, "invalid_request"),
        (json.dumps({"device_id": w1.device, "mutations": [good | {"base_version": "3"}]}).encode(), 422, "invalid_request"),
        (json.dumps({"device_id": w1.device, "mutations": [good | {"op": "merge"}]}).encode(), 422, "invalid_request"),
        (json.dumps({"device_id": w1.device, "mutations": [good | {"id": "../../etc/passwd"}]}).encode(), 422, "invalid_request"),
        (json.dumps({"device_id": w1.device, "mutations": [good | {"hlc": "yesterday, roughly........"}]}).encode(), 422, "invalid_request"),
        (json.dumps({"device_id": w1.device, "mutations": [good | {"surprise": 1}]}).encode(), 422, "invalid_request"),
        (json.dumps({"device_id": "", "mutations": [good]}).encode(), 422, "invalid_request"),
        (json.dumps({"device_id": "someone-else", "mutations": [good]}).encode(), 422, "device_mismatch"),
        (json.dumps({"device_id": w1.device, "mutations": [good, good | {"mutation_id": new_id(), "entity": "spaceship"}]}).encode(), 422, "invalid_mutations"),
        (json.dumps({"device_id": w1.device, "mutations": [good, good | {"mutation_id": new_id(), "fields": {"colour": "red"}}]}).encode(), 422, "invalid_mutations"),
        (json.dumps({"device_id": w1.device, "mutations": [good, good | {"mutation_id": new_id(), "fields": {"floors": "6"}}]}).encode(), 422, "invalid_mutations"),
        (json.dumps({"device_id": w1.device, "mutations": [good, good | {"mutation_id": new_id(), "fields": {"tags": "elderly"}}]}).encode(), 422, "invalid_mutations"),
    ]
    for body, status, code in bodies:
        r = w1.request("POST", "/sync/push", content=body, headers={"Content-Type": "application/json"})
        err = _error(r, status, code)
        if code == "invalid_mutations":
            assert err["details"]["mutations"][0]["index"] == 1
    assert _counts(world) == before  # the good mutation beside the bad one was not stored either


def test_limits_are_413_naming_the_limit(world):
    w1 = world.api("w1")
    before = _counts(world)
    many = [w1.mutation("building", new_id(), {"name": f"{i}", "area_id": world.area_ids["G1"]}) for i in range(501)]
    err = _error(w1.push_raw(many), 413, "too_large")
    assert err["details"] == {"limit": "mutations per push", "max": 500, "unit": "mutations"}
    huge = [w1.mutation("building", new_id(), {"name": "x", "notes": "长" * 700_000, "area_id": world.area_ids["G1"]})]
    err = _error(w1.push_raw(huge), 413, "too_large")
    assert err["details"]["limit"] == "push body" and err["details"]["max"] == 2 * 1024 * 1024

    def chunked():  # no Content-Length: the limit still holds
        for _ in range(40):
            yield b" " * 65536

    err = _error(w1.request("POST", "/sync/push", content=chunked(), headers={"Content-Type": "application/json"}), 413)
    assert err["details"]["limit"] == "push body"
    r = world.client.post("/api/v1/auth/login", content=b"{" + b" " * 70_000 + b"}", headers={"X-Gridworker-Schema": "1"})
    assert _error(r, 413)["details"]["limit"] == "request body"
    assert _counts(world) == before


def test_hostile_text_is_stored_literally_or_refused_with_the_field_named(world):
    w1 = world.api("w1")
    ok, ctrl, long_name, long_notes = new_id(), new_id(), new_id(), new_id()
    g1 = world.area_ids["G1"]
    results = w1.push(
        [
            w1.mutation("person", ok, {"name": SQL[:50], "notes": SQL + " <script>alert(1)</script> %s %% \\x00", "area_id": g1}),
            w1.mutation("person", ctrl, {"name": "张\x07三", "area_id": g1}),
            w1.mutation("person", long_name, {"name": "名" * 10_000, "area_id": g1}),
            w1.mutation("building", long_notes, {"name": "1幢", "notes": "x" * 10_000, "area_id": g1}),
        ]
    )
    assert [r["status"] for r in results] == ["applied", "rejected", "rejected", "rejected"]
    assert results[1]["error"]["details"]["fields"][0] == {"field": "name", "code": "control_chars", "message": "name contains control characters"}
    assert results[2]["error"]["details"]["fields"][0]["code"] == "too_long"
    refusal = results[1]["error"]  # kept by the client and shown later in its user's language: both are sent
    assert refusal["message_en"].startswith("name contains control characters") and "控制字符" in refusal["message_zh"]
    assert refusal["message"] in (refusal["message_en"], refusal["message_zh"])
    assert results[3]["error"]["details"]["fields"][0]["field"] == "notes"
    reader = world.api("w1")
    reader.pull()
    assert reader.records[("person", ok)]["name"] == SQL[:50]
    assert reader.records[("person", ok)]["notes"].startswith(SQL)
    assert not any(reader.holds("person", i) for i in (ctrl, long_name)) and not reader.holds("building", long_notes)
    with world.db.read() as conn:
        assert conn.execute(select(func.count()).select_from(records)).scalar() > 0  # the table is still there
    r = world.client.post(
        "/api/v1/auth/login",
        json={"username": "名" * 10_000, "password": "x", "device_id": "d"},
        headers={"X-Gridworker-Schema": "1"},
    )
    assert _error(r, 422, "invalid_request")["details"]["errors"][0]["loc"] == ["body", "username"]
    r = world.client.post("/api/v1/auth/login", json={"username": SQL, "password": SQL, "device_id": "d"}, headers={"X-Gridworker-Schema": "1"})
    _error(r, 401, "bad_credentials")


def test_wrong_query_parameters_routes_and_methods(world):
    w1 = world.api("w1")
    for params in ({"limit": 0}, {"limit": 1001}, {"limit": "ten"}, {"cursor": "c" * 500}):
        _error(w1.request("GET", "/sync/pull", params=params), 422, "invalid_request")
    _error(w1.request("GET", "/sync/pull", params={"cursor": "c1.!!!"}), 400, "bad_cursor")
    _error(w1.request("GET", "/sync/pull", params={"cursor": "c1.eyJlIjoxfQ"}), 400, "bad_cursor")
    _error(w1.request("GET", "/no/such/thing"), 404, "not_found")
    _error(w1.request("DELETE", "/sync/push"), 405, "method_not_allowed")
    _error(w1.request("GET", "/conflicts", params={"after": -1}), 422)
    _error(world.api("disp").request("GET", "/conflicts", params={"after": 2**31}), 422)  # found by schemathesis
    from gridworker.server.sync.pull import Cursor

    w1.pull()
    good = Cursor.decode(w1.cursor)
    for huge in (Cursor(good.epoch, good.mode, good.seq, 2**31), Cursor(good.epoch, good.mode, 2**62, good.scope_id)):
        _error(w1.request("GET", "/sync/pull", params={"cursor": huge.encode()}), 400, "bad_cursor")
    _error(w1.request("POST", "/auth/login", json={"username": "w1"}), 422, "invalid_request")


def test_nul_bytes_never_reach_the_database(world):
    """PostgreSQL refuses NUL in text: every place a client string could carry one answers 4xx or rejects."""
    w1 = world.api("w1")
    g1 = world.area_ids["G1"]
    m = w1.mutation("person", new_id(), {"name": "张\x00三", "area_id": g1, "tags": ["elderly\x00"]})
    assert w1.push([m])[0]["error"]["code"] == "invalid_value"
    m = w1.mutation("building", new_id(), {"name": "1幢", "area_id": g1})
    m["hlc"] = m["hlc"] + "\x00"
    assert w1.push([m])[0]["status"] == "applied"  # the clock's node is stored inside JSON, escaped
    _error(w1.push_raw([w1.mutation("building", new_id(), {"na\x00me": "x", "area_id": g1})]), 422, "invalid_mutations")
    _error(w1.request("POST", "/sync/push", json={"device_id": w1.device + "\x00", "mutations": []}), 422)
    r = world.client.post("/api/v1/auth/login", json={"username": "w1\x00", "password": "x", "device_id": "d"}, headers={"X-Gridworker-Schema": "1"})
    _error(r, 422, "invalid_request")
    _error(w1.request("GET", "/sync/pull", params={"cursor": "c1.\x00"}), 400, "bad_cursor")


def test_a_real_bug_is_logged_and_answered_500_in_the_protocol_shape(world, monkeypatch, caplog):
    from fastapi.testclient import TestClient

    from gridworker.server.api import routes as api

    class Broken:
        def __init__(self, *a, **kw):
            raise RuntimeError("a bug, not bad input")

    w1 = world.api("w1")
    monkeypatch.setattr(api, "Puller", Broken)
    with TestClient(world.app, raise_server_exceptions=False) as client:
        r = client.get("/api/v1/sync/pull", headers=w1.headers)
    err = _error(r, 500, "internal_error")
    assert "try again later" in err["message"]
    assert any("unhandled error on GET /api/v1/sync/pull" in rec.getMessage() and rec.exc_info for rec in caplog.records)


def test_messages_are_chinese_unless_english_is_asked_for(world):
    r = world.client.get("/api/v1/me", headers={"X-Gridworker-Schema": "1"})
    assert r.json()["error"]["message"] == "未登录或登录已失效，请重新登录"
    r = world.client.get("/api/v1/me", headers={"X-Gridworker-Schema": "1", "Accept-Language": "en-GB,en;q=0.9"})
    assert r.json()["error"]["message"].startswith("Not signed in")


def _push_text(api, text: str):
    """A push body written by hand: JSON that json.dumps would not write (1e400, lone surrogates, deep nesting)."""
    return api.request("POST", "/sync/push", content=text.encode("utf-8", "surrogatepass"), headers={"Content-Type": "application/json"})


def _one(api, mutation: dict, fields_json: str):
    m = dict(mutation, fields={})
    text = json.dumps({"device_id": api.device, "mutations": [m]})
    return _push_text(api, text.replace('"fields": {}', '"fields": ' + fields_json))


def test_huge_numbers_in_every_number_field_are_refused_naming_the_field(world):
    """Issue 11: a JSON integer too big for a float (and 1e400) was a 500 from float() in validation."""
    w1 = world.api("w1")
    g1 = world.area_ids["G1"]
    huge = "1" + "0" * 400
    cases = [
        ("building", {"name": "1幢", "area_id": g1}, "units", huge),
        ("building", {"name": "1幢", "area_id": g1}, "floors", "-" + huge),
        ("building", {"name": "1幢", "area_id": g1}, "lat", huge),
        ("building", {"name": "1幢", "area_id": g1}, "lon", "1e400"),
        ("household", {"area_id": g1, "room": "101"}, "floor", huge),
        ("visit", {"area_id": g1, "visited_at": "2026-11-21T09:30:00+08:00"}, "lat", huge),
        ("photo", {"area_id": g1, "sha256": "a" * 64}, "width", huge),
        ("incident_event", {"incident_id": new_id(), "action": "rate", "at": "2026-11-21T09:30:00+08:00"}, "rating", huge),
    ]
    for entity, fields, name, number in cases:
        body = json.dumps(fields)[:-1] + f', "{name}": {number}}}'
        r = _one(w1, w1.mutation(entity, new_id()), body)
        assert r.status_code == 200, (entity, name, r.status_code, r.text)
        result = r.json()["results"][0]
        assert result["status"] == "rejected" and result["error"]["code"] == "invalid_value", (entity, name, result)
        assert name in {f["field"] for f in result["error"]["details"]["fields"]}, (entity, name, result)


def test_odd_keys_forged_cursors_and_deep_nesting_get_clear_4xx(world):
    w1 = world.api("w1")
    g1 = world.area_ids["G1"]
    before = _counts(world)
    # An unknown field whose name is a lone surrogate: the refusal names it without failing to encode it.
    r = _one(w1, w1.mutation("building", new_id()), '{"name": "1幢", "area_id": "%s", "\\ud800x": 1}' % g1)
    err = _error(r, 422, "invalid_mutations")
    assert "\\ud800" in json.dumps(err["details"])
    # Cursors: JSON that is not an object, numbers too big for an integer.
    import base64

    for raw in (b"[1]", b'"s"', b"null", b'{"e":"x","m":"feed","s":1e400,"k":1}', b'{"e":"x","m":"feed","s":1,"k":1e400}',
                b'{"e":"x","m":"feed","s":NaN,"k":1}', b'{"e":"x","m":"feed","s":1,"k":1,"a":[1]}'):  # fmt: skip
        cursor = "c1." + base64.urlsafe_b64encode(raw).decode().rstrip("=")
        _error(w1.request("GET", "/sync/pull", params={"cursor": cursor}), 400, "bad_cursor")
    _error(w1.request("GET", "/sync/pull", params={"cursor": "c1.WzFd"}), 400, "bad_cursor")
    # Nesting deeper than the parser goes is malformed JSON, as the protocol documents.
    deep = '{"device_id": "%s", "mutations": %s%s}' % (w1.device, "[" * 100_000, "]" * 100_000)
    _error(_push_text(w1, deep), 400, "malformed_json")
    assert _counts(world) == before


def test_times_outside_their_window_are_refused_naming_the_field(world):
    """Issue 11: a time with no UTC equivalent stopped every client that pulled it; 2099 froze an incident."""
    from datetime import datetime, timedelta, timezone

    w1 = world.api("w1")
    g1 = world.area_ids["G1"]
    soon = (datetime.now(timezone.utc) + timedelta(days=400)).isoformat()
    results = w1.push(
        [
            w1.mutation("incident", new_id(), {"area_id": g1, "title": "井盖", "reported_at": "0001-01-01T00:00:00+14:00"}),
            w1.mutation("visit", new_id(), {"area_id": g1, "visited_at": "9999-12-31T23:00:00-12:00"}),
            w1.mutation("visit", new_id(), {"area_id": g1, "visited_at": "1899-12-31T23:00:00+08:00"}),
            w1.mutation("visit", new_id(), {"area_id": g1, "visited_at": soon}),
            w1.mutation("photo", new_id(), {"area_id": g1, "sha256": "b" * 64, "taken_at": "2099-01-01T00:00:00+08:00"}),
            w1.mutation("walkround", new_id(), {"area_id": g1, "name": "巡查", "planned_at": "2099-01-01T00:00:00+08:00"}),
            w1.mutation("incident_event", new_id(), {"incident_id": new_id(), "action": "comment", "note": "x",
                                                     "at": "2099-01-01T00:00:00+08:00"}),  # fmt: skip
            w1.mutation("incident_event", new_id(), {"incident_id": new_id(), "action": "extend", "reason": "x",
                                                     "at": "2026-11-21T09:30:00+08:00", "deadline": "2199-01-01T00:00:00+08:00"}),  # fmt: skip
        ]
    )
    named = [{f["field"] for f in r["error"]["details"].get("fields", [])} if r["status"] == "rejected" else r for r in results]
    assert named == [{"reported_at"}, {"visited_at"}, {"visited_at"}, {"visited_at"}, {"taken_at"}, {"planned_at"}, {"at"}, {"deadline"}]
    assert all(r["error"]["code"] == "invalid_value" for r in results)
    assert "1900" in results[2]["error"]["message"]
    ok = w1.push([w1.mutation("visit", new_id(), {"area_id": g1, "visited_at": datetime.now(timezone.utc).isoformat()})])
    assert ok[0]["status"] == "applied"


def test_clocks_far_ahead_or_not_ascii_are_refused_per_mutation(world):
    """Issue 11: a clock of 9999999999999 won every later collision; full-width digits sorted after every clock."""
    import time

    w1 = world.api("w1")
    g1 = world.area_ids["G1"]
    now_ms = int(time.time() * 1000)
    clocks = [
        f"{now_ms + 2 * 86_400_000:013d}-0000-{w1.device}",  # two days ahead
        f"9999999999999-9999-{w1.device}",
        "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in f"{now_ms:013d}-0000-") + w1.device,  # full-width
        f"{now_ms:013d}-0000-设备",
        f"{now_ms + 3_600_000:013d}-0000-{w1.device}",  # an hour ahead: a clock a little fast is fine
    ]
    mutations = [w1.mutation("building", new_id(), {"name": "1幢", "area_id": g1}) | {"hlc": c} for c in clocks]
    results = w1.push(mutations)
    assert [r["status"] for r in results] == ["rejected"] * 4 + ["applied"], results
    assert [r["error"]["code"] for r in results[:4]] == ["clock_ahead", "clock_ahead", "bad_clock", "bad_clock"]
    assert "clock" in results[0]["error"]["message"] and "一天" in results[0]["error"]["message_zh"]


def test_odd_date_forms_and_dates_out_of_bounds_are_refused_and_times_stored_normalised(world):
    """A week date was stored as sent; birth dates of 9999 and 1800 and a plan for year 1 were applied."""
    w1 = world.api("w1")
    g1 = world.area_ids["G1"]
    h1 = new_id()
    assert w1.upsert("household", h1, {"area_id": g1, "room": "101"})["status"] == "applied"
    results = w1.push(
        [
            w1.mutation("visit", new_id(), {"area_id": g1, "visited_at": "2026-W49-1T10:00:00+08:00"}),
            w1.mutation("visit", new_id(), {"area_id": g1, "visited_at": "20261121T093000+0800"}),
            w1.mutation("visit", new_id(), {"area_id": g1, "visited_at": "2026-11-21 09:30:00+08:00"}),
            w1.mutation("person", new_id(), {"area_id": g1, "household_id": h1, "name": "张三", "birth_date": "9999-12-31"}),
            w1.mutation("person", new_id(), {"area_id": g1, "household_id": h1, "name": "张三", "birth_date": "1800-01-01"}),
            w1.mutation("person", new_id(), {"area_id": g1, "household_id": h1, "name": "张三", "birth_date": "1980/05/17"}),
            w1.mutation("walkround", new_id(), {"area_id": g1, "name": "巡查", "planned_for": "0001-01-01"}),
            w1.mutation("membership", new_id(), {"area_id": g1, "person_id": new_id(), "household_id": h1,
                                                 "moved_in": "2026-W49-1"}),  # fmt: skip
        ]
    )
    named = [{f["field"] for f in r["error"]["details"].get("fields", [])} if r["status"] == "rejected" else r for r in results]
    assert named == [{"visited_at"}, {"visited_at"}, {"visited_at"}, {"birth_date"}, {"birth_date"}, {"birth_date"},
                     {"planned_for"}, {"moved_in"}]  # fmt: skip
    assert all(r["error"]["code"] == "invalid_value" for r in results)
    assert "birth date must be between 1900-01-01" in results[3]["error"]["message"]
    assert "planned for must be between" in results[6]["error"]["message"]
    # The documented forms are taken and stored in one form.
    v1, v2, p1 = new_id(), new_id(), new_id()
    ok = w1.push(
        [
            w1.mutation("visit", v1, {"area_id": g1, "visited_at": "2026-11-21T09:30Z"}),
            w1.mutation("visit", v2, {"area_id": g1, "visited_at": "2026-11-21T09:30:05.25+08:00"}),
            w1.mutation("person", p1, {"area_id": g1, "household_id": h1, "name": "李四", "birth_date": "1980-05-17"}),
        ]
    )
    assert [r["status"] for r in ok] == ["applied"] * 3, ok
    w1.pull()
    assert w1.records[("visit", v1)]["visited_at"] == "2026-11-21T09:30:00+00:00"
    assert w1.records[("visit", v2)]["visited_at"] == "2026-11-21T09:30:05.250000+08:00"
    assert w1.records[("person", p1)]["birth_date"] == "1980-05-17"
