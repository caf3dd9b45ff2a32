"""Alembic environment: runs on the engine the Store hands over, in one transaction."""

from alembic import context

import gridworker.store.all_models  # noqa: F401  (registers every table on the metadata)
from sqlmodel import SQLModel

target_metadata = SQLModel.metadata
engine = context.config.attributes.get("engine")

if engine is None:
    raise SystemExit("gridworker migrations run through gridworker.store.migrate, with an open Store")

# The Store's engine opens transactions itself (BEGIN on the 'begin' event), so
# the whole upgrade is one transaction: a failed migration leaves no half-made
# tables behind (TOOLING.md).


def include_name(name, type_, _parent_names) -> bool:
    # The search index tables are made by raw SQL (FTS5), not by the models:
    # autogenerate must not propose to drop them.
    return not (type_ == "table" and name.startswith("search_"))


with engine.execution_options(gw_write=True).connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_name=include_name,
        render_as_batch=True,
        transactional_ddl=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
