"""Data at scale (issue 10 #7): invalidate-all and the expiry purge at 100k cache rows × 100k cases.

    python -m bench.bench_scale [--rows 100000] [--cases 100000] [--backend sqlite|postgresql|both]

Each case points at the cache row that served it (`lookup_case.cache_id`). With ON DELETE SET NULL and no index
that was one scan of the case table per deleted row (39 s on SQLite, 13.8 s on PostgreSQL at 4k × 20k); with the
index, still one case-row rewrite per row (10.5 s on PostgreSQL at 100k × 100k, 3.7 s set-based), so the reference
no longer has a database action (docs/decisions.md). Measured with the app's own data access (`cache.invalidate`,
`cache.purge_expired`) on a freshly migrated database. Target: ≤ 2 s each.
PostgreSQL: TEST_DATABASE_URL (its public schema is dropped), like the tests.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session

from lookup import cache, db
from models.dbtypes import utcnow

TARGET_S = 2.0
ALPHABET = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789'


def seed(engine: sa.Engine, rows: int, cases: int, *, expired: bool, batch: int = 10_000) -> None:
    """`rows` cache rows (all expired when `expired`) and `cases` cases spread over them, straight into the DB."""
    rng = random.Random(7)
    meta = sa.MetaData()
    meta.reflect(engine, only=['tenant', 'conversation', 'lookup_case', 'lookup_cache'])
    tenant, conv, case, cache_t = (meta.tables[t] for t in ('tenant', 'conversation', 'lookup_case', 'lookup_cache'))
    now = utcnow()
    with engine.begin() as c:
        c.execute(sa.delete(case))
        c.execute(sa.delete(cache_t))
        if c.execute(sa.select(sa.func.count()).select_from(tenant)).scalar() == 0:
            c.execute(tenant.insert(), [dict(id=1, slug='bench', name='Bench', created_at=now)])
            c.execute(conv.insert(), [dict(id=1, tenant_id=1, channel='manual', external_chat_id='bench',
                                           customer_name='', needs_clarification=False, unread_count=0,
                                           last_message_text='', created_at=now, last_message_at=now)])
    expires = now - timedelta(minutes=1) if expired else now + timedelta(days=30)
    result = {'outcome': 'FOUND', 'gearbox': {'model': 'AT'}, 'evidence': {'source': 'podzamenu'}}
    vins = [''.join(rng.choice(ALPHABET) for _ in range(17)) for _ in range(rows)]
    for lo in range(0, rows, batch):
        with engine.begin() as c:
            c.execute(cache_t.insert(), [dict(id=i + 1, cache_key=f'VIN:{v}', id_type='VIN', value=v, outcome='FOUND',
                                              result=result, source='podzamenu', fetched_at=now, expires_at=expires)
                                         for i, v in enumerate(vins[lo:lo + batch], start=lo)])
    for lo in range(0, cases, batch):
        with engine.begin() as c:
            c.execute(case.insert(), [
                dict(tenant_id=1, conversation_id=1, id_type='VIN', raw_value=vins[i % rows], value=vins[i % rows],
                     cache_key=f'VIN:{vins[i % rows]}', force_refresh=False, status='completed', outcome='FOUND',
                     result=result, cache_id=i % rows + 1, from_cache=False, attempts=1, created_at=now,
                     updated_at=now) for i in range(lo, min(cases, lo + batch))])
    if engine.dialect.name == 'postgresql':
        with engine.connect().execution_options(isolation_level='AUTOCOMMIT') as c:
            c.execute(sa.text('ANALYZE'))


def timed(engine: sa.Engine, fn) -> tuple[float, int]:  # noqa: ANN001
    with Session(engine) as s:
        t0 = time.perf_counter()
        n = fn(s)
        s.commit()
        return time.perf_counter() - t0, n


def run(name: str, url: str, rows: int, cases: int) -> bool:
    db.migrate(url)
    engine = db.make_engine(url)
    ok = True
    for label, expired, fn in (('invalidate-all', False, lambda s: cache.invalidate(session=s, keys=None)),
                               ('expiry purge', True, lambda s: cache.purge_expired(session=s))):
        t0 = time.perf_counter()
        seed(engine, rows, cases, expired=expired)
        seeded = time.perf_counter() - t0
        seconds, n = timed(engine, fn)
        with engine.connect() as c:
            left = c.execute(sa.text('SELECT count(*) FROM lookup_cache')).scalar()
            kept = c.execute(sa.text('SELECT count(*) FROM lookup_case')).scalar()
        flag = 'ok' if seconds <= TARGET_S else 'OVER TARGET'
        flag += '' if left == 0 and kept == cases else f' (WRONG: {left} cache rows left, {kept} cases)'
        ok &= flag == 'ok'
        print(f'  {name:10s} {label:15s} {seconds:6.2f} s  ({n} cache rows deleted under {kept} cases, '
              f'seeded in {seeded:.0f} s)   target ≤ {TARGET_S:.0f} s  {flag}', flush=True)
    engine.dispose()
    return ok


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument('--rows', type=int, default=100_000)
    p.add_argument('--cases', type=int, default=100_000)
    p.add_argument('--backend', choices=['sqlite', 'postgresql', 'both'], default='both')
    args = p.parse_args()
    ok = True
    if args.backend in ('sqlite', 'both'):
        ok &= run('sqlite', f'sqlite:///{tempfile.mkdtemp(prefix="pzl-bench-")}/app.db', args.rows, args.cases)
    if args.backend in ('postgresql', 'both'):
        from tests.backends import fresh_postgres
        ok &= run('postgresql', fresh_postgres(), args.rows, args.cases)
    return 0 if ok else 1


if __name__ == '__main__':
    raise SystemExit(main())
