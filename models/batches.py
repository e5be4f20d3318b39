"""Batch lookups (issue 12 #4): a pasted list or CSV of VINs/FRAMEs, one item per line."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.dbtypes import JSONType, TZDateTime, utcnow

BATCH_CHANNEL = 'batch'
"""The channel of a batch's internal conversation (not a customer chat: the conversation list leaves it out)."""


class ItemState(StrEnum):
    INVALID = 'invalid'
    """Rejected up front (not a VIN/FRAME, or a repeat of an earlier line): `error_code` says why."""
    WAITING = 'waiting'
    """Valid, but the tenant's lookups per minute are used up: it becomes a case at `Batch.next_admit_at`."""
    SUBMITTED = 'submitted'
    """A case exists (`case_id`): its status is the item's progress."""
    CANCELLED = 'cancelled'
    """Never started: the batch's creator lost the right to start lookups before its turn came."""


class Batch(SQLModel, table=True):
    __tablename__ = 'batch'
    __table_args__ = (sa.Index('ix_batch_tenant_created', 'tenant_id', 'created_at'),
                      sa.Index('ix_batch_next_admit', 'next_admit_at'),
                      # every foreign key is indexed (issue 10 #7)
                      sa.Index('ix_batch_conversation', 'conversation_id'),
                      sa.Index('ix_batch_created_by', 'created_by_id'))
    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key='tenant.id')
    created_by_id: int | None = Field(default=None, foreign_key='user.id')
    """Waiting items are started later on this user's behalf, with their role as of then."""
    conversation_id: int = Field(foreign_key='conversation.id')
    """The batch's own internal conversation (channel `batch`): every case needs one (docs/api.md, Batches)."""
    name: str = Field(default='', max_length=200)
    total: int = 0
    """Lines read (valid or not)."""
    next_admit_at: datetime | None = Field(default=None, sa_type=TZDateTime)
    """When waiting items are tried again (None: nothing waits)."""
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)


class BatchItem(SQLModel, table=True):
    __tablename__ = 'batch_item'
    __table_args__ = (sa.UniqueConstraint('batch_id', 'line', name='uq_batch_item_line'),
                      sa.Index('ix_batch_item_state', 'batch_id', 'state', 'line'),
                      sa.Index('ix_batch_item_case', 'case_id'))
    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key='batch.id', ondelete='CASCADE')
    line: int
    """1-based line of the input (a CSV header line counts)."""
    raw: str = Field(max_length=200)
    value: str | None = Field(default=None, max_length=40)
    id_type: str | None = Field(default=None, max_length=8)
    tag: str | None = Field(default=None, max_length=64)
    state: str = Field(default=ItemState.WAITING, sa_type=sa.String(16))
    error_code: str | None = Field(default=None, max_length=32)
    error_message: str | None = Field(default=None, sa_type=sa.Text)
    error_params: dict[str, Any] | None = Field(default=None, sa_type=JSONType)
    """Values for the translated message (`n` of VIN_LENGTH, `line` of DUPLICATE)."""
    case_id: int | None = Field(default=None, foreign_key='lookup_case.id')
