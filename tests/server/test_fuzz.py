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
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable

from .conftest import PASSWORD

EXAMPLES = 12


def _check(case, world, token):
    auth = token
    if case.path == "/api/v1/auth/logout":  # would end the shared token: use one of its own
        auth = world.login("disp", "fuzz-logout")["token"]
    headers = dict(case.headers or {}) | {"X-Gridworker-Schema": "1", "Authorization": f"Bearer {auth}"}
    if case.path == "/api/v1/auth/login" and isinstance(case.body, dict) and "password" in case.body:
        case.body |= {"username": "w2", "password": PASSWORD}  # so that some logins succeed
    response = case.call(headers=headers)
    assert response.status_code < 500, (case.method, case.path, response.status_code, response.text[:500])
    if response.status_code >= 400 and case.method != "HEAD":
        assert set(json.loads(response.content)["error"]) == {"code", "message", "details"}
    return response.status_code


def _fuzz(operation, mode, world, token, seen: set) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
    def run(case):
        seen.add(_check(case, world, token))

    try:
        run()
    except Unsatisfiable:
        assert mode is GenerationMode.NEGATIVE  # nothing to get wrong (e.g. /health takes no input)


def test_no_server_errors(world):
    schema = schemathesis.openapi.from_asgi("/openapi.json", world.app)
    token = world.login("disp", "fuzz")["token"]
    tried: dict[str, set] = {}
    for result, mode in itertools.product(schema.get_all_operations(), GenerationMode):
        operation = result.ok()
        _fuzz(operation, mode, world, token, tried.setdefault(f"{operation.method.upper()} {operation.path}", set()))
    assert len(tried) >= 12  # every route of the document was fuzzed
    assert all(tried.values())
