"""Login throttling by source address, shared by every web process (Redis in production, memory when embedded).

- one address + one username: PAIR_LIMIT attempts per PAIR_WINDOW_S, then "try again in N s" (for that address);
- one address, any usernames: ADDRESS_LIMIT attempts per ADDRESS_WINDOW_S (spraying names from one place);
- one username, any addresses: failures beyond USER_SLOW_AFTER slow every further attempt for that name by a
  growing delay (at most USER_MAX_DELAY_S) instead of locking it: a stranger can make a known user wait a few
  seconds, never keep them out.
Attempts are counted *before* the password is checked (add first, then count, atomically), so parallel requests
cannot slip extra guesses past the limit while argon2 is busy; a successful login takes its attempt back.
"""

from __future__ import annotations

import logging
import math
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol

import redis

from lookup.settings import get_settings

logger = logging.getLogger(__name__)
PAIR_LIMIT, PAIR_WINDOW_S = 5, 60
ADDRESS_LIMIT, ADDRESS_WINDOW_S = 20, 600
USER_SLOW_AFTER, USER_WINDOW_S, USER_MAX_DELAY_S = 5, 900, 8.0


class Store(Protocol):
    def add(self, key: str, member: str | None, now: float, window: float) -> list[float]:
        """Add `member` at `now` (None: only read), drop entries older than `window`; the times, oldest first."""

    def remove(self, key: str, member: str) -> None: ...

    def clear(self, key: str) -> None: ...


class MemoryStore:
    """One process (the embedded default). Bounded: guessing random names must not grow memory without end."""

    MAX_KEYS = 20_000

    def __init__(self) -> None:
        self._data: dict[str, dict[str, float]] = {}
        self._lock = threading.Lock()

    def add(self, key: str, member: str | None, now: float, window: float) -> list[float]:
        with self._lock:
            entries = {m: t for m, t in self._data.pop(key, {}).items() if now - t < window}
            if member is not None:
                entries[member] = now
            if len(self._data) >= self.MAX_KEYS:
                self._data.pop(next(iter(self._data)))  # the least recently touched key
            self._data[key] = entries
            return sorted(entries.values())

    def remove(self, key: str, member: str) -> None:
        with self._lock:
            self._data.get(key, {}).pop(member, None)

    def clear(self, key: str) -> None:
        with self._lock:
            self._data.pop(key, None)


class RedisStore:
    """Sorted sets (member → time), shared by all web processes; keys expire with their window."""

    PREFIX = 'podzamenu:login:'

    def __init__(self, client: redis.Redis) -> None:
        self.r = client

    def add(self, key: str, member: str | None, now: float, window: float) -> list[float]:
        k = self.PREFIX + key
        pipe = self.r.pipeline(transaction=True)
        pipe.zremrangebyscore(k, '-inf', now - window)
        if member is not None:
            pipe.zadd(k, {member: now})
            pipe.expire(k, int(window) + 1)
        pipe.zrange(k, 0, -1, withscores=True)
        return sorted(score for _, score in pipe.execute()[-1])

    def remove(self, key: str, member: str) -> None:
        self.r.zrem(self.PREFIX + key, member)

    def clear(self, key: str) -> None:
        self.r.delete(self.PREFIX + key)


@dataclass
class Attempt:
    wait_s: int = 0
    """> 0: refused, try again in this many seconds (the password was not checked)."""
    delay_s: float = 0.0
    """Go ahead after sleeping this long (the username has had many failures lately)."""
    keys: list[str] = field(default_factory=list)
    member: str = ''
    user_key: str = ''


def _wait(times: list[float], limit: int, window: float, now: float) -> int:
    if len(times) <= limit:
        return 0
    return max(1, math.ceil(window - (now - times[len(times) - 1 - limit])))


class LoginThrottle:
    def __init__(self, store: Store | None = None, clock: Callable[[], float] = time.time) -> None:
        self.store = store or MemoryStore()
        self.fallback = MemoryStore()
        self.clock = clock

    def _add(self, key: str, member: str | None, now: float, window: float) -> list[float]:
        try:
            return self.store.add(key, member, now, window)
        except redis.RedisError as exc:  # Redis down: count in this process rather than refusing every login
            logger.warning('login throttle store unavailable, counting in-process: %s', exc)
            return self.fallback.add(key, member, now, window)

    def _call(self, fn: str, *args: str) -> None:
        try:
            getattr(self.store, fn)(*args)
        except redis.RedisError:
            getattr(self.fallback, fn)(*args)

    def attempt(self, username: str, address: str) -> Attempt:
        """Count one attempt for (address, username); refused attempts are not counted."""
        name, now, member = username.strip().lower(), self.clock(), uuid.uuid4().hex
        limits = ((f'pair:{address}:{name}', PAIR_LIMIT, PAIR_WINDOW_S),
                  (f'addr:{address}', ADDRESS_LIMIT, ADDRESS_WINDOW_S))
        wait = 0
        for key, limit, window in limits:
            wait = max(wait, _wait(self._add(key, member, now, window), limit, window, now))
        if wait:
            for key, _, _ in limits:
                self._call('remove', key, member)
            return Attempt(wait_s=wait)
        user_key = f'user:{name}'
        failures = self._add(user_key, None, now, USER_WINDOW_S)
        over = len(failures) - USER_SLOW_AFTER + 1
        delay = min(2.0 ** (over - 1), USER_MAX_DELAY_S) if over > 0 else 0.0
        return Attempt(delay_s=delay, keys=[k for k, _, _ in limits], member=member, user_key=user_key)

    def failed(self, attempt: Attempt) -> None:
        """The password was wrong: it counts towards slowing this username down (from any address)."""
        if attempt.user_key:
            self._add(attempt.user_key, attempt.member, self.clock(), USER_WINDOW_S)

    def succeeded(self, attempt: Attempt) -> None:
        """A successful login clears its (address, username) count and takes its attempt back from the address."""
        if attempt.keys:
            self._call('clear', attempt.keys[0])
            self._call('remove', attempt.keys[1], attempt.member)


@lru_cache
def get_throttle() -> LoginThrottle:
    """Redis-backed in production (REDIS_URL), in-process on the embedded default."""
    url = get_settings().redis_url
    if url:
        return LoginThrottle(RedisStore(redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)))
    return LoginThrottle()
