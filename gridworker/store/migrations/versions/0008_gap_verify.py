"""gap verify: staff confirm a resident (issue 17) — the resident table's confirmation columns

Revision ID: 0008_gap_verify
Revises: 0007_i16_desktop
Create Date: 2026-12-07 09:30:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0008_gap_verify'
down_revision = '0007_i16_desktop'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('resident', schema=None) as batch_op:
        batch_op.add_column(sa.Column('confirmed', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('confirm_person_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True))
        batch_op.add_column(sa.Column('undo_reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))
        batch_op.add_column(sa.Column('confirmed_by', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True))
        batch_op.add_column(sa.Column('confirmed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('resident', schema=None) as batch_op:
        batch_op.drop_column('confirmed_at')
        batch_op.drop_column('confirmed_by')
        batch_op.drop_column('undo_reason')
        batch_op.drop_column('confirm_person_id')
        batch_op.drop_column('confirmed')
