"""Readiness (/api/ready) and Prometheus metrics (/metrics), computed from the shared truth (DB, queue,
heartbeats) so that every web process reports the same numbers whatever worker did the work."""

from __future__ import annotations

import logging
import shutil
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from sqlmodel import col, func, select

from lookup import heartbeat
from lookup.db import get_engine, session_scope
from lookup.queue import queue_depth
from lookup.settings import get_settings
from models import LookupCache, LookupCase
from models.dbtypes import utcnow

logger = logging.getLogger(__name__)


def browser_status() -> str:
    s = get_settings()
    if s.browser_ws_endpoint or s.browser_cdp_url:
        return 'remote'
    if s.browser_executable:
        return 'ok' if shutil.which(s.browser_executable) else 'missing'
    return 'ok' if any(shutil.which(b) for b in ('chromium', 'chromium-browser', 'google-chrome')) else 'bundled?'


def readiness() -> tuple[bool, dict[str, Any]]:
    checks: dict[str, Any] = {}
    ok = True
    try:
        with get_engine().connect() as conn:
            conn.execute(sa.text('SELECT 1'))
        checks['database'] = 'ok'
    except Exception as exc:  # noqa: BLE001
        checks['database'] = f'error: {type(exc).__name__}'
        ok = False
    try:
        checks['queue'] = {'status': 'ok', 'depth': queue_depth()}
    except Exception as exc:  # noqa: BLE001
        checks['queue'] = {'status': f'error: {type(exc).__name__}'}
        ok = False
    try:
        beats = heartbeat.read()
    except Exception:  # noqa: BLE001
        beats = []
    alive = [b for b in beats if b.alive]
    newest = alive[0] if alive else (beats[0] if beats else None)
    checks['worker'] = {'status': 'ok' if alive else 'gone', 'workers': len(alive),
                        'heartbeat_age_s': round(newest.age_s, 1) if newest else None,
                        'current_case': newest.case_id if newest else None}
    if not alive:
        ok = False
    checks['browser'] = browser_status()
    broken = [b.browser for b in alive if b.browser]
    if broken:
        # A worker's browser failed to start on its last lookup: name what and why (site-anatomy-independent).
        checks['browser'] = f'unavailable: {broken[0]}'
    if checks['browser'] == 'missing' or broken:
        ok = False
    # Site circuit breakers (issue 10 #10, lookup/breaker.py): shown, not a readiness failure (the app still answers,
    # queues and serves the cache while a site is paused).
    try:
        from lookup import breaker
        checks['sites'] = breaker.state()
    except Exception as exc:  # noqa: BLE001
        checks['sites'] = {'error': type(exc).__name__}
    return ok, checks


class DbCollector:
    """Lookups by outcome, cache hits, durations and queue depth, read at scrape time."""

    def collect(self):  # noqa: ANN201
        with session_scope() as s:
            by = s.exec(select(LookupCase.status, LookupCase.outcome, LookupCase.from_cache, func.count())
                        .group_by(LookupCase.status, LookupCase.outcome, LookupCase.from_cache)).all()
            since = utcnow() - timedelta(hours=1)
            recent = s.exec(select(LookupCase.started_at, LookupCase.finished_at).where(
                col(LookupCase.finished_at) >= since, col(LookupCase.from_cache).is_(False),
                col(LookupCase.started_at).is_not(None))).all()
            cache_rows = s.exec(select(func.count()).select_from(LookupCache)).one()
        lookups = CounterMetricFamily('podzamenu_lookups', 'Lookup cases by status and outcome',
                                      labels=['status', 'outcome'])
        hits = CounterMetricFamily('podzamenu_cache_hits', 'Lookups answered from the cache')
        agg: dict[tuple[str, str], int] = {}
        n_hits = 0
        for status, outcome, from_cache, n in by:
            agg[(status, outcome or '')] = agg.get((status, outcome or ''), 0) + n
            n_hits += n if from_cache else 0
        for (status, outcome), n in agg.items():
            lookups.add_metric([status, outcome], n)
        hits.add_metric([], n_hits)
        yield lookups
        yield hits
        durations = sorted((f - st).total_seconds() for st, f in recent if f and st)
        q = GaugeMetricFamily('podzamenu_lookup_duration_seconds', 'Site lookup duration over the last hour',
                              labels=['quantile'])
        for name, p in (('0.5', 0.5), ('0.95', 0.95)):
            q.add_metric([name], durations[min(len(durations) - 1, int(p * len(durations)))] if durations else 0)
        yield q
        yield GaugeMetricFamily('podzamenu_cache_rows', 'Rows in the result cache', value=cache_rows)
        try:
            yield GaugeMetricFamily('podzamenu_queue_depth', 'Jobs waiting in the Huey queue', value=queue_depth())
        except Exception:  # noqa: BLE001
            logger.warning('queue depth unavailable for /metrics')
        try:
            workers = sum(1 for b in heartbeat.read() if b.alive)
            yield GaugeMetricFamily('podzamenu_workers_alive', 'Workers with a fresh heartbeat', value=workers)
        except Exception:  # noqa: BLE001
            logger.warning('heartbeats unavailable for /metrics')


_registry = CollectorRegistry()
_registry.register(DbCollector())


def metrics_text() -> bytes:
    return generate_latest(_registry)
