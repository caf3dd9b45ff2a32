"""The server's schema comes from its own Alembic migrations and matches its own MetaData."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

import gridworker.store.all_models  # noqa: F401  (the client's tables)
from gridworker.server.core.db import VERSION_TABLE, Database, head_revision
from gridworker.server.core.schema import metadata


def test_migrations_build_exactly_the_declared_schema(backend, database_url, tmp_path):
    db = Database(database_url or f"sqlite:///{tmp_path / 'fresh.db'}")
    try:
        db.migrate()
        db.migrate()  # a second start changes nothing
        assert db.revision() == head_revision()
        with db.engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
            assert compare_metadata(ctx, metadata) == []
    finally:
        db.dispose()


def test_server_tables_stay_out_of_the_client_metadata():
    # The client's Alembic autogenerates from SQLModel.metadata: server tables must never appear there.
    assert not set(metadata.tables) & set(SQLModel.metadata.tables)
