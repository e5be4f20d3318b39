"""Per-site circuit breaker, shared by every worker through the database (`site_state`, both backends).

closed ──(SITE_BREAKER_FAILURES consecutive transient outcomes of different lookups)──> open until now + cool-down
open ──(cool-down over: the first worker to ask becomes the probe)──> probing ──(definitive answer)──> closed
                                                                         └──(transient again)──> open again
BLOCKED opens for SITE_BREAKER_BLOCKED_COOLDOWN_S (far longer): hammering a block only prolongs it.
While a site is open or probing, workers do not visit it: their cases wait (`site_paused`, retry time shown).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from lookup.db import session_scope
from lookup.engine.outcomes import Outcome
from lookup.settings import Settings, get_settings
from models.dbtypes import utcnow
from models.lookups import SiteState

logger = logging.getLogger(__name__)
PROBE_MARGIN_S = 30
"""A probe that has not reported after deadline + this is presumed dead (its worker was killed): another may probe."""
TRIPS = (Outcome.TIMEOUT, Outcome.SITE_ERROR, Outcome.BLOCKED)


@dataclass(frozen=True)
class Admission:
    allowed: bool
    probe: bool = False
    """This lookup is the one probe after a cool-down."""
    retry_at: datetime | None = None
    """When refused: when to try again."""


def _row(session: Session, site: str) -> SiteState:
    """The site's row (created when missing), locked for this transaction: a row lock on PostgreSQL, the database
    write lock on SQLite (taken by the write, so two workers cannot both become the probe)."""
    pg = session.get_bind().dialect.name == 'postgresql'
    insert = pg_insert if pg else sqlite_insert
    session.execute(insert(SiteState).values(site=site, failures=0, updated_at=utcnow())
                    .on_conflict_do_nothing(index_elements=['site']))
    stmt = select(SiteState).where(col(SiteState.site) == site)
    if pg:
        return session.exec(stmt.with_for_update()).one()
    session.exec(sa.update(SiteState).where(col(SiteState.site) == site).values(site=site))
    return session.exec(stmt).one()


def _closed(site: str) -> bool:
    """Unlocked fast path: a closed breaker needs no lock (two workers both visiting a healthy site is fine)."""
    with session_scope() as s:
        row = s.get(SiteState, site)
        return row is None or row.open_until is None


def admit(site: str, worker: str, *, settings: Settings | None = None) -> Admission:
    """May this worker visit the site now? Cheap when closed (one locked row)."""
    settings = settings or get_settings()
    if _closed(site):
        return Admission(True)
    now = utcnow()
    with session_scope() as s:
        row = _row(s, site)
        if row.open_until is None:
            return Admission(True)
        if now < row.open_until:
            return Admission(False, retry_at=row.open_until)
        if row.probe_by and row.probe_by != worker and row.probe_until and now < row.probe_until:
            return Admission(False, retry_at=row.probe_until)
        row.probe_by = worker
        row.probe_until = now + timedelta(seconds=settings.lookup_deadline_s + PROBE_MARGIN_S)
        row.updated_at = now
        logger.info('site %s: cool-down over, %s probes it', site, worker)
        return Admission(True, probe=True)


def record(site: str, outcome: Outcome, *, cache_key: str, worker: str, settings: Settings | None = None) -> None:
    """Count a visit's outcome: transient ones towards opening, any definitive answer closes the breaker."""
    settings = settings or get_settings()
    now = utcnow()
    with session_scope() as s:
        row = _row(s, site)
        was_probe = row.probe_by == worker and row.open_until is not None
        if outcome not in TRIPS:
            if row.open_until is not None:
                logger.warning('site %s answers again (%s); breaker closed', site, outcome.value)
            row.failures, row.last_key, row.open_until, row.reason = 0, None, None, None
            row.probe_by = row.probe_until = None
        else:
            if row.last_key != cache_key or was_probe:
                row.failures += 1
                row.last_key = cache_key
            if was_probe or row.failures >= settings.site_breaker_failures or \
                    (row.open_until is not None and outcome is Outcome.BLOCKED):
                cool = settings.site_breaker_blocked_cooldown_s if outcome is Outcome.BLOCKED \
                    else settings.site_breaker_cooldown_s
                row.open_until, row.reason = now + timedelta(seconds=cool), outcome.value
                row.probe_by = row.probe_until = None
                logger.warning('site %s paused until %s after %s consecutive %s', site, row.open_until.isoformat(),
                               row.failures, outcome.value)
        row.updated_at = now


def state() -> dict[str, dict[str, Any]]:
    """Every known site's breaker, for the dashboard and `/api/ready`: `{site: {state, until, reason, failures}}`.

    `state` is `closed`, `open` (paused until `until`) or `probing` (the cool-down is over, one lookup tries)."""
    now = utcnow()
    with session_scope() as s:
        rows = s.exec(select(SiteState)).all()
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row.open_until is None:
            st = 'closed'
        elif now < row.open_until:
            st = 'open'
        else:
            st = 'probing'
        out[row.site] = {'state': st, 'until': row.open_until.isoformat() if row.open_until and st == 'open' else None,
                         'reason': row.reason if st != 'closed' else None, 'failures': row.failures}
    return out
