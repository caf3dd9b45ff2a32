"""Residents of the phone pages: which community they registered in and whether they are verified.

Revision ID: 0004_i17_h5
Revises: 0003_i11_server
"""

from alembic import op
import sqlalchemy as sa


revision = '0004_i17_h5'
down_revision = '0003_i11_server'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_residents",
        sa.Column("user_id", sa.String(36), primary_key=True),
        sa.Column("community_id", sa.String(36), nullable=False),
        sa.Column("person_id", sa.String(36)),
        sa.Column("area_id", sa.String(36)),
        sa.Column("verified_at", sa.Float),
        sa.Column("verified_by", sa.String(36)),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.PrimaryKeyConstraint("user_id", name="pk_web_residents"),
    )


def downgrade() -> None:
    op.drop_table("web_residents")
