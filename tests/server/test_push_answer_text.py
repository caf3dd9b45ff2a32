"""A push's results are written as JSON text once (the mutations table and the answer share it):
the usual result is formatted directly, and must be exactly what the JSON encoder gives."""

from __future__ import annotations

import json

import pytest

from gridworker.server.sync.push_results import result_text as _result_text
from gridworker.server.sync.records import dumps

ID = "6f1c2a9e-3b4d-4e5f-8a7b-0c1d2e3f4a5b"


@pytest.mark.parametrize(
    "result",
    [
        {"mutation_id": ID, "status": "applied", "version": 1},
        {"mutation_id": ID, "status": "merged", "version": 2**31 - 1},
        {"mutation_id": ID, "status": "rejected", "version": None},
        {"mutation_id": ID, "status": "conflict", "version": 3,
         "error": {"code": "conflict", "message": "值被覆盖“x”", "details": {"fields": ["name"]}}},
        {"mutation_id": 'a"b\\c', "status": "applied", "version": 1},  # not from the API (a UUID there), still JSON
        {"mutation_id": ID, "status": "applied", "version": True},
        {"mutation_id": ID, "status": "applied", "version": 4, "exact": True},  # the echo's flag (docs §4.2)
        {"mutation_id": ID, "status": "applied", "version": 4, "exact": False},
    ],
)  # fmt: skip
def test_the_result_text_is_the_encoders(result):
    text = _result_text(result)
    assert text == dumps(result)
    assert json.loads(text) == result
