"""batch lookups (batch, batch_item) and the site-change alarm (site_signal, site_alarm): issue 12 #4, #5

Revision ID: 0005_batch
Revises: 0004_replies (written on 0003_security; re-parented when h-replies merged main: it only adds tables)
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op
from sqlalchemy.dialects import postgresql
from sqlalchemy import Text  # noqa: F401

import models.dbtypes  # noqa: F401

revision: str = '0005_batch'
down_revision: str | None = '0004_replies'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('site_alarm',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('signal', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('open_key', sqlmodel.sql.sqltypes.AutoString(length=48), nullable=True),
    sa.Column('started_at', models.dbtypes.TZDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', models.dbtypes.TZDateTime(timezone=True), nullable=True),
    sa.Column('share_hour', sa.Float(), nullable=False),
    sa.Column('share_week', sa.Float(), nullable=False),
    sa.Column('samples_hour', sa.Integer(), nullable=False),
    sa.Column('step', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('notified_at', models.dbtypes.TZDateTime(timezone=True), nullable=True),
    sa.Column('notify_attempts', sa.Integer(), nullable=False),
    sa.Column('notify_error', sa.Text(), nullable=True),
    sa.Column('updated_at', models.dbtypes.TZDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('open_key')
    )
    with op.batch_alter_table('site_alarm', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_site_alarm_ended_at'), ['ended_at'], unique=False)

    op.create_table('site_signal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('at', models.dbtypes.TZDateTime(timezone=True), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('dead_end', sa.Boolean(), nullable=False),
    sa.Column('parse_fallback', sa.Boolean(), nullable=False),
    sa.Column('selector_fallback', sa.Boolean(), nullable=False),
    sa.Column('step', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('site_signal', schema=None) as batch_op:
        batch_op.create_index('ix_site_signal_site_at', ['site', 'at'], unique=False)

    op.create_table('batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('next_admit_at', models.dbtypes.TZDateTime(timezone=True), nullable=True),
    sa.Column('created_at', models.dbtypes.TZDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversation.id'], ),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('batch', schema=None) as batch_op:
        batch_op.create_index('ix_batch_next_admit', ['next_admit_at'], unique=False)
        batch_op.create_index('ix_batch_tenant_created', ['tenant_id', 'created_at'], unique=False)
        batch_op.create_index('ix_batch_conversation', ['conversation_id'], unique=False)
        batch_op.create_index('ix_batch_created_by', ['created_by_id'], unique=False)

    op.create_table('batch_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('line', sa.Integer(), nullable=False),
    sa.Column('raw', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('value', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('id_type', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
    sa.Column('tag', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('error_code', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('error_message', sa.Text(), nullable=True),
    sa.Column('error_params', sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True, astext_type=Text()), 'postgresql'), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['batch.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['case_id'], ['lookup_case.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('batch_id', 'line', name='uq_batch_item_line')
    )
    with op.batch_alter_table('batch_item', schema=None) as batch_op:
        batch_op.create_index('ix_batch_item_case', ['case_id'], unique=False)
        batch_op.create_index('ix_batch_item_state', ['batch_id', 'state', 'line'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('batch_item', schema=None) as batch_op:
        batch_op.drop_index('ix_batch_item_state')
        batch_op.drop_index('ix_batch_item_case')

    op.drop_table('batch_item')
    with op.batch_alter_table('batch', schema=None) as batch_op:
        batch_op.drop_index('ix_batch_tenant_created')
        batch_op.drop_index('ix_batch_conversation')
        batch_op.drop_index('ix_batch_created_by')
        batch_op.drop_index('ix_batch_next_admit')

    op.drop_table('batch')
    with op.batch_alter_table('site_signal', schema=None) as batch_op:
        batch_op.drop_index('ix_site_signal_site_at')

    op.drop_table('site_signal')
    with op.batch_alter_table('site_alarm', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_site_alarm_ended_at'))

    op.drop_table('site_alarm')
