"""Global browser-slot limit per site and per-tenant rate limit (Redis in production, local/DB embedded)."""

from __future__ import annotations

import logging
import math
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from functools import lru_cache

import redis
import sqlalchemy as sa
from sqlmodel import Session, col, select

from lookup import heartbeat
from lookup.errors import RateLimited
from lookup.settings import Settings
from models import LookupCase
from models.dbtypes import utcnow

logger = logging.getLogger(__name__)
WINDOW_S = 60
SLOT_POLL_S = 0.2
STALE_CHECK_S = 2.0
"""While waiting for a slot, look this often whether its holder died (a SIGKILLed worker cannot release it)."""
SLOT_PREFIX = 'podzamenu:slot:'
_local_slots: dict[str, threading.BoundedSemaphore] = {}
_local_lock = threading.Lock()

# Sliding window in one atomic step (concurrent submits cannot both take the last slot). Redis' own clock, so
# web processes on several hosts agree. Returns {1, 0} when admitted, else {0, seconds until a slot frees}.
_RATE_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local window, limit = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local n = redis.call('ZCARD', KEYS[1])
if n >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], n - limit, n - limit, 'WITHSCORES')
  return {0, math.max(1, math.ceil(tonumber(oldest[2]) + window - now))}
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('EXPIRE', KEYS[1], window + 5)
return {1, 0}
"""
_DEL_IF_LUA = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"


@lru_cache
def _redis(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)


def _holder(token: bytes | str | None) -> str | None:
    if token is None:
        return None
    text = token.decode() if isinstance(token, bytes) else token
    return text.partition('|')[0] or None


def _delete_if(r: redis.Redis, key: str, token: bytes | str) -> bool:
    return bool(r.eval(_DEL_IF_LUA, 1, key, token))


def clear_stale_slots(settings: Settings, beats: dict[str, heartbeat.Beat] | None = None) -> int:
    """Free slots whose holder is provably dead (its process is gone, or its heartbeat stopped). Returns how many."""
    if not settings.redis_url:
        return 0
    r = _redis(settings.redis_url)
    beats = heartbeat.snapshot() if beats is None else beats
    freed = 0
    for key in r.scan_iter(match=f'{SLOT_PREFIX}*'):
        token = r.get(key)
        if token is not None and heartbeat.dead(_holder(token), beats) and _delete_if(r, key, token):
            logger.warning('freed %s held by dead worker %s', key.decode(), _holder(token))
            freed += 1
    return freed


@contextmanager
def site_slot(site: str, settings: Settings, *, timeout: float, holder: str = '') -> Iterator[bool]:
    """Hold one of `site_concurrency` browser slots for a site; yields False if none freed up in time.

    `holder` (the worker id) is stored in the slot, so that a waiter can free a slot whose holder died.
    """
    if not settings.redis_url:
        with _local_lock:
            sem = _local_slots.setdefault(site, threading.BoundedSemaphore(settings.site_concurrency))
        got = sem.acquire(timeout=timeout)
        try:
            yield got
        finally:
            if got:
                sem.release()
        return
    r = _redis(settings.redis_url)
    token = f'{holder}|{uuid.uuid4().hex}'
    # Slots also expire on their own: a holder on another host that died without a heartbeat record still frees it.
    ttl = int(settings.lookup_deadline_s + 60)
    deadline = time.monotonic() + timeout
    next_stale_check = time.monotonic() + STALE_CHECK_S
    key = None
    while key is None:
        for i in range(settings.site_concurrency):
            candidate = f'{SLOT_PREFIX}{site}:{i}'
            if r.set(candidate, token, nx=True, ex=ttl):
                key = candidate
                break
        if key is None:
            now = time.monotonic()
            if now >= deadline:
                yield False
                return
            if now >= next_stale_check:
                next_stale_check = now + STALE_CHECK_S
                if clear_stale_slots(settings):
                    continue
            # Waiting for another worker to free a slot (a condition in Redis, not a page): short poll.
            time.sleep(SLOT_POLL_S)
    try:
        yield True
    finally:
        try:
            _delete_if(r, key, token.encode())
        except redis.RedisError:
            logger.warning('could not release %s; it expires in %ss', key, ttl)


def check_rate(*, tenant_id: int, settings: Settings, session: Session) -> None:
    """Raise RateLimited when the tenant already sent `rate_limit_per_minute` lookups to the site in 60 s.

    Admitting counts the lookup. Redis: an atomic sliding window. Embedded: the tenant's recent non-cache cases in
    the database, counted under a per-tenant lock held until the caller's transaction (which inserts the case)
    commits, so concurrent submits cannot both take the last slot.
    """
    limit = settings.rate_limit_per_minute
    if settings.redis_url:
        _check_rate_redis(tenant_id, limit, settings.redis_url)
        return
    if session.get_bind().dialect.name == 'postgresql':
        session.execute(sa.text('SELECT pg_advisory_xact_lock(hashtext(:k))'), {'k': f'rate:{tenant_id}'})
    else:  # SQLite: a write takes the database's write lock now instead of at the INSERT
        session.execute(sa.text('UPDATE tenant SET id = id WHERE id = :t'), {'t': tenant_id})
    since = utcnow() - timedelta(seconds=WINDOW_S)
    recent = session.exec(select(LookupCase.created_at).where(
        LookupCase.tenant_id == tenant_id, LookupCase.created_at >= since, col(LookupCase.from_cache).is_(False))
        .order_by(col(LookupCase.created_at))).all()
    if len(recent) >= limit:
        oldest = recent[len(recent) - limit]
        retry_after = max(1, math.ceil(WINDOW_S - (utcnow() - oldest).total_seconds()))
        raise RateLimited(f'Lookup limit reached ({limit} per minute).', retry_after=retry_after)


def _check_rate_redis(tenant_id: int, limit: int, url: str) -> None:
    admitted, retry_after = _redis(url).eval(_RATE_LUA, 1, f'podzamenu:rate:{tenant_id}', WINDOW_S, limit,
                                             uuid.uuid4().hex)
    if not admitted:
        raise RateLimited(f'Lookup limit reached ({limit} per minute).', retry_after=int(retry_after))
