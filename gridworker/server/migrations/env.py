"""Alembic environment of the server database: runs on the connection server.db hands over."""

from alembic import context

from gridworker.server.core.db import VERSION_TABLE
from gridworker.server.core.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise SystemExit("server migrations run through gridworker.server.db.Database.migrate")

context.configure(
    connection=connection,
    target_metadata=metadata,
    version_table=VERSION_TABLE,
    render_as_batch=connection.dialect.name == "sqlite",
    transactional_ddl=True,
)
with context.begin_transaction():
    context.run_migrations()
