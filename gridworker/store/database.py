"""The encrypted database of one account: engine, sessions, transactions, migrations."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import QueuePool
from sqlmodel import Session

from ..domain.errors import GridWorkerError, WrongPassword


_ENCODE = json.JSONEncoder(ensure_ascii=False).encode  # what json.dumps(value, ensure_ascii=False) builds at every call


CACHE_KIB = 65_536  # every connection's page cache (PRAGMA cache_size), unless a transaction asks for more


def _json_text(value) -> str:
    """JSON columns as UTF-8 text: a Chinese character is 3 bytes, not the 6 of a \\uXXXX escape
    (the outbox of a 50,000-person import is a third smaller).

    The text is json.dumps(value, ensure_ascii=False)'s, without its new encoder per call: an import's
    outbox rows are ~240,000 values, most of them None (a reference create's fields, every row's result),
    6 µs each through json.dumps and 0.3 µs here.
    """
    if value is None:
        return "null"
    return _ENCODE(value)


class Store:
    """One open, encrypted SQLite database.

    `read()` gives a session for queries; `write()` a session inside
    `BEGIN IMMEDIATE`, committed when the block ends and rolled back if it
    raises, so a service's record changes and outbox rows land together or
    not at all.
    """

    def __init__(self, path: Path, key: bytes, *, migrate: bool = True):
        self.path = Path(path)
        self._key = key
        self._key_pragma = f"PRAGMA key = \"x'{key.hex()}'\""
        self.engine = self._make_engine()
        self._write_engine = self.engine.execution_options(gw_write=True)
        self._write_lock = threading.RLock()
        self._check_key()
        from .deferred_indexes import restore_on_open

        restore_on_open(self.engine, self._write_engine)  # a bulk load cut short: before any migration
        if migrate:
            from .migrate import upgrade

            upgrade(self.engine)

    @property
    def key(self) -> bytes:
        """The raw database key: for a second process of this app opening the same database (the sync process)."""
        return self._key

    # -- engine --------------------------------------------------------------
    def _connect(self):
        conn = sqlcipher.connect(str(self.path), timeout=30, check_same_thread=False, isolation_level=None)
        conn.execute(self._key_pragma)
        return conn

    def _make_engine(self) -> Engine:
        engine = create_engine(
            "sqlite://", creator=self._connect, poolclass=QueuePool, pool_size=4, max_overflow=4,
            json_serializer=_json_text,
        )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA busy_timeout = 30000")
            cur.execute("PRAGMA foreign_keys = ON")
            cur.execute("PRAGMA journal_mode = WAL")
            # FULL: a saved keystroke survives a power cut, not only a crash.
            cur.execute("PRAGMA synchronous = FULL")
            # 64 MiB page cache: the statistics and search working sets of a
            # 50,000-person community fit (8 MB did not: 0.72 s → 0.41 s).
            cur.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn):
            # The driver runs in autocommit mode; we open transactions ourselves
            # so that writers take the lock up front and never deadlock on upgrade.
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("gw_write") else "BEGIN")

        return engine

    def _check_key(self) -> None:
        try:
            with self.engine.connect() as c:
                c.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()
        except Exception as exc:  # sqlcipher raises DatabaseError "file is not a database"
            self.engine.dispose()
            if "not a database" in str(exc):
                raise WrongPassword() from None
            raise GridWorkerError(f"无法打开数据库：{exc}", f"Cannot open the database: {exc}") from exc

    # -- sessions ------------------------------------------------------------
    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as s:
            yield s

    @contextmanager
    def write(self, *, durable: bool = True, cache_kib: int | None = None) -> Iterator[Session]:
        """`durable=False`: the commit does not wait for the disk (a power cut may undo it, never half of it).

        For work that can be fetched again, such as a group of a first sync saved with its cursor:
        in WAL mode, synchronous NORMAL skips the fsync of each commit, and the next durable
        commit (any connection's) syncs the log with it. The connection is set back to FULL after.

        `cache_kib`: a larger page cache for this transaction (a bulk write whose pages outgrow the usual
        one, which then writes pages out and reads them back, encrypting and decrypting them again).
        SQLite takes the pages only as they are used; the connection's cache is set back, and its pages
        freed, when the transaction ends.
        """
        if durable and cache_kib is None:
            with self._write_lock, Session(self._write_engine, expire_on_commit=False) as s:
                with s.begin():
                    yield s
            return
        with self._write_lock, self._write_engine.connect() as conn:
            driver = conn.connection.driver_connection  # outside any transaction: SQLite refuses it inside one
            if not durable:
                driver.execute("PRAGMA synchronous = NORMAL")
            if cache_kib is not None:
                driver.execute(f"PRAGMA cache_size = -{int(cache_kib)}")
            try:
                with Session(bind=conn, expire_on_commit=False) as s, s.begin():
                    yield s
            finally:
                if not durable:
                    driver.execute("PRAGMA synchronous = FULL")
                if cache_kib is not None:
                    driver.execute(f"PRAGMA cache_size = -{CACHE_KIB}")

    # -- backup --------------------------------------------------------------
    def backup_to(self, path: Path) -> None:
        """Copy the database into a new file at `path`, encrypted with the same key.

        SQLite's online backup API in a single step: one read transaction, so
        the copy is a consistent snapshot (with what is in the WAL) even while
        other connections keep writing; writers are not blocked in WAL mode.
        """
        target = sqlcipher.connect(str(path), isolation_level=None)
        try:
            target.execute(self._key_pragma)
            source = self.engine.raw_connection()
            try:
                source.driver_connection.backup(target)
            finally:
                source.close()
        finally:
            target.close()

    def derive_key(self, purpose: bytes) -> bytes:
        """A 256-bit key for `purpose` (e.g. encrypting a backup's photos), derived from the data key by HKDF."""
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(self._key)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
