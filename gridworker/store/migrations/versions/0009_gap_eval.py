"""gap eval: the local table of the year-end evaluation (双管三评: self-assessment and the community's rating)

Revision ID: 0009_gap_eval
Revises: 0008_gap_verify
Create Date: 2026-12-07 09:35:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0009_gap_eval'
down_revision = '0008_gap_verify'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('evaluation',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('area_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('extra', sa.JSON(), nullable=False),
    sa.Column('member_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('self_assessment', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('self_assessed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('grade', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=True),
    sa.Column('grade_note', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('rated_by', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.Column('rated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('evaluation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_area_id'), ['area_id'], unique=False)
        batch_op.create_index('ix_evaluation_member_year', ['member_id', 'year'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('evaluation', schema=None) as batch_op:
        batch_op.drop_index('ix_evaluation_member_year')
        batch_op.drop_index(batch_op.f('ix_evaluation_area_id'))
    op.drop_table('evaluation')
