"""Stopping and starting the local PostgreSQL and Redis for outage tests. Every stop is undone in a `finally`.

CI runs as root on a Debian machine with both servers from apt (the commands below are that machine's). Where they
cannot be controlled, the tests skip locally and fail under CI=true (tests/backends.py).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis
import sqlalchemy as sa

from tests.backends import PG_URL, REDIS_URL, _unavailable

REDIS_PORT = '6379'
REDIS_START = ['redis-server', '--daemonize', 'yes', '--bind', '127.0.0.1', '-::1', '--port', REDIS_PORT,
               '--save', '', '--appendonly', 'no', '--dir', '/var/lib/redis', '--logfile', '/var/log/redis/ci.log']


def _run(cmd: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


def _redis_up() -> bool:
    try:
        r = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
        ok = bool(r.ping())
        r.close()
        return ok
    except redis.RedisError:
        return False


def _pg_up() -> bool:
    try:
        engine = sa.create_engine(PG_URL, connect_args={'connect_timeout': 1}, poolclass=sa.pool.NullPool)
        with engine.connect() as conn:
            conn.execute(sa.text('SELECT 1'))
        return True
    except sa.exc.OperationalError:
        return False


def _wait(predicate, timeout: float, what: str) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f'{what} did not come back within {timeout}s')
        time.sleep(0.1)


def require_control() -> None:
    """Skip (fail under CI) unless this machine can stop and start the local servers."""
    missing = [b for b in ('redis-server', 'redis-cli', 'pg_ctlcluster') if not shutil.which(b)]
    if missing:
        _unavailable('server control', RuntimeError(f'missing {missing}'))
    if os.geteuid() != 0:
        _unavailable('server control', RuntimeError('needs root (pg_ctlcluster, redis-server --dir /var/lib/redis)'))


def start_redis() -> None:
    if _redis_up():
        return
    for d in ('/var/lib/redis', '/var/log/redis'):
        Path(d).mkdir(parents=True, exist_ok=True)
    out = _run(REDIS_START)
    if out.returncode:
        raise AssertionError(f'redis-server failed: {out.stderr or out.stdout}')
    _wait(_redis_up, 20, 'Redis')


@contextmanager
def redis_down() -> Iterator[None]:
    """Redis is shut down (without saving) inside the block and always started again after it."""
    require_control()
    try:
        _run(['redis-cli', '-p', REDIS_PORT, 'shutdown', 'nosave'])
        _wait(lambda: not _redis_up(), 10, 'Redis to stop')
        yield
    finally:
        start_redis()


def _cluster() -> list[str]:
    version = sorted(os.listdir('/etc/postgresql'))[-1]
    return ['pg_ctlcluster', '--skip-systemctl-redirect', version, 'main']


def restart_postgres() -> None:
    """Restart the PostgreSQL cluster (every connection is cut) and wait until it accepts connections again."""
    require_control()
    try:
        out = _run([*_cluster(), 'restart'])
        if out.returncode:
            raise AssertionError(f'pg_ctlcluster restart failed: {out.stderr or out.stdout}')
    finally:
        if not _pg_up():
            _run([*_cluster(), 'start'])
        _wait(_pg_up, 30, 'PostgreSQL')
