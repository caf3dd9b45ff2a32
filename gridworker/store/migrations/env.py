"""Alembic environment: runs on the engine the Store hands over, in one transaction."""

from alembic import context

import gridworker.domain.all_models  # noqa: F401  (registers every table on the metadata)
from sqlmodel import SQLModel

target_metadata = SQLModel.metadata
engine = context.config.attributes.get("engine")

if engine is None:
    raise SystemExit("gridworker migrations run through gridworker.store.migrate, with an open Store")

# The Store's engine opens transactions itself (BEGIN on the 'begin' event), so
# the whole upgrade is one transaction: a failed migration leaves no half-made
# tables behind (TOOLING.md).
with engine.execution_options(gw_write=True).connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        transactional_ddl=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
