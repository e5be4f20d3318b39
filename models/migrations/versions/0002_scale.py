"""placeholder for the performance revision (no-op in branch h-sec; the real 0002_scale replaces it)

Revision ID: 0002_scale
Revises: 0001
"""
from collections.abc import Sequence

revision: str = '0002_scale'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
