"""Every key of a push and of its mutations, given a value of the wrong type, size or form (or
left out, or unknown): a 422 naming it, nothing saved, never a 500."""

from __future__ import annotations

import json

import pytest

from .conftest import new_id
from .test_bad_input import _counts, _error, _push_text

GOOD_CLOCK = "1733580000000-0000-dev-1"
# Fixed ids: the values name the tests, and pytest-xdist's workers must collect the same names.
ID = "6f1c2a9e-3b4d-4e5f-8a7b-0c1d2e3f4a5b"

# (key, bad value, the key pydantic names): every kind the quick check could let through.
BAD_MUTATION_VALUES = [
    ("mutation_id", 12345, "mutation_id"),
    ("mutation_id", "not-a-uuid", "mutation_id"),
    ("mutation_id", ID + "\n", "mutation_id"),
    ("mutation_id", ID[:-1] + "g", "mutation_id"),
    ("id", None, "id"),
    ("id", ID + "0", "id"),
    ("id", "１" * 8 + ID[8:], "id"),  # full-width digits are not hexadecimal
    ("entity", "", "entity"),
    ("entity", "x" * 33, "entity"),
    ("entity", ["person"], "entity"),
    ("entity", "\ud800", "entity"),
    ("op", "merge", "op"),
    ("op", 1, "op"),
    ("base_version", True, "base_version"),  # JSON true is not 1
    ("base_version", 1.0, "base_version"),
    ("base_version", "3", "base_version"),
    ("base_version", -1, "base_version"),
    ("base_version", 2**31, "base_version"),
    ("base_version", 10**400, "base_version"),
    ("fields", [], "fields"),
    ("fields", "{}", "fields"),
    ("fields", {f"f{i}": 1 for i in range(65)}, "fields"),
    ("hlc", "x" * 19, "hlc"),
    ("hlc", "1" * 101, "hlc"),
    ("hlc", "yesterday, roughly........", "hlc"),
    ("hlc", "1733580000000-000x-dev-1", "hlc"),
    ("hlc", 1733580000000, "hlc"),
    ("surprise", 1, "surprise"),
]


def _mutation(**changes) -> dict:
    m = {"mutation_id": new_id(), "entity": "building", "id": new_id(), "op": "upsert", "base_version": None,
         "fields": {"name": "1幢"}, "hlc": GOOD_CLOCK}  # fmt: skip
    return m | changes


@pytest.mark.parametrize("key, value, named", BAD_MUTATION_VALUES)
def test_each_bad_value_of_a_mutation_is_a_422_naming_it(world, key, value, named):
    w1 = world.api("w1")
    good = w1.mutation("building", new_id(), {"name": "1幢", "area_id": world.area_ids["G1"]})
    before = _counts(world)
    body = {"device_id": w1.device, "mutations": [good, good | {"mutation_id": new_id(), key: value}]}
    err = _error(_push_text(w1, json.dumps(body)), 422, "invalid_request")
    assert ["body", "mutations", "1", named] in [e["loc"] for e in err["details"]["errors"]], err
    assert _counts(world) == before  # the whole push refused: the good one is not saved either


def test_missing_keys_and_bad_envelopes_are_422_naming_them(world):
    w1 = world.api("w1")
    good = w1.mutation("building", new_id(), {"name": "1幢", "area_id": world.area_ids["G1"]})
    before = _counts(world)
    for key in ("mutation_id", "entity", "id", "op", "hlc"):
        m = {k: v for k, v in good.items() if k != key}
        err = _error(_push_text(w1, json.dumps({"device_id": w1.device, "mutations": [m]})), 422, "invalid_request")
        assert ["body", "mutations", "0", key] in [e["loc"] for e in err["details"]["errors"]]
    envelopes = [
        ({"device_id": w1.device}, ["body", "mutations"]),
        ({"mutations": [good]}, ["body", "device_id"]),
        ({"device_id": w1.device, "mutations": [good], "extra": 1}, ["body", "extra"]),
        ({"device_id": "a b", "mutations": [good]}, ["body", "device_id"]),
        ({"device_id": "d" * 65, "mutations": [good]}, ["body", "device_id"]),
        ({"device_id": w1.device, "mutations": {"0": good}}, ["body", "mutations"]),
        ({"device_id": w1.device, "mutations": [[good]]}, ["body", "mutations", "0"]),
    ]
    for body, loc in envelopes:
        err = _error(_push_text(w1, json.dumps(body)), 422, "invalid_request")
        assert loc in [e["loc"] for e in err["details"]["errors"]], (body, err)
    _error(w1.request("POST", "/sync/push", content=b""), 422, "invalid_request")
    _error(_push_text(w1, "{\"device_id\": \"%s\", \"mutations\": [" % w1.device), 400, "malformed_json")
    r = w1.request("POST", "/sync/push", content=json.dumps({"device_id": w1.device, "mutations": []}),
                   headers={"Content-Type": "text/plain"})  # fmt: skip
    _error(r, 422, "invalid_request")  # as before: only a JSON content type is read as JSON
    assert _counts(world) == before


def test_a_good_push_with_defaults_left_out_is_applied(world):
    w1 = world.api("w1")
    m = w1.mutation("building", new_id(), {"name": "1幢", "area_id": world.area_ids["G1"]})
    del m["base_version"]
    r = _push_text(w1, json.dumps({"device_id": w1.device, "mutations": [m]}))
    assert r.status_code == 200 and r.json()["results"][0]["status"] == "applied", r.text
    r = _push_text(w1, json.dumps({"device_id": w1.device, "mutations": [_mutation(op="delete", fields={}) | {"id": m["id"]}]}))
    assert r.status_code == 200, r.text  # a delete without fields: accepted, then judged as a delete
