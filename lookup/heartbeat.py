"""Worker heartbeats: which workers are alive and what they are doing (for /api/ready and the dashboard).

Production: a Redis hash shared by every host. Embedded: the worker lives in the web process, so memory.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass

import redis

from lookup.settings import get_settings

KEY = 'podzamenu:workers'
INTERVAL_S = 5.0
FORGET_AFTER_S = 3600
_local: dict[str, dict] = {}


@dataclass(frozen=True)
class Beat:
    worker_id: str
    at: float
    case_id: int | None

    @property
    def age_s(self) -> float:
        return max(0.0, time.time() - self.at)


def _redis() -> redis.Redis | None:
    url = get_settings().redis_url
    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2) if url else None


def beat(worker_id: str, case_id: int | None = None) -> None:
    data = {'at': time.time(), 'case_id': case_id}
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


def read() -> list[Beat]:
    r = _redis()
    if r is None:
        raw = {k: v for k, v in _local.items()}
    else:
        try:
            raw = {k.decode(): json.loads(v) for k, v in r.hgetall(KEY).items()}
            stale = [k for k, v in raw.items() if time.time() - v['at'] > FORGET_AFTER_S]
            if stale:
                r.hdel(KEY, *stale)
        finally:
            r.close()
    return sorted((Beat(k, v['at'], v.get('case_id')) for k, v in raw.items()), key=lambda b: -b.at)


class Heartbeat(threading.Thread):
    """Beats every INTERVAL_S seconds for one worker until stopped; `current` is the case being run."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name=f'heartbeat-{worker_id}', daemon=True)
        self.worker_id = worker_id
        self.current: int | None = None
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            beat(self.worker_id, self.current)
            self._stop_event.wait(INTERVAL_S)

    def stop(self) -> None:
        self._stop_event.set()
