"""Issue 10 #7: every foreign key and list-filter column has an index (a deleted cache row must not scan the case
table), and the committed migrations match the models — on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic import command

from lookup import db

FILTERS = {
    'lookup_case': [('tenant_id', 'created_at'), ('tenant_id', 'status'), ('cache_key', 'status'),
                    ('status', 'created_at'), ('conversation_id',)],
    'conversation': [('tenant_id', 'last_message_at'), ('tenant_id', 'last_lookup_status'),
                     ('tenant_id', 'needs_clarification')],
    'message': [('conversation_id', 'created_at')],
    'lookup_cache': [('expires_at',), ('cache_key',)],
    'evidence_blob': [('created_at',)],
}


def _leading(insp: sa.Inspector, table: str) -> list[tuple[str, ...]]:
    cols = [tuple(ix['column_names']) for ix in insp.get_indexes(table)]
    cols += [tuple(uc['column_names']) for uc in insp.get_unique_constraints(table)]
    pk = insp.get_pk_constraint(table)['constrained_columns']
    return [*cols, tuple(pk)]


def _covered(wanted: tuple[str, ...], indexes: list[tuple[str, ...]]) -> bool:
    return any(ix[:len(wanted)] == wanted for ix in indexes)


def test_every_foreign_key_has_an_index(backend: str) -> None:
    insp = sa.inspect(db.get_engine())
    missing = [(table, tuple(fk['constrained_columns'])) for table in insp.get_table_names()
               for fk in insp.get_foreign_keys(table)
               if not _covered(tuple(fk['constrained_columns']), _leading(insp, table))]
    assert missing == []


@pytest.mark.parametrize('table', sorted(FILTERS))
def test_every_filter_has_a_fitting_index(backend: str, table: str) -> None:
    indexes = _leading(sa.inspect(db.get_engine()), table)
    assert [f for f in FILTERS[table] if not _covered(f, indexes)] == []


def test_migrations_match_the_models(backend: str) -> None:
    command.check(db.alembic_config(str(db.get_engine().url.render_as_string(hide_password=False))))


def test_deleting_cache_rows_leaves_cases_alone_and_ids_are_never_reused(backend: str) -> None:
    """`lookup_case.cache_id` is a reference without ON DELETE work; so a deleted row's id must never come back
    for another VIN (an old case would then seem to have used it: another tenant's VIN in a tenant's cache view)."""
    from lookup import cache
    from lookup.db import session_scope
    from lookup.engine.result import LookupResult
    from lookup.settings import get_settings
    result = LookupResult(query='WVWZZZ1KZ8W123456', id_type='VIN', outcome='FOUND')
    with session_scope() as s:
        first = cache.store(session=s, cache_key='VIN:WVWZZZ1KZ8W123456', result=result, settings=get_settings()).id
    with session_scope() as s:
        assert cache.invalidate(session=s, keys=None) == 1
    with session_scope() as s:
        again = cache.store(session=s, cache_key='VIN:XW8ZZZ61ZAA000001', result=result, settings=get_settings()).id
    assert again > first


def test_expired_rows_go_in_short_batches_and_live_ones_stay(backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The minute sweep deletes expired cache rows batch after batch (one short write transaction each), all of
    them, and nothing that has not expired."""
    from datetime import timedelta

    from sqlmodel import func, select

    from lookup import cache
    from lookup.db import session_scope
    from lookup.engine.result import LookupResult
    from lookup.settings import get_settings
    from models import LookupCache
    from models.dbtypes import utcnow
    monkeypatch.setattr(cache, 'PURGE_BATCH', 3)
    with session_scope() as s:
        for n in range(8):
            vin = f'WVWZZZ1KZ8W{n:06d}'
            cache.store(session=s, cache_key=f'VIN:{vin}', result=LookupResult(query=vin, id_type='VIN',
                        outcome='FOUND'), settings=get_settings())
        rows = s.exec(select(LookupCache).order_by(LookupCache.id)).all()
        for row in rows[:7]:
            row.expires_at = utcnow() - timedelta(minutes=1)
    statements: list[int] = []
    real = cache.purge_expired
    monkeypatch.setattr(cache, 'purge_expired', lambda **kw: statements.append(n := real(**kw)) or n)
    import tasks
    tasks.sweep.call_local()
    assert statements == [3, 3, 1]
    with session_scope() as s:
        assert s.exec(select(func.count()).select_from(LookupCache)).one() == 1
