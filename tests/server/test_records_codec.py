"""records.loads/dumps: the server's JSON of record data and meta, faster than json's wrappers but the same."""

from __future__ import annotations

import json

import pytest

from gridworker.server.sync.records import dumps, loads

TEXTS = [
    '{"f":{"name":[1,"1733580000000-0000-dev","dev"]},"a":{"dev":"u"}}', '{"name":"张三","tags":[]}', "{}", "[]",
    '"s"', "1", "1.5", "null", "true", '{"x":1e400}', '{"x":NaN}', '{"x":"\\ud800"}', ' {"x":1}', '{"x":1} ',
    '{"x":1}\n', '{"x":1}x', '{"x":1}{"y":2}', "", " ", "{", '{"x":}', "nul", '{"x":1,}',
]  # fmt: skip


@pytest.mark.parametrize("text", TEXTS)
def test_loads_answers_as_json_loads(text):
    try:
        expected = json.loads(text)
    except ValueError as e:
        with pytest.raises(type(e)):
            loads(text)
        return
    got = loads(text)
    assert json.dumps(got) == json.dumps(expected)  # (NaN != NaN: compared as text)


def test_dumps_is_what_json_dumps_writes():
    value = {"name": "张三", "n": [1, 2.5, None, True], "x": {"y": "\ud800"}, "big": 10**30}
    assert dumps(value) == json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    assert loads(dumps(value)) == value


def test_load_reads_every_column_into_its_place(world):
    """load() reads rows by position: each record it gives equals the one read by column name."""
    from sqlalchemy import select

    from gridworker.server.core.schema import records
    from gridworker.server.sync.records import load, rec_from_row

    from .conftest import new_id

    w1 = world.api("w1")
    w1.upsert("building", new_id(), {"name": "1幢", "area_id": world.area_ids["G1"]})
    with world.db.read() as conn:
        rows = conn.execute(select(records)).all()
        by_name = {(r.entity, r.id): rec_from_row(r) for r in rows}
        by_position = load(conn, list(by_name))
    assert len(by_name) > 5 and by_position == by_name
    kinds = {(type(r.deleted), type(r.version), type(r.seq), type(r.updated_at)) for r in by_position.values()}
    assert kinds == {(bool, int, int, float)}
