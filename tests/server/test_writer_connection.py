"""SQLite: the writers (pushes, sign-ins, admin commands: they take turns) keep one connection of their
own, with a page cache that holds a push's pages from one push to the next (core/db.py). With the pool's
connections and their default 2 MiB cache, 10,000 edits of demo people read ~100,000 pages back in and
wrote ~114,000 (strace): 24,500 and 76,200 with it."""

from __future__ import annotations

from gridworker.server.core.db import WRITER_CACHE_KIB, Database


def _conn_and_cache(conn) -> tuple[int, int]:
    return id(conn.connection.dbapi_connection), conn.exec_driver_sql("PRAGMA cache_size").scalar()


def test_sqlite_writers_share_one_connection_with_a_large_page_cache(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'server.db'}")
    db.migrate()
    try:
        seen = []
        with db.read() as reading:  # a pull holding a pooled connection meanwhile
            for _ in range(3):
                with db.write() as conn:
                    seen.append(_conn_and_cache(conn))
                with db.plain() as conn:
                    seen.append(_conn_and_cache(conn))
                with db.read() as other:
                    assert _conn_and_cache(other)[1] != -WRITER_CACHE_KIB  # readers: SQLite's default
            assert _conn_and_cache(reading)[0] != seen[0][0]
        assert len({c for c, _ in seen}) == 1
        assert {size for _, size in seen} == {-WRITER_CACHE_KIB}
    finally:
        db.dispose()
