"""Lookup cases (one per operator/inbound request) and the global result cache."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.dbtypes import JSONType, TZDateTime, utcnow


class CaseStatus(StrEnum):
    PENDING = 'pending'
    RUNNING = 'running'
    COMPLETED = 'completed'
    FAILED = 'failed'


ACTIVE_STATUSES = (CaseStatus.PENDING, CaseStatus.RUNNING)


class LookupCase(SQLModel, table=True):
    __tablename__ = 'lookup_case'
    __table_args__ = (
        sa.Index('ix_case_key_status', 'cache_key', 'status'),
        sa.Index('ix_case_conversation', 'conversation_id', 'created_at'),
        sa.Index('ix_case_status_created', 'status', 'created_at'),
        sa.Index('ix_case_tenant_key', 'tenant_id', 'cache_key'),
        # the cache rows a tenant may see and invalidate are those its own cases used (lookup/cache.py)
    )
    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key='tenant.id', index=True)
    conversation_id: int = Field(foreign_key='conversation.id')
    message_id: int | None = Field(default=None, foreign_key='message.id')
    created_by_id: int | None = Field(default=None, foreign_key='user.id')
    id_type: str = Field(max_length=8)
    raw_value: str = Field(max_length=100)
    value: str = Field(max_length=40)
    cache_key: str = Field(max_length=48)
    tag: str | None = Field(default=None, max_length=64)
    force_refresh: bool = False
    status: str = Field(default=CaseStatus.PENDING, sa_type=sa.String(16))
    stage: str | None = Field(default=None, max_length=24)
    """Progress inside `pending`/`running`: queued, queue_unavailable, retry_wait, opening, navigating, parsing…"""
    outcome: str | None = Field(default=None, max_length=24)
    result: dict[str, Any] | None = Field(default=None, sa_type=JSONType)
    cache_id: int | None = Field(default=None, foreign_key='lookup_cache.id', ondelete='SET NULL')
    from_cache: bool = False
    result_fetched_at: datetime | None = Field(default=None, sa_type=TZDateTime)
    """When the result was read from the site (older than finished_at for cache hits)."""
    tag_verification: str | None = Field(default=None, max_length=16)
    error_code: str | None = Field(default=None, max_length=32)
    error_message: str | None = Field(default=None, sa_type=sa.Text)
    attempts: int = 0
    worker_id: str | None = Field(default=None, max_length=100)
    lease_until: datetime | None = Field(default=None, sa_type=TZDateTime)
    """A running case whose lease passed belongs to a dead worker and is taken back."""
    next_attempt_at: datetime | None = Field(default=None, sa_type=TZDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
    started_at: datetime | None = Field(default=None, sa_type=TZDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=TZDateTime)


class LookupCache(SQLModel, table=True):
    __tablename__ = 'lookup_cache'
    id: int | None = Field(default=None, primary_key=True)
    cache_key: str = Field(max_length=48, unique=True)
    id_type: str = Field(max_length=8)
    value: str = Field(max_length=40, index=True)
    outcome: str = Field(max_length=24)
    result: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    source: str = Field(default='podzamenu', max_length=16)
    make: str | None = Field(default=None, max_length=64, index=True)
    gearbox_model: str | None = Field(default=None, max_length=64)
    oem: str | None = Field(default=None, max_length=40, index=True)
    fetched_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime, index=True)
    expires_at: datetime = Field(sa_type=TZDateTime, index=True)
