"""Global browser-slot limit per site and per-tenant rate limit (Redis in production, local/DB embedded)."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from functools import lru_cache

import redis
from sqlmodel import Session, col, select

from lookup.errors import RateLimited
from lookup.settings import Settings
from models import LookupCase
from models.dbtypes import utcnow

logger = logging.getLogger(__name__)
WINDOW_S = 60
SLOT_POLL_S = 0.2
_local_slots: dict[str, threading.BoundedSemaphore] = {}
_local_lock = threading.Lock()


@lru_cache
def _redis(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)


@contextmanager
def site_slot(site: str, settings: Settings, *, timeout: float) -> Iterator[bool]:
    """Hold one of `site_concurrency` browser slots for a site; yields False if none freed up in time."""
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
    token = uuid.uuid4().hex
    # Slots expire on their own, so a SIGKILLed worker cannot hold one forever.
    ttl = int(settings.lookup_deadline_s + 60)
    deadline = time.monotonic() + timeout
    key = None
    while key is None:
        for i in range(settings.site_concurrency):
            candidate = f'podzamenu:slot:{site}:{i}'
            if r.set(candidate, token, nx=True, ex=ttl):
                key = candidate
                break
        if key is None:
            if time.monotonic() >= deadline:
                yield False
                return
            # Waiting for another worker to free a slot (a condition in Redis, not a page): short poll.
            time.sleep(SLOT_POLL_S)
    try:
        yield True
    finally:
        try:
            if r.get(key) == token.encode():
                r.delete(key)
        except redis.RedisError:
            logger.warning('could not release %s; it expires in %ss', key, ttl)


def check_rate(*, tenant_id: int, settings: Settings, session: Session) -> None:
    """Raise RateLimited when the tenant already sent `rate_limit_per_minute` lookups to the site in 60 s."""
    limit = settings.rate_limit_per_minute
    if settings.redis_url:
        _check_rate_redis(tenant_id, limit, settings.redis_url)
        return
    since = utcnow() - timedelta(seconds=WINDOW_S)
    recent = session.exec(select(LookupCase.created_at).where(
        LookupCase.tenant_id == tenant_id, LookupCase.created_at >= since, col(LookupCase.from_cache).is_(False))
        .order_by(col(LookupCase.created_at))).all()
    if len(recent) >= limit:
        oldest = recent[len(recent) - limit]
        retry_after = max(1, int(WINDOW_S - (utcnow() - oldest).total_seconds()) + 1)
        raise RateLimited(f'Lookup limit reached ({limit} per minute).', retry_after=retry_after)


def _check_rate_redis(tenant_id: int, limit: int, url: str) -> None:
    r = _redis(url)
    key = f'podzamenu:rate:{tenant_id}'
    now = time.time()
    pipe = r.pipeline()
    pipe.zremrangebyscore(key, 0, now - WINDOW_S)
    pipe.zcard(key)
    pipe.zrange(key, 0, 0, withscores=True)
    _, count, oldest = pipe.execute()
    if count >= limit:
        retry_after = max(1, int(WINDOW_S - (now - oldest[0][1])) + 1) if oldest else WINDOW_S
        raise RateLimited(f'Lookup limit reached ({limit} per minute).', retry_after=retry_after)
    pipe = r.pipeline()
    pipe.zadd(key, {uuid.uuid4().hex: now})
    pipe.expire(key, WINDOW_S + 5)
    pipe.execute()
