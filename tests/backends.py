"""Reaching the production backends in tests: skip locally when absent, fail under CI=true."""

from __future__ import annotations

import os

import pytest
import redis
import sqlalchemy as sa

PG_URL = os.environ.get('TEST_DATABASE_URL', 'postgresql+psycopg://postgres@127.0.0.1:5432/test')
REDIS_URL = os.environ.get('TEST_REDIS_URL', 'redis://127.0.0.1:6379/15')


def _unavailable(what: str, exc: Exception) -> None:
    if os.environ.get('CI', '').lower() in ('1', 'true', 'yes'):
        pytest.fail(f'{what} is required under CI=true but unreachable: {exc}')
    pytest.skip(f'{what} unreachable: {exc}')


def fresh_postgres() -> str:
    """Empty the test database's public schema and return its URL."""
    try:
        engine = sa.create_engine(PG_URL, connect_args={'connect_timeout': 3})
        with engine.begin() as conn:
            conn.execute(sa.text('DROP SCHEMA IF EXISTS public CASCADE'))
            conn.execute(sa.text('CREATE SCHEMA public'))
        engine.dispose()
    except Exception as exc:  # noqa: BLE001
        _unavailable('PostgreSQL', exc)
    return PG_URL


def fresh_redis() -> str:
    try:
        r = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
        r.flushdb()
        r.close()
    except Exception as exc:  # noqa: BLE001
        _unavailable('Redis', exc)
    return REDIS_URL
