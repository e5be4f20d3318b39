"""Numbers for the dashboard: the tenant's lookups over the last 24 h, plus queue, worker and site state.

Everything is aggregated in the database (ix_case_tenant_created, ix_case_tenant_status): a few small result rows
per refresh, never the cases themselves or their result JSON.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from lookup import breaker, heartbeat, queue
from lookup.auth import Actor
from lookup.db import select_columns, session_scope
from models import Conversation, LookupCase
from models.dbtypes import utcnow

HOURS = 24


def _seconds(session: Session, start: Any, end: Any) -> Any:
    """`end - start` in seconds, per dialect (SQLite keeps timestamps as ISO text)."""
    if session.get_bind().dialect.name == 'postgresql':
        return func.extract('epoch', end - start)
    return (func.julianday(end) - func.julianday(start)) * 86400.0


def _durations(session: Session, tenant_id: int, since: datetime) -> tuple[float | None, float | None]:
    """p50 / p95 of site lookups (not cache hits) finished in the window: a count, then one row per quantile."""
    duration = _seconds(session, LookupCase.started_at, LookupCase.finished_at)
    where = (LookupCase.tenant_id == tenant_id, col(LookupCase.created_at) >= since,
             col(LookupCase.status).in_(('completed', 'failed')), col(LookupCase.from_cache).is_(False),
             col(LookupCase.started_at).is_not(None), col(LookupCase.finished_at).is_not(None))
    n = session.exec(select(func.count()).where(*where)).one()
    if not n:
        return None, None

    def quantile(q: float) -> float:
        value = session.exec(select(duration).where(*where).order_by(duration)
                             .offset(min(n - 1, int(q * n))).limit(1)).one()
        return round(float(value), 1)
    return quantile(0.5), quantile(0.95)


def dashboard(actor: Actor) -> dict[str, Any]:
    now = utcnow()
    since = now - timedelta(hours=HOURS)
    tenant = col(LookupCase.tenant_id) == actor.tenant_id
    window = (tenant, col(LookupCase.created_at) >= since)
    hour_edges = [now - timedelta(hours=h) for h in range(HOURS + 1)]
    # One CASE per hour bucket (bucket h = h..h+1 hours ago): portable, and the bounds are bound parameters.
    per_hour_cols = [func.sum(sa.case((sa.and_(col(LookupCase.created_at) > hour_edges[h + 1],
                                               col(LookupCase.created_at) <= hour_edges[h]), 1), else_=0))
                     for h in range(HOURS)]
    with session_scope() as s:
        per_hour = s.exec(select(*per_hour_cols).where(*window)).one()
        groups = s.exec(select(LookupCase.status, LookupCase.from_cache, LookupCase.error_code, func.count())
                        .where(*window)
                        .group_by(col(LookupCase.status), col(LookupCase.from_cache), col(LookupCase.error_code))).all()
        p50, p95 = _durations(s, actor.tenant_id, since)
        failures = s.exec(select_columns(LookupCase.id, LookupCase.conversation_id, Conversation.customer_name,
                                 LookupCase.value, LookupCase.error_code, LookupCase.error_message,
                                 LookupCase.finished_at, LookupCase.updated_at)
                          .join(Conversation, col(Conversation.id) == col(LookupCase.conversation_id))
                          .where(tenant, col(LookupCase.status) == 'failed')
                          .order_by(col(LookupCase.id).desc()).limit(10)).all()
    total = sum(n for *_, n in groups)
    finished = sum(n for status, _, _, n in groups if status in ('completed', 'failed'))
    hits = sum(n for status, from_cache, _, n in groups if status in ('completed', 'failed') and from_cache)
    reasons: Counter[str] = Counter()
    for status, _, code, n in groups:
        if status == 'failed':
            reasons[code or 'UNKNOWN'] += n
    try:
        depth = queue.queue_depth()
    except Exception:  # noqa: BLE001
        depth = None
    try:
        beats = heartbeat.read()
    except Exception:  # noqa: BLE001  (Redis down: the dashboard still shows the database figures)
        beats = []
    try:
        sites = breaker.state()
    except Exception:  # noqa: BLE001
        sites = {}
    return {
        'queue_depth': depth,
        'active': sum(n for status, *_, n in groups if status in ('pending', 'running')),
        'worker': {'age_s': round(beats[0].age_s, 1) if beats else None,
                   'case_id': beats[0].case_id if beats else None, 'count': len(beats)},
        'sites': sites,
        'per_hour': [int(per_hour[h] or 0) for h in range(HOURS - 1, -1, -1)],
        'total': total,
        'cache_hit_rate': round(100 * hits / finished) if finished else None,
        'p50': p50, 'p95': p95,
        'failures_by_reason': reasons,
        'latest_failures': [{'case_id': i, 'conversation_id': conv, 'customer': name, 'value': value, 'code': code,
                             'message': message, 'at': finished_at or updated_at}
                            for i, conv, name, value, code, message, finished_at, updated_at in failures],
    }
