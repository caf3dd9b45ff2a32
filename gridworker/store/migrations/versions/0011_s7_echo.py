"""s7 echo: sync_unsure, the records whose row may differ from the server's record at the version it holds
(issue 14 target 2: the echo of an exact `applied` push answer is not written again; gridworker.sync.pull)

Every record this device pushed to before (a sent or refused outbox row) is listed: an older version of
the app kept no such list, so a row whose version came from a `merged` answer whose echo was never pulled
could not be told apart. The pull writes each of them once more as it comes, and takes it off the list.

Revision ID: 0011_s7_echo
Revises: 0010_s6_outbox
Create Date: 2026-12-07 16:40:00
"""
from alembic import op


revision = '0011_s7_echo'
down_revision = '0010_s6_outbox'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE TABLE sync_unsure (entity VARCHAR(32) NOT NULL, record_id VARCHAR(36) NOT NULL, "
               "PRIMARY KEY (entity, record_id))")
    op.execute("INSERT OR IGNORE INTO sync_unsure (entity, record_id) "
               "SELECT DISTINCT entity, record_id FROM outbox WHERE state IN ('sent', 'rejected')")


def downgrade() -> None:
    op.execute("DROP TABLE sync_unsure")
