"""users: the server's users kept locally (gridworker.domain.users), and a one-time re-read to fetch them

Before this revision the pull skipped `user` records, and the server sends a
record again only when it changes: a database that had synced holds a cursor
past all of them. So when there is a cursor, this revision asks for one full
re-read, with the checklist of gridworker.sync.resync (marked `reread`, not a
restore: nothing is queued again, unsent edits keep their base versions). The
cursor is dropped; the next sync reads the feed from the start and settles
the records it did not send back.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 04:40:00.000000
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

# The synced tables as of this revision (a migration must not follow later code).
SYNCED = ('area', 'building', 'household', 'person', 'membership', 'visit', 'walkround', 'incident',
          'incident_event', 'photo')


def upgrade() -> None:
    op.create_table('user',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('area_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('extra', sa.JSON(), nullable=False),
    sa.Column('username', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('display_name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('area_ids', sa.JSON(), nullable=False),
    sa.Column('disabled', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_area_id'), ['area_id'], unique=False)

    _ask_for_a_reread()


def _ask_for_a_reread() -> None:
    """What gridworker.sync.resync.start does, as of this revision, when this database has synced before."""
    conn = op.get_bind()
    if conn.exec_driver_sql("SELECT 1 FROM meta WHERE key = 'sync.cursor'").first() is None:
        return  # never synced, or a first pull still under way: the next pull starts from the beginning anyway
    conn.exec_driver_sql("DELETE FROM sync_resync")
    for table in SYNCED:
        conn.exec_driver_sql(
            f"INSERT OR IGNORE INTO sync_resync (entity, record_id) SELECT '{table}', id FROM {table} WHERE version > 0"
        )
    conn.exec_driver_sql("DELETE FROM meta WHERE key = 'sync.cursor'")
    conn.exec_driver_sql(
        "INSERT INTO meta (key, value) VALUES ('sync.resync', 'reread') "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE meta.value <> '1'"
    )


def downgrade() -> None:
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_area_id'))

    op.drop_table('user')
