"""s7 outbox time: the outbox keeps no `created_at` (issue 14 target 3, the database's size)

Nothing read it: an edit's time is its stamp (`hlc`, milliseconds since 1970 first), which the push
sends. 26 bytes of each row, 3 MB of a 50,000-person import's outbox.

Revision ID: 0013_s7_outbox_time
Revises: 0012_s7_search
Create Date: 2026-12-07 17:20:00
"""
from alembic import op


revision = '0013_s7_outbox_time'
down_revision = '0012_s7_search'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE outbox DROP COLUMN created_at")  # SQLite 3.35+: the table is rewritten in place


def downgrade() -> None:
    op.execute("ALTER TABLE outbox ADD COLUMN created_at DATETIME NOT NULL DEFAULT '1970-01-01 00:00:00.000000'")
