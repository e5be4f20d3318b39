"""Per-tenant reply templates (issue 12 #1): the text a manager sends the customer, per outcome kind."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.dbtypes import TZDateTime, utcnow


class ReplyTemplate(SQLModel, table=True):
    __tablename__ = 'reply_template'
    __table_args__ = (sa.UniqueConstraint('tenant_id', 'kind', name='uq_reply_template_kind'),)
    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key='tenant.id')
    kind: str = Field(max_length=24)
    """`found`, `model_only`, `need_plate`, `not_found`, `site_unavailable` (lookup/templates.py)."""
    text: str = Field(sa_type=sa.Text)
    """A `string.Template` text (`$car`, `${oem}`); placeholders are checked when it is saved."""
    updated_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
    updated_by_id: int | None = None
