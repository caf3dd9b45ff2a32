"""Server tables: record store, change feed, idempotent mutations, conflicts, users, scopes, tokens, blobs.

Revision ID: 0001
Revises: 
"""

from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('blob_uploaders',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.PrimaryKeyConstraint('sha256', 'user_id', name=op.f('pk_blob_uploaders'))
    )
    op.create_table('blobs',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_blobs'))
    )
    op.create_table('changes',
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('entity', sa.String(length=32), nullable=False),
    sa.Column('record_id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('area_old', sa.String(length=36), nullable=True),
    sa.Column('area_new', sa.String(length=36), nullable=True),
    sa.Column('owner_old', sa.String(length=36), nullable=True),
    sa.Column('owner_new', sa.String(length=36), nullable=True),
    sa.Column('parent_id', sa.String(length=36), nullable=True),
    sa.Column('at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_changes'))
    )
    op.create_table('conflicts',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('at', sa.Float(), nullable=False),
    sa.Column('entity', sa.String(length=32), nullable=False),
    sa.Column('record_id', sa.String(length=36), nullable=False),
    sa.Column('area_id', sa.String(length=36), nullable=True),
    sa.Column('field', sa.String(length=64), nullable=False),
    sa.Column('mine', sa.Text(), nullable=True),
    sa.Column('theirs', sa.Text(), nullable=True),
    sa.Column('winner', sa.String(length=8), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('device_id', sa.String(length=64), nullable=False),
    sa.Column('mutation_id', sa.String(length=36), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conflicts'))
    )
    with op.batch_alter_table('conflicts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conflicts_area_id_id'), ['area_id', 'id'], unique=False)

    op.create_table('login_failures',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('window_start', sa.Float(), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_login_failures'))
    )
    op.create_table('mutations',
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('mutation_id', sa.String(length=36), nullable=False),
    sa.Column('result', sa.Text(), nullable=False),
    sa.Column('at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('user_id', 'mutation_id', name=op.f('pk_mutations'))
    )
    op.create_table('records',
    sa.Column('entity', sa.String(length=32), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('area_id', sa.String(length=36), nullable=True),
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('data', sa.Text(), nullable=False),
    sa.Column('meta', sa.Text(), nullable=False),
    sa.Column('assignee_id', sa.String(length=36), nullable=True),
    sa.Column('parent_id', sa.String(length=36), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('updated_at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('entity', 'id', name=op.f('pk_records'))
    )
    with op.batch_alter_table('records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_records_area_id_seq'), ['area_id', 'seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_records_assignee_id'), ['assignee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_records_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_records_seq'), ['seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_records_sha256'), ['sha256'], unique=False)

    op.create_table('scopes',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('areas', sa.Text(), nullable=False),
    sa.Column('created_at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scopes'))
    )
    with op.batch_alter_table('scopes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scopes_user_id'), ['user_id'], unique=False)

    op.create_table('server_meta',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_server_meta'))
    )
    op.create_table('tokens',
    sa.Column('id', sa.String(length=16), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('device_id', sa.String(length=64), nullable=False),
    sa.Column('device_name', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.Float(), nullable=False),
    sa.Column('expires_at', sa.Float(), nullable=False),
    sa.Column('revoked_at', sa.Float(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_tokens_token_hash'))
    )
    with op.batch_alter_table('tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=100), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('password_hash', sa.Text(), nullable=False),
    sa.Column('disabled', sa.Boolean(), nullable=False),
    sa.Column('area_ids', sa.Text(), nullable=False),
    sa.Column('scope_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )


def downgrade() -> None:
    op.drop_table('users')
    with op.batch_alter_table('tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tokens_user_id'))

    op.drop_table('tokens')
    op.drop_table('server_meta')
    with op.batch_alter_table('scopes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scopes_user_id'))

    op.drop_table('scopes')
    with op.batch_alter_table('records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_records_sha256'))
        batch_op.drop_index(batch_op.f('ix_records_seq'))
        batch_op.drop_index(batch_op.f('ix_records_parent_id'))
        batch_op.drop_index(batch_op.f('ix_records_assignee_id'))
        batch_op.drop_index(batch_op.f('ix_records_area_id_seq'))

    op.drop_table('records')
    op.drop_table('mutations')
    op.drop_table('login_failures')
    with op.batch_alter_table('conflicts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conflicts_area_id_id'))

    op.drop_table('conflicts')
    op.drop_table('changes')
    op.drop_table('blobs')
    op.drop_table('blob_uploaders')
