"""Numbers for the dashboard: the tenant's lookups over the last 24 h, plus queue and worker state."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from sqlmodel import col, select

from lookup import heartbeat, queue
from lookup.auth import Actor
from lookup.db import session_scope
from models import Conversation, LookupCase
from models.dbtypes import utcnow


def _quantile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return round(values[min(len(values) - 1, int(q * len(values)))], 1)


def dashboard(actor: Actor) -> dict[str, Any]:
    now = utcnow()
    since = now - timedelta(hours=24)
    with session_scope() as s:
        rows = s.exec(select(LookupCase).where(LookupCase.tenant_id == actor.tenant_id,
                                               col(LookupCase.created_at) >= since)).all()
        failures = s.exec(select(LookupCase, Conversation.customer_name)
                          .join(Conversation, Conversation.id == LookupCase.conversation_id)
                          .where(LookupCase.tenant_id == actor.tenant_id, LookupCase.status == 'failed')
                          .order_by(col(LookupCase.id).desc()).limit(10)).all()
    per_hour = Counter()
    for c in rows:
        per_hour[int((now - c.created_at).total_seconds() // 3600)] += 1
    finished = [c for c in rows if c.status in ('completed', 'failed')]
    durations = [(c.finished_at - c.started_at).total_seconds() for c in finished
                 if not c.from_cache and c.started_at and c.finished_at]
    hits = sum(1 for c in finished if c.from_cache)
    try:
        depth = queue.queue_depth()
    except Exception:  # noqa: BLE001
        depth = None
    try:
        beats = heartbeat.read()
    except Exception:  # noqa: BLE001  (Redis down: the dashboard still shows the database figures)
        beats = []
    return {
        'queue_depth': depth,
        'active': sum(1 for c in rows if c.status in ('pending', 'running')),
        'worker': {'age_s': round(beats[0].age_s, 1) if beats else None,
                   'case_id': beats[0].case_id if beats else None, 'count': len(beats)},
        'per_hour': [per_hour.get(h, 0) for h in range(23, -1, -1)],
        'total': len(rows),
        'cache_hit_rate': round(100 * hits / len(finished)) if finished else None,
        'p50': _quantile(durations, 0.5), 'p95': _quantile(durations, 0.95),
        'failures_by_reason': Counter(c.error_code or 'UNKNOWN' for c in finished if c.status == 'failed'),
        'latest_failures': [{'case_id': c.id, 'conversation_id': c.conversation_id, 'customer': name,
                             'value': c.value, 'code': c.error_code, 'message': c.error_message,
                             'at': c.finished_at or c.updated_at} for c, name in failures],
    }
