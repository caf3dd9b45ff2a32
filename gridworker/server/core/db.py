"""The server database: engine, the two kinds of transaction, migrations.

Every write that appends to the change feed runs in `write()`, which makes
writers take turns: on SQLite by `BEGIN IMMEDIATE`, on PostgreSQL by a
transaction-scoped advisory lock taken before anything else. Feed positions
are assigned inside that turn (max(seq) + 1), so they are handed out in commit
order. PostgreSQL makes a transaction visible before it releases its locks, so
when writer B gets the lock, writer A's rows are already visible: a reader
that sees seq N sees every seq below N. A pull that continues from "seq >
cursor" therefore never skips a row that commits late — the trap of plain
sequences, whose values commit out of order (tests/server/test_feed_order.py
shows both the trap and that the server avoids it).

`read()` gives one consistent snapshot for a whole pull (REPEATABLE READ on
PostgreSQL; a deferred transaction on SQLite in WAL mode).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import QueuePool

MIGRATIONS = Path(__file__).parent.parent / "migrations"
VERSION_TABLE = "gridworker_server_version"
FEED_LOCK_KEY = 0x6772_6964  # "grid": the advisory lock every feed writer takes on PostgreSQL
MIGRATION_LOCK_KEY = 0x6772_6965
# Enough connections for every thread of the server's thread pool (40) to hold one:
# a request never waits for a connection while another waits for it.
_OVERFLOW = 32
WRITER_CACHE_KIB = 64 * 1024  # SQLite: the writers' connection's page cache (Database.__init__)


class Database:
    def __init__(self, url: str, *, pool_size: int = 10):
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self.engine = self._sqlite_engine(url, pool_size) if self.is_sqlite else self._pg_engine(url, pool_size)
        # SQLite: the writers, who take turns (_write_lock), keep one connection of their own with a larger page
        # cache (a second one only if a writer nests). A push of 500 edits dirties ~4,000 pages scattered over the
        # file: with the default 2 MiB cache they were read in again at each push and spilled to the WAL twice.
        self._writer = self._sqlite_engine(url, 1, WRITER_CACHE_KIB) if self.is_sqlite else self.engine
        self._write_lock = threading.RLock()

    # -- engines ---------------------------------------------------------------
    @staticmethod
    def _sqlite_engine(url: str, pool_size: int, cache_kib: int | None = None) -> Engine:
        path = url.split("///", 1)[1]
        Path(path).parent.mkdir(parents=True, exist_ok=True)

        def connect():
            conn = sqlite3.connect(path, timeout=60, check_same_thread=False, isolation_level=None)
            conn.execute("PRAGMA busy_timeout = 60000")
            conn.execute("PRAGMA journal_mode = WAL")
            # FULL: a push acknowledged to a client survives a power cut, not only a crash.
            conn.execute("PRAGMA synchronous = FULL")
            # A push of 500 changes dirties some 2,000 pages (random keys): with the default
            # checkpoint at 1,000 pages every push also copied its pages into the database file
            # and fsynced it. At 8,192 pages (32 MiB) a checkpoint comes every few pushes and
            # writes a page touched by several of them once (a fifth less written at 100,000 records).
            conn.execute("PRAGMA wal_autocheckpoint = 8192")
            if cache_kib:
                conn.execute(f"PRAGMA cache_size = -{cache_kib}")
            return conn

        engine = create_engine("sqlite://", creator=connect, poolclass=QueuePool, pool_size=pool_size, max_overflow=_OVERFLOW)

        @event.listens_for(engine, "begin")
        def _begin(conn):
            # The driver is in autocommit mode: we say how each transaction starts.
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("gw_write") else "BEGIN")

        return engine

    @staticmethod
    def _pg_engine(url: str, pool_size: int) -> Engine:
        return create_engine(url, pool_size=pool_size, max_overflow=_OVERFLOW, pool_pre_ping=True)

    # -- transactions ------------------------------------------------------------
    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A transaction that may append to the change feed; writers take turns (see the module doc)."""
        with self.plain() as conn:
            if not self.is_sqlite:  # SQLite: plain() already lets one writer in at a time
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": FEED_LOCK_KEY})
            yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """One consistent snapshot, for reads that span several queries (a pull page)."""
        if self.is_sqlite:
            with self.engine.connect() as conn:
                with conn.begin():
                    yield conn
        else:
            with self.engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
                with conn.begin():
                    yield conn

    @contextmanager
    def plain(self) -> Iterator[Connection]:
        """A short transaction that does not touch the feed (tokens, login failures, blobs)."""
        if self.is_sqlite:
            # One writer at a time inside this process, so threads queue here
            # instead of polling SQLite's busy handler.
            with self._write_lock, self._writer.connect().execution_options(gw_write=True) as conn:
                with conn.begin():
                    yield conn
        else:
            with self.engine.connect() as conn:
                with conn.begin():
                    yield conn

    def dispose(self) -> None:
        self.engine.dispose()
        if self._writer is not self.engine:
            self._writer.dispose()

    # -- migrations ----------------------------------------------------------------
    def migrate(self) -> None:
        """Bring the schema to the newest version (several server processes may start at once)."""
        with self.engine.connect() as conn:
            if not self.is_sqlite:
                conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK_KEY})
            try:
                current = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE}).get_current_revision()
                if current != head_revision():
                    cfg = alembic_config()
                    cfg.attributes["connection"] = conn
                    command.upgrade(cfg, "head")
                conn.commit()
            finally:
                if not self.is_sqlite:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK_KEY})
                    conn.commit()

    def revision(self) -> str | None:
        with self.engine.connect() as conn:
            return MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE}).get_current_revision()


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
