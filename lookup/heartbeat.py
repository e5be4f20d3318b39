"""Worker heartbeats: which workers are alive and what they are doing (for /api/ready, the dashboard, recovery).

Production: a Redis hash shared by every host. Embedded: the worker lives in the web process, so memory.
A worker id is `host:pid:thread`; on the same host a dead pid proves a worker dead at once (a SIGKILL, an OOM kill),
elsewhere a heartbeat older than STALE_AFTER_S does.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
from dataclasses import dataclass

import psutil
import redis

from lookup.settings import get_settings

logger = logging.getLogger(__name__)
KEY = 'podzamenu:workers'
INTERVAL_S = 5.0
STALE_AFTER_S = 30.0
"""A worker that has not beaten for this long is dead (its beats come every INTERVAL_S, even mid-lookup)."""
FORGET_AFTER_S = 3600
_local: dict[str, dict] = {}


@dataclass(frozen=True)
class Beat:
    worker_id: str
    at: float
    case_id: int | None
    browser: str | None = None
    """Why this worker's browser could not start on its last lookup (None: it started, or nothing ran yet)."""

    @property
    def age_s(self) -> float:
        return max(0.0, time.time() - self.at)

    @property
    def alive(self) -> bool:
        return self.age_s <= STALE_AFTER_S and not process_gone(self.worker_id)


def process_gone(worker_id: str | None) -> bool:
    """True when the worker ran on this host and its process no longer exists."""
    if not worker_id:
        return False
    host, _, rest = worker_id.partition(':')
    pid = rest.partition(':')[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    return int(pid) != os.getpid() and not psutil.pid_exists(int(pid))


def _redis() -> redis.Redis | None:
    url = get_settings().redis_url
    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2) if url else None


def beat(worker_id: str, case_id: int | None = None, browser: str | None = None) -> None:
    data = {'at': time.time(), 'case_id': case_id, 'browser': browser}
    r = _redis()
    if r is None:
        _local[worker_id] = data
        return
    try:
        r.hset(KEY, worker_id, json.dumps(data))
    except redis.RedisError:
        pass  # the next beat tries again; readiness shows the age meanwhile
    finally:
        r.close()


def forget(worker_id: str) -> None:
    """A worker that stops gracefully leaves at once (readiness must not wait STALE_AFTER_S to notice)."""
    r = _redis()
    if r is None:
        _local.pop(worker_id, None)
        return
    try:
        r.hdel(KEY, worker_id)
    except redis.RedisError as exc:
        logger.warning('could not remove heartbeat of %s: %s', worker_id, exc)
    finally:
        r.close()


def read() -> list[Beat]:
    """Every known worker, newest beat first (raises redis.RedisError when Redis is down)."""
    r = _redis()
    if r is None:
        raw = dict(_local)
    else:
        try:
            raw = {k.decode() if isinstance(k, bytes) else k: json.loads(v) for k, v in r.hgetall(KEY).items()}
            stale = [k for k, v in raw.items() if time.time() - v['at'] > FORGET_AFTER_S or process_gone(k)]
            if stale:
                r.hdel(KEY, *stale)
                raw = {k: v for k, v in raw.items() if k not in stale}
        finally:
            r.close()
    return sorted((Beat(k, v['at'], v.get('case_id'), v.get('browser')) for k, v in raw.items()),
                  key=lambda b: -b.at)


def dead(worker_id: str | None, beats: dict[str, Beat] | None) -> bool:
    """Is the worker that claimed something provably gone? `beats=None`: heartbeats unreadable, use the pid only.

    A missing beat proves nothing (Redis may have restarted empty a second ago); a stale one does.
    """
    if process_gone(worker_id):
        return True
    b = (beats or {}).get(worker_id or '')
    return b is not None and b.age_s > STALE_AFTER_S


def snapshot() -> dict[str, Beat] | None:
    """Heartbeats by worker id, or None when they cannot be read."""
    try:
        return {b.worker_id: b for b in read()}
    except redis.RedisError as exc:
        logger.warning('heartbeats unreadable: %s', exc)
        return None


class Heartbeat(threading.Thread):
    """Beats every INTERVAL_S seconds for one worker until stopped; `current` is the case being run."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name=f'heartbeat-{worker_id}', daemon=True)
        self.worker_id = worker_id
        self.current: int | None = None
        self.browser: str | None = None
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            beat(self.worker_id, self.current, self.browser)
            self._stop_event.wait(INTERVAL_S)

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=3)
        forget(self.worker_id)
