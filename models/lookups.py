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
        # Every foreign key is indexed: a deleted cache row sets `cache_id` NULL on its cases (ON DELETE SET NULL),
        # which scanned the whole case table per row without this one (issue 10, point 7).
        sa.Index('ix_case_cache', 'cache_id', 'tenant_id'),
        sa.Index('ix_case_message', 'message_id'),
        sa.Index('ix_case_created_by', 'created_by_id'),
        # The dashboard and the rate limit: a tenant's cases of a time window; its latest failures.
        sa.Index('ix_case_tenant_created', 'tenant_id', 'created_at'),
        sa.Index('ix_case_tenant_status', 'tenant_id', 'status', 'id'),
        sa.Index('ix_case_tenant_key', 'tenant_id', 'cache_key'),
        # «same unit, other cars» (issue 12 #3): a tenant's results with this OEM / gearbox code
        sa.Index('ix_case_tenant_oem', 'tenant_id', 'oem_key'),
        sa.Index('ix_case_tenant_gearbox', 'tenant_id', 'gearbox_key'),
        sa.Index('ix_case_tenant_factory', 'tenant_id', 'factory_key'),
        # the cache rows a tenant may see and invalidate are those its own cases used (lookup/cache.py)
    )
    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key='tenant.id')
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
    cache_id: int | None = None
    """The cache row that served this case, as a reference only (no foreign key): deleting 100k cache rows must not
    rewrite 100k case rows (ON DELETE SET NULL did, 10 s on PostgreSQL even with the index; docs/decisions.md).
    It may point at a row deleted since; cache ids are never reused (AUTOINCREMENT on SQLite, a sequence on PG)."""
    from_cache: bool = False
    result_fetched_at: datetime | None = Field(default=None, sa_type=TZDateTime)
    """When the result was read from the site (older than finished_at for cache hits)."""
    tag_verification: str | None = Field(default=None, max_length=16)
    selected_variant: int | None = None
    """Which of `result.variants` is the customer's car (index), when the site showed several; None: not chosen."""
    variant_selected_by: str | None = Field(default=None, max_length=8)
    """`tag` (the plate marking matched exactly one variant) or `manager` (marked on the card or through the API)."""
    oem_key: str | None = Field(default=None, max_length=40)
    """The result's OEM, normalised for matching (lookup/unitkeys.py): upper case, no spaces, dots or dashes."""
    gearbox_key: str | None = Field(default=None, max_length=64)
    """The result's clean gearbox code, upper case; None for generic ones (`5MT`, `АКПП`) that match everything."""
    factory_key: str | None = Field(default=None, max_length=64)
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
    __table_args__ = {'sqlite_autoincrement': True}  # a deleted row's id is never handed to another VIN
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


class SiteState(SQLModel, table=True):
    """The circuit breaker of one site, shared by every worker process (lookup/breaker.py)."""

    __tablename__ = 'site_state'
    site: str = Field(primary_key=True, max_length=16)
    failures: int = 0
    """Consecutive transient outcomes (TIMEOUT, SITE_ERROR, BLOCKED); any definitive answer resets it."""
    last_key: str | None = Field(default=None, max_length=48)
    """The cache key of the last counted failure: retries of one lookup count once (one bad page is not the site)."""
    open_until: datetime | None = Field(default=None, sa_type=TZDateTime)
    """Paused until then; afterwards one probe lookup may try the site."""
    reason: str | None = Field(default=None, max_length=24)
    """The outcome that opened the breaker."""
    probe_by: str | None = Field(default=None, max_length=100)
    """The worker running the probe lookup (others keep waiting)."""
    probe_until: datetime | None = Field(default=None, sa_type=TZDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)


class EvidenceBlob(SQLModel, table=True):
    """A screenshot or HTML snapshot of a lookup, in the database so that every web process can serve it."""

    __tablename__ = 'evidence_blob'
    path: str = Field(primary_key=True, max_length=200)
    """The relative path the engine reported (`result.evidence.screenshot` / `html_snapshot`)."""
    content_type: str = Field(max_length=40)
    data: bytes = Field(sa_type=sa.LargeBinary)
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime, index=True)
