"""Schemathesis against /openapi.json: whatever the schema allows (and plenty it does not), never a 5xx.

Every operation of the document is fuzzed with Hypothesis strategies that
schemathesis derives from it. Calls carry a valid token and schema header
(so the fuzzing reaches the handlers, not only the auth check); bodies,
paths, query strings and the other headers are generated. Any 4xx must come
in the protocol's error body.
"""

from __future__ import annotations

import itertools
import json

import schemathesis
from schemathesis import GenerationMode
from hypothesis import HealthCheck, example, given, settings
from hypothesis.errors import Unsatisfiable

from .conftest import PASSWORD

EXAMPLES = 12


def _error_shape(error: dict) -> bool:
    """The documented error body: code, message, details; and the message in both languages where it has them."""
    keys = set(error)
    return {"code", "message", "details"} <= keys and keys - {"code", "message", "details"} <= {"message_zh", "message_en"}


def _check(case, world, token, web_token=None):
    auth = token
    if case.path == "/api/v1/auth/logout":  # would end the shared token: use one of its own
        auth = world.login("disp", "fuzz-logout")["token"]
    elif case.path.startswith("/api/v1/p/") and web_token is not None:  # the participation API: a member's phone
        auth = web_token() if case.path == "/api/v1/p/auth/logout" else web_token.member
    headers = dict(case.headers or {}) | {"X-Gridworker-Schema": "1", "Authorization": f"Bearer {auth}"}
    if case.path == "/api/v1/auth/login" and isinstance(case.body, dict) and "password" in case.body:
        case.body |= {"username": "w2", "password": PASSWORD}  # so that some logins succeed
    response = case.call(headers=headers)
    assert response.status_code < 500, (case.method, case.path, response.status_code, response.text[:500])
    if response.status_code >= 400 and case.method != "HEAD":
        assert _error_shape(json.loads(response.content)["error"])
    return response.status_code


class _WebTokens:
    """A checked-in member's token for the participation API, and fresh ones for its logout."""

    def __init__(self, world):
        self.world = world
        self.n = itertools.count()
        self.member = self()

    def __call__(self) -> str:
        body = {"role": "member", "phone": f"1370000{next(self.n):04d}", "password": "fuzz-pass-1", "name": "党员",
                "community_id": self.world.area_ids["C1"]}  # fmt: skip
        r = self.world.client.post("/api/v1/p/auth/register", json=body)
        assert r.status_code == 201, r.text
        return r.json()["token"]


def _fuzz(operation, mode, world, token, seen: set, web_token=None) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
    def run(case):
        seen.add(_check(case, world, token, web_token))

    try:
        run()
    except Unsatisfiable:
        assert mode is GenerationMode.NEGATIVE  # nothing to get wrong (e.g. /health takes no input)


def test_no_server_errors(world):
    schema = schemathesis.openapi.from_asgi("/openapi.json", world.app)
    token = world.login("disp", "fuzz")["token"]
    web_token = _WebTokens(world)
    tried: dict[str, set] = {}
    for result, mode in itertools.product(schema.get_all_operations(), GenerationMode):
        operation = result.ok()
        _fuzz(operation, mode, world, token, tried.setdefault(f"{operation.method.upper()} {operation.path}", set()), web_token)
    assert len(tried) >= 40  # every route of the document was fuzzed, the participation API's too
    assert all(tried.values())


# -- push fields and cursors: what the OpenAPI document cannot describe ---------------------------
# schemathesis draws `fields` as any JSON object, so it rarely sends a known field with a hostile value;
# these strategies do (issue 11: huge integers, 1e400, lone-surrogate keys, extreme times, odd cursors).
from hypothesis import strategies as st  # noqa: E402

from gridworker.domain.wire import ENTITIES  # noqa: E402

_HUGE = st.one_of(
    st.integers(min_value=-(10**400), max_value=10**400),
    st.sampled_from([2**31, 2**63, -(2**63) - 1, 10**308 * 10, 10**400]),
)
_RAW_NUMBERS = st.sampled_from(["1e400", "-1e400", "1E+309", "0.1e-400", "-0", "1" + "0" * 400 + ".5"])
_TIMES = st.sampled_from([
    "0001-01-01T00:00:00+14:00", "9999-12-31T23:00:00-12:00", "2099-01-01T00:00:00+08:00", "1899-12-31T23:59:59+00:00",
    "2026-11-21T09:30:00+08:00", "2026-11-21T09:30:00", "２０２６-11-21T09:30:00+08:00", "2026-02-30T00:00:00Z",
])  # fmt: skip
_ODD_TEXT = st.one_of(
    st.text(max_size=8),
    st.sampled_from(["\ud800", "x\udfff", "\x00", "", " ", "名" * 300, "__proto__", "area_id\x00"]),
)
_VALUES = st.one_of(_HUGE, st.floats(allow_nan=False, allow_infinity=False), _TIMES, _ODD_TEXT, st.booleans(), st.none(),
                    st.lists(_ODD_TEXT, max_size=3), st.dictionaries(_ODD_TEXT, st.integers(), max_size=2))  # fmt: skip


@st.composite
def _fields(draw):
    entity = draw(st.sampled_from(sorted(ENTITIES)))
    known = sorted(ENTITIES[entity].fields)
    names = draw(st.lists(st.one_of(st.sampled_from(known), _ODD_TEXT), min_size=1, max_size=6))
    raw = {}
    for name in names:
        if draw(st.booleans()):
            raw[name] = ("raw", draw(_RAW_NUMBERS))
        else:
            raw[name] = ("value", draw(_VALUES))
    return entity, raw


def _fields_json(raw: dict) -> str:
    parts = []
    for name, (kind, value) in raw.items():
        text = value if kind == "raw" else json.dumps(value, ensure_ascii=True)
        parts.append(f"{json.dumps(name, ensure_ascii=True)}: {text}")
    return "{" + ", ".join(parts) + "}"


def test_push_fields_with_huge_numbers_odd_keys_and_extreme_times_never_give_a_5xx(world):
    import uuid

    from .conftest import Api

    api = Api(world, "disp", "fuzz-fields")
    seen = set()

    @given(case=_fields(), op=st.sampled_from(["upsert", "delete"]), clock=st.sampled_from(["now", "ahead", "wide"]))
    # One push that passes the type checks for sure: which draws do depends on the number of entities.
    @example(case=("building", {"name": ("value", "fuzz")}), op="upsert", clock="now")
    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
    def run(case, op, clock):
        entity, raw = case
        m = {"mutation_id": str(uuid.uuid4()), "entity": entity, "id": str(uuid.uuid4()), "op": op,
             "base_version": None, "fields": {}, "hlc": api.tick()}  # fmt: skip
        if clock == "ahead":
            m["hlc"] = "9999999999999-9999-" + api.device
        elif clock == "wide":
            m["hlc"] = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in m["hlc"])
        text = json.dumps({"device_id": api.device, "mutations": [m]}).replace('"fields": {}', '"fields": ' + _fields_json(raw))
        r = api.request("POST", "/sync/push", content=text.encode(), headers={"Content-Type": "application/json"})
        assert r.status_code < 500, (entity, raw, r.status_code, r.text[:500])
        body = json.loads(r.content)
        if r.status_code >= 400:
            assert _error_shape(body["error"])
        else:
            assert body["results"][0]["status"] in ("applied", "rejected", "conflict")
        seen.add(r.status_code)

    run()
    assert {200, 422} <= seen


_CURSOR_VALUES = st.one_of(_HUGE, _ODD_TEXT, st.none(), st.booleans(), st.lists(st.integers(), max_size=3))


@st.composite
def _cursors(draw):
    import base64

    shape = draw(st.sampled_from(["object", "list", "scalar", "raw"]))
    if shape == "object":
        keys = draw(st.lists(st.sampled_from(["e", "m", "s", "k", "u", "a", "b", "x"]), max_size=7, unique=True))
        parts = [f'"{k}": {draw(_RAW_NUMBERS) if draw(st.booleans()) else json.dumps(draw(_CURSOR_VALUES))}' for k in keys]
        text = "{" + ", ".join(parts) + "}"
    elif shape == "list":
        text = json.dumps(draw(st.lists(_CURSOR_VALUES, max_size=3)))
    elif shape == "scalar":
        text = draw(_RAW_NUMBERS) if draw(st.booleans()) else json.dumps(draw(_CURSOR_VALUES))
    else:
        return "c1." + draw(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=.", max_size=40))
    return "c1." + base64.urlsafe_b64encode(text.encode("utf-8", "surrogatepass")).decode().rstrip("=")


def test_forged_cursors_never_give_a_5xx(world):
    from .conftest import Api

    api = Api(world, "w1", "fuzz-cursor")

    @given(cursor=_cursors())
    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
    def run(cursor):
        r = api.request("GET", "/sync/pull", params={"cursor": cursor})
        assert r.status_code < 500, (cursor, r.status_code, r.text[:300])
        if r.status_code >= 400:
            assert _error_shape(json.loads(r.content)["error"])

    run()
