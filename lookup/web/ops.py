"""Readiness (/api/ready) and Prometheus metrics (/metrics), computed from the shared truth (DB, queue,
heartbeats) so that every web process reports the same numbers whatever worker did the work."""

from __future__ import annotations

import logging
import shutil
import threading
import time
from collections import deque
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from sqlmodel import col, func, select

from lookup import heartbeat
from lookup.db import get_engine, select_columns, session_scope
from lookup.queue import queue_depth
from lookup.settings import get_settings
from models import ACTIVE_STATUSES, LookupCache, LookupCase
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
    # No case ids or other tenant data: readiness answers without credentials (load balancers, probes).
    checks['worker'] = {'status': 'ok' if alive else 'gone', 'workers': len(alive),
                        'heartbeat_age_s': round(newest.age_s, 1) if newest else None}
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
    """Lookups by outcome, cache hits, durations and queue depth, computed at most every METRICS_CACHE_S per process.

    The totals are read once (at the first scrape) and from then on only for cases that are new (by id, through
    the primary key) or were still unfinished, so a scrape costs a small range read, not a GROUP BY over every
    tenant's history. Metrics are platform-wide: /metrics needs METRICS_TOKEN (or METRICS_BIND's address)."""

    _COLS = (LookupCase.id, LookupCase.status, LookupCase.outcome, LookupCase.from_cache, LookupCase.started_at,
             LookupCase.finished_at)

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cached: tuple[float, list[Metric]] | None = None
        self._totals: dict[tuple[str, str, bool], int] = {}
        self._open: set[int] = set()
        """Cases still pending/running at the last read: counted once they finish."""
        self._high = -1
        """Every case up to this id has been read (-1: nothing yet)."""
        self._durations: deque[tuple[datetime, float]] = deque()
        """(finished_at, seconds) of site lookups that finished within the last hour."""

    def collect(self):  # noqa: ANN201
        with self._lock:
            if self._cached is None or time.monotonic() - self._cached[0] >= get_settings().metrics_cache_s:
                self._cached = (time.monotonic(), list(self._read()))
            return list(self._cached[1])

    def _add(self, status: str, outcome: str | None, from_cache: bool, started, finished, n: int = 1) -> None:  # noqa: ANN001
        key = (status, outcome or '', bool(from_cache))
        self._totals[key] = self._totals.get(key, 0) + n
        if started and finished and not from_cache:
            self._durations.append((finished, (finished - started).total_seconds()))

    def _first_read(self, s) -> None:  # noqa: ANN001
        self._high = s.exec(select(func.coalesce(func.max(LookupCase.id), 0))).one()
        done = col(LookupCase.status).not_in(ACTIVE_STATUSES)
        for status, outcome, from_cache, n in s.exec(
                select(LookupCase.status, LookupCase.outcome, LookupCase.from_cache, func.count())
                .where(col(LookupCase.id) <= self._high, done)
                .group_by(col(LookupCase.status), col(LookupCase.outcome), col(LookupCase.from_cache))).all():
            self._add(status, outcome, from_cache, None, None, n)
        self._open = set(s.exec(select(col(LookupCase.id)).where(col(LookupCase.id) <= self._high,
                                                            col(LookupCase.status).in_(ACTIVE_STATUSES))).all())
        since = utcnow() - timedelta(hours=1)
        for started, finished in s.exec(select(LookupCase.started_at, LookupCase.finished_at).where(
                col(LookupCase.finished_at) >= since, col(LookupCase.from_cache).is_(False),
                col(LookupCase.started_at).is_not(None), col(LookupCase.id) <= self._high)
                .order_by(col(LookupCase.finished_at))).all():
            self._durations.append((finished, (finished - started).total_seconds()))

    def _catch_up(self) -> None:
        with session_scope() as s:
            if self._high < 0:
                self._first_read(s)
                return
            rows = list(s.exec(select_columns(*self._COLS).where(col(LookupCase.id) > self._high)).all())
            if self._open:
                rows += s.exec(select_columns(*self._COLS).where(col(LookupCase.id).in_(list(self._open)))).all()
        for case_id, status, outcome, from_cache, started, finished in sorted(rows):
            self._high = max(self._high, case_id)
            if status in ACTIVE_STATUSES:
                self._open.add(case_id)
            else:
                self._open.discard(case_id)
                self._add(status, outcome, from_cache, started, finished)

    def _read(self):  # noqa: ANN202
        self._catch_up()
        since = utcnow() - timedelta(hours=1)
        self._durations = deque(d for d in self._durations if d[0] >= since)
        with session_scope() as s:
            cache_rows = s.exec(select(func.count()).select_from(LookupCache)).one()
        lookups = CounterMetricFamily('podzamenu_lookups', 'Lookup cases by status and outcome',
                                      labels=['status', 'outcome'])
        agg: dict[tuple[str, str], int] = {}
        n_hits = 0
        for (status, outcome, from_cache), n in self._totals.items():
            agg[(status, outcome)] = agg.get((status, outcome), 0) + n
            n_hits += n if from_cache else 0
        for (status, outcome), n in sorted(agg.items()):
            lookups.add_metric([status, outcome], n)
        yield lookups
        yield CounterMetricFamily('podzamenu_cache_hits', 'Lookups answered from the cache', value=n_hits)
        durations = sorted(d for _, d in self._durations)
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
        yield from _site_health_metrics()


def _site_health_metrics():  # noqa: ANN202
    """The site-change alarm (issue 12 #5): 1 per open alarm (as the minute check opened it), with the shares it
    compared. Read from the alarm rows the periodic check keeps up to date: a scrape runs no aggregate (issue 10 #4);
    `GET /api/site-alarms` and the dashboard show the same."""
    from models import SiteAlarm
    alarm = GaugeMetricFamily('podzamenu_site_alarm', 'Site-change alarm open (1) per site and signal',
                              labels=['site', 'signal', 'step'])
    share = GaugeMetricFamily('podzamenu_site_signal_share', 'Share of site visits showing the signal, while an '
                              'alarm is open', labels=['site', 'signal', 'window'])
    with session_scope() as s:
        for a in s.exec(select(SiteAlarm).where(col(SiteAlarm.ended_at).is_(None))):
            alarm.add_metric([a.site, a.signal, a.step or ''], 1)
            share.add_metric([a.site, a.signal, '1h'], a.share_hour)
            share.add_metric([a.site, a.signal, '7d'], a.share_week)
    yield alarm
    yield share


_registry = CollectorRegistry()
_registry.register(DbCollector())


def metrics_text() -> bytes:
    return generate_latest(_registry)


def serve_metrics(bind: str) -> None:
    """A separate metrics listener (METRICS_BIND=host:port, no token): keep it on an internal address."""
    from prometheus_client import start_http_server
    host, _, port = bind.rpartition(':')
    start_http_server(int(port), addr=host or '127.0.0.1', registry=_registry)
    logger.info('metrics on http://%s:%s/metrics', host or '127.0.0.1', port)
