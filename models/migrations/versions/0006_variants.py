"""variants: the vehicle variant chosen per case (issue 12, point 2)

Revision ID: 0006_variants
Revises: 0005_batch
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0006_variants'
down_revision: str | None = '0005_batch'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('lookup_case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('selected_variant', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('variant_selected_by', sqlmodel.sql.sqltypes.AutoString(length=8),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('lookup_case', schema=None) as batch_op:
        batch_op.drop_column('variant_selected_by')
        batch_op.drop_column('selected_variant')
