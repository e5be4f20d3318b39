"""The shared result cache (a VIN's gearbox is the same for every tenant). Data access only.

One site visit serves every tenant, but a tenant sees and invalidates only the rows its own cases used
(`tenant_id=`): the rows themselves never record who asked, the tenant's cases do (index ix_case_tenant_key)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, func, select

from lookup.engine.outcomes import Outcome
from lookup.engine.result import LookupResult
from lookup.settings import Settings
from models import LookupCache, LookupCase
from models.dbtypes import utcnow

SORTABLE = {'fetched_at', 'expires_at', 'value', 'make', 'gearbox_model', 'oem', 'outcome'}


def ttl_for(outcome: Outcome, settings: Settings) -> timedelta:
    if outcome is Outcome.VEHICLE_NOT_FOUND:
        return timedelta(hours=settings.negative_cache_ttl_hours)
    return timedelta(days=settings.cache_ttl_days)


def get_fresh(*, session: Session, cache_key: str, now: datetime | None = None) -> LookupCache | None:
    """The cached row for a key, if it has not expired."""
    now = now or utcnow()
    return session.exec(select(LookupCache).where(LookupCache.cache_key == cache_key,
                                                  LookupCache.expires_at > now)).first()


def store(*, session: Session, cache_key: str, result: LookupResult, settings: Settings) -> LookupCache:
    """Insert or replace the row for a key (idempotent: a re-run job overwrites its own row)."""
    now = utcnow()
    values = dict(cache_key=cache_key, id_type=result.id_type, value=result.query, outcome=result.outcome.value,
                  result=result.model_dump(mode='json'), source=result.evidence.source or 'podzamenu',
                  make=result.vehicle.make, gearbox_model=result.gearbox.model, oem=result.gearbox.oem,
                  fetched_at=now, expires_at=now + ttl_for(result.outcome, settings))
    insert = postgresql.insert if session.get_bind().dialect.name == 'postgresql' else sqlite.insert
    stmt = insert(LookupCache).values(**values)
    stmt = stmt.on_conflict_do_update(index_elements=['cache_key'],
                                      set_={k: stmt.excluded[k] for k in values if k != 'cache_key'})
    session.execute(stmt)
    return session.exec(select(LookupCache).where(LookupCache.cache_key == cache_key)).one()


def _used_by(tenant_id: int) -> sa.ColumnElement[bool]:
    """The cache rows some case of this tenant used (answered from, stored, or asked for)."""
    return sa.exists().where(col(LookupCase.tenant_id) == tenant_id,
                             col(LookupCase.cache_key) == col(LookupCache.cache_key))


@dataclass
class CachePage:
    total: int
    rows: list[LookupCache]


def page(*, session: Session, q: str = '', offset: int = 0, limit: int = 25, sort: str = 'fetched_at',
         descending: bool = True, include_expired: bool = True, tenant_id: int | None = None) -> CachePage:
    """One page of cache rows (of those `tenant_id` used; None: all), filtered by identifier / make / OEM."""
    stmt = select(LookupCache)
    if tenant_id is not None:
        stmt = stmt.where(_used_by(tenant_id))
    if q:
        needle = q.strip().upper().replace(' ', '')
        like = f'%{needle}%'
        stmt = stmt.where(sa.or_(col(LookupCache.value).like(f'{needle}%'), func.upper(LookupCache.make).like(like),
                                 col(LookupCache.oem).like(like), func.upper(LookupCache.gearbox_model).like(like)))
    if not include_expired:
        stmt = stmt.where(LookupCache.expires_at > utcnow())
    total = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    order_col = getattr(LookupCache, sort if sort in SORTABLE else 'fetched_at')
    order = order_col.desc() if descending else order_col.asc()
    rows = session.exec(stmt.order_by(order, col(LookupCache.id).desc()).offset(offset).limit(limit)).all()
    return CachePage(total=total, rows=list(rows))


def invalidate(*, session: Session, keys: list[str] | None = None, tenant_id: int | None = None) -> int:
    """Delete rows by cache key (`keys=None`: all), of those `tenant_id` used (None: any). Returns how many went."""
    stmt = sa.delete(LookupCache)
    if keys is not None:
        stmt = stmt.where(col(LookupCache.cache_key).in_(keys))
    if tenant_id is not None:
        stmt = stmt.where(_used_by(tenant_id))
    return session.exec(stmt).rowcount or 0


PURGE_BATCH = 500


def purge_expired(*, session: Session) -> int:
    """Delete up to PURGE_BATCH expired rows; call again (in a new transaction) while it returns that many.
    Small batches keep each write transaction short: SQLite has one writer, and lookups finishing meanwhile
    must not wait on it."""
    batch = (sa.select(col(LookupCache.id)).where(col(LookupCache.expires_at) <= utcnow()).limit(PURGE_BATCH)
             .scalar_subquery())
    return session.exec(sa.delete(LookupCache).where(col(LookupCache.id).in_(batch))).rowcount or 0
