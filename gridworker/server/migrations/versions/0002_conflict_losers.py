"""Conflicts remember who wrote the value a winning push overwrote, so that device can be told.

Revision ID: 0002
Revises: 0001
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable columns: the rows already there keep null (their losers were never recorded).
    with op.batch_alter_table('conflicts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('loser_user_id', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('loser_device_id', sa.String(length=64), nullable=True))
        batch_op.create_index(
            batch_op.f('ix_conflicts_loser_user_id_loser_device_id_id'),
            ['loser_user_id', 'loser_device_id', 'id'], unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table('conflicts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conflicts_loser_user_id_loser_device_id_id'))
        batch_op.drop_column('loser_device_id')
        batch_op.drop_column('loser_user_id')
