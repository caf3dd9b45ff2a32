"""Partial indexes on records.parent_id, sha256 and assignee_id: only the rows that have one.

Nearly every record (people, households, buildings) has none of the three,
yet each insert and each update wrote a NULL entry into all three indexes —
three random index pages per record a push touches. Every query on these
columns compares them with a value (`= x`, `IN (...)`), which implies
`IS NOT NULL`, so the partial indexes serve them all; the queries say
`IS NOT NULL` as well, for planners that do not infer it.

Revision ID: 0004_i14_server
Revises: 0003_i11_server
"""

from alembic import op
import sqlalchemy as sa


revision = '0004_i14_server'
down_revision = '0003_i11_server'
branch_labels = None
depends_on = None

COLUMNS = ("parent_id", "sha256", "assignee_id")


def upgrade() -> None:
    for column in COLUMNS:
        name = f"ix_records_{column}"
        op.drop_index(name, table_name="records")
        where = sa.text(f"{column} IS NOT NULL")
        op.create_index(name, "records", [column], unique=False, sqlite_where=where, postgresql_where=where)


def downgrade() -> None:
    for column in COLUMNS:
        name = f"ix_records_{column}"
        op.drop_index(name, table_name="records")
        op.create_index(name, "records", [column], unique=False)
