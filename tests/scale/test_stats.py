"""Issue 10 #8: the dashboard's figures are aggregated in the database (never the cases or their result JSON), and
they are right, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from lookup import db, service, stats
from lookup.db import session_scope
from models import LookupCase
from models.dbtypes import utcnow


def _case(conv: int, tenant: int, *, status: str, ago_h: float, from_cache: bool = False, took_s: float | None = None,
          code: str | None = None) -> LookupCase:
    at = utcnow() - timedelta(hours=ago_h)
    done = status in ('completed', 'failed')
    return LookupCase(tenant_id=tenant, conversation_id=conv, id_type='VIN', raw_value='X', value='X' * 17,
                      cache_key='VIN:' + 'X' * 17, status=status, from_cache=from_cache, error_code=code,
                      result={'big': 'x' * 1000}, created_at=at, updated_at=at,
                      started_at=at if took_s is not None else None,
                      finished_at=at + timedelta(seconds=took_s or 0) if done else None)


def test_dashboard_figures_come_from_sql_aggregates(manager) -> None:  # noqa: ANN001
    conv = service.list_conversations(manager, page_size=1).items[0].id
    t = manager.tenant_id
    rows = [_case(conv, t, status='completed', ago_h=0.5, took_s=s) for s in (2, 4, 6, 8, 10)]
    rows += [_case(conv, t, status='completed', ago_h=1.5, from_cache=True, took_s=0),
             _case(conv, t, status='failed', ago_h=2.5, took_s=3, code='TIMEOUT'),
             _case(conv, t, status='failed', ago_h=2.6, took_s=3, code='TIMEOUT'),
             _case(conv, t, status='failed', ago_h=3.5, took_s=3, code='VEHICLE_NOT_FOUND'),
             _case(conv, t, status='running', ago_h=0.1),
             _case(conv, t, status='pending', ago_h=0.1),
             _case(conv, t, status='completed', ago_h=30, took_s=99)]  # outside the 24 h window
    with session_scope() as s:
        s.add_all(rows)

    statements: list[str] = []

    def record(_conn, _cursor, statement, *_):  # noqa: ANN001, ANN202
        statements.append(statement)
    sa.event.listen(db.get_engine(), 'before_cursor_execute', record)
    try:
        d = stats.dashboard(manager)
    finally:
        sa.event.remove(db.get_engine(), 'before_cursor_execute', record)

    assert d['total'] == 11 and d['active'] == 2
    assert d['per_hour'][-1] == 7 and d['per_hour'][-2] == 1 and d['per_hour'][-3] == 2 and d['per_hour'][-4] == 1
    assert sum(d['per_hour']) == 11
    assert d['cache_hit_rate'] == round(100 * 1 / 9)
    assert d['p50'] == 4.0 and d['p95'] == 10.0  # site lookups only: 2 4 6 8 10 3 3 3 → sorted 2 3 3 3 4 6 8 10
    assert dict(d['failures_by_reason']) == {'TIMEOUT': 2, 'VEHICLE_NOT_FOUND': 1}
    assert [f['code'] for f in d['latest_failures']] == ['VEHICLE_NOT_FOUND', 'TIMEOUT', 'TIMEOUT']
    case_reads = [st for st in statements if 'lookup_case' in st]
    assert not any('lookup_case.result' in st for st in case_reads), 'the dashboard read result JSON'
    assert len(case_reads) <= 6
