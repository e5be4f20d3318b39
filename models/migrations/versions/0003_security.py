"""security: server-side browser sessions, per-tenant usernames, platform operators, tenant cache scope index

Revision ID: 0003_security
Revises: 0002_scale
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op

import models.dbtypes

revision: str = '0003_security'
down_revision: str | None = '0002_scale'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_operator', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.drop_index('ix_user_username')
        batch_op.create_index('ix_user_username', ['username'], unique=False)
        batch_op.create_unique_constraint('uq_user_tenant_username', ['tenant_id', 'username'])
    op.create_table(
        'user_session',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=16), nullable=False),
        sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column('created_at', models.dbtypes.TZDateTime(), nullable=False),
        sa.Column('last_seen_at', models.dbtypes.TZDateTime(), nullable=False),
        sa.Column('revoked_at', models.dbtypes.TZDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id']),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.create_index('ix_user_session_user_id', ['user_id'], unique=False)
        batch_op.create_index('ix_user_session_tenant_id', ['tenant_id'], unique=False)
    with op.batch_alter_table('lookup_case', schema=None) as batch_op:
        batch_op.create_index('ix_case_tenant_key', ['tenant_id', 'cache_key'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('lookup_case', schema=None) as batch_op:
        batch_op.drop_index('ix_case_tenant_key')
    op.drop_table('user_session')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint('uq_user_tenant_username', type_='unique')
        batch_op.drop_index('ix_user_username')
        batch_op.create_index('ix_user_username', ['username'], unique=True)
        batch_op.drop_column('is_operator')
