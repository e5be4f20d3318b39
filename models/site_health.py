"""Site-change alarm (issue 12 #5): one signal row per site visit, one alarm row per onset."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.dbtypes import TZDateTime, utcnow


class SiteSignal(SQLModel, table=True):
    """What one site visit's evidence says about the site's layout (lookup/site_health.py reads it at write time,
    so the hourly comparison is an indexed aggregate, never a scan of result JSON)."""

    __tablename__ = 'site_signal'
    __table_args__ = (sa.Index('ix_site_signal_site_at', 'site', 'at'),)
    id: int | None = Field(default=None, primary_key=True)
    site: str = Field(max_length=16)
    at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
    case_id: int | None = None
    """The case whose visit this was (a reference only, like `lookup_case.cache_id`)."""
    tenant_id: int | None = None
    outcome: str = Field(max_length=24)
    dead_end: bool = False
    parse_fallback: bool = False
    selector_fallback: bool = False
    step: str | None = Field(default=None, max_length=80)
    """The step the lookup was at when it went astray (evidence.waiting_for or the last step)."""


class SiteAlarm(SQLModel, table=True):
    __tablename__ = 'site_alarm'
    id: int | None = Field(default=None, primary_key=True)
    site: str = Field(max_length=16)
    signal: str = Field(max_length=24)
    """`dead_end`, `parse_fallback` or `selector_fallback`."""
    open_key: str | None = Field(default=None, max_length=48, unique=True)
    """`site:signal` while the alarm is on, NULL once it ended: at most one open alarm per site and signal, even
    with several workers evaluating at once."""
    started_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=TZDateTime, index=True)
    share_hour: float = 0.0
    share_week: float = 0.0
    samples_hour: int = 0
    step: str | None = Field(default=None, max_length=80)
    notified_at: datetime | None = Field(default=None, sa_type=TZDateTime)
    """The webhook got the onset (NULL: not yet, or no webhook configured; retried every minute until it does)."""
    notify_attempts: int = 0
    notify_error: str | None = Field(default=None, sa_type=sa.Text)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
