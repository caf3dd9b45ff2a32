"""Digit fields pushed in any script are stored in ASCII, and the migration repairs stored ones (issue 11, item 8)."""

from __future__ import annotations

import json

from alembic import command
from sqlalchemy import select

from gridworker.domain.idnumber import check_char
from gridworker.server.core.db import Database, alembic_config
from gridworker.server.core.schema import records

from .conftest import new_id

FIRST17 = "33010619850617031"
ID = FIRST17 + check_char(FIRST17)
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def stored(world, entity, record_id) -> dict:
    with world.db.engine.connect() as conn:
        return json.loads(conn.execute(select(records.c.data).where(records.c.entity == entity, records.c.id == record_id)).scalar())


def test_a_push_stores_full_width_and_arabic_indic_digits_in_ascii(world):
    w1 = world.api("w1")
    hid, pid = new_id(), new_id()
    results = w1.push(
        [
            w1.mutation("household", hid, {"area_id": world.area_ids["G1"], "room": "301", "phone": "0571-87654321".translate(ARABIC_INDIC)}),
            w1.mutation("person", pid, {"area_id": world.area_ids["G1"], "household_id": hid, "name": "张伟",
                                        "id_number": ID.translate(FULL_WIDTH), "phone": "13800138000".translate(ARABIC_INDIC)}),
        ]  # fmt: skip
    )
    assert [r["status"] for r in results] == ["applied", "applied"], results
    assert stored(world, "person", pid)["id_number"] == ID
    assert stored(world, "person", pid)["phone"] == "13800138000"
    assert stored(world, "household", hid)["phone"] == "0571-87654321"
    w2 = world.api("disp")
    w2.pull()
    assert w2.records[("person", pid)]["id_number"] == ID


def test_the_migration_repairs_digits_stored_before(backend, pg_cluster, tmp_path):
    if backend == "sqlite":
        url, name = f"sqlite:///{tmp_path / 'old.db'}", None
    else:
        name = pg_cluster.create_database()
        url = pg_cluster.url(name)
    db = Database(url)
    try:
        with db.engine.connect() as conn:
            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0002")
            conn.commit()
        rows = [
            ("person", "p1", {"name": "张伟", "id_number": ID.translate(FULL_WIDTH), "phone": "13800138000".translate(ARABIC_INDIC)}),
            ("person", "p2", {"name": "李四", "id_number": ID, "phone": None}),
            ("household", "h1", {"room": "1", "phone": "0571-87654321".translate(FULL_WIDTH)}),
            ("incident", "i1", {"title": "１２３"}),  # not a digit field: left as typed
        ]
        with db.write() as conn:
            for seq, (entity, rid, data) in enumerate(rows, 1):
                conn.execute(records.insert().values(entity=entity, id=rid, seq=seq, created_seq=seq, version=1, deleted=False,
                                                     data=json.dumps(data, ensure_ascii=False), meta="{}", updated_at=0.0))  # fmt: skip
        db.migrate()
        with db.engine.connect() as conn:
            got = {r.id: json.loads(r.data) for r in conn.execute(select(records.c.id, records.c.data))}
        assert got["p1"] == {"name": "张伟", "id_number": ID, "phone": "13800138000"}
        assert got["p2"] == {"name": "李四", "id_number": ID, "phone": None}
        assert got["h1"] == {"room": "1", "phone": "0571-87654321"}
        assert got["i1"] == {"title": "１２３"}
    finally:
        db.dispose()
        if name:
            pg_cluster.drop_database(name)
